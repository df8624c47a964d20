"""Certificates that bodies issued in their own systems, as they send them: checked, then issued.

The write API and bulk import both hand a body's record (``IssueRecord``, field names as the API
and the import templates spell them) to ``check_record``, which collects every problem it finds
without writing anything, and then to ``issue_record``, which issues it through
``actions.issue_certificate`` like the office pages do. A ``Lookups`` instance caches the catalog,
regions and the body's categories across the records of one request or file.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from greencert.catalog.editions import check_citation, refusal_text
from greencert.catalog.models import Category, Standard
from greencert.certification import actions, audits
from greencert.certification.actions import Issue, default_expiry, issue_certificates
from greencert.certification.body_numbers import normalise_body_number, require_body_number
from greencert.certification.foreign import refuse_foreign_number
from greencert.certification.lifecycle import EventType
from greencert.certification.lookup import find_certificate
from greencert.certification.models import Audit, Certificate
from greencert.certification.numbers import check_number
from greencert.core.actors import Actor
from greencert.core.errors import TransitionRefused, UserFacingError, ValidationFailed
from greencert.parties.actions import HolderDetails, holders_for_certificates
from greencert.parties.models import CertificationBody, Enterprise
from greencert.parties.validators import clean_credit_code
from greencert.regions.models import Region


@dataclass
class IssueRecord:
    """One certificate as its body recorded it (the fields of ``POST /api/v1/certificates``)."""

    body_number: str
    holder_credit_code: str
    category: str
    certification_unit: str
    site_region: str
    issue_date: dt.date
    holder_name: str = ""
    holder_region: str = ""
    holder_address: str = ""
    products: list[dict[str, Any]] = field(default_factory=list)
    production_site: str = ""
    service_site: str = ""
    standard: str = ""
    scheme_id: str = ""
    scheme_version: str = ""
    evaluation_fingerprint: str = ""
    certification_mode: str = ""
    grade: str = ""
    expiry_date: dt.date | None = None
    renewed_from: str = ""
    programme: str = ""
    same_audit_as: str = ""


def problem(
    field_name: str, value: Any, zh: str, en: str, code: str = "invalid"
) -> ValidationFailed:
    return ValidationFailed(
        field=field_name, value=value, expected_zh=zh, expected_en=en, code=code
    )


class Lookups:
    """What checking many records of one body reads once: the catalog, the body's categories,
    regions, and (``preload``) the holders and renewed certificates a batch of records names."""

    def __init__(self, body: CertificationBody) -> None:
        self.body = body
        self.categories = {
            c.code: c for c in Category.objects.prefetch_related("standards__superseded_by")
        }
        self._standards = {
            code: {s.code.replace(" ", "").upper(): s for s in category.standards.all()}
            for code, category in self.categories.items()
        }
        self.authorised = set(body.categories.values_list("code", flat=True))
        self._regions: dict[str, Region | None] = {}
        self._holders: dict[str, int | None] = {}
        self._certificates: dict[str, Certificate | None] = {}

    def region(self, code: str) -> Region | None:
        if code not in self._regions:
            self._regions[code] = Region.objects.select_related("parent").filter(code=code).first()
        return self._regions[code]

    def standard(self, category: Category, code: str) -> Standard | None:
        return self._standards[category.code].get(code.replace(" ", "").upper())

    def preload(self, records: Iterable[IssueRecord]) -> None:
        """Read, in two queries, which holders of ``records`` are registered and the certificates
        they renew; what was read for earlier records is read again, as it may have changed."""
        records = list(records)
        codes = {clean_credit_code(r.holder_credit_code)[0] for r in records}
        registered = dict(
            Enterprise.objects.filter(credit_code__in=codes).values_list("credit_code", "pk")
        )
        self._holders.update((code, registered.get(code)) for code in codes)
        self.preload_certificates(r.renewed_from for r in records if r.renewed_from.strip())

    def preload_certificates(self, typed: Iterable[str]) -> None:
        """Find the body's certificates with these registry or body numbers in one query."""
        keys = {_certificate_key(number) for number in typed}
        if not keys:
            return
        numbers = {value for kind, value in keys if kind == "number"}
        body_numbers = {value for kind, value in keys if kind == "body_number"}
        found = (
            Certificate.objects.filter(body=self.body)
            .filter(Q(number__in=numbers) | Q(body_number__in=body_numbers))
            .order_by()
        )
        self._certificates.update((f"{kind}:{value}", None) for kind, value in keys)
        for certificate in found.select_related("category"):
            self._certificates[f"number:{certificate.number}"] = certificate
            self._certificates[f"body_number:{certificate.body_number}"] = certificate

    def holder_id(self, credit_code: str) -> int | None:
        """The registered enterprise with this (clean) credit code, if any."""
        if credit_code not in self._holders:
            self._holders[credit_code] = (
                Enterprise.objects.filter(credit_code=credit_code)
                .values_list("pk", flat=True)
                .first()
            )
        return self._holders[credit_code]

    def certificate(self, number: str) -> Certificate | None:
        """The body's certificate with this registry or body number, if any."""
        kind, value = _certificate_key(number)
        key = f"{kind}:{value}"
        if key not in self._certificates:
            self._certificates[key] = _predecessor(self.body, number)
        return self._certificates[key]


def standard_in_force(category: Category, day: dt.date) -> Standard | None:
    """The category's standard in force on ``day`` (``catalog.editions``)."""
    return category.standard_in_force(day)


def check_record(
    record: IssueRecord, lookups: Lookups, *, today: dt.date | None = None
) -> list[ValidationFailed]:
    """Every problem of ``record`` that can be found without writing; empty when it may be issued.

    Permission (who may issue for the body) and the blacklist are checked by the action itself.
    """
    today = today or timezone.localdate()
    body = lookups.body
    problems: list[ValidationFailed] = []
    try:
        require_body_number(body.approval_number, record.body_number)
    except ValidationFailed as exc:
        problems.append(exc)
    code, credit_problem = clean_credit_code(record.holder_credit_code)
    if credit_problem:
        problems.append(
            problem(
                "holder_credit_code",
                record.holder_credit_code,
                f"统一社会信用代码（GB 32100-2015）{credit_problem.zh}",
                f"a unified social credit code (GB 32100-2015): {credit_problem.en}",
                "invalid_credit_code",
            )
        )
    category = lookups.categories.get(record.category.strip())
    if category is None:
        problems.append(
            problem(
                "category",
                record.category,
                "认证目录中的类别代码（如 coatings）",
                "a category code of the catalog (e.g. coatings)",
                "unknown_category",
            )
        )
    elif category.code not in lookups.authorised:
        problems.append(
            problem(
                "category",
                record.category,
                f"{body} 获批认证的类别（未获批「{category.name_zh}」）",
                f"a category {body} is authorised for (not {category.name_en})",
                "category_not_authorised",
            )
        )
    elif category.certification_units and record.certification_unit not in (
        category.certification_units
    ):
        units = category.certification_units
        problems.append(
            problem(
                "certification_unit",
                record.certification_unit,
                f"「{category.name_zh}」的认证单元之一：{'、'.join(units)}",
                f"one of the certification units of {category.name_en}: {', '.join(units)}",
            )
        )
    site = lookups.region(record.site_region.strip())
    if site is None or not site.province_code.startswith(("31", "32", "33", "34")):
        problems.append(
            problem(
                "site_region",
                record.site_region,
                "长三角 GB/T 2260 行政区划代码（如 320500）",
                "a GB/T 2260 code of a YRD region, e.g. 320500",
                "unknown_region",
            )
        )
    if record.holder_region and lookups.region(record.holder_region.strip()) is None:
        problems.append(
            problem(
                "holder_region",
                record.holder_region,
                "GB/T 2260 行政区划代码（如 320500）",
                "a GB/T 2260 region code, e.g. 320500",
                "unknown_region",
            )
        )
    if bool(record.production_site.strip()) == bool(record.service_site.strip()):
        problems.append(
            problem(
                "production_site",
                record.production_site,
                "生产场所（产品认证）或服务场所（服务认证）二者填一项",
                "either a production site (products) or a service site (services), not both",
            )
        )
    if record.issue_date > today:
        problems.append(
            problem(
                "issue_date",
                record.issue_date.isoformat(),
                "今天或以前的颁证日期",
                "an issue date of today or earlier",
            )
        )
    if category is not None:
        problems += _check_standard(record, category, lookups)
        if record.expiry_date is not None:
            longest = default_expiry(record.issue_date, category)
            if not record.issue_date < record.expiry_date <= longest:
                problems.append(
                    problem(
                        "expiry_date",
                        record.expiry_date.isoformat(),
                        f"颁证日期之后、不晚于 {longest.isoformat()} 的日期",
                        f"a date after the issue date and no later than {longest.isoformat()}",
                    )
                )
    if not credit_problem and not record.holder_name.strip() and lookups.holder_id(code) is None:
        problems.append(
            problem(
                "holder_name",
                record.holder_name,
                f"未登记企业 {code} 的名称（首次出现的持证人须给出名称）",
                f"the name of enterprise {code}, which is not registered yet",
            )
        )
    problems += _check_audit(record, category if category else None, lookups, code)
    if record.renewed_from.strip() and lookups.certificate(record.renewed_from) is None:
        problems.append(
            problem(
                "renewed_from",
                record.renewed_from,
                f"{body} 颁发的原证书编号（平台编号或机构编号）",
                f"the registry or body number of an earlier certificate of {body}",
                "unknown_certificate",
            )
        )
    return problems


def _check_audit(
    record: IssueRecord, category: Category | None, lookups: Lookups, credit_code: str
) -> list[ValidationFailed]:
    """The programme, and the certificate named in ``same_audit_as`` where it is already
    registered (one named by an earlier record of the same batch is checked on issue)."""
    problems: list[ValidationFailed] = []
    if category is not None and category.code in lookups.authorised:
        try:
            audits.require_programme(record.programme, lookups.body, category)
        except ValidationFailed as exc:
            problems.append(exc)
    if not record.same_audit_as.strip():
        return problems
    other = find_certificate(record.same_audit_as.strip()).certificate
    if other is None:
        return problems
    if other.body_id != lookups.body.pk:
        problems.append(audits.other_body(lookups.body, record.same_audit_as))
    elif other.holder.credit_code != credit_code:
        holder = Enterprise(credit_code=credit_code, name=record.holder_name or credit_code)
        problems.append(audits.other_holder(holder, record.same_audit_as))
    return problems


def _audits(
    records: Sequence[IssueRecord], holders: list[Enterprise], body: CertificationBody
) -> list[Audit | None]:
    """The audit each record's certificate shares (``same_audit_as``): that of a certificate of
    an earlier record of the batch, opened for both, or of a registered certificate."""
    by_number = {normalise_body_number(r.body_number): i for i, r in enumerate(records)}
    found: list[Audit | None] = [None] * len(records)
    for index, record in enumerate(records):
        typed = record.same_audit_as.strip()
        if not typed:
            continue
        earlier = by_number.get(normalise_body_number(typed))
        if earlier is not None and earlier < index:
            if found[earlier] is None:
                found[earlier] = Audit.objects.create(body=body, holder=holders[earlier])
            found[index] = found[earlier]
            continue
        other = find_certificate(typed).certificate
        if other is None:
            raise problem(
                "same_audit_as",
                typed,
                f"{body} 已登记（或本批在前）的证书编号（平台编号或机构编号）",
                f"the registry or body number of a certificate of {body} already registered "
                "(or earlier in this batch)",
                "unknown_certificate",
            )
        found[index] = audits.audit_to_join(other)
    return found


def _check_standard(
    record: IssueRecord, category: Category, lookups: Lookups
) -> list[ValidationFailed]:
    if not record.standard.strip():
        return []
    standard = lookups.standard(category, record.standard)
    if standard is None:
        listed = "、".join(s.code for s in category.standards.all()) or "—"
        return [
            problem(
                "standard",
                record.standard,
                f"「{category.name_zh}」目录所列标准之一：{listed}",
                f"a standard listed for {category.name_en}: {listed}",
                "unknown_standard",
            )
        ]
    refused = check_citation(standard, record.issue_date, category.standards.all())
    if refused is not None:
        zh, en = refusal_text(refused)
        return [problem("standard", record.standard, zh, en, "standard_not_in_force")]
    return []


def _certificate_key(typed: str) -> tuple[str, str]:
    """How a typed number finds a certificate: as a registry number when it is well formed, as
    the body's own number otherwise."""
    checked = check_number(typed.strip())
    if checked.verdict == "well_formed":
        return "number", checked.normalised
    return "body_number", normalise_body_number(typed)


def _predecessor(body: CertificationBody, number: str) -> Certificate | None:
    kind, value = _certificate_key(number)
    return Certificate.objects.filter(body=body, **{kind: value}).first()


def refuse_first(problems: list[ValidationFailed]) -> None:
    """Raise the first problem, carrying all of them for whoever lists them."""
    if problems:
        first = problems[0]
        first.extra.setdefault(
            "problems",
            [
                {
                    "field": p.field,
                    "value": p.value,
                    "code": p.code,
                    "message_zh": p.message_zh,
                    "message_en": p.message_en,
                }
                for p in problems
            ],
        )
        raise first


def issue_record(actor: Actor, record: IssueRecord, lookups: Lookups) -> Certificate:
    """Issue the certificate ``record`` describes, through ``issue_certificate``.

    Raises the first problem ``check_record`` finds (all of them in ``extra["problems"]``), and
    whatever the action refuses (permission, blacklist, a body number used meanwhile).
    """
    return issue_records(actor, [record], lookups)[0]


@transaction.atomic
def issue_records(
    actor: Actor, records: Sequence[IssueRecord], lookups: Lookups
) -> list[Certificate]:
    """Issue the certificates ``records`` describe, all or none, through ``issue_certificates``:
    an import's batch. Raises the first problem of the first record that has one."""
    lookups.preload(records)
    for record in records:
        refuse_first(check_record(record, lookups))
    sites = [lookups.region(record.site_region.strip()) for record in records]
    holders = holders_for_certificates(
        actor,
        [
            HolderDetails(
                credit_code=record.holder_credit_code,
                name=record.holder_name,
                region=(
                    lookups.region(record.holder_region.strip()) if record.holder_region else None
                )
                or site,
                address=record.holder_address,
            )
            for record, site in zip(records, sites, strict=True)
            if site is not None  # checked above
        ],
    )
    issue_holders = [holders[clean_credit_code(r.holder_credit_code)[0]] for r in records]
    shared = _audits(records, issue_holders, lookups.body)
    issues = []
    for record, site, audit in zip(records, sites, shared, strict=True):
        assert site is not None  # checked above
        category = lookups.categories[record.category.strip()]
        renewed_from = lookups.certificate(record.renewed_from) if record.renewed_from else None
        issues.append(
            Issue(
                holder=holders[clean_credit_code(record.holder_credit_code)[0]],
                category=category,
                certification_unit=record.certification_unit,
                site_region=site,
                products=record.products,
                service_site=record.service_site.strip(),
                production_site=record.production_site.strip(),
                standard=lookups.standard(category, record.standard)
                if record.standard.strip()
                else standard_in_force(category, record.issue_date),
                scheme_id=record.scheme_id,
                scheme_version=record.scheme_version,
                evaluation_fingerprint=record.evaluation_fingerprint,
                grade=record.grade,
                issue_date=record.issue_date,
                reason_code="I02" if renewed_from else "I01",
                renewed_from=renewed_from,
                body_number=record.body_number,
                certification_mode=record.certification_mode,
                expiry_date=record.expiry_date,
                programme=record.programme.strip(),
                audit=audit,
                same_audit_as=record.same_audit_as.strip(),
            )
        )
    return issue_certificates(actor, lookups.body, issues)


@dataclass
class ChangeRecord:
    """One later change a body recorded (``POST /api/v1/certificates/{number}/events``).

    ``event`` is one of ``CHANGE_EVENTS``; ``based_on`` is the certificate's last event sequence
    the body saw (``If-Match``), refused with 409 when another change came in between.
    """

    certificate: str
    event: str
    reason_code: str = ""
    note: str = ""
    until: dt.date | None = None
    changes: dict[str, Any] = field(default_factory=dict)
    effective_date: dt.date | None = None
    based_on: int | None = None
    order: str = ""
    due: str = ""
    inspection: dict[str, Any] | None = None


CHANGE_EVENTS: dict[str, str] = {
    EventType.SURVEILLANCE_PASSED: "V01",
    EventType.SUSPENDED: "",
    EventType.RESTORED: "",
    EventType.REVOKED: "",
    EventType.CANCELLED: "",
    EventType.CHANGED: "",
    EventType.EXPIRED: "E01",
    EventType.RECTIFIED: "O31",
}


def find_own_certificate(body: CertificationBody, number: str, *, field_name: str) -> Certificate:
    """The body's certificate with this registry or body number; bodies see only their own."""
    found = _predecessor(body, number)
    if found is None:
        refuse_foreign_number(field_name, number)
        raise ValidationFailed(
            field=field_name,
            value=number,
            expected_zh=f"{body} 颁发的证书编号（平台编号或机构编号）",
            expected_en=f"the registry or body number of a certificate {body} issued",
            code="unknown_certificate",
        )
    return found


class StaleChange(TransitionRefused):
    """The change was based on an event sequence that is no longer the certificate's last."""

    code = "stale"
    http_status = 409


def apply_change(actor: Actor, body: CertificationBody, record: ChangeRecord) -> Certificate:
    """Record one change through the action the office pages use."""
    if record.event not in CHANGE_EVENTS:
        raise ValidationFailed(
            field="event",
            value=record.event,
            expected_zh=f"以下事件之一：{'、'.join(CHANGE_EVENTS)}（再认证以新证书颁发，注明 renewed_from）",
            expected_en=f"one of: {', '.join(CHANGE_EVENTS)} (a renewal is a new certificate "
            "issued with renewed_from)",
        )
    with transaction.atomic():
        certificate = find_own_certificate(body, record.certificate, field_name="certificate")
        certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if record.based_on is not None and record.based_on != certificate.last_event_sequence:
            raise StaleChange(
                field="if_match",
                value=record.based_on,
                expected_zh=f"证书 {certificate.number} 的最新事件序号 "
                f"{certificate.last_event_sequence}（其间已有其他变更，请先读取当前状态）",
                expected_en=f"the last event sequence of {certificate.number}, "
                f"{certificate.last_event_sequence} (it changed meanwhile: read it again first)",
                extra={
                    "current_status": certificate.status,
                    "last_event_sequence": certificate.last_event_sequence,
                },
            )
        effective_at = (
            None
            if record.effective_date is None or record.effective_date == timezone.localdate()
            else dt.datetime.combine(
                record.effective_date, dt.time.min, tzinfo=timezone.get_current_timezone()
            )
        )
        reason = record.reason_code.strip() or CHANGE_EVENTS[record.event]
        event = record.event
        if event == EventType.SUSPENDED:
            if record.until is None:
                raise ValidationFailed(
                    field="until",
                    value="",
                    expected_zh="暂停期限（日期）",
                    expected_en="the date the suspension ends at the latest",
                )
            return actions.suspend_certificate(
                actor,
                certificate,
                reason_code=reason,
                until=record.until,
                note=record.note,
                effective_at=effective_at,
                order=record.order,
                due=record.due,
            )
        if event == EventType.REVOKED:
            return actions.revoke_certificate(
                actor,
                certificate,
                reason_code=reason,
                note=record.note,
                effective_at=effective_at,
                order=record.order,
                due=record.due,
            )
        if event == EventType.RECTIFIED:
            return actions.record_rectification(
                actor, certificate, order=record.order, note=record.note
            )
        if event == EventType.CHANGED:
            return actions.change_certificate(
                actor,
                certificate,
                reason_code=reason,
                changes=record.changes,
                effective_at=effective_at,
                inspection=record.inspection,
            )
        if event == EventType.EXPIRED:
            if certificate.expiry_date >= timezone.localdate():
                raise ValidationFailed(
                    field="event",
                    value=event,
                    expected_zh=f"证书有效期至 {certificate.expiry_date.isoformat()}，尚未到期",
                    expected_en=f"the certificate is valid until "
                    f"{certificate.expiry_date.isoformat()} and has not expired",
                )
            return actions.expire_certificate(actor, certificate)
        noted = {
            EventType.SURVEILLANCE_PASSED: actions.record_surveillance_passed,
            EventType.RESTORED: actions.restore_certificate,
            EventType.CANCELLED: actions.cancel_certificate,
        }[EventType(event)]
        return noted(
            actor, certificate, reason_code=reason, note=record.note, effective_at=effective_at
        )


__all__ = [
    "CHANGE_EVENTS",
    "ChangeRecord",
    "IssueRecord",
    "Lookups",
    "StaleChange",
    "UserFacingError",
    "apply_change",
    "check_record",
    "find_own_certificate",
    "issue_record",
    "issue_records",
    "standard_in_force",
]
