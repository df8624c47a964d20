"""``greencert seal_keys``: encrypt every private key in the database under the first
key-encryption key (plain keys from before sealing, and keys sealed under an older one).

Rotating the key-encryption key: put a new key (``greencert seal_keys --new-key``) first in
``GREENCERT_KEY_ENCRYPTION_KEY`` or its file, keep the old one after it, run ``greencert
seal_keys``, then remove the old key.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from greencert.core import sealing


class Command(BaseCommand):
    help = "Encrypt every stored private key under the first key-encryption key."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--new-key", action="store_true", help="print a new key-encryption key and stop"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["new_key"]:
            self.stdout.write(sealing.new_key())
            return
        try:
            with transaction.atomic():
                changed = sealing.seal_all()
        except sealing.SealingError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"{changed} private key(s) sealed under the current key-encryption key")
