"""``greencert inspections verify-draw FILE``: re-run a published 双随机 draw offline.

FILE is the JSON downloaded from the plan's portal page (``/supervision/inspections/<code>/``)
or ``GET /api/v1/supervision/inspections/<code>/draw``. The check uses nothing but the file:
the seed against its commitment, each pool against its fingerprint, and the draw itself.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from greencert.supervision.draw import verify_published


class Command(BaseCommand):
    help = "Random inspections (双随机一公开): verify-draw FILE re-runs a published draw."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        verify = sub.add_parser("verify-draw", help="re-run a published draw from its JSON file")
        verify.add_argument("file", type=Path)

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
        except (KeyError, TypeError, ValueError) as exc:
            raise CommandError(f"{path}: malformed published draw: {exc!r}") from None
        if problems:
            for problem in problems:
                self.stderr.write(f"✖ {problem}")
            raise CommandError(f"the draw of plan {document.get('plan')} does NOT verify")
        checks = document["result"]
        self.stdout.write(
            self.style.SUCCESS(
                f"✔ plan {document.get('plan')}: seed matches its commitment, pools match their "
                f"fingerprints, and re-running {document['algorithm']} gives the same "
                f"{len(checks)} objects and their inspectors"
            )
        )
        for check in checks:
            self.stdout.write(
                f"  {check['object']}  items {','.join(check['items'])}  "
                f"inspectors {','.join(check['inspectors'])}"
            )
