"""Supervision pages. Public: the blacklist, credit grades, inspection plans and their draws,
filing and following a complaint. Office (regulators): complaints, listings, credit records,
plans and orders to bodies (which the body addressed sees too). Views only read and call
actions; they never change a model themselves."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_POST

from greencert.certification import lifecycle
from greencert.certification.forms import StepForm, is_english
from greencert.certification.models import Certificate
from greencert.core.actors import Actor
from greencert.core.errors import UserFacingError, ValidationFailed
from greencert.core.responses import json_response
from greencert.parties.models import CertificationBody, Enterprise
from greencert.parties.permissions import body_ids_of
from greencert.supervision import (
    actions,
    complaints,
    directory,
    forms,
    inspections,
    orders,
    spamguard,
)
from greencert.supervision.blacklist import in_force
from greencert.supervision.codes import blacklist_rules, credit_rules, labels
from greencert.supervision.credit import explain_grade
from greencert.supervision.models import (
    BlacklistEntry,
    Complaint,
    CreditRecord,
    EarlyRemovalApplication,
    InspectionCheck,
    InspectionPlan,
    Inspector,
    RegulatoryOrder,
)
from greencert.supervision.office_alerts import office_alerts
from greencert.supervision.permissions import acts_for_region, is_regulator, regions_in_scope
from greencert.supervision.presenters import check_rows, complaint_dict, draw_document, entry_dict


def _label(group: str, code: str) -> str:
    label = labels(group).get(code)
    return "" if label is None else label.en if is_english() else label.zh


def _party(code: str) -> dict[str, Any]:
    key = code.strip().upper()
    enterprise = Enterprise.objects.filter(credit_code=key).first()
    if enterprise is not None:
        return {"enterprise": enterprise}
    body = CertificationBody.objects.filter(approval_number=key).first()
    if body is not None:
        return {"body": body}
    raise ValidationFailed(
        field="subject",
        value=code,
        expected_zh="已登记企业的统一社会信用代码或认证机构的批准号",
        expected_en="the credit code of a registered enterprise or the approval number of a body",
    )


def _regulator(request: HttpRequest) -> Actor:
    actor = Actor.for_user(request.user)
    if not is_regulator(actor):
        raise PermissionDenied
    return actor


def _attempt(form: StepForm, call: Any) -> int:
    """Run an action for a valid form; returns 0 on success, else the error's HTTP status."""
    try:
        call()
    except UserFacingError as error:
        form.add_action_error(error)
        return error.http_status
    return 0


def _posted(
    request: HttpRequest,
    form: StepForm,
    act: Callable[[dict[str, Any]], object],
    *,
    done: str,
    then: Callable[[dict[str, Any]], str],
) -> HttpResponse | int:
    """A submitted form's step: a redirect to ``then(data)`` once ``act`` has succeeded, else the
    status to show the form again with (400 or the action's error status)."""
    if not form.is_valid():
        return 400
    data = form.cleaned_data
    status = _attempt(form, lambda: act(data))
    if status:
        return status
    messages.success(request, done)
    return redirect(then(data))


def _office_form(
    request: HttpRequest,
    form: StepForm,
    act: Callable[[dict[str, Any]], object],
    *,
    done: str,
    then: Callable[[dict[str, Any]], str],
    title: str,
) -> HttpResponse:
    """A regulator's office form: run ``act`` on the valid data, then say ``done`` and go to
    ``then(data)``; otherwise show the form again with the errors beside their fields."""
    status = _posted(request, form, act, done=done, then=then)
    if isinstance(status, HttpResponse):
        return status
    return render(
        request, "supervision/office_form.html", {"form": form, "title": title}, status=status
    )


# ---------------------------------------------------------------- public pages


def blacklist(request: HttpRequest) -> HttpResponse:
    qs = BlacklistEntry.objects.select_related("enterprise", "body", "region").prefetch_related(
        "removal_applications"
    )
    current = [entry_dict(e) for e in qs.filter(in_force()).order_by("-listed_at")[:500]]
    history = [entry_dict(e) for e in qs.exclude(in_force()).order_by("-listed_at")[:200]]
    rules = blacklist_rules()
    return render(
        request,
        "supervision/blacklist.html",
        {
            "current": current,
            "history": history,
            "rules": rules,
            "order_label": rules.order.en if is_english() else rules.order.zh,
        },
    )


def _listing_for_party(request: HttpRequest, pk: int) -> tuple[Actor, BlacklistEntry]:
    entry = get_object_or_404(
        BlacklistEntry.objects.select_related("enterprise", "body", "region"), pk=pk
    )
    actor = Actor.for_user(request.user)
    if not actions.may_apply_for(actor, entry):
        raise PermissionDenied
    return actor, entry


@login_required
def blacklist_apply(request: HttpRequest, pk: int) -> HttpResponse:
    """提前移出申请: the listed party's form, with the conditions and its past applications."""
    actor, entry = _listing_for_party(request, pk)
    form = forms.EarlyRemovalForm(request.POST or None)
    status = 200
    if request.method == "POST":
        posted = _posted(
            request,
            form,
            lambda data: actions.apply_for_early_removal(
                actor, entry, statement=data["statement"], evidence=data["evidence"]
            ),
            done=_("Your application has been submitted to the regulator that listed you."),
            then=lambda data: reverse("supervision:blacklist_apply", args=[entry.pk]),
        )
        if isinstance(posted, HttpResponse):
            return posted
        status = posted
    rules = blacklist_rules()
    return render(
        request,
        "supervision/blacklist_apply.html",
        {
            "entry": entry_dict(entry),
            "form": form,
            "conditions": [c.en if is_english() else c.zh for c in rules.conditions],
            "order": rules.order.en if is_english() else rules.order.zh,
            "years": rules.early_removal_after_years,
            "opens": actions.early_removal_opens(entry),
        },
        status=status,
    )


def credit(request: HttpRequest, code: str) -> HttpResponse:
    try:
        party = _party(code)
    except ValidationFailed:
        raise Http404 from None
    explained = explain_grade(**party)
    subject = party.get("enterprise") or party.get("body")
    return render(
        request, "supervision/credit.html", {"subject": subject, "code": code, "grade": explained}
    )


# What a published plan's state means to the public (the model's labels are for the admin).
PLAN_STATES = {
    "draft": pgettext_lazy("inspection plan state", "draft"),
    "committed": pgettext_lazy("inspection plan state", "seed committed, to be drawn"),
    "drawn": pgettext_lazy("inspection plan state", "drawn"),
}


def plans(request: HttpRequest) -> HttpResponse:
    rows = (
        InspectionPlan.objects.exclude(state=InspectionPlan.State.DRAFT)
        .select_related("region")
        .annotate(
            overdue=Q(publish_by__lt=timezone.localdate())
            & Exists(InspectionCheck.objects.filter(plan=OuterRef("pk"), result=""))
        )
    )
    plans = list(rows.order_by("-committed_at")[:200])
    english = is_english()
    for plan in plans:
        plan.state_label = PLAN_STATES.get(plan.state, plan.state)  # type: ignore[attr-defined]
        plan.region_name = (  # type: ignore[attr-defined]
            plan.region.name_en if english and plan.region.name_en else plan.region.name_zh
        )
    return render(request, "supervision/plans.html", {"plans": plans})


def plan_detail(request: HttpRequest, code: str) -> HttpResponse:
    plan = get_object_or_404(
        InspectionPlan.objects.exclude(state=InspectionPlan.State.DRAFT), code=code
    )
    return render(request, "supervision/plan.html", _plan_context(plan))


def _percent(ratio: str) -> str:
    return f"{(Decimal(ratio) * 100).normalize():f}%"


def _strata_rows(plan: InspectionPlan) -> list[dict[str, Any]]:
    bands = {b.grade: b.label for b in credit_rules(timezone.localdate(plan.committed_at)).grades}
    rows = []
    for row in plan.strata:
        label = bands.get(row["credit_class"])
        rows.append(
            row
            | {
                "percent": _percent(row["ratio"]),
                "class_label": (label.en if is_english() else label.zh) if label else "",
            }
        )
    return rows


def _object_names(object_ids: list[str]) -> dict[str, dict[str, str]]:
    """What a drawn object is, in words, for each ``kind:code`` id of the draw: the name a person
    reads, the code beside it, and the page that shows it (certificates)."""
    codes: dict[str, list[str]] = {}
    for object_id in object_ids:
        kind, _sep, code = object_id.partition(":")
        codes.setdefault(kind, []).append(code)
    names: dict[str, dict[str, str]] = {}
    for number, holder in Certificate.objects.filter(
        number__in=codes.get("certificate", [])
    ).values_list("number", "holder__name"):
        names[f"certificate:{number}"] = {
            "name": holder,
            "code": number,
            "url": reverse("portal:verify", args=[number]),
        }
    for credit_code, name in Enterprise.objects.filter(
        credit_code__in=codes.get("enterprise", [])
    ).values_list("credit_code", "name"):
        names[f"enterprise:{credit_code}"] = {"name": name, "code": credit_code, "url": ""}
    for approval, name in CertificationBody.objects.filter(
        approval_number__in=codes.get("body", [])
    ).values_list("approval_number", "name"):
        names[f"body:{approval}"] = {"name": name, "code": approval, "url": ""}
    return names


def _plan_context(plan: InspectionPlan) -> dict[str, Any]:
    rows = check_rows(plan)
    objects = _object_names([row["object"] for row in rows])
    item_names = {i.code: i.name for i in plan.items.all()}
    inspector_names = dict(
        Inspector.objects.filter(
            code__in={code for row in rows for code in row["inspectors"]}
        ).values_list("code", "name")
    )
    for row in rows:
        row["result_label"] = row["result_en"] if is_english() else row["result_zh"]
        _kind, _sep, code = row["object"].partition(":")
        row["object_named"] = objects.get(row["object"], {"name": code, "code": "", "url": ""})
        row["item_names"] = [item_names.get(code, code) for code in row["items"]]
        row["inspector_names"] = [inspector_names.get(code, code) for code in row["inspectors"]]
    return {
        "strata": _strata_rows(plan) if plan.committed_at else [],
        "class_factors": sorted(plan.class_factors.items()),
        "overdue": inspections.is_overdue(plan),
        "plan": plan,
        "items": inspections.item_list(plan),
        "checks": rows,
        "object_kind": _label("inspection_objects", plan.object_kind),
        "fingerprints": sorted(plan.fingerprints.items()),
        "document": draw_document(plan),
        "english": is_english(),
    }


def plan_draw(request: HttpRequest, code: str) -> JsonResponse:
    plan = get_object_or_404(
        InspectionPlan.objects.exclude(state=InspectionPlan.State.DRAFT), code=code
    )
    actor = Actor.for_user(request.user) if request.user.is_authenticated else None
    regulator = actor is not None and is_regulator(actor) and acts_for_region(actor, plan.region)
    response = json_response(draw_document(plan, with_conflicts=regulator), indent=1)
    response["Content-Disposition"] = f'attachment; filename="draw-{plan.code}.json"'
    return response


def complaint_new(request: HttpRequest) -> HttpResponse:
    """举报: from a verify page (the number filled in) or on its own."""
    status = 200
    if request.method == "POST":
        form = forms.ComplaintForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            filed: list[Complaint] = []

            def file() -> None:
                spamguard.check_proof(data["challenge"], data["proof"])
                spamguard.check_rate(request)
                filed.append(
                    complaints.file_complaint(
                        certificate_number=data["certificate_number"],
                        description=data["description"],
                        contact=data["contact"],
                        photo=data["photo"],
                        province=data["province"],
                    )
                )

            status = _attempt(form, file)
            if not status:
                return redirect(reverse("supervision:complaint", args=[filed[0].tracking_code]))
        else:
            status = 400
        # A fresh challenge for the next attempt: each one is used once.
        fresh = request.POST.copy()
        fresh["challenge"] = spamguard.issue_challenge()
        fresh["proof"] = ""
        form.data = fresh
    else:
        form = forms.ComplaintForm(
            initial={
                "certificate_number": request.GET.get("certificate", "")[:40],
                "challenge": spamguard.issue_challenge(),
            }
        )
    return render(request, "supervision/complaint_new.html", {"form": form}, status=status)


def complaint_track(request: HttpRequest) -> HttpResponse:
    form = forms.TrackForm(request.GET or None)
    if form.is_valid():
        code = form.cleaned_data["code"].strip().upper()
        if Complaint.objects.filter(tracking_code=code).exists():
            return redirect(reverse("supervision:complaint", args=[code]))
        form.add_error("code", _("No complaint has this tracking code."))
    return render(request, "supervision/complaint_track.html", {"form": form})


# What each state of a complaint means to the person who sent it, in the order they follow.
REPORT_PROGRESS = (
    ("received", gettext_lazy("The report is on record with its tracking code.")),
    ("assigned", gettext_lazy("An officer of the province's regulators has it.")),
    (
        "investigating",
        gettext_lazy("The officer is checking the certificate, the body and the product."),
    ),
    ("closed", gettext_lazy("The outcome is decided and shown on this page.")),
)


def complaint_steps(state: str) -> list[dict[str, Any]]:
    order = [code for code, _explanation in REPORT_PROGRESS]
    reached = order.index(state) if state in order else 0
    return [
        {
            "label": _label("complaint_states", code),
            "explanation": explanation,
            "done": i < reached or (i == reached and code == "closed"),
            "current": i == reached,
        }
        for i, (code, explanation) in enumerate(REPORT_PROGRESS)
    ]


def complaint_status(request: HttpRequest, code: str) -> HttpResponse:
    complaint = get_object_or_404(
        Complaint.objects.select_related("certificate"), tracking_code=code
    )
    return render(
        request,
        "supervision/complaint_status.html",
        {
            "complaint": complaint,
            "status": complaint_dict(complaint),
            "steps": complaint_steps(complaint.state),
            "english": is_english(),
        },
    )


# ---------------------------------------------------------------- office pages


@login_required
def office(request: HttpRequest) -> HttpResponse:
    actor = _regulator(request)
    open_complaints = complaints.visible_complaints(actor).filter(state__in=complaints.OPEN_STATES)
    context = {
        "office_alerts": office_alerts(actor),
        "complaints": [
            (c, _label("complaint_states", c.state))
            for c in open_complaints.order_by("received_at")[:200]
        ],
        "plans": [
            {"plan": plan, "state": PLAN_STATES.get(plan.state, plan.state)}
            for plan in InspectionPlan.objects.select_related("region").order_by("-created_at")[:50]
        ],
        "listings": [
            entry_dict(e)
            for e in BlacklistEntry.objects.filter(in_force())
            .select_related("enterprise", "body")
            .prefetch_related("removal_applications")
            .order_by("-listed_at")[:100]
        ],
        "applications": EarlyRemovalApplication.objects.filter(
            state=EarlyRemovalApplication.State.SUBMITTED,
            entry__region__in=regions_in_scope(actor),
        )
        .select_related("entry__enterprise", "entry__body", "entry__region")
        .order_by("submitted_at")[:100],
        "decision_form": forms.EarlyRemovalDecisionForm(),
        "blacklist_form": forms.BlacklistForm(),
        "credit_form": forms.CreditRecordForm(),
        "orders_pending": orders.visible_orders(actor)
        .filter(region__in=regions_in_scope(actor), state__in=orders.PENDING)
        .count(),
        "orders_overdue": orders.visible_orders(actor)
        .filter(region__in=regions_in_scope(actor), state="overdue")
        .count(),
    }
    return render(request, "supervision/office.html", context)


@login_required
@require_POST
def office_blacklist_new(request: HttpRequest) -> HttpResponse:
    """列入: the regulator first sees whom the code names and what the listing will say, and
    confirms; a listing is never one click from a typed code."""
    actor = _regulator(request)
    form = forms.BlacklistForm(request.POST)
    title = _("List on the blacklist")
    if request.POST.get("confirmed") != "1":
        status = 400
        if form.is_valid():
            try:
                party = _party(form.cleaned_data["subject"])
            except UserFacingError as error:
                form.add_action_error(error)
                status = error.http_status
            else:
                subject = party.get("enterprise") or party.get("body")
                return render(
                    request,
                    "supervision/office_blacklist_confirm.html",
                    {
                        "form": form,
                        "subject": subject,
                        "is_enterprise": "enterprise" in party,
                        "basis": _label("bases", form.cleaned_data["basis_code"]),
                        "title": title,
                    },
                )
        return render(
            request, "supervision/office_form.html", {"form": form, "title": title}, status=status
        )
    return _office_form(
        request,
        form,
        lambda data: actions.list_on_blacklist(
            actor,
            **_party(data["subject"]),
            basis_code=data["basis_code"],
            facts=data["facts"],
            ends_on=data["ends_on"],
            categories=data["categories"],
        ),
        done=_("Listed on the blacklist."),
        then=lambda data: reverse("supervision:office"),
        title=_("List on the blacklist"),
    )


@login_required
@require_POST
def office_blacklist_remove(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _regulator(request)
    entry = get_object_or_404(BlacklistEntry, pk=pk)
    return _office_form(
        request,
        forms.ReasonForm(request.POST),
        lambda data: actions.remove_from_blacklist(actor, entry, reason=data["reason"]),
        done=_("Removed from the blacklist."),
        then=lambda data: reverse("supervision:office"),
        title=_("Remove from the blacklist"),
    )


@login_required
@require_POST
def office_early_removal_decide(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _regulator(request)
    application = get_object_or_404(
        EarlyRemovalApplication.objects.select_related("entry__region"), pk=pk
    )
    return _office_form(
        request,
        forms.EarlyRemovalDecisionForm(request.POST),
        lambda data: actions.decide_early_removal(
            actor, application, approve=data["decision"] == "approve", reason=data["reason"]
        ),
        done=_("The decision on early removal is recorded."),
        then=lambda data: reverse("supervision:office"),
        title=_("Decide on early removal"),
    )


@login_required
@require_POST
def office_credit_new(request: HttpRequest) -> HttpResponse:
    actor = _regulator(request)
    return _office_form(
        request,
        forms.CreditRecordForm(request.POST),
        lambda data: actions.record_credit(
            actor,
            **_party(data["subject"]),
            source=data["source"],
            occurred_on=data["occurred_on"],
            region=data["region"],
            basis_code=data["basis_code"],
            evidence=data["evidence"],
            reference=data["reference"],
        ),
        done=_("Credit record entered."),
        then=lambda data: reverse("supervision:credit", args=[data["subject"].strip().upper()]),
        title=_("Enter a credit record"),
    )


@login_required
@require_POST
def office_credit_repair(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _regulator(request)
    record = get_object_or_404(CreditRecord.objects.select_related("enterprise", "body"), pk=pk)
    return _office_form(
        request,
        forms.ReasonForm(request.POST),
        lambda data: actions.repair_credit(actor, record, reason=data["reason"]),
        done=_("Credit record repaired."),
        then=lambda data: reverse("supervision:credit", args=[record.subject_code]),
        title=_("Credit repair"),
    )


COMPLAINT_STEPS = {
    "assign": forms.AssignForm,
    "investigate": forms.NoteForm,
    "close": forms.CloseForm,
}


def _complaint_forms(complaint: Complaint) -> dict[str, StepForm]:
    province = complaint.region_id
    return {
        "assign": forms.AssignForm(province=province),
        "investigate": forms.NoteForm(),
        "close": forms.CloseForm(),
    }


@login_required
def office_complaint(request: HttpRequest, code: str) -> HttpResponse:
    actor = _regulator(request)
    complaint = get_object_or_404(complaints.visible_complaints(actor), tracking_code=code)
    return _render_complaint(request, complaint, _complaint_forms(complaint))


def _render_complaint(
    request: HttpRequest, complaint: Complaint, step_forms: dict[str, StepForm], status: int = 200
) -> HttpResponse:
    steps = [
        (s, _label("complaint_states", s.state_after))
        for s in complaint.steps.order_by("recorded_at", "id")
    ]
    context = {
        "complaint": complaint,
        "state_label": _label("complaint_states", complaint.state),
        "steps": steps,
        "forms": step_forms if complaint.state in complaints.OPEN_STATES else {},
        "show_contact": complaints.may_see_contact(Actor.for_user(request.user), complaint),
    }
    return render(request, "supervision/office_complaint.html", context, status=status)


@login_required
@require_POST
def office_complaint_step(request: HttpRequest, code: str, step: str) -> HttpResponse:
    actor = _regulator(request)
    complaint = get_object_or_404(complaints.visible_complaints(actor), tracking_code=code)
    if step not in COMPLAINT_STEPS:
        raise Http404
    step_forms = _complaint_forms(complaint)
    form: StepForm = (
        forms.AssignForm(request.POST, province=complaint.region_id)
        if step == "assign"
        else COMPLAINT_STEPS[step](request.POST)
    )
    step_forms[step] = form
    status = 400
    if form.is_valid():
        data = form.cleaned_data
        if step == "assign":
            status = _attempt(
                form,
                lambda: complaints.assign_complaint(actor, complaint, assignee=data["assignee"]),
            )
        elif step == "investigate":
            status = _attempt(
                form, lambda: complaints.start_investigation(actor, complaint, note=data["note"])
            )
        else:
            status = _attempt(
                form,
                lambda: complaints.close_complaint(
                    actor, complaint, outcome=data["outcome"], note=data["note"]
                ),
            )
        if not status:
            messages.success(request, _("Saved."))
            return redirect(reverse("supervision:office_complaint", args=[complaint.tracking_code]))
    complaint.refresh_from_db()
    return _render_complaint(request, complaint, step_forms, status)


@login_required
def office_plan(request: HttpRequest, code: str) -> HttpResponse:
    _regulator(request)
    plan = get_object_or_404(InspectionPlan, code=code)
    return render(request, "supervision/office_plan.html", _office_plan_context(plan))


def _pending(plan: InspectionPlan) -> list[tuple[str, str]]:
    """The objects still without a result, as (id, what a regulator reads: name and code)."""
    ids = list(
        plan.checks.filter(result="").order_by("object_id").values_list("object_id", flat=True)
    )
    names = _object_names(ids)
    choices = []
    for object_id in ids:
        named = names.get(object_id)
        choices.append((object_id, f"{named['name']} · {named['code']}" if named else object_id))
    return choices


def _office_plan_context(plan: InspectionPlan) -> dict[str, Any]:
    return _plan_context(plan) | {
        "result_form": forms.ResultForm(objects=_pending(plan)),
        "step_form": StepForm(),
    }


@login_required
@require_POST
def office_plan_step(request: HttpRequest, code: str, step: str) -> HttpResponse:
    actor = _regulator(request)
    plan = get_object_or_404(InspectionPlan, code=code)
    form: StepForm
    if step in {"commit", "draw"}:
        form = StepForm(request.POST)
        call = inspections.commit_draw if step == "commit" else inspections.perform_draw
        status = _attempt(form, lambda: call(actor, plan)) if form.is_valid() else 400
    elif step == "result":
        form = forms.ResultForm(request.POST, objects=_pending(plan))
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            check = get_object_or_404(InspectionCheck, plan=plan, object_id=data["object_id"])
            status = _attempt(
                form,
                lambda: inspections.record_result(
                    actor,
                    check,
                    result=data["result"],
                    findings=data["findings"],
                    order_suspension_by=data["order_suspension_by"],
                ),
            )
    else:
        raise Http404
    if not status:
        messages.success(request, _("Saved."))
        return redirect(reverse("supervision:office_plan", args=[plan.code]))
    plan.refresh_from_db()
    context = _office_plan_context(plan)
    context["result_form" if step == "result" else "step_form"] = form
    return render(request, "supervision/office_plan.html", context, status=status)


@login_required
def office_plan_new(request: HttpRequest) -> HttpResponse:
    """Draft a plan: its items, object pool filters and inspector pool; "preview" only counts."""
    actor = _regulator(request)
    draft = forms.PlanDraft(actor, request.POST if request.method == "POST" else None)
    preview = None
    status = 200
    if request.method == "POST":
        previewing = "preview" in request.POST
        status = 400
        if draft.is_valid(with_items=not previewing):
            try:
                if previewing:
                    preview = inspections.preview_pools(**draft.plan.pools())
                    status = 200
                else:
                    plan = inspections.create_plan(actor, **draft.arguments())
                    messages.success(request, _("Plan drafted: commit its seed when ready."))
                    return redirect(reverse("supervision:office_plan", args=[plan.code]))
            except UserFacingError as error:
                draft.add_action_error(error)
                status = error.http_status
    context = {
        "form": draft.plan,
        "items": draft.items,
        "ratio_help": forms.ratio_help(),
        "preview": preview,
    }
    return render(request, "supervision/office_plan_new.html", context, status=status)


def _inspectors_in_scope(actor: Actor) -> Any:
    return Inspector.objects.filter(region__in=regions_in_scope(actor)).select_related("region")


@login_required
def office_inspectors(request: HttpRequest) -> HttpResponse:
    """The inspector directory of the regulator's regions, and adding an inspector to it."""
    actor = _regulator(request)
    form = forms.InspectorForm(request.POST or None, actor=actor)
    status = 200
    if request.method == "POST":
        outcome = _posted(
            request,
            form,
            lambda data: directory.add_inspector(
                actor,
                code=data["code"],
                name=data["name"],
                region=data["region"],
                affiliation=data["affiliation"],
                conflicts=data["conflicts"],
            ),
            done=_("Inspector added to the directory."),
            then=lambda data: reverse("supervision:office_inspectors"),
        )
        if isinstance(outcome, HttpResponse):
            return outcome
        status = outcome
    context = {"form": form, "inspectors": _inspectors_in_scope(actor).order_by("code")}
    return render(request, "supervision/office_inspectors.html", context, status=status)


@login_required
def office_inspector(request: HttpRequest, code: str) -> HttpResponse:
    """An inspector's details and declared conflicts of interest."""
    actor = _regulator(request)
    inspector = get_object_or_404(_inspectors_in_scope(actor), code=code)
    current = {
        "code": inspector.code,
        "name": inspector.name,
        "region": inspector.region_id,
        "affiliation": inspector.affiliation,
        "conflicts": "\n".join(inspector.conflicts),
        "active": inspector.active,
    }
    form = forms.InspectorForm(request.POST or None, actor=actor, editing=True, initial=current)
    status = 200
    if request.method == "POST":
        outcome = _posted(
            request,
            form,
            lambda data: directory.edit_inspector(
                actor,
                inspector,
                name=data["name"],
                region=data["region"],
                affiliation=data["affiliation"],
                conflicts=data["conflicts"],
                active=data["active"],
            ),
            done=_("Saved."),
            then=lambda data: reverse("supervision:office_inspectors"),
        )
        if isinstance(outcome, HttpResponse):
            return outcome
        status = outcome
    context = {"form": form, "inspector": inspector}
    return render(request, "supervision/office_inspector.html", context, status=status)


# ---------------------------------------------------------------- regulators' orders


def _order_row(order: RegulatoryOrder, *, withdraw: bool) -> dict[str, Any]:
    """One order as the office lists show it: its state in words, and what may be done next."""
    event = orders.kind_event(order.kind)
    slug = lifecycle.transitions()[event].office_action
    pending = order.state in orders.PENDING
    return {
        "order": order,
        "kind": _label("order_kinds", order.kind),
        "state": _label("order_states", order.state),
        "basis": orders.legal_bases().get(order.basis_code),
        "late": order.carried_out_late,
        "carry_out": (
            f"{reverse('office:certificate', args=[order.certificate.number])}"
            f"?order={order.number}#action-{slug}"
            if pending
            else ""
        ),
        "withdraw_form": forms.ReasonForm(prefix=f"w{order.pk}") if withdraw and pending else None,
    }


@login_required
def office_orders(request: HttpRequest) -> HttpResponse:
    """The regulator's orders with their state, and the orders addressed to the user's body."""
    actor = Actor.for_user(request.user)
    bodies = body_ids_of(actor)
    regulating = is_regulator(actor)
    if not (regulating or bodies):
        raise PermissionDenied
    visible = orders.visible_orders(actor).order_by("-issued_at", "-id")
    issued = visible.filter(region__in=regions_in_scope(actor)) if regulating else visible.none()
    context = {
        "issued": [_order_row(o, withdraw=True) for o in issued[:300]],
        "addressed": [
            _order_row(o, withdraw=False) for o in visible.filter(body_id__in=bodies)[:300]
        ],
        "regulating": regulating,
        "has_body": bool(bodies),
    }
    return render(request, "supervision/office_orders.html", context)


@login_required
def office_order_new(request: HttpRequest, number: str) -> HttpResponse:
    """The order form, reached from the certificate's office page."""
    actor = Actor.for_user(request.user)
    certificate = get_object_or_404(
        Certificate.objects.select_related("holder", "body"), number=number
    )
    if orders.ordering_region(actor, certificate) is None:
        raise PermissionDenied
    form = forms.OrderForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        outcome = _posted(
            request,
            form,
            lambda data: orders.issue_order(
                actor,
                certificate,
                kind=data["kind"],
                reason=data["reason"],
                basis_code=data["basis_code"],
                deadline=data["deadline"],
            ),
            done=_("Order issued; the certification body has been notified."),
            then=lambda data: reverse("supervision:office_orders"),
        )
        if isinstance(outcome, HttpResponse):
            return outcome
        status = outcome
    context = {
        "form": form,
        "certificate": certificate,
        "status_label": lifecycle.status_label(certificate.status).get(
            "en" if is_english() else "zh"
        ),
    }
    return render(request, "supervision/office_order_new.html", context, status=status)


@login_required
@require_POST
def office_order_withdraw(request: HttpRequest, number: str) -> HttpResponse:
    actor = _regulator(request)
    order = get_object_or_404(
        RegulatoryOrder.objects.select_related("region", "certificate"), number=number
    )
    return _office_form(
        request,
        forms.ReasonForm(request.POST, prefix=f"w{order.pk}"),
        lambda data: orders.withdraw_order(actor, order, reason=data["reason"]),
        done=_("Order withdrawn."),
        then=lambda data: reverse("supervision:office_orders"),
        title=_("Withdraw the order"),
    )
