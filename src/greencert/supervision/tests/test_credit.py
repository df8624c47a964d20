"""Credit grades are computed by versioned rules and explained by the records behind them."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from greencert.certification.actions import (
    record_surveillance_passed,
    revoke_certificate,
    suspend_certificate,
)
from greencert.certification.due_rules import mark_overdue_due_actions, suspensions_run_out
from greencert.certification.models import DueAction
from greencert.core.errors import PermissionRefused, TransitionRefused, ValidationFailed
from greencert.core.tests.fixtures import in_days, region
from greencert.supervision.actions import list_on_blacklist, record_credit, repair_credit
from greencert.supervision.codes import credit_rules
from greencert.supervision.credit import explain_grade
from greencert.supervision.models import CreditRecord

pytestmark = pytest.mark.django_db


def penalty(actor, holder, days_ago: int = 10, **overrides):
    kwargs = {
        "enterprise": holder,
        "source": "penalty",
        "occurred_on": timezone.localdate() - dt.timedelta(days=days_ago),
        "region": region("330500"),
        "basis_code": "PQL-2018",
        "evidence": "湖州市市场监管局行政处罚决定书 湖市监罚〔2026〕12号",
    }
    return record_credit(actor, **(kwargs | overrides))


def test_a_clean_record_is_graded_a_under_the_current_rules(holder):
    explained = explain_grade(enterprise=holder)
    assert (explained["grade"], explained["score"], explained["records"]) == ("A", 100, [])
    assert explained["rule_version"] == credit_rules().version


def test_every_grade_is_explained_by_its_records_and_rule_version(zhejiang_regulator, holder):
    penalty(zhejiang_regulator, holder)
    explained = explain_grade(enterprise=holder)
    rules = credit_rules()
    (row,) = explained["records"]
    assert row["points"] == rules.points["penalty"] and row["counted"]
    assert explained["score"] == rules.start_score + row["points"]
    assert explained["grade"] == rules.grade_for(explained["score"]).grade == "C"


def test_regulators_of_every_province_see_the_same_record(
    zhejiang_regulator, holder, shanghai_regulator
):
    penalty(zhejiang_regulator, holder)
    from_shanghai = Client()
    from_shanghai.force_login(shanghai_regulator.user)
    page = from_shanghai.get(f"/supervision/credit/{holder.credit_code}/").text
    api = Client().get(f"/api/v1/supervision/credit/{holder.credit_code}").json()
    assert "PQL-2018" in page
    assert api["records"][0]["source"] == "penalty" and api["grade"] == "C"


def test_a_regulator_records_only_in_their_own_region(shanghai_regulator, holder, body_staff):
    with pytest.raises(PermissionRefused):
        penalty(shanghai_regulator, holder)
    with pytest.raises(PermissionRefused):
        penalty(body_staff, holder)
    assert not CreditRecord.objects.exists()


def test_bad_input_names_the_field(zhejiang_regulator, holder):
    with pytest.raises(ValidationFailed) as refusal:
        penalty(zhejiang_regulator, holder, source="gossip")
    assert refusal.value.field == "source"
    with pytest.raises(ValidationFailed) as refusal:
        penalty(zhejiang_regulator, holder, evidence=" ")
    assert refusal.value.field == "evidence"


def test_revocations_and_passed_surveillance_enter_the_record_from_the_event_log(
    issue, body_staff, holder
):
    first, second = issue(), issue()
    record_surveillance_passed(body_staff, first)
    revoke_certificate(body_staff, second, reason_code="R02")
    sources = sorted(
        CreditRecord.objects.filter(enterprise=holder).values_list("source", flat=True)
    )
    assert sources == ["revocation", "surveillance_timely"]
    rules = credit_rules()
    expected = rules.start_score + rules.points["revocation"] + rules.points["surveillance_timely"]
    assert explain_grade(enterprise=holder)["score"] == expected


def test_a_record_is_repaired_only_after_its_period_and_the_reason_is_kept(
    zhejiang_regulator, holder
):
    record = penalty(zhejiang_regulator, holder)
    with pytest.raises(ValidationFailed) as refusal:
        repair_credit(zhejiang_regulator, record, reason="已履行处罚")
    assert refusal.value.field == "record"
    months = credit_rules().repairable_after_months["penalty"]
    with time_machine.travel(timezone.now() + dt.timedelta(days=31 * months), tick=False):
        repair_credit(zhejiang_regulator, record, reason="已履行处罚并完成整改")
        explained = explain_grade(enterprise=holder)
        with pytest.raises(TransitionRefused):
            repair_credit(zhejiang_regulator, record, reason="again")
    (row,) = explained["records"]
    assert (row["counted"], row["not_counted_because"]) == (False, "repaired")
    assert row["repair_reason"] == "已履行处罚并完成整改"
    assert explained["grade"] == "A"
    # The grade on a day before the repair still counts the record.
    before_repair = explain_grade(enterprise=holder, on=timezone.localdate())
    assert before_repair["records"][0]["counted"] is True


def test_grades_on_a_past_date_ignore_later_records(zhejiang_regulator, holder):
    penalty(zhejiang_regulator, holder, days_ago=3)
    assert (
        explain_grade(enterprise=holder, on=timezone.localdate() - dt.timedelta(days=5))["grade"]
        == "A"
    )


def test_a_listed_party_is_graded_lowest(anhui_regulator, holder):
    list_on_blacklist(
        anhui_regulator, enterprise=holder, basis_code="SCL-2022", facts="x", ends_on=in_days(30)
    )
    explained = explain_grade(enterprise=holder)
    assert explained["blacklisted"] and explained["grade"] == credit_rules().blacklisted_grade


def test_grades_are_samr_credit_risk_classes_from_december_2026(holder):
    explained = explain_grade(enterprise=holder, on=dt.date(2026, 12, 1))
    assert (explained["grade"], explained["grade_zh"]) == ("A", "信用风险低")
    assert [b.label.zh for b in credit_rules(dt.date(2026, 12, 1)).grades] == [
        "信用风险低",
        "信用风险一般",
        "信用风险较高",
        "信用风险高",
    ]


def test_dates_before_the_change_keep_the_old_grade_names(holder):
    explained = explain_grade(enterprise=holder, on=dt.date(2026, 11, 30))
    assert (explained["rule_version"], explained["grade_zh"]) == ("2026.1", "守信")


def test_a_due_action_the_body_lets_pass_its_deadline_enters_the_bodys_credit_record(
    issued_certificate, body_staff
):
    suspend_certificate(body_staff, issued_certificate, reason_code="S03", until=in_days(10))
    assert suspensions_run_out(in_days(11)) == 1
    due = DueAction.objects.get()
    assert mark_overdue_due_actions(due.deadline) == 0
    assert not CreditRecord.objects.filter(body=issued_certificate.body).exists()
    assert mark_overdue_due_actions(due.deadline + dt.timedelta(days=1)) == 1
    record = CreditRecord.objects.get(body=issued_certificate.body)
    assert record.source == "due_action_overdue"
    assert record.enterprise_id is None
    grade = explain_grade(body=issued_certificate.body, on=due.deadline + dt.timedelta(days=1))
    assert grade["score"] == credit_rules(due.deadline).start_score - 10
