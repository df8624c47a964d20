"""``greencert evaluate --scheme ID[@VERSION] --input FILE.json [--json]``: the evaluation CLI.

Exit codes: 0 pass, 1 fail, 2 incomplete, 3 bad input.
"""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from greencert.evaluation.cli import main


class Command(BaseCommand):
    help = "Evaluate a submission against a scheme and explain the result (统一评价)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scheme", required=True, help="ID or ID@VERSION")
        parser.add_argument("--input", required=True, help="submission JSON file, or - for stdin")
        parser.add_argument("--json", action="store_true", help="machine-readable output")
        parser.add_argument("--lang", choices=["zh", "en"], default="zh")
        parser.add_argument("--on", default=None, help="pick the version in force on YYYY-MM-DD")

    def handle(self, *args: Any, **options: Any) -> None:
        argv = [
            "evaluate",
            "--scheme",
            options["scheme"],
            "--input",
            options["input"],
            "--lang",
            options["lang"],
        ]
        if options["json"]:
            argv.append("--json")
        if options["on"]:
            argv += ["--on", options["on"]]
        code = main(argv, stdout=self.stdout._out, stderr=self.stderr._out)  # type: ignore[arg-type]
        if code:
            sys.exit(code)
