"""``greencert import template|certificates|changes``: bulk import of a body's certificates and of
later changes to them, from CSV or XLSX (批量导入)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from greencert.certification.imports.columns import KINDS
from greencert.certification.imports.outcome import Outcome
from greencert.certification.imports.problems import error_report
from greencert.certification.imports.progress import ProgressBar
from greencert.certification.imports.run import import_file, require_importer
from greencert.certification.imports.runs import (
    fail,
    progress_recorder,
    record_outcome,
    start_run,
)
from greencert.certification.imports.table import read_path
from greencert.certification.imports.template_files import FORMATS, template_file
from greencert.core.actors import Actor
from greencert.core.errors import UserFacingError
from greencert.parties.models import CertificationBody

# Exit codes: every row valid (and imported); some row refused or not imported; the command
# could not run (unknown body or user, unreadable file).
OK, ROWS_REFUSED, CANNOT_RUN = 0, 1, 2


class Command(BaseCommand):
    help = (
        "Import a certification body's certificates or later changes from CSV or XLSX, every "
        "row checked first (批量导入证书或状态变更，先检查每一行)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="what", required=True)
        template = sub.add_parser("template", help="write an import template")
        template.add_argument("kind", choices=KINDS)
        template.add_argument("--format", choices=FORMATS, default="xlsx")
        template.add_argument(
            "--body", default="", help="approval number: the example row uses its number format"
        )
        template.add_argument("-o", "--output", required=True, help="the file to write")
        for kind in KINDS:
            command = sub.add_parser(kind, help=f"import {kind} from FILE (.csv or .xlsx)")
            command.add_argument("file")
            command.add_argument("--body", required=True, help="approval number (CNCA-R-…)")
            command.add_argument(
                "--user",
                default="",
                help="username of the body's staff member the import is recorded as "
                "(required unless --dry-run)",
            )
            command.add_argument(
                "--dry-run", action="store_true", help="check every row, write nothing"
            )
            command.add_argument(
                "--valid-only",
                action="store_true",
                help="import the valid rows even when others are refused",
            )
            command.add_argument("--errors", default="", help="write the problems to FILE.xlsx")
            command.add_argument(
                "--no-progress", action="store_true", help="no progress on standard error"
            )
            command.add_argument("--batch-size", type=int, default=0, help=argparse.SUPPRESS)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["what"] == "template":
            body = self._body(options["body"]) if options["body"] else None
            data = template_file(options["kind"], options["format"], body)
            Path(options["output"]).write_bytes(data)
            self.stdout.write(f"wrote {options['output']}")
            return
        sys.exit(self._import(options["what"], options))

    def _body(self, approval_number: str) -> CertificationBody:
        try:
            return CertificationBody.objects.get(approval_number=approval_number.strip().upper())
        except CertificationBody.DoesNotExist:
            raise CommandError(
                f"没有批准号为 {approval_number!r} 的认证机构 / "
                f"no certification body with approval number {approval_number!r}",
                returncode=CANNOT_RUN,
            ) from None

    def _actor(self, username: str, dry_run: bool) -> Actor | None:
        if not username:
            if dry_run:
                return None
            raise CommandError(
                "导入须以机构人员名义记录：请用 --user 指定其用户名（试运行 --dry-run 除外） / "
                "an import is recorded in a staff member's name: give their username with --user "
                "(not needed with --dry-run)",
                returncode=CANNOT_RUN,
            )
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(
                f"没有用户名为 {username!r} 的用户 / no user named {username!r}",
                returncode=CANNOT_RUN,
            )
        return Actor.for_user(user)

    def _import(self, kind: str, options: dict[str, Any]) -> int:
        body = self._body(options["body"])
        dry_run = options["dry_run"]
        actor = self._actor(options["user"], dry_run)
        path = Path(options["file"])
        try:
            table = read_path(path)
        except OSError as error:
            raise CommandError(
                f"无法读取文件 {path} / cannot read {path}: {error.strerror}", returncode=CANNOT_RUN
            ) from None
        except UserFacingError as error:
            raise CommandError(
                f"{error.message_zh} / {error.message_en}", returncode=CANNOT_RUN
            ) from None
        bar = None if options["no_progress"] else ProgressBar(sys.stderr)
        run = None
        if not dry_run:
            assert actor is not None
            try:
                require_importer(actor, body)
            except UserFacingError as error:
                raise CommandError(
                    f"{error.message_zh} / {error.message_en}", returncode=CANNOT_RUN
                ) from None
            run = start_run(
                kind=kind,  # type: ignore[arg-type]
                body=body,
                actor=actor,
                name=path.name,
                data=path.read_bytes(),
                keep_file=False,
                valid_only=options["valid_only"],
            )
        try:
            outcome = import_file(
                kind,  # type: ignore[arg-type]
                table,
                body,
                actor,
                dry_run=dry_run,
                valid_only=options["valid_only"],
                progress=progress_recorder(run, bar) if run else bar,
                batch_size=options["batch_size"] or None,
            )
        except UserFacingError as error:
            if run is not None:
                fail(run, error)
            raise CommandError(
                f"{error.message_zh} / {error.message_en}", returncode=CANNOT_RUN
            ) from None
        finally:
            if bar:
                bar.finish()
        if run is not None:
            record_outcome(run, outcome, finished=True)
        self._report(outcome, options["errors"])
        return OK if outcome.ok else ROWS_REFUSED

    def _report(self, outcome: Outcome, errors_path: str) -> None:
        for problem in outcome.problems:
            self.stdout.write(problem.message_zh)
            self.stdout.write(f"  {problem.message_en}")
        if errors_path:
            Path(errors_path).write_bytes(error_report(outcome.problems))
            self.stdout.write(
                f"错误报告 error report: {errors_path} ({len(outcome.problems)} problems)"
            )
        if outcome.verdict_zh():
            self.stdout.write(outcome.verdict_zh())
            self.stdout.write(outcome.verdict_en())
        self.stdout.write(f"{outcome.summary_zh()} / {outcome.summary_en()}")
