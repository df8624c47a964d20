"""The blacklist binds all four provinces: every effect of a listing, and of its removal."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from greencert.certification.models import Certificate, CertificateEvent
from greencert.certification.workflow.actions import submit_application
from greencert.core.errors import PermissionRefused, TransitionRefused, ValidationFailed
from greencert.core.tests.fixtures import COATINGS_UNIT, events_of, in_days, region
from greencert.exchange.batch_verification import verify_batch
from greencert.exchange.feed import read_changes
from greencert.supervision.actions import (
    end_expired_listings,
    list_on_blacklist,
    remove_from_blacklist,
)
from greencert.supervision.blacklist import (
    flagged_certificate_ids,
    is_certificate_flagged,
    is_listed,
)
from greencert.supervision.models import BlacklistEntry

pytestmark = pytest.mark.django_db


def listing(actor, **subject):
    return list_on_blacklist(
        actor, basis_code="SCL-2022", facts="伪造检验报告", ends_on=in_days(365), **subject
    )


def test_a_regulator_of_any_province_lists_an_enterprise_certified_elsewhere(
    issued_certificate, anhui_regulator, holder
):
    entry = listing(anhui_regulator, enterprise=holder)
    assert entry.region_id == "340000"
    assert is_listed(enterprise=holder)
    assert is_listed(enterprise=holder.pk, on=dt.date.today())
    assert not is_listed(enterprise=holder, on=dt.date.today() - dt.timedelta(days=1))


def test_listing_flags_each_certificate_with_an_event_and_keeps_its_status(
    issue, anhui_regulator, holder
):
    first, second = issue(), issue()
    listing(anhui_regulator, enterprise=holder)
    for certificate in (first, second):
        certificate.refresh_from_db()
        last = events_of(certificate)[-1]
        assert (last.event_type, last.reason_code) == ("flagged", "B01")
        assert last.status_before == last.status_after == certificate.status == "01"
        assert last.payload["subject_id"] == holder.credit_code
        assert is_certificate_flagged(certificate)
    assert flagged_certificate_ids([first.pk, second.pk]) == {first.pk, second.pk}


def test_people_who_are_not_regulators_cannot_list(issued_certificate, body_staff, holder):
    with pytest.raises(PermissionRefused):
        listing(body_staff, enterprise=holder)
    assert not BlacklistEntry.objects.exists()
    assert not CertificateEvent.objects.filter(event_type="flagged").exists()


def test_a_listed_enterprise_cannot_apply_and_is_told_why(
    issued_certificate, anhui_regulator, holder, enterprise_user, body, coatings
):
    listing(anhui_regulator, enterprise=holder)
    with pytest.raises(PermissionRefused) as refusal:
        submit_application(
            enterprise_user,
            enterprise=holder,
            body=body,
            category=coatings,
            certification_unit=COATINGS_UNIT,
            site_region=region("330500"),
            products=[{"name": COATINGS_UNIT, "models": ["LH-1"]}],
            production_site="湖州",
        )
    error = refusal.value.as_dict()
    assert error["code"] == "blacklisted"
    assert "伪造检验报告" in error["message_zh"] and "blacklist" in error["message_en"]


def test_a_listed_body_cannot_issue_certificates(issue, anhui_regulator, body):
    issue()
    listing(anhui_regulator, body=body)
    with pytest.raises(PermissionRefused) as refusal:
        issue()
    assert refusal.value.code == "blacklisted"
    assert Certificate.objects.count() == 1


def test_a_listing_limited_to_other_categories_does_not_refuse(issue, anhui_regulator, holder):
    certificate = issue()
    list_on_blacklist(
        anhui_regulator,
        enterprise=holder,
        basis_code="PQL-2018",
        facts="家具甲醛超标",
        ends_on=in_days(90),
        categories=["furniture"],
    )
    assert not is_certificate_flagged(certificate)
    assert issue().status == "01"


def test_verify_page_shows_the_flag(issued_certificate, anhui_regulator, holder):
    client = Client()
    assert "blacklist-flag" not in client.get(f"/verify/{issued_certificate.number}").text
    listing(anhui_regulator, enterprise=holder)
    page = client.get(f"/verify/{issued_certificate.number}?lang=en").text
    assert "blacklist-flag" in page and "伪造检验报告" in page


def test_certificate_api_shows_the_flag_in_detail_and_list(
    issued_certificate, anhui_regulator, holder
):
    client = Client()
    listing(anhui_regulator, enterprise=holder)
    detail = client.get(f"/api/v1/certificates/{issued_certificate.number}").json()
    assert detail["blacklisted"] is True
    assert detail["blacklist"][0]["subject_id"] == holder.credit_code
    assert detail["blacklist"][0]["basis_code"] == "SCL-2022"
    items = client.get("/api/v1/certificates").json()["items"]
    assert [i["blacklisted"] for i in items] == [True]


def test_batch_verification_shows_the_flag_to_buyers(issued_certificate, anhui_regulator, holder):
    def flag() -> bool:
        answer = verify_batch([issued_certificate.number], [], None)
        return answer["results"][0]["certificates"][0]["blacklisted"]

    assert flag() is False
    entry = listing(anhui_regulator, enterprise=holder)
    assert flag() is True
    remove_from_blacklist(anhui_regulator, entry, reason="已整改并履行处罚")
    assert flag() is False


def test_the_change_feed_carries_flag_and_unflag(issued_certificate, anhui_regulator, holder):
    entry = listing(anhui_regulator, enterprise=holder)
    remove_from_blacklist(anhui_regulator, entry, reason="已整改并履行处罚")
    types = [e["type"] for e in read_changes(0, 100)["events"]]
    assert types == ["issued", "flagged", "unflagged"]


def test_removal_by_decision_lifts_every_effect_and_keeps_the_history(
    issued_certificate, anhui_regulator, holder
):
    entry = listing(anhui_regulator, enterprise=holder)
    remove_from_blacklist(anhui_regulator, entry, reason="行政复议撤销处罚决定")
    entry.refresh_from_db()
    assert entry.removal_kind == "decision" and entry.removed_by_label == "user:ah-regulator"
    assert not is_listed(enterprise=holder)
    assert is_listed(enterprise=holder, on=dt.date.today() - dt.timedelta(days=0)) is False
    assert not is_certificate_flagged(issued_certificate)
    last = events_of(issued_certificate)[-1]
    assert (last.event_type, last.reason_code) == ("unflagged", "U02")
    with pytest.raises(TransitionRefused):
        remove_from_blacklist(anhui_regulator, entry, reason="again")


def test_only_the_listing_region_decides_removal(
    issued_certificate, anhui_regulator, shanghai_regulator, holder
):
    entry = listing(anhui_regulator, enterprise=holder)
    with pytest.raises(PermissionRefused):
        remove_from_blacklist(shanghai_regulator, entry, reason="x")
    assert is_listed(enterprise=holder)


def test_a_party_is_listed_once_at_a_time(issued_certificate, anhui_regulator, holder):
    listing(anhui_regulator, enterprise=holder)
    with pytest.raises(TransitionRefused) as refusal:
        listing(anhui_regulator, enterprise=holder)
    assert refusal.value.code == "already_listed"
    assert CertificateEvent.objects.filter(event_type="flagged").count() == 1


def test_bad_input_names_the_field(anhui_regulator, holder):
    with pytest.raises(ValidationFailed) as refusal:
        list_on_blacklist(
            anhui_regulator, enterprise=holder, basis_code="NOPE", facts="x", ends_on=in_days(9)
        )
    assert refusal.value.field == "basis_code"
    with pytest.raises(ValidationFailed) as refusal:
        list_on_blacklist(
            anhui_regulator,
            enterprise=holder,
            basis_code="SCL-2022",
            facts="x",
            ends_on=in_days(-1),
        )
    assert refusal.value.field == "ends_on"


def test_listings_end_at_their_period_end(issued_certificate, anhui_regulator, holder):
    entry = listing(anhui_regulator, enterprise=holder)
    assert end_expired_listings(today=entry.ends_on) == 0
    assert end_expired_listings(today=entry.ends_on + dt.timedelta(days=1)) == 1
    entry.refresh_from_db()
    assert entry.removal_kind == "period_end"
    assert entry.removed_on == entry.ends_on + dt.timedelta(days=1)
    assert events_of(issued_certificate)[-1].reason_code == "U01"
    assert is_listed(enterprise=holder, on=entry.ends_on)


def test_a_projection_sees_the_flag_each_event_leaves(
    issued_certificate, anhui_regulator, holder, body
):
    from greencert.core.projections import register_projection, unregister_projection
    from greencert.supervision.blacklist import flagged_after

    seen: list[tuple[str, bool]] = []
    register_projection(
        "test.flag", lambda e: seen.append((e.event_type, flagged_after(e))), rebuild=lambda: 0
    )
    try:
        by_holder = listing(anhui_regulator, enterprise=holder)
        listing(anhui_regulator, body=body)
        remove_from_blacklist(anhui_regulator, by_holder, reason="整改完成")
    finally:
        unregister_projection("test.flag")
    # The body's listing still flags the certificate after the holder's is lifted.
    assert seen == [("flagged", True), ("flagged", True), ("unflagged", True)]


def blacklist_api(**params) -> list[str]:
    response = Client().get("/api/v1/supervision/blacklist", params)
    assert response.status_code == 200, response.content
    return [entry["subject_id"] for entry in response.json()]


def test_the_published_blacklist_shows_listings_in_force_unless_the_history_is_asked_for(
    anhui_regulator, holder, body
):
    listing(anhui_regulator, body=body)
    removed = listing(anhui_regulator, enterprise=holder)
    remove_from_blacklist(anhui_regulator, removed, reason="整改到位")
    assert blacklist_api() == [body.approval_number]
    assert blacklist_api(in_force="false") == [holder.credit_code, body.approval_number]


def test_the_published_blacklist_filters_by_credit_code_or_approval_number(
    anhui_regulator, holder, body
):
    listing(anhui_regulator, enterprise=holder)
    listing(anhui_regulator, body=body)
    assert blacklist_api(subject=holder.credit_code.lower()) == [holder.credit_code]
    assert blacklist_api(subject=body.approval_number) == [body.approval_number]
    assert blacklist_api(subject="91350100M000100Y43") == []


def test_the_verify_pages_top_carries_the_blacklist_warning_with_the_status(
    issued_certificate, anhui_regulator, holder
):
    client = Client()
    listing(anhui_regulator, enterprise=holder)
    html = client.get(f"/verify/{issued_certificate.number}").text
    top = html[html.index('<section class="card status') :]
    top = top[: top.index("</section>")]
    assert "<h1" in top and "有效" in top
    assert 'class="verdict-warning" role="alert"' in top
    assert "注意：已列入长三角绿色认证黑名单" in top and holder.name in top
    assert f"({holder.credit_code})" not in top


def test_the_office_shows_whom_a_code_names_before_listing_it(zhejiang_regulator, holder):
    from greencert.supervision.models import BlacklistEntry

    client = Client()
    client.force_login(zhejiang_regulator.user)
    office = client.get("/supervision/office/?lang=zh-hans").content.decode()
    key = office.split('name="idempotency_key" value="', 2)[-1].split('"', 1)[0]
    data = {
        "idempotency_key": key,
        "subject": holder.credit_code.lower(),
        "basis_code": "SCL-2022",
        "facts": "伪造绿色产品认证标志，已作出行政处罚",
        "ends_on": "",
    }
    confirm = client.post("/supervision/office/blacklist/", data)
    assert confirm.status_code == 200
    page = confirm.content.decode()
    assert f'<p class="listed-name" id="listed-name">{holder.name}</p>' in page
    assert holder.credit_code in page and 'name="confirmed" value="1"' in page
    assert not BlacklistEntry.objects.exists()
    listed = client.post("/supervision/office/blacklist/", data | {"confirmed": "1"})
    assert listed.status_code == 302
    entry = BlacklistEntry.objects.get()
    assert entry.enterprise == holder and entry.basis_code == "SCL-2022"


def test_an_unknown_code_is_refused_before_any_confirmation(zhejiang_regulator):
    from greencert.supervision.models import BlacklistEntry

    client = Client()
    client.force_login(zhejiang_regulator.user)
    response = client.post(
        "/supervision/office/blacklist/",
        {
            "idempotency_key": "k",
            "subject": "91330000XXXXXXXXXX",
            "basis_code": "SCL-2022",
            "facts": "x",
        },
    )
    assert response.status_code == 400
    assert "统一社会信用代码" in response.content.decode()
    assert not BlacklistEntry.objects.exists()
