"""Joint meetings: drafted and published by the year's chair, numbered without gaps, with
decisions, tasks and their status."""

from __future__ import annotations

import datetime as dt

import pytest

from greencert.core.actors import Actor
from greencert.core.errors import PermissionRefused, TransitionRefused, ValidationFailed
from greencert.core.tests.fixtures import region
from greencert.governance import roster, working_group
from greencert.governance.models import DecisionTask, JointMeeting
from greencert.governance.tests.conftest import MEETING_DAY

pytestmark = pytest.mark.django_db


def test_the_members_are_the_four_provinces_and_the_eight_pilot_areas() -> None:
    members = roster.members()
    assert [m.region_code for m in members if m.convening] == [
        "310000",
        "320000",
        "330000",
        "340000",
    ]
    assert len([m for m in members if not m.convening]) == 8
    assert roster.check_against_regions() == []


def test_the_chair_rotates_yearly_from_the_data() -> None:
    assert [(t.year, t.region_code) for t in roster.chairs(2026)] == [
        (2026, "320000"),
        (2025, "310000"),
        (2024, "340000"),
        (2023, "330000"),
        (2022, "320000"),
        (2021, "310000"),
    ]
    assert roster.chair_for(2020) is None
    chair = roster.chair_for(2025)
    assert chair is not None and chair.confirmed is False


def test_the_chair_drafts_a_meeting_it_attends(draft: JointMeeting) -> None:
    assert draft.chair.code == "310000"
    assert draft.state == "draft"
    assert draft.number is None
    assert set(draft.attendees.values_list("code", flat=True)) == {"310000", "320000", "330500"}


def test_another_province_may_not_draft_the_chairs_meeting(zhejiang_regulator: Actor) -> None:
    with pytest.raises(PermissionRefused) as refused:
        working_group.draft_meeting(
            zhejiang_regulator, title="联席会议", held_on=MEETING_DAY, place="杭州"
        )
    assert "上海市" in refused.value.message_zh
    assert not JointMeeting.objects.exists()


def test_a_participating_member_or_the_secretariat_may_not_draft(
    huzhou_regulator: Actor, secretariat: Actor
) -> None:
    for actor in (huzhou_regulator, secretariat):
        with pytest.raises(PermissionRefused):
            working_group.draft_meeting(actor, title="联席会议", held_on=MEETING_DAY, place="湖州")


def test_a_meeting_before_the_group_existed_is_refused(shanghai_regulator: Actor) -> None:
    with pytest.raises(ValidationFailed) as refused:
        working_group.draft_meeting(
            shanghai_regulator, title="会议", held_on=dt.date(2020, 5, 1), place="上海"
        )
    assert refused.value.field == "held_on"


def test_an_attendee_must_be_a_member(shanghai_regulator: Actor) -> None:
    with pytest.raises(ValidationFailed) as refused:
        working_group.draft_meeting(
            shanghai_regulator,
            title="会议",
            held_on=MEETING_DAY,
            place="上海",
            attendees=[region("320100")],
        )
    assert (refused.value.field, refused.value.value) == ("attendees", "320100")
    assert not JointMeeting.objects.exists()


def test_publishing_numbers_the_meeting_and_its_decisions_across_the_year(
    shanghai_regulator: Actor, draft: JointMeeting
) -> None:
    working_group.add_decision(shanghai_regulator, draft, title="决定一", text="同意。")
    working_group.add_decision(shanghai_regulator, draft, title="决定二", text="同意。")
    working_group.publish_meeting(shanghai_regulator, draft)
    second = working_group.draft_meeting(
        shanghai_regulator,
        title="第二次会议",
        held_on=dt.date(2025, 11, 3),
        place="上海",
        minutes="纪要",
    )
    working_group.add_decision(shanghai_regulator, second, title="决定三", text="同意。")
    working_group.publish_meeting(shanghai_regulator, second)
    assert (draft.number, draft.state, draft.published_by) == (
        "2025-1",
        "published",
        "user:sh-regulator",
    )
    assert second.number == "2025-2"
    numbers = [d.number for m in (draft, second) for d in m.decisions.order_by("position")]
    assert numbers == ["2025-1", "2025-2", "2025-3"]


def test_publishing_twice_is_refused(shanghai_regulator: Actor, draft: JointMeeting) -> None:
    working_group.publish_meeting(shanghai_regulator, draft)
    with pytest.raises(TransitionRefused):
        working_group.publish_meeting(shanghai_regulator, draft)
    draft.refresh_from_db()
    assert draft.number == "2025-1"


def test_a_meeting_without_minutes_is_not_published(shanghai_regulator: Actor) -> None:
    meeting = working_group.draft_meeting(
        shanghai_regulator, title="会议", held_on=MEETING_DAY, place="上海"
    )
    with pytest.raises(ValidationFailed) as refused:
        working_group.publish_meeting(shanghai_regulator, meeting)
    assert refused.value.field == "minutes"
    meeting.refresh_from_db()
    assert meeting.state == "draft"


def test_only_the_chair_publishes(zhejiang_regulator: Actor, draft: JointMeeting) -> None:
    with pytest.raises(PermissionRefused):
        working_group.publish_meeting(zhejiang_regulator, draft)
    draft.refresh_from_db()
    assert draft.state == "draft"


def test_a_published_meeting_takes_no_more_decisions_or_edits(
    shanghai_regulator: Actor, draft: JointMeeting
) -> None:
    decision = working_group.add_decision(shanghai_regulator, draft, title="决定", text="同意。")
    working_group.publish_meeting(shanghai_regulator, draft)
    with pytest.raises(TransitionRefused):
        working_group.add_decision(shanghai_regulator, draft, title="补充", text="同意。")
    with pytest.raises(TransitionRefused):
        working_group.add_task(
            shanghai_regulator,
            decision,
            assignee=region("330500"),
            description="报送",
            due_on=dt.date(2025, 12, 31),
        )
    with pytest.raises(TransitionRefused):
        working_group.edit_meeting(
            shanghai_regulator,
            draft,
            title="改",
            place="改",
            attendees=[],
            agenda="",
            minutes="改",
        )


def test_a_decision_links_only_targets_that_exist(
    shanghai_regulator: Actor, draft: JointMeeting
) -> None:
    decision = working_group.add_decision(
        shanghai_regulator,
        draft,
        title="对标江苏 2025 年目标",
        text="各地对照推进。",
        targets=[("valid-service-certificates", "320000", 2025)],
    )
    assert list(decision.targets.values_list("indicator", "region_code", "year")) == [
        ("valid-service-certificates", "320000", 2025)
    ]
    with pytest.raises(ValidationFailed) as refused:
        working_group.add_decision(
            shanghai_regulator,
            draft,
            title="无此目标",
            text="—",
            targets=[("valid-service-certificates", "310000", 2031)],
        )
    assert refused.value.field == "targets"
    assert draft.decisions.count() == 1


def test_a_task_goes_to_a_member_with_a_deadline_after_the_meeting(
    shanghai_regulator: Actor, draft: JointMeeting
) -> None:
    decision = working_group.add_decision(shanghai_regulator, draft, title="决定", text="同意。")
    with pytest.raises(ValidationFailed) as not_member:
        working_group.add_task(
            shanghai_regulator,
            decision,
            assignee=region("320100"),
            description="报送",
            due_on=dt.date(2025, 12, 31),
        )
    assert not_member.value.field == "assignee"
    with pytest.raises(ValidationFailed) as too_early:
        working_group.add_task(
            shanghai_regulator,
            decision,
            assignee=region("330500"),
            description="报送",
            due_on=dt.date(2025, 1, 1),
        )
    assert too_early.value.field == "due_on"
    assert not DecisionTask.objects.exists()


def test_a_task_is_open_then_overdue_then_done_by_its_member(
    shanghai_regulator: Actor, huzhou_regulator: Actor, draft: JointMeeting
) -> None:
    decision = working_group.add_decision(shanghai_regulator, draft, title="决定", text="同意。")
    task = working_group.add_task(
        shanghai_regulator,
        decision,
        assignee=region("330500"),
        description="报送竹制品认证推广情况",
        due_on=dt.date(2025, 9, 30),
    )
    working_group.publish_meeting(shanghai_regulator, draft)
    assert task.status_on(dt.date(2025, 9, 30)) == "open"
    assert task.status_on(dt.date(2025, 10, 1)) == "overdue"
    working_group.mark_task_done(
        huzhou_regulator, task, note="已报送", done_on=dt.date(2025, 10, 8)
    )
    assert (task.status, task.done_by) == ("done", "user:hz-regulator")


def test_marking_a_task_done_is_refused_for_others_twice_or_before_publication(
    shanghai_regulator: Actor, zhejiang_regulator: Actor, draft: JointMeeting
) -> None:
    decision = working_group.add_decision(shanghai_regulator, draft, title="决定", text="同意。")
    task = working_group.add_task(
        shanghai_regulator,
        decision,
        assignee=region("330500"),
        description="报送",
        due_on=dt.date(2025, 9, 30),
    )
    with pytest.raises(TransitionRefused):
        working_group.mark_task_done(shanghai_regulator, task, note="完成")
    working_group.publish_meeting(shanghai_regulator, draft)
    with pytest.raises(PermissionRefused):
        working_group.mark_task_done(zhejiang_regulator, task, note="完成")
    working_group.mark_task_done(shanghai_regulator, task, note="完成")
    with pytest.raises(TransitionRefused):
        working_group.mark_task_done(shanghai_regulator, task, note="再次")
