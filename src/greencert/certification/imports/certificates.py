"""Certificate rows (证书导入): every row checked before anything is written, then issued a
batch per transaction through ``intake.issue_records`` and the action behind it.

A row whose body number the body already has is *already present* when it describes that
certificate as it was issued (later changes recorded by ``changed`` events are undone for the
comparison), and refused otherwise: importing a file again imports nothing twice.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction

from greencert.certification.audits import default_programme
from greencert.certification.body_numbers import normalise_body_number
from greencert.certification.imports.layout import Layout, ReadRow, read_row
from greencert.certification.imports.outcome import Checked, Outcome, chunks
from greencert.certification.imports.problems import RowProblem
from greencert.certification.imports.table import Table
from greencert.certification.intake import IssueRecord, Lookups, check_record, issue_records
from greencert.certification.lifecycle import EventType
from greencert.certification.models import Certificate, CertificateEvent
from greencert.certification.restrictions import restriction_refusals
from greencert.core.actors import Actor
from greencert.core.bulk import refresh_statistics
from greencert.core.errors import UserFacingError, ValidationFailed
from greencert.parties.validators import clean_credit_code

# Rows checked per round of lookups (holders, renewed certificates, body numbers in the registry).
CHECK_CHUNK = 1000
# Certificates written between two refreshes of PostgreSQL's table statistics.
ANALYSE_EVERY = 20_000
# What check_record says about these depends on the issue date, so not when it is unreadable.
ON_ISSUE_DATE = {"issue_date", "standard", "expiry_date"}
FIELDS = {f.name: f for f in dataclasses.fields(IssueRecord)}
# Fields the actions name that are not columns: the column the problem is shown in.
ERROR_COLUMNS = {"enterprise": "holder_credit_code", "body": "", "reason_code": ""}


def record_of(row: ReadRow, today: dt.date) -> IssueRecord:
    """The record a row describes; unreadable cells are left blank (their problems are known)."""
    values: dict[str, Any] = {}
    for name, spec in FIELDS.items():
        if name in row.values:
            values[name] = row.values[name]
        elif spec.default is not dataclasses.MISSING:
            values[name] = spec.default
        elif spec.default_factory is not dataclasses.MISSING:
            values[name] = spec.default_factory()
        else:
            values[name] = today if name == "issue_date" else ""
    return IssueRecord(**values)


def as_issued(certificate: Certificate, changes: list[CertificateEvent]) -> dict[str, Any]:
    """The changeable fields of ``certificate`` as it was issued: its ``changed`` events undone,
    newest first."""
    content = {
        name: getattr(certificate, name)
        for name in ("products", "service_site", "production_site", "certification_unit", "grade")
    }
    for event in sorted(changes, key=lambda e: -e.sequence):
        content.update(event.payload.get("before", {}))
    return content


def difference(
    record: IssueRecord, certificate: Certificate, issued: dict[str, Any], lookups: Lookups
) -> str | None:
    """The first field in which ``record`` differs from the certificate as issued, or None."""
    code, _problem = clean_credit_code(record.holder_credit_code)
    renewed = lookups.certificate(record.renewed_from) if record.renewed_from.strip() else None
    pairs: list[tuple[str, Any, Any]] = [
        ("holder_credit_code", code, certificate.holder.credit_code),
        ("category", record.category.strip(), certificate.category.code),
        ("certification_unit", record.certification_unit, issued["certification_unit"]),
        ("site_region", record.site_region.strip(), certificate.site_region_id),
        ("issue_date", record.issue_date, certificate.issue_date),
        ("production_site", record.production_site.strip(), issued["production_site"]),
        ("service_site", record.service_site.strip(), issued["service_site"]),
        ("products", record.products, issued["products"]),
        ("scheme_id", record.scheme_id, certificate.scheme_id),
        ("scheme_version", record.scheme_version, certificate.scheme_version),
        (
            "evaluation_fingerprint",
            record.evaluation_fingerprint,
            certificate.evaluation_fingerprint,
        ),
        ("grade", record.grade, issued["grade"]),
    ]
    if record.standard.strip():
        given = record.standard.replace(" ", "").upper()
        held = certificate.standard.code.replace(" ", "").upper() if certificate.standard else ""
        pairs.append(("standard", given, held))
    if record.expiry_date is not None:
        pairs.append(("expiry_date", record.expiry_date, certificate.expiry_date))
    if record.certification_mode:
        pairs.append(
            ("certification_mode", record.certification_mode, certificate.certification_mode)
        )
    if record.renewed_from.strip():
        pairs.append(("renewed_from", renewed.pk if renewed else None, certificate.renewed_from_id))
    pairs.append(
        ("programme", record.programme.strip() or default_programme(), certificate.programme)
    )
    return next((name for name, given, held in pairs if given != held), None)


def _registered(body_id: int, numbers: set[str]) -> tuple[dict[str, Certificate], dict[int, Any]]:
    """The body's certificates with these body numbers, and their ``changed`` events."""
    found = {
        c.body_number: c
        for c in Certificate.objects.filter(body_id=body_id, body_number__in=numbers)
        .select_related("holder", "category", "standard")
        .order_by()
    }
    changes: dict[int, list[CertificateEvent]] = {}
    if found:
        for event in CertificateEvent.objects.filter(
            certificate_id__in=[c.pk for c in found.values()], event_type=EventType.CHANGED
        ).order_by():
            changes.setdefault(event.certificate_id, []).append(event)
    return found, changes


def _duplicate(layout: Layout, row: int, value: str, first: int) -> RowProblem:
    return layout.problem(
        row,
        ValidationFailed(
            field="body_number",
            value=value,
            expected_zh=f"文件中未重复的机构证书编号（第 {first} 行已使用该编号）",
            expected_en=f"a body number no other row of the file has (row {first} has it)",
            code="duplicate_in_file",
        ),
    )


def _used(layout: Layout, row: int, value: str, certificate: Certificate, field: str) -> RowProblem:
    label = layout.column(field).header
    return layout.problem(
        row,
        ValidationFailed(
            field="body_number",
            value=value,
            expected_zh=f"本机构尚未使用的证书编号：该编号已是证书 {certificate.number}，"
            f"且内容不同（「{label}」不一致）；同一证书再次导入时各列须与原证书一致",
            expected_en=f"a number the body has not used: it is certificate {certificate.number}'s, "
            f"whose content differs (“{label}”); a certificate imported again must match it",
            code="duplicate_body_number",
        ),
    )


def check(
    table: Table,
    layout: Layout,
    lookups: Lookups,
    today: dt.date,
    progress: Callable[[int], None] | None = None,
) -> Checked:
    """Check every row of ``table``; nothing is written."""
    checked = Checked()
    first_row: dict[str, int] = {}
    for chunk in chunks(table.rows(), CHECK_CHUNK):
        rows = [read_row(layout, number, cells) for number, cells in chunk]
        records = [record_of(row, today) for row in rows]
        lookups.preload(records)
        numbers = {normalise_body_number(r.body_number) for r in records if r.body_number}
        registered, changes = _registered(lookups.body.pk, numbers)
        candidates: list[tuple[ReadRow, IssueRecord]] = []
        for row, record in zip(rows, records, strict=True):
            checked.rows_read += 1
            problems = list(row.problems)
            number = normalise_body_number(record.body_number)
            present = False
            if number:
                if number in first_row:
                    problems.append(
                        _duplicate(layout, row.number, record.body_number, first_row[number])
                    )
                else:
                    first_row[number] = row.number
                existing = registered.get(number)
                if existing is not None and not problems:
                    differs = difference(
                        record, existing, as_issued(existing, changes.get(existing.pk, [])), lookups
                    )
                    if differs is None:
                        present = True
                    else:
                        problems.append(
                            _used(layout, row.number, record.body_number, existing, differs)
                        )
            if present:
                checked.present.append(row.number)
                continue
            skip = row.unread | (ON_ISSUE_DATE if "issue_date" in row.unread else set())
            problems += [
                layout.problem(row.number, p)
                for p in check_record(record, lookups, today=today)
                if p.field not in skip
            ]
            if problems:
                checked.refuse(row.number, problems)
            else:
                candidates.append((row, record))
        _check_restrictions(candidates, layout, lookups, checked)
        if progress:
            progress(checked.rows_read)
    return checked


def _check_restrictions(
    candidates: list[tuple[ReadRow, IssueRecord]],
    layout: Layout,
    lookups: Lookups,
    checked: Checked,
) -> None:
    """Rows that pass every other check: refused if the blacklist binds their holder or the body."""
    subjects = []
    for _row, record in candidates:
        holder = lookups.holder_id(clean_credit_code(record.holder_credit_code)[0])
        subjects.append((holder or 0, record.category.strip()))
    refused = restriction_refusals(
        subjects=subjects, body=lookups.body, doing=("颁发证书", "be issued certificates")
    )
    for index, (row, _record) in enumerate(candidates):
        if index in refused:
            error = refused[index]
            field = ERROR_COLUMNS.get(error.field, error.field)
            checked.refuse(row.number, [layout.problem(row.number, error, field)])
        else:
            checked.valid.append(row.number)


def write(
    table: Table,
    layout: Layout,
    lookups: Lookups,
    actor: Actor,
    outcome: Outcome,
    *,
    today: dt.date,
    batch_size: int,
    valid_only: bool,
    progress: Callable[[int], None] | None = None,
) -> None:
    """Issue the certificates of the rows the check found valid, ``batch_size`` per transaction.

    A batch refused as a whole (a body number used meanwhile by someone else, a listing since the
    check) is issued again row by row to find the row; without ``valid_only`` the import stops
    there, with the batches before it imported.
    """
    wanted = set(outcome.valid_rows)
    rows = (read_row(layout, number, cells) for number, cells in table.rows() if number in wanted)
    analysed = 0
    try:
        for batch in chunks(rows, batch_size):
            records = [record_of(row, today) for row in batch]
            try:
                with transaction.atomic():
                    issue_records(actor, records, lookups)
                outcome.imported += len(batch)
            except (UserFacingError, IntegrityError):
                if not _one_by_one(batch, records, layout, lookups, actor, outcome, valid_only):
                    outcome.stopped = True
                    return
            if progress:
                progress(outcome.imported + outcome.already_present)
            if outcome.imported - analysed >= ANALYSE_EVERY:
                refresh_statistics()
                analysed = outcome.imported
    finally:
        if outcome.imported > analysed:
            refresh_statistics()


def _one_by_one(
    batch: list[ReadRow],
    records: list[IssueRecord],
    layout: Layout,
    lookups: Lookups,
    actor: Actor,
    outcome: Outcome,
    valid_only: bool,
) -> bool:
    """Issue a refused batch's rows one at a time; False when a row is refused and the import
    must stop."""
    for row, record in zip(batch, records, strict=True):
        try:
            with transaction.atomic():
                issue_records(actor, [record], lookups)
            outcome.imported += 1
        except (UserFacingError, IntegrityError) as error:
            if _issued_meanwhile(record, lookups):
                outcome.already_present += 1
                continue
            if not isinstance(error, UserFacingError):  # the unique body number, at commit
                error = ValidationFailed(
                    field="body_number",
                    value=record.body_number,
                    expected_zh="本机构尚未使用的证书编号（另一导入同时写入了该编号）",
                    expected_en="a number the body has not used (another import wrote it meanwhile)",
                    code="duplicate_body_number",
                )
            found = [layout.problem(row.number, error, ERROR_COLUMNS.get(error.field, error.field))]
            outcome.refuse_late(row.number, found)
            if not valid_only:
                return False
    return True


def _issued_meanwhile(record: IssueRecord, lookups: Lookups) -> bool:
    number = normalise_body_number(record.body_number)
    registered, changes = _registered(lookups.body.pk, {number})
    existing = registered.get(number)
    if existing is None:
        return False
    issued = as_issued(existing, changes.get(existing.pk, []))
    return difference(record, existing, issued, lookups) is None
