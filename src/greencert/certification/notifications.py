"""Emails to the parties at each step of the workflow, queued only once the step has committed.

The worker sends them (``certification.tasks.send_notification``), retrying while the mail server
is down, so a step never waits for or fails on the mail server.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from greencert.certification.models import Application, Certificate
from greencert.certification.tasks import send_notification
from greencert.core.actors import Actor
from greencert.parties.models import Role


def _addresses(query: dict[str, object], actor: Actor) -> list[str]:
    users = get_user_model().objects.filter(
        **{f"greencert_roles__{key}": value for key, value in query.items()}
    )
    if actor.user is not None:
        users = users.exclude(pk=actor.user.pk)
    return sorted({u.email for u in users if u.email})


def application_parties(application: Application, actor: Actor) -> list[str]:
    """Enterprise users, the body's staff and staff of laboratories holding its samples."""
    lab_ids = list(application.samples.values_list("laboratory_id", flat=True))
    addresses = set(
        _addresses({"role": Role.ENTERPRISE, "enterprise": application.enterprise_id}, actor)
    )
    addresses |= set(_addresses({"role": Role.BODY_STAFF, "body": application.body_id}, actor))
    if lab_ids:
        addresses |= set(_addresses({"role": Role.LAB_STAFF, "laboratory__in": lab_ids}, actor))
    return sorted(addresses)


def _send_later(subject: str, body: str, recipients: Iterable[str]) -> None:
    to = list(recipients)
    if not to:
        return
    # robust: a queue that cannot be reached is logged and never undoes or breaks the step.
    transaction.on_commit(partial(send_notification, subject, body, to), robust=True)


def application_step(application: Application, step_zh: str, step_en: str, actor: Actor) -> None:
    subject = f"[greencert] {application.reference} {step_zh} / {step_en}"
    body = (
        f"申请 {application.reference}（{application.category.name_zh} · "
        f"{application.certification_unit}）：{step_zh}。\n"
        f"Application {application.reference} ({application.category.name_en} · "
        f"{application.certification_unit}): {step_en}.\n\n"
        f"{settings.GREENCERT_PUBLIC_URL}/office/applications/{application.reference}/\n"
    )
    _send_later(subject, body, application_parties(application, actor))


def certificate_step(
    certificate: Certificate, step_zh: str, step_en: str, actor: Actor, *, holder: bool = True
) -> None:
    """The holder's users (unless the step must stay unannounced) and the issuing body's staff."""
    recipients = set(_addresses({"role": Role.BODY_STAFF, "body": certificate.body_id}, actor))
    if holder:
        recipients |= set(
            _addresses({"role": Role.ENTERPRISE, "enterprise": certificate.holder_id}, actor)
        )
    subject = f"[greencert] {certificate.number} {step_zh} / {step_en}"
    body = (
        f"证书 {certificate.number}：{step_zh}。\nCertificate {certificate.number}: {step_en}.\n\n"
        f"{settings.GREENCERT_PUBLIC_URL}/office/certificates/{certificate.number}/\n"
    )
    _send_later(subject, body, sorted(recipients))


def upstream_status(
    downstream: Certificate, upstream_number: str, status_zh: str, status_en: str
) -> None:
    """产业链: an upstream certificate ``downstream`` cites has left force. Its holder's users and
    its body's staff are told; the downstream certificate itself is unchanged."""
    nobody = Actor()
    recipients = set(_addresses({"role": Role.BODY_STAFF, "body": downstream.body_id}, nobody))
    recipients |= set(
        _addresses({"role": Role.ENTERPRISE, "enterprise": downstream.holder_id}, nobody)
    )
    subject = (
        f"[greencert] {downstream.number} 上游证书{status_zh} / upstream certificate {status_en}"
    )
    body = (
        f"证书 {downstream.number} 引用的上游证书 {upstream_number} 已{status_zh}。"
        f"请核实所用原材料或零部件；本证书状态未因此改变。\n"
        f"Upstream certificate {upstream_number}, cited by certificate {downstream.number}, "
        f"is {status_en}. Please check the materials or components used; this certificate's "
        f"status has not changed.\n\n"
        f"{settings.GREENCERT_PUBLIC_URL}/verify/{downstream.number}\n"
    )
    _send_later(subject, body, sorted(recipients))
