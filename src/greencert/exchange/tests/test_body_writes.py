"""The bodies' write API: a body's own system issues its certificates and records their changes,
through the same actions as the office pages, only for itself and only where it is approved."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from greencert.api.tests.contract import assert_documented
from greencert.certification.actions import suspend_certificate
from greencert.certification.lifecycle import EventType, Status
from greencert.certification.models import Certificate, CertificateEvent
from greencert.core.tests.fixtures import LONG_AGO, events_of, in_days, region
from greencert.exchange.actions import revoke_tokens
from greencert.exchange.models import ApiClient
from greencert.exchange.tests.body_requests import (
    EVENTS,
    ISSUE,
    NEW_HOLDER,
    NEW_HOLDER_NAME,
    issue,
    record,
)
from greencert.exchange.tests.conftest import CONSOLE
from greencert.parties.models import Enterprise, Role
from greencert.supervision.actions import list_on_blacklist

pytestmark = pytest.mark.django_db


# -- issuing ---------------------------------------------------------------------------------------


def test_a_body_issues_a_certificate_registering_its_new_holder(body_system, body):
    client, api = body_system
    response = issue(api)
    answer = assert_documented(response, "post", ISSUE)
    assert response.status_code == 201
    certificate = Certificate.objects.get()
    assert response["Location"] == f"/api/v1/certificates/{certificate.number}"
    assert response["ETag"] == f'"{certificate.last_event_sequence}"'
    assert answer["number"] == certificate.number
    assert answer["body_number"] == "ZJ-2026-GP-0007"
    assert answer["body"]["id"] == body.approval_number
    assert answer["last_event_sequence"] == certificate.last_event_sequence
    assert [e["type"] for e in answer["history"]] == ["issued"]
    holder = Enterprise.objects.get(credit_code=NEW_HOLDER)
    assert (holder.name, holder.region_id) == (NEW_HOLDER_NAME, "330500")
    assert certificate.events.get().actor_label == f"client:{client.name}"


def test_the_answer_is_the_certificate_as_the_registry_shows_it(body_system):
    _, api = body_system
    written = issue(api).json()
    shown = Client().get(f"/api/v1/certificates/{written['number']}").json()
    read = Client().get(f"/api/v1/certificates/{written['number']}")
    assert read.headers["ETag"] == f'"{written["last_event_sequence"]}"'
    assert {k: v for k, v in written.items() if k != "last_event_sequence"} == shown
    assert written["body_number"] == shown["body_number"] != ""


def test_a_registered_holder_is_matched_by_its_credit_code(body_system, holder):
    _, api = body_system
    response = issue(api, holder_credit_code=holder.credit_code, holder_name="")
    assert response.status_code == 201
    assert response.json()["holder"] == {"id": holder.credit_code, "name": holder.name}
    assert Enterprise.objects.count() == 1


def test_a_credit_code_with_a_wrong_check_character_is_refused_and_nothing_registered(body_system):
    _, api = body_system
    response = issue(api, holder_credit_code=NEW_HOLDER[:-1] + "X")
    answer = assert_documented(response, "post", ISSUE)
    assert response.status_code == 400
    assert answer["error"]["field"] == "holder_credit_code"
    assert answer["error"]["code"] == "invalid_credit_code"
    assert "GB 32100" in answer["error"]["message_en"] and "校验" in answer["error"]["message_zh"]
    assert not Enterprise.objects.exists()
    assert not Certificate.objects.exists()


def test_a_bad_record_lists_every_problem_at_once(body_system):
    _, api = body_system
    tomorrow = in_days(1).isoformat()
    response = issue(
        api,
        holder_credit_code="91330500MA2B3C4D5X",
        site_region="110000",
        issue_date=tomorrow,
        certification_unit="油性涂料",
    )
    answer = assert_documented(response, "post", ISSUE)
    assert response.status_code == 400
    problems = {(p["field"], p["value"]) for p in answer["error"]["problems"]}
    assert problems == {
        ("holder_credit_code", "91330500MA2B3C4D5X"),
        ("certification_unit", "油性涂料"),
        ("site_region", "110000"),
        ("issue_date", tomorrow),
    }
    assert all(p["message_zh"] and p["message_en"] for p in answer["error"]["problems"])


def test_a_malformed_request_lists_every_field_in_both_languages(body_system):
    _, api = body_system
    response = issue(api, issue_date="30/06/2025", products="LH-300", holder_name="名" * 201)
    answer = assert_documented(response, "post", ISSUE)
    assert response.status_code == 422
    assert {e["field"] for e in answer["errors"]} == {"issue_date", "products", "holder_name"}
    assert not Certificate.objects.exists()


def test_the_body_is_the_tokens_never_the_requests(body_system, other_body):
    _, api = body_system
    response = issue(api, body=other_body.approval_number)
    answer = assert_documented(response, "post", ISSUE)
    assert response.status_code == 422
    assert answer["error"]["field"] == "body"
    assert "字段" in answer["error"]["message_zh"] and "field" in answer["error"]["message_en"]


def test_a_category_the_body_is_not_approved_for_is_refused_with_403(body_system, furniture):
    _, api = body_system
    response = issue(
        api, category="furniture", certification_unit="实木家具", standard="", site_region="999999"
    )
    answer = assert_documented(response, "post", ISSUE)
    assert response.status_code == 403
    assert answer["error"]["code"] == "category_not_authorised"
    assert answer["error"]["message_en"].count("is not valid") == 1
    assert "获批" in answer["error"]["message_zh"]
    assert {p["field"] for p in answer["error"]["problems"]} == {"category", "site_region"}
    assert not Certificate.objects.exists()


def test_a_blacklisted_body_cannot_issue(body_system, body, make_actor):
    _, api = body_system
    regulator = make_actor("sh-regulator", Role.REGULATOR, region=region("310000"))
    list_on_blacklist(
        regulator, body=body, basis_code="CBM-2017", facts="出具虚假认证结论", ends_on=in_days(90)
    )
    response = issue(api)
    answer = assert_documented(response, "post", ISSUE)
    assert response.status_code == 403
    assert answer["error"]["field"] == "body"
    assert "黑名单" in answer["error"]["message_zh"]
    assert not Certificate.objects.exists()
    assert not Enterprise.objects.exists()


def test_a_body_number_the_body_already_used_is_a_conflict(body_system):
    _, api = body_system
    first = issue(api, key="first").json()
    response = issue(api, key="second")
    answer = assert_documented(response, "post", ISSUE)
    assert response.status_code == 409
    assert answer["error"]["code"] == "duplicate_body_number"
    assert first["number"] in answer["error"]["message_en"]
    assert Certificate.objects.count() == 1


def test_a_renewal_names_the_certificate_it_renews(body_system, issued_certificate):
    _, api = body_system
    response = issue(api, renewed_from=issued_certificate.body_number)
    assert response.status_code == 201
    successor = Certificate.objects.get(number=response.json()["number"])
    assert successor.renewed_from == issued_certificate
    assert successor.status_reason_code == "I02"
    renewed = events_of(issued_certificate)[-1]
    assert (renewed.event_type, renewed.payload["successor"]) == ("renewed", successor.number)


def test_a_renewal_of_another_bodys_certificate_is_refused(body_system, issue_as_other_body):
    _, api = body_system
    theirs = issue_as_other_body()
    response = issue(api, renewed_from=theirs.number)
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "renewed_from"


# -- who may write ---------------------------------------------------------------------------------


def test_a_token_without_the_certify_scope_is_refused(make_client):
    _, api = make_client("buyer", ["verify", "adoption"])
    response = issue(api)
    assert response.status_code == 403
    assert response.json()["error"]["value"] == "certify"
    assert not Certificate.objects.exists()


def test_a_revoked_token_is_refused(body_system):
    client, api = body_system
    revoke_tokens(CONSOLE, client)
    response = issue(api)
    assert response.status_code == 401
    assert not Certificate.objects.exists()


def test_a_request_without_a_token_is_refused():
    assert issue(Client()).status_code == 401


def test_a_certify_client_that_lost_its_body_is_refused(body_system):
    client, api = body_system
    ApiClient.objects.filter(pk=client.pk).update(body=None)
    response = issue(api)
    answer = assert_documented(response, "post", ISSUE)
    assert response.status_code == 403
    assert answer["error"]["code"] == "no_body"
    assert not Certificate.objects.exists()


def test_another_bodys_certificate_answers_as_an_unknown_one(body_system, issue_as_other_body):
    _, api = body_system
    theirs = issue_as_other_body()
    for number in (theirs.number, theirs.body_number, "GC3320259999999X"):
        response = record(api, number, event="surveillance_passed")
        answer = assert_documented(response, "post", EVENTS)
        assert response.status_code == 404
        assert answer["error"]["code"] == "not_found"
    assert events_of(theirs)[-1].event_type == EventType.ISSUED


def test_a_body_cannot_record_changes_with_a_token_without_certify(make_client, issued_certificate):
    _, api = make_client("buyer", ["verify"])
    response = record(api, issued_certificate.number, event="revoked", reason_code="R01")
    assert response.status_code == 403
    assert events_of(issued_certificate)[-1].event_type == EventType.ISSUED


def test_another_bodys_system_cannot_write_this_bodys_certificates(
    make_client, other_body, issued_certificate
):
    _, api = make_client("other-system", ["certify"], body=other_body)
    response = record(api, issued_certificate.number, event="revoked", reason_code="R01")
    assert response.status_code == 404
    issued_certificate.refresh_from_db()
    assert issued_certificate.status == Status.VALID


# -- recording changes -----------------------------------------------------------------------------


def test_surveillance_passed_keeps_the_status_and_moves_the_etag(body_system, issued_certificate):
    _, api = body_system
    before = issued_certificate.last_event_sequence
    response = record(api, issued_certificate.number, event="surveillance_passed")
    answer = assert_documented(response, "post", EVENTS)
    assert response.status_code == 200
    event = events_of(issued_certificate)[-1]
    assert (event.event_type, event.reason_code) == ("surveillance_passed", "V01")
    assert answer["status"]["code"] == Status.VALID
    assert answer["last_event_sequence"] == event.sequence > before
    assert response["ETag"] == f'"{event.sequence}"'
    assert response["Content-Location"] == f"/api/v1/certificates/{issued_certificate.number}"


def test_the_body_number_finds_the_certificate_too(body_system, issued_certificate):
    _, api = body_system
    typed = issued_certificate.body_number.lower()
    response = record(api, typed, event="surveillance_passed")
    assert response.status_code == 200
    assert response.json()["number"] == issued_certificate.number


def test_a_suspension_carries_its_reason_and_end_date(body_system, issued_certificate):
    _, api = body_system
    until = in_days(60).isoformat()
    response = record(
        api, issued_certificate.number, event="suspended", reason_code="S03", until=until
    )
    assert response.status_code == 200
    assert response.json()["status"]["code"] == Status.SUSPENDED
    assert response.json()["status"]["reason_code"] == "S03"
    assert response.json()["suspended_until"] == until
    assert events_of(issued_certificate)[-1].payload["until"] == until


def test_a_suspension_without_an_end_date_is_refused(body_system, issued_certificate):
    _, api = body_system
    response = record(api, issued_certificate.number, event="suspended", reason_code="S03")
    answer = assert_documented(response, "post", EVENTS)
    assert response.status_code == 400
    assert answer["error"]["field"] == "until"


def test_a_suspension_without_a_reason_lists_the_reasons(body_system, issued_certificate):
    _, api = body_system
    response = record(
        api, issued_certificate.number, event="suspended", until=in_days(60).isoformat()
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert (error["field"], error["code"]) == ("reason_code", "reason_required")
    assert "S01" in error["message_en"]


def test_a_suspended_certificate_is_restored(body_system, issued_certificate, body_staff):
    _, api = body_system
    suspend_certificate(body_staff, issued_certificate, reason_code="S01", until=in_days(30))
    response = record(api, issued_certificate.number, event="restored", reason_code="T01")
    assert response.status_code == 200
    assert response.json()["status"]["code"] == Status.VALID
    assert response.json()["suspended_until"] is None


def test_a_certificate_is_revoked(body_system, issued_certificate):
    _, api = body_system
    response = record(
        api, issued_certificate.number, event="revoked", reason_code="R01", note="抽检不合格"
    )
    assert response.status_code == 200
    assert response.json()["status"]["code"] == Status.REVOKED
    assert events_of(issued_certificate)[-1].payload["note"] == "抽检不合格"


def test_a_certificate_is_cancelled(body_system, issued_certificate):
    _, api = body_system
    response = record(api, issued_certificate.number, event="cancelled", reason_code="C04")
    assert response.status_code == 200
    assert response.json()["status"]["code"] == Status.CANCELLED


def test_a_final_status_refuses_further_changes_with_the_current_status(
    body_system, certificate_in_status
):
    _, api = body_system
    revoked = certificate_in_status(Status.REVOKED)
    response = record(api, revoked.number, event="restored", reason_code="T01")
    answer = assert_documented(response, "post", EVENTS)
    assert response.status_code == 409
    assert answer["error"]["current_status"] == Status.REVOKED


def test_a_change_of_scope_and_address(body_system, issued_certificate):
    _, api = body_system
    products = [{"name": "水性外墙涂料", "models": ["LH-200", "LH-500"]}]
    response = record(
        api,
        issued_certificate.number,
        event="changed",
        reason_code="M02",
        changes={"products": products, "production_site": "湖州市南浔区绿色路 8 号"},
        inspection={
            "inspected_on": "2026-01-05",
            "report_number": "JC-2026-0113",
            "inspectors": "王敏、李强",
        },
    )
    assert response.status_code == 200
    answer = response.json()
    assert (answer["products"], answer["production_site"]) == (
        products,
        "湖州市南浔区绿色路 8 号",
    )
    event = events_of(issued_certificate)[-1]
    assert event.payload["after"] == {
        "products": products,
        "production_site": "湖州市南浔区绿色路 8 号",
    }


def test_a_change_to_a_unit_the_catalog_does_not_list_is_refused(body_system, issued_certificate):
    _, api = body_system
    response = record(
        api,
        issued_certificate.number,
        event="changed",
        reason_code="M01",
        changes={"certification_unit": "油性涂料"},
    )
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "certification_unit"
    assert events_of(issued_certificate)[-1].event_type == EventType.ISSUED


def test_a_change_of_a_field_that_cannot_change_is_refused(body_system, issued_certificate):
    _, api = body_system
    response = record(
        api,
        issued_certificate.number,
        event="changed",
        reason_code="M01",
        changes={"holder": NEW_HOLDER},
    )
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "changes.holder"


def test_an_expired_by_date_certificate_is_recorded_expired(body_system, issue):
    _, api = body_system
    old = issue(issue_date=LONG_AGO)
    response = record(api, old.number, event="expired")
    assert response.status_code == 200
    assert response.json()["status"]["code"] == Status.EXPIRED
    event = events_of(old)[-1]
    assert (event.event_type, event.reason_code) == ("expired", "E01")


def test_a_certificate_still_in_its_term_cannot_be_recorded_expired(
    body_system, issued_certificate
):
    _, api = body_system
    response = record(api, issued_certificate.number, event="expired")
    assert response.status_code == 400
    assert issued_certificate.expiry_date.isoformat() in response.json()["error"]["message_en"]


def test_a_change_recorded_after_the_fact_takes_effect_on_its_date(body_system, issue):
    _, api = body_system
    certificate = issue(issue_date=in_days(-90))
    response = record(
        api,
        certificate.number,
        event="suspended",
        reason_code="S01",
        until=in_days(30).isoformat(),
        effective_date=in_days(-10).isoformat(),
    )
    assert response.status_code == 200
    effective = timezone.localtime(events_of(certificate)[-1].effective_at).date()
    assert effective == in_days(-10)


def test_an_unknown_event_is_refused_naming_the_events(body_system, issued_certificate):
    _, api = body_system
    response = record(api, issued_certificate.number, event="renewed")
    assert response.status_code == 400
    assert "renewed_from" in response.json()["error"]["message_en"]


# -- based on the last event -----------------------------------------------------------------------


def test_a_change_based_on_the_current_etag_is_recorded(body_system, issued_certificate):
    _, api = body_system
    etag = f'"{issued_certificate.last_event_sequence}"'
    response = record(api, issued_certificate.number, event="surveillance_passed", if_match=etag)
    assert response.status_code == 200


def test_a_stale_if_match_answers_409_with_the_current_state(
    body_system, issued_certificate, body_staff
):
    _, api = body_system
    seen = issued_certificate.last_event_sequence
    suspended = suspend_certificate(
        body_staff, issued_certificate, reason_code="S01", until=in_days(30)
    )
    response = record(
        api, issued_certificate.number, event="revoked", reason_code="R01", if_match=f'"{seen}"'
    )
    answer = assert_documented(response, "post", EVENTS)
    assert response.status_code == 409
    assert answer["error"]["code"] == "stale"
    assert answer["error"]["current_status"] == Status.SUSPENDED
    assert answer["error"]["last_event_sequence"] == suspended.last_event_sequence
    assert CertificateEvent.objects.filter(event_type="revoked").count() == 0


def test_a_stale_based_on_field_answers_409_too(body_system, issued_certificate):
    _, api = body_system
    seen = issued_certificate.last_event_sequence
    assert (
        record(api, issued_certificate.number, "a", event="surveillance_passed").status_code == 200
    )
    response = record(
        api, issued_certificate.number, "b", event="surveillance_passed", based_on=seen
    )
    assert response.status_code == 409


def test_if_match_and_based_on_that_disagree_are_refused(body_system, issued_certificate):
    _, api = body_system
    seen = issued_certificate.last_event_sequence
    response = record(
        api,
        issued_certificate.number,
        event="surveillance_passed",
        based_on=seen,
        if_match=f'"{seen + 1}"',
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "based_on_mismatch"


@pytest.mark.parametrize("value", ["12", '"12", "13"', '"twelve"', 'W/"twelve"'])
def test_an_if_match_that_is_not_an_etag_is_refused(body_system, issued_certificate, value):
    _, api = body_system
    response = record(api, issued_certificate.number, event="surveillance_passed", if_match=value)
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "If-Match"


def test_the_etag_of_a_compressed_answer_is_taken_as_if_match(body_system, issued_certificate):
    # A compressed answer carries its ETag weak (W/"12"); it names the same last event.
    _, api = body_system
    seen = issued_certificate.last_event_sequence
    response = record(
        api, issued_certificate.number, event="surveillance_passed", if_match=f'W/"{seen}"'
    )
    assert response.status_code == 200
    issued_certificate.refresh_from_db()
    assert issued_certificate.last_event_sequence > seen


# -- the API around them ---------------------------------------------------------------------------


def test_the_public_list_still_answers_beside_the_write(client, issued_certificate):
    assert client.get(ISSUE).status_code == 200


def test_a_method_no_router_serves_lists_every_allowed_method(client):
    response = client.put(ISSUE)
    assert response.status_code == 405
    assert set(response["Allow"].split(", ")) == {"GET", "POST"}
