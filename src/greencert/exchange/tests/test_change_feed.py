"""GET /api/v1/changes: the event log in sequence order; resuming never misses or repeats."""

from __future__ import annotations

import threading

import pytest
from django.db import connections, transaction

from greencert.certification.actions import restore_certificate, suspend_certificate
from greencert.certification.models import CertificateEvent
from greencert.core.tests.fixtures import in_days

pytestmark = pytest.mark.django_db


def page(api, **query):
    response = api.get("/api/v1/changes", query)
    assert response.status_code == 200, response.content
    return response.json()


def test_events_come_in_sequence_order_with_the_latest_sequence(buyer, issue, body_staff):
    _, api = buyer
    certificate = issue()
    suspend_certificate(body_staff, certificate, reason_code="S01", until=in_days(9))
    body = page(api, after=0)
    sequences = [e["sequence"] for e in body["events"]]
    assert sequences == sorted(sequences) == list(range(1, len(sequences) + 1))
    assert body["latest_sequence"] == sequences[-1]
    assert body["events"][-1]["type"] == "suspended"
    assert body["events"][-1]["certificate"] == certificate.number


def test_resuming_from_next_after_visits_every_event_exactly_once(buyer, issue, body_staff):
    _, api = buyer
    for _ in range(7):
        issue()
    seen, after = [], 0
    while True:
        body = page(api, after=after, limit=3)
        seen += [e["sequence"] for e in body["events"]]
        if body["next_after"] == body["latest_sequence"]:
            break
        after = body["next_after"]
    assert seen == list(range(1, 8))


def test_a_caught_up_reader_gets_an_empty_page_and_stays_put(buyer, issue):
    _, api = buyer
    issue()
    body = page(api, after=1)
    assert body["events"] == []
    assert body["next_after"] == 1 == body["latest_sequence"]


def test_filters_by_category_region_and_holder(buyer, issue, furniture, body, holder):
    _, api = buyer
    body.categories.add(furniture)
    coatings_in_huzhou = issue(site="330500")
    furniture_in_nanjing = issue(site="320100", category=furniture, certification_unit="实木家具")
    assert [e["certificate"] for e in page(api, category="furniture")["events"]] == [
        furniture_in_nanjing.number
    ]
    assert [e["certificate"] for e in page(api, region="330000")["events"]] == [
        coatings_in_huzhou.number
    ]
    assert [e["certificate"] for e in page(api, region="320100")["events"]] == [
        furniture_in_nanjing.number
    ]
    assert len(page(api, holder=holder.credit_code)["events"]) == 2
    assert page(api, holder="91350100M000100Y43")["events"] == []


def test_a_filtered_page_still_advances_past_what_it_scanned(buyer, issue, furniture, body):
    _, api = buyer
    for _ in range(5):
        issue()
    body_ = page(api, category="furniture", after=0, limit=3)
    assert body_["events"] == []
    assert body_["next_after"] == 3


def test_limit_above_1000_is_refused_naming_the_field(buyer):
    _, api = buyer
    response = api.get("/api/v1/changes", {"limit": 1001})
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "limit"


@pytest.mark.django_db(transaction=True)
def test_a_polling_reader_sees_no_gap_and_no_duplicate_under_concurrent_writers(
    make_client, issue, body_staff
):
    # The reader polls as fast as it can: a rate limit must not be what stops it.
    _, api = make_client("tight-poller", ["feed"], rate_limit_per_minute=1_000_000)
    certificates = [issue() for _ in range(6)]
    stop = threading.Event()
    errors: list[BaseException] = []

    def writer(certificate) -> None:
        try:
            for round_ in range(6):
                suspend_certificate(body_staff, certificate, reason_code="S01", until=in_days(9))
                if round_ % 3 == 2:
                    try:  # a transaction that appends an event and then rolls back
                        with transaction.atomic():
                            restore_certificate(body_staff, certificate, reason_code="T01")
                            raise RuntimeError("roll back")
                    except RuntimeError:
                        certificate.refresh_from_db()  # the rolled-back restore changed only memory
                restore_certificate(body_staff, certificate, reason_code="T01")
        except BaseException as exc:  # reported to the main thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(c,)) for c in certificates]
    for t in threads:
        t.start()
    seen: list[int] = []
    after = 0
    while True:
        body = page(api, after=after, limit=7)
        seen += [e["sequence"] for e in body["events"]]
        after = body["next_after"]
        if stop.is_set() and after == body["latest_sequence"]:
            break
        if not any(t.is_alive() for t in threads):
            stop.set()
    for t in threads:
        t.join()
    assert not errors
    total = CertificateEvent.objects.count()
    assert seen == list(range(1, total + 1))
    assert total == 6 + 6 * 6 * 2
