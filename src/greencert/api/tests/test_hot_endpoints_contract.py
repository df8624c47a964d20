"""The busiest endpoints answer exactly what the committed OpenAPI document says, in every case:
each real response is validated against ``api/openapi.json`` (status, content type, body, and no
undocumented field)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client

from greencert.api.tests.contract import assert_documented
from greencert.certification.actions import restore_certificate, suspend_certificate
from greencert.certification.numbers import compose
from greencert.core.actors import Actor
from greencert.core.tests.fixtures import in_days, region
from greencert.exchange.actions import create_client
from greencert.parties.models import Role
from greencert.supervision.actions import list_on_blacklist

pytestmark = pytest.mark.django_db

ONE = "/api/v1/certificates/{number}"
LIST = "/api/v1/certificates"
SEARCH = "/api/v1/search"
VERIFY = "/api/v1/verify"
CHANGES = "/api/v1/changes"


@pytest.fixture
def registry(issue, certificate_in_status, body_staff, holder, make_actor):
    """Certificates in every status, one with a suspension and restoration in its history, and
    the holder on the blacklist, so answers carry histories and blacklist flags."""
    lively = issue()
    suspend_certificate(body_staff, lively, reason_code="S01", until=in_days(30))
    restore_certificate(body_staff, lively, reason_code="T01")
    for status in ("02", "03", "04", "05"):
        certificate_in_status(status)
    regulator = make_actor("ah-regulator", Role.REGULATOR, region=region("340000"))
    list_on_blacklist(
        regulator,
        enterprise=holder,
        basis_code="SCL-2022",
        facts="伪造检验报告",
        ends_on=in_days(90),
    )
    lively.refresh_from_db()
    return lively


def token(*scopes: str, per_minute: int = 600) -> str:
    _, secret = create_client(
        Actor.for_system("console"),
        name="-".join(scopes),
        scopes=list(scopes),
        rate_limit_per_minute=per_minute,
    )
    return secret


def typo_of(number: str) -> str:
    return number[:10] + ("7" if number[10] != "7" else "8") + number[11:]


# -- GET /api/v1/certificates/{number} -------------------------------------------------------------


@pytest.mark.parametrize("at", [None, "2020-01-01", "today"])
def test_a_certificate_with_history_and_blacklist_flags(client, registry, at):
    params = {"at": dt.date.today().isoformat() if at == "today" else at} if at else {}
    response = client.get(f"{LIST}/{registry.number}", params)
    body = assert_documented(response, "get", ONE)
    assert response.status_code == 200
    assert [e["type"] for e in body["history"]][:3] == ["issued", "suspended", "restored"]
    assert body["blacklisted"] and body["blacklist"]


def test_lookup_answers_that_find_no_certificate(client, registry):
    unknown = compose("33", 2025, 9_999_998) or compose("33", 2025, 9_999_997)
    for typed, status in ((typo_of(registry.number), 400), ("HELLO", 400), (unknown, 404)):
        response = client.get(f"{LIST}/{typed}")
        assert response.status_code == status
        assert_documented(response, "get", ONE)


def test_lookups_by_a_body_number_one_body_or_two_bodies_use(
    client, sharing_a_body_number, registry
):
    # (the shared number first: the registry fixture puts the holder on the blacklist)
    found = client.get(f"{LIST}/{registry.body_number.lower()}")
    assert found.status_code == 200
    assert assert_documented(found, "get", ONE)["number"] == registry.number
    several = client.get(f"{LIST}/{sharing_a_body_number[0].body_number}")
    assert several.status_code == 300
    assert len(assert_documented(several, "get", ONE)["error"]["matches"]) == 2


@pytest.mark.parametrize(
    ("at", "status"), [("2100-01-01", 400), ("2999-01-01", 422), ("yesterday", 422)]
)
def test_a_bad_date_for_a_certificate(client, registry, at, status):
    response = client.get(f"{LIST}/{registry.number}", {"at": at})
    assert response.status_code == status
    assert assert_documented(response, "get", ONE)["error"]["field"] == "at"


# -- GET /api/v1/certificates ----------------------------------------------------------------------


def test_every_page_of_the_certificate_list(client, registry):
    cursor, pages = None, 0
    while True:
        response = client.get(LIST, {"limit": 2} | ({"cursor": cursor} if cursor else {}))
        body = assert_documented(response, "get", LIST)
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert pages == 3


def test_a_filtered_list_with_blacklist_flags(client, registry):
    response = client.get(LIST, {"status": "01", "pilot_zone": "true"})
    body = assert_documented(response, "get", LIST)
    assert body["items"] and all(item["blacklisted"] for item in body["items"])


@pytest.mark.parametrize(("params", "status"), [({"cursor": "forged"}, 400), ({"limit": "0"}, 422)])
def test_refused_list_requests(client, registry, params, status):
    response = client.get(LIST, params)
    assert response.status_code == status
    assert_documented(response, "get", LIST)


# -- GET /api/v1/search ----------------------------------------------------------------------------


def test_search_results_of_every_kind(client, registry):
    response = client.get(SEARCH, {"limit": 100})
    body = assert_documented(response, "get", SEARCH)
    assert {item["kind"] for item in body["items"]} == {"certificate", "enterprise", "body"}
    assert any(item["blacklisted"] for item in body["items"])


def test_search_pages_follow_the_cursor(client, registry):
    first = assert_documented(client.get(SEARCH, {"q": "涂料", "limit": 2}), "get", SEARCH)
    rest = client.get(SEARCH, {"q": "涂料", "limit": 2, "cursor": first["next_cursor"]})
    assert assert_documented(rest, "get", SEARCH)["items"]


@pytest.mark.parametrize(
    ("params", "status"),
    [({"province": "999999"}, 400), ({"status": "09"}, 422), ({"cursor": "x"}, 400)],
)
def test_refused_searches(client, registry, params, status):
    response = client.get(SEARCH, params)
    assert response.status_code == status
    assert_documented(response, "get", SEARCH)


# -- POST /api/v1/verify ---------------------------------------------------------------------------


def test_batch_verification_with_every_kind_of_answer_and_a_receipt(registry, holder):
    api = Client(HTTP_AUTHORIZATION=f"Bearer {token('verify')}")
    unknown = compose("33", 2025, 9_999_998) or compose("33", 2025, 9_999_997)
    payload = {
        "numbers": [registry.number, typo_of(registry.number), "HELLO", unknown],
        "holders": [holder.credit_code, "91350100M000100Y43"],
        "at": "2020-06-30",
        "receipt": True,
    }
    response = api.post(VERIFY, json.dumps(payload), content_type="application/json")
    body = assert_documented(response, "post", VERIFY)
    assert {r["result"] for r in body["results"]} == {"found", "mistyped", "malformed", "unknown"}
    assert body["receipt"]


def test_batch_verification_by_body_numbers_one_body_or_two_bodies_use(
    sharing_a_body_number, registry
):
    api = Client(HTTP_AUTHORIZATION=f"Bearer {token('verify')}")
    payload = {"numbers": [registry.body_number, "SH-2026-GP-0001"], "receipt": True}
    response = api.post(VERIFY, json.dumps(payload), content_type="application/json")
    body = assert_documented(response, "post", VERIFY)
    assert [(r["result"], r["matched_by"]) for r in body["results"]] == [
        ("found", "body_number"),
        ("several", "body_number"),
    ]


@pytest.mark.parametrize(
    ("payload", "status"),
    [
        ({"numbers": ["GC"] * 600, "holders": ["9"] * 600}, 400),
        ({"numbers": "GC3220250000123K"}, 422),
    ],
)
def test_refused_verifications(registry, payload, status):
    api = Client(HTTP_AUTHORIZATION=f"Bearer {token('verify')}")
    response = api.post(VERIFY, json.dumps(payload), content_type="application/json")
    assert response.status_code == status
    assert_documented(response, "post", VERIFY)


def test_verification_without_a_token(client):
    response = client.post(VERIFY, "{}", content_type="application/json")
    assert response.status_code == 401
    assert_documented(response, "post", VERIFY)


# -- GET /api/v1/changes ---------------------------------------------------------------------------


def test_the_change_feed_from_the_start_and_filtered(registry, holder):
    api = Client(HTTP_AUTHORIZATION=f"Bearer {token('feed')}")
    whole = assert_documented(api.get(CHANGES, {"limit": 1000}), "get", CHANGES)
    assert {"issued", "suspended", "restored", "flagged"} <= {e["type"] for e in whole["events"]}
    mine = api.get(CHANGES, {"holder": holder.credit_code, "region": "330000"})
    assert assert_documented(mine, "get", CHANGES)["events"]


def test_the_change_feed_refuses_past_the_rate_limit_and_without_a_token(client, registry):
    api = Client(HTTP_AUTHORIZATION=f"Bearer {token('feed', per_minute=1)}")
    assert_documented(api.get(CHANGES), "get", CHANGES)
    limited = api.get(CHANGES)
    assert limited.status_code == 429
    assert_documented(limited, "get", CHANGES)
    anonymous = client.get(CHANGES)
    assert anonymous.status_code == 401
    assert_documented(anonymous, "get", CHANGES)
