"""``greencert keys list|rotate|jwks``: the node's signing keys."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from greencert.core.actors import Actor
from greencert.marks import keys
from greencert.marks.actions import ensure_signing_key, rotate_signing_key
from greencert.marks.models import SigningKey


class Command(BaseCommand):
    help = "List or rotate the node's Ed25519 signing keys, or print them as a JWKS trust file."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        sub.add_parser("list", help="every key, current and retired")
        sub.add_parser("rotate", help="retire the current key and sign with a new one from now")
        sub.add_parser("jwks", help="print the public keys as a JWKS (a trust file for verifiers)")
        sub.add_parser("did", help="print the did:web document")

    def handle(self, *args: Any, **options: Any) -> None:
        command = options["subcommand"]
        if command == "rotate":
            key = rotate_signing_key(Actor.for_system("keys-rotate"))
            self.stdout.write(f"now signing with {key.kid}")
        elif command == "jwks":
            self.stdout.write(json.dumps(keys.public_jwks(), indent=2))
        elif command == "did":
            self.stdout.write(json.dumps(keys.did_document(), indent=2))
        else:
            ensure_signing_key()
            for key in SigningKey.objects.order_by("number"):
                state = f"retired {key.retired_at:%Y-%m-%d %H:%M}" if key.retired_at else "current"
                self.stdout.write(f"{key.kid}  created {key.created_at:%Y-%m-%d %H:%M}  {state}")
