"""Search results carry the blacklist flag, on the ``/search`` page and in ``GET /api/v1/search``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from greencert.core.actors import Actor
from greencert.core.tests.fixtures import in_days, region
from greencert.parties.factory import EnterpriseFactory
from greencert.parties.models import Role
from greencert.supervision.actions import list_on_blacklist, remove_from_blacklist

pytestmark = pytest.mark.django_db

BADGE = 'class="badge blacklisted"'


@pytest.fixture
def regulator(make_actor: Callable[..., Actor]) -> Actor:
    return make_actor("ah-regulator", Role.REGULATOR, region=region("340000"))


def listing(actor, days: int = 365, **subject):
    return list_on_blacklist(
        actor, basis_code="SCL-2022", facts="伪造检验报告", ends_on=in_days(days), **subject
    )


def flags(client, q: str = "涂料", **params) -> dict[str, bool]:
    items = client.get("/api/v1/search", {"q": q, **params}).json()["items"]
    return {item["key"]: item["blacklisted"] for item in items}


def test_listing_an_enterprise_flags_its_certificates_and_itself_in_the_api(
    client, issue, regulator, holder
):
    first, second = issue(), issue()
    other = issue(holder=EnterpriseFactory.create(region=region("330500")))
    assert not any(flags(client).values())
    listing(regulator, enterprise=holder)
    assert flags(client) == {
        first.number: True,
        second.number: True,
        other.number: False,
        holder.credit_code: True,
        other.holder.credit_code: False,
    }


def test_listing_an_enterprise_puts_a_badge_on_its_certificates_on_the_page(
    client, issued_certificate, regulator, holder
):
    page = client.get("/search", {"q": "涂料"}).content.decode()
    assert BADGE not in page
    listing(regulator, enterprise=holder)
    page = client.get("/search", {"q": "涂料"}).content.decode()
    assert f"{BADGE}>持证企业或认证机构已列入黑名单</span>" in page
    assert f"{BADGE}>已列入黑名单</span>" in page
    english = client.get("/search", {"q": "涂料", "lang": "en"}).content.decode()
    assert f"{BADGE}>Holder or issuing body blacklisted</span>" in english
    assert f"{BADGE}>On the blacklist</span>" in english


def test_removal_from_the_blacklist_clears_the_flag(client, issued_certificate, regulator, holder):
    entry = listing(regulator, enterprise=holder)
    remove_from_blacklist(regulator, entry, reason="已整改并履行处罚")
    assert flags(client) == {issued_certificate.number: False, holder.credit_code: False}
    assert BADGE not in client.get("/search", {"q": "涂料"}).content.decode()


def test_a_body_listing_flags_the_certificates_it_issued_and_the_body(
    client, issue, regulator, body, other_body, other_body_staff
):
    issued = issue()
    elsewhere = issue(body=other_body, actor=other_body_staff)
    listing(regulator, body=body)
    assert flags(client, q="认证中心") == {
        issued.number: True,
        elsewhere.number: False,
        body.approval_number: True,
        other_body.approval_number: False,
    }


def test_a_listing_stops_showing_once_its_period_has_ended(
    client, issued_certificate, regulator, holder
):
    listing(regulator, days=3, enterprise=holder)
    assert flags(client) == {issued_certificate.number: True, holder.credit_code: True}
    with time_machine.travel(timezone.now() + dt.timedelta(days=4), tick=False):
        assert flags(client) == {issued_certificate.number: False, holder.credit_code: False}


def test_flagged_results_take_as_many_queries_for_one_as_for_many(client, issue, regulator, holder):
    issue()
    listing(regulator, enterprise=holder)
    with CaptureQueriesContext(connection) as one_api:
        assert list(flags(client).values()) == [True, True]
    with CaptureQueriesContext(connection) as one_page:
        client.get("/search", {"q": "涂料"})
    for _ in range(6):
        other = EnterpriseFactory.create(region=region("330500"))
        issue(holder=other)
        listing(regulator, enterprise=other)
    with CaptureQueriesContext(connection) as many_api:
        assert list(flags(client).values()) == [True] * 14
    with CaptureQueriesContext(connection) as many_page:
        assert client.get("/search", {"q": "涂料"}).content.decode().count(BADGE) == 14
    assert len(many_api) == len(one_api)
    assert len(many_page) == len(one_page)
