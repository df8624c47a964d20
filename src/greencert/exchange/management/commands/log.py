"""``greencert log catch-up|vkey|checkpoint|audit``: the node's transparency log."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from greencert.exchange.tlog import audit, storage


class Command(BaseCommand):
    help = "Bring the transparency log up to the event log, print its key, or audit a node's log."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        sub.add_parser("catch-up", help="log every committed event and sign a checkpoint")
        sub.add_parser("vkey", help="print the log's note verifier key (name+hash+base64key)")
        sub.add_parser("checkpoint", help="print the latest signed checkpoint")
        check = sub.add_parser("audit", help="audit a node's whole log over HTTP")
        check.add_argument("url", help="the log's URL, e.g. http://127.0.0.1:8000/log")
        check.add_argument(
            "--vkey", help="the log's verifier key (default: fetched from URL/vkey, trusted as is)"
        )
        check.add_argument(
            "--since", type=Path, help="a checkpoint saved earlier: the log must extend it"
        )
        check.add_argument("--save", type=Path, help="save the audited checkpoint to this file")

    def handle(self, *args: Any, **options: Any) -> None:
        command = options["subcommand"]
        if command == "catch-up":
            logged = storage.catch_up()
            checkpoint = storage.latest_checkpoint()
            size = checkpoint.size if checkpoint else 0
            self.stdout.write(f"logged {logged} events; the checkpoint covers {size}")
        elif command == "vkey":
            self.stdout.write(storage.verifier_key())
        elif command == "checkpoint":
            storage.catch_up()
            checkpoint = storage.latest_checkpoint()
            assert checkpoint is not None
            self.stdout.write(checkpoint.note, ending="")
        else:
            self._audit(options)

    def _audit(self, options: dict[str, Any]) -> None:
        fetch = audit.http_fetcher(options["url"])
        try:
            vkey = options["vkey"] or fetch("vkey").decode().strip()
        except audit.FetchFailed as error:
            raise CommandError(f"cannot fetch the verifier key: {error}") from error
        since = options["since"].read_text() if options["since"] else None
        report = audit.audit(fetch, vkey, since)
        for line in report.checked:
            self.stdout.write(f"ok      {line}")
        for line in report.failures:
            self.stdout.write(f"FAILED  {line}")
        if not report.ok:
            raise CommandError(f"the log at {options['url']} failed {len(report.failures)} checks")
        if options["save"]:
            options["save"].write_text(report.checkpoint_note)
        self.stdout.write(f"the log at {options['url']} passed ({report.size} entries)")
