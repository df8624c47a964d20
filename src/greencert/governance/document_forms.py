"""Forms of the alliance documents' pages: the secretariat's document, version and filing forms,
and a body's form to cite a version. Each only collects input; the actions check it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from greencert.certification.forms import StepForm, date_input, is_english
from greencert.certification.lookup import explain, find_certificate
from greencert.certification.models import Certificate
from greencert.governance.alliance_codes import choices
from greencert.governance.models import AllianceDocument, DocumentVersion


class DocumentForm(StepForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=())
    code = forms.CharField(
        label=_("Document code"), max_length=40, help_text=_("For example YRDGC-P-001")
    )
    title_zh = forms.CharField(label=_("Title (Chinese)"), max_length=200)
    title_en = forms.CharField(label=_("Title (English)"), max_length=300, required=False)
    summary = forms.CharField(
        label=_("Summary"), required=False, widget=forms.Textarea({"rows": 3})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["kind"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices("document_kinds")


class VersionForm(StepForm):
    version = forms.CharField(
        label=_("Version"), max_length=16, help_text=_("For example 1.0 or 2.1")
    )
    issued_on = forms.DateField(label=_("Issued on"), widget=date_input())
    in_force_on = forms.DateField(label=_("In force from"), widget=date_input())
    changes = forms.CharField(
        label=_("What the version changes"), required=False, widget=forms.Textarea({"rows": 2})
    )


class FilingForm(StepForm):
    filing_number = forms.CharField(label=_("CNCA filing number"), max_length=40)
    filed_on = forms.DateField(label=_("Filed on"), widget=date_input())


def version_label(version: DocumentVersion) -> str:
    """How a version is offered for citing: its number, filing and in-force date."""
    filing = (
        gettext("filed %(number)s") % {"number": version.filing_number}
        if version.is_filed
        else gettext("not yet filed")
    )
    in_force = gettext("in force from %(day)s") % {"day": version.in_force_on.isoformat()}
    return f"{version.version} · {filing} · {in_force}"


class CitationForm(StepForm):
    """A body's staff cite a version for one of the body's certificates, found by either number."""

    version = forms.ChoiceField(label=_("Version"), choices=())
    certificate = forms.CharField(
        label=_("Certificate number"),
        max_length=40,
        help_text=_("The registry number (GC…) or the number your body gave the certificate"),
    )

    def __init__(
        self, *args: Any, document: AllianceDocument, body_ids: set[int], **kwargs: Any
    ) -> None:
        self.versions = {str(v.pk): v for v in document.versions.all()}
        self.body_ids = body_ids
        today = timezone.localdate()
        citable = [pk for pk, v in self.versions.items() if v.is_filed and v.in_force_on <= today]
        if citable:
            kwargs.setdefault("initial", {}).setdefault("version", citable[0])
        super().__init__(*args, **kwargs)
        field = self.fields["version"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(pk, version_label(v)) for pk, v in self.versions.items()]

    def clean_version(self) -> DocumentVersion:
        return self.versions[self.cleaned_data["version"]]

    def clean_certificate(self) -> Certificate:
        lookup = find_certificate(self.cleaned_data["certificate"])
        matches = lookup.matches
        if lookup.verdict == "several":
            # Two bodies may give out the same number: staff mean their own body's certificate.
            matches = [c for c in lookup.matches if c.body_id in self.body_ids]
        if len(matches) == 1:
            return matches[0]
        zh, en = explain(lookup)
        raise forms.ValidationError(en if is_english() else zh)
