"""A real browser: the chair's regulator drafts a joint meeting, adds a decision and publishes it,
and the public page shows it; an organisation applies through the public form, the secretariat
approves it and it appears in the public directory. Screenshots go to test-artifacts/.

A transactional test on both engines, like ``certification/tests/test_browser_workflow.py``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from greencert.core.actors import Actor
from greencert.core.tests.browser import ARTIFACTS, log_in, may_log_in, no_errors
from greencert.core.tests.fixtures import region
from greencert.governance import roster
from greencert.governance.models import AllianceMember, JointMeeting
from greencert.governance.tests.test_alliance import UNIVERSITY_CODE
from greencert.parties.models import Role

pytestmark = [pytest.mark.django_db(transaction=True)]


def test_a_meeting_is_drafted_given_a_decision_published_and_shown(
    live_server: Any, browser: Any, make_actor: Any
) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    today = timezone.localdate()
    chair = roster.chair_for(today.year)
    assert chair is not None
    regulator = make_actor("chair-regulator", Role.REGULATOR, region=region(chair.region_code))
    page = log_in(browser, live_server.url, may_log_in(regulator), "/working-group/office/")
    page.fill("#meeting-form #id_title", "长三角绿色认证一体化发展联席会议")
    page.fill("#meeting-form #id_held_on", (today - dt.timedelta(days=2)).isoformat())
    page.fill("#meeting-form #id_place", "苏州市吴江区")
    page.check("#meeting-form input[name=attendees][value='330500']")
    page.fill("#meeting-form #id_minutes", "会议同意在先行区统一推广竹制品绿色产品认证。")
    page.click("#meeting-form button[type=submit]")
    page.wait_for_url("**/working-group/office/meetings/*/")
    no_errors(page)
    page.fill("#step-decision #id_title", "推广竹制品绿色产品认证")
    page.fill("#step-decision #id_text", "各成员于年内完成本地区推广方案。")
    page.click("#step-decision button[type=submit]")
    page.wait_for_load_state()
    no_errors(page)
    page.screenshot(path=str(ARTIFACTS / "institutions-01-draft.png"), full_page=True)
    page.click("#step-publish button[type=submit]")
    page.wait_for_load_state()
    no_errors(page)
    meeting = JointMeeting.objects.get()
    assert meeting.state == "published"
    number = meeting.number
    assert number == f"{today.year}-1"

    public = browser.new_context(viewport={"width": 375, "height": 812}).new_page()
    public.goto(f"{live_server.url}/working-group/")
    public.click(f"a[href='/working-group/meetings/{number}/']")
    public.wait_for_url(f"**/working-group/meetings/{number}/")
    text = public.inner_text("main")
    assert "推广竹制品绿色产品认证" in text
    assert "会议同意在先行区统一推广竹制品绿色产品认证。" in text
    assert public.evaluate("document.documentElement.scrollWidth") <= 375
    public.screenshot(path=str(ARTIFACTS / "institutions-02-public-meeting.png"), full_page=True)


def test_an_organisation_applies_and_once_approved_is_in_the_directory(
    live_server: Any, browser: Any, alliance_admin: Actor
) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    base = live_server.url
    public = browser.new_context(viewport={"width": 375, "height": 812}).new_page()
    public.goto(f"{base}/alliance/apply/")
    public.select_option("#id_kind", "university")
    public.fill("#id_name", "同济大学")
    public.fill("#id_credit_code", UNIVERSITY_CODE)
    public.select_option("#id_region", "310000")
    public.fill("#id_contact_name", "王老师")
    public.fill("#id_contact_email", "green@example.edu.cn")
    public.screenshot(path=str(ARTIFACTS / "institutions-03-apply.png"), full_page=True)
    public.click("#apply-form button[type=submit]")
    public.wait_for_url("**/alliance/apply/sent/")
    member = AllianceMember.objects.get()
    assert member.state == "pending"
    public.goto(f"{base}/alliance/")
    assert "同济大学" not in public.inner_text("#members")

    secretariat = log_in(browser, base, may_log_in(alliance_admin), "/alliance/office/")
    card = secretariat.locator(f"#application-{member.reference}")
    assert "同济大学" in card.inner_text()
    card.locator("form.approve-form button[type=submit]").click()
    secretariat.wait_for_url(f"{base}/alliance/office/")
    no_errors(secretariat)
    member.refresh_from_db()
    assert member.state == "active"

    public.goto(f"{base}/alliance/?kind=university")
    assert "同济大学" in public.inner_text("#members")
    public.screenshot(path=str(ARTIFACTS / "institutions-04-directory.png"), full_page=True)
