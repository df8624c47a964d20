"""Importing one file for one body: read it, check every row, then — unless it is a dry run, or
some row was refused and only valid rows were not asked for — write the valid rows a batch per
transaction. What the command, the office page and its background job all call.

A process killed during the import leaves every batch either written in full or not at all
(each batch is one transaction: its certificates with their events, holders and read models);
importing the same file again finds the written rows already present and writes the rest.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.db import connection
from django.utils import timezone

from greencert.certification.actions import require_active_body
from greencert.certification.imports import certificates, changes
from greencert.certification.imports.columns import Kind
from greencert.certification.imports.layout import Layout, layout_of
from greencert.certification.imports.outcome import Outcome
from greencert.certification.imports.table import Table
from greencert.certification.intake import Lookups
from greencert.certification.permissions import can_issue
from greencert.core.actors import Actor
from greencert.core.bulk import refresh_statistics
from greencert.core.errors import PermissionRefused
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
    require_active_body(body)


# SQLite's page cache while an import writes (KiB): the indexes of a large registry's certificate,
# event and search tables stay in memory instead of being read again for every batch.
SQLITE_CACHE_KIB = 65_536


@contextmanager
def larger_page_cache() -> Iterator[None]:
    """On SQLite, a larger page cache for this connection while the import runs, restored after."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        (before,) = cursor.fetchone()
        cursor.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(before)}")


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
    refresh_statistics()  # tables grown since they were last analysed would be planned badly
    lookups = Lookups(body)
    estimate = table.estimated_rows()

    def checking(done: int) -> None:
        if progress:
            progress("check", done, estimate)

    module = certificates if kind == "certificates" else changes
    with larger_page_cache():
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
    with larger_page_cache():
        _write(kind, table, layout, lookups, actor, outcome, today, batch_size, valid_only, writing)
    return outcome


def _write(
    kind: Kind,
    table: Table,
    layout: Layout,
    lookups: Lookups,
    actor: Actor,
    outcome: Outcome,
    today: dt.date,
    batch_size: int | None,
    valid_only: bool,
    writing: Callable[[int], None],
) -> None:
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
