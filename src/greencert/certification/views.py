"""Office pages (/office/): work queues, applications and certificates with their timelines, and a
form for each step. Views only read and call actions; they never change a model themselves."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_POST

from greencert.certification import forms, lifecycle
from greencert.certification.due import STATE_LABELS, due_choices, visible_due_actions
from greencert.certification.lifecycle import EventType, Status
from greencert.certification.lifecycle.history import history
from greencert.certification.models import (
    Application,
    ApplicationDocument,
    Certificate,
    Nonconformity,
    SurveillanceTask,
)
from greencert.certification.orders import open_orders
from greencert.certification.permissions import in_region
from greencert.certification.workflow import actions, deadlines, staging, surveillance
from greencert.certification.workflow.certificates import apply_certificate_action
from greencert.certification.workflow.documents import check_upload
from greencert.certification.workflow.documents import checklist as documents_checklist
from greencert.certification.workflow.machine import state_label, workflow
from greencert.certification.workflow.permissions import (
    can_order_surveillance,
    can_record_surveillance,
    can_view,
    can_view_certificate,
    enterprise_ids_of,
    roles_in_scope,
    visible_applications,
)
from greencert.core.actors import Actor
from greencert.core.errors import UserFacingError, ValidationFailed
from greencert.evaluation import load_shipped_schemes
from greencert.parties.models import Enterprise
from greencert.parties.permissions import body_ids_of, regulated_region_codes


def _status(error: UserFacingError) -> int:
    return error.http_status


def _label(text: lifecycle.Label) -> str:
    return forms.label(text)


# ---------------------------------------------------------------- work queue


def _open_applications(actor: Actor) -> list[Application]:
    finals = workflow().final_states
    return list(
        visible_applications(actor)
        .exclude(state__in=finals)
        .select_related("enterprise", "body", "category", "site_region")
        .prefetch_related("samples", "steps")
        .order_by("state_changed_at")[:300]
    )


# Transitions a party may take at any time to end an application, not steps that wait for it.
ENDING_TRANSITIONS = frozenset({"withdraw"})


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    """Each role's work: what awaits the user, what is overdue, surveillance due."""
    actor = Actor.for_user(request.user)
    flow = workflow()
    awaiting: list[dict[str, Any]] = []
    watching: list[dict[str, Any]] = []
    for application in _open_applications(actor):
        roles = roles_in_scope(actor, application)
        steps = list(application.steps.all())
        row = {
            "application": application,
            "state": _label(state_label(application.state)),
            "overdue": [_label(d.limit.label) for d in deadlines.overdue(application, steps)],
        }
        # Withdrawing is always open to the applicant; it is not work that awaits them.
        mine = [
            t
            for t in flow.allowed_from(application.state)
            if t.role in roles and t.name not in ENDING_TRANSITIONS
        ]
        if application.state == "evaluated" and application.reviewer_id == request.user.pk:
            mine = []
        (awaiting if mine else watching).append(row)
    today = timezone.localdate()
    tasks = SurveillanceTask.objects.filter(state="scheduled").select_related("certificate")
    tasks = (
        tasks.filter(certificate__body_id__in=body_ids_of(actor))
        | tasks.filter(certificate__province_code__in=regulated_region_codes(actor))
        | tasks.filter(certificate__city_code__in=regulated_region_codes(actor))
    )
    tasks = tasks.filter(
        due_on__lte=today + dt.timedelta(days=60), certificate__status=Status.VALID
    )
    certificates = Certificate.objects.none()
    language = "en" if forms.is_english() else "zh-hans"
    dues = [
        _due_row(due, language)
        for due in visible_due_actions(actor).filter(state__in=("open", "overdue"))[:200]
    ]
    ent_ids = enterprise_ids_of(actor)
    if ent_ids:
        certificates = Certificate.objects.filter(holder_id__in=ent_ids).order_by("expiry_date")
    context = {
        "awaiting": sorted(awaiting, key=lambda r: not r["overdue"]),
        "watching": watching,
        "tasks": tasks.order_by("due_on")[:100],
        "dues": dues,
        "today": today,
        "certificates": [
            (c, lifecycle.status_label(c.status).get("en" if forms.is_english() else "zh"))
            for c in certificates[:100]
        ],
        "is_enterprise": bool(ent_ids),
        "is_regulator": bool(regulated_region_codes(actor)),
        "roles": sorted({a.role for a in _roles(actor)}),
    }
    return render(request, "certification/queue.html", context)


def _due_row(due: Any, language: str) -> dict[str, Any]:
    """A due action as the queue and the certificate page list it."""
    reason = lifecycle.reason_label(due.reason_code)
    return {
        "due": due,
        "action": lifecycle.event_label(
            EventType.REVOKED if due.kind == "revoke" else EventType.SUSPENDED
        ).get(language),
        "reason": reason.get(language) if reason else "",
        "state": STATE_LABELS[due.state].get(language),
        "slug": "revoke" if due.kind == "revoke" else "suspend",
    }


def _roles(actor: Actor) -> list[Any]:
    from greencert.parties.permissions import roles_of

    return roles_of(actor)


# ---------------------------------------------------------------- applications


def _application_for(request: HttpRequest, reference: str) -> tuple[Actor, Application]:
    actor = Actor.for_user(request.user)
    application = get_object_or_404(
        Application.objects.select_related(
            "enterprise", "body", "category", "site_region", "certificate", "renewal_of"
        ),
        reference=reference,
    )
    if not can_view(actor, application):
        raise Http404  # never reveal that another party's application exists
    return actor, application


@dataclass
class Panel:
    """One step's form on the application page."""

    slug: str
    transitions: tuple[str, ...]
    title: lifecycle.Label
    build: Callable[..., forms.StepForm]
    run: Callable[[Actor, Application, Any], Any]


def _sample(application: Application) -> Any:
    return application.samples.select_related("laboratory").order_by("-id").first()


def _run_decision(actor: Actor, app: Application, form: Any) -> Any:
    data = form.cleaned_data
    return actions.decide_application(
        actor,
        app,
        approve=data["decision"] == "approve",
        note=data["note"],
        idempotency_key=data["idempotency_key"],
    )


def _run_close(actor: Actor, app: Application, form: Any) -> Any:
    nc = get_object_or_404(
        Nonconformity, pk=form.cleaned_data["nonconformity"], inspection__application=app
    )
    actions.close_nonconformity(actor, nc, closure_note=form.cleaned_data["closure_note"])


def _simple(fn: Callable[..., Any]) -> Callable[[Actor, Application, Any], Any]:
    def run(actor: Actor, app: Application, form: Any) -> Any:
        data = form.cleaned_data
        return fn(actor, app, note=data.get("note", ""), idempotency_key=data["idempotency_key"])

    return run


def _kw(form: Any, *names: str) -> dict[str, Any]:
    return {name: form.cleaned_data[name] for name in names}


def _panels() -> list[Panel]:
    flow = workflow()
    t = flow.transitions
    return [
        Panel("accept", ("accept",), t["accept"].label, forms.NoteForm,
              _simple(actions.accept_application)),
        Panel("return", ("return",), t["return"].label, forms.ReasonForm,
              _simple(actions.return_application)),
        Panel("resubmit", ("resubmit",), t["resubmit"].label, forms.NoteForm,
              _simple(actions.resubmit_application)),
        Panel("inspection", ("inspection_passed",), lifecycle.Label("初始检查", "initial inspection"),
              forms.InspectionForm,
              lambda a, app, f: actions.record_inspection(
                  a, app,
                  nonconformities=f.cleaned_data["nonconformities"].splitlines(),
                  **_kw(f, "outcome", "inspected_on", "inspectors", "man_days", "findings",
                        "idempotency_key"))),
        Panel("close", ("corrective_actions_verified",),
              lifecycle.Label("关闭不符合项", "close a nonconformity"),
              forms.CloseNonconformityForm, _run_close),
        Panel("corrective", ("corrective_actions_verified",),
              t["corrective_actions_verified"].label, forms.NoteForm,
              _simple(actions.verify_corrective_actions)),
        Panel("sampling", ("sampled",), t["sampled"].label, forms.SamplingForm,
              lambda a, app, f: actions.record_sampling(
                  a, app, scheme_key=f.cleaned_data["scheme"],
                  **_kw(f, "laboratory", "sample_code", "product_model", "quantity",
                        "sampled_on", "sampled_at_site", "idempotency_key"))),
        Panel("test-report", ("test_reported",), t["test_reported"].label, forms.TestReportForm,
              lambda a, app, f: actions.enter_test_report(
                  a, app, values=f.values(),
                  **_kw(f, "report_number", "issued_on", "conclusion", "idempotency_key"))),
        Panel("evaluate", ("evaluated",), t["evaluated"].label, forms.EvaluateForm,
              lambda a, app, f: actions.evaluate_application(
                  a, app, **_kw(f, "scheme_unit", "idempotency_key"))),
        Panel("decide", ("approved", "rejected"), lifecycle.Label("批准决定", "decision"),
              forms.DecisionForm, _run_decision),
        Panel("issue", ("issued",), t["issued"].label, forms.IssueForm,
              lambda a, app, f: actions.issue_application_certificate(
                  a, app, **_kw(f, "issue_date", "idempotency_key", "programmes"))),
        Panel("withdraw", ("withdraw",), t["withdraw"].label, forms.ReasonForm,
              _simple(actions.withdraw_application)),
    ]  # fmt: skip


def _build(panel: Panel, application: Application, data: Any = None) -> forms.StepForm:
    kwargs: dict[str, Any] = {}
    if panel.slug == "sampling":
        kwargs["application"] = application
    elif panel.slug == "test-report":
        kwargs["sample"] = _sample(application)
    elif panel.slug == "evaluate":
        kwargs.update(application=application, sample=_sample(application))
    elif panel.slug == "inspection":
        kwargs["initial"] = {"inspected_on": timezone.localdate(), "man_days": "2.0"}
    elif panel.slug == "issue":
        kwargs.update(application=application, initial={"issue_date": timezone.localdate()})
    return panel.build(data, **kwargs) if data is not None else panel.build(**kwargs)


def _available(actor: Actor, application: Application) -> list[Panel]:
    flow = workflow()
    roles = roles_in_scope(actor, application)
    result = []
    for panel in _panels():
        for name in panel.transitions:
            transition = flow.transitions[name]
            if application.state in transition.from_states and transition.role in roles:
                if panel.slug == "decide" and application.reviewer_id == actor.user.pk:
                    continue
                result.append(panel)
                break
    return result


def _application_page(
    request: HttpRequest,
    actor: Actor,
    application: Application,
    bound: tuple[str, forms.StepForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    flow = workflow()
    steps = list(application.steps.select_related("actor").order_by("recorded_at", "id"))
    timeline = [
        {
            "step": step,
            "label": _label(flow.transitions[step.transition].label),
            "state": _label(state_label(step.state_after)),
        }
        for step in steps
    ]
    panels = []
    for panel in _available(actor, application):
        if panel.slug == "close":
            for nc in Nonconformity.objects.filter(
                inspection__application=application, closed_at__isnull=True
            ):
                form = (
                    bound[1]
                    if bound
                    and bound[0] == "close"
                    and bound[1].data.get("nonconformity") == str(nc.pk)
                    else _build(panel, application)
                )
                if not form.is_bound:
                    form.initial["nonconformity"] = nc.pk
                panels.append(
                    {
                        "slug": "close",
                        "title": f"{_label(panel.title)}：{nc.description}",
                        "form": form,
                    }
                )
            continue
        form = bound[1] if bound and bound[0] == panel.slug else _build(panel, application)
        panels.append(
            {
                "slug": panel.slug,
                "title": _label(panel.title),
                "form": form,
                # Withdrawing ends the application: offered apart, never as the main action.
                "ends": panel.slug == "withdraw",
                # Sending it back to the applicant: set apart from accepting it.
                "caution": panel.slug == "return",
            }
        )
    roles = roles_in_scope(actor, application)
    required = [
        {"kind": kind, "label": _label(label), "present": present}
        for kind, label, present in documents_checklist(application)
    ]
    documents = list(application.documents.order_by("uploaded_at"))
    for document in documents:
        kind = flow.document_kinds.get(document.kind)
        document.kind_label = _label(kind) if kind else document.kind  # type: ignore[attr-defined]
    context = {
        "application": application,
        "state": _label(state_label(application.state)),
        "timeline": timeline,
        "deadlines": deadlines.deadlines(application, steps),
        "deadline_labels": {
            d.limit.name: _label(d.limit.label) for d in deadlines.deadlines(application, steps)
        },
        "documents": documents,
        "inspections": application.inspections.prefetch_related("nonconformities"),
        "samples": _samples_with_names(application),
        "evaluation": _evaluation_with_labels(application.evaluation_result),
        "panels": panels,
        "checklist": required,
        "upload_form": (
            bound[1]
            if bound and bound[0] == "documents"
            else forms.DocumentForm(
                initial={"kind": next((r["kind"] for r in required if not r["present"]), "")}
            )
        )
        if "enterprise" in roles and application.state not in flow.final_states
        else None,
        "own_review": application.state == "evaluated"
        and application.reviewer_id == actor.user.pk
        and "body_staff" in roles,
        "english": forms.is_english(),
    }
    return render(request, "certification/application.html", context, status=status)


@login_required
def application_detail(request: HttpRequest, reference: str) -> HttpResponse:
    actor, application = _application_for(request, reference)
    return _application_page(request, actor, application)


@login_required
@require_POST
def application_step(request: HttpRequest, reference: str, slug: str) -> HttpResponse:
    actor, application = _application_for(request, reference)
    panel = next((p for p in _panels() if p.slug == slug), None)
    if panel is None:
        raise Http404
    form = _build(panel, application, request.POST)
    status = 400
    if form.is_valid():
        try:
            result = panel.run(actor, application, form)
        except UserFacingError as error:
            form.add_action_error(error)
            status = _status(error)
        else:
            if getattr(result, "replayed", False):
                messages.info(request, _("This form was already submitted; nothing was changed."))
            else:
                messages.success(request, _("Saved: %(step)s") % {"step": _label(panel.title)})
            return redirect("office:application", reference=application.reference)
    application.refresh_from_db()
    return _application_page(request, actor, application, (slug, form), status)


@login_required
@require_POST
def upload_document(request: HttpRequest, reference: str) -> HttpResponse:
    actor, application = _application_for(request, reference)
    form = forms.DocumentForm(request.POST, request.FILES)
    status = 400
    if form.is_valid():
        try:
            actions.add_document(
                actor, application, form.cleaned_data["kind"], form.cleaned_data["file"]
            )
        except UserFacingError as error:
            form.add_action_error(error)
            status = _status(error)
        else:
            messages.success(request, _("Document uploaded."))
            return redirect("office:application", reference=application.reference)
    return _application_page(request, actor, application, ("documents", form), status)


@login_required
def document_download(request: HttpRequest, reference: str, pk: int) -> FileResponse:
    """Documents go only to the application's parties; to anyone else they do not exist."""
    _actor, application = _application_for(request, reference)
    document = get_object_or_404(ApplicationDocument, pk=pk, application=application)
    response = FileResponse(
        document.file.open("rb"), as_attachment=True, filename=document.original_name
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def apply(request: HttpRequest) -> HttpResponse:
    """申请: the enterprise user fills in one application with its first document."""
    actor = Actor.for_user(request.user)
    enterprises = list(Enterprise.objects.filter(pk__in=enterprise_ids_of(actor)))
    if not enterprises:
        return render(request, "certification/not_enterprise.html", status=403)
    initial: dict[str, Any] = {}
    renewal = request.GET.get("renewal_of", "")
    if renewal:
        old = Certificate.objects.filter(number=renewal, holder__in=enterprises).first()
        if old:
            initial = {
                "category": old.category_id,
                "certification_unit": old.certification_unit,
                "body": old.body_id,
                "site_region": old.site_region_id,
                "production_site": old.production_site,
                "service_site": old.service_site,
                "renewal_of": old.number,
                "products": "\n".join(
                    f"{p['name']}: {', '.join(p['models'])}" for p in old.products
                ),
            }
    status = 200
    user_id = int(request.user.pk or 0)
    staged_token = ""
    if request.method == "POST":
        files = request.FILES.copy()
        staged_token = request.POST.get("staged_document", "")
        if "document" not in files and staged_token:
            kept = staging.kept(user_id, staged_token)
            if kept is not None:
                files["document"] = kept
        form = forms.ApplicationForm(request.POST, files)
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            renewal_of = None
            if data["renewal_of"]:
                renewal_of = Certificate.objects.filter(number=data["renewal_of"]).first()
            try:
                if data["renewal_of"] and renewal_of is None:
                    raise ValidationFailed(
                        field="renewal_of",
                        value=data["renewal_of"],
                        expected_zh="本企业持有的证书编号",
                        expected_en="the number of a certificate the enterprise holds",
                    )
                application = actions.submit_application(
                    actor,
                    enterprise=enterprises[0],
                    body=data["body"],
                    category=data["category"],
                    certification_unit=data["certification_unit"],
                    site_region=data["site_region"],
                    products=data["products"],
                    production_site=data["production_site"],
                    service_site=data["service_site"],
                    renewal_of=renewal_of,
                    documents=[(data["document_kind"], data["document"])],
                    idempotency_key=data["idempotency_key"],
                )
            except UserFacingError as error:
                form.add_action_error(error)
                status = _status(error)
            else:
                staging.discard(user_id, staged_token)
                messages.success(request, _("Application submitted."))
                return redirect("office:application", reference=application.reference)
        staged_token = _keep_document(user_id, request, staged_token)
        fresh = request.POST.copy()
        fresh["staged_document"] = staged_token
        form.data = fresh
    else:
        form = forms.ApplicationForm(initial=initial)
    flow = workflow()
    return render(
        request,
        "certification/apply.html",
        {
            "form": form,
            "enterprise": enterprises[0],
            "staged_name": staging.name_of(user_id, staged_token) if staged_token else "",
            "required": {
                kind: [_label(flow.document_kinds[k]) for k in names]
                for kind, names in flow.required_documents.items()
            },
        },
        status=status,
    )


OUTCOME_LABELS = {
    "pass": pgettext_lazy("evaluation outcome", "met"),
    "fail": pgettext_lazy("evaluation outcome", "not met"),
    "missing": pgettext_lazy("evaluation outcome", "no value"),
    "not_applicable": pgettext_lazy("evaluation outcome", "not applicable"),
}


def _evaluation_with_labels(result: dict[str, Any] | None) -> dict[str, Any] | None:
    if not result:
        return result
    items = [
        item | {"outcome_label": OUTCOME_LABELS.get(item.get("outcome", ""), item.get("outcome"))}
        for item in result.get("items", [])
    ]
    return result | {"items": items}


def _value_names(scheme_id: str, version: str) -> dict[str, str]:
    """The names of a scheme's measured values, requirements and indicators, by id."""
    try:
        scheme = load_shipped_schemes().get(scheme_id, version)
    except Exception:  # a scheme no longer shipped: its ids stay as they are
        return {}
    english = forms.is_english()
    names: dict[str, str] = {}
    for group in (scheme.inputs, scheme.derived, scheme.baseline, scheme.indicators):
        for entry in group:
            name = getattr(entry, "name", None)
            if name is not None:
                names[entry.id] = name.en if english else name.zh
    return names


def _samples_with_names(application: Application) -> list[Any]:
    samples = list(application.samples.select_related("laboratory", "report"))
    for sample in samples:
        report = getattr(sample, "report", None)
        names = _value_names(sample.scheme_id, sample.scheme_version) if report else {}
        sample.value_rows = [  # type: ignore[attr-defined]
            (names.get(key, key), key, value)
            for key, value in (report.values if report else {}).items()
        ]
    return samples


def _keep_document(user_id: int, request: HttpRequest, token: str) -> str:
    """After an error: keep a newly chosen document that is acceptable in itself (its type and
    size), replacing one kept before; the token of what is kept now."""
    upload = request.FILES.get("document")
    if upload is None:
        return token if staging.name_of(user_id, token) else ""
    try:
        check_upload(request.POST.get("document_kind", "other"), upload)
    except UserFacingError:
        return token if staging.name_of(user_id, token) else ""
    staging.discard(user_id, token)
    return staging.stage(user_id, upload)


# ---------------------------------------------------------------- certificates


def _status_forms() -> dict[str, lifecycle.Transition]:
    """Office forms that change a certificate's status: every office action but ``change``."""
    return {
        slug: transition
        for slug, transition in lifecycle.office_actions().items()
        if transition.event_type != EventType.CHANGED
    }


def _certificate_for(request: HttpRequest, number: str) -> tuple[Actor, Certificate]:
    actor = Actor.for_user(request.user)
    certificate = get_object_or_404(
        Certificate.objects.select_related("holder", "body", "category", "renewed_from"),
        number=number,
    )
    if not can_view_certificate(actor, certificate):
        raise Http404
    return actor, certificate


def _certificate_page(
    request: HttpRequest,
    actor: Actor,
    certificate: Certificate,
    bound: tuple[str, forms.StepForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    from greencert.certification.permissions import can_change

    language = "en" if forms.is_english() else "zh-hans"
    events = []
    for row in history(certificate.pk, details=True):
        reason = lifecycle.reason_label(row["reason_code"])
        events.append(
            {
                "event": row,
                "label": lifecycle.event_label(row["type"]).get(language),
                "reason": reason.get(language) if reason else "",
                "status": lifecycle.status_label(row["status_after"]).get(language),
                "inspection": row["payload"].get("inspection"),
                "due": row["payload"].get("due", ""),
            }
        )
    action_forms = []
    cited = request.GET.get("order", "")
    for action, transition in _status_forms().items():
        if transition.allowed_from(certificate.status) and can_change(
            actor, certificate, transition.event_type
        ):
            pending = open_orders(certificate, transition.event_type)
            if transition.event_type == EventType.RECTIFIED and not pending:
                continue  # a rectification is noted only as an order's completion
            prefilled = any(number == cited for number, _text in pending)
            owed = due_choices(certificate, transition.event_type, language)
            initial: dict[str, Any] = {"order": cited} if prefilled else {}
            if owed:
                first = certificate.due_actions.get(number=owed[0][0])
                initial |= {"due": first.number, "reason_code": first.reason_code}
            form = (
                bound[1]
                if bound and bound[0] == action
                else forms.StatusChangeForm(
                    group=transition.reason_group, orders=pending, dues=owed, initial=initial
                )
            )
            action_forms.append(
                {
                    "slug": action,
                    "title": transition.label.get(language),
                    "form": form,
                    "open": prefilled or bool(owed),
                }
            )
    changing = lifecycle.transitions()[EventType.CHANGED]
    if changing.allowed_from(certificate.status) and can_change(
        actor, certificate, EventType.CHANGED
    ):
        form = bound[1] if bound and bound[0] == "change" else forms.ChangeForm()
        action_forms.append({"slug": "change", "title": changing.label.get(language), "form": form})
    if certificate.status in lifecycle.IN_FORCE and can_order_surveillance(actor, certificate):
        form = bound[1] if bound and bound[0] == "unannounced" else forms.UnannouncedForm()
        action_forms.append(
            {"slug": "unannounced", "title": _("Order unannounced surveillance"), "form": form}
        )
    tasks = []
    recording = can_record_surveillance(actor, certificate) and certificate.status == Status.VALID
    offered = False
    outcomes = workflow().surveillance_outcomes
    for task in certificate.surveillance_tasks.order_by("due_on", "id"):
        kind, _code = workflow().surveillance_kinds[task.kind]
        result_form: forms.StepForm | None = None
        if recording and task.state == "scheduled" and not offered:
            offered = True  # one result at a time: the earliest task due
            result_form = (
                bound[1]
                if bound
                and bound[0] == "surveillance"
                and bound[1].data.get("task") == str(task.pk)
                else forms.SurveillanceResultForm(initial={"task": task.pk})
            )
        tasks.append(
            {
                "task": task,
                "state": _label(outcomes[task.state]) if task.state in outcomes else _("scheduled"),
                "kind": _label(kind),
                "form": result_form,
                "overdue": task.state == "scheduled" and task.due_on < timezone.localdate(),
            }
        )
    today = timezone.localdate()
    window_opens = certificate.expiry_date - dt.timedelta(
        days=certificate.category.renewal_window_days
    )
    context = {
        "certificate": certificate,
        "status_label": lifecycle.status_label(certificate.status).get(language),
        "events": events,
        "action_forms": action_forms,
        "tasks": tasks,
        "application": Application.objects.filter(certificate=certificate).first(),
        "renewals": certificate.renewals.all(),
        "can_renew": certificate.holder_id in enterprise_ids_of(actor)
        and certificate.status == Status.VALID
        and window_opens <= today <= certificate.expiry_date,
        "window_opens": window_opens,
        "can_order": certificate.status in lifecycle.IN_FORCE and in_region(actor, certificate),
        "dues": [_due_row(d, language) for d in certificate.due_actions.order_by("-id")],
    }
    return render(request, "certification/certificate.html", context, status=status)


@login_required
def certificate_detail(request: HttpRequest, number: str) -> HttpResponse:
    actor, certificate = _certificate_for(request, number)
    return _certificate_page(request, actor, certificate)


@login_required
@require_POST
def certificate_action(request: HttpRequest, number: str, action: str) -> HttpResponse:
    actor, certificate = _certificate_for(request, number)
    form: forms.StepForm
    if action in _status_forms():
        transition = _status_forms()[action]
        form = forms.StatusChangeForm(
            request.POST,
            group=transition.reason_group,
            orders=open_orders(certificate, transition.event_type),
            dues=due_choices(
                certificate,
                transition.event_type,
                "en" if forms.is_english() else "zh-hans",
            ),
        )
    elif action == "change":
        form = forms.ChangeForm(request.POST)
    elif action == "unannounced":
        form = forms.UnannouncedForm(request.POST)
    elif action == "surveillance":
        form = forms.SurveillanceResultForm(request.POST)
    else:
        raise Http404
    status = 400
    if form.is_valid():
        data = form.cleaned_data
        key = data["idempotency_key"]
        try:
            if action == "unannounced":
                surveillance.order_unannounced_surveillance(
                    actor, certificate, reason=data["reason"], due_on=data["due_on"],
                    idempotency_key=key,
                )  # fmt: skip
            elif action == "surveillance":
                task = get_object_or_404(SurveillanceTask, pk=data["task"], certificate=certificate)
                surveillance.record_surveillance_result(
                    actor, task, outcome=data["outcome"], note=data["note"], idempotency_key=key
                )
            elif action == "change":
                assert isinstance(form, forms.ChangeForm)
                apply_certificate_action(
                    actor, certificate, "change", reason_code=data["reason_code"],
                    changes=form.changes(), inspection=form.inspection(), idempotency_key=key,
                )  # fmt: skip
            else:
                apply_certificate_action(
                    actor, certificate, action, reason_code=data["reason_code"],
                    note=data["note"], until=data.get("until"), idempotency_key=key,
                    order=data.get("order", ""), due=data.get("due", ""),
                )  # fmt: skip
        except UserFacingError as error:
            form.add_action_error(error)
            status = _status(error)
        else:
            messages.success(request, _("Saved."))
            return redirect(reverse("office:certificate", args=[certificate.number]))
    certificate.refresh_from_db()
    return _certificate_page(request, actor, certificate, (action, form), status)


__all__ = [
    "application_detail",
    "application_step",
    "apply",
    "certificate_action",
    "certificate_detail",
    "document_download",
    "queue",
    "upload_document",
]
