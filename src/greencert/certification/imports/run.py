"""Importing one file for one body: read it, check every row, then — unless it is a dry run, or
some row was refused and only valid rows were not asked for — write the valid rows a batch per
transaction. What the command, the office page and its background job all call.

A process killed during the import leaves every batch either written in full or not at all
(each batch is one transaction: its certificates with their events, holders and read models);
importing the same file again finds the written rows already present and writes the rest.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.utils import timezone

from greencert.certification.imports import certificates, changes
from greencert.certification.imports.columns import Kind
from greencert.certification.imports.layout import layout_of
from greencert.certification.imports.outcome import Outcome
from greencert.certification.imports.table import Table
from greencert.certification.intake import Lookups
from greencert.certification.permissions import can_issue
from greencert.core.actors import Actor
from greencert.core.errors import PermissionRefused, ValidationFailed
from greencert.parties.models import CertificationBody

# Rows per transaction: large enough that a statement per table serves hundreds of rows, small
# enough that other writers wait a fraction of a second for the database between batches.
BATCH_SIZE = 500
CHANGES_BATCH_SIZE = 200
# ``progress(phase, done, total)``: phase "check" or "import"; total None when not known.
Progress = Callable[[str, int, int | None], None]


def require_importer(actor: Actor, body: CertificationBody) -> None:
    """Only the body's own staff import its certificates and changes."""
    if not can_issue(actor, body.pk):
        raise PermissionRefused(
            field="user",
            value=actor.label,
            expected_zh=f"{body} 的机构人员（导入以其名义记录）",
            expected_en=f"a member of {body}'s staff (the import is recorded in their name)",
        )
    if not body.active:
        raise ValidationFailed(
            field="body",
            value=body.approval_number,
            expected_zh="有效的认证机构",
            expected_en="an active certification body",
        )


def import_file(
    kind: Kind,
    table: Table,
    body: CertificationBody,
    actor: Actor | None,
    *,
    dry_run: bool = False,
    valid_only: bool = False,
    progress: Progress | None = None,
    today: dt.date | None = None,
    batch_size: int | None = None,
) -> Outcome:
    """Check ``table``'s rows and, unless held back, import the valid ones as ``actor``."""
    if not dry_run:
        if actor is None:
            raise ValueError("an import that writes needs an actor")
        require_importer(actor, body)
    today = today or timezone.localdate()
    layout = layout_of(kind, table.header)
    if not layout.complete:  # without a required column, no row can be checked
        rows = sum(1 for _row in table.rows())
        return Outcome(
            kind,
            rows_read=rows,
            refused=rows,
            problems=layout.problems,
            header_problems=True,
            dry_run=dry_run,
        )
    lookups = Lookups(body)
    estimate = table.estimated_rows()

    def checking(done: int) -> None:
        if progress:
            progress("check", done, estimate)

    module = certificates if kind == "certificates" else changes
    checked = module.check(table, layout, lookups, today, checking)
    outcome = Outcome.after_check(kind, checked, layout.problems)
    outcome.dry_run = dry_run
    if dry_run or outcome.header_problems:
        return outcome
    if outcome.problems and not valid_only:
        outcome.held_back = True
        return outcome
    assert actor is not None
    total = len(outcome.valid_rows) + outcome.already_present

    def writing(done: int) -> None:
        if progress:
            progress("import", done, total)

    writing(outcome.already_present)
    if kind == "certificates":
        certificates.write(
            table,
            layout,
            lookups,
            actor,
            outcome,
            today=today,
            batch_size=batch_size or BATCH_SIZE,
            valid_only=valid_only,
            progress=writing,
        )
    else:
        changes.write(
            table,
            layout,
            lookups,
            actor,
            outcome,
            batch_size=batch_size or CHANGES_BATCH_SIZE,
            valid_only=valid_only,
            progress=writing,
        )
    return outcome
