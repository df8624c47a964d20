"""The workflow's rules beyond the state machine: evaluation, issue into the event log, retries,
races, documents, time limits, notifications, surveillance and renewal."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from greencert.catalog.models import Category
from greencert.certification.actions import issue_certificate
from greencert.certification.models import (
    ActionReceipt,
    Application,
    Certificate,
    CertificateEvent,
    SurveillanceTask,
)
from greencert.certification.workflow import actions, deadlines, surveillance
from greencert.certification.workflow.certificates import apply_certificate_action
from greencert.certification.workflow.testing import (
    PDF,
    Cast,
    advance,
    passing_values,
    pdf,
    required_documents,
    step,
    submit,
)
from greencert.core.actors import Actor
from greencert.core.errors import PermissionRefused, TransitionRefused, ValidationFailed
from greencert.core.tests.fixtures import COATINGS_UNIT
from greencert.regions.models import Region


def test_issue_records_scheme_version_and_fingerprint_in_the_event_log(
    application_in: Callable[[str], Application],
) -> None:
    application = application_in("certified")
    certificate = application.certificate
    assert certificate is not None
    assert (certificate.scheme_id, certificate.scheme_version) == ("cgp-coatings", "2017")
    assert certificate.evaluation_fingerprint == application.evaluation_fingerprint
    assert certificate.evaluation_fingerprint.startswith("sha256:")
    issued = CertificateEvent.objects.get(certificate=certificate)
    assert issued.event_type == "issued" and issued.reason_code == "I01"
    assert issued.payload["evaluation_fingerprint"] == application.evaluation_fingerprint
    assert application.evaluation_result["verdict"] == "pass"


def test_issue_schedules_a_surveillance_task_for_each_year_of_validity(
    application_in: Callable[[str], Application],
) -> None:
    certificate = application_in("certified").certificate
    assert certificate is not None
    tasks = list(SurveillanceTask.objects.filter(certificate=certificate))
    assert [t.kind for t in tasks] == ["annual"] * 4
    assert tasks[0].due_on == certificate.issue_date.replace(year=certificate.issue_date.year + 1)


def test_a_failing_value_is_evaluated_as_fail_and_cannot_be_approved(
    application_in: Callable[[str], Application], cast: Cast
) -> None:
    application = application_in("sampled")
    values = passing_values(application)
    values["voc_content_exterior"] = "999"
    actions.enter_test_report(
        cast.tester,
        application,
        report_number="BG-F",
        issued_on=timezone.localdate(),
        values=values,
    )
    application = actions.evaluate_application(cast.reviewer, application)
    assert application.evaluation_verdict == "fail"
    with pytest.raises(ValidationFailed) as refused:
        actions.decide_application(cast.decider, application, approve=True)
    assert refused.value.field == "decision"
    application = actions.decide_application(
        cast.decider, application, approve=False, note="VOC 超标"
    )
    assert application.state == "rejected"


def test_an_incomplete_test_report_is_refused_at_evaluation_without_trace(
    application_in: Callable[[str], Application], cast: Cast
) -> None:
    application = application_in("sampled")
    actions.enter_test_report(
        cast.tester, application, report_number="BG-I", issued_on=timezone.localdate(), values={}
    )
    with pytest.raises(ValidationFailed) as refused:
        actions.evaluate_application(cast.reviewer, application)
    assert refused.value.code == "incomplete"
    application.refresh_from_db()
    assert application.state == "tested" and not application.evaluation_fingerprint


def test_a_test_value_that_does_not_read_is_refused_naming_the_value(
    application_in: Callable[[str], Application], cast: Cast
) -> None:
    application = application_in("sampled")
    values = passing_values(application) | {"voc_content": "eighty"}
    with pytest.raises(ValidationFailed) as refused:
        actions.enter_test_report(
            cast.tester,
            application,
            report_number="B",
            issued_on=timezone.localdate(),
            values=values,
        )
    assert refused.value.field == "value_voc_content"
    assert refused.value.value == "eighty"


def test_a_conditional_inspection_passes_only_once_every_nonconformity_is_closed(
    application_in: Callable[[str], Application], cast: Cast
) -> None:
    application = application_in("corrective_actions")
    with pytest.raises(ValidationFailed) as refused:
        actions.verify_corrective_actions(cast.reviewer, application)
    assert refused.value.field == "nonconformities"
    assert step(cast, application, "corrective_actions_verified").state == "inspected"


@pytest.mark.parametrize("name", ["return", "withdraw"])
def test_a_return_or_withdrawal_without_a_reason_is_refused(
    application_in: Callable[[str], Application], cast: Cast, name: str
) -> None:
    application = application_in("submitted")
    fn = actions.return_application if name == "return" else actions.withdraw_application
    actor = cast.reviewer if name == "return" else cast.applicant
    with pytest.raises(ValidationFailed) as refused:
        fn(actor, application, note="  ")
    assert refused.value.field == "reason"


def test_a_retried_request_is_applied_once(
    application_in: Callable[[str], Application], cast: Cast
) -> None:
    application = application_in("submitted")
    first = actions.accept_application(cast.reviewer, application, idempotency_key="form-1")
    again = actions.accept_application(cast.reviewer, application, idempotency_key="form-1")
    assert first.state == again.state == "accepted"
    assert getattr(again, "replayed", False)
    assert application.steps.filter(transition="accept").count() == 1
    assert ActionReceipt.objects.filter(key="form-1").count() == 1


def test_a_retried_submission_creates_one_application(cast: Cast, coatings: Category) -> None:
    first = submit(cast, coatings, unit=COATINGS_UNIT, key="apply-1")
    again = submit(cast, coatings, unit=COATINGS_UNIT, key="apply-1")
    assert first.pk == again.pk
    assert Application.objects.count() == 1


def test_a_key_reused_for_another_action_is_refused(
    application_in: Callable[[str], Application], cast: Cast
) -> None:
    application = application_in("submitted")
    actions.accept_application(cast.reviewer, application, idempotency_key="form-2")
    with pytest.raises(ValidationFailed) as refused:
        actions.return_application(cast.reviewer, application, note="x", idempotency_key="form-2")
    assert refused.value.field == "idempotency_key"


def test_a_refused_action_leaves_no_receipt_so_it_can_be_retried(
    application_in: Callable[[str], Application], cast: Cast
) -> None:
    application = application_in("submitted")
    with pytest.raises(ValidationFailed):
        actions.return_application(cast.reviewer, application, note="", idempotency_key="k3")
    assert not ActionReceipt.objects.filter(key="k3").exists()
    actions.return_application(cast.reviewer, application, note="缺资料", idempotency_key="k3")


def test_of_two_people_acting_on_the_same_state_only_one_wins(
    application_in: Callable[[str], Application], cast: Cast
) -> None:
    application = application_in("submitted")
    seen_by_decider = Application.objects.get(pk=application.pk)
    actions.accept_application(cast.reviewer, application)
    with pytest.raises(TransitionRefused) as refused:
        actions.return_application(cast.decider, seen_by_decider, note="资料不全")
    assert refused.value.extra["current_state"] == "accepted"
    assert application.steps.count() == 2


def test_two_decisions_cannot_both_issue_a_certificate(
    application_in: Callable[[str], Application], cast: Cast
) -> None:
    application = application_in("approved")
    stale = Application.objects.get(pk=application.pk)
    actions.issue_application_certificate(cast.decider, application)
    with pytest.raises(TransitionRefused):
        actions.issue_application_certificate(cast.reviewer, stale)
    assert Certificate.objects.count() == 1


def test_documents_are_stored_with_their_sha256(
    application_in: Callable[[str], Application],
) -> None:
    document = application_in("submitted").documents.get(kind="self_evaluation")
    assert document.sha256 == hashlib.sha256(PDF).hexdigest()
    assert document.size == len(PDF)
    assert document.file.name.endswith(f"{document.sha256}.pdf")


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("setup.exe", b"MZ", "pdf"),
        ("empty.pdf", b"", "MB"),
        ("licence.pdf", b"%PDF-1.4 " + b"0" * 36, "1024 bytes"),
        ("big.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024), "10 MB"),
    ],
)
def test_documents_of_the_wrong_type_or_size_are_refused(
    application_in: Callable[[str], Application],
    cast: Cast,
    name: str,
    content: bytes,
    expected: str,
) -> None:
    application = application_in("submitted")
    before = application.documents.count()
    with pytest.raises(ValidationFailed) as refused:
        actions.add_document(
            cast.applicant, application, "other", SimpleUploadedFile(name, content)
        )
    assert expected in refused.value.message_en
    assert application.documents.count() == before


def test_parties_are_emailed_after_each_step_commits(
    application_in: Callable[[str], Application],
    cast: Cast,
    django_capture_on_commit_callbacks: Any,
) -> None:
    application = application_in("submitted")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        actions.accept_application(cast.reviewer, application)
    assert mail.outbox == []  # nothing is sent before the commit
    for callback in callbacks:
        callback()
    recipients = {to for message in mail.outbox for to in message.to}
    assert "applicant@example.test" in recipients
    assert "reviewer@example.test" not in recipients  # the actor is not told what they did
    assert application.reference in mail.outbox[0].subject


def test_an_approved_application_is_overdue_after_five_working_days(
    application_in: Callable[[str], Application],
) -> None:
    application = application_in("approved")
    approved_on = timezone.localdate()
    limit = next(
        d for d in deadlines.deadlines(application) if d.limit.name == "issue_after_approval"
    )
    assert limit.due == deadlines.add_working_days(approved_on, 5)
    assert not limit.overdue
    with time_machine.travel(limit.due + dt.timedelta(days=1)):
        assert [d.limit.name for d in deadlines.overdue(application)] == ["issue_after_approval"]


def test_working_days_skip_weekends() -> None:
    friday = dt.date(2026, 11, 20)
    assert deadlines.add_working_days(friday, 1) == dt.date(2026, 11, 23)
    assert deadlines.add_working_days(friday, 5) == dt.date(2026, 11, 27)


def test_a_regulator_orders_unannounced_surveillance_without_telling_the_holder(
    application_in: Callable[[str], Application],
    outsiders: dict[str, Actor],
    django_capture_on_commit_callbacks: Any,
) -> None:
    certificate = application_in("certified").certificate
    assert certificate is not None
    with django_capture_on_commit_callbacks(execute=True):
        task = surveillance.order_unannounced_surveillance(
            outsiders["regulator_zhejiang"],
            certificate,
            reason="投诉：VOC 超标",
            due_on=timezone.localdate() + dt.timedelta(days=7),
        )
    assert task.kind == "unannounced"
    recipients = {to for message in mail.outbox for to in message.to}
    assert "applicant@example.test" not in recipients
    assert "reviewer@example.test" in recipients


@pytest.mark.parametrize("person", ["regulator_jiangsu", "other_body_staff", "other_enterprise"])
def test_unannounced_surveillance_outside_ones_scope_is_refused(
    application_in: Callable[[str], Application], outsiders: dict[str, Actor], person: str
) -> None:
    certificate = application_in("certified").certificate
    assert certificate is not None
    with pytest.raises(PermissionRefused):
        surveillance.order_unannounced_surveillance(
            outsiders[person], certificate, reason="x", due_on=timezone.localdate()
        )


def test_a_passed_surveillance_is_appended_to_the_event_log(
    application_in: Callable[[str], Application], cast: Cast
) -> None:
    certificate = application_in("certified").certificate
    assert certificate is not None
    task = SurveillanceTask.objects.filter(certificate=certificate).first()
    assert task is not None
    surveillance.record_surveillance_result(cast.reviewer, task, outcome="passed")
    last = CertificateEvent.objects.filter(certificate=certificate).order_by("-sequence").first()
    assert last is not None and (last.event_type, last.reason_code) == (
        "surveillance_passed",
        "V01",
    )
    with pytest.raises(TransitionRefused):
        surveillance.record_surveillance_result(cast.reviewer, task, outcome="passed")


def test_a_surveillance_result_by_a_regulator_is_refused(
    application_in: Callable[[str], Application], outsiders: dict[str, Actor]
) -> None:
    certificate = application_in("certified").certificate
    task = SurveillanceTask.objects.filter(certificate=certificate).first()
    assert task is not None
    with pytest.raises(PermissionRefused):
        surveillance.record_surveillance_result(
            outsiders["regulator_zhejiang"], task, outcome="passed"
        )


def test_a_status_change_without_a_reason_is_refused(
    application_in: Callable[[str], Application], cast: Cast
) -> None:
    certificate = application_in("certified").certificate
    assert certificate is not None
    with pytest.raises(ValidationFailed) as refused:
        apply_certificate_action(
            cast.reviewer,
            certificate,
            "suspend",
            reason_code="",
            until=timezone.localdate() + dt.timedelta(days=30),
        )
    assert refused.value.field == "reason_code"


def test_a_suspension_is_applied_once_per_form(
    application_in: Callable[[str], Application], cast: Cast
) -> None:
    certificate = application_in("certified").certificate
    assert certificate is not None
    until = timezone.localdate() + dt.timedelta(days=30)
    for _attempt in range(2):
        apply_certificate_action(
            cast.reviewer, certificate, "suspend", reason_code="S03", until=until,
            idempotency_key="susp-1",
        )  # fmt: skip
    events = CertificateEvent.objects.filter(certificate=certificate, event_type="suspended")
    assert events.count() == 1


def test_a_change_keeps_the_certificate_number(
    application_in: Callable[[str], Application], cast: Cast
) -> None:
    certificate = application_in("certified").certificate
    assert certificate is not None
    number = certificate.number
    changed = apply_certificate_action(
        cast.reviewer, certificate, "change", reason_code="M03",
        changes={"production_site": "湖州市南浔区绿色路 2 号"},
        inspection={"inspected_on": "2026-01-05", "report_number": "JC-1", "inspectors": "王检"},
    )  # fmt: skip
    assert changed.number == number and changed.production_site.startswith("湖州市南浔区")


def _old_certificate(cast: Cast, coatings: Category, days_left: int) -> Certificate:
    issue_date = timezone.localdate() - dt.timedelta(days=5 * 365 - days_left)
    return issue_certificate(
        cast.reviewer,
        holder=cast.enterprise,
        body=cast.body,
        category=coatings,
        certification_unit=COATINGS_UNIT,
        site_region=Region.objects.get(code="330500"),
        products=[{"name": COATINGS_UNIT, "models": ["LH-200"]}],
        production_site="湖州",
        issue_date=issue_date,
    )


def test_renewal_before_the_window_opens_is_refused(cast: Cast, coatings: Category) -> None:
    old = _old_certificate(cast, coatings, days_left=200)
    with pytest.raises(ValidationFailed) as refused:
        actions.submit_application(
            cast.applicant, enterprise=cast.enterprise, body=cast.body, category=coatings,
            certification_unit=COATINGS_UNIT, site_region=old.site_region,
            products=old.products, production_site="湖州", renewal_of=old,
            documents=[("self_evaluation", pdf())],
        )  # fmt: skip
    assert refused.value.field == "renewal_of"


@pytest.fixture
def renewal(cast: Cast, coatings: Category) -> tuple[Certificate, Certificate]:
    """A certificate 30 days from expiry, and the certificate its renewal issued."""
    old = _old_certificate(cast, coatings, days_left=30)
    application = actions.submit_application(
        cast.applicant, enterprise=cast.enterprise, body=cast.body, category=coatings,
        certification_unit=COATINGS_UNIT, site_region=old.site_region,
        products=old.products, production_site="湖州", renewal_of=old,
        documents=required_documents(coatings),
    )  # fmt: skip
    new = advance(cast, application, "certified").certificate
    assert new is not None
    return old, new


def test_renewal_within_the_window_links_the_new_certificate_to_the_old(
    renewal: tuple[Certificate, Certificate],
) -> None:
    old, new = renewal
    assert new.renewed_from == old
    assert new.initial_issue_date == old.initial_issue_date
    issued = CertificateEvent.objects.get(certificate=new)
    assert issued.reason_code == "I02" and issued.payload["renewed_from"] == old.number


def test_renewal_records_on_the_old_certificate_which_certificate_succeeds_it(
    renewal: tuple[Certificate, Certificate],
) -> None:
    old, new = renewal
    renewed = CertificateEvent.objects.filter(certificate=old).order_by("sequence").last()
    assert renewed is not None
    assert (renewed.event_type, renewed.reason_code) == ("renewed", "N01")
    assert renewed.payload == {"successor": new.number}
    # The old certificate stays valid until its own expiry; the new one's issue comes first.
    assert (renewed.status_before, renewed.status_after) == ("01", "01")
    assert renewed.sequence == CertificateEvent.objects.get(certificate=new).sequence + 1


def test_man_days_must_be_positive(
    application_in: Callable[[str], Application], cast: Cast
) -> None:
    application = application_in("accepted")
    with pytest.raises(ValidationFailed) as refused:
        actions.record_inspection(
            cast.reviewer, application, outcome="pass", inspected_on=timezone.localdate(),
            inspectors="张工", man_days=Decimal("0"),
        )  # fmt: skip
    assert refused.value.field == "man_days"
