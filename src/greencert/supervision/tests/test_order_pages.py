"""The office pages of orders: the regulator's form and list, the body's list, the certificate's
suspension form pre-filled with the order, and change imports citing an order."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from greencert.certification.imports.run import import_file
from greencert.certification.imports.table import read_table
from greencert.certification.imports.testing import csv_bytes
from greencert.core.tests.fixtures import in_days
from greencert.supervision.models import RegulatoryOrder
from greencert.supervision.orders import issue_order, mark_overdue_orders

pytestmark = pytest.mark.django_db


def client_of(actor: Any) -> Client:
    client = Client()
    client.force_login(actor.user)
    return client


def make_order(certificate: Any, regulator: Any, **overrides: Any) -> RegulatoryOrder:
    kwargs: dict[str, Any] = {
        "kind": "suspend",
        "reason": "监督抽查不合格",
        "basis_code": "CCM-2015-A10",
        "deadline": in_days(10),
    } | overrides
    return issue_order(regulator, certificate, **kwargs)


def test_the_certificate_page_offers_the_order_form_to_its_regulators_only(
    issued_certificate, zhejiang_regulator, shanghai_regulator, body_staff
):
    page = f"/office/certificates/{issued_certificate.number}/"
    form = f"/supervision/office/orders/new/{issued_certificate.number}/"
    assert form in client_of(zhejiang_regulator).get(page).text
    assert form not in client_of(body_staff).get(page).text
    assert client_of(shanghai_regulator).get(form).status_code == 403
    assert client_of(body_staff).get(form).status_code == 403


def test_a_regulator_orders_through_the_form(issued_certificate, zhejiang_regulator):
    response = client_of(zhejiang_regulator).post(
        f"/supervision/office/orders/new/{issued_certificate.number}/",
        {
            "idempotency_key": "k1",
            "kind": "revoke",
            "basis_code": "CCM-2015-A11",
            "reason": "伪造检验报告",
            "deadline": in_days(15).isoformat(),
        },
    )
    assert response.status_code == 302
    order = RegulatoryOrder.objects.get()
    assert (order.kind, order.deadline) == ("revoke", in_days(15))


def test_a_refused_order_shows_the_form_again_naming_the_field(
    issued_certificate, zhejiang_regulator
):
    response = client_of(zhejiang_regulator).post(
        f"/supervision/office/orders/new/{issued_certificate.number}/",
        {
            "idempotency_key": "k1",
            "kind": "suspend",
            "basis_code": "CCM-2015-A10",
            "reason": "x",
            "deadline": in_days(-1).isoformat(),
        },
    )
    assert response.status_code == 400
    assert "执行期限" in response.text
    assert not RegulatoryOrder.objects.exists()


def test_the_regulator_sees_each_order_with_its_state(
    issue, zhejiang_regulator, body_staff, shanghai_regulator
):
    first, second = issue(), issue()
    open_order = make_order(first, zhejiang_regulator, deadline=in_days(1))
    late = make_order(second, zhejiang_regulator, deadline=in_days(1))
    mark_overdue_orders(in_days(2))
    # Both became overdue on the simulated day; the first is withdrawn.
    from greencert.supervision.orders import withdraw_order

    withdraw_order(zhejiang_regulator, open_order, reason="复查后撤回")
    page = client_of(zhejiang_regulator).get("/supervision/office/orders/").text
    assert f'id="order-{late.number}"' in page and "逾期未执行" in page
    assert "已撤回" in page
    assert late.number not in client_of(shanghai_regulator).get("/supervision/office/orders/").text


def test_the_body_lists_its_orders_with_a_button_that_opens_the_prefilled_form(
    issued_certificate, zhejiang_regulator, body_staff, other_body_staff
):
    order = make_order(issued_certificate, zhejiang_regulator)
    page = client_of(body_staff).get("/supervision/office/orders/").text
    link = f"/office/certificates/{issued_certificate.number}/?order={order.number}#action-suspend"
    assert link in page
    form = client_of(body_staff).get(link.split("#")[0]).text
    assert f'<option value="{order.number}" selected>' in form
    assert order.number not in client_of(other_body_staff).get("/supervision/office/orders/").text


def test_the_suspension_form_carries_out_the_order(
    issued_certificate, zhejiang_regulator, body_staff
):
    order = make_order(issued_certificate, zhejiang_regulator)
    response = client_of(body_staff).post(
        f"/office/certificates/{issued_certificate.number}/suspend/",
        {
            "idempotency_key": "k2",
            "reason_code": "S08",
            "until": in_days(60).isoformat(),
            "note": "",
            "order": order.number,
        },
    )
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.state == "carried_out"


def test_the_rectification_form_appears_only_for_a_pending_order_to_rectify(
    issued_certificate, zhejiang_regulator, body_staff
):
    page = f"/office/certificates/{issued_certificate.number}/"
    assert 'id="action-rectify"' not in client_of(body_staff).get(page).text
    order = make_order(
        issued_certificate, zhejiang_regulator, kind="rectify", basis_code="GPM-2019-MARK"
    )
    assert 'id="action-rectify"' in client_of(body_staff).get(page).text
    response = client_of(body_staff).post(
        f"/office/certificates/{issued_certificate.number}/rectify/",
        {"idempotency_key": "k3", "reason_code": "O31", "note": "已整改", "order": order.number},
    )
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.state == "carried_out"


def test_a_withdrawal_from_the_list(issued_certificate, zhejiang_regulator):
    order = make_order(issued_certificate, zhejiang_regulator)
    response = client_of(zhejiang_regulator).post(
        f"/supervision/office/orders/{order.number}/withdraw/",
        {f"w{order.pk}-idempotency_key": "k4", f"w{order.pk}-reason": "证据不足"},
    )
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.state == "withdrawn"


def test_a_change_import_carries_out_an_order(
    issued_certificate, zhejiang_regulator, body, body_staff
):
    order = make_order(issued_certificate, zhejiang_regulator)
    rows = [
        {
            "certificate": issued_certificate.number,
            "event": "suspended",
            "reason_code": "S08",
            "until": in_days(60),
            "order": order.number.lower(),
        }
    ]
    table = read_table(csv_bytes("changes", rows, every_column=True), "changes.csv")
    outcome = import_file("changes", table, body, body_staff)
    assert (outcome.imported, outcome.refused) == (1, 0), outcome.problems
    order.refresh_from_db()
    assert order.state == "carried_out"


def test_the_supervision_office_counts_pending_and_overdue_orders(issue, zhejiang_regulator):
    make_order(issue(), zhejiang_regulator, deadline=in_days(1))
    make_order(issue(), zhejiang_regulator, deadline=in_days(5))
    mark_overdue_orders(in_days(2))
    page = client_of(zhejiang_regulator).get("/supervision/office/").text
    assert "2 orders await the bodies" in page or "2 项责令待机构执行" in page
    assert 'class="overdue"' in page
