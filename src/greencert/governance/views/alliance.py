"""Alliance pages. Public: the member directory, applying, the documents and their versions.
Office (the secretariat): the application queue and the membership's changes."""

from __future__ import annotations

from collections.abc import Callable
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

from greencert.core.actors import Actor
from greencert.governance import alliance, forms
from greencert.governance.alliance_codes import labels, public_states
from greencert.governance.models import (
    AllianceDocument,
    AllianceMember,
    DocumentCitation,
    DocumentVersion,
)
from greencert.governance.permissions import is_secretariat
from greencert.governance.views.common import language, run, text
from greencert.parties.permissions import body_ids_of


def public_members(filters: dict[str, str]) -> QuerySet[AllianceMember]:
    """Members the public sees (not applications), filtered by kind, province and state."""
    qs = AllianceMember.objects.filter(state__in=public_states()).select_related("region")
    if filters.get("kind"):
        qs = qs.filter(kind=filters["kind"])
    if filters.get("province"):
        qs = qs.filter(province_code=filters["province"])
    if filters.get("state"):
        qs = qs.filter(state=filters["state"])
    return qs


def member_row(member: AllianceMember) -> dict[str, Any]:
    return {
        "member": member,
        "kind": text(labels("member_kinds").get(member.kind)),
        "state": text(labels("member_states").get(member.state)),
        "place": member.region.name(language()),
    }


def directory(request: HttpRequest) -> HttpResponse:
    form = forms.DirectoryFilters(request.GET or None)
    chosen = form.cleaned_data if form.is_valid() else {}
    members = public_members(chosen).order_by("kind", "name")[:1000]
    return render(
        request,
        "governance/alliance.html",
        {"form": form, "members": [member_row(m) for m in members]},
    )


def apply(request: HttpRequest) -> HttpResponse:
    """入盟申请: the secretariat decides; the reference is shown once, after sending."""
    form = forms.ApplicationForm(request.POST or None)
    status = 200
    if request.method == "POST":
        outcome = run(
            request,
            form,
            lambda data: alliance.apply_for_membership(
                kind=data["kind"],
                name=data["name"],
                name_en=data["name_en"],
                credit_code=data["credit_code"],
                region=data["region"],
                approval_number=data["approval_number"],
                cma_number=data["cma_number"],
                website=data["website"],
                statement=data["statement"],
                contact_name=data["contact_name"],
                contact_email=data["contact_email"],
            ),
            done=_("Application received: the alliance secretariat will reply by e-mail."),
            then=lambda: reverse("governance:alliance_applied"),
        )
        if isinstance(outcome, HttpResponse):
            return outcome
        status = outcome
    return render(request, "governance/alliance_apply.html", {"form": form}, status=status)


def applied(request: HttpRequest) -> HttpResponse:
    return render(request, "governance/alliance_applied.html")


def _versions(document: AllianceDocument) -> list[dict[str, Any]]:
    today = timezone.localdate()
    citations = DocumentCitation.objects.select_related("certificate").order_by("-cited_at")
    rows = []
    for version in document.versions.prefetch_related(Prefetch("citations", citations)):
        rows.append(
            {
                "version": version,
                "in_force": version.in_force_on <= today,
                "citable": version.is_filed and version.in_force_on <= today,
                "citations": list(version.citations.all()),
            }
        )
    return rows


def documents(request: HttpRequest) -> HttpResponse:
    kinds = labels("document_kinds")
    rows = [
        {"document": d, "kind": text(kinds.get(d.kind)), "latest": d.versions.first()}
        for d in AllianceDocument.objects.prefetch_related(
            Prefetch("versions", DocumentVersion.objects.order_by("-in_force_on", "-id"))
        )
    ]
    return render(request, "governance/documents.html", {"documents": rows})


def document(request: HttpRequest, code: str) -> HttpResponse:
    found = get_object_or_404(AllianceDocument, code=code)
    actor = Actor.for_user(request.user)
    context = {
        "document": found,
        "kind": text(labels("document_kinds").get(found.kind)),
        "versions": _versions(found),
        "decisions": found.decisions.filter(meeting__state="published").exclude(number=None),
        "can_cite": bool(body_ids_of(actor)),
        "can_manage": is_secretariat(actor),
    }
    return render(request, "governance/document.html", context)


# ---------------------------------------------------------------- the secretariat's office


def _secretariat(request: HttpRequest) -> Actor:
    actor = Actor.for_user(request.user)
    if not is_secretariat(actor):
        raise PermissionDenied
    return actor


MEMBER_STEPS: dict[str, Callable[..., AllianceMember]] = {
    "approve": alliance.approve_membership,
    "refuse": alliance.refuse_membership,
    "suspend": alliance.suspend_membership,
    "reinstate": alliance.reinstate_membership,
    "exit": alliance.record_exit,
}


@login_required
def office(request: HttpRequest) -> HttpResponse:
    _secretariat(request)
    pending = AllianceMember.objects.filter(state="pending").select_related("region")
    members = AllianceMember.objects.filter(state__in=["active", "suspended"]).select_related(
        "region"
    )
    context = {
        "pending": [member_row(m) for m in pending.order_by("applied_at")],
        "members": [member_row(m) for m in members.order_by("kind", "name")],
        "form": forms.MemberStepForm(),
    }
    return render(request, "governance/office_alliance.html", context)


@login_required
def office_member(request: HttpRequest, reference: str) -> HttpResponse:
    _secretariat(request)
    member = get_object_or_404(AllianceMember.objects.select_related("region"), reference=reference)
    return render(
        request,
        "governance/office_member.html",
        {"row": member_row(member), "changes": _changes(member), "form": forms.MemberStepForm()},
    )


def _changes(member: AllianceMember) -> list[dict[str, Any]]:
    states = labels("member_states")
    return [
        {
            "change": c,
            "before": text(states.get(c.state_before)),
            "after": text(states.get(c.state_after)),
        }
        for c in member.changes.all()
    ]


@login_required
@require_POST
def office_member_step(request: HttpRequest, reference: str, step: str) -> HttpResponse:
    actor = _secretariat(request)
    member = get_object_or_404(AllianceMember.objects.select_related("region"), reference=reference)
    act = MEMBER_STEPS.get(step)
    if act is None:
        raise Http404
    form = forms.MemberStepForm(request.POST)

    def call(data: dict[str, Any]) -> object:
        if act is alliance.approve_membership:
            return alliance.approve_membership(actor, member, note=data["reason"])
        return act(actor, member, reason=data["reason"])

    outcome = run(
        request,
        form,
        call,
        done=_("Saved."),
        then=lambda: reverse("governance:alliance_office"),
    )
    if isinstance(outcome, HttpResponse):
        return outcome
    member.refresh_from_db()
    context = {"row": member_row(member), "changes": _changes(member), "form": form}
    return render(request, "governance/office_member.html", context, status=outcome)
