"""Recognition agreement pages: the public list and each agreement with its recognised
certificates; a party's regulator also finds there the forms to recognise a certificate,
withdraw a recognition or end the agreement. A provincial regulator records a new agreement on
the office page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from greencert.certification.forms import ReasonForm, StepForm
from greencert.certification.models import Certificate
from greencert.core.actors import Actor
from greencert.core.errors import UserFacingError
from greencert.governance import recognition as actions
from greencert.governance.agreement_forms import AgreementForm
from greencert.governance.models import Recognition, RecognitionAgreement
from greencert.governance.permissions import can_create_agreements, parties_acted_for
from greencert.governance.presenters import recognition_rows


class RecognitionForm(StepForm):
    certificate = forms.CharField(label=gettext_lazy("Registry number"), max_length=40)
    recognised_by = forms.ChoiceField(label=gettext_lazy("Recognised by"))

    def __init__(self, *args: Any, agreement: RecognitionAgreement, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["recognised_by"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(str(p.pk), p.name_zh) for p in agreement.parties.all()]

    def clean_certificate(self) -> Certificate:
        number = self.cleaned_data["certificate"].strip().upper()
        certificate = Certificate.objects.filter(number=number).first()
        if certificate is None:
            raise forms.ValidationError(_("the registry number of a certificate on record"))
        return certificate


def agreement_list(request: HttpRequest) -> HttpResponse:
    agreements = RecognitionAgreement.objects.prefetch_related("parties", "categories")
    return render(
        request,
        "governance/recognition_list.html",
        {
            "agreements": agreements.order_by("state", "kind", "code"),
            "can_create": can_create_agreements(Actor.for_user(request.user)),
        },
    )


@login_required
def office_new(request: HttpRequest) -> HttpResponse:
    """A provincial regulator records an agreement its province is a party to."""
    actor = Actor.for_user(request.user)
    if not can_create_agreements(actor):
        raise PermissionDenied
    form = AgreementForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                agreement = actions.create_agreement(actor, **form.arguments())
            except UserFacingError as error:
                form.add_action_error(error)
                status = error.http_status
            else:
                messages.success(request, _("Agreement recorded."))
                return redirect(reverse("governance:agreement", args=[agreement.code]))
    context = {
        "title": _("New recognition agreement"),
        "form": form,
        "back": "governance:agreements",
    }
    return render(request, "governance/office_form.html", context, status=status)


def agreement_detail(request: HttpRequest, code: str) -> HttpResponse:
    agreement = get_object_or_404(RecognitionAgreement, code=code)
    return _render_agreement(request, agreement, {})


def _render_agreement(
    request: HttpRequest,
    agreement: RecognitionAgreement,
    bound: dict[str, StepForm],
    status: int = 200,
) -> HttpResponse:
    actor = Actor.for_user(request.user)
    is_party = bool(parties_acted_for(actor, agreement))
    rows = recognition_rows(agreement)
    context = {
        "agreement": agreement,
        "parties": agreement.parties.select_related("region"),
        "categories": agreement.categories.order_by("code"),
        "documents": agreement.documents.all(),
        "current": [r for r in rows if r.ended_on is None],
        "ended": [r for r in rows if r.ended_on is not None],
        "is_party": is_party,
    }
    if is_party and agreement.state == RecognitionAgreement.State.IN_FORCE:
        context["recognise_form"] = bound.get("recognise") or RecognitionForm(agreement=agreement)
        context["end_form"] = bound.get("end") or ReasonForm()
    return render(request, "governance/recognition_detail.html", context, status=status)


def _party(request: HttpRequest, agreement: RecognitionAgreement) -> Actor:
    actor = Actor.for_user(request.user)
    if not parties_acted_for(actor, agreement):
        raise PermissionDenied
    return actor


@login_required
@require_POST
def recognise(request: HttpRequest, code: str) -> HttpResponse:
    agreement = get_object_or_404(RecognitionAgreement, code=code)
    actor = _party(request, agreement)
    form = RecognitionForm(request.POST, agreement=agreement)
    if form.is_valid():
        party = agreement.parties.get(pk=form.cleaned_data["recognised_by"])
        try:
            actions.recognise_certificate(
                actor, agreement, form.cleaned_data["certificate"], recognised_by=party
            )
        except UserFacingError as error:
            form.add_action_error(error)
            return _render_agreement(request, agreement, {"recognise": form}, error.http_status)
        messages.success(request, _("Certificate recognised."))
        return redirect(reverse("governance:agreement", args=[agreement.code]))
    return _render_agreement(request, agreement, {"recognise": form}, 400)


@login_required
@require_POST
def end_agreement(request: HttpRequest, code: str) -> HttpResponse:
    agreement = get_object_or_404(RecognitionAgreement, code=code)
    actor = _party(request, agreement)
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            actions.end_agreement(actor, agreement, reason=form.cleaned_data["note"])
        except UserFacingError as error:
            form.add_action_error(error)
            return _render_agreement(request, agreement, {"end": form}, error.http_status)
        messages.success(request, _("Agreement ended; its recognitions have ended."))
        return redirect(reverse("governance:agreement", args=[agreement.code]))
    return _render_agreement(request, agreement, {"end": form}, 400)


@login_required
@require_POST
def withdraw(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    agreement = get_object_or_404(RecognitionAgreement, code=code)
    actor = _party(request, agreement)
    recognition = get_object_or_404(Recognition, pk=pk, agreement=agreement)
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            actions.end_recognition(actor, recognition, note=form.cleaned_data["note"])
        except UserFacingError as error:
            messages.error(request, error.message_zh + " / " + error.message_en)
        else:
            messages.success(request, _("Recognition withdrawn."))
    return redirect(reverse("governance:agreement", args=[agreement.code]))
