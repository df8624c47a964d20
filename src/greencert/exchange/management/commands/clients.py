"""``greencert clients create|rotate|revoke|list``: API clients of procurement platforms and insurers."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from greencert.core.actors import Actor
from greencert.core.errors import UserFacingError
from greencert.exchange import actions
from greencert.exchange.models import ApiClient
from greencert.parties.models import CertificationBody


class Command(BaseCommand):
    help = "Register API clients and manage their tokens (接口客户管理)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        create = sub.add_parser("create", help="register a client and print its token once")
        create.add_argument("name")
        create.add_argument(
            "--scopes",
            required=True,
            help="comma-separated: verify,feed,webhooks,adoption,certify",
        )
        create.add_argument(
            "--body",
            default="",
            help="approval number (CNCA-R-…) of the certification body whose system this is; "
            "required with the certify scope",
        )
        create.add_argument("--display-name", default="")
        create.add_argument("--rate", type=int, default=600, help="requests per minute")
        rotate = sub.add_parser("rotate", help="issue a new token; old ones expire in 24 hours")
        rotate.add_argument("name")
        revoke = sub.add_parser("revoke", help="revoke every token of the client now")
        revoke.add_argument("name")
        sub.add_parser("list", help="list clients")

    def _client(self, name: str) -> ApiClient:
        try:
            return ApiClient.objects.get(name=name)
        except ApiClient.DoesNotExist:
            raise CommandError(f"no client named {name!r} / 没有名为 {name!r} 的客户") from None

    def _body(self, approval_number: str) -> CertificationBody:
        try:
            return CertificationBody.objects.get(approval_number=approval_number.strip().upper())
        except CertificationBody.DoesNotExist:
            raise CommandError(
                f"no certification body with approval number {approval_number!r} / "
                f"没有批准号为 {approval_number!r} 的认证机构"
            ) from None

    def handle(self, *args: Any, **options: Any) -> None:
        actor = Actor.for_system("console")
        try:
            verb = options["verb"]
            if verb == "create":
                scopes = [s.strip() for s in options["scopes"].split(",") if s.strip()]
                client, token = actions.create_client(
                    actor,
                    name=options["name"],
                    scopes=scopes,
                    display_name=options["display_name"],
                    rate_limit_per_minute=options["rate"],
                    body=self._body(options["body"]) if options["body"] else None,
                )
                bound = f" for {client.body.approval_number}" if client.body else ""
                self.stdout.write(f"client {client.name} ({', '.join(client.scopes)}){bound}")
                self.stdout.write(f"token (shown once, store it now): {token}")
            elif verb == "rotate":
                token = actions.rotate_token(actor, self._client(options["name"]))
                self.stdout.write(f"new token (shown once): {token}")
            elif verb == "revoke":
                count = actions.revoke_tokens(actor, self._client(options["name"]))
                self.stdout.write(f"revoked {count} tokens")
            else:
                for client in ApiClient.objects.all():
                    live = client.tokens.filter(revoked_at__isnull=True).count()
                    bound = f"  body {client.body.approval_number}" if client.body else ""
                    self.stdout.write(
                        f"{client.name:<24} {','.join(client.scopes):<32} "
                        f"{client.rate_limit_per_minute}/min  {live} live tokens"
                        f"{bound}{'' if client.active else '  (inactive)'}"
                    )
        except UserFacingError as exc:
            raise CommandError(f"{exc.message_en} / {exc.message_zh}") from exc
