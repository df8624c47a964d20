"""``greencert log catch-up|vkey|checkpoint|audit``: the node's transparency log;
``greencert log witness-vkey|witness-status|witness-submit``: its witness."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from greencert.exchange.tlog import audit, storage
from greencert.exchange.witness import keys as witness_keys
from greencert.exchange.witness import status, submit


class Command(BaseCommand):
    help = (
        "Bring the transparency log up to the event log, print its key, audit a node's log, "
        "or see to its witnessing."
    )

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
        sub.add_parser(
            "witness-vkey", help="print the witness's cosigner verifier key (name+hash+base64key)"
        )
        sub.add_parser(
            "witness-status", help="print each peer's checkpoint as cosigned here, and the alerts"
        )
        sub.add_parser(
            "witness-submit", help="submit the latest checkpoint to the peers' witnesses now"
        )

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
        elif command == "witness-vkey":
            self.stdout.write(witness_keys.witness_vkey())
        elif command == "witness-status":
            self._witness_status()
        elif command == "witness-submit":
            storage.catch_up()
            for peer_id, cosigned in submit.submit_latest().items():
                self.stdout.write(f"{peer_id}: {'cosigned' if cosigned else 'not cosigned'}")
        else:
            self._audit(options)

    def _witness_status(self) -> None:
        own = status.own_state()
        if own is not None:
            cosigners = ", ".join(p.id for p in own["cosigners"]) or "-"
            state = "witnessed" if own["witnessed"] else f"not witnessed ({own['quorum']} needed)"
            self.stdout.write(
                f"this log: size {own['size']} root {own['root_hash']} cosigned by {cosigners}"
                f" · {state}"
            )
        for peer in status.peer_states("en"):
            held = peer["held"]
            if held is None:
                self.stdout.write(f"{peer['id']} {peer['origin']}: no checkpoint held")
            else:
                self.stdout.write(
                    f"{peer['id']} {peer['origin']}: size {held['size']} root {held['root_hash']}"
                    f" cosigned {held['cosigned_at']:%Y-%m-%d %H:%M:%S%z}"
                )
        alerts = status.alerts("en")
        self.stdout.write(f"{len(alerts)} alert(s)")
        for alert in alerts:
            self.stdout.write(
                f"ALERT {alert['detected_at']:%Y-%m-%d %H:%M:%S%z} {alert['peer_id']}"
                f" {alert['kind']}: held size {alert['held_size']},"
                f" offered size {alert['offered_size']}"
            )
            self.stdout.write("  held:")
            self.stdout.write(
                "".join(f"    {line}\n" for line in alert["held_note"].splitlines()), ending=""
            )
            self.stdout.write("  offered:")
            self.stdout.write(
                "".join(f"    {line}\n" for line in alert["offered_note"].splitlines()), ending=""
            )

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
