"""Import runs: a file checked, then imported, with the outcome and progress recorded on its
``ImportRun`` row — by the command as it goes, and by the office page's background jobs."""

from __future__ import annotations

import hashlib
import logging
import time
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from greencert.certification.imports.columns import Kind
from greencert.certification.imports.outcome import Outcome
from greencert.certification.imports.problems import error_report
from greencert.certification.imports.run import Progress, import_file
from greencert.certification.imports.table import read_table
from greencert.certification.models import ImportRun
from greencert.core.actors import Actor
from greencert.core.errors import UserFacingError
from greencert.parties.models import CertificationBody

logger = logging.getLogger(__name__)

# Problems kept on the run for the page; the error report has every one.
SHOWN_PROBLEMS = 500
# Progress is written to the run at most this often (seconds).
PROGRESS_EVERY = 0.5


def start_run(
    *,
    kind: Kind,
    body: CertificationBody,
    actor: Actor,
    name: str,
    data: bytes,
    keep_file: bool,
    valid_only: bool = False,
) -> ImportRun:
    """Record a file about to be checked or imported (the file itself too, for a job to read)."""
    run = ImportRun(
        kind=kind,
        body=body,
        file_name=name[:255],
        file_sha256=hashlib.sha256(data).hexdigest(),
        user=actor.user,
        actor_label=actor.label,
        valid_only=valid_only,
    )
    if keep_file:
        run.file.save(f"{run.pk}-{name[-80:]}", ContentFile(data), save=False)
    run.save()
    return run


def progress_recorder(run: ImportRun, also: Progress | None = None) -> Progress:
    """A progress callback writing to ``run`` (at most every PROGRESS_EVERY seconds)."""
    last = 0.0

    def record(phase: str, done: int, total: int | None) -> None:
        nonlocal last
        if also:
            also(phase, done, total)
        now = time.monotonic()
        if now - last >= PROGRESS_EVERY or (total is not None and done >= total):
            last = now
            state = ImportRun.State.CHECKING if phase == "check" else ImportRun.State.IMPORTING
            ImportRun.objects.filter(pk=run.pk).update(
                state=state, rows_done=done, rows_expected=total
            )

    return record


def record_outcome(run: ImportRun, outcome: Outcome, *, finished: bool) -> None:
    """Write what checking or importing came to onto ``run``, with the error report."""
    run.rows_read = outcome.rows_read
    run.valid = len(outcome.valid_rows)
    run.imported = outcome.imported
    run.already_present = outcome.already_present
    run.refused = outcome.refused
    run.problem_count = len(outcome.problems)
    run.problems = [p.as_dict() for p in outcome.problems[:SHOWN_PROBLEMS]]
    run.outcome = {
        "dry_run": outcome.dry_run,
        "held_back": outcome.held_back,
        "stopped": outcome.stopped,
        "header_problems": outcome.header_problems,
        "not_imported": outcome.not_imported,
        "ok": outcome.ok,
    }
    if outcome.problems:
        report = error_report(outcome.problems)
        run.error_report.save(f"{run.pk}-errors.xlsx", ContentFile(report), save=False)
    run.state = ImportRun.State.DONE if finished else ImportRun.State.CHECKED
    if finished:
        run.rows_done = run.imported + run.already_present
        run.rows_expected = run.valid + run.already_present
        run.finished_at = timezone.now()
    else:
        run.rows_done = run.rows_expected = outcome.rows_read
    run.save()


def fail(run: ImportRun, error: Exception) -> None:
    if isinstance(error, UserFacingError):
        text = f"{error.message_zh}\n{error.message_en}"
    else:
        logger.exception("import run %s failed", run.pk)
        text = (
            "导入因系统故障中断；已写入的批次完整有效，重新导入同一文件即可补齐。\n"
            "The import stopped on a system fault; the batches written are complete, and "
            "importing the same file again completes it."
        )
    ImportRun.objects.filter(pk=run.pk).update(
        state=ImportRun.State.FAILED, failure=text, finished_at=timezone.now()
    )


def _table(run: ImportRun) -> Any:
    with run.file.open("rb") as handle:
        return read_table(handle.read(), run.file_name)


def check_run(run_id: Any) -> None:
    """The office page's check: every row of the uploaded file, nothing written."""
    run = ImportRun.objects.select_related("body").get(pk=run_id)
    try:
        outcome = import_file(
            run.kind,  # type: ignore[arg-type]
            _table(run),
            run.body,
            None,
            dry_run=True,
            progress=progress_recorder(run),
        )
    except Exception as error:
        fail(run, error)
        return
    record_outcome(run, outcome, finished=False)


def apply_run(run_id: Any) -> None:
    """The office page's import: check again (the registry may have changed), then write."""
    run = ImportRun.objects.select_related("body", "user").get(pk=run_id)
    actor = Actor.for_user(run.user) if run.user else Actor()
    try:
        outcome = import_file(
            run.kind,  # type: ignore[arg-type]
            _table(run),
            run.body,
            actor,
            valid_only=run.valid_only,
            progress=progress_recorder(run),
        )
    except Exception as error:
        fail(run, error)
        return
    record_outcome(run, outcome, finished=True)


def claim_for_import(run: ImportRun, *, valid_only: bool) -> bool:
    """Move a checked run to importing, once: False if it was not checked or is taken already."""
    with transaction.atomic():
        return bool(
            ImportRun.objects.filter(pk=run.pk, state=ImportRun.State.CHECKED).update(
                state=ImportRun.State.IMPORTING, valid_only=valid_only, rows_done=0
            )
        )
