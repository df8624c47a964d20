"""Every change to a certificate (Zulip's ``do_*`` pattern).

Each action, in one transaction: checks the actor and the certificate's current state (with a
conditional UPDATE, race-safe on SQLite and PostgreSQL), updates the row and appends one
CertificateEvent with the next gapless sequence number.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from greencert.catalog.models import Category, Standard
from greencert.certification import lifecycle
from greencert.certification.body_numbers import allocate_body_number, require_body_number
from greencert.certification.lifecycle import EventType
from greencert.certification.lifecycle.log import append_event
from greencert.certification.models import Certificate
from greencert.certification.numbers import allocate_number
from greencert.certification.permissions import can_change, can_issue
from greencert.certification.restrictions import refuse_if_restricted
from greencert.core.actors import Actor
from greencert.core.errors import PermissionRefused, TransitionRefused, ValidationFailed
from greencert.parties.models import CertificationBody, Enterprise
from greencert.regions.models import Region

CHANGEABLE_FIELDS = {"products", "service_site", "production_site", "certification_unit", "grade"}
# Who the daily expiry job acts as; its events carry this label.
EXPIRY_JOB = Actor.for_system("expiry")


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def default_expiry(issue_date: dt.date, category: Category) -> dt.date:
    """The last day of validity: the day before the anniversary (five years by default)."""
    return add_years(issue_date, category.validity_years) - dt.timedelta(days=1)


def require_certification_unit(category: Category, certification_unit: str) -> None:
    """The unit must be one the catalog lists for the category (any, where it lists none)."""
    units = category.certification_units or []
    if units and certification_unit not in units:
        raise ValidationFailed(
            field="certification_unit",
            value=certification_unit,
            expected_zh=f"「{category.name_zh}」的认证单元之一：{'、'.join(units)}",
            expected_en=f"one of the certification units of {category.name_en}: {', '.join(units)}",
        )


def _require_reason(event_type: str, reason_code: str) -> lifecycle.Transition:
    transition = lifecycle.transitions()[event_type]
    allowed = lifecycle.reasons()[transition.reason_group]
    if reason_code not in allowed:
        listing = ", ".join(f"{c} {label.zh}" for c, label in allowed.items())
        listing_en = ", ".join(f"{c} ({label.en})" for c, label in allowed.items())
        raise ValidationFailed(
            field="reason_code",
            value=reason_code,
            expected_zh=f"须给出原因代码，可选：{listing}",
            expected_en=f"a reason code is required, one of: {listing_en}",
            code="reason_required" if not reason_code else "unknown_reason",
        )
    return transition


def _refuse(certificate: Certificate, event_type: str, transition: lifecycle.Transition) -> None:
    current = lifecycle.status_label(certificate.status)
    allowed_from = [lifecycle.status_label(s) for s in transition.from_statuses]
    allowed_events = [
        t.event_type
        for t in lifecycle.transitions().values()
        if certificate.status in t.from_statuses
    ]
    raise TransitionRefused(
        field="status",
        value=certificate.status,
        expected_zh=(
            f"证书 {certificate.number} 当前状态为「{current.zh}」({certificate.status})，"
            f"「{event_type}」只能从「{'、'.join(a.zh for a in allowed_from)}」状态进行；"
            f"当前允许的操作：{'、'.join(allowed_events) or '无'}"
        ),
        expected_en=(
            f"certificate {certificate.number} is {current.en} ({certificate.status}); "
            f"{event_type} is allowed only from {', '.join(a.en for a in allowed_from)}; "
            f"allowed now: {', '.join(allowed_events) or 'none'}"
        ),
        extra={"current_status": certificate.status, "allowed_events": allowed_events},
    )


@transaction.atomic
def issue_certificate(
    actor: Actor,
    *,
    holder: Enterprise,
    body: CertificationBody,
    category: Category,
    certification_unit: str,
    site_region: Region,
    products: list[dict[str, Any]] | None = None,
    service_site: str = "",
    production_site: str = "",
    standard: Standard | None = None,
    scheme_id: str = "",
    scheme_version: str = "",
    evaluation_fingerprint: str = "",
    grade: str = "",
    issue_date: dt.date | None = None,
    reason_code: str = "I01",
    renewed_from: Certificate | None = None,
    body_number: str = "",
    certification_mode: str = "",
    expiry_date: dt.date | None = None,
) -> Certificate:
    """Issue a certificate (颁发证书) and record the ``issued`` event.

    ``body_number`` is the number the body gave it in its own system; without one, the body's
    next number in its format (``data/body_numbers.yaml``) is allocated.
    """
    if not can_issue(actor, body.pk):
        raise PermissionRefused(
            field="body",
            value=body.approval_number,
            expected_zh=f"{actor.label} 无权以 {body} 名义颁发证书（须为该机构人员）",
            expected_en=f"{actor.label} may not issue certificates for {body} (must be its staff)",
        )
    if not body.categories.filter(pk=category.pk).exists():
        raise PermissionRefused(
            field="category",
            value=category.code,
            expected_zh=f"{body} 获批认证的类别（未获批「{category.name_zh}」）",
            expected_en=f"a category {body} is authorised for (not {category.name_en})",
        )
    if not body.active:
        raise ValidationFailed(
            field="body",
            value=body.approval_number,
            expected_zh="有效的认证机构",
            expected_en="an active certification body",
        )
    require_certification_unit(category, certification_unit)
    if standard is not None and not category.standards.filter(pk=standard.pk).exists():
        raise ValidationFailed(
            field="standard",
            value=standard.code,
            expected_zh=f"「{category.name_zh}」目录所列标准",
            expected_en=f"a standard listed for {category.name_en}",
        )
    refuse_if_restricted(
        enterprise=holder,
        body=body,
        category=category.code,
        doing=("颁发证书", "be issued certificates"),
    )
    transition = _require_reason(EventType.ISSUED, reason_code)
    today = timezone.localdate()
    issue_date = issue_date or today
    if issue_date > today:
        raise ValidationFailed(
            field="issue_date",
            value=issue_date.isoformat(),
            expected_zh="今天或以前的颁证日期",
            expected_en="an issue date of today or earlier",
        )
    # A certificate recorded after the fact takes effect from the start of its issue date.
    effective_at = (
        None
        if issue_date == today
        else dt.datetime.combine(issue_date, dt.time.min, tzinfo=timezone.get_current_timezone())
    )
    initial = renewed_from.initial_issue_date if renewed_from else issue_date
    expiry_date = _expiry(issue_date, category, expiry_date)
    body_number = _body_number(body, body_number, issue_date.year)
    certificate = Certificate.objects.create(
        number=allocate_number(site_region.province_code, issue_date.year),
        body_number=body_number,
        holder=holder,
        body=body,
        category=category,
        standard=standard or category.current_standard(),
        certification_unit=certification_unit,
        products=products or [],
        service_site=service_site,
        production_site=production_site,
        site_region=site_region,
        province_code=site_region.province_code,
        city_code=site_region.city_code,
        in_pilot_zone=in_zone(site_region, "pilot_zone"),
        in_demonstration_zone=in_zone(site_region, "demonstration_zone"),
        scheme_id=scheme_id,
        scheme_version=scheme_version,
        evaluation_fingerprint=evaluation_fingerprint,
        grade=grade,
        **({"certification_mode": certification_mode} if certification_mode else {}),
        initial_issue_date=initial,
        issue_date=issue_date,
        expiry_date=expiry_date,
        status=transition.target(""),
        status_reason_code=reason_code,
        renewed_from=renewed_from,
    )
    event = append_event(
        certificate=certificate,
        event_type=EventType.ISSUED,
        actor=actor,
        status_before="",
        status_after=certificate.status,
        reason_code=reason_code,
        payload={
            "holder": holder.credit_code,
            "body": body.approval_number,
            "body_number": body_number,
            "category": category.code,
            "scheme": f"{scheme_id}@{scheme_version}" if scheme_id else "",
            "evaluation_fingerprint": evaluation_fingerprint,
            "expiry_date": certificate.expiry_date.isoformat(),
            "renewed_from": renewed_from.number if renewed_from else "",
        },
        effective_at=effective_at,
    )
    Certificate.objects.filter(pk=certificate.pk).update(last_event_sequence=event.sequence)
    certificate.last_event_sequence = event.sequence
    if renewed_from is not None:
        # 再认证: the predecessor's log says which certificate succeeds it. Issuing the successor
        # is what authorises this, so no separate permission is asked for.
        _transition(
            actor,
            renewed_from,
            EventType.RENEWED,
            reason_code="N01",
            payload={"successor": certificate.number},
            authorised=True,
        )
    return certificate


def _expiry(issue_date: dt.date, category: Category, given: dt.date | None) -> dt.date:
    """The last day of validity: the category's term unless the body gives an earlier one."""
    longest = default_expiry(issue_date, category)
    if given is None:
        return longest
    if not issue_date < given <= longest:
        raise ValidationFailed(
            field="expiry_date",
            value=given.isoformat(),
            expected_zh=f"颁证日期之后、不晚于 {longest.isoformat()} 的日期"
            f"（「{category.name_zh}」证书有效期 {category.validity_years} 年）",
            expected_en=f"a date after the issue date and no later than {longest.isoformat()} "
            f"({category.name_en} certificates are valid for {category.validity_years} years)",
        )
    return given


def _body_number(body: CertificationBody, given: str, year: int) -> str:
    """The body's number for a new certificate: the one given, checked, or its next free one."""
    if not given:
        while True:
            number = allocate_body_number(body.approval_number, year)
            if not Certificate.objects.filter(body=body, body_number=number).exists():
                return number
    number = require_body_number(body.approval_number, given)
    holder = Certificate.objects.filter(body=body, body_number=number).values("number").first()
    if holder is not None:
        raise ValidationFailed(
            field="body_number",
            value=given,
            expected_zh=f"{body} 尚未使用的证书编号（已用于 {holder['number']}）",
            expected_en=f"a number {body} has not used yet (it is {holder['number']}'s)",
            code="duplicate_body_number",
        )
    return number


def in_zone(region: Region, flag: str) -> bool:
    """A site is in a zone when its region, or the city above it, is flagged."""
    if getattr(region, flag):
        return True
    parent = region.parent
    return bool(parent and parent.level == "city" and getattr(parent, flag))


def _transition(
    actor: Actor,
    certificate: Certificate,
    event_type: str,
    *,
    reason_code: str,
    payload: dict[str, Any] | None = None,
    updates: dict[str, Any] | None = None,
    effective_at: dt.datetime | None = None,
    authorised: bool = False,
    dated_by_recorder: bool = True,
) -> Certificate:
    transition = _require_reason(event_type, reason_code)
    # A date the recorder chose must keep the history in order; an expiry's date is the
    # certificate's own and holds even when the log recorded later events before it.
    if effective_at is not None and dated_by_recorder:
        _require_in_order(certificate, effective_at)
    if not authorised and not can_change(actor, certificate, event_type):
        raise PermissionRefused(
            field="certificate",
            value=certificate.number,
            expected_zh=f"{actor.label} 无权对该证书执行「{event_type}」",
            expected_en=f"{actor.label} may not perform {event_type} on this certificate",
        )
    # Conditioned on the exact status read, so status_before is exact and of two concurrent
    # writers only one wins; the loser re-reads once and is refused if no longer allowed.
    for _attempt in range(2):
        before = certificate.status
        if before not in transition.from_statuses:
            _refuse(certificate, event_type, transition)
        # The reason code explains the current status, so events that keep it leave it alone.
        after = transition.target(before)
        status_fields = (
            {"status": after, "status_reason_code": reason_code} if after != before else {}
        )
        updated = Certificate.objects.filter(pk=certificate.pk, status=before).update(
            updated_at=timezone.now(), **status_fields, **(updates or {})
        )
        if updated:
            break
        certificate.refresh_from_db()
    else:
        _refuse(certificate, event_type, transition)
    event = append_event(
        certificate=certificate,
        event_type=event_type,
        actor=actor,
        status_before=before,
        status_after=after,
        reason_code=reason_code,
        payload=payload or {},
        effective_at=effective_at,
    )
    Certificate.objects.filter(pk=certificate.pk).update(last_event_sequence=event.sequence)
    certificate.refresh_from_db()
    return certificate


def _require_in_order(certificate: Certificate, effective_at: dt.datetime) -> None:
    """A change recorded after the fact takes effect no earlier than the certificate's last
    event and no later than now, so its history stays in order."""
    last = certificate.events.order_by("-sequence").values_list("effective_at", flat=True).first()
    if effective_at > timezone.now() or (last is not None and effective_at < last):
        earliest = last.astimezone(timezone.get_current_timezone()) if last else None
        raise ValidationFailed(
            field="effective_date",
            value=effective_at.date().isoformat(),
            expected_zh="不晚于今天"
            + (f"、不早于该证书上一事件（{earliest:%Y-%m-%d %H:%M}）" if earliest else "")
            + "的生效日期",
            expected_en="an effective date no later than today"
            + (
                f" and no earlier than the certificate's last event ({earliest:%Y-%m-%d %H:%M})"
                if earliest
                else ""
            ),
        )


@transaction.atomic
def suspend_certificate(
    actor: Actor,
    certificate: Certificate,
    *,
    reason_code: str,
    until: dt.date,
    note: str = "",
    effective_at: dt.datetime | None = None,
) -> Certificate:
    """暂停: the certificate may not be used until restored, at the latest by ``until``."""
    if until <= (effective_at or timezone.now()).astimezone(timezone.get_current_timezone()).date():
        raise ValidationFailed(
            field="until",
            value=until.isoformat(),
            expected_zh="暂停期限须晚于今天",
            expected_en="a deadline after today",
        )
    return _transition(
        actor,
        certificate,
        EventType.SUSPENDED,
        reason_code=reason_code,
        payload={"until": until.isoformat(), "note": note},
        updates={"suspended_until": until},
        effective_at=effective_at,
    )


def _noted(
    actor: Actor,
    certificate: Certificate,
    event_type: str,
    reason_code: str,
    note: str,
    effective_at: dt.datetime | None = None,
) -> Certificate:
    """A change that carries a note and ends any suspension deadline."""
    return _transition(
        actor,
        certificate,
        event_type,
        reason_code=reason_code,
        payload={"note": note},
        updates={"suspended_until": None},
        effective_at=effective_at,
    )


@transaction.atomic
def restore_certificate(
    actor: Actor,
    certificate: Certificate,
    *,
    reason_code: str,
    note: str = "",
    effective_at: dt.datetime | None = None,
) -> Certificate:
    """恢复: a suspended certificate becomes valid again."""
    return _noted(actor, certificate, EventType.RESTORED, reason_code, note, effective_at)


@transaction.atomic
def revoke_certificate(
    actor: Actor,
    certificate: Certificate,
    *,
    reason_code: str,
    note: str = "",
    effective_at: dt.datetime | None = None,
) -> Certificate:
    """撤销: withdrawn for cause; final."""
    return _noted(actor, certificate, EventType.REVOKED, reason_code, note, effective_at)


@transaction.atomic
def cancel_certificate(
    actor: Actor,
    certificate: Certificate,
    *,
    reason_code: str,
    note: str = "",
    effective_at: dt.datetime | None = None,
) -> Certificate:
    """注销: ended on request, discontinuation or non-renewal; final."""
    return _noted(actor, certificate, EventType.CANCELLED, reason_code, note, effective_at)


@transaction.atomic
def expire_certificate(actor: Actor, certificate: Certificate) -> Certificate:
    """过期失效: effective at the start of the day after the expiry date."""
    start = dt.datetime.combine(
        certificate.expiry_date + dt.timedelta(days=1),
        dt.time.min,
        tzinfo=timezone.get_current_timezone(),
    )
    return _transition(
        actor,
        certificate,
        EventType.EXPIRED,
        reason_code="E01",
        payload={"expiry_date": certificate.expiry_date.isoformat()},
        updates={"suspended_until": None},
        effective_at=start,
        dated_by_recorder=False,
    )


def expire_due_certificates(today: dt.date | None = None) -> int:
    """Expire every valid or suspended certificate whose validity has ended; returns how many."""
    today = today or timezone.localdate()
    actor = EXPIRY_JOB
    count = 0
    due = Certificate.objects.filter(status__in=lifecycle.IN_FORCE, expiry_date__lt=today)
    for certificate in due.iterator():
        try:
            expire_certificate(actor, certificate)
        except TransitionRefused:
            continue  # changed by someone else meanwhile
        count += 1
    return count


@transaction.atomic
def change_certificate(
    actor: Actor,
    certificate: Certificate,
    *,
    reason_code: str,
    changes: dict[str, Any],
    effective_at: dt.datetime | None = None,
) -> Certificate:
    """变更: amend the certificate's content; it keeps its number."""
    unknown = sorted(set(changes) - CHANGEABLE_FIELDS)
    if unknown or not changes:
        raise ValidationFailed(
            field="changes",
            value=",".join(unknown) or "",
            expected_zh=f"可变更的字段：{'、'.join(sorted(CHANGEABLE_FIELDS))}",
            expected_en=f"fields that may change: {', '.join(sorted(CHANGEABLE_FIELDS))}",
        )
    if "certification_unit" in changes:
        require_certification_unit(certificate.category, changes["certification_unit"])
    previous = {key: getattr(certificate, key) for key in changes}
    return _transition(
        actor,
        certificate,
        EventType.CHANGED,
        reason_code=reason_code,
        payload={"before": previous, "after": changes},
        updates=changes,
        effective_at=effective_at,
    )


@transaction.atomic
def record_surveillance_passed(
    actor: Actor,
    certificate: Certificate,
    *,
    reason_code: str = "V01",
    note: str = "",
    effective_at: dt.datetime | None = None,
) -> Certificate:
    return _transition(
        actor,
        certificate,
        EventType.SURVEILLANCE_PASSED,
        reason_code=reason_code,
        payload={"note": note},
        effective_at=effective_at,
    )


__all__ = [
    "cancel_certificate",
    "change_certificate",
    "expire_certificate",
    "expire_due_certificates",
    "issue_certificate",
    "record_annotation",
    "record_surveillance_passed",
    "restore_certificate",
    "revoke_certificate",
    "suspend_certificate",
]


@transaction.atomic
def record_annotation(
    actor: Actor,
    certificate: Certificate,
    event_type: str,
    *,
    reason_code: str,
    payload: dict[str, Any],
) -> Certificate:
    """An event that leaves the status as it is: 采信 adopted by a buyer, insurer or bank;
    列入/移出黑名单提示 flagged or unflagged when the holder's or body's listing starts or ends."""
    if lifecycle.transitions()[event_type].to_status is not None:
        raise ValueError(f"{event_type} changes the status: it has an action of its own")
    return _transition(actor, certificate, event_type, reason_code=reason_code, payload=payload)
