"""Every change to a certificate (Zulip's ``do_*`` pattern).

Each action, in one transaction: checks the actor and the certificate's current state (with a
conditional UPDATE, race-safe on SQLite and PostgreSQL), updates the row and appends one
CertificateEvent with the next gapless sequence number.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from greencert.catalog.models import Category, Standard
from greencert.certification import audits, lifecycle, site_changes
from greencert.certification.body_numbers import allocate_body_number, require_body_number
from greencert.certification.citations import (
    check_cited_scheme,
    check_cited_standard,
    default_standard,
)
from greencert.certification.due import cite_due, settle_due
from greencert.certification.foreign import refuse_foreign_province
from greencert.certification.lifecycle import EventType
from greencert.certification.lifecycle.log import (
    NewEvent,
    append_event,
    append_events,
    reserve_sequences,
)
from greencert.certification.models import Audit, Certificate
from greencert.certification.numbers import allocate_numbers
from greencert.certification.orders import check_order, order_carried_out
from greencert.certification.permissions import can_change, can_issue
from greencert.certification.restrictions import restriction_refusals
from greencert.certification.rules import lifecycle_rules
from greencert.core.actors import Actor
from greencert.core.bulk import insert_new
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


def require_active_body(body: CertificationBody) -> None:
    """Only a body whose approval is in force issues or imports certificates."""
    if not body.active:
        raise ValidationFailed(
            field="body",
            value=body.approval_number,
            expected_zh="有效的认证机构",
            expected_en="an active certification body",
        )


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


def require_reason(event_type: str, reason_code: str) -> lifecycle.Transition:
    """The event's transition, if ``reason_code`` is one of the reasons it takes."""
    transition = lifecycle.transitions()[event_type]
    successor = lifecycle.retired_reasons().get(reason_code)
    if successor is not None and reason_code in lifecycle.reasons()[transition.reason_group]:
        _refuse_retired(event_type, reason_code, successor)
    allowed = lifecycle.current_reasons(transition.reason_group)
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


def _refuse_retired(event_type: str, reason_code: str, successor: str) -> None:
    """A code another took the place of (C01, validity ended without renewal: the status 05
    过期失效 with E01, recorded by the daily expiry job)."""
    old = lifecycle.reason_label(reason_code)
    new = lifecycle.reason_label(successor)
    assert old is not None and new is not None
    by = next(
        t
        for t in lifecycle.transitions().values()
        if successor in lifecycle.reasons()[t.reason_group]
    )
    raise ValidationFailed(
        field="reason_code",
        value=reason_code,
        expected_zh=f"「{old.zh}」不再作为{lifecycle.event_label(event_type).zh}原因：有效期届满未再认证的证书"
        f"由系统记为「{by.label.zh}」（{successor} {new.zh}），无需{lifecycle.event_label(event_type).zh}",
        expected_en=f"“{old.en}” is no longer a reason for {lifecycle.event_label(event_type).en}: "
        f"a certificate whose validity ended without renewal is recorded as {by.label.en} "
        f"({successor}, {new.en}) by the system, with no {lifecycle.event_label(event_type).en}",
        code="retired_reason",
    )


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


@dataclass
class Issue:
    """One certificate to issue: the arguments of ``issue_certificate`` besides actor and body."""

    holder: Enterprise
    category: Category
    certification_unit: str
    site_region: Region
    products: list[dict[str, Any]] | None = None
    service_site: str = ""
    production_site: str = ""
    standard: Standard | None = None
    scheme_id: str = ""
    scheme_version: str = ""
    evaluation_fingerprint: str = ""
    grade: str = ""
    issue_date: dt.date | None = None
    reason_code: str = "I01"
    renewed_from: Certificate | None = None
    body_number: str = ""
    certification_mode: str = ""
    expiry_date: dt.date | None = None
    # 一次认证，多张证书: the programme (data/links.yaml; empty: the default) and the audit it
    # shares with the holder's certificates of other programmes, named in ``same_audit_as``.
    programme: str = ""
    audit: Audit | None = None
    same_audit_as: str = ""


@transaction.atomic
def issue_certificate(actor: Actor, *, body: CertificationBody, **issue: Any) -> Certificate:
    """Issue a certificate (颁发证书) and record the ``issued`` event.

    Takes the fields of ``Issue`` as keywords. ``body_number`` is the number the body gave it in
    its own system; without one, the body's next number in its format (``data/body_numbers.yaml``)
    is allocated.
    """
    return issue_certificates(actor, body, [Issue(**issue)])[0]


@transaction.atomic
def issue_certificates(
    actor: Actor, body: CertificationBody, issues: Sequence[Issue]
) -> list[Certificate]:
    """Issue several certificates of one body, all or none: the checks of ``issue_certificate``
    for each, then the rows, one ``issued`` event each (consecutive sequence numbers, in order)
    and the read models, a statement per table rather than per certificate. An import's batch."""
    if not can_issue(actor, body.pk):
        raise PermissionRefused(
            field="body",
            value=body.approval_number,
            expected_zh=f"{actor.label} 无权以 {body} 名义颁发证书（须为该机构人员）",
            expected_en=f"{actor.label} may not issue certificates for {body} (must be its staff)",
        )
    authorised = set(body.categories.values_list("pk", flat=True))
    today = timezone.localdate()
    listed: dict[int, set[int]] = {}
    transitions = [_check_issue(body, issue, authorised, listed, today) for issue in issues]
    programmes = _check_audits(body, issues)
    refused = restriction_refusals(
        subjects=[(issue.holder, issue.category.code) for issue in issues],
        body=body,
        doing=("颁发证书", "be issued certificates"),
    )
    if refused:
        raise refused[min(refused)]
    numbers = _numbers(issues, today)
    body_numbers = _body_numbers(body, issues)
    first_sequence = reserve_sequences(len(issues))
    standards: dict[tuple[int, dt.date], Standard | None] = {}
    certificates: list[Certificate] = []
    for issue, transition, number, body_number, programme in zip(
        issues, transitions, numbers, body_numbers, programmes, strict=True
    ):
        category, site = issue.category, issue.site_region
        issue_date = issue.issue_date or today
        if issue.standard is None and (category.pk, issue_date) not in standards:
            standards[category.pk, issue_date] = default_standard(category, issue_date)
        certificates.append(
            Certificate(
                number=number,
                body_number=body_number,
                holder=issue.holder,
                body=body,
                category=category,
                standard=issue.standard or standards[category.pk, issue_date],
                certification_unit=issue.certification_unit,
                products=issue.products or [],
                service_site=issue.service_site,
                production_site=issue.production_site,
                site_region=site,
                province_code=site.province_code,
                city_code=site.city_code,
                in_pilot_zone=in_zone(site, "pilot_zone"),
                in_demonstration_zone=in_zone(site, "demonstration_zone"),
                scheme_id=issue.scheme_id,
                scheme_version=issue.scheme_version,
                evaluation_fingerprint=issue.evaluation_fingerprint,
                grade=issue.grade,
                programme=programme,
                audit=issue.audit,
                **(
                    {"certification_mode": issue.certification_mode}
                    if issue.certification_mode
                    else {}
                ),
                initial_issue_date=(
                    issue.renewed_from.initial_issue_date if issue.renewed_from else issue_date
                ),
                issue_date=issue_date,
                expiry_date=_expiry(issue_date, category, issue.expiry_date),
                status=transition.target(""),
                status_reason_code=issue.reason_code,
                renewed_from=issue.renewed_from,
                last_event_sequence=first_sequence + len(certificates),
            )
        )
    insert_new(certificates)
    append_events(
        actor,
        [
            NewEvent(
                certificate=certificate,
                event_type=EventType.ISSUED,
                status_before="",
                status_after=certificate.status,
                reason_code=issue.reason_code,
                payload=_issued_payload(certificate, issue),
                # Recorded after the fact, it takes effect from the start of its issue date.
                effective_at=None
                if certificate.issue_date == today
                else dt.datetime.combine(
                    certificate.issue_date, dt.time.min, tzinfo=timezone.get_current_timezone()
                ),
            )
            for certificate, issue in zip(certificates, issues, strict=True)
        ],
        first_sequence=first_sequence,
    )
    for certificate, issue in zip(certificates, issues, strict=True):
        if issue.renewed_from is not None:
            # 再认证: the predecessor's log says which certificate succeeds it. Issuing the
            # successor is what authorises this, so no separate permission is asked for.
            _transition(
                actor,
                issue.renewed_from,
                EventType.RENEWED,
                reason_code="N01",
                payload={"successor": certificate.number},
                authorised=True,
            )
    return certificates


def _check_issue(
    body: CertificationBody,
    issue: Issue,
    authorised: set[int],
    listed: dict[int, set[int]],
    today: dt.date,
) -> lifecycle.Transition:
    """What ``issue_certificate`` refuses about one certificate, bar the actor and the blacklist.
    ``listed``: the standards of each category, by category id, filled as categories come."""
    category = issue.category
    if issue.renewed_from is not None and issue.renewed_from.body_id != body.pk:
        # 再认证 is the issuing body's: another body certifies anew, it does not renew.
        raise PermissionRefused(
            field="renewed_from",
            value=issue.renewed_from.number,
            expected_zh=f"{body} 颁发的证书（该证书由 {issue.renewed_from.body} 颁发）",
            expected_en=f"a certificate {body} issued (this one was issued by "
            f"{issue.renewed_from.body})",
        )
    if category.pk not in authorised:
        raise PermissionRefused(
            field="category",
            value=category.code,
            expected_zh=f"{body} 获批认证的类别（未获批「{category.name_zh}」）",
            expected_en=f"a category {body} is authorised for (not {category.name_en})",
        )
    require_active_body(body)
    refuse_foreign_province("site_region", issue.site_region.province_code)
    require_certification_unit(category, issue.certification_unit)
    if category.pk not in listed:
        # Read through the prefetch cache where the caller prefetched the category's standards.
        listed[category.pk] = {standard.pk for standard in category.standards.all()}
    if issue.standard is not None and issue.standard.pk not in listed[category.pk]:
        raise ValidationFailed(
            field="standard",
            value=issue.standard.code,
            expected_zh=f"「{category.name_zh}」目录所列标准",
            expected_en=f"a standard listed for {category.name_en}",
        )
    transition = require_reason(EventType.ISSUED, issue.reason_code)
    if issue.issue_date is not None and issue.issue_date > today:
        raise ValidationFailed(
            field="issue_date",
            value=issue.issue_date.isoformat(),
            expected_zh="今天或以前的颁证日期",
            expected_en="an issue date of today or earlier",
        )
    # A new certificate (a renewal too) cites the edition in force on its issue date, or during
    # the transition the one it replaced; certificates already issued keep what they cite.
    if issue.standard is not None:
        check_cited_standard(issue.standard, category, issue.issue_date or today)
    check_cited_scheme(issue.scheme_id, issue.scheme_version, issue.issue_date or today)
    _expiry(issue.issue_date or today, category, issue.expiry_date)
    return transition


def _issued_payload(certificate: Certificate, issue: Issue) -> dict[str, Any]:
    payload = {
        "holder": certificate.holder.credit_code,
        "body": certificate.body.approval_number,
        "body_number": certificate.body_number,
        "category": certificate.category.code,
        "scheme": f"{issue.scheme_id}@{issue.scheme_version}" if issue.scheme_id else "",
        "evaluation_fingerprint": issue.evaluation_fingerprint,
        "expiry_date": certificate.expiry_date.isoformat(),
        "renewed_from": issue.renewed_from.number if issue.renewed_from else "",
    }
    return payload | audits.issued_payload(certificate.programme, issue.same_audit_as)


def _check_audits(body: CertificationBody, issues: Sequence[Issue]) -> list[str]:
    """The programme of each certificate, after checking that the body may issue it under it
    and that a certificate sharing an audit shares it with its own holder's, under another
    programme (one query per audit named)."""
    programmes: list[str] = []
    taken: dict[int, list[str]] = {}
    for issue in issues:
        programme = audits.require_programme(issue.programme, body, issue.category)
        programmes.append(programme)
        if issue.audit is None:
            continue
        if issue.audit.pk not in taken:
            taken[issue.audit.pk] = audits.programmes_taken(issue.audit)
        audits.check_audit(
            issue.audit,
            body=body,
            holder=issue.holder,
            programme=programme,
            taken=taken[issue.audit.pk],
            given=issue.same_audit_as,
        )
        taken[issue.audit.pk].append(programme)
    return programmes


def _numbers(issues: Sequence[Issue], today: dt.date) -> list[str]:
    """Registry numbers in the order of ``issues``, one counter update per province and year."""
    wanted: dict[tuple[str, int], list[int]] = {}
    for index, issue in enumerate(issues):
        year = (issue.issue_date or today).year
        wanted.setdefault((issue.site_region.province_code, year), []).append(index)
    numbers = [""] * len(issues)
    # Counters are locked in one order, so two batches never wait for each other's.
    for (province, year), indexes in sorted(wanted.items()):
        for index, number in zip(
            indexes, allocate_numbers(province, year, len(indexes)), strict=True
        ):
            numbers[index] = number
    return numbers


def _body_numbers(body: CertificationBody, issues: Sequence[Issue]) -> list[str]:
    """The body's numbers for new certificates: the ones given, checked (one query for all), or
    its next free ones."""
    given = {
        index: require_body_number(body.approval_number, issue.body_number)
        for index, issue in enumerate(issues)
        if issue.body_number
    }
    # Unordered: ordered by id, SQLite would walk the body's certificates instead of the index.
    used = dict(
        Certificate.objects.filter(body=body, body_number__in=set(given.values()))
        .order_by()
        .values_list("body_number", "number")
    )
    numbers: list[str] = []
    for index, issue in enumerate(issues):
        if index not in given:
            year = (issue.issue_date or timezone.localdate()).year
            numbers.append(_next_body_number(body, year, set(numbers)))
            continue
        number = given[index]
        if number in used or number in numbers:
            raise _duplicate_body_number(body, issue.body_number, used.get(number))
        numbers.append(number)
    return numbers


def _duplicate_body_number(
    body: CertificationBody, given: str, holder: str | None
) -> ValidationFailed:
    """``holder``: the registry number of the certificate that has it; None if it is another of
    the same batch."""
    return ValidationFailed(
        field="body_number",
        value=given,
        expected_zh=f"{body} 尚未使用的证书编号（"
        + (f"已用于 {holder}" if holder else "本批另一证书已使用")
        + "）",
        expected_en=f"a number {body} has not used yet ("
        + (f"it is {holder}'s" if holder else "another certificate of this batch has it")
        + ")",
        code="duplicate_body_number",
    )


def _next_body_number(body: CertificationBody, year: int, taken: set[str]) -> str:
    while True:
        number = allocate_body_number(body.approval_number, year)
        if (
            number not in taken
            and not Certificate.objects.filter(body=body, body_number=number).exists()
        ):
            return number


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
    dated_by_actor: bool = True,
) -> Certificate:
    """``dated_by_actor``: ``effective_at`` is a date someone gave, so it must keep the history in
    order; an expiry's is the day after the expiry date, whenever the job records it."""
    transition = require_reason(event_type, reason_code)
    if effective_at is not None and dated_by_actor:
        _require_in_order(certificate, effective_at)
    if not authorised:
        _require_permission(actor, certificate, event_type)
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


def _require_permission(actor: Actor, certificate: Certificate, event_type: str) -> None:
    if not can_change(actor, certificate, event_type):
        raise PermissionRefused(
            field="certificate",
            value=certificate.number,
            expected_zh=f"{actor.label} 无权对该证书执行「{event_type}」",
            expected_en=f"{actor.label} may not perform {event_type} on this certificate",
        )


def _cite(actor: Actor, certificate: Certificate, order: str, event_type: str) -> dict[str, str]:
    """The payload naming the regulator's order (责令) this change carries out, if it cites one:
    checked before the change is made, closed (``_close``) once its event is on the log."""
    reference = order.strip().upper()
    if not reference:
        return {}
    _require_permission(actor, certificate, event_type)
    return {"order": check_order(actor, certificate, reference, event_type)}


def _close(cited: dict[str, str], certificate: Certificate) -> Certificate:
    if cited:
        order_carried_out(cited["order"], certificate, certificate.last_event_sequence)
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
    order: str = "",
    due: str = "",
) -> Certificate:
    """暂停: the certificate may not be used until restored, at the latest by ``until`` (its last
    day, within the longest suspension the rules allow). ``order``: the number of the regulator's
    order to suspend it that this carries out; ``due``: the due action (到期应处置) it carries out
    (by default the one pending)."""
    start = (effective_at or timezone.now()).astimezone(timezone.get_current_timezone()).date()
    if until <= start:
        raise ValidationFailed(
            field="until",
            value=until.isoformat(),
            expected_zh="暂停期限须晚于今天",
            expected_en="a deadline after today",
        )
    months = lifecycle_rules().suspension_months(certificate.category.code)
    longest = add_months(start, months)
    if until > longest:
        raise ValidationFailed(
            field="until",
            value=until.isoformat(),
            expected_zh=f"不晚于 {longest.isoformat()} 的暂停期限（暂停最长 {months} 个月，期满未恢复的证书应予撤销）",
            expected_en=f"a last day no later than {longest.isoformat()} (a suspension lasts at "
            f"most {months} months; a certificate not restored by then is to be revoked)",
            code="suspension_too_long",
        )
    cited = _cite(actor, certificate, order, EventType.SUSPENDED)
    cited_due = _cite_due(actor, certificate, due, EventType.SUSPENDED)
    suspended = _transition(
        actor,
        certificate,
        EventType.SUSPENDED,
        reason_code=reason_code,
        payload={"until": until.isoformat(), "note": note, **cited, **cited_due},
        updates={"suspended_until": until},
        effective_at=effective_at,
    )
    settle_due(suspended, EventType.SUSPENDED, cited_due)
    return _close(cited, suspended)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later, or the month's last day where it has none."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


def _cite_due(actor: Actor, certificate: Certificate, due: str, event_type: str) -> dict[str, str]:
    """The due action this change carries out, checked before the change is made."""
    _require_permission(actor, certificate, event_type)
    return cite_due(certificate, due, event_type)


def _noted(
    actor: Actor,
    certificate: Certificate,
    event_type: str,
    reason_code: str,
    note: str,
    effective_at: dt.datetime | None = None,
    order: str = "",
    due: str = "",
) -> Certificate:
    """A change that carries a note and ends any suspension deadline."""
    cited = _cite(actor, certificate, order, event_type)
    cited_due = (
        _cite_due(actor, certificate, due, event_type) if event_type == EventType.REVOKED else {}
    )
    changed = _transition(
        actor,
        certificate,
        event_type,
        reason_code=reason_code,
        payload={"note": note, **cited, **cited_due},
        updates={"suspended_until": None},
        effective_at=effective_at,
    )
    settle_due(changed, event_type, cited_due)
    return _close(cited, changed)


@transaction.atomic
def restore_certificate(
    actor: Actor,
    certificate: Certificate,
    *,
    reason_code: str,
    note: str = "",
    effective_at: dt.datetime | None = None,
) -> Certificate:
    """恢复: a suspended certificate becomes valid again, within its suspension: once its last day
    is over, the rules want it revoked (R01), not restored."""
    day = (effective_at or timezone.now()).astimezone(timezone.get_current_timezone()).date()
    until = certificate.suspended_until
    if certificate.status == lifecycle.Status.SUSPENDED and until is not None and day > until:
        rule = lifecycle_rules().on_run_out
        reason = lifecycle.reason_label(rule.reason_code)
        assert reason is not None
        raise TransitionRefused(
            field="effective_date",
            value=day.isoformat(),
            expected_zh=f"暂停期内（至 {until.isoformat()}）的恢复；暂停期满未恢复的证书应予撤销"
            f"（{rule.reason_code} {reason.zh}）",
            expected_en=f"a restoration within the suspension (until {until.isoformat()}); a "
            f"certificate not restored by then is to be revoked ({rule.reason_code}, {reason.en})",
            code="suspension_ran_out",
        )
    return _noted(actor, certificate, EventType.RESTORED, reason_code, note, effective_at)


@transaction.atomic
def revoke_certificate(
    actor: Actor,
    certificate: Certificate,
    *,
    reason_code: str,
    note: str = "",
    effective_at: dt.datetime | None = None,
    order: str = "",
    due: str = "",
) -> Certificate:
    """撤销: withdrawn for cause; final. ``order``: the regulator's order to revoke it, if any;
    ``due``: the due revocation (到期应处置) it carries out (by default the one pending)."""
    return _noted(
        actor, certificate, EventType.REVOKED, reason_code, note, effective_at, order, due
    )


@transaction.atomic
def cancel_certificate(
    actor: Actor,
    certificate: Certificate,
    *,
    reason_code: str,
    note: str = "",
    effective_at: dt.datetime | None = None,
) -> Certificate:
    """注销: ended on request, discontinuation or elimination; final. A validity that ended
    without renewal is no cancellation: the expiry job records it (05, E01)."""
    return _noted(actor, certificate, EventType.CANCELLED, reason_code, note, effective_at)


@transaction.atomic
def expire_certificate(actor: Actor, certificate: Certificate) -> Certificate:
    """过期失效: effective at the start of the day after the expiry date."""
    start = dt.datetime.combine(
        certificate.expiry_date + dt.timedelta(days=1),
        dt.time.min,
        tzinfo=timezone.get_current_timezone(),
    )
    expired = _transition(
        actor,
        certificate,
        EventType.EXPIRED,
        reason_code="E01",
        payload={"expiry_date": certificate.expiry_date.isoformat()},
        updates={"suspended_until": None},
        effective_at=start,
        dated_by_actor=False,
    )
    settle_due(expired, EventType.EXPIRED, {})
    return expired


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
    inspection: dict[str, Any] | None = None,
) -> Certificate:
    """变更: amend the certificate's content; it keeps its number. A change of production site
    needs a passed on-site inspection of the new site (``site_changes``): ``inspection`` names
    one recorded in the workflow (``{"application": reference}``) or states it
    (``{"inspected_on", "report_number", "inspectors"}``); it is kept in the event."""
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
    _require_permission(actor, certificate, EventType.CHANGED)
    inspected = site_changes.required_inspection(
        certificate, reason_code=reason_code, changes=changes, inspection=inspection
    )
    return _transition(
        actor,
        certificate,
        EventType.CHANGED,
        reason_code=reason_code,
        payload={"before": previous, "after": changes, **inspected},
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


@transaction.atomic
def record_rectification(
    actor: Actor, certificate: Certificate, *, order: str, note: str
) -> Certificate:
    """整改完成: the body notes that it rectified what a regulator's order (责令整改) required;
    the status is unchanged."""
    if not order.strip():
        raise ValidationFailed(
            field="order",
            value="",
            expected_zh="须注明所执行的责令整改通知编号",
            expected_en="the number of the order to rectify that this carries out",
        )
    if not note.strip():
        raise ValidationFailed(
            field="note",
            value="",
            expected_zh="须说明整改情况",
            expected_en="a note of what was rectified",
        )
    cited = _cite(actor, certificate, order, EventType.RECTIFIED)
    rectified = _transition(
        actor,
        certificate,
        EventType.RECTIFIED,
        reason_code="O31",
        payload={"note": note.strip(), **cited},
    )
    return _close(cited, rectified)


__all__ = [
    "Issue",
    "cancel_certificate",
    "change_certificate",
    "expire_certificate",
    "expire_due_certificates",
    "issue_certificate",
    "issue_certificates",
    "record_annotation",
    "record_rectification",
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
    authorised: bool = False,
) -> Certificate:
    """An event that leaves the status as it is: 采信 adopted by a buyer, insurer or bank;
    列入/移出黑名单提示 flagged or unflagged when the holder's or body's listing starts or ends;
    互认 recognised under a recognition agreement, or its end; a regulator's order (责令) made,
    withdrawn or overdue. ``authorised``: the calling action has checked the actor itself (a party
    to the agreement, which this app cannot see)."""
    if lifecycle.transitions()[event_type].to_status is not None:
        raise ValueError(f"{event_type} changes the status: it has an action of its own")
    return _transition(
        actor,
        certificate,
        event_type,
        reason_code=reason_code,
        payload=payload,
        authorised=authorised,
    )
