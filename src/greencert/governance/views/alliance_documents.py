"""The secretariat's pages for the alliance's documents (registering a document, adding a
version, recording its CNCA filing), and the page where a certification body's staff cite a
filed version for one of the body's certificates. Every change goes through the actions of
``governance.alliance_documents``, whose refusals show beside the form."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from greencert.certification.forms import StepForm
from greencert.core.actors import Actor
from greencert.governance import alliance_documents as actions
from greencert.governance.alliance_codes import labels
from greencert.governance.document_forms import (
    CitationForm,
    DocumentForm,
    FilingForm,
    VersionForm,
)
from greencert.governance.models import AllianceDocument, DocumentVersion
from greencert.governance.permissions import is_secretariat
from greencert.governance.views.common import run, text
from greencert.parties.permissions import body_ids_of


def _secretariat(request: HttpRequest) -> Actor:
    actor = Actor.for_user(request.user)
    if not is_secretariat(actor):
        raise PermissionDenied
    return actor


def _document_rows() -> list[dict[str, Any]]:
    kinds = labels("document_kinds")
    return [
        {"document": d, "kind": text(kinds.get(d.kind)), "latest": d.versions.first()}
        for d in AllianceDocument.objects.prefetch_related("versions").order_by("kind", "code")
    ]


@login_required
def office_documents(request: HttpRequest) -> HttpResponse:
    """The documents on record and the form to register a new one."""
    actor = _secretariat(request)
    form = DocumentForm(request.POST or None)
    status = 200
    if request.method == "POST":
        added: list[AllianceDocument] = []
        outcome = run(
            request,
            form,
            lambda data: added.append(
                actions.add_document(
                    actor,
                    code=data["code"],
                    kind=data["kind"],
                    title_zh=data["title_zh"],
                    title_en=data["title_en"],
                    summary=data["summary"],
                )
            ),
            done=_("Document registered."),
            then=lambda: reverse("governance:alliance_office_document", args=[added[0].code]),
        )
        if isinstance(outcome, HttpResponse):
            return outcome
        status = outcome
    return render(
        request,
        "governance/office_documents.html",
        {"documents": _document_rows(), "form": form},
        status=status,
    )


def _office_document(
    request: HttpRequest,
    document: AllianceDocument,
    bound: dict[str, StepForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    bound = bound or {}
    today = timezone.localdate()
    versions = []
    for version in document.versions.all():
        key = f"filing-{version.pk}"
        versions.append(
            {
                "version": version,
                "in_force": version.in_force_on <= today,
                "filing_form": None
                if version.is_filed
                else bound.get(key) or FilingForm(prefix=f"v{version.pk}"),
            }
        )
    context = {
        "document": document,
        "kind": text(labels("document_kinds").get(document.kind)),
        "versions": versions,
        "version_form": bound.get("version") or VersionForm(),
        "refused": bound.get("refused"),
    }
    return render(request, "governance/office_document.html", context, status=status)


def _document(code: str) -> AllianceDocument:
    return get_object_or_404(AllianceDocument, code=code)


@login_required
def office_document(request: HttpRequest, code: str) -> HttpResponse:
    _secretariat(request)
    return _office_document(request, _document(code))


@login_required
@require_POST
def office_version_new(request: HttpRequest, code: str) -> HttpResponse:
    actor = _secretariat(request)
    document = _document(code)
    form = VersionForm(request.POST)
    outcome = run(
        request,
        form,
        lambda data: actions.add_document_version(
            actor,
            document,
            version=data["version"],
            issued_on=data["issued_on"],
            in_force_on=data["in_force_on"],
            changes=data["changes"],
        ),
        done=_("Version added; it cannot be cited until its CNCA filing is recorded."),
        then=lambda: reverse("governance:alliance_office_document", args=[document.code]),
    )
    if isinstance(outcome, HttpResponse):
        return outcome
    return _office_document(request, document, {"version": form}, outcome)


@login_required
@require_POST
def office_filing(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    actor = _secretariat(request)
    document = _document(code)
    version = get_object_or_404(DocumentVersion, pk=pk, document=document)
    form = FilingForm(request.POST, prefix=f"v{version.pk}")
    outcome = run(
        request,
        form,
        lambda data: actions.record_filing(
            actor, version, filing_number=data["filing_number"], filed_on=data["filed_on"]
        ),
        done=_("CNCA filing recorded."),
        then=lambda: reverse("governance:alliance_office_document", args=[document.code]),
    )
    if isinstance(outcome, HttpResponse):
        return outcome
    version.refresh_from_db()
    # A version filed meanwhile has no filing form left: its refusal shows above the versions.
    key = "refused" if version.is_filed else f"filing-{version.pk}"
    return _office_document(request, document, {key: form}, outcome)


# ---------------------------------------------------------------- a body cites a version


def _body_staff(request: HttpRequest) -> tuple[Actor, set[int]]:
    actor = Actor.for_user(request.user)
    bodies = body_ids_of(actor)
    if not bodies:
        raise PermissionDenied
    return actor, bodies


@login_required
def cite(request: HttpRequest, code: str) -> HttpResponse:
    """证书引用联盟文件: the issuing body's staff choose a version and type the certificate's
    registry number or the body's own number for it."""
    actor, bodies = _body_staff(request)
    document = _document(code)
    form = CitationForm(request.POST or None, document=document, body_ids=bodies)
    status = 200
    if request.method == "POST":
        outcome = run(
            request,
            form,
            lambda data: actions.cite_document(actor, data["certificate"], data["version"]),
            done=_("The certificate now cites this document."),
            then=lambda: reverse("governance:alliance_document", args=[document.code]),
        )
        if isinstance(outcome, HttpResponse):
            return outcome
        status = outcome
    context = {
        "document": document,
        "kind": text(labels("document_kinds").get(document.kind)),
        "form": form,
    }
    return render(request, "governance/document_cite.html", context, status=status)
