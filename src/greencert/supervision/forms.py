"""Forms of the supervision pages; errors name the field, the value and what was expected."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from greencert.catalog.models import Category
from greencert.certification.forms import RegionChoiceField, StepForm, date_input, is_english
from greencert.regions.models import Region
from greencert.supervision.codes import labels

PROVINCES = ["310000", "320000", "330000", "340000"]


def options(group: str, blank: bool = False) -> list[tuple[str, str]]:
    english = is_english()
    rows = [(c, f"{c} · {v.en if english else v.zh}") for c, v in labels(group).items()]
    return [("", "—"), *rows] if blank else rows


class ComplaintForm(StepForm):
    certificate_number = forms.CharField(
        label=_("Certificate number"), max_length=40, required=False
    )
    province = forms.ModelChoiceField(
        label=_("Province where you saw it"),
        queryset=Region.objects.filter(code__in=PROVINCES),
        required=False,
    )
    description = forms.CharField(
        label=_("What looks wrong"), widget=forms.Textarea({"rows": 5}), max_length=2000
    )
    photo = forms.FileField(label=_("Photo (optional, JPEG or PNG, at most 5 MB)"), required=False)
    contact = forms.CharField(label=_("Contact (optional)"), max_length=120, required=False)
    challenge = forms.CharField(widget=forms.HiddenInput)
    proof = forms.CharField(widget=forms.HiddenInput, required=False)


class TrackForm(forms.Form):
    code = forms.CharField(label=_("Tracking code"), max_length=20)


class BlacklistForm(StepForm):
    subject = forms.CharField(
        label=_("Credit code of the enterprise or approval number of the body"), max_length=20
    )
    basis_code = forms.ChoiceField(label=_("Legal basis"))
    facts = forms.CharField(label=_("Facts and reasons"), widget=forms.Textarea({"rows": 3}))
    ends_on = forms.DateField(label=_("Listed until"), widget=date_input())
    categories = forms.MultipleChoiceField(
        label=_("Categories covered (none selected: all)"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["basis_code"].choices = options("bases")  # type: ignore[attr-defined]
        self.fields["categories"].choices = [  # type: ignore[attr-defined]
            (c.code, c.name_en if is_english() else c.name_zh)
            for c in Category.objects.order_by("code")
        ]


class ReasonForm(StepForm):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea({"rows": 2}))


class CreditRecordForm(StepForm):
    subject = forms.CharField(
        label=_("Credit code of the enterprise or approval number of the body"), max_length=20
    )
    source = forms.ChoiceField(label=_("Source"))
    occurred_on = forms.DateField(label=_("Date"), widget=date_input())
    region = RegionChoiceField(label=_("Region"), queryset=Region.objects.all())
    basis_code = forms.ChoiceField(label=_("Legal basis"))
    evidence = forms.CharField(label=_("Evidence"), widget=forms.Textarea({"rows": 3}))
    reference = forms.CharField(label=_("Reference"), max_length=64, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["source"].choices = options("credit_sources")  # type: ignore[attr-defined]
        self.fields["basis_code"].choices = options("bases")  # type: ignore[attr-defined]


class AssignForm(StepForm):
    assignee = forms.ModelChoiceField(
        label=_("Assign to"), queryset=get_user_model().objects.none()
    )

    def __init__(self, *args: Any, province: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        users = get_user_model().objects.filter(greencert_roles__role="regulator")
        if province:
            users = users.filter(greencert_roles__region__province_code=province)
        field = self.fields["assignee"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = users.distinct().order_by("username")


class NoteForm(StepForm):
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea({"rows": 2}))


class CloseForm(StepForm):
    outcome = forms.ChoiceField(label=_("Outcome"))
    note = forms.CharField(
        label=_("Outcome shown to the reporter"), widget=forms.Textarea({"rows": 3})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["outcome"].choices = options("complaint_outcomes")  # type: ignore[attr-defined]


class ResultForm(StepForm):
    object_id = forms.ChoiceField(label=_("Object"))
    result = forms.ChoiceField(label=_("Result"))
    findings = forms.CharField(
        label=_("Findings"), required=False, widget=forms.Textarea({"rows": 2})
    )
    suspend_until = forms.DateField(
        label=_("Suspend the certificate until (failed results only)"),
        required=False,
        widget=date_input(),
    )

    def __init__(self, *args: Any, objects: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["object_id"].choices = [(o, o) for o in objects or []]  # type: ignore[attr-defined]
        self.fields["result"].choices = options("inspection_results")  # type: ignore[attr-defined]
