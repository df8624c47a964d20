"""Changes to an issued certificate from the office pages: the certificate actions, made
idempotent per form submission and followed by notifications."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from greencert.certification import actions, lifecycle, notifications
from greencert.certification.lifecycle import EventType
from greencert.certification.models import Certificate
from greencert.certification.workflow import idempotency
from greencert.core.actors import Actor
from greencert.core.errors import ValidationFailed


@transaction.atomic
def apply_certificate_action(
    actor: Actor,
    certificate: Certificate,
    action: str,
    *,
    reason_code: str,
    note: str = "",
    until: dt.date | None = None,
    changes: dict[str, Any] | None = None,
    idempotency_key: str | None = None,
    order: str = "",
    due: str = "",
    inspection: dict[str, Any] | None = None,
) -> Certificate:
    office_actions = lifecycle.office_actions()
    if action not in office_actions:
        raise ValidationFailed(
            field="action",
            value=action,
            expected_zh="、".join(office_actions),
            expected_en=", ".join(office_actions),
        )
    event_type = office_actions[action].event_type
    receipt = idempotency.claim(idempotency_key, action, actor, certificate=certificate)
    if receipt is not None:
        certificate.refresh_from_db()
        return certificate
    if event_type == EventType.SUSPENDED:
        if until is None:
            raise ValidationFailed(
                field="until",
                value="",
                expected_zh="须给出暂停期限",
                expected_en="a deadline for the suspension",
            )
        result = actions.suspend_certificate(
            actor,
            certificate,
            reason_code=reason_code,
            until=until,
            note=note,
            order=order,
            due=due,
        )
    elif event_type == EventType.RESTORED:
        result = actions.restore_certificate(actor, certificate, reason_code=reason_code, note=note)
    elif event_type == EventType.REVOKED:
        result = actions.revoke_certificate(
            actor, certificate, reason_code=reason_code, note=note, order=order, due=due
        )
    elif event_type == EventType.RECTIFIED:
        result = actions.record_rectification(actor, certificate, order=order, note=note)
    elif event_type == EventType.CANCELLED:
        result = actions.cancel_certificate(actor, certificate, reason_code=reason_code, note=note)
    else:
        result = actions.change_certificate(
            actor,
            certificate,
            reason_code=reason_code,
            changes=changes or {},
            inspection=inspection,
        )
    label = office_actions[action].label
    notifications.certificate_step(result, label.zh, label.en, actor)
    return result
