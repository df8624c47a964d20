"""Forms of the institutions' pages; each only collects input for an action, which checks it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from greencert.certification.forms import StepForm, is_english
from greencert.governance import roster
from greencert.governance.alliance_codes import choices
from greencert.governance.models import AllianceDocument, Decision
from greencert.regions.models import Region


def _member_regions() -> Any:
    return Region.objects.filter(code__in=roster.member_codes()).order_by("code")


def _regulator_name(region: Region) -> str:
    language = "en" if is_english() else "zh"
    member = roster.member(region.code)
    return member.regulator(language) if member else region.name(language)


class RegionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Region) -> str:
        return _regulator_name(obj)


class RegionMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Region) -> str:
        return _regulator_name(obj)


class MeetingForm(StepForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    held_on = forms.DateField(label=_("Date"), widget=forms.DateInput({"type": "date"}))
    place = forms.CharField(label=_("Place"), max_length=200)
    attendees = RegionMultipleChoiceField(
        label=_("Attending members"),
        queryset=Region.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    agenda = forms.CharField(label=_("Agenda"), required=False, widget=forms.Textarea({"rows": 4}))
    minutes = forms.CharField(
        label=_("Minutes"), required=False, widget=forms.Textarea({"rows": 6})
    )

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = _member_regions()  # type: ignore[attr-defined]
        if editing:
            del self.fields["held_on"]


class DecisionForm(StepForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    text = forms.CharField(label=_("Decision"), widget=forms.Textarea({"rows": 4}))
    documents = forms.ModelMultipleChoiceField(
        label=_("Alliance documents"),
        queryset=AllianceDocument.objects.order_by("code"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    targets = forms.CharField(
        label=_("Statistics targets"),
        required=False,
        help_text=_("One per line: indicator, region code (blank for the YRD), year"),
        widget=forms.Textarea({"rows": 2}),
    )

    def clean_targets(self) -> list[tuple[str, str, int]]:
        found: list[tuple[str, str, int]] = []
        for line in self.cleaned_data["targets"].splitlines():
            if not line.strip():
                continue
            parts = [p.strip() for p in line.replace("，", ",").split(",")]
            if len(parts) != 3 or not parts[2].isdigit():
                raise forms.ValidationError(_("indicator, region code, year on each line"))
            found.append((parts[0], parts[1], int(parts[2])))
        return found


class TaskForm(StepForm):
    decision: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Decision"), queryset=Decision.objects.none()
    )
    assignee = RegionChoiceField(label=_("Assigned member"), queryset=Region.objects.none())
    description = forms.CharField(label=_("Task"), widget=forms.Textarea({"rows": 2}))
    due_on = forms.DateField(label=_("Due on"), widget=forms.DateInput({"type": "date"}))

    def __init__(self, *args: Any, decisions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["decision"].queryset = decisions  # type: ignore[attr-defined]
        self.fields["assignee"].queryset = _member_regions()  # type: ignore[attr-defined]


class TaskDoneForm(StepForm):
    note = forms.CharField(label=_("What was done"), widget=forms.Textarea({"rows": 2}))
    done_on = forms.DateField(
        label=_("Done on"), required=False, widget=forms.DateInput({"type": "date"})
    )


class ApplicationForm(StepForm):
    kind = forms.ChoiceField(label=_("Kind of organisation"), choices=())
    name = forms.CharField(label=_("Name of the organisation"), max_length=200)
    name_en = forms.CharField(label=_("English name"), max_length=300, required=False)
    credit_code = forms.CharField(label=_("Unified social credit code"), max_length=24)
    region = forms.ModelChoiceField(
        label=_("Located in"),
        queryset=Region.objects.filter(level__in=["province", "city"]).order_by("code"),
    )
    approval_number = forms.CharField(
        label=_("CNCA approval number (certification bodies)"), max_length=24, required=False
    )
    cma_number = forms.CharField(
        label=_("CMA number (laboratories, optional)"), max_length=16, required=False
    )
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    statement = forms.CharField(
        label=_("Why the organisation joins"), required=False, widget=forms.Textarea({"rows": 3})
    )
    contact_name = forms.CharField(label=_("Contact person"), max_length=60)
    contact_email = forms.EmailField(label=_("Contact e-mail"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = choices("member_kinds")  # type: ignore[attr-defined]


class MemberStepForm(StepForm):
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea({"rows": 2}))


class DirectoryFilters(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=())
    province = forms.ChoiceField(label=_("Province"), required=False, choices=())
    state = forms.ChoiceField(label=_("Status"), required=False, choices=())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from greencert.governance.alliance_codes import labels, public_states

        super().__init__(*args, **kwargs)
        every = [("", _("All"))]
        self.fields["kind"].choices = every + choices("member_kinds")  # type: ignore[attr-defined]
        provinces = Region.objects.filter(level="province").order_by("code")
        language = "en" if is_english() else "zh"
        self.fields["province"].choices = every + [  # type: ignore[attr-defined]
            (r.code, r.name(language)) for r in provinces
        ]
        states = labels("member_states")
        self.fields["state"].choices = every + [  # type: ignore[attr-defined]
            (s, f"{states[s].zh} {states[s].en}") for s in public_states()
        ]
