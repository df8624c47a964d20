"""Inputs at the edges of their ranges get a 400 naming the field, never a server error: dates far
in the past or future, and texts longer than the column that would hold them (PostgreSQL refuses
those with an error; SQLite would store them whole)."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.utils import timezone

from greencert.exchange.models import AdoptionRecord, WebhookSubscription

pytestmark = pytest.mark.django_db


def post(api, path, body):
    return api.post(path, json.dumps(body), content_type="application/json")


def assert_refused(response, field, value, expected_en):
    assert response.status_code in {400, 422}, response.content[:300]
    error = response.json()["error"]
    assert error["field"] == field
    assert error["value"] == value
    assert expected_en in error["message_en"]
    assert error["message_zh"]


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "1899-12-31", "2200-01-01"])
def test_verify_refuses_a_date_outside_the_registry_years(buyer, issued_certificate, day):
    _, api = buyer
    response = post(api, "/api/v1/verify", {"numbers": [issued_certificate.number], "at": day})
    assert_refused(response, "at", day, "a date from 1900-01-01 to 2199-12-31")


@pytest.mark.parametrize("day", ["1900-01-01", "2000-02-29"])
def test_verify_answers_for_a_date_at_or_inside_the_range(buyer, issued_certificate, day):
    _, api = buyer
    response = post(api, "/api/v1/verify", {"numbers": [issued_certificate.number], "at": day})
    assert response.status_code == 200
    assert response.json()["at"] == day


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_a_credit_grade_on_a_date_outside_the_registry_years_is_refused(holder, day):
    response = Client().get(f"/api/v1/supervision/credit/{holder.credit_code}", {"at": day})
    assert_refused(response, "at", day, "a date from 1900-01-01 to 2199-12-31")


def test_a_credit_grade_on_the_earliest_date_is_answered(holder):
    response = Client().get(
        f"/api/v1/supervision/credit/{holder.credit_code}", {"at": "1900-01-01"}
    )
    assert response.status_code == 200


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_a_certificate_on_a_date_outside_the_registry_years_is_refused(issued_certificate, day):
    response = Client().get(f"/api/v1/certificates/{issued_certificate.number}", {"at": day})
    assert_refused(response, "at", day, "a date from 1900-01-01 to 2199-12-31")


def test_an_adoption_reference_over_120_characters_is_refused(buyer, issued_certificate):
    _, api = buyer
    reference = "R" * 121
    response = post(
        api,
        "/api/v1/adoptions",
        {
            "certificate": issued_certificate.number,
            "kind": "procurement",
            "reference": reference,
            "adopted_on": timezone.localdate().isoformat(),
            "amount_band": "1m-10m",
        },
    )
    assert_refused(response, "reference", reference, "at most 120 characters")
    assert not AdoptionRecord.objects.exists()


def test_an_adoption_dated_in_year_one_is_refused(buyer, issued_certificate):
    _, api = buyer
    response = post(
        api,
        "/api/v1/adoptions",
        {
            "certificate": issued_certificate.number,
            "kind": "procurement",
            "reference": "ZJCG-1",
            "adopted_on": "0001-01-01",
            "amount_band": "1m-10m",
        },
    )
    assert_refused(response, "adopted_on", "0001-01-01", "a date from 1900-01-01")


def test_a_webhook_url_over_500_characters_is_refused_by_the_schema(buyer):
    _, api = buyer
    url = "https://hooks.buyer.example/" + "a" * 480
    response = post(api, "/api/v1/webhooks", {"url": url})
    assert_refused(response, "url", url, "at most 500 characters")
    assert not WebhookSubscription.objects.exists()


@pytest.mark.parametrize("body", ["[null,null]", "{}", '{"numbers": [], "holders": []}'])
def test_verify_refuses_a_request_asking_nothing(buyer, body):
    _, api = buyer
    response = api.post("/api/v1/verify", body, content_type="application/json")
    assert response.status_code == 422, response.content[:300]
    error = response.json()["error"]
    assert "at least one certificate number or holder's credit code" in error["message_en"]
    assert "至少一个证书编号或持证人信用代码" in error["message_zh"]


@pytest.mark.parametrize("flag", [False, True])
def test_from_sequence_must_be_a_whole_number_not_true_or_false(buyer, flag):
    _, api = buyer
    response = post(api, "/api/v1/webhooks", {"url": "https://a.example/", "from_sequence": flag})
    assert_refused(response, "from_sequence", flag, "a whole number")
    assert not WebhookSubscription.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [("regions", "33000"), ("regions", "浙江"), ("holders", "91350100M000100Y4"), ("holders", "x")],
)
def test_a_webhook_filter_code_of_the_wrong_form_is_refused(buyer, field, value):
    _, api = buyer
    response = post(api, "/api/v1/webhooks", {"url": "https://a.example/", field: [value]})
    assert_refused(response, f"{field}.0", value, "text matching")
    assert not WebhookSubscription.objects.exists()
