"""Working-group pages. Public: members, chairs by year, published meetings and decisions.
Office: the chair's regulators draft, edit and publish meetings with decisions and tasks; members
mark their tasks done. Views read and call actions; they never change a model themselves."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from greencert.certification.forms import StepForm
from greencert.core.actors import Actor
from greencert.governance import forms, roster, working_group
from greencert.governance.models import Decision, DecisionTask, JointMeeting
from greencert.governance.permissions import member_codes_of
from greencert.governance.targets import find_target
from greencert.governance.views.common import language, run
from greencert.regions.models import Region


def _published() -> QuerySet[JointMeeting]:
    return JointMeeting.objects.filter(state=JointMeeting.State.PUBLISHED).select_related("chair")


def _with_decisions(meetings: QuerySet[JointMeeting]) -> QuerySet[JointMeeting]:
    tasks = DecisionTask.objects.select_related("assignee")
    decisions = Decision.objects.order_by("position").prefetch_related(
        Prefetch("tasks", queryset=tasks), "documents", "targets"
    )
    return meetings.prefetch_related(Prefetch("decisions", queryset=decisions), "attendees")


def regulator_name(region: Region) -> str:
    member = roster.member(region.code)
    return member.regulator(language()) if member else region.name(language())


def _decision_rows(decision: Decision) -> dict[str, Any]:
    today = timezone.localdate()
    targets = []
    for link in decision.targets.all():
        found = find_target(link.indicator, link.region_code, link.year)
        targets.append(found.describe(language()) if found else "—")
    return {
        "decision": decision,
        "targets": targets,
        "tasks": [
            {"task": t, "assignee": regulator_name(t.assignee), "status": t.status_on(today)}
            for t in decision.tasks.all()
        ],
    }


def _meeting_context(meeting: JointMeeting) -> dict[str, Any]:
    return {
        "meeting": meeting,
        "chair": regulator_name(meeting.chair),
        "attendees": [regulator_name(r) for r in meeting.attendees.order_by("code")],
        "decisions": [_decision_rows(d) for d in meeting.decisions.all()],
    }


def overview(request: HttpRequest) -> HttpResponse:
    this_year = timezone.localdate().year
    regions = Region.objects.in_bulk([m.region_code for m in roster.members()])
    members = [
        {"name": m.regulator(language()), "convening": m.convening} for m in roster.members()
    ]
    terms = roster.chairs(this_year)
    chairs = [
        {"term": t, "name": regulator_name(regions[t.region_code]), "current": t.year == this_year}
        for t in terms
    ]
    meetings = _with_decisions(_published().order_by("-held_on", "-id"))[:100]
    context = {
        "convening": [m for m in members if m["convening"]],
        "participating": [m for m in members if not m["convening"]],
        "chairs": chairs,
        "unconfirmed": any(not t.confirmed for t in terms),
        "meetings": [_meeting_context(m) for m in meetings],
    }
    return render(request, "governance/working_group.html", context)


def meeting(request: HttpRequest, number: str) -> HttpResponse:
    found = get_object_or_404(_with_decisions(_published()), number=number)
    return render(request, "governance/meeting.html", _meeting_context(found))


def decision(request: HttpRequest, number: str) -> HttpResponse:
    found = get_object_or_404(
        Decision.objects.select_related("meeting", "meeting__chair").prefetch_related(
            "documents",
            "targets",
            Prefetch("tasks", DecisionTask.objects.select_related("assignee")),
        ),
        number=number,
        meeting__state=JointMeeting.State.PUBLISHED,
    )
    context = {"row": _decision_rows(found), "decision": found, "meeting": found.meeting}
    return render(request, "governance/decision.html", context)


# ---------------------------------------------------------------- office


def _member(request: HttpRequest) -> Actor:
    actor = Actor.for_user(request.user)
    if not member_codes_of(actor):
        raise PermissionDenied
    return actor


@login_required
def office(request: HttpRequest) -> HttpResponse:
    actor = _member(request)
    codes = member_codes_of(actor)
    today = timezone.localdate()
    tasks = (
        DecisionTask.objects.filter(
            decision__meeting__state=JointMeeting.State.PUBLISHED, done_on__isnull=True
        )
        .filter(assignee__code__in=codes)
        .select_related("decision", "assignee")
        .order_by("due_on")
    )
    context = {
        "meetings": JointMeeting.objects.filter(chair__code__in=codes)
        .select_related("chair")
        .order_by("-held_on", "-id")[:100],
        "tasks": [
            {"task": t, "assignee": regulator_name(t.assignee), "status": t.status_on(today)}
            for t in tasks
        ],
        "done_form": forms.TaskDoneForm(),
        "form": forms.MeetingForm(initial={"held_on": today}),
        "chair": roster.chair_for(today.year),
    }
    return render(request, "governance/office_working_group.html", context)


@login_required
@require_POST
def office_meeting_new(request: HttpRequest) -> HttpResponse:
    actor = _member(request)
    form = forms.MeetingForm(request.POST)
    drafted: list[JointMeeting] = []
    outcome = run(
        request,
        form,
        lambda data: drafted.append(
            working_group.draft_meeting(
                actor,
                title=data["title"],
                held_on=data["held_on"],
                place=data["place"],
                attendees=list(data["attendees"]),
                agenda=data["agenda"],
                minutes=data["minutes"],
            )
        ),
        done=_("Meeting drafted."),
        then=lambda: reverse("governance:office_meeting", args=[drafted[0].pk]),
    )
    if isinstance(outcome, HttpResponse):
        return outcome
    return render(
        request,
        "governance/office_form.html",
        {"form": form, "title": _("Draft a joint meeting"), "back": "governance:office"},
        status=outcome,
    )


def _chaired_meeting(actor: Actor, pk: int) -> JointMeeting:
    found = get_object_or_404(JointMeeting.objects.select_related("chair"), pk=pk)
    if found.chair.code not in member_codes_of(actor):
        raise Http404
    return found


def _office_meeting_forms(found: JointMeeting) -> dict[str, StepForm]:
    return {
        "edit": forms.MeetingForm(
            editing=True,
            initial={
                "title": found.title,
                "place": found.place,
                "attendees": list(found.attendees.all()),
                "agenda": found.agenda,
                "minutes": found.minutes,
            },
        ),
        "decision": forms.DecisionForm(),
        "task": forms.TaskForm(decisions=found.decisions.order_by("position")),
        "publish": StepForm(),
    }


def _render_office_meeting(
    request: HttpRequest, found: JointMeeting, step_forms: dict[str, StepForm], status: int = 200
) -> HttpResponse:
    found = _with_decisions(JointMeeting.objects.select_related("chair")).get(pk=found.pk)
    context = _meeting_context(found) | {"forms": step_forms}
    return render(request, "governance/office_meeting.html", context, status=status)


@login_required
def office_meeting(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _member(request)
    found = _chaired_meeting(actor, pk)
    return _render_office_meeting(request, found, _office_meeting_forms(found))


@login_required
@require_POST
def office_meeting_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    actor = _member(request)
    found = _chaired_meeting(actor, pk)
    step_forms = _office_meeting_forms(found)
    form: StepForm
    if step == "edit":
        form = forms.MeetingForm(request.POST, editing=True)

        def act(data: dict[str, Any]) -> object:
            return working_group.edit_meeting(
                actor,
                found,
                title=data["title"],
                place=data["place"],
                attendees=list(data["attendees"]),
                agenda=data["agenda"],
                minutes=data["minutes"],
            )

    elif step == "decision":
        form = forms.DecisionForm(request.POST)

        def act(data: dict[str, Any]) -> object:
            return working_group.add_decision(
                actor,
                found,
                title=data["title"],
                text=data["text"],
                documents=list(data["documents"]),
                targets=data["targets"],
            )

    elif step == "task":
        form = forms.TaskForm(request.POST, decisions=found.decisions.all())

        def act(data: dict[str, Any]) -> object:
            return working_group.add_task(
                actor,
                data["decision"],
                assignee=data["assignee"],
                description=data["description"],
                due_on=data["due_on"],
            )

    elif step == "publish":
        form = StepForm(request.POST)

        def act(data: dict[str, Any]) -> object:
            return working_group.publish_meeting(actor, found)

    else:
        raise Http404
    step_forms[step] = form
    outcome = run(
        request,
        form,
        act,
        done=_("Published.") if step == "publish" else _("Saved."),
        then=lambda: reverse("governance:office_meeting", args=[found.pk]),
    )
    if isinstance(outcome, HttpResponse):
        return outcome
    found.refresh_from_db()
    return _render_office_meeting(request, found, step_forms, outcome)


@login_required
@require_POST
def office_task_done(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _member(request)
    task = get_object_or_404(
        DecisionTask.objects.select_related("decision__meeting__chair", "assignee"), pk=pk
    )
    form = forms.TaskDoneForm(request.POST)
    outcome = run(
        request,
        form,
        lambda data: working_group.mark_task_done(
            actor, task, note=data["note"], done_on=data["done_on"]
        ),
        done=_("Task marked done."),
        then=lambda: reverse("governance:office"),
    )
    if isinstance(outcome, HttpResponse):
        return outcome
    return render(
        request,
        "governance/office_form.html",
        {"form": form, "title": _("Mark a task done"), "back": "governance:office"},
        status=outcome,
    )
