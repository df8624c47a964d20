"""POST /api/v1/verify: up to 1,000 numbers or holders, each with its status now and on a date."""

from __future__ import annotations

import base64
import datetime as dt
import io
import json

import pytest
from django.core.management import CommandError, call_command
from jwcrypto import jwk, jws

from greencert.certification.actions import suspend_certificate
from greencert.certification.numbers import compose
from greencert.core.tests.fixtures import in_days

pytestmark = pytest.mark.django_db


def post(api, **body):
    return api.post(
        "/api/v1/verify", json.dumps(body, default=str), content_type="application/json"
    )


def test_each_number_is_found_mistyped_malformed_or_unknown(buyer, issued_certificate):
    _, api = buyer
    number = issued_certificate.number
    mistyped = number[:-1] + ("A" if number[-1] != "A" else "B")
    unknown = compose("34", 1999, 1)
    response = post(api, numbers=[number, mistyped, "hello", unknown])
    assert response.status_code == 200
    results = [item["result"] for item in response.json()["results"]]
    assert results == ["found", "mistyped", "malformed", "unknown"]


def test_a_found_certificate_carries_status_holder_category_and_expiry(buyer, issued_certificate):
    _, api = buyer
    item = post(api, numbers=[issued_certificate.number]).json()["results"][0]
    certificate = item["certificates"][0]
    assert certificate["status"]["code"] == "01"
    assert certificate["holder"]["id"] == issued_certificate.holder.credit_code
    assert certificate["category"]["code"] == "coatings"
    assert certificate["expiry_date"] == issued_certificate.expiry_date.isoformat()


def test_the_status_on_the_bid_date_comes_from_the_log(buyer, issue, body_staff):
    _, api = buyer
    certificate = issue(issue_date=dt.date(2024, 3, 1))
    suspend_certificate(body_staff, certificate, reason_code="S01", until=in_days(30))
    body = post(api, numbers=[certificate.number], at="2024-06-30").json()
    found = body["results"][0]["certificates"][0]
    assert found["status"]["code"] == "02"
    assert found["status_at"]["code"] == "01"
    assert body["at"] == "2024-06-30"


def test_a_bid_date_before_issue_has_no_status(buyer, issue):
    _, api = buyer
    certificate = issue(issue_date=dt.date(2024, 3, 1))
    found = post(api, numbers=[certificate.number], at="2023-01-01").json()["results"][0]
    assert found["certificates"][0]["status_at"] is None


def test_a_holder_code_returns_every_certificate_of_the_holder(buyer, issue):
    _, api = buyer
    first, second = issue(), issue()
    item = post(api, holders=[first.holder.credit_code]).json()["results"][0]
    assert item["kind"] == "holder"
    assert sorted(c["number"] for c in item["certificates"]) == sorted(
        [first.number, second.number]
    )


def test_a_holder_code_with_a_wrong_check_character_is_mistyped(buyer):
    _, api = buyer
    item = post(api, holders=["91350100M000100Y44"]).json()["results"][0]
    assert item["result"] == "mistyped"


def test_more_than_1000_items_are_refused_in_both_languages(buyer):
    _, api = buyer
    response = post(api, numbers=["GC3220250000001X"] * 600, holders=["91350100M000100Y43"] * 401)
    assert response.status_code in {400, 422}
    error = response.json()["error"]
    assert "1000" in error["message_en"] and "1000" in error["message_zh"]


def test_a_batch_of_1000_is_accepted(buyer, issued_certificate):
    _, api = buyer
    response = post(api, numbers=[issued_certificate.number] * 1000)
    assert response.status_code == 200
    assert len(response.json()["results"]) == 1000


def _payload(token: str) -> dict:
    body = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))


def test_no_receipt_is_signed_unless_asked_for(buyer, issued_certificate):
    _, api = buyer
    assert post(api, numbers=[issued_certificate.number]).json()["receipt"] is None


def test_the_batch_receipt_verifies_with_another_jose_library_and_states_every_answer(
    buyer, issue, body_staff, client
):
    _, api = buyer
    certificate = issue(issue_date=dt.date(2024, 3, 1))
    suspend_certificate(body_staff, certificate, reason_code="S01", until=in_days(30))
    body = post(api, numbers=[certificate.number, "hello"], at="2024-06-30", receipt=True).json()

    signed = jws.JWS()
    signed.deserialize(body["receipt"])
    keys = jwk.JWKSet.from_json(client.get("/.well-known/jwks.json").content)
    kid = json.loads(signed.objects["protected"])["kid"]
    signed.verify(keys.get_key(kid), alg="EdDSA")

    claims = json.loads(signed.payload)
    assert claims["type"] == "BatchVerificationReceipt"
    assert claims["eventSequence"] == body["as_of_sequence"]
    assert claims["date"] == "2024-06-30"
    assert [r["result"] for r in claims["results"]] == ["found", "malformed"]
    found = claims["results"][0]["certificates"][0]
    assert (found["number"], found["status"], found["status_at"]) == (
        certificate.number,
        "02",
        "01",
    )
    assert "2 queries verified, 1 found" in claims["statement_en"]


def test_the_console_verifies_a_batch_receipt_and_rejects_an_edited_one(
    buyer, issued_certificate, client, tmp_path
):
    _, api = buyer
    body = post(api, numbers=[issued_certificate.number], receipt=True).json()
    trust = tmp_path / "jwks.json"
    trust.write_bytes(client.get("/.well-known/jwks.json").content)
    saved = tmp_path / "batch-receipt.json"
    saved.write_text(json.dumps(body))
    out = io.StringIO()
    call_command("receipt", "verify", str(saved), "--trust", str(trust), stdout=out)
    assert "receipt verified" in out.getvalue()

    header, _, signature = body["receipt"].split(".")
    claims = _payload(body["receipt"])
    claims["results"][0]["certificates"][0]["status"] = "03"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    saved.write_text(json.dumps(body | {"receipt": f"{header}.{forged}.{signature}"}))
    with pytest.raises(CommandError):
        call_command("receipt", "verify", str(saved), "--trust", str(trust), stdout=io.StringIO())


# -- by the issuing body's own number (机构证书编号) --------------------------------------------------


def test_each_answer_says_which_number_found_it(buyer, issue):
    _, api = buyer
    certificate = issue(body_number="SH-2026-GP-0042")
    results = post(api, numbers=[certificate.number, "sh-2026-gp-0042"]).json()["results"]
    assert [(r["result"], r["matched_by"]) for r in results] == [
        ("found", "number"),
        ("found", "body_number"),
    ]
    assert [r["certificates"][0]["number"] for r in results] == [certificate.number] * 2


@pytest.mark.parametrize("typed", ["ＳＨ－２０２６－ＧＰ－００４２", " sh-2026-gp- 0042 "])
def test_a_body_number_is_read_as_people_copy_it(buyer, issue, typed):
    _, api = buyer
    certificate = issue(body_number="SH-2026-GP-0042")
    item = post(api, numbers=[typed]).json()["results"][0]
    assert item["result"] == "found"
    assert item["certificates"][0]["number"] == certificate.number


def test_every_certificate_names_its_body_and_its_body_number(buyer, issue):
    _, api = buyer
    certificate = issue(body_number="SH-2026-GP-0042")
    found = post(api, numbers=[certificate.number]).json()["results"][0]["certificates"][0]
    assert found["body_number"] == "SH-2026-GP-0042"
    assert found["body"] == {"id": certificate.body.approval_number, "name": certificate.body.name}


def test_a_body_number_two_bodies_use_lists_both_labelled_by_their_body(
    buyer, sharing_a_body_number
):
    _, api = buyer
    item = post(api, numbers=["SH-2026-GP-0001"]).json()["results"][0]
    assert (item["result"], item["matched_by"]) == ("several", "body_number")
    assert [(c["number"], c["body"]["id"], c["body"]["name"]) for c in item["certificates"]] == [
        (c.number, c.body.approval_number, c.body.name) for c in sharing_a_body_number
    ]


def test_text_that_is_neither_number_stays_malformed_and_holders_say_holder(buyer, issue):
    _, api = buyer
    certificate = issue(body_number="SH-2026-GP-0042")
    body = post(api, numbers=["SH-2026-GP-0043"], holders=[certificate.holder.credit_code]).json()
    assert [(r["result"], r["matched_by"]) for r in body["results"]] == [
        ("malformed", None),
        ("found", "holder"),
    ]


def test_the_batch_receipt_states_which_number_matched_and_each_body(buyer, sharing_a_body_number):
    _, api = buyer
    body = post(api, numbers=["SH-2026-GP-0001"], receipt=True).json()
    claims = _payload(body["receipt"])
    result = claims["results"][0]
    assert (result["result"], result["matchedBy"]) == ("several", "body_number")
    assert [(c["number"], c["bodyNumber"], c["body"]) for c in result["certificates"]] == [
        (c.number, "SH-2026-GP-0001", c.body.approval_number) for c in sharing_a_body_number
    ]
    assert "1 matching several bodies' certificates" in claims["statement_en"]


def test_body_numbers_cost_no_extra_query(buyer, issue, django_assert_max_num_queries):
    _, api = buyer
    first, second = issue(), issue()
    post(api, numbers=[first.number])  # the client's first call also records its token's use
    with django_assert_max_num_queries(12) as by_registry:
        post(api, numbers=[first.number, second.number])
    with django_assert_max_num_queries(12) as by_both:
        post(api, numbers=[first.number, second.body_number])
    assert len(by_both.captured_queries) == len(by_registry.captured_queries)
