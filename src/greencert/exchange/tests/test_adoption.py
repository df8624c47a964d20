"""Adoption records (采信): recorded by clients, in the event log, seen by holders and regulators."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client
from django.utils import timezone

from greencert.certification.actions import suspend_certificate
from greencert.certification.models import CertificateEvent
from greencert.core.tests.fixtures import in_days
from greencert.exchange.models import AdoptionRecord

pytestmark = pytest.mark.django_db


def adopt(api, certificate, **overrides):
    body = {
        "certificate": certificate.number,
        "kind": "procurement",
        "reference": "ZJCG-2026-0456",
        "adopted_on": timezone.localdate().isoformat(),
        "amount_band": "1m-10m",
    } | overrides
    return api.post("/api/v1/adoptions", json.dumps(body), content_type="application/json")


def test_an_adoption_is_appended_to_the_log_without_changing_the_status(buyer, issued_certificate):
    _, api = buyer
    response = adopt(api, issued_certificate)
    assert response.status_code == 201
    event = CertificateEvent.objects.latest("sequence")
    assert (event.event_type, event.reason_code, event.status_after) == ("adopted", "A01", "01")
    assert event.actor_label == "client:zcy-procurement"
    assert response.json()["event_sequence"] == event.sequence
    issued_certificate.refresh_from_db()
    assert (issued_certificate.status, issued_certificate.status_reason_code) == ("01", "I01")


def test_repeating_the_same_adoption_records_it_once(buyer, issued_certificate):
    _, api = buyer
    assert adopt(api, issued_certificate).status_code == 201
    assert adopt(api, issued_certificate).status_code == 200
    assert AdoptionRecord.objects.count() == 1
    assert CertificateEvent.objects.filter(event_type="adopted").count() == 1


def test_an_insurance_adoption_carries_its_own_reason(buyer, issued_certificate):
    _, api = buyer
    adopt(api, issued_certificate, kind="insurance", reference="PICC-GB-2026-9")
    assert CertificateEvent.objects.get(event_type="adopted").reason_code == "A02"


def test_a_certificate_suspended_on_the_adoption_date_cannot_be_adopted(
    buyer, issued_certificate, body_staff
):
    _, api = buyer
    suspend_certificate(body_staff, issued_certificate, reason_code="S01", until=in_days(30))
    response = adopt(api, issued_certificate)
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "adopted_on"
    assert not AdoptionRecord.objects.exists()


def test_an_adoption_made_while_valid_is_recorded_after_a_later_suspension(
    buyer, issue, body_staff
):
    _, api = buyer
    certificate = issue(issue_date=dt.date(2025, 3, 1))
    suspend_certificate(body_staff, certificate, reason_code="S01", until=in_days(30))
    assert adopt(api, certificate, adopted_on="2025-06-30").status_code == 201
    event = CertificateEvent.objects.get(event_type="adopted")
    assert (event.status_before, event.status_after) == ("02", "02")


def test_a_date_on_which_the_certificate_was_not_valid_is_refused(buyer, issue):
    _, api = buyer
    certificate = issue(issue_date=dt.date(2025, 3, 1))
    response = adopt(api, certificate, adopted_on="2024-12-31")
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "adopted_on"


@pytest.mark.parametrize(
    ("field", "value"), [("kind", "lottery"), ("amount_band", "a-lot"), ("reference", " ")]
)
def test_bad_fields_are_refused_naming_the_field(buyer, issued_certificate, field, value):
    _, api = buyer
    response = adopt(api, issued_certificate, **{field: value})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["field"] == field
    assert error["message_zh"] and error["message_en"]
    assert not AdoptionRecord.objects.exists()


def test_a_client_without_the_adoption_scope_cannot_record(make_client, issued_certificate):
    _, api = make_client("reader", ["verify"])
    assert adopt(api, issued_certificate).status_code == 403


def test_the_holder_and_regulators_see_adoptions_on_the_certificate_page(
    buyer, issued_certificate, enterprise_user, zhejiang_regulator
):
    _, api = buyer
    adopt(api, issued_certificate)
    for actor in (enterprise_user, zhejiang_regulator):
        browser = Client()
        browser.force_login(actor.user)
        page = browser.get(f"/verify/{issued_certificate.number}?lang=en").content.decode()
        assert "ZJCG-2026-0456" in page


def test_the_public_and_other_regulators_do_not_see_adoptions(
    buyer, issued_certificate, shanghai_regulator
):
    _, api = buyer
    adopt(api, issued_certificate)
    assert (
        "ZJCG-2026-0456"
        not in Client().get(f"/verify/{issued_certificate.number}").content.decode()
    )
    browser = Client()
    browser.force_login(shanghai_regulator.user)
    assert (
        "ZJCG-2026-0456" not in browser.get(f"/verify/{issued_certificate.number}").content.decode()
    )
