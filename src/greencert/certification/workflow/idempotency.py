"""Idempotency keys: each form carries a key; a retried submission finds its receipt and stops.

The key is claimed inside the action's transaction, so a failed action leaves no receipt and may
be retried. Two concurrent requests with the same key meet at the unique constraint: the second
waits for the first to commit, then sees its receipt.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction

from greencert.certification.models import ActionReceipt, Application, Certificate
from greencert.core.actors import Actor
from greencert.core.errors import ValidationFailed


def claim(
    key: str | None,
    action: str,
    actor: Actor,
    *,
    application: Application | None = None,
    certificate: Certificate | None = None,
) -> ActionReceipt | None:
    """Record the key for this action; return the earlier receipt if it was already used."""
    if not key:
        return None
    if len(key) > 64:
        raise ValidationFailed(
            field="idempotency_key",
            value=key[:70],
            expected_zh="不超过 64 个字符的幂等键",
            expected_en="an idempotency key of at most 64 characters",
        )
    earlier = ActionReceipt.objects.filter(key=key).first()
    if earlier is None:
        try:
            with transaction.atomic():
                ActionReceipt.objects.create(
                    key=key,
                    action=action,
                    actor_label=actor.label,
                    application=application,
                    certificate=certificate,
                )
            return None
        except IntegrityError:
            earlier = ActionReceipt.objects.get(key=key)
    same_target = (application is None or earlier.application_id == application.pk) and (
        certificate is None or earlier.certificate_id == certificate.pk
    )
    if earlier.action != action or earlier.actor_label != actor.label or not same_target:
        raise ValidationFailed(
            field="idempotency_key",
            value=key,
            expected_zh="该幂等键已用于另一操作；请刷新页面后重新提交",
            expected_en="this key was used for another action; reload the page and submit again",
        )
    return earlier


def attach(
    key: str | None,
    *,
    application: Application | None = None,
    certificate: Certificate | None = None,
) -> None:
    """Point the receipt at what the action created (an application, a certificate)."""
    if not key:
        return
    updates: dict[str, object] = {}
    if application is not None:
        updates["application"] = application
    if certificate is not None:
        updates["certificate"] = certificate
    ActionReceipt.objects.filter(key=key).update(**updates)
