"""The institutions' pages: public reads of published records only, office pages by role."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from greencert.core.actors import Actor
from greencert.governance import alliance, alliance_documents, working_group
from greencert.governance.models import AllianceMember, JointMeeting
from greencert.governance.tests.test_alliance import UNIVERSITY_CODE, apply_university

pytestmark = pytest.mark.django_db


def logged_in(actor: Actor) -> Client:
    client = Client()
    client.force_login(actor.user)
    return client


def test_the_working_group_page_lists_members_and_chairs(client: Client) -> None:
    page = client.get("/working-group/").content.decode()
    assert "上海市市场监督管理局" in page and "黄山市市场监督管理局" in page
    assert "2021" in page
    english = client.get("/working-group/?lang=en").content.decode()
    assert "Huangshan Administration for Market Regulation" in english


def test_a_draft_meeting_is_not_public_and_a_published_one_is(
    client: Client, shanghai_regulator: Actor, draft: JointMeeting
) -> None:
    working_group.add_decision(shanghai_regulator, draft, title="推广竹制品认证", text="同意。")
    assert "推广竹制品认证" not in client.get("/working-group/").content.decode()
    working_group.publish_meeting(shanghai_regulator, draft)
    assert "推广竹制品认证" in client.get("/working-group/").content.decode()
    page = client.get("/working-group/meetings/2025-1/").content.decode()
    assert "会议审议通过了先行区推进举措" in page
    assert client.get("/working-group/decisions/2025-1/").status_code == 200
    assert client.get("/working-group/meetings/2025-9/").status_code == 404


def test_the_office_drafts_adds_a_decision_and_a_task_then_publishes(
    shanghai_regulator: Actor,
) -> None:
    client = logged_in(shanghai_regulator)
    response = client.post(
        "/working-group/office/meetings/new/",
        {
            "idempotency_key": "k1",
            "title": "联席会议",
            "held_on": "2025-06-10",
            "place": "上海",
            "attendees": ["330500"],
            "minutes": "纪要",
        },
    )
    assert response.status_code == 302, response.content.decode()
    meeting = JointMeeting.objects.get()
    base = f"/working-group/office/meetings/{meeting.pk}"
    assert (
        client.post(
            f"{base}/decision/", {"idempotency_key": "k2", "title": "决定", "text": "同意。"}
        ).status_code
        == 302
    )
    decision = meeting.decisions.get()
    response = client.post(
        f"{base}/task/",
        {
            "idempotency_key": "k3",
            "decision": decision.pk,
            "assignee": "330500",
            "description": "报送",
            "due_on": "2025-12-31",
        },
    )
    assert response.status_code == 302
    assert client.post(f"{base}/publish/", {"idempotency_key": "k4"}).status_code == 302
    meeting.refresh_from_db()
    assert meeting.number == "2025-1"


def test_an_action_refusal_shows_beside_the_form(shanghai_regulator: Actor) -> None:
    client = logged_in(shanghai_regulator)
    response = client.post(
        "/working-group/office/meetings/new/",
        {"idempotency_key": "k", "title": "会议", "held_on": "2026-03-01", "place": "上海"},
    )
    assert response.status_code == 403
    assert "江苏省" in response.content.decode()


def test_the_office_is_for_working_group_members_only(
    plain_user: Actor, alliance_admin: Actor
) -> None:
    for actor in (plain_user, alliance_admin):
        assert logged_in(actor).get("/working-group/office/").status_code == 403


def test_an_organisation_applies_through_the_public_form(client: Client) -> None:
    response = client.post(
        "/alliance/apply/",
        {
            "idempotency_key": "k",
            "kind": "university",
            "name": "同济大学",
            "credit_code": UNIVERSITY_CODE,
            "region": "310000",
            "contact_name": "王老师",
            "contact_email": "green@example.edu.cn",
        },
    )
    assert response.status_code == 302
    assert AllianceMember.objects.get().state == "pending"
    assert "同济大学" not in client.get("/alliance/").content.decode()


def test_a_bad_credit_code_is_shown_in_both_languages(client: Client) -> None:
    data: dict[str, Any] = {
        "idempotency_key": "k",
        "kind": "university",
        "name": "同济大学",
        "credit_code": "123",
        "region": "310000",
        "contact_name": "王老师",
        "contact_email": "green@example.edu.cn",
    }
    assert "统一社会信用代码" in client.post("/alliance/apply/", data).content.decode()
    english = client.post("/alliance/apply/?lang=en", data).content.decode()
    assert "unified social credit code" in english


def test_the_directory_filters_by_kind_province_and_state(
    client: Client, secretariat: Actor
) -> None:
    alliance.approve_membership(secretariat, apply_university())
    assert "同济大学" in client.get("/alliance/?kind=university&province=310000").content.decode()
    assert "同济大学" not in client.get("/alliance/?kind=enterprise").content.decode()
    assert "同济大学" not in client.get("/alliance/?province=320000").content.decode()
    assert "同济大学" not in client.get("/alliance/?state=suspended").content.decode()


def test_the_secretariat_approves_from_its_office(secretariat: Actor) -> None:
    member = apply_university()
    client = logged_in(secretariat)
    assert member.name in client.get("/alliance/office/").content.decode()
    response = client.post(
        f"/alliance/office/members/{member.reference}/approve/", {"idempotency_key": "k"}
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.state == "active"
    again = client.post(
        f"/alliance/office/members/{member.reference}/approve/", {"idempotency_key": "k2"}
    )
    assert again.status_code == 409


def test_the_secretariat_office_is_closed_to_regulators(zhejiang_regulator: Actor) -> None:
    assert logged_in(zhejiang_regulator).get("/alliance/office/").status_code == 403


def test_a_document_page_shows_versions_filing_and_citations(
    client: Client, secretariat: Actor, body_staff: Actor, issued_certificate: Any
) -> None:
    document = alliance_documents.add_document(
        secretariat, code="YRDGC-T-001", kind="technical", title_zh="竹制品绿色产品评价技术规范"
    )
    filed = alliance_documents.add_document_version(
        secretariat,
        document,
        version="1.0",
        issued_on=dt.date(2024, 1, 1),
        in_force_on=dt.date(2024, 2, 1),
    )
    alliance_documents.record_filing(
        secretariat, filed, filing_number="CNCA-BA-2024-001", filed_on=dt.date(2024, 1, 20)
    )
    alliance_documents.add_document_version(
        secretariat,
        document,
        version="2.0",
        issued_on=dt.date(2025, 1, 1),
        in_force_on=dt.date(2025, 2, 1),
    )
    alliance_documents.cite_document(body_staff, issued_certificate, filed)
    listing = client.get("/alliance/documents/").content.decode()
    assert "竹制品绿色产品评价技术规范" in listing and "未备案" in listing
    page = client.get("/alliance/documents/YRDGC-T-001/").content.decode()
    assert "CNCA-BA-2024-001" in page
    assert issued_certificate.number in page


def test_the_footer_links_the_institutions(client: Client) -> None:
    page = client.get("/").content.decode()
    assert 'href="/working-group/"' in page and 'href="/alliance/"' in page
