"""Actions of the working group (推进工作组): joint meetings, their decisions and tasks.

Each action checks who acts (``governance.permissions``) and the meeting's state, and writes in
one transaction. A meeting is drafted by the regulators of its year's chair and numbered only
when published, so published meetings (``2026-1``) and decisions (``2026-1号决定``) have no gaps.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from greencert.core.actors import Actor
from greencert.core.errors import TransitionRefused, ValidationFailed
from greencert.core.sequence import next_value
from greencert.governance import roster
from greencert.governance.models import (
    AllianceDocument,
    Decision,
    DecisionTarget,
    DecisionTask,
    JointMeeting,
)
from greencert.governance.permissions import require_chair, require_chair_or_assignee
from greencert.governance.targets import find_target
from greencert.regions.models import Region


def _text(field: str, value: str, *, limit: int, required: bool = True) -> str:
    value = (value or "").strip()
    if (required and not value) or len(value) > limit:
        raise ValidationFailed(
            field=field,
            value=value[:40],
            expected_zh=f"1 至 {limit} 字" if required else f"最多 {limit} 字",
            expected_en=f"1 to {limit} characters" if required else f"at most {limit} characters",
        )
    return value


def _members(field: str, regions: Iterable[Region]) -> list[Region]:
    codes = roster.member_codes()
    chosen = list(regions)
    for region in chosen:
        if region.code not in codes:
            raise ValidationFailed(
                field=field,
                value=region.code,
                expected_zh="推进工作组成员（一市三省及先行区八地市场监管部门）",
                expected_en="a member of the working group (the four provinces' and the eight "
                "pilot areas' market regulators)",
            )
    return chosen


def _chair_of(day: dt.date) -> Region:
    term = roster.chair_for(day.year)
    if term is None:
        raise ValidationFailed(
            field="held_on",
            value=day.isoformat(),
            expected_zh=f"{roster.first_year()} 年推进工作组成立以后的日期",
            expected_en=f"a date from {roster.first_year()}, when the working group was set up",
        )
    return Region.objects.get(code=term.region_code)


def _require_draft(meeting: JointMeeting) -> None:
    if meeting.state != JointMeeting.State.DRAFT:
        raise TransitionRefused(
            field="meeting",
            value=meeting.number or str(meeting.pk),
            expected_zh="草稿状态的会议（已发布的会议及其决定不再修改）",
            expected_en="a meeting in draft (a published meeting and its decisions are final)",
        )


@transaction.atomic
def draft_meeting(
    actor: Actor,
    *,
    title: str,
    held_on: dt.date,
    place: str,
    attendees: Sequence[Region] = (),
    agenda: str = "",
    minutes: str = "",
) -> JointMeeting:
    """起草联席会议: the chair of the meeting's year drafts it; the chair always attends."""
    chair = _chair_of(held_on)
    require_chair(actor, chair, ("起草联席会议", "drafting a joint meeting"))
    meeting = JointMeeting.objects.create(
        year=held_on.year,
        title=_text("title", title, limit=200),
        held_on=held_on,
        place=_text("place", place, limit=200),
        chair=chair,
        agenda=_text("agenda", agenda, limit=5000, required=False),
        minutes=_text("minutes", minutes, limit=20000, required=False),
        drafted_by=actor.label,
    )
    meeting.attendees.set({chair, *_members("attendees", attendees)})
    return meeting


@transaction.atomic
def edit_meeting(
    actor: Actor,
    meeting: JointMeeting,
    *,
    title: str,
    place: str,
    attendees: Sequence[Region],
    agenda: str,
    minutes: str,
) -> JointMeeting:
    """修改草稿: the date (and so the chair) stays; the rest may change until publication."""
    require_chair(actor, meeting.chair, ("修改联席会议", "editing a joint meeting"))
    _require_draft(meeting)
    meeting.title = _text("title", title, limit=200)
    meeting.place = _text("place", place, limit=200)
    meeting.agenda = _text("agenda", agenda, limit=5000, required=False)
    meeting.minutes = _text("minutes", minutes, limit=20000, required=False)
    meeting.save(update_fields=["title", "place", "agenda", "minutes"])
    meeting.attendees.set({meeting.chair, *_members("attendees", attendees)})
    return meeting


@transaction.atomic
def add_decision(
    actor: Actor,
    meeting: JointMeeting,
    *,
    title: str,
    text: str,
    documents: Sequence[AllianceDocument] = (),
    targets: Sequence[tuple[str, str, int]] = (),
) -> Decision:
    """A decision of a draft meeting, optionally linking alliance documents and statistics
    targets (each named by indicator, region code — blank for the YRD — and year)."""
    require_chair(actor, meeting.chair, ("添加会议决定", "adding a decision"))
    _require_draft(meeting)
    position = meeting.decisions.count() + 1
    decision = Decision.objects.create(
        meeting=meeting,
        position=position,
        title=_text("title", title, limit=200),
        text=_text("text", text, limit=10000),
    )
    decision.documents.set(documents)
    for indicator, region_code, year in targets:
        if find_target(indicator, region_code, year) is None:
            raise ValidationFailed(
                field="targets",
                value=f"{indicator} {region_code or 'YRD'} {year}",
                expected_zh="统计页面已设定的目标（指标、地区、年份）",
                expected_en="a target set on the statistics page (indicator, region, year)",
            )
        DecisionTarget.objects.get_or_create(
            decision=decision, indicator=indicator, region_code=region_code, year=year
        )
    return decision


@transaction.atomic
def add_task(
    actor: Actor, decision: Decision, *, assignee: Region, description: str, due_on: dt.date
) -> DecisionTask:
    """A task a decision gives one member, with a deadline on or after the meeting."""
    meeting = decision.meeting
    require_chair(actor, meeting.chair, ("分派决定任务", "assigning a task"))
    _require_draft(meeting)
    (assignee,) = _members("assignee", [assignee])
    if due_on < meeting.held_on:
        raise ValidationFailed(
            field="due_on",
            value=due_on.isoformat(),
            expected_zh=f"会议日期 {meeting.held_on.isoformat()} 当天或以后",
            expected_en=f"on or after the meeting's date, {meeting.held_on.isoformat()}",
        )
    return DecisionTask.objects.create(
        decision=decision,
        assignee=assignee,
        description=_text("description", description, limit=2000),
        due_on=due_on,
    )


@transaction.atomic
def publish_meeting(actor: Actor, meeting: JointMeeting) -> JointMeeting:
    """发布: numbers the meeting (``YYYY-N``) and its decisions (``YYYY-N``号决定, counted across
    the year) in commit order, then shows them to the public."""
    require_chair(actor, meeting.chair, ("发布联席会议", "publishing a joint meeting"))
    if not meeting.minutes.strip():
        raise ValidationFailed(
            field="minutes",
            value="",
            expected_zh="发布前须填写会议纪要",
            expected_en="the minutes, before the meeting is published",
        )
    now = timezone.now()
    updated = JointMeeting.objects.filter(pk=meeting.pk, state=JointMeeting.State.DRAFT).update(
        state=JointMeeting.State.PUBLISHED, published_by=actor.label, published_at=now
    )
    if not updated:
        meeting.refresh_from_db()
        _require_draft(meeting)
    year = meeting.year
    number = f"{year}-{next_value(f'governance.meeting.{year}')}"
    JointMeeting.objects.filter(pk=meeting.pk).update(number=number)
    for decision in meeting.decisions.order_by("position"):
        decision.number = f"{year}-{next_value(f'governance.decision.{year}')}"
        decision.save(update_fields=["number"])
    meeting.refresh_from_db()
    return meeting


@transaction.atomic
def mark_task_done(
    actor: Actor, task: DecisionTask, *, note: str, done_on: dt.date | None = None
) -> DecisionTask:
    """The assigned member (or the chair) reports a task of a published decision done."""
    meeting = task.decision.meeting
    require_chair_or_assignee(
        actor, meeting.chair, task.assignee, ("登记任务完成", "marking a task done")
    )
    if not meeting.is_published:
        raise TransitionRefused(
            field="task",
            value=str(task.pk),
            expected_zh="已发布会议的决定任务",
            expected_en="a task of a published meeting's decision",
        )
    day = done_on or timezone.localdate()
    if day > timezone.localdate() or day < meeting.held_on:
        raise ValidationFailed(
            field="done_on",
            value=day.isoformat(),
            expected_zh="会议日期至今天之间的日期",
            expected_en="a date between the meeting and today",
        )
    fields: dict[str, Any] = {
        "done_on": day,
        "done_by": actor.label,
        "done_note": _text("note", note, limit=2000),
    }
    if not DecisionTask.objects.filter(pk=task.pk, done_on__isnull=True).update(**fields):
        raise TransitionRefused(
            field="task",
            value=str(task.pk),
            expected_zh="尚未完成的任务（此任务已登记完成）",
            expected_en="an open task (this one is already marked done)",
        )
    task.refresh_from_db()
    return task
