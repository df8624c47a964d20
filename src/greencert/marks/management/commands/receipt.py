"""``greencert receipt verify FILE --trust FILE [--log-vkey KEY]`` (and ``receipt issue NUMBER
[--at DATE] -o FILE``).

``verify`` checks the signature against the trust file, then, without the network, the
transparency-log proof the receipt carries: the checkpoint's signature under the log's verifier
key (``--log-vkey``, the log listed in a ``did.json`` trust file, or a peer's pinned key), the
inclusion of the event the stated status comes from, and that the event is this certificate with
that status. It prints the tree the receipt rests on and its cosigners.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from greencert.marks.offline_checks import (
    TrustFileError,
    check_receipt_log,
    load_log_keys,
    load_trust,
    read_receipt,
    verify_receipt,
)


class Command(BaseCommand):
    help = "Verify a status receipt against a trust file, or issue one."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        verify = sub.add_parser("verify", help="check a receipt (the API's JSON, or the bare JWS)")
        verify.add_argument("file", type=Path)
        verify.add_argument("--trust", type=Path, required=True, help="saved jwks.json or did.json")
        verify.add_argument(
            "--log-vkey",
            action="append",
            default=[],
            help="the transparency log's verifier key (name+id+key, as /log/vkey serves it)",
        )
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
            log_keys = [*options["log_vkey"], *load_log_keys(options["trust"])]
            token = read_receipt(options["file"].read_text(encoding="utf-8"))
        except (TrustFileError, OSError, ValueError, KeyError) as exc:
            raise CommandError(f"cannot read receipt: {exc}") from exc
        checks, statement = verify_receipt(token, trusted)
        tree: list[str] = []
        if statement is not None:
            log_checks, tree = check_receipt_log(statement, log_keys)
            checks.extend(log_checks)
        for check in checks:
            self.stdout.write(check.line())
        for line in tree:
            self.stdout.write(line)
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
