"""Change rows (状态变更导入): every row checked before anything is written — in file order, as if
the rows before it had been recorded — then recorded through ``intake.apply_change``.

Each row's content (the certificate it resolves to, event, reason, note, dates, new content)
gives an idempotency key, claimed as an ``ActionReceipt`` in the transaction that records the
change: a row whose key has a receipt is *already present*, so a file imported again records
nothing twice, and a row repeated inside the file is refused.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from greencert.certification import lifecycle
from greencert.certification.actions import require_reason
from greencert.certification.imports.layout import Layout, ReadRow, read_row
from greencert.certification.imports.outcome import Checked, Outcome, chunks
from greencert.certification.imports.table import Table
from greencert.certification.intake import CHANGE_EVENTS, ChangeRecord, Lookups, apply_change
from greencert.certification.models import ActionReceipt, Certificate, CertificateEvent
from greencert.core.actors import Actor
from greencert.core.errors import UserFacingError, ValidationFailed

CHECK_CHUNK = 1000
RECEIPT_ACTION = "import_change"
# Fields apply_change and the actions name that are columns under another name.
ERROR_COLUMNS = {"status": "event", "if_match": "based_on", "changes": "", "body": ""}


def event_names() -> dict[str, str]:
    """What a cell may say for each event: its name, or its Chinese or English label."""
    names: dict[str, str] = {}
    for event in CHANGE_EVENTS:
        label = lifecycle.event_label(event)
        for name in (event, label.zh, label.en):
            names[name.strip().lower().replace(" ", "_")] = event
    return names


def record_of(row: ReadRow) -> ChangeRecord:
    values = row.values
    typed = str(values.get("event", "")).strip().lower().replace(" ", "_")
    return ChangeRecord(
        certificate=values.get("certificate", ""),
        event=event_names().get(typed, typed),
        reason_code=str(values.get("reason_code", "")).strip().upper(),
        note=values.get("note", ""),
        until=values.get("until"),
        changes={
            name.removeprefix("changes."): value
            for name, value in values.items()
            if name.startswith("changes.") and value not in ("", [], None)
        },
        effective_date=values.get("effective_date"),
        based_on=values.get("based_on"),
        order=str(values.get("order") or "").strip().upper(),
        due=str(values.get("due") or "").strip().upper(),
        inspection={
            name.removeprefix("inspection."): value
            for name, value in values.items()
            if name.startswith("inspection.") and value not in ("", None)
        }
        or None,
    )


def idempotency_key(body_approval: str, certificate_number: str, record: ChangeRecord) -> str:
    """A change row's key: the same content for the same certificate gives the same key."""
    content = [
        body_approval,
        certificate_number,
        record.event,
        record.reason_code or CHANGE_EVENTS.get(record.event, ""),
        record.note,
        record.until.isoformat() if record.until else "",
        record.effective_date.isoformat() if record.effective_date else "",
        record.based_on,
        record.changes,
        *([record.order] if record.order else []),
    ]
    canonical = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return "imp:" + hashlib.sha256(canonical.encode()).hexdigest()[:60]


@dataclass
class Simulated:
    """A certificate as the rows checked so far would leave it."""

    certificate: Certificate
    status: str
    last_effective: dt.datetime | None
    seen_in_file: bool = False


def _start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone())


def _problem(field: str, value: Any, zh: str, en: str, code: str = "invalid") -> ValidationFailed:
    return ValidationFailed(field=field, value=value, expected_zh=zh, expected_en=en, code=code)


def check_row(record: ChangeRecord, state: Simulated, today: dt.date) -> list[ValidationFailed]:
    """What would refuse ``record`` on a certificate in ``state``; nothing is written."""
    problems: list[ValidationFailed] = []
    certificate = state.certificate
    event = record.event
    reason = record.reason_code or CHANGE_EVENTS[event]
    try:
        transition = require_reason(event, reason)
    except ValidationFailed as error:
        problems.append(error)
        transition = lifecycle.transitions()[event]
    if state.status not in transition.from_statuses:
        current = lifecycle.status_label(state.status)
        allowed = "、".join(lifecycle.status_label(s).zh for s in transition.from_statuses)
        allowed_en = ", ".join(lifecycle.status_label(s).en for s in transition.from_statuses)
        problems.append(
            _problem(
                "event",
                event,
                f"证书 {certificate.number} 届时状态为「{current.zh}」，「{transition.label.zh}」"
                f"只能从「{allowed}」状态进行",
                f"certificate {certificate.number} will be {current.en}; "
                f"{transition.label.en} is allowed only from {allowed_en}",
                "transition_refused",
            )
        )
    effective = _start(record.effective_date) if record.effective_date else None
    if record.effective_date and record.effective_date > today:
        problems.append(
            _problem(
                "effective_date",
                record.effective_date.isoformat(),
                "不晚于今天的生效日期",
                "an effective date no later than today",
            )
        )
    elif effective and state.last_effective and effective < state.last_effective:
        earliest = timezone.localtime(state.last_effective)
        problems.append(
            _problem(
                "effective_date",
                record.effective_date.isoformat() if record.effective_date else "",
                f"不早于该证书上一事件（{earliest:%Y-%m-%d %H:%M}）的生效日期",
                f"an effective date no earlier than the certificate's last event "
                f"({earliest:%Y-%m-%d %H:%M})",
            )
        )
    if event == lifecycle.EventType.SUSPENDED:
        day = record.effective_date or today
        if record.until is None:
            problems.append(
                _problem(
                    "until", "", "暂停期限（日期）", "the date the suspension ends at the latest"
                )
            )
        elif record.until <= day:
            problems.append(
                _problem(
                    "until",
                    record.until.isoformat(),
                    f"晚于 {day.isoformat()} 的暂停期限",
                    f"a deadline after {day.isoformat()}",
                )
            )
    if event == lifecycle.EventType.CHANGED:
        problems += _check_changes(record, certificate)
    if event == lifecycle.EventType.RECTIFIED and not (record.order and record.note.strip()):
        problems.append(
            _problem(
                "order" if not record.order else "note",
                "",
                "整改完成须注明责令整改通知编号并说明整改情况",
                "a rectification needs the number of the order to rectify and a note of "
                "what was rectified",
            )
        )
    if event == lifecycle.EventType.EXPIRED and certificate.expiry_date >= today:
        problems.append(
            _problem(
                "event",
                event,
                f"证书有效期至 {certificate.expiry_date.isoformat()}，尚未到期",
                f"the certificate is valid until {certificate.expiry_date.isoformat()} and has "
                "not expired",
            )
        )
    if (
        record.based_on is not None
        and not state.seen_in_file
        and record.based_on != certificate.last_event_sequence
    ):
        problems.append(
            _problem(
                "based_on",
                record.based_on,
                f"证书 {certificate.number} 的最新事件序号 {certificate.last_event_sequence}",
                f"the last event sequence of {certificate.number}, "
                f"{certificate.last_event_sequence}",
                "stale",
            )
        )
    return problems


def _check_changes(record: ChangeRecord, certificate: Certificate) -> list[ValidationFailed]:
    if not record.changes:
        return [
            _problem(
                "changes.products",
                "",
                "变更时至少填写一项变更后的内容（产品、生产场所、服务场所、认证单元或等级）",
                "for a change, at least one new value (products, production site, service "
                "site, certification unit or grade)",
            )
        ]
    unit = record.changes.get("certification_unit")
    units = certificate.category.certification_units or []
    if unit and units and unit not in units:
        return [
            _problem(
                "changes.certification_unit",
                unit,
                f"「{certificate.category.name_zh}」的认证单元之一：{'、'.join(units)}",
                f"one of the certification units of {certificate.category.name_en}: "
                f"{', '.join(units)}",
            )
        ]
    return []


def _last_effective(certificates: list[Certificate]) -> dict[int, dt.datetime]:
    """Each certificate's last event's effective time (one query)."""
    return dict(
        CertificateEvent.objects.filter(
            sequence__in=[c.last_event_sequence for c in certificates if c.last_event_sequence]
        )
        .order_by()
        .values_list("certificate_id", "effective_at")
    )


def check(
    table: Table,
    layout: Layout,
    lookups: Lookups,
    today: dt.date,
    progress: Callable[[int], None] | None = None,
) -> Checked:
    """Check every row of ``table`` in file order; nothing is written."""
    checked = Checked()
    states: dict[int, Simulated] = {}
    keys: dict[str, int] = {}
    approval = lookups.body.approval_number
    for chunk in chunks(table.rows(), CHECK_CHUNK):
        rows = [read_row(layout, number, cells) for number, cells in chunk]
        records = [record_of(row) for row in rows]
        lookups.preload_certificates(r.certificate for r in records if r.certificate)
        found = {
            r.certificate: lookups.certificate(r.certificate) for r in records if r.certificate
        }
        new = [c for c in found.values() if c is not None and c.pk not in states]
        effective = _last_effective(new)
        for fresh in new:
            states[fresh.pk] = Simulated(fresh, fresh.status, effective.get(fresh.pk))
        row_keys = {
            row.number: idempotency_key(approval, resolved.number, record)
            for row, record in zip(rows, records, strict=True)
            if (resolved := found.get(record.certificate)) is not None
        }
        received = set(
            ActionReceipt.objects.filter(key__in=list(row_keys.values())).values_list(
                "key", flat=True
            )
        )
        for row, record in zip(rows, records, strict=True):
            checked.rows_read += 1
            problems = [*row.problems]
            if "event" not in row.unread and record.event not in CHANGE_EVENTS:
                problems.append(layout.problem(row.number, _unknown_event(record.event)))
            certificate = found.get(record.certificate)
            if "certificate" not in row.unread and certificate is None:
                problems.append(layout.problem(row.number, _unknown_certificate(lookups, record)))
            if problems or certificate is None:
                checked.refuse(row.number, problems)
                continue
            key = row_keys[row.number]
            if key in keys:
                checked.refuse(row.number, [layout.problem(row.number, _repeated(keys[key]))])
                continue
            keys[key] = row.number
            if key in received:
                checked.present.append(row.number)
                continue
            state = states[certificate.pk]
            found_problems = check_row(record, state, today)
            if found_problems:
                checked.refuse(
                    row.number,
                    [
                        layout.problem(row.number, p, ERROR_COLUMNS.get(p.field, p.field))
                        for p in found_problems
                    ],
                )
                continue
            transition = lifecycle.transitions()[record.event]
            state.status = transition.target(state.status)
            state.last_effective = (
                _start(record.effective_date) if record.effective_date else timezone.now()
            )
            state.seen_in_file = True
            checked.valid.append(row.number)
        if progress:
            progress(checked.rows_read)
    return checked


def _unknown_event(typed: str) -> ValidationFailed:
    listed = "、".join(f"{e} {lifecycle.event_label(e).zh}" for e in CHANGE_EVENTS)
    return _problem(
        "event",
        typed,
        f"以下事件之一：{listed}（再认证以新证书导入，注明再认证原证书编号）",
        f"one of: {', '.join(CHANGE_EVENTS)} (a renewal is a new certificate imported with "
        "renewed_from)",
        "unknown_event",
    )


def _unknown_certificate(lookups: Lookups, record: ChangeRecord) -> ValidationFailed:
    body = lookups.body
    return _problem(
        "certificate",
        record.certificate,
        f"{body} 颁发的证书编号（平台编号或机构编号）",
        f"the registry or body number of a certificate {body} issued",
        "unknown_certificate",
    )


def _repeated(first: int) -> ValidationFailed:
    return _problem(
        "certificate",
        "",
        f"不与其他行重复的变更（第 {first} 行已是同一变更）",
        f"a change no other row repeats (row {first} is the same change)",
        "duplicate_in_file",
    )


def write(
    table: Table,
    layout: Layout,
    lookups: Lookups,
    actor: Actor,
    outcome: Outcome,
    *,
    batch_size: int,
    valid_only: bool,
    progress: Callable[[int], None] | None = None,
) -> None:
    """Record the rows the check found valid, in file order, ``batch_size`` per transaction,
    each with its receipt. A row refused when written stops the import unless ``valid_only``;
    the rows before it stay recorded."""
    wanted = set(outcome.valid_rows)
    rows = (read_row(layout, number, cells) for number, cells in table.rows() if number in wanted)
    approval = lookups.body.approval_number
    for batch in chunks(rows, batch_size):
        with transaction.atomic():
            for row in batch:
                record = record_of(row)
                try:
                    with transaction.atomic():
                        certificate = lookups.certificate(record.certificate)
                        assert certificate is not None  # checked
                        key = idempotency_key(approval, certificate.number, record)
                        if ActionReceipt.objects.filter(key=key).exists():
                            outcome.already_present += 1
                            continue
                        ActionReceipt.objects.create(
                            key=key,
                            action=RECEIPT_ACTION,
                            actor_label=actor.label,
                            certificate=certificate,
                        )
                        apply_change(actor, lookups.body, record)
                    outcome.imported += 1
                except IntegrityError:  # the same row, recorded meanwhile by another import
                    outcome.already_present += 1
                except UserFacingError as error:
                    field = ERROR_COLUMNS.get(error.field, error.field)
                    outcome.refuse_late(row.number, [layout.problem(row.number, error, field)])
                    if not valid_only:
                        outcome.stopped = True
                        break
        if outcome.stopped:
            return
        if progress:
            progress(outcome.imported + outcome.already_present)
