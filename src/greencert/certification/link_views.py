"""Office page of a certificate's supply chain (产业链上下游): the certificates it cites, those
citing it, and, for its issuing body's staff, forms to add and remove upstream links."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from greencert.certification import lifecycle, links
from greencert.certification.forms import StepForm, choices, label
from greencert.certification.views import _certificate_for
from greencert.core.actors import Actor
from greencert.core.errors import UserFacingError


class UpstreamLinkForm(StepForm):
    """关联上游证书: the upstream certificate by either number, its role and share."""

    upstream = forms.CharField(
        label=_("Upstream certificate number"),
        max_length=60,
        help_text=_("The registry number (GC…) or the issuing body's own number"),
    )
    role = forms.ChoiceField(label=_("Role"), choices=())
    share = forms.DecimalField(
        label=_("Share (%)"), required=False, min_value=0, max_value=100, decimal_places=2
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices(self, "role", [(code, label(r)) for code, r in links.roles().items()])


class UnlinkForm(StepForm):
    upstream = forms.CharField(widget=forms.HiddenInput, max_length=60)
    reason_code = forms.ChoiceField(label=_("Reason"), choices=())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        reasons = lifecycle.reasons()["supply_chain_removal"]
        choices(
            self, "reason_code", [(code, f"{code} {label(text)}") for code, text in reasons.items()]
        )


def _page(
    request: HttpRequest,
    actor: Actor,
    certificate: Any,
    form: UpstreamLinkForm | None = None,
    status: int = 200,
) -> HttpResponse:
    language = get_language() or "zh-hans"
    may_link = links.can_link(actor, certificate)
    sections = links.verify_sections(certificate, language)
    context = {
        "certificate": certificate,
        "status_label": certificate.status_label(language),
        "programme_label": sections["programme_label"],
        "upstream": [
            row | {"unlink_form": UnlinkForm(initial={"upstream": row["number"]})}
            for row in sections["supply_chain"]["upstream"]
        ],
        "downstream": sections["supply_chain"]["downstream"],
        "form": (form or UpstreamLinkForm()) if may_link else None,
        "may_link": may_link,
    }
    return render(request, "certification/supply_chain.html", context, status=status)


@login_required
def supply_chain(request: HttpRequest, number: str) -> HttpResponse:
    actor, certificate = _certificate_for(request, number)
    return _page(request, actor, certificate)


@login_required
@require_POST
def link_upstream(request: HttpRequest, number: str) -> HttpResponse:
    actor, certificate = _certificate_for(request, number)
    form = UpstreamLinkForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            link = links.link_upstream(
                actor, certificate, data["upstream"], role=data["role"], share=data["share"]
            )
        except UserFacingError as error:
            form.add_action_error(error)
        else:
            messages.success(request, _("Upstream certificate %s cited.") % link.upstream.number)
            return redirect("office:supply_chain", certificate.number)
    return _page(request, actor, certificate, form, status=400)


@login_required
@require_POST
def unlink_upstream(request: HttpRequest, number: str) -> HttpResponse:
    actor, certificate = _certificate_for(request, number)
    form = UnlinkForm(request.POST)
    if form.is_valid():
        try:
            links.unlink_upstream(
                actor,
                certificate,
                form.cleaned_data["upstream"],
                reason_code=form.cleaned_data["reason_code"],
            )
        except UserFacingError as error:
            messages.error(
                request, error.message_en if get_language() == "en" else error.message_zh
            )
        else:
            messages.success(
                request,
                _("Upstream certificate %s no longer cited.") % form.cleaned_data["upstream"],
            )
    return redirect("office:supply_chain", certificate.number)
