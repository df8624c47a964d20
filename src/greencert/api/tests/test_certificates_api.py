"""``/api/v1/certificates``: detail, lookup answers, filters, cursor pagination and the schema."""

from __future__ import annotations

import pytest

from greencert.catalog.models import Category
from greencert.certification.actions import (
    cancel_certificate,
    issue_certificate,
    revoke_certificate,
    suspend_certificate,
)
from greencert.certification.numbers import check_number, compose
from greencert.core.tests.fixtures import COATINGS_UNIT, FURNITURE_UNIT, in_days, region
from greencert.parties.factory import CertificationBodyFactory, EnterpriseFactory
from greencert.parties.models import Role

pytestmark = pytest.mark.django_db

URL = "/api/v1/certificates"


@pytest.fixture
def registry(make_actor):
    """Six certificates spread over two holders, two bodies, two categories, zones and statuses.

    key  holder body category   site                      zones          status
    A    h1     b1   coatings   330500 湖州市              pilot          01
    B    h2     b1   furniture  320509 吴江区 (苏州)       pilot + demo   02
    C    h1     b2   coatings   320100 南京市              -              03
    D    h2     b2   furniture  310118 青浦区              pilot + demo   01
    E    h1     b1   coatings   330421 嘉善县 (嘉兴)       pilot + demo   04
    F    h2     b2   coatings   340100 合肥市              -              01
    """
    coatings = Category.objects.get(code="coatings")
    furniture = Category.objects.get(code="furniture")
    h1, h2 = EnterpriseFactory.create(), EnterpriseFactory.create()
    b1 = CertificationBodyFactory.create(categories=[coatings, furniture])
    b2 = CertificationBodyFactory.create(categories=[coatings, furniture])
    staff = {
        b1: make_actor("b1-staff", Role.BODY_STAFF, body=b1),
        b2: make_actor("b2-staff", Role.BODY_STAFF, body=b2),
    }
    plan = {
        "A": (h1, b1, coatings, "330500"),
        "B": (h2, b1, furniture, "320509"),
        "C": (h1, b2, coatings, "320100"),
        "D": (h2, b2, furniture, "310118"),
        "E": (h1, b1, coatings, "330421"),
        "F": (h2, b2, coatings, "340100"),
    }
    certificates = {}
    for key, (holder, body, category, site) in plan.items():
        certificates[key] = issue_certificate(
            staff[body],
            holder=holder,
            body=body,
            category=category,
            certification_unit=COATINGS_UNIT if category == coatings else FURNITURE_UNIT,
            site_region=region(site),
        )
    suspend_certificate(staff[b1], certificates["B"], reason_code="S01", until=in_days(30))
    revoke_certificate(staff[b2], certificates["C"], reason_code="R02")
    cancel_certificate(staff[b1], certificates["E"], reason_code="C04")
    return {
        "certificates": certificates,
        "h1": h1.credit_code,
        "h2": h2.credit_code,
        "b1": b1.approval_number,
        "b2": b2.approval_number,
    }


def numbers_of(response, registry):
    assert response.status_code == 200, response.content
    by_number = {c.number: key for key, c in registry["certificates"].items()}
    return sorted(by_number[item["number"]] for item in response.json()["items"])


# -- one certificate -------------------------------------------------------------------------------


def test_a_certificate_is_answered_with_status_parties_category_standard_and_dates(
    client, issued_certificate, holder, body
):
    response = client.get(f"{URL}/{issued_certificate.number}")
    assert response.status_code == 200
    data = response.json()
    assert data["number"] == issued_certificate.number
    assert data["status"]["code"] == "01"
    assert data["status"]["label_zh"] == "有效"
    assert data["status"]["label_en"] == "valid"
    assert data["holder"] == {"id": holder.credit_code, "name": holder.name}
    assert data["body"] == {"id": body.approval_number, "name": body.name}
    assert data["category"] == {"code": "coatings", "name_zh": "涂料", "name_en": "Coatings"}
    assert data["standard"] == "GB/T 35602-2017"
    assert data["certification_unit"] == COATINGS_UNIT
    assert data["issue_date"] == issued_certificate.issue_date.isoformat()
    assert data["initial_issue_date"] == issued_certificate.issue_date.isoformat()
    assert data["expiry_date"] == issued_certificate.expiry_date.isoformat()
    assert data["site_region"]["code"] == "330500"
    assert data["verify_url"].endswith(f"/verify/{issued_certificate.number}")


def test_a_lower_case_number_with_spaces_finds_the_certificate(client, issued_certificate):
    typed = issued_certificate.number.lower()
    response = client.get(f"{URL}/{typed[:8]}%20{typed[8:]}")
    assert response.status_code == 200
    assert response.json()["number"] == issued_certificate.number


def test_the_history_lists_every_event_in_sequence_order(client, issued_certificate, body_staff):
    suspend_certificate(body_staff, issued_certificate, reason_code="S03", until=in_days(10))
    revoke_certificate(body_staff, issued_certificate, reason_code="R01")
    data = client.get(f"{URL}/{issued_certificate.number}").json()
    history = data["history"]
    assert [e["type"] for e in history] == ["issued", "suspended", "revoked"]
    assert [(e["status_before"], e["status_after"]) for e in history] == [
        ("", "01"),
        ("01", "02"),
        ("02", "03"),
    ]
    assert [e["reason_code"] for e in history] == ["I01", "S03", "R01"]
    sequences = [e["sequence"] for e in history]
    assert sequences == sorted(sequences)
    assert len(set(sequences)) == 3
    assert data["status"] == {
        "code": "03",
        "label_zh": "撤销",
        "label_en": "revoked",
        "reason_code": "R01",
        "reason_zh": "暂停期满未完成整改",
        "reason_en": "suspension period ended without correction",
    }


def test_an_unknown_well_formed_number_is_not_found(client, issued_certificate):
    unknown = compose("33", 2025, 9_999_998) or compose("33", 2025, 9_999_997)
    response = client.get(f"{URL}/{unknown}")
    assert response.status_code == 404
    error = response.json()["error"]
    assert error["code"] == "not_found"
    assert error["field"] == "number"
    assert error["value"] == unknown
    assert error["message_zh"]
    assert error["message_en"]


def swap_neighbours(number: str) -> str:
    """The number with its last pair of different neighbouring characters swapped."""
    i = max(i for i in range(2, len(number) - 1) if number[i] != number[i + 1])
    return number[:i] + number[i + 1] + number[i] + number[i + 2 :]


def test_a_number_with_two_neighbours_swapped_is_mistyped_and_offers_the_real_one(
    client, issued_certificate
):
    typo = swap_neighbours(issued_certificate.number)
    assert check_number(typo).verdict == "mistyped"
    response = client.get(f"{URL}/{typo}")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "mistyped"
    assert error["field"] == "number"
    assert issued_certificate.number in error["candidates"]
    assert "校验码" in error["message_zh"]
    assert "check character" in error["message_en"]


def test_a_number_with_one_character_mistyped_offers_the_real_one(client, issued_certificate):
    number = issued_certificate.number
    typo = number[:10] + ("7" if number[10] != "7" else "8") + number[11:]
    error = client.get(f"{URL}/{typo}").json()["error"]
    assert error["code"] == "mistyped"
    assert error["candidates"] == [number]


@pytest.mark.parametrize("typed", ["HELLO", "GC33", "12345678901234567890"])
def test_text_that_is_not_a_certificate_number_is_malformed(client, typed):
    response = client.get(f"{URL}/{typed}")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "malformed"
    assert error["candidates"] == []
    assert "16" in error["message_zh"]
    assert "16 characters" in error["message_en"]


# -- by the issuing body's own number (机构证书编号) --------------------------------------------------


def test_the_answer_carries_the_body_number_beside_the_registry_number(client, issue):
    certificate = issue(body_number="SH-2026-GP-0042")
    data = client.get(f"{URL}/{certificate.number}").json()
    assert (data["number"], data["body_number"]) == (certificate.number, "SH-2026-GP-0042")


@pytest.mark.parametrize(
    "typed",
    ["SH-2026-GP-0042", "sh-2026-gp-0042", "ＳＨ－２０２６－ＧＰ－００４２", "SH-2026-GP-%200042"],
)
def test_a_body_number_finds_the_certificate(client, issue, typed):
    certificate = issue(body_number="SH-2026-GP-0042")
    response = client.get(f"{URL}/{typed}")
    assert response.status_code == 200
    assert response.json()["number"] == certificate.number


def test_a_body_number_two_bodies_use_is_answered_300_with_each_certificate_and_its_body(
    client, sharing_a_body_number
):
    response = client.get(f"{URL}/sh-2026-gp-0001")
    assert response.status_code == 300
    assert "Location" not in response  # no client may follow it to one of them unasked
    error = response.json()["error"]
    assert error["code"] == "several"
    assert error["field"] == "number"
    assert error["value"] == "sh-2026-gp-0001"
    assert error["candidates"] == [c.number for c in sharing_a_body_number]
    assert [
        (m["number"], m["body_number"], m["body"]["id"], m["body"]["name"], m["url"])
        for m in error["matches"]
    ] == [
        (
            c.number,
            "SH-2026-GP-0001",
            c.body.approval_number,
            c.body.name,
            f"{URL}/{c.number}",
        )
        for c in sharing_a_body_number
    ]
    for certificate in sharing_a_body_number:
        assert certificate.body.name in error["message_zh"]
        assert certificate.body.name in error["message_en"]


def test_each_match_of_a_shared_body_number_opens_by_its_url(client, sharing_a_body_number):
    matches = client.get(f"{URL}/SH-2026-GP-0001").json()["error"]["matches"]
    for match in matches:
        assert client.get(match["url"]).json()["body"]["id"] == match["body"]["id"]


def test_a_body_number_on_record_nowhere_is_malformed_naming_both_numbers(client, issue):
    issue(body_number="SH-2026-GP-0042")
    response = client.get(f"{URL}/SH-2026-GP-0043")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "malformed"
    assert "机构证书编号" in error["message_zh"]
    assert "body's own certificate number" in error["message_en"]


@pytest.mark.parametrize(
    "typed", ["SH-2026-GP-0001", "sh-2026-gp-0001", " ＳＨ－２０２６－ＧＰ－０００１ "]
)
def test_the_body_number_filter_lists_every_certificate_with_that_number(
    client, sharing_a_body_number, issue, typed
):
    issue(body_number="SH-2026-GP-0002")
    response = client.get(URL, {"body_number": typed})
    assert response.status_code == 200
    items = response.json()["items"]
    assert sorted(i["number"] for i in items) == sorted(c.number for c in sharing_a_body_number)
    assert {i["body_number"] for i in items} == {"SH-2026-GP-0001"}


def test_the_body_number_filter_combines_with_the_body_filter(client, sharing_a_body_number):
    first = sharing_a_body_number[0]
    params = {"body_number": "SH-2026-GP-0001", "body": first.body.approval_number}
    items = client.get(URL, params).json()["items"]
    assert [i["number"] for i in items] == [first.number]


# -- the list --------------------------------------------------------------------------------------


def test_without_filters_every_certificate_is_listed(client, registry):
    assert numbers_of(client.get(URL), registry) == ["A", "B", "C", "D", "E", "F"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"holder": "h1"}, ["A", "C", "E"]),
        ({"holder": "h2"}, ["B", "D", "F"]),
        ({"body": "b1"}, ["A", "B", "E"]),
        ({"body": "b2"}, ["C", "D", "F"]),
        ({"category": "furniture"}, ["B", "D"]),
        ({"category": "coatings"}, ["A", "C", "E", "F"]),
        ({"category": "paper"}, []),
        ({"province": "330000"}, ["A", "E"]),
        ({"province": "320000"}, ["B", "C"]),
        ({"province": "310000"}, ["D"]),
        ({"city": "320500"}, ["B"]),
        ({"city": "330400"}, ["E"]),
        ({"city": "310000"}, ["D"]),
        ({"pilot_zone": "true"}, ["A", "B", "D", "E"]),
        ({"pilot_zone": "false"}, ["C", "F"]),
        ({"demonstration_zone": "true"}, ["B", "D", "E"]),
        ({"demonstration_zone": "false"}, ["A", "C", "F"]),
        ({"status": "01"}, ["A", "D", "F"]),
        ({"status": "02"}, ["B"]),
        ({"status": "03"}, ["C"]),
        ({"status": "04"}, ["E"]),
        ({"status": "05"}, []),
        ({"holder": "h1", "category": "coatings", "status": "01"}, ["A"]),
        ({"body": "b2", "pilot_zone": "true"}, ["D"]),
    ],
)
def test_each_filter_narrows_the_list(client, registry, query, expected):
    params = {k: registry.get(v, v) for k, v in query.items()}
    assert numbers_of(client.get(URL, params), registry) == expected


def test_holder_and_body_filters_accept_lower_case(client, registry):
    params = {"holder": registry["h1"].lower(), "body": registry["b1"].lower()}
    assert numbers_of(client.get(URL, params), registry) == ["A", "E"]


def test_list_items_carry_status_labels(client, registry):
    items = client.get(URL, {"status": "02"}).json()["items"]
    assert items[0]["status"]["label_zh"] == "暂停"
    assert items[0]["status"]["label_en"] == "suspended"


def pages(client, params):
    cursor, seen, count = None, [], 0
    while True:
        query = dict(params, **({"cursor": cursor} if cursor else {}))
        response = client.get(URL, query)
        assert response.status_code == 200
        page = response.json()
        count += 1
        assert len(page["items"]) <= int(params["limit"])
        seen += [item["number"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            return seen, count
        assert count < 20, "pagination does not end"


@pytest.mark.parametrize("limit", [1, 2, 4, 6, 50])
def test_cursor_pagination_visits_every_certificate_exactly_once(client, registry, limit):
    seen, count = pages(client, {"limit": limit})
    expected = {c.number for c in registry["certificates"].values()}
    assert sorted(seen) == sorted(expected)
    assert len(seen) == len(set(seen))
    assert count == max(1, -(-6 // limit))


def test_cursor_pagination_keeps_the_filters(client, registry):
    seen, _ = pages(client, {"limit": 1, "pilot_zone": "true"})
    keys = {c.number: k for k, c in registry["certificates"].items()}
    assert sorted(keys[n] for n in seen) == ["A", "B", "D", "E"]


@pytest.mark.parametrize("cursor", ["!!!", "not-a-cursor", "5L%"])
def test_an_invalid_cursor_is_refused_with_a_bilingual_error_naming_the_field(
    client, registry, cursor
):
    response = client.get(URL, {"cursor": cursor})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["field"] == "cursor"
    assert error["value"] == cursor
    assert "cursor" in error["message_en"]
    assert "next_cursor" in error["message_zh"]


@pytest.mark.parametrize("limit", ["0", "-1", "201", "ten"])
def test_an_invalid_limit_is_refused_with_a_bilingual_error_naming_the_field(client, limit):
    response = client.get(URL, {"limit": limit})
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["field"] == "limit"
    assert error["value"] == limit
    assert error["message_zh"].startswith("字段 limit")
    assert error["message_en"].startswith("limit:")


def test_an_unknown_status_code_is_refused_naming_the_field(client):
    response = client.get(URL, {"status": "09"})
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "status"


# -- schema, docs, health --------------------------------------------------------------------------


def test_the_openapi_document_is_version_3_1_and_documents_both_endpoints(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.1")
    paths = schema["paths"]
    assert "get" in paths["/api/v1/certificates"]
    assert "get" in paths["/api/v1/certificates/{number}"]
    list_params = {p["name"] for p in paths["/api/v1/certificates"]["get"]["parameters"]}
    assert {
        "holder",
        "body",
        "category",
        "province",
        "city",
        "pilot_zone",
        "demonstration_zone",
        "status",
        "cursor",
        "limit",
    } <= list_params
    detail = paths["/api/v1/certificates/{number}"]["get"]
    assert {p["name"] for p in detail["parameters"]} == {"number", "at"}
    assert {"200", "400", "404"} <= set(detail["responses"])


def test_the_api_docs_page_renders_without_any_cdn(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode().lower()
    assert "openapi.json" in html
    for cdn in ("cdn.", "jsdelivr", "unpkg"):
        assert cdn not in html


def test_the_health_check_reports_the_database_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    data = response.json()
    assert data["status"] == "ok"
    assert data["database"] == "ok"


def test_an_empty_filter_filters_nothing(client, registry):
    blank = {"holder": "", "status": "", "pilot_zone": ""}
    assert numbers_of(client.get(URL, blank), registry) == ["A", "B", "C", "D", "E", "F"]
