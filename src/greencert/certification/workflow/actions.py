"""Every step of an application (Zulip's ``do_*`` pattern).

Each action, in one transaction: claims its idempotency key, checks the actor's role and scope,
moves the application with a conditional UPDATE on its state (of two concurrent writers only one
wins, on SQLite and PostgreSQL alike), writes the step's records and one ``ApplicationStep``, and
queues the notification emails for after the commit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from greencert.catalog.models import Category
from greencert.certification import notifications
from greencert.certification.actions import (
    Issue,
    issue_certificate,
    issue_certificates,
    require_certification_unit,
)
from greencert.certification.audits import audit_of_application
from greencert.certification.lifecycle import Status
from greencert.certification.models import (
    Application,
    ApplicationStep,
    Certificate,
    Inspection,
    Nonconformity,
    Sample,
    TestReport,
)
from greencert.certification.restrictions import refuse_if_restricted
from greencert.certification.workflow import evaluations, idempotency
from greencert.certification.workflow.documents import (
    Upload,
    refuse_if_documents_missing,
    store_document,
)
from greencert.certification.workflow.machine import refuse, workflow
from greencert.certification.workflow.permissions import (
    enterprise_ids_of,
    require_transition,
)
from greencert.certification.workflow.surveillance import schedule_annual_surveillance
from greencert.core.actors import Actor
from greencert.core.errors import PermissionRefused, ValidationFailed
from greencert.core.sequence import next_value
from greencert.evaluation import SubmissionError, evaluate
from greencert.parties.models import CertificationBody, Enterprise, Laboratory
from greencert.regions.models import Region

YRD_PROVINCES = {"310000", "320000", "330000", "340000"}


def _required(field: str, value: str, zh: str, en: str) -> str:
    if not value or not value.strip():
        raise ValidationFailed(
            field=field, value=value, expected_zh=f"须填写{zh}", expected_en=f"{en} is required"
        )
    return value.strip()


def _replay(receipt: Any) -> Application:
    application = Application.objects.get(pk=receipt.application_id)
    application.replayed = True  # type: ignore[attr-defined]
    return application


def _step(
    actor: Actor,
    application: Application,
    name: str,
    *,
    note: str = "",
    payload: dict[str, Any] | None = None,
    updates: dict[str, Any] | None = None,
) -> Application:
    """Move the application along ``name`` if the actor may and the state allows it."""
    transition = workflow().transitions[name]
    require_transition(actor, application, transition)
    if transition.needs_reason:
        note = _required("reason", note, "理由", "a reason")
    before = application.state
    if before not in transition.from_states:
        raise refuse(application.reference, before, transition)
    now = timezone.now()
    updated = Application.objects.filter(pk=application.pk, state=before).update(
        state=transition.to_state, state_changed_at=now, **(updates or {})
    )
    if not updated:
        application.refresh_from_db(fields=["state"])
        raise refuse(application.reference, application.state, transition)
    ApplicationStep.objects.create(
        application=application,
        transition=name,
        state_before=before,
        state_after=transition.to_state,
        actor=actor.user,
        actor_label=actor.label,
        note=note,
        payload=payload or {},
        recorded_at=now,
    )
    application.refresh_from_db()
    notifications.application_step(application, transition.label.zh, transition.label.en, actor)
    return application


def _check_renewal(enterprise: Enterprise, category: Category, certificate: Certificate) -> None:
    today = timezone.localdate()
    opens = certificate.expiry_date - dt.timedelta(days=category.renewal_window_days)
    if certificate.holder_id != enterprise.pk or certificate.category_id != category.pk:
        raise ValidationFailed(
            field="renewal_of",
            value=certificate.number,
            expected_zh="本企业持有的同一类别证书",
            expected_en="a certificate of the same category held by this enterprise",
        )
    if certificate.status != Status.VALID or not opens <= today <= certificate.expiry_date:
        raise ValidationFailed(
            field="renewal_of",
            value=certificate.number,
            expected_zh=f"有效证书，且在有效期届满前 {category.renewal_window_days} 天内"
            f"（{opens} 至 {certificate.expiry_date}）申请再认证",
            expected_en=f"a valid certificate, renewed within {category.renewal_window_days} "
            f"days before expiry ({opens} to {certificate.expiry_date})",
        )
    open_renewal = Application.objects.filter(renewal_of=certificate).exclude(
        state__in=workflow().final_states
    )
    if open_renewal.exists():
        raise ValidationFailed(
            field="renewal_of",
            value=certificate.number,
            expected_zh="该证书已有进行中的再认证申请",
            expected_en="no renewal application already in progress for this certificate",
        )


def _check_scope(
    body: CertificationBody,
    category: Category,
    certification_unit: str,
    site_region: Region,
    products: list[dict[str, Any]],
    service_site: str,
    production_site: str,
) -> None:
    if not body.active or not body.categories.filter(pk=category.pk).exists():
        approved = [
            b.name
            for b in CertificationBody.objects.filter(active=True, categories=category).order_by(
                "name"
            )
        ]
        raise ValidationFailed(
            field="body",
            value=body.name,
            expected_zh=f"获批「{category.name_zh}」类别的有效认证机构："
            + ("、".join(approved) if approved else "目前没有"),
            expected_en=f"an active certification body authorised for {category.name_en}: "
            + (", ".join(approved) if approved else "there is none at present"),
        )
    require_certification_unit(category, certification_unit)
    if site_region.province_code not in YRD_PROVINCES:
        raise ValidationFailed(
            field="site_region",
            value=site_region.code,
            expected_zh="长三角三省一市的行政区划",
            expected_en="a region of Shanghai, Jiangsu, Zhejiang or Anhui",
        )
    if category.kind == "service":
        _required("service_site", service_site, "服务场所", "the service site")
    else:
        _required("production_site", production_site, "生产场所", "the production site")
        if not products or not all(p.get("name") and p.get("models") for p in products):
            raise ValidationFailed(
                field="products",
                value=str(products),
                expected_zh="至少一个产品及其型号",
                expected_en="at least one product with its models",
            )


@transaction.atomic
def submit_application(
    actor: Actor,
    *,
    enterprise: Enterprise,
    body: CertificationBody,
    category: Category,
    certification_unit: str,
    site_region: Region,
    products: list[dict[str, Any]] | None = None,
    service_site: str = "",
    production_site: str = "",
    renewal_of: Certificate | None = None,
    documents: list[tuple[str, Upload]] | None = None,
    idempotency_key: str | None = None,
) -> Application:
    """申请: an enterprise user applies for its enterprise."""
    receipt = idempotency.claim(idempotency_key, "submit", actor)
    if receipt is not None:
        return _replay(receipt)
    transition = workflow().transitions["submit"]
    if enterprise.pk not in enterprise_ids_of(actor):
        raise PermissionRefused(
            field="enterprise",
            value=enterprise.credit_code,
            expected_zh=f"「{transition.label.zh}」须由该企业的用户进行",
            expected_en=f"{transition.label.en} must be done by a user of the enterprise",
        )
    refuse_if_restricted(
        enterprise=enterprise,
        body=body,
        category=category.code,
        doing=("申请认证", "apply for certification"),
    )
    products = products or []
    _check_scope(
        body, category, certification_unit, site_region, products, service_site, production_site
    )
    if renewal_of is not None:
        _check_renewal(enterprise, category, renewal_of)
    now = timezone.now()
    year = timezone.localdate().year
    application = Application.objects.create(
        reference=f"SQ{year}{next_value(f'application:{year}'):06d}",
        enterprise=enterprise,
        body=body,
        category=category,
        certification_unit=certification_unit,
        products=products,
        service_site=service_site,
        production_site=production_site,
        site_region=site_region,
        renewal_of=renewal_of,
        state=transition.to_state,
        state_changed_at=now,
        submitted_by=actor.user,
    )
    for kind, upload in documents or []:
        store_document(application, kind, upload, actor)
    ApplicationStep.objects.create(
        application=application,
        transition="submit",
        state_before="",
        state_after=transition.to_state,
        actor=actor.user,
        actor_label=actor.label,
        payload={"renewal_of": renewal_of.number if renewal_of else ""},
        recorded_at=now,
    )
    idempotency.attach(idempotency_key, application=application)
    notifications.application_step(application, transition.label.zh, transition.label.en, actor)
    return application


@transaction.atomic
def add_document(actor: Actor, application: Application, kind: str, upload: Upload) -> Application:
    """补充申请资料: the enterprise adds a document while the application is open."""
    if application.enterprise_id not in enterprise_ids_of(actor):
        raise PermissionRefused(
            field="actor",
            value=actor.label,
            expected_zh="申请资料须由申请企业的用户上传",
            expected_en="documents are uploaded by a user of the applying enterprise",
        )
    if application.state not in {"submitted", "returned", "accepted", "corrective_actions"}:
        raise ValidationFailed(
            field="state",
            value=application.state,
            expected_zh="申请处于待受理、退回补正、待初始检查或纠正措施阶段",
            expected_en="an application awaiting acceptance, correction, inspection or "
            "corrective actions",
        )
    store_document(application, kind, upload, actor)
    return application


def _simple(name: str, docstring: str) -> Any:
    @transaction.atomic
    def action(
        actor: Actor,
        application: Application,
        *,
        note: str = "",
        idempotency_key: str | None = None,
    ) -> Application:
        receipt = idempotency.claim(idempotency_key, name, actor, application=application)
        if receipt is not None:
            return _replay(receipt)
        updates = None
        if name == "accept":
            require_transition(actor, application, workflow().transitions[name])
            refuse_if_documents_missing(application)
            updates = {"accepted_at": timezone.now()}
        return _step(actor, application, name, note=note, updates=updates)

    action.__doc__ = docstring
    action.__name__ = f"{name}_application"
    return action


return_application = _simple(
    "return", "退回补正: the body returns it to the enterprise, with reasons."
)
resubmit_application = _simple("resubmit", "补正后重新提交: the enterprise resubmits.")
withdraw_application = _simple("withdraw", "撤回: the enterprise withdraws it, giving a reason.")
accept_application = _simple("accept", "受理: the body accepts it for inspection.")


@transaction.atomic
def record_inspection(
    actor: Actor,
    application: Application,
    *,
    outcome: str,
    inspected_on: dt.date,
    inspectors: str,
    man_days: Decimal,
    findings: str = "",
    nonconformities: list[str] | None = None,
    idempotency_key: str | None = None,
) -> Application:
    """初始检查: document review and on-site inspection; 通过 / 纠正措施验证后通过 / 不通过."""
    receipt = idempotency.claim(idempotency_key, "inspection", actor, application=application)
    if receipt is not None:
        return _replay(receipt)
    outcomes = workflow().inspection_outcomes
    if outcome not in outcomes:
        raise ValidationFailed(
            field="outcome",
            value=outcome,
            expected_zh="、".join(f"{k}（{label.zh}）" for k, (_t, label) in outcomes.items()),
            expected_en=", ".join(f"{k} ({label.en})" for k, (_t, label) in outcomes.items()),
        )
    found = [text.strip() for text in nonconformities or [] if text.strip()]
    if outcome == "conditional" and not found:
        raise ValidationFailed(
            field="nonconformities",
            value="",
            expected_zh="「纠正措施验证后通过」须列出至少一项不符合",
            expected_en="at least one nonconformity for a pass after corrective actions",
        )
    if outcome == "pass" and found:
        raise ValidationFailed(
            field="nonconformities",
            value=f"{len(found)}",
            expected_zh="「通过」不应有未关闭的不符合；请选择「纠正措施验证后通过」",
            expected_en="no open nonconformities for a pass; choose pass after corrective actions",
        )
    if inspected_on > timezone.localdate():
        raise ValidationFailed(
            field="inspected_on",
            value=inspected_on.isoformat(),
            expected_zh="不晚于今天的检查日期",
            expected_en="an inspection date no later than today",
        )
    _required("inspectors", inspectors, "检查员", "the inspectors")
    if man_days <= 0:
        raise ValidationFailed(
            field="man_days",
            value=str(man_days),
            expected_zh="大于 0 的人日数",
            expected_en="a number of man-days above 0",
        )
    transition_name, _outcome_label = outcomes[outcome]
    application = _step(
        actor,
        application,
        transition_name,
        note=findings,
        payload={"outcome": outcome, "nonconformities": len(found)},
    )
    inspection = Inspection.objects.create(
        application=application,
        outcome=outcome,
        inspected_on=inspected_on,
        inspectors=inspectors.strip(),
        man_days=man_days,
        findings=findings,
        recorded_by=actor.user,
        recorded_at=timezone.now(),
    )
    Nonconformity.objects.bulk_create(
        Nonconformity(inspection=inspection, description=text) for text in found
    )
    return application


@transaction.atomic
def close_nonconformity(actor: Actor, nonconformity: Nonconformity, *, closure_note: str) -> None:
    """关闭不符合项: the body records how the corrective action was verified."""
    application = nonconformity.inspection.application
    require_transition(actor, application, workflow().transitions["corrective_actions_verified"])
    _required("closure_note", closure_note, "纠正措施验证说明", "how the correction was verified")
    if application.state != "corrective_actions":
        raise refuse(
            application.reference,
            application.state,
            workflow().transitions["corrective_actions_verified"],
        )
    updated = Nonconformity.objects.filter(pk=nonconformity.pk, closed_at__isnull=True).update(
        closed_at=timezone.now(), closure_note=closure_note.strip(), closed_by=actor.user
    )
    if not updated:
        raise ValidationFailed(
            field="nonconformity",
            value=str(nonconformity.pk),
            expected_zh="尚未关闭的不符合项",
            expected_en="an open nonconformity",
        )


@transaction.atomic
def verify_corrective_actions(
    actor: Actor, application: Application, *, note: str = "", idempotency_key: str | None = None
) -> Application:
    """纠正措施验证通过: allowed once every nonconformity is closed."""
    receipt = idempotency.claim(idempotency_key, "corrective", actor, application=application)
    if receipt is not None:
        return _replay(receipt)
    still_open = Nonconformity.objects.filter(
        inspection__application=application, closed_at__isnull=True
    )
    if application.state == "corrective_actions" and still_open.exists():
        listing = "; ".join(nc.description[:40] for nc in still_open)
        raise ValidationFailed(
            field="nonconformities",
            value=listing,
            expected_zh="所有不符合项均已关闭",
            expected_en="every nonconformity closed first",
        )
    return _step(actor, application, "corrective_actions_verified", note=note)


@transaction.atomic
def record_sampling(
    actor: Actor,
    application: Application,
    *,
    laboratory: Laboratory,
    sample_code: str,
    product_model: str,
    quantity: str,
    sampled_on: dt.date,
    sampled_at_site: str,
    scheme_key: str,
    idempotency_key: str | None = None,
) -> Application:
    """抽样: the body seals a sample and sends it to a CMA laboratory with the test scheme."""
    receipt = idempotency.claim(idempotency_key, "sampled", actor, application=application)
    if receipt is not None:
        return _replay(receipt)
    scheme = evaluations.scheme_in_force(application.category, scheme_key, timezone.localdate())
    _required("sample_code", sample_code, "样品编号", "the sample code")
    _required("product_model", product_model, "产品型号", "the product model")
    _required("quantity", quantity, "抽样数量", "the quantity")
    _required("sampled_at_site", sampled_at_site, "抽样地点", "where it was sampled")
    if sampled_on > timezone.localdate():
        raise ValidationFailed(
            field="sampled_on",
            value=sampled_on.isoformat(),
            expected_zh="不晚于今天的抽样日期",
            expected_en="a sampling date no later than today",
        )
    application = _step(
        actor,
        application,
        "sampled",
        payload={"sample": sample_code, "laboratory": laboratory.cma_number, "scheme": scheme.key},
    )
    Sample.objects.create(
        application=application,
        laboratory=laboratory,
        sample_code=sample_code.strip(),
        product_model=product_model.strip(),
        quantity=quantity.strip(),
        sampled_on=sampled_on,
        sampled_at_site=sampled_at_site.strip(),
        scheme_id=scheme.id,
        scheme_version=scheme.version,
        recorded_by=actor.user,
        recorded_at=timezone.now(),
    )
    return application


def _validate_values(application: Application, sample: Sample, values: dict[str, str]) -> None:
    """Every entered value must read as the scheme expects (number, unit range, category)."""
    from greencert.evaluation import load_shipped_schemes

    scheme = load_shipped_schemes().get(sample.scheme_id, sample.scheme_version)
    unit = evaluations.unit_guess(scheme, application.certification_unit) or (
        scheme.certification_units[0].id if scheme.certification_units else ""
    )
    try:
        evaluate(scheme, evaluations.submission(scheme, unit, True, values))
    except SubmissionError as exc:
        problems = [p for p in exc.problems if p.location != "certification_unit"]
        if problems:
            first = problems[0]
            key = first.location.removeprefix("values.").split(".")[0]
            raise ValidationFailed(
                field=f"value_{key}",
                value=values.get(key, ""),
                expected_zh=first.zh,
                expected_en=first.en,
            ) from None


@transaction.atomic
def enter_test_report(
    actor: Actor,
    application: Application,
    *,
    report_number: str,
    issued_on: dt.date,
    values: dict[str, str],
    conclusion: str = "",
    idempotency_key: str | None = None,
) -> Application:
    """检验报告: the CMA laboratory enters the measured values of the sample."""
    receipt = idempotency.claim(idempotency_key, "test_reported", actor, application=application)
    if receipt is not None:
        return _replay(receipt)
    sample = application.samples.order_by("-id").first()
    transition = workflow().transitions["test_reported"]
    if sample is None:
        raise refuse(application.reference, application.state, transition)
    require_transition(actor, application, transition)
    _required("report_number", report_number, "报告编号", "the report number")
    cleaned = {key: str(value).strip() for key, value in values.items() if str(value).strip()}
    _validate_values(application, sample, cleaned)
    application = _step(
        actor, application, "test_reported", payload={"report": report_number, "values": cleaned}
    )
    TestReport.objects.create(
        sample=sample,
        report_number=report_number.strip(),
        issued_on=issued_on,
        values=cleaned,
        conclusion=conclusion,
        entered_by=actor.user,
        entered_at=timezone.now(),
    )
    return application


@transaction.atomic
def evaluate_application(
    actor: Actor,
    application: Application,
    *,
    scheme_unit: str = "",
    idempotency_key: str | None = None,
) -> Application:
    """评价: judge the inspection and test values with the scheme in force today."""
    receipt = idempotency.claim(idempotency_key, "evaluated", actor, application=application)
    if receipt is not None:
        return _replay(receipt)
    transition = workflow().transitions["evaluated"]
    require_transition(actor, application, transition)
    if application.state not in transition.from_states:
        raise refuse(application.reference, application.state, transition)
    sample = application.samples.select_related("report").order_by("-id").first()
    assert sample is not None  # the state machine guarantees a tested sample
    scheme = evaluations.scheme_in_force(
        application.category, f"{sample.scheme_id}@{sample.scheme_version}", timezone.localdate()
    )
    units = [unit.id for unit in scheme.certification_units]
    scheme_unit = scheme_unit or evaluations.unit_guess(scheme, application.certification_unit)
    if units and scheme_unit not in units:
        raise ValidationFailed(
            field="scheme_unit",
            value=scheme_unit,
            expected_zh=f"方案 {scheme.key} 的认证单元之一：{', '.join(units)}",
            expected_en=f"one of the units of scheme {scheme.key}: {', '.join(units)}",
        )
    # Reaching `tested` needs an inspection that passed, so every baseline requirement was met.
    submission = evaluations.submission(scheme, scheme_unit, True, sample.report.values)
    try:
        result = evaluate(scheme, submission)
    except SubmissionError as exc:
        first = exc.problems[0]
        raise ValidationFailed(
            field=first.location, value="", expected_zh=first.zh, expected_en=first.en
        ) from None
    if result.verdict == "incomplete":
        raise ValidationFailed(
            field="values",
            value=", ".join(result.missing),
            expected_zh="检验报告缺少评价所需数据，请实验室补充后再评价",
            expected_en="the test report lacks values the evaluation needs; the lab must add them",
            code="incomplete",
        )
    grade = result.grade.id if result.grade else (result.tier.id if result.tier else "")
    return _step(
        actor,
        application,
        "evaluated",
        payload={
            "scheme": scheme.key,
            "verdict": result.verdict,
            "fingerprint": result.fingerprint,
        },
        updates={
            "reviewer": actor.user,
            "scheme_id": scheme.id,
            "scheme_version": scheme.version,
            "scheme_unit": scheme_unit,
            "evaluation_verdict": result.verdict,
            "evaluation_grade": grade,
            "evaluation_fingerprint": result.fingerprint,
            "evaluation_result": result.to_dict(),
            "evaluated_at": timezone.now(),
        },
    )


@transaction.atomic
def decide_application(
    actor: Actor,
    application: Application,
    *,
    approve: bool,
    note: str = "",
    idempotency_key: str | None = None,
) -> Application:
    """批准 or 不予批准: by a different person from the reviewer; approval needs a pass."""
    name = "approved" if approve else "rejected"
    receipt = idempotency.claim(idempotency_key, name, actor, application=application)
    if receipt is not None:
        return _replay(receipt)
    if approve and application.state == "evaluated" and application.evaluation_verdict != "pass":
        raise ValidationFailed(
            field="decision",
            value=application.evaluation_verdict,
            expected_zh="评价结论为「通过」方可批准；否则应不予批准",
            expected_en="an evaluation that passed; otherwise refuse certification",
        )
    updates: dict[str, Any] = {"decider": actor.user, "decision_note": note}
    if approve:
        updates["approved_at"] = timezone.now()
    return _step(
        actor,
        application,
        name,
        note=note,
        payload={"fingerprint": application.evaluation_fingerprint},
        updates=updates,
    )


@transaction.atomic
def issue_application_certificate(
    actor: Actor,
    application: Application,
    *,
    issue_date: dt.date | None = None,
    idempotency_key: str | None = None,
    programmes: Sequence[str] = (),
) -> Application:
    """颁发证书: through ``issue_certificates``, so each certificate starts its event log.

    One certificate per programme in ``programmes`` (default: the default programme), all resting
    on the application's audit (一次认证，多张证书); the first is the application's certificate."""
    receipt = idempotency.claim(idempotency_key, "issued", actor, application=application)
    if receipt is not None:
        return _replay(receipt)
    application = _step(actor, application, "issued")
    audit = audit_of_application(application)
    chosen = list(dict.fromkeys(programmes)) or [""]
    common = {
        "holder": application.enterprise,
        "category": application.category,
        "certification_unit": application.certification_unit,
        "site_region": application.site_region,
        "products": application.products,
        "service_site": application.service_site,
        "production_site": application.production_site,
        "scheme_id": application.scheme_id,
        "scheme_version": application.scheme_version,
        "evaluation_fingerprint": application.evaluation_fingerprint,
        "grade": application.evaluation_grade,
        "issue_date": issue_date,
        "reason_code": "I02" if application.renewal_of_id else "I01",
        "audit": audit,
    }
    certificate = issue_certificate(
        actor,
        body=application.body,
        renewed_from=application.renewal_of,
        programme=chosen[0],
        **common,
    )
    others = (
        issue_certificates(
            actor,
            application.body,
            [
                Issue(programme=programme, same_audit_as=certificate.number, **common)
                for programme in chosen[1:]
            ],
        )
        if chosen[1:]
        else []
    )
    Application.objects.filter(pk=application.pk).update(certificate=certificate)
    ApplicationStep.objects.filter(application=application, transition="issued").update(
        payload={"certificate": certificate.number}
        | ({"certificates": [certificate.number] + [c.number for c in others]} if others else {})
    )
    for issued in [certificate, *others]:
        schedule_annual_surveillance(issued)
    application.refresh_from_db()
    return application
