"""Blacklist periods of SAMR Order No. 44: a listing lasts three years; after one year the
listed party may apply for early removal, which the listing region's regulators decide."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from greencert.core.errors import PermissionRefused, ValidationFailed
from greencert.core.tests.fixtures import events_of
from greencert.supervision.actions import (
    add_years,
    apply_for_early_removal,
    decide_early_removal,
    list_on_blacklist,
)
from greencert.supervision.blacklist import is_listed

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 2)


@pytest.fixture
def today(time_machine):
    time_machine.move_to(dt.datetime(2026, 3, 2, 2, tzinfo=dt.UTC), tick=False)
    return TODAY


def listing(actor, holder, **extra):
    return list_on_blacklist(
        actor, enterprise=holder, basis_code="SCL-2022", facts="伪造检验报告", **extra
    )


def test_a_listing_lasts_three_years_by_default(today, anhui_regulator, holder):
    entry = listing(anhui_regulator, holder)
    assert entry.ends_on == dt.date(2029, 3, 1)


def test_an_end_date_beyond_three_years_is_refused_naming_the_field_and_the_limit(
    today, anhui_regulator, holder
):
    with pytest.raises(ValidationFailed) as refusal:
        listing(anhui_regulator, holder, ends_on=dt.date(2029, 3, 2))
    error = refusal.value
    assert (error.field, error.value) == ("ends_on", "2029-03-02")
    assert "2029-03-01" in error.expected_zh and "3 年" in error.expected_zh
    assert "2029-03-01" in error.expected_en and "3 years" in error.expected_en
    assert not is_listed(enterprise=holder)


def test_early_removal_cannot_be_applied_for_in_the_first_year(
    today, anhui_regulator, holder, enterprise_user, time_machine
):
    entry = listing(anhui_regulator, holder)
    time_machine.move_to(dt.datetime(2027, 3, 1, 2, tzinfo=dt.UTC), tick=False)
    with pytest.raises(ValidationFailed) as refusal:
        apply_for_early_removal(enterprise_user, entry, statement="已整改", evidence="罚款缴纳凭证")
    assert refusal.value.field == "applied_on"
    assert "2027-03-02" in refusal.value.expected_zh
    assert not entry.removal_applications.exists()


def test_only_a_user_of_the_listed_party_applies(
    today, anhui_regulator, holder, body_staff, time_machine
):
    entry = listing(anhui_regulator, holder)
    time_machine.move_to(dt.datetime(2027, 3, 2, 2, tzinfo=dt.UTC), tick=False)
    with pytest.raises(PermissionRefused):
        apply_for_early_removal(body_staff, entry, statement="已整改", evidence="凭证")


def test_after_a_year_an_approved_application_removes_the_listing_by_decision(
    today, anhui_regulator, holder, enterprise_user, issue, time_machine
):
    certificate = issue()
    entry = listing(anhui_regulator, holder)
    time_machine.move_to(dt.datetime(2027, 3, 2, 2, tzinfo=dt.UTC), tick=False)
    application = apply_for_early_removal(
        enterprise_user, entry, statement="已履行处罚决定，消除影响", evidence="缴款书；整改报告"
    )
    assert is_listed(enterprise=holder)
    decide_early_removal(anhui_regulator, application, approve=True, reason="符合提前移出条件")
    entry.refresh_from_db()
    assert (entry.removal_kind, entry.removed_on) == ("decision", dt.date(2027, 3, 2))
    assert not is_listed(enterprise=holder)
    last = events_of(certificate)[-1]
    assert (last.event_type, last.reason_code) == ("unflagged", "U02")
    page = Client().get("/supervision/blacklist/").content.decode()
    assert "2027-03-02" in page


def test_a_refusal_keeps_the_listing_and_records_its_reasons(
    today, anhui_regulator, zhejiang_regulator, holder, enterprise_user, time_machine
):
    entry = listing(anhui_regulator, holder)
    time_machine.move_to(dt.datetime(2027, 6, 1, 2, tzinfo=dt.UTC), tick=False)
    application = apply_for_early_removal(
        enterprise_user, entry, statement="已整改", evidence="凭证"
    )
    with pytest.raises(PermissionRefused):
        decide_early_removal(zhejiang_regulator, application, approve=True, reason="x")
    decide_early_removal(anhui_regulator, application, approve=False, reason="罚款尚未缴清")
    application.refresh_from_db()
    assert (application.state, application.decision_reason) == ("refused", "罚款尚未缴清")
    assert is_listed(enterprise=holder)


def test_add_years_keeps_29_february_in_range():
    assert add_years(dt.date(2028, 2, 29), 1) == dt.date(2029, 2, 28)


def test_the_party_applies_on_its_page_and_the_regulator_decides_in_the_office(
    today, anhui_regulator, holder, enterprise_user, time_machine
):
    entry = listing(anhui_regulator, holder)
    public = Client().get("/supervision/blacklist/").content.decode()
    assert f"/supervision/blacklist/{entry.pk}/apply/" in public and "2027-03-02" in public
    time_machine.move_to(dt.datetime(2027, 4, 1, 2, tzinfo=dt.UTC), tick=False)
    party = Client()
    party.force_login(enterprise_user.user)
    url = f"/supervision/blacklist/{entry.pk}/apply/"
    response = party.post(
        url, {"idempotency_key": "a1", "statement": "罚款已缴清", "evidence": "缴款书 2026-05-01"}
    )
    assert response["Location"] == url
    (application,) = entry.removal_applications.all()
    regulator = Client()
    regulator.force_login(anhui_regulator.user)
    office = regulator.get("/supervision/office/").content.decode()
    assert "罚款已缴清" in office and "缴款书 2026-05-01" in office
    decided = regulator.post(
        f"/supervision/office/early-removal/{application.pk}/",
        {"idempotency_key": "d1", "decision": "approve", "reason": "条件均已满足"},
    )
    assert decided.status_code == 302
    assert not is_listed(enterprise=holder)
    public = Client().get("/supervision/blacklist/").content.decode()
    assert "提前移出" in public and "2027-04-01" in public


def test_another_user_cannot_open_the_application_page(today, anhui_regulator, holder, body_staff):
    entry = listing(anhui_regulator, holder)
    client = Client()
    client.force_login(body_staff.user)
    assert client.get(f"/supervision/blacklist/{entry.pk}/apply/").status_code == 403


def test_the_public_blacklist_names_the_party_and_the_listing_region_in_words(
    today, anhui_regulator, holder
):
    listing(anhui_regulator, holder)
    page = Client().get("/supervision/blacklist/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    row = page.content.decode().split("<tbody>")[1].split("</tr>")[0]
    assert f"{holder.name}</a>" in row and f"({holder.credit_code})" not in row
    assert "<td>安徽省</td>" in row and ">340000<" not in row
