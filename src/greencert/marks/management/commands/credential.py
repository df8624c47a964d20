"""``greencert credential issue NUMBER -o FILE`` and ``greencert credential verify FILE``.

``verify`` checks a credential away from the node: the signature against a trust file (the
node's saved ``jwks.json`` or ``did.json``), the issuer and the validity dates, then the current
status from the signed status lists — fetched over HTTP with ``--online``, read from saved files
with ``--status-list``, or fetched by default when reachable. Then, without the network, the
transparency-log proof the credential carries: the checkpoint's signature under the log's
verifier key (``--log-vkey``, the log listed in a ``did.json`` trust file, or a peer's pinned key),
the inclusion of the certificate's latest event in the checkpoint's tree, and that the event is
this certificate, valid. Prints one ✓/✗ line per check, the tree the credential rests on and its
cosigners, and exits non-zero if any check fails.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from greencert.marks.offline_checks import (
    Fetch,
    TrustFileError,
    check_credential_log,
    fetch_url,
    load_log_keys,
    load_trust,
    verify_credential,
)


def saved_lists(paths: list[Path]) -> dict[str, str]:
    """Status list JWSs saved to files, by the URL they were published at (their ``id``)."""
    found = {}
    for path in paths:
        token = path.read_text(encoding="ascii").strip()
        part = token.split(".")[1]
        payload = json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
        found[payload["id"]] = token
    return found


def _saved(saved: dict[str, str], url: str) -> str:
    if url not in saved:
        raise OSError(f"no saved status list for {url}")
    return saved[url]


class Command(BaseCommand):
    help = "Issue a certificate's signed credential, or verify one offline/online."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        issue = sub.add_parser("issue", help="write a valid certificate's signed credential")
        issue.add_argument("number")
        issue.add_argument("-o", "--output", type=Path, required=True)
        verify = sub.add_parser("verify", help="check a credential file (.vc.jwt)")
        verify.add_argument("file", type=Path)
        verify.add_argument("--trust", type=Path, required=True, help="saved jwks.json or did.json")
        mode = verify.add_mutually_exclusive_group()
        mode.add_argument("--online", action="store_true", help="status check required over HTTP")
        mode.add_argument("--offline", action="store_true", help="skip the status check")
        verify.add_argument(
            "--status-list",
            type=Path,
            action="append",
            default=[],
            help="a saved status list (repeatable); used instead of fetching",
        )
        verify.add_argument("--now", type=dt.datetime.fromisoformat, default=None)
        verify.add_argument(
            "--log-vkey",
            action="append",
            default=[],
            help="the transparency log's verifier key (name+id+key, as /log/vkey serves it)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "issue":
            self._issue(options["number"], options["output"])
        else:
            self._verify(options)

    def _issue(self, number: str, output: Path) -> None:
        from greencert.certification.lookup import explain, find_certificate
        from greencert.core.errors import UserFacingError
        from greencert.marks.credentials import issue_credential

        lookup = find_certificate(number)
        if lookup.certificate is None:
            zh, en = explain(lookup)
            raise CommandError(f"no certificate {number} ({lookup.verdict}): {zh}\n{en}")
        try:
            token = issue_credential(lookup.certificate)
        except UserFacingError as exc:
            raise CommandError(f"{exc.message_zh}\n{exc.message_en}") from exc
        output.write_text(token + "\n", encoding="ascii")
        self.stdout.write(f"wrote {output} ({len(token)} bytes)")

    def _verify(self, options: dict[str, Any]) -> None:
        from greencert.marks.statuslist import purposes

        try:
            trusted = load_trust(options["trust"])
            log_keys = [*options["log_vkey"], *load_log_keys(options["trust"])]
            token = options["file"].read_text(encoding="ascii").strip()
        except (TrustFileError, OSError, UnicodeDecodeError) as exc:
            raise CommandError(str(exc)) from exc
        fetch: Fetch | None = fetch_url
        # By default an unreachable node skips the status check; --online makes it a failure.
        required = options["online"]
        if options["status_list"]:
            saved = saved_lists(options["status_list"])
            fetch, required = lambda url: _saved(saved, url), True
        elif options["offline"]:
            fetch = None
        labels = {name: p.en for name, p in purposes().items()}
        now = options["now"]
        if now is not None and now.tzinfo is None:
            now = now.replace(tzinfo=dt.UTC)
        checks, payload = verify_credential(
            token, trusted, fetch=fetch, now=now, labels=labels, status_required=required
        )
        if payload is not None:
            subject = payload.get("credentialSubject", {})
            holder = subject.get("issuedToParty", {})
            self.stdout.write(
                f"credential {subject.get('name')} · {holder.get('name')} ({holder.get('registeredId')})"
            )
        tree: list[str] = []
        if payload is not None:
            log_checks, tree = check_credential_log(payload, log_keys)
            checks.extend(log_checks)
        for check in checks:
            self.stdout.write(check.line())
        for line in tree:
            self.stdout.write(line)
        failed = [c for c in checks if c.ok is False]
        if failed:
            raise CommandError(
                "credential NOT verified: " + "; ".join(f"{c.name}: {c.detail}" for c in failed),
                returncode=1,
            )
        self.stdout.write("credential verified")
