"""获证后监督: annual tasks scheduled at issue, unannounced ones on demand, and their results."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from greencert.certification import notifications
from greencert.certification.actions import add_months, record_surveillance_passed
from greencert.certification.due_rules import make_due_for_failed
from greencert.certification.lifecycle import IN_FORCE
from greencert.certification.models import Certificate, SurveillanceTask
from greencert.certification.workflow import idempotency
from greencert.certification.workflow.machine import workflow
from greencert.certification.workflow.permissions import (
    can_order_surveillance,
    can_record_surveillance,
)
from greencert.core.actors import Actor
from greencert.core.errors import PermissionRefused, TransitionRefused, ValidationFailed


def schedule_annual_surveillance(certificate: Certificate) -> list[SurveillanceTask]:
    """One task per surveillance interval of the validity, due on each anniversary."""
    months = certificate.category.surveillance_months
    tasks = []
    step = 1
    while (due := add_months(certificate.issue_date, months * step)) < certificate.expiry_date:
        tasks.append(SurveillanceTask(certificate=certificate, kind="annual", due_on=due))
        step += 1
    return SurveillanceTask.objects.bulk_create(tasks)


@transaction.atomic
def order_unannounced_surveillance(
    actor: Actor,
    certificate: Certificate,
    *,
    reason: str,
    due_on: dt.date,
    idempotency_key: str | None = None,
) -> SurveillanceTask:
    """不通知监督: after a complaint or a serious quality problem. The holder is not told."""
    receipt = idempotency.claim(idempotency_key, "unannounced", actor, certificate=certificate)
    if receipt is not None:
        ordered = SurveillanceTask.objects.filter(certificate=certificate, kind="unannounced")
        return ordered.order_by("-id").first()  # type: ignore[return-value]
    if not can_order_surveillance(actor, certificate):
        raise PermissionRefused(
            field="actor",
            value=actor.label,
            expected_zh="不通知监督须由发证机构或所在地监管人员安排",
            expected_en="unannounced surveillance is ordered by the issuing body or the site's "
            "regulators",
        )
    if certificate.status not in IN_FORCE:
        raise TransitionRefused(
            field="status",
            value=certificate.status,
            expected_zh="有效或暂停的证书",
            expected_en="a valid or suspended certificate",
        )
    if not reason.strip():
        raise ValidationFailed(
            field="reason", value=reason, expected_zh="须填写原因", expected_en="a reason"
        )
    if due_on < timezone.localdate():
        raise ValidationFailed(
            field="due_on",
            value=due_on.isoformat(),
            expected_zh="不早于今天的日期",
            expected_en="a date no earlier than today",
        )
    task = SurveillanceTask.objects.create(
        certificate=certificate,
        kind="unannounced",
        due_on=due_on,
        ordered_by=actor.user,
        order_reason=reason.strip(),
    )
    label, _code = workflow().surveillance_kinds["unannounced"]
    notifications.certificate_step(
        certificate, f"安排{label.zh}", f"{label.en} ordered", actor, holder=False
    )
    return task


@transaction.atomic
def record_surveillance_result(
    actor: Actor,
    task: SurveillanceTask,
    *,
    outcome: str,
    note: str = "",
    idempotency_key: str | None = None,
) -> SurveillanceTask:
    """The body records a surveillance result; a pass is appended to the certificate's log."""
    certificate = task.certificate
    receipt = idempotency.claim(idempotency_key, "surveillance", actor, certificate=certificate)
    if receipt is not None:
        task.refresh_from_db()
        return task
    if not can_record_surveillance(actor, certificate):
        raise PermissionRefused(
            field="actor",
            value=actor.label,
            expected_zh="监督结果须由发证机构人员录入",
            expected_en="surveillance results are entered by the issuing body's staff",
        )
    outcomes = workflow().surveillance_outcomes
    if outcome not in outcomes:
        raise ValidationFailed(
            field="outcome",
            value=outcome,
            expected_zh="、".join(outcomes),
            expected_en=", ".join(outcomes),
        )
    if outcome == "failed" and not note.strip():
        raise ValidationFailed(
            field="note", value=note, expected_zh="须说明不通过的原因", expected_en="a reason"
        )
    updated = SurveillanceTask.objects.filter(pk=task.pk, state="scheduled").update(
        state=outcome, outcome_note=note, completed_by=actor.user, completed_at=timezone.now()
    )
    if not updated:
        task.refresh_from_db()
        raise TransitionRefused(
            field="state",
            value=task.state,
            expected_zh=f"监督任务已记录为「{task.state}」，不能再次记录",
            expected_en=f"the task is already recorded as {task.state}",
        )
    if outcome == "passed":
        _label, reason_code = workflow().surveillance_kinds[task.kind]
        record_surveillance_passed(actor, certificate, reason_code=reason_code, note=note)
    else:
        notifications.certificate_step(certificate, "监督不通过", "surveillance failed", actor)
        task.refresh_from_db()
        # The rules make a suspension due in the body's queue (data/lifecycle_rules.yaml).
        make_due_for_failed(task, timezone.localdate())
    task.refresh_from_db()
    return task
