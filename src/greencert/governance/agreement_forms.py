"""The office form for concluding a recognition agreement; the action checks what it collects."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from greencert.catalog.models import Category
from greencert.certification.forms import StepForm, date_input, is_english
from greencert.governance import roster
from greencert.governance.forms import RegionMultipleChoiceField
from greencert.governance.models import RecognitionAgreement
from greencert.regions.models import Region, RegionLevel

KINDS = [
    (RecognitionAgreement.Kind.INTER_PROVINCIAL.value, _("Mutual recognition among the provinces")),
    (RecognitionAgreement.Kind.INTERNATIONAL.value, _("International recognition")),
]


class CategoryChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Category) -> str:
        return obj.name("en" if is_english() else "zh")


class AgreementForm(StepForm):
    code = forms.CharField(
        label=_("Agreement number"),
        max_length=40,
        help_text=_("Letters, digits and hyphens, such as YRD-HR-2026-01."),
    )
    title_zh = forms.CharField(label=_("Title in Chinese"), max_length=200)
    title_en = forms.CharField(label=_("Title in English"), max_length=300)
    kind = forms.ChoiceField(label=_("Kind"), choices=KINDS, widget=forms.RadioSelect)
    starts_on = forms.DateField(label=_("In force from"), widget=date_input())
    ends_on = forms.DateField(label=_("Ends on"), widget=date_input(), required=False)
    provinces = RegionMultipleChoiceField(
        label=_("Parties (provincial market regulators)"),
        queryset=Region.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    scheme = forms.CharField(
        label=_("Other scheme"),
        max_length=200,
        required=False,
        help_text=_(
            "For an international recognition: the name of the other certification scheme."
        ),
    )
    categories = CategoryChoiceField(
        label=_("Scope (certification categories)"),
        queryset=Category.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    documents = forms.CharField(
        label=pgettext_lazy("agreement", "Documents"),
        required=False,
        widget=forms.Textarea({"rows": 3}),
        help_text=_("One per line: the title, a vertical bar, then the address (https://…)."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["provinces"].queryset = Region.objects.filter(  # type: ignore[attr-defined]
            code__in=roster.member_codes(), level=RegionLevel.PROVINCE
        ).order_by("code")
        self.fields["categories"].queryset = Category.objects.order_by("code")  # type: ignore[attr-defined]

    def clean_documents(self) -> list[tuple[str, str]]:
        found: list[tuple[str, str]] = []
        for line in self.cleaned_data["documents"].splitlines():
            if not line.strip():
                continue
            title, bar, url = line.replace("｜", "|").rpartition("|")
            if not bar:
                raise forms.ValidationError(
                    _("a title, a vertical bar and an address on each line")
                )
            found.append((title.strip(), url.strip()))
        return found

    def arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        keys = ("code", "title_zh", "title_en", "kind", "starts_on", "ends_on", "scheme")
        return {key: data[key] for key in keys} | {
            "categories": list(data["categories"]),
            "provinces": list(data["provinces"]),
            "documents": data["documents"],
        }
