"""The lifecycle rules after issue (data/lifecycle_rules.yaml): a suspension has a longest period
and, run out without restoration, makes a revocation (R01) due in the issuing body's queue; a
failed or overdue annual surveillance makes a suspension due; the body carries them out by its
deadline or the deadline passing is recorded; a change of production site needs a passed on-site
inspection of the new site; C01 is no reason for a new cancellation."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client

from greencert.certification import actions, lifecycle
from greencert.certification.actions import (
    add_months,
    cancel_certificate,
    change_certificate,
    record_surveillance_passed,
    restore_certificate,
    revoke_certificate,
    suspend_certificate,
)
from greencert.certification.due import visible_due_actions
from greencert.certification.due_rules import (
    find_due_actions,
    mark_overdue_due_actions,
    surveillance_overdue,
    suspensions_run_out,
)
from greencert.certification.intake import ChangeRecord, apply_change
from greencert.certification.lifecycle import EventType, Status
from greencert.certification.lifecycle.log import append_event
from greencert.certification.models import Application, Certificate, DueAction
from greencert.certification.rules import lifecycle_rules
from greencert.certification.workflow.surveillance import record_surveillance_result
from greencert.certification.workflow.testing import Cast
from greencert.core.actors import Actor
from greencert.core.errors import TransitionRefused, ValidationFailed
from greencert.core.tests.fixtures import events_of, in_days, region
from greencert.core.workdays import add_working_days
from greencert.exchange.actions import create_client
from greencert.parties.models import Role

pytestmark = pytest.mark.django_db

INSPECTION = {"inspected_on": "2026-01-05", "report_number": "JC-2026-0113", "inspectors": "王敏"}


def client_for(actor: Actor) -> Client:
    client = Client()
    client.force_login(actor.user)
    return client


@pytest.fixture
def suspended(issued_certificate: Certificate, body_staff: Actor) -> Certificate:
    """Suspended today until 30 days on (its last day)."""
    return suspend_certificate(body_staff, issued_certificate, reason_code="S03", until=in_days(30))


def last_day(certificate: Certificate) -> dt.date:
    assert certificate.suspended_until is not None
    return certificate.suspended_until


# ---------------------------------------------------------------- the longest suspension


def test_a_suspension_may_last_up_to_six_months(issued_certificate, body_staff):
    longest = add_months(in_days(0), lifecycle_rules().suspension_max_months)
    suspended = suspend_certificate(
        body_staff, issued_certificate, reason_code="S03", until=longest
    )
    assert suspended.suspended_until == longest


def test_a_suspension_longer_than_the_rules_allow_is_refused_and_says_the_latest_day(
    issued_certificate, body_staff
):
    longest = add_months(in_days(0), 6)
    with pytest.raises(ValidationFailed) as refused:
        suspend_certificate(
            body_staff, issued_certificate, reason_code="S03", until=longest + dt.timedelta(1)
        )
    assert refused.value.field == "until" and refused.value.code == "suspension_too_long"
    assert longest.isoformat() in refused.value.message_zh
    assert "6 months" in refused.value.message_en
    assert events_of(issued_certificate)[-1].event_type == EventType.ISSUED


def test_a_category_may_set_a_shorter_longest_suspension(
    issued_certificate, body_staff, monkeypatch
):
    rules = lifecycle_rules()
    category = issued_certificate.category.code
    shorter = dataclasses.replace(rules, suspension_by_category={category: 3})
    monkeypatch.setattr(actions, "lifecycle_rules", lambda: shorter)
    with pytest.raises(ValidationFailed) as refused:
        suspend_certificate(
            body_staff, issued_certificate, reason_code="S03", until=add_months(in_days(0), 4)
        )
    assert "3 months" in refused.value.message_en


# ---------------------------------------------------------------- a suspension running out


def test_on_the_day_before_the_last_day_of_a_suspension_nothing_is_due(suspended):
    assert suspensions_run_out(last_day(suspended) - dt.timedelta(days=1)) == 0
    assert not DueAction.objects.exists()


def test_on_the_last_day_of_a_suspension_nothing_is_due(suspended):
    assert suspensions_run_out(last_day(suspended)) == 0
    assert not DueAction.objects.exists()


def test_the_day_after_a_suspension_ran_out_a_revocation_is_due_in_the_bodys_queue(suspended):
    day_after = last_day(suspended) + dt.timedelta(days=1)
    assert suspensions_run_out(day_after) == 1
    due = DueAction.objects.get()
    assert (due.kind, due.reason_code, due.cause) == ("revoke", "R01", "suspension_ran_out")
    assert due.body_id == suspended.body_id and due.state == "open"
    assert due.due_on == day_after
    assert due.deadline == add_working_days(day_after, lifecycle_rules().deadline_days)
    suspended.refresh_from_db()
    assert suspended.status == Status.SUSPENDED  # the rule does not revoke: the body does
    event = events_of(suspended)[-1]
    assert (event.event_type, event.reason_code) == (EventType.ACTION_DUE, "D01")
    assert event.status_before == event.status_after == Status.SUSPENDED
    assert event.payload["due"] == due.number and event.payload["reason_code"] == "R01"


def test_the_bodys_deadline_counts_working_days_across_a_holiday_and_a_worked_sunday():
    rules = dataclasses.replace(lifecycle_rules(), deadline_days=4, deadline_counting="working")
    # Due on Friday 2025-09-26: Sunday 2025-09-28 is worked (调休), then 09-29 and 09-30;
    # 10-01..08 are the National Day and Mid-Autumn holidays, so the fourth is Thursday 2025-10-09.
    assert rules.deadline(dt.date(2025, 9, 26)) == dt.date(2025, 10, 9)
    calendar = dataclasses.replace(rules, deadline_counting="calendar")
    assert calendar.deadline(dt.date(2025, 9, 26)) == dt.date(2025, 9, 30)


def test_a_suspension_that_ran_out_makes_one_revocation_due_however_often_the_job_runs(
    suspended,
):
    later = last_day(suspended) + dt.timedelta(days=2)
    find_due_actions(later)
    find_due_actions(later)
    assert DueAction.objects.count() == 1
    assert [e.event_type for e in events_of(suspended)].count(EventType.ACTION_DUE) == 1


def test_a_certificate_restored_within_its_suspension_has_nothing_due(suspended, body_staff):
    restore_certificate(body_staff, suspended, reason_code="T01")
    assert suspensions_run_out(in_days(90)) == 0


def test_a_suspension_that_ran_out_cannot_be_restored_any_more(suspended, body_staff):
    day_after = last_day(suspended) + dt.timedelta(days=1)
    with pytest.raises(TransitionRefused) as refused:
        restore_certificate(
            body_staff,
            suspended,
            reason_code="T01",
            effective_at=dt.datetime.combine(day_after, dt.time(9), tzinfo=dt.UTC),
        )
    assert refused.value.code == "suspension_ran_out" and "R01" in refused.value.message_en


# ---------------------------------------------------------------- the body carries it out


def test_the_body_carries_out_the_due_revocation_citing_it(suspended, body_staff):
    suspensions_run_out(last_day(suspended) + dt.timedelta(days=1))
    due = DueAction.objects.get()
    revoked = revoke_certificate(body_staff, suspended, reason_code="R01", due=due.number)
    assert (revoked.status, revoked.status_reason_code) == (Status.REVOKED, "R01")
    due.refresh_from_db()
    assert due.state == "carried_out" and due.closed_sequence == revoked.last_event_sequence
    assert events_of(revoked)[-1].payload["due"] == due.number


def test_a_revocation_that_does_not_cite_the_due_one_still_carries_it_out(suspended, body_staff):
    suspensions_run_out(last_day(suspended) + dt.timedelta(days=1))
    revoke_certificate(body_staff, suspended, reason_code="R01")
    assert DueAction.objects.get().state == "carried_out"


def test_a_due_action_of_another_certificate_cannot_be_cited(suspended, body_staff, issue):
    suspensions_run_out(last_day(suspended) + dt.timedelta(days=1))
    due = DueAction.objects.get()
    other = issue()
    with pytest.raises(ValidationFailed) as refused:
        revoke_certificate(body_staff, other, reason_code="R01", due=due.number)
    assert refused.value.field == "due" and due.number in refused.value.message_zh
    other.refresh_from_db()
    assert other.status == Status.VALID


def test_a_due_suspension_is_not_carried_out_by_citing_it_in_a_revocation(
    issued_certificate, body_staff
):
    surveillance_overdue(add_months(issued_certificate.issue_date, 14))
    due = DueAction.objects.get()
    with pytest.raises(ValidationFailed) as refused:
        revoke_certificate(body_staff, issued_certificate, reason_code="R02", due=due.number)
    assert refused.value.code == "due_kind_mismatch" and "暂停" in refused.value.message_zh
    due.refresh_from_db()
    assert due.state == "open"


def test_a_cancellation_leaves_the_due_revocation_lapsed(suspended, body_staff):
    suspensions_run_out(last_day(suspended) + dt.timedelta(days=1))
    cancel_certificate(body_staff, suspended, reason_code="C04")
    assert DueAction.objects.get().state == "lapsed"
    assert mark_overdue_due_actions(in_days(365)) == 0


# ---------------------------------------------------------------- the deadline passing


def test_on_its_deadline_a_due_revocation_is_not_yet_overdue(suspended):
    suspensions_run_out(last_day(suspended) + dt.timedelta(days=1))
    due = DueAction.objects.get()
    assert mark_overdue_due_actions(due.deadline) == 0
    due.refresh_from_db()
    assert due.state == "open"


def test_the_day_after_its_deadline_the_due_revocation_is_recorded_overdue_once(suspended):
    suspensions_run_out(last_day(suspended) + dt.timedelta(days=1))
    due = DueAction.objects.get()
    after = due.deadline + dt.timedelta(days=1)
    assert mark_overdue_due_actions(after) == 1
    assert mark_overdue_due_actions(after) == 0
    due.refresh_from_db()
    assert due.state == "overdue"
    event = events_of(suspended)[-1]
    assert (event.event_type, event.reason_code) == (EventType.DUE_ACTION_OVERDUE, "D21")
    assert event.status_after == Status.SUSPENDED and event.payload["due"] == due.number
    assert due.overdue_sequence == event.sequence


def test_an_overdue_revocation_can_still_be_carried_out(suspended, body_staff):
    suspensions_run_out(last_day(suspended) + dt.timedelta(days=1))
    due = DueAction.objects.get()
    mark_overdue_due_actions(due.deadline + dt.timedelta(days=1))
    revoke_certificate(body_staff, suspended, reason_code="R01", due=due.number)
    due.refresh_from_db()
    assert due.state == "carried_out" and due.overdue_sequence is not None


def test_the_regulators_of_the_certificates_region_see_the_overdue_action(
    suspended, make_actor, zhejiang_regulator, other_body_staff
):
    suspensions_run_out(last_day(suspended) + dt.timedelta(days=1))
    due = DueAction.objects.get()
    mark_overdue_due_actions(due.deadline + dt.timedelta(days=1))
    assert list(visible_due_actions(zhejiang_regulator)) == [due]
    shanghai = make_actor("sh-reg", Role.REGULATOR, region=region("310000"))
    assert not visible_due_actions(shanghai).exists()
    assert not visible_due_actions(other_body_staff).exists()
    page = client_for(zhejiang_regulator).get("/office/").content.decode()
    assert 'id="due-actions"' in page and suspended.number in page


def test_the_command_applies_the_rules_on_a_given_day(suspended):
    out = StringIO()
    day = last_day(suspended) + dt.timedelta(days=1)
    call_command("due_actions", "--today", day.isoformat(), stdout=out)
    assert "due: 1 revocations (suspension ran out)" in out.getvalue()
    assert DueAction.objects.get().kind == "revoke"


# ---------------------------------------------------------------- pages


def test_the_office_and_public_pages_say_until_which_day_it_is_suspended(
    suspended, body_staff, client
):
    day = last_day(suspended).isoformat()
    office = client_for(body_staff).get(f"/office/certificates/{suspended.number}/")
    assert f"<dt>暂停至</dt><dd>{day}</dd>" in office.content.decode()
    public = client.get(f"/verify/{suspended.number}")
    assert f"<dt>暂停至</dt><dd>{day}</dd>" in public.content.decode()


def test_the_bodys_queue_and_the_certificate_page_offer_the_due_revocation(suspended, body_staff):
    suspensions_run_out(last_day(suspended) + dt.timedelta(days=1))
    due = DueAction.objects.get()
    staff = client_for(body_staff)
    queue = staff.get("/office/").content.decode()
    assert 'id="due-actions"' in queue and f"{suspended.number}/#action-revoke" in queue
    page = staff.get(f"/office/certificates/{suspended.number}/").content.decode()
    assert due.number in page and 'id="action-revoke" open' in page
    assert f'<option value="{due.number}" selected>' in page


# ---------------------------------------------------------------- surveillance


def test_a_failed_surveillance_makes_a_suspension_due(
    application_in: Callable[[str], Application], cast: Cast
):
    certificate = application_in("certified").certificate
    assert certificate is not None
    task = certificate.surveillance_tasks.order_by("due_on")[0]
    record_surveillance_result(cast.reviewer, task, outcome="failed", note="VOC 超标")
    due = DueAction.objects.get(certificate=certificate)
    assert (due.kind, due.reason_code, due.cause) == ("suspend", "S03", "surveillance_failed")
    certificate.refresh_from_db()
    assert certificate.status == Status.VALID
    assert events_of(certificate)[-1].reason_code == "D02"
    suspended = suspend_certificate(
        cast.reviewer, certificate, reason_code="S03", until=in_days(60), due=due.number
    )
    due.refresh_from_db()
    assert suspended.status == Status.SUSPENDED and due.state == "carried_out"


def _first_annual(certificate: Certificate) -> dt.date:
    return add_months(certificate.issue_date, certificate.category.surveillance_months)


def test_an_annual_surveillance_within_its_grace_period_is_not_yet_overdue(issued_certificate):
    grace = lifecycle_rules().surveillance_grace_days
    last_grace_day = _first_annual(issued_certificate) + dt.timedelta(days=grace)
    assert surveillance_overdue(last_grace_day) == 0


def test_an_annual_surveillance_overdue_beyond_its_grace_period_makes_a_suspension_due(
    issued_certificate,
):
    grace = lifecycle_rules().surveillance_grace_days
    day = _first_annual(issued_certificate) + dt.timedelta(days=grace + 1)
    assert surveillance_overdue(day) == 1
    due = DueAction.objects.get()
    assert (due.kind, due.reason_code, due.cause) == ("suspend", "S09", "surveillance_overdue")
    assert due.basis["surveillance_due_on"] == _first_annual(issued_certificate).isoformat()
    assert events_of(issued_certificate)[-1].reason_code == "D03"


def test_a_passed_annual_surveillance_leaves_nothing_due_until_the_next_one(
    issued_certificate, body_staff
):
    record_surveillance_passed(body_staff, issued_certificate)
    grace = lifecycle_rules().surveillance_grace_days
    day = _first_annual(issued_certificate) + dt.timedelta(days=grace + 1)
    assert surveillance_overdue(day) == 0
    second = add_months(issued_certificate.issue_date, 24)
    assert surveillance_overdue(second + dt.timedelta(days=grace + 1)) == 1


# ---------------------------------------------------------------- change of production site


def test_a_change_of_production_site_without_an_inspection_is_refused(
    issued_certificate, body_staff
):
    with pytest.raises(ValidationFailed) as refused:
        change_certificate(
            body_staff,
            issued_certificate,
            reason_code="M03",
            changes={"production_site": "湖州市南浔区新厂 8 号"},
        )
    assert refused.value.field == "inspection"
    assert refused.value.code == "site_inspection_required"
    assert (
        "现场检查" in refused.value.message_zh and "on-site inspection" in refused.value.message_en
    )
    issued_certificate.refresh_from_db()
    assert issued_certificate.production_site == "湖州市吴兴区绿色路 1 号"
    assert events_of(issued_certificate)[-1].event_type == EventType.ISSUED


def test_a_new_site_given_under_another_reason_still_needs_the_inspection(
    issued_certificate, body_staff
):
    with pytest.raises(ValidationFailed) as refused:
        change_certificate(
            body_staff,
            issued_certificate,
            reason_code="M02",
            changes={"production_site": "湖州市南浔区新厂 8 号"},
        )
    assert refused.value.code == "site_inspection_required"


def test_a_change_of_production_site_with_a_passed_inspection_is_accepted_and_kept(
    issued_certificate, body_staff
):
    changed = change_certificate(
        body_staff,
        issued_certificate,
        reason_code="M03",
        changes={"production_site": "湖州市南浔区新厂 8 号"},
        inspection=INSPECTION,
    )
    assert changed.production_site == "湖州市南浔区新厂 8 号"
    inspection = events_of(changed)[-1].payload["inspection"]
    assert inspection["report_number"] == "JC-2026-0113"
    assert inspection["site"] == "湖州市南浔区新厂 8 号" and inspection["outcome"] == "pass"
    page = client_for(body_staff).get(f"/office/certificates/{changed.number}/").content.decode()
    assert "JC-2026-0113" in page and "王敏" in page


def test_a_failed_inspection_does_not_allow_the_change(issued_certificate, body_staff):
    with pytest.raises(ValidationFailed) as refused:
        change_certificate(
            body_staff,
            issued_certificate,
            reason_code="M03",
            changes={"production_site": "湖州市南浔区新厂 8 号"},
            inspection=INSPECTION | {"outcome": "fail"},
        )
    assert refused.value.code == "inspection_not_passed"


def test_a_site_change_may_cite_the_workflow_application_that_inspected_the_new_site(
    application_in: Callable[[str], Application], cast: Cast, issue
):
    application = application_in("inspected")
    certificate = issue(production_site="湖州市吴兴区旧厂 1 号")
    changed = change_certificate(
        cast.reviewer,
        certificate,
        reason_code="M03",
        changes={"production_site": application.production_site},
        inspection={"application": application.reference},
    )
    inspection = events_of(changed)[-1].payload["inspection"]
    assert inspection["application"] == application.reference
    assert inspection["inspected_on"] == application.inspections.get().inspected_on.isoformat()


def test_an_application_that_inspected_another_site_is_refused(
    application_in: Callable[[str], Application], cast: Cast, issued_certificate
):
    application = application_in("inspected")
    with pytest.raises(ValidationFailed) as refused:
        change_certificate(
            cast.reviewer,
            issued_certificate,
            reason_code="M03",
            changes={"production_site": "湖州市南浔区新厂 8 号"},
            inspection={"application": application.reference},
        )
    assert refused.value.code == "site_mismatch"


# ---------------------------------------------------------------- C01


def test_a_cancellation_for_validity_ended_without_renewal_is_refused_pointing_to_expiry(
    issued_certificate, body_staff
):
    with pytest.raises(ValidationFailed) as refused:
        cancel_certificate(body_staff, issued_certificate, reason_code="C01")
    assert refused.value.code == "retired_reason" and refused.value.field == "reason_code"
    assert "过期失效" in refused.value.message_zh and "E01" in refused.value.message_zh
    assert "expired" in refused.value.message_en
    issued_certificate.refresh_from_db()
    assert issued_certificate.status == Status.VALID


def test_imports_and_the_bodies_system_cannot_cancel_with_c01(issued_certificate, body):
    """Imports and ``POST /api/v1/certificates/{number}/events`` both record through
    ``apply_change``."""
    client, _token = create_client(
        Actor.for_system("console"), name="sys", scopes=["certify"], body=body
    )
    record = ChangeRecord(
        certificate=issued_certificate.number, event="cancelled", reason_code="C01"
    )
    with pytest.raises(ValidationFailed) as refused:
        apply_change(Actor.for_client(client), body, record)
    assert refused.value.code == "retired_reason"


def test_the_cancellation_form_does_not_offer_c01(issued_certificate, body_staff):
    page = client_for(body_staff).get(f"/office/certificates/{issued_certificate.number}/")
    text = page.content.decode()
    assert 'value="C02"' in text and 'value="C01"' not in text


def test_a_past_event_with_c01_still_reads_with_its_label(issued_certificate, body_staff):
    with transaction.atomic():
        append_event(
            certificate=issued_certificate,
            event_type=EventType.CANCELLED,
            actor=body_staff,
            status_before=Status.VALID,
            status_after=Status.CANCELLED,
            reason_code="C01",
        )
    label = lifecycle.reason_label("C01")
    assert label is not None and label.zh == "有效期届满未申请再认证"
    page = client_for(body_staff).get(f"/office/certificates/{issued_certificate.number}/")
    assert "有效期届满未申请再认证" in page.content.decode()
