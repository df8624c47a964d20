"""Changes to an issued certificate from the office pages: the certificate actions, made
idempotent per form submission and followed by notifications."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from greencert.certification import actions, codes, notifications
from greencert.certification.models import Certificate
from greencert.certification.workflow import idempotency
from greencert.core.actors import Actor
from greencert.core.errors import ValidationFailed

# office action -> (event type, whether it needs a deadline)
CERTIFICATE_ACTIONS = {
    "suspend": "suspended",
    "restore": "restored",
    "revoke": "revoked",
    "cancel": "cancelled",
    "change": "changed",
}


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
) -> Certificate:
    if action not in CERTIFICATE_ACTIONS:
        raise ValidationFailed(
            field="action",
            value=action,
            expected_zh="、".join(CERTIFICATE_ACTIONS),
            expected_en=", ".join(CERTIFICATE_ACTIONS),
        )
    receipt = idempotency.claim(idempotency_key, action, actor, certificate=certificate)
    if receipt is not None:
        certificate.refresh_from_db()
        return certificate
    if action == "suspend":
        if until is None:
            raise ValidationFailed(
                field="until",
                value="",
                expected_zh="须给出暂停期限",
                expected_en="a deadline for the suspension",
            )
        result = actions.suspend_certificate(
            actor, certificate, reason_code=reason_code, until=until, note=note
        )
    elif action == "restore":
        result = actions.restore_certificate(actor, certificate, reason_code=reason_code, note=note)
    elif action == "revoke":
        result = actions.revoke_certificate(actor, certificate, reason_code=reason_code, note=note)
    elif action == "cancel":
        result = actions.cancel_certificate(actor, certificate, reason_code=reason_code, note=note)
    else:
        result = actions.change_certificate(
            actor, certificate, reason_code=reason_code, changes=changes or {}
        )
    label = codes.event_label(CERTIFICATE_ACTIONS[action])
    notifications.certificate_step(result, label.zh, label.en, actor)
    return result
