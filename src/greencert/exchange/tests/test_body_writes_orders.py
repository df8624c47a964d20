"""A body's own system carries out a regulator's order (责令) through the write API, citing it."""

from __future__ import annotations

import pytest

from greencert.api.tests.contract import assert_documented
from greencert.core.tests.fixtures import events_of, in_days
from greencert.exchange.tests.body_requests import EVENTS, record
from greencert.supervision.models import RegulatoryOrder
from greencert.supervision.orders import issue_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(issued_certificate, zhejiang_regulator) -> RegulatoryOrder:
    return issue_order(
        zhejiang_regulator,
        issued_certificate,
        kind="suspend",
        reason="监督抽查不合格",
        basis_code="CCM-2015-A10",
        deadline=in_days(10),
    )


def test_a_suspension_through_the_api_carries_out_the_order_it_cites(
    body_system, issued_certificate, order
):
    _, api = body_system
    response = record(
        api,
        issued_certificate.number,
        event="suspended",
        reason_code="S08",
        until=in_days(60).isoformat(),
        order=order.number,
    )
    answer = assert_documented(response, "post", EVENTS)
    assert response.status_code == 200, answer
    assert answer["status"]["code"] == "02"
    order.refresh_from_db()
    assert order.state == "carried_out"
    assert events_of(issued_certificate)[-1].payload["order"] == order.number


def test_the_api_refuses_an_order_the_event_does_not_carry_out(
    body_system, issued_certificate, order
):
    _, api = body_system
    response = record(
        api, issued_certificate.number, event="revoked", reason_code="R03", order=order.number
    )
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "order"
    issued_certificate.refresh_from_db()
    assert issued_certificate.status == "01"


def test_a_rectification_is_recorded_through_the_api(
    body_system, issued_certificate, zhejiang_regulator
):
    rectify = issue_order(
        zhejiang_regulator,
        issued_certificate,
        kind="rectify",
        reason="标志使用不规范",
        basis_code="GPM-2019-MARK",
        deadline=in_days(20),
    )
    _, api = body_system
    response = record(
        api,
        issued_certificate.number,
        event="rectified",
        note="已更换包装标志",
        order=rectify.number,
    )
    assert response.status_code == 200, response.json()
    rectify.refresh_from_db()
    assert rectify.state == "carried_out"
    assert events_of(issued_certificate)[-1].event_type == "rectified"
