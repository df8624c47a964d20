"""``greencert inspections verify-draw FILE``: re-run a published 双随机 draw.

FILE is the JSON downloaded from the plan's portal page (``/supervision/inspections/<code>/``)
or ``GET /api/v1/supervision/inspections/<code>/draw``. Each check is reported by name: the
seed against its commitment, each pool against its fingerprint, the event log's tree head at
the stated time (from the local database, ``--events`` an exported file of change-feed events,
or ``--feed`` a node's change feed URL), the randomness, and the draw itself.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from greencert.supervision import draw_log
from greencert.supervision.draw import ALGORITHM_V1, verify_published

CHECKS = {
    "commitment": "seed matches its commitment",
    "pools": "pools match their fingerprints",
    "log": "event log tree head at the stated time",
    "randomness": "randomness = SHA-256(seed, tree head)",
    "draw": "re-running the draw gives the published result",
}


class Command(BaseCommand):
    help = "Random inspections (双随机一公开): verify-draw FILE re-runs a published draw."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        verify = sub.add_parser("verify-draw", help="re-run a published draw from its JSON file")
        verify.add_argument("file", type=Path)
        source = verify.add_mutually_exclusive_group()
        source.add_argument(
            "--events", type=Path, help="exported change-feed events (JSON array or JSON lines)"
        )
        source.add_argument(
            "--feed", help="a node's change feed URL, e.g. https://…/api/v1/changes"
        )
        verify.add_argument("--token", default="", help="client token for --feed (scope feed)")

    def _events(self, options: dict[str, Any], last: int) -> Iterable[dict[str, Any]]:
        if options["events"]:
            return draw_log.file_events(options["events"])
        if options["feed"]:
            return draw_log.feed_events_from(options["feed"], last, options["token"])
        return draw_log.local_events(last)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise CommandError(f"{path}: cannot read a published draw: {exc}") from None
        if not isinstance(document, dict) or "object_pool" not in document:
            raise CommandError(f"{path}: not a published draw (no object_pool)")
        try:
            problems = verify_published(document)
            if document.get("algorithm") != ALGORITHM_V1 and document.get("seed"):
                head = document.get("log_tree_head") or {}
                last = int(head.get("size", 0)) + 1
                problems += draw_log.check_log(document, self._events(options, last))
        except (KeyError, TypeError, ValueError, OSError) as exc:
            raise CommandError(f"{path}: malformed published draw or log: {exc!r}") from None
        checks = dict(CHECKS)
        if document.get("algorithm") == ALGORITHM_V1:
            del checks["log"], checks["randomness"]
        failed = {p.split(":", 1)[0] for p in problems}
        for name, what in checks.items():
            if name in failed:
                self.stderr.write(f"✖ {name}: {what} — FAILED")
                for problem in problems:
                    if problem.startswith(f"{name}:"):
                        self.stderr.write(f"    {problem.split(':', 1)[1].strip()}")
            else:
                self.stdout.write(f"✔ {name}: {what}")
        if problems:
            raise CommandError(
                f"the draw of plan {document.get('plan')} does NOT verify "
                f"(failed: {', '.join(n for n in checks if n in failed)})"
            )
        checks_drawn = document["result"]
        self.stdout.write(
            self.style.SUCCESS(
                f"✔ plan {document.get('plan')}: re-running {document['algorithm']} gives the same "
                f"{len(checks_drawn)} objects and their inspectors"
            )
        )
        if document.get("inspector_conflicts") == "withheld":
            self.stdout.write(
                "  inspectors checked against the directory (each in it, none working for the "
                "object); declared conflicts are withheld from the public record, so the "
                "plan's regulators re-run the assignment in full"
            )
        for check in checks_drawn:
            self.stdout.write(
                f"  {check['object']}  items {','.join(check['items'])}  "
                f"inspectors {','.join(check['inspectors'])}"
            )
