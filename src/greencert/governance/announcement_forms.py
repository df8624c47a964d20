"""The office form for drafting an announcement: certificates and organisations by their numbers."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from greencert.certification.forms import StepForm, date_input
from greencert.certification.models import Certificate
from greencert.parties.models import Enterprise

SEPARATORS = re.compile(r"[\s,，、;；]+")


def _codes(text: str) -> list[str]:
    return [c.upper() for c in SEPARATORS.split(text.strip()) if c]


class AnnouncementForm(StepForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    title_en = forms.CharField(label=_("Title in English"), max_length=300, required=False)
    announced_on = forms.DateField(label=_("Date"), widget=date_input())
    body = forms.CharField(label=_("Text"), widget=forms.Textarea({"rows": 6}))
    certificates = forms.CharField(
        label=_("Certificates announced"),
        required=False,
        widget=forms.Textarea({"rows": 3}),
        help_text=_("Registry numbers, one per line; each certificate's holder is listed with it."),
    )
    enterprises = forms.CharField(
        label=_("Further organisations"),
        required=False,
        widget=forms.Textarea({"rows": 2}),
        help_text=_("Unified social credit codes, one per line."),
    )

    def clean_certificates(self) -> list[Certificate]:
        numbers = _codes(self.cleaned_data["certificates"])
        found = {
            c.number: c
            for c in Certificate.objects.filter(number__in=numbers).select_related("holder")
        }
        missing = [n for n in numbers if n not in found]
        if missing:
            raise forms.ValidationError(
                _("registry numbers of certificates on record; not found: %(numbers)s"),
                params={"numbers": ", ".join(missing)},
            )
        return [found[n] for n in numbers]

    def clean_enterprises(self) -> list[Enterprise]:
        codes = _codes(self.cleaned_data["enterprises"])
        found = {e.credit_code: e for e in Enterprise.objects.filter(credit_code__in=codes)}
        missing = [c for c in codes if c not in found]
        if missing:
            raise forms.ValidationError(
                _("credit codes of registered enterprises; not found: %(codes)s"),
                params={"codes": ", ".join(missing)},
            )
        return [found[c] for c in codes]

    def arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {key: data[key] for key in ("title", "title_en", "announced_on", "body")} | {
            "certificates": data["certificates"],
            "enterprises": data["enterprises"],
        }
