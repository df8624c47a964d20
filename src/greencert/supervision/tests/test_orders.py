"""Regulators' orders (责令): made by a regulator of the certificate's region, carried out by the
issuing body's own action citing them, withdrawn, or overdue after their deadline."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.core import mail
from django.utils import timezone

from greencert.certification.actions import (
    record_rectification,
    restore_certificate,
    revoke_certificate,
    suspend_certificate,
)
from greencert.certification.models import Certificate
from greencert.core.actors import Actor
from greencert.core.errors import PermissionRefused, TransitionRefused, ValidationFailed
from greencert.core.tests.fixtures import events_of, in_days, region
from greencert.parties.models import Role
from greencert.supervision.credit import explain_grade, rebuild_credit_from_events
from greencert.supervision.models import CreditRecord, RegulatoryOrder
from greencert.supervision.orders import (
    issue_order,
    legal_bases,
    mark_overdue_orders,
    withdraw_order,
)


@pytest.fixture
def order_suspension(
    issued_certificate: Certificate, zhejiang_regulator: Actor
) -> Callable[..., RegulatoryOrder]:
    def make(**overrides: object) -> RegulatoryOrder:
        kwargs: dict[str, object] = {
            "kind": "suspend",
            "reason": "双随机抽查 VOC 含量不合格",
            "basis_code": "CCM-2015-A10",
            "deadline": in_days(10),
        }
        kwargs.update(overrides)
        return issue_order(zhejiang_regulator, issued_certificate, **kwargs)  # type: ignore[arg-type]

    return make


def test_an_order_is_numbered_and_recorded_as_an_event_that_keeps_the_status(
    order_suspension, issued_certificate
):
    order = order_suspension()
    issued_certificate.refresh_from_db()
    year = timezone.localdate().year
    assert order.number == f"ZL33{year}00001"
    assert (order.state, order.region_id, order.body_id) == (
        "open",
        "330000",
        issued_certificate.body_id,
    )
    assert order.basis["confirmed"] is False
    event = events_of(issued_certificate)[-1]
    assert (event.event_type, event.reason_code, event.status_before, event.status_after) == (
        "ordered",
        "O01",
        "01",
        "01",
    )
    assert event.payload["order"] == order.number
    assert event.payload["deadline"] == in_days(10).isoformat()
    assert order.ordered_sequence == event.sequence
    assert issued_certificate.status == "01"


def test_orders_are_numbered_without_gaps_per_province(order_suspension):
    first = order_suspension()
    second = order_suspension(kind="rectify", basis_code="CBM-2017-RECTIFY")
    assert int(second.number[-5:]) == int(first.number[-5:]) + 1


def test_the_body_staff_are_told_when_an_order_arrives(
    order_suspension, body_staff, django_capture_on_commit_callbacks
):
    body_staff.user.email = "staff@body.example"
    body_staff.user.save()
    with django_capture_on_commit_callbacks(execute=True):
        order = order_suspension()
    assert any(order.number in m.subject and "staff@body.example" in m.to for m in mail.outbox)


def test_a_regulator_of_another_region_may_not_order(issued_certificate, shanghai_regulator):
    with pytest.raises(PermissionRefused):
        issue_order(
            shanghai_regulator,
            issued_certificate,
            kind="suspend",
            reason="x",
            basis_code="CCM-2015-A10",
            deadline=in_days(5),
        )
    assert not RegulatoryOrder.objects.exists()


@pytest.mark.parametrize("who", ["body_staff", "alliance_admin", "enterprise_user", "plain_user"])
def test_only_a_regulator_orders(issued_certificate, who, request):
    actor = request.getfixturevalue(who)
    with pytest.raises(PermissionRefused):
        issue_order(
            actor,
            issued_certificate,
            kind="suspend",
            reason="x",
            basis_code="CCM-2015-A10",
            deadline=in_days(5),
        )
    assert len(events_of(issued_certificate)) == 1


def test_a_city_regulator_orders_for_the_certificates_of_the_city(issued_certificate, make_actor):
    huzhou = make_actor("hz", Role.REGULATOR, region=region("330500"))
    order = issue_order(
        huzhou,
        issued_certificate,
        kind="rectify",
        reason="标志使用不规范",
        basis_code="GPM-2019-MARK",
        deadline=in_days(30),
    )
    assert order.region_id == "330500"


@pytest.mark.parametrize("days", [0, -1])
def test_a_deadline_of_today_or_in_the_past_is_refused(order_suspension, issued_certificate, days):
    with pytest.raises(ValidationFailed) as refused:
        order_suspension(deadline=in_days(days))
    assert refused.value.field == "deadline"
    assert len(events_of(issued_certificate)) == 1


def test_a_legal_basis_that_does_not_support_the_kind_is_refused(order_suspension):
    with pytest.raises(ValidationFailed) as refused:
        order_suspension(basis_code="CCM-2015-A11")
    assert refused.value.field == "basis_code"
    assert "CCM-2015-A10" in refused.value.message_en


def test_an_order_without_facts_is_refused(order_suspension):
    with pytest.raises(ValidationFailed) as refused:
        order_suspension(reason="  ")
    assert refused.value.field == "reason"


def test_an_unknown_kind_is_refused(order_suspension):
    with pytest.raises(ValidationFailed) as refused:
        order_suspension(kind="fine")
    assert refused.value.field == "kind"


def test_a_second_pending_order_of_the_same_kind_is_refused(order_suspension):
    first = order_suspension()
    with pytest.raises(TransitionRefused) as refused:
        order_suspension()
    assert first.number in refused.value.message_en
    assert RegulatoryOrder.objects.count() == 1


def test_a_suspension_is_not_ordered_for_a_suspended_certificate(
    certificate_in_status, zhejiang_regulator
):
    suspended = certificate_in_status("02")
    with pytest.raises(TransitionRefused):
        issue_order(
            zhejiang_regulator,
            suspended,
            kind="suspend",
            reason="x",
            basis_code="CCM-2015-A10",
            deadline=in_days(5),
        )
    order = issue_order(
        zhejiang_regulator,
        suspended,
        kind="revoke",
        reason="暂停期满未整改",
        basis_code="CCM-2015-A11",
        deadline=in_days(5),
    )
    assert order.state == "open"


def test_a_regulator_may_no_longer_suspend_directly(issued_certificate, zhejiang_regulator):
    with pytest.raises(PermissionRefused):
        suspend_certificate(
            zhejiang_regulator, issued_certificate, reason_code="S08", until=in_days(9)
        )


def test_the_body_carries_out_a_suspension_order_citing_it(
    order_suspension, issued_certificate, body_staff
):
    order = order_suspension()
    suspend_certificate(
        body_staff, issued_certificate, reason_code="S08", until=in_days(60), order=order.number
    )
    order.refresh_from_db()
    event = events_of(issued_certificate)[-1]
    assert (event.event_type, event.status_after, event.payload["order"]) == (
        "suspended",
        "02",
        order.number,
    )
    assert (order.state, order.carried_out_sequence) == ("carried_out", event.sequence)
    assert not order.carried_out_late


def test_an_order_reference_is_read_whatever_its_case_and_spaces(
    order_suspension, issued_certificate, body_staff
):
    order = order_suspension()
    suspend_certificate(
        body_staff,
        issued_certificate,
        reason_code="S08",
        until=in_days(60),
        order=f" {order.number.lower()} ",
    )
    order.refresh_from_db()
    assert order.state == "carried_out"


def test_an_order_is_not_carried_out_twice(order_suspension, issued_certificate, body_staff):
    order = order_suspension()
    suspend_certificate(
        body_staff, issued_certificate, reason_code="S08", until=in_days(60), order=order.number
    )
    restore_certificate(body_staff, issued_certificate, reason_code="T01")
    before = len(events_of(issued_certificate))
    with pytest.raises(TransitionRefused) as refused:
        suspend_certificate(
            body_staff, issued_certificate, reason_code="S08", until=in_days(60), order=order.number
        )
    assert refused.value.field == "order"
    issued_certificate.refresh_from_db()
    assert issued_certificate.status == "01"
    assert len(events_of(issued_certificate)) == before


def test_a_withdrawn_order_cannot_be_carried_out(
    order_suspension, issued_certificate, body_staff, zhejiang_regulator
):
    order = order_suspension()
    withdraw_order(zhejiang_regulator, order, reason="复查后证据不足")
    with pytest.raises(TransitionRefused):
        suspend_certificate(
            body_staff, issued_certificate, reason_code="S08", until=in_days(60), order=order.number
        )
    issued_certificate.refresh_from_db()
    assert issued_certificate.status == "01"


def test_an_order_is_carried_out_only_by_the_action_it_asks_for(
    order_suspension, issued_certificate, body_staff
):
    order = order_suspension()
    with pytest.raises(ValidationFailed) as refused:
        revoke_certificate(body_staff, issued_certificate, reason_code="R03", order=order.number)
    assert refused.value.code == "order_kind_mismatch"
    issued_certificate.refresh_from_db()
    assert issued_certificate.status == "01"


def test_an_order_about_another_certificate_is_refused(order_suspension, issue, body_staff):
    order = order_suspension()
    other = issue()
    with pytest.raises(ValidationFailed) as refused:
        suspend_certificate(
            body_staff, other, reason_code="S08", until=in_days(60), order=order.number
        )
    assert refused.value.code == "unknown_order"


def test_another_body_cannot_cite_the_order(order_suspension, issued_certificate, other_body_staff):
    order = order_suspension()
    with pytest.raises(PermissionRefused):
        suspend_certificate(
            other_body_staff,
            issued_certificate,
            reason_code="S08",
            until=in_days(60),
            order=order.number,
        )
    order.refresh_from_db()
    assert order.state == "open"


def test_the_body_carries_out_a_revocation_order(
    issued_certificate, zhejiang_regulator, body_staff
):
    order = issue_order(
        zhejiang_regulator,
        issued_certificate,
        kind="revoke",
        reason="伪造检验报告",
        basis_code="CCM-2015-A11",
        deadline=in_days(15),
    )
    revoke_certificate(body_staff, issued_certificate, reason_code="R05", order=order.number)
    order.refresh_from_db()
    assert order.state == "carried_out"
    assert events_of(issued_certificate)[-1].payload["order"] == order.number


def test_the_body_notes_a_rectification_as_ordered(
    issued_certificate, zhejiang_regulator, body_staff
):
    order = issue_order(
        zhejiang_regulator,
        issued_certificate,
        kind="rectify",
        reason="标志使用不规范",
        basis_code="GPM-2019-MARK",
        deadline=in_days(20),
    )
    record_rectification(body_staff, issued_certificate, order=order.number, note="已更换标志")
    order.refresh_from_db()
    event = events_of(issued_certificate)[-1]
    assert (event.event_type, event.reason_code, event.status_after) == ("rectified", "O31", "01")
    assert event.payload == {"note": "已更换标志", "order": order.number}
    assert order.state == "carried_out"


def test_a_rectification_needs_an_order_and_a_note(issued_certificate, body_staff):
    with pytest.raises(ValidationFailed) as refused:
        record_rectification(body_staff, issued_certificate, order="", note="x")
    assert refused.value.field == "order"
    with pytest.raises(ValidationFailed) as refused:
        record_rectification(body_staff, issued_certificate, order="ZL33202600001", note=" ")
    assert refused.value.field == "note"


def test_a_regulator_withdraws_an_open_order_with_an_event(
    order_suspension, issued_certificate, zhejiang_regulator
):
    order = order_suspension()
    withdraw_order(zhejiang_regulator, order, reason="复查后证据不足")
    event = events_of(issued_certificate)[-1]
    assert (event.event_type, event.reason_code, event.payload["order"]) == (
        "order_withdrawn",
        "O11",
        order.number,
    )
    assert (order.state, order.withdrawn_sequence) == ("withdrawn", event.sequence)


def test_a_carried_out_order_cannot_be_withdrawn(
    order_suspension, issued_certificate, body_staff, zhejiang_regulator
):
    order = order_suspension()
    suspend_certificate(
        body_staff, issued_certificate, reason_code="S08", until=in_days(60), order=order.number
    )
    with pytest.raises(TransitionRefused):
        withdraw_order(zhejiang_regulator, order, reason="x")


def test_a_withdrawal_needs_a_reason_and_a_regulator_of_the_ordering_region(
    order_suspension, shanghai_regulator, zhejiang_regulator, make_actor
):
    order = order_suspension()
    with pytest.raises(PermissionRefused):
        withdraw_order(shanghai_regulator, order, reason="x")
    huzhou = make_actor("hz", Role.REGULATOR, region=region("330500"))
    with pytest.raises(PermissionRefused):
        withdraw_order(huzhou, order, reason="x")  # ordered by the province
    with pytest.raises(ValidationFailed):
        withdraw_order(zhejiang_regulator, order, reason="")
    order.refresh_from_db()
    assert order.state == "open"


def test_an_order_past_its_deadline_becomes_overdue_once_and_enters_the_body_credit(
    order_suspension, issued_certificate
):
    order = order_suspension(deadline=in_days(3))
    assert mark_overdue_orders(in_days(3)) == 0  # the deadline day is still in time
    assert mark_overdue_orders(in_days(4)) == 1
    assert mark_overdue_orders(in_days(5)) == 0
    order.refresh_from_db()
    event = events_of(issued_certificate)[-1]
    assert (event.event_type, event.reason_code, event.actor_label) == (
        "order_overdue",
        "O21",
        "system:orders",
    )
    assert (order.state, order.overdue_sequence) == ("overdue", event.sequence)
    record = CreditRecord.objects.get(body=issued_certificate.body, source="order_overdue")
    assert record.event_sequence == event.sequence
    grade = explain_grade(body=issued_certificate.body)
    assert grade["score"] == 90
    assert [r["source"] for r in grade["records"]] == ["order_overdue"]


def test_an_overdue_order_may_still_be_carried_out_late(
    order_suspension, issued_certificate, body_staff
):
    order = order_suspension(deadline=in_days(1))
    mark_overdue_orders(in_days(2))
    suspend_certificate(
        body_staff, issued_certificate, reason_code="S08", until=in_days(60), order=order.number
    )
    order.refresh_from_db()
    assert order.state == "carried_out" and order.carried_out_late


def test_the_body_credit_records_of_overdue_orders_are_rebuilt_from_the_log(
    order_suspension, issued_certificate
):
    order_suspension(deadline=in_days(1))
    mark_overdue_orders(in_days(2))
    CreditRecord.objects.all().delete()
    assert rebuild_credit_from_events() == 1
    record = CreditRecord.objects.get()
    assert (record.body_id, record.enterprise_id, record.source) == (
        issued_certificate.body_id,
        None,
        "order_overdue",
    )
    assert rebuild_credit_from_events() == 0


def test_every_legal_basis_says_whether_its_article_is_confirmed():
    bases = legal_bases()
    assert bases and all(isinstance(b.confirmed, bool) for b in bases.values())
    for kind in ("suspend", "revoke", "rectify"):
        assert any(kind in b.kinds for b in bases.values())


def test_the_deadline_is_a_date_in_beijing_time(order_suspension):
    order = order_suspension(deadline=timezone.localdate() + dt.timedelta(days=1))
    assert order.deadline == timezone.localdate() + dt.timedelta(days=1)


def test_a_paper_order_is_entered_after_the_fact_and_becomes_overdue_by_the_job(
    order_suspension, issued_certificate
):
    order = order_suspension(issued_on=in_days(-20), deadline=in_days(-5))
    assert order.issued_on == in_days(-20)
    assert mark_overdue_orders() == 1
    order.refresh_from_db()
    assert order.state == "overdue"


def test_an_order_cannot_be_dated_in_the_future(order_suspension):
    with pytest.raises(ValidationFailed) as refused:
        order_suspension(issued_on=in_days(1), deadline=in_days(9))
    assert refused.value.field == "issued_on"
