"""The lifecycle rules through a body's own system: it lists what is due on its certificates,
carries it out citing it, names the inspection of a new production site, and cannot cancel with
C01."""

from __future__ import annotations

import datetime as dt

import pytest

from greencert.certification.actions import suspend_certificate
from greencert.certification.due_rules import suspensions_run_out
from greencert.certification.lifecycle import Status
from greencert.certification.models import DueAction
from greencert.core.tests.fixtures import events_of, in_days
from greencert.exchange.tests.body_requests import record

pytestmark = pytest.mark.django_db

DUE_ACTIONS = "/api/v1/due-actions"


@pytest.fixture
def revocation_due(issued_certificate, body_staff):
    suspended = suspend_certificate(
        body_staff, issued_certificate, reason_code="S03", until=in_days(30)
    )
    suspensions_run_out(in_days(31))
    return suspended, DueAction.objects.get()


def test_the_bodys_system_lists_what_is_due_on_its_certificates(body_system, revocation_due):
    _, api = body_system
    certificate, due = revocation_due
    answer = api.get(DUE_ACTIONS).json()
    assert [(d["number"], d["certificate"], d["event"], d["reason_code"]) for d in answer] == [
        (due.number, certificate.number, "revoked", "R01")
    ]
    assert answer[0]["deadline"] == due.deadline.isoformat()
    assert answer[0]["basis"]["suspended_until"] == in_days(30).isoformat()


def test_another_bodys_system_sees_nothing_due(make_client, other_body, revocation_due):
    _, api = make_client("other-system", ["certify"], body=other_body)
    assert api.get(DUE_ACTIONS).json() == []


def test_the_bodys_system_carries_out_the_due_revocation_citing_it(body_system, revocation_due):
    _, api = body_system
    certificate, due = revocation_due
    response = record(api, certificate.number, event="revoked", reason_code="R01", due=due.number)
    assert response.status_code == 200 and response.json()["status"]["code"] == Status.REVOKED
    due.refresh_from_db()
    assert due.state == "carried_out"
    assert api.get(DUE_ACTIONS).json() == []
    assert api.get(DUE_ACTIONS, {"state": "carried_out"}).json()[0]["number"] == due.number


def test_a_change_of_site_without_its_inspection_is_refused(body_system, issued_certificate):
    _, api = body_system
    response = record(
        api,
        issued_certificate.number,
        event="changed",
        reason_code="M03",
        changes={"production_site": "湖州市南浔区新厂 8 号"},
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert (error["field"], error["code"]) == ("inspection", "site_inspection_required")


def test_a_change_of_site_with_its_inspection_is_recorded_with_it(body_system, issued_certificate):
    _, api = body_system
    inspected = (dt.date.today() - dt.timedelta(days=3)).isoformat()
    response = record(
        api,
        issued_certificate.number,
        event="changed",
        reason_code="M03",
        changes={"production_site": "湖州市南浔区新厂 8 号"},
        inspection={"inspected_on": inspected, "report_number": "JC-8", "inspectors": "李强"},
    )
    assert response.status_code == 200
    assert events_of(issued_certificate)[-1].payload["inspection"] == {
        "inspected_on": inspected,
        "report_number": "JC-8",
        "inspectors": "李强",
        "outcome": "pass",
        "site": "湖州市南浔区新厂 8 号",
    }


def test_a_cancellation_with_c01_is_refused_pointing_to_expiry(body_system, issued_certificate):
    _, api = body_system
    response = record(api, issued_certificate.number, event="cancelled", reason_code="C01")
    assert response.status_code == 400
    error = response.json()["error"]
    assert (error["field"], error["code"]) == ("reason_code", "retired_reason")
    assert "expired" in error["message_en"]
