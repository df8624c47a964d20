"""``greencert receipt verify FILE --trust FILE`` (and ``receipt issue NUMBER [--at DATE] -o FILE``)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from greencert.marks.offline_checks import TrustFileError, load_trust, read_receipt, verify_receipt


class Command(BaseCommand):
    help = "Verify a status receipt against a trust file, or issue one."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        verify = sub.add_parser("verify", help="check a receipt (the API's JSON, or the bare JWS)")
        verify.add_argument("file", type=Path)
        verify.add_argument("--trust", type=Path, required=True, help="saved jwks.json or did.json")
        issue = sub.add_parser("issue", help="write a signed receipt for a certificate")
        issue.add_argument("number")
        issue.add_argument("--at", type=dt.date.fromisoformat, default=None)
        issue.add_argument("-o", "--output", type=Path, required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "issue":
            self._issue(options["number"], options["at"], options["output"])
            return
        try:
            trusted = load_trust(options["trust"])
            token = read_receipt(options["file"].read_text(encoding="utf-8"))
        except (TrustFileError, OSError, ValueError, KeyError) as exc:
            raise CommandError(f"cannot read receipt: {exc}") from exc
        checks, statement = verify_receipt(token, trusted)
        for check in checks:
            self.stdout.write(check.line())
        if statement is None or any(c.ok is False for c in checks):
            raise CommandError("receipt NOT verified", returncode=1)
        self.stdout.write(str(statement.get("statement_zh", "")))
        self.stdout.write(str(statement.get("statement_en", "")))
        self.stdout.write("receipt verified")

    def _issue(self, number: str, at: dt.date | None, output: Path) -> None:
        from greencert.certification.lookup import explain, find_certificate
        from greencert.core.errors import UserFacingError
        from greencert.marks.status_receipts import issue_receipt

        lookup = find_certificate(number)
        if lookup.certificate is None:
            zh, en = explain(lookup)
            raise CommandError(f"no certificate {number} ({lookup.verdict}): {zh}\n{en}")
        try:
            token, statement = issue_receipt(lookup.certificate, at)
        except UserFacingError as exc:
            raise CommandError(f"{exc.message_zh}\n{exc.message_en}") from exc
        data = {"receipt": token, "statement": statement}
        output.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
        self.stdout.write(f"wrote {output}")
