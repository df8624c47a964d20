"""生产场所变更: a change of production site is accepted only with a passed on-site inspection of
the new site (``data/lifecycle_rules.yaml``, ``site_change``), which the ``changed`` event keeps.

A different production site is a different certification unit, and the rules ask for a factory
inspection of it; so the change names the inspection — one recorded in the workflow (the
application whose on-site inspection of the new site passed) or, from a body's own system or an
import, the inspection's date, report number and inspectors.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from greencert.certification.models import Application, Certificate
from greencert.certification.rules import lifecycle_rules
from greencert.core.errors import ValidationFailed

STATED_FIELDS = ("inspected_on", "report_number", "inspectors")
# What a change may name the inspection by (the API's ``inspection``, an import's columns).
INSPECTION_FIELDS = ("application", *STATED_FIELDS)
# The on-site outcomes that pass (data/workflow.yaml ``inspection_outcomes``); a conditional pass
# counts once every nonconformity it found is closed.
PASSING = ("pass", "conditional")


def changes_site(certificate: Certificate, reason_code: str, changes: dict[str, Any]) -> bool:
    rules = lifecycle_rules()
    if reason_code in rules.site_reason_codes:
        return True
    return any(
        name in changes and changes[name] != getattr(certificate, name)
        for name in rules.site_fields
    )


def _missing(certificate: Certificate, site: str) -> ValidationFailed:
    return ValidationFailed(
        field="inspection",
        value="",
        expected_zh=f"生产场所变更须附新场所（{site or '未填写'}）现场检查通过的记录：工作流中的申请编号，"
        "或检查日期、检查报告编号和检查员",
        expected_en=f"a change of production site needs a passed on-site inspection of the new "
        f"site ({site or 'not given'}): the reference of the application whose inspection "
        "passed, or the inspection's date, report number and inspectors",
        code="site_inspection_required",
    )


def _from_workflow(certificate: Certificate, reference: str, site: str) -> dict[str, Any]:
    application = (
        Application.objects.filter(reference=reference.strip().upper())
        .prefetch_related("inspections__nonconformities")
        .first()
    )
    if (
        application is None
        or application.enterprise_id != certificate.holder_id
        or application.body_id != certificate.body_id
    ):
        raise ValidationFailed(
            field="inspection.application",
            value=reference,
            expected_zh=f"持证人 {certificate.holder.name} 向 {certificate.body} 提出的申请编号",
            expected_en=f"the reference of an application of {certificate.holder.name} to "
            f"{certificate.body}",
            code="unknown_application",
        )
    if application.production_site.strip() != site.strip():
        raise ValidationFailed(
            field="inspection.application",
            value=reference,
            expected_zh=f"检查新生产场所「{site}」的申请（{reference} 的场所为"
            f"「{application.production_site}」）",
            expected_en=f"an application that inspected the new site “{site}” ({reference} "
            f"inspected “{application.production_site}”)",
            code="site_mismatch",
        )
    passed = [
        i
        for i in application.inspections.all()
        if i.outcome == "pass"
        or (i.outcome == "conditional" and all(n.closed_at for n in i.nonconformities.all()))
    ]
    if not passed:
        raise ValidationFailed(
            field="inspection.application",
            value=reference,
            expected_zh=f"现场检查已通过的申请（{reference} 尚无通过的现场检查）",
            expected_en=f"an application whose on-site inspection passed ({reference} has none)",
            code="inspection_not_passed",
        )
    inspection = passed[-1]
    return {
        "application": application.reference,
        "inspected_on": inspection.inspected_on.isoformat(),
        "inspectors": inspection.inspectors,
        "outcome": inspection.outcome,
        "site": site,
    }


def _stated(inspection: dict[str, Any], site: str) -> dict[str, Any]:
    for name in STATED_FIELDS:
        if not str(inspection.get(name) or "").strip():
            raise ValidationFailed(
                field=f"inspection.{name}",
                value="",
                expected_zh="现场检查的检查日期、检查报告编号和检查员均须填写",
                expected_en="the inspection's date, report number and inspectors are all required",
                code="site_inspection_incomplete",
            )
    day = inspection["inspected_on"]
    if isinstance(day, str):
        try:
            day = dt.date.fromisoformat(day)
        except ValueError:
            raise ValidationFailed(
                field="inspection.inspected_on",
                value=day,
                expected_zh="YYYY-MM-DD 格式的检查日期",
                expected_en="the inspection date as YYYY-MM-DD",
            ) from None
    if day > timezone.localdate():
        raise ValidationFailed(
            field="inspection.inspected_on",
            value=day.isoformat(),
            expected_zh="今天或以前的检查日期（检查须已完成并通过）",
            expected_en="an inspection date of today or earlier (it must have taken place and passed)",
        )
    outcome = str(inspection.get("outcome") or "pass")
    if outcome not in PASSING:
        raise ValidationFailed(
            field="inspection.outcome",
            value=outcome,
            expected_zh="通过（pass）或纠正措施验证后通过（conditional）的现场检查",
            expected_en="an on-site inspection that passed (pass, or conditional once "
            "corrective actions were verified)",
            code="inspection_not_passed",
        )
    return {
        "inspected_on": day.isoformat(),
        "report_number": str(inspection["report_number"]).strip(),
        "inspectors": str(inspection["inspectors"]).strip(),
        "outcome": outcome,
        "site": site,
    }


def required_inspection(
    certificate: Certificate,
    *,
    reason_code: str,
    changes: dict[str, Any],
    inspection: dict[str, Any] | None,
) -> dict[str, Any]:
    """The ``inspection`` part of the ``changed`` event's payload: empty unless the change moves
    the production site; refused when it does and names no passed inspection of the new site."""
    if not changes_site(certificate, reason_code, changes):
        return {}
    site = str(changes.get("production_site", certificate.production_site) or "")
    given = {k: v for k, v in (inspection or {}).items() if v not in ("", None)}
    if not given:
        raise _missing(certificate, site)
    if given.get("application"):
        return {"inspection": _from_workflow(certificate, str(given["application"]), site)}
    return {"inspection": _stated(given, site)}
