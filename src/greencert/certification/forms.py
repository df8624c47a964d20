"""Forms for each step of the workflow. Every form carries an idempotency key, and every error
names the field, the value typed and what was expected, in the page's language."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from greencert.catalog.models import Category
from greencert.certification import lifecycle
from greencert.certification.audits import programmes_open_to
from greencert.certification.models import Application, Sample
from greencert.certification.rules import lifecycle_rules
from greencert.certification.workflow import evaluations
from greencert.certification.workflow.machine import workflow
from greencert.core.errors import UserFacingError
from greencert.evaluation import load_shipped_schemes
from greencert.parties.models import CertificationBody, Laboratory
from greencert.regions.models import Region


def date_input() -> forms.DateInput:
    """A native date picker; it accepts ISO dates only, whatever the page's language."""
    return forms.DateInput({"type": "date"}, format="%Y-%m-%d")


def choices(form: forms.Form, name: str, options: list[tuple[str, str]]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = options


class RegionChoiceField(forms.ModelChoiceField):
    """A region by its name, under its city or province (the code is for machines)."""

    def __init__(self, queryset: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(queryset.select_related("parent"), *args, **kwargs)

    def label_from_instance(self, obj: Any) -> str:
        english = is_english()

        def name(region: Any) -> str:
            return str(region.name_en if english and region.name_en else region.name_zh)

        parent = obj.parent
        return f"{name(parent)} · {name(obj)}" if parent is not None else name(obj)


class LaboratoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} (CMA {obj.cma_number})"


def is_english() -> bool:
    return (get_language() or "zh-hans").startswith("en")


def label(text: lifecycle.Label) -> str:
    return text.en if is_english() else text.zh


def _missing(field: forms.Field) -> str:
    """What to say when a required field is left empty: what to do, not a format."""
    if isinstance(field, forms.FileField):
        return _("Choose the file for “%(field)s”.") % {"field": field.label}
    if isinstance(field, forms.ChoiceField | forms.ModelChoiceField):
        return _("Choose “%(field)s”.") % {"field": field.label}
    return _("Fill in “%(field)s”.") % {"field": field.label}


class StepForm(forms.Form):
    """Base form: an idempotency key per rendering, and errors that explain themselves."""

    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("idempotency_key", uuid.uuid4().hex)
        super().__init__(*args, **kwargs)

    def full_clean(self) -> None:
        super().full_clean()
        if not self.is_bound:
            return
        for name, errors in list(self.errors.items()):
            if name not in self.fields or name == "idempotency_key":
                continue
            field = self.fields[name]
            raw = self.data.get(self.add_prefix(name), "") or self.files.get(
                self.add_prefix(name), ""
            )
            value = getattr(raw, "name", raw)
            codes = [e.code for e in errors.as_data()] if hasattr(errors, "as_data") else []
            if value in ("", None) and codes and set(codes) <= {"required"}:
                self.errors[name] = self.error_class([_missing(field)])
                continue
            self.errors[name] = self.error_class(
                [
                    _("%(field)s: “%(value)s” is not accepted — expected: %(expected)s")
                    % {"field": field.label, "value": value, "expected": message}
                    for message in errors
                ]
            )

    def add_action_error(self, error: UserFacingError) -> None:
        """Show an error raised by an action beside the field it names (or above the form)."""
        message = error.message_en if is_english() else error.message_zh
        self.add_error(error.field if error.field in self.fields else None, message)


class NoteForm(StepForm):
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea({"rows": 2}))


class ReasonForm(StepForm):
    note = forms.CharField(label=_("Reason"), widget=forms.Textarea({"rows": 3}))


class BodySelect(forms.Select):
    """Bodies with the categories each is approved for (``data-categories``), so the page can
    offer only those approved for the chosen category."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.categories_of: dict[int, str] = {}

    def create_option(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option: dict[str, Any] = super().create_option(*args, **kwargs)
        key = getattr(option["value"], "value", option["value"])
        if key in self.categories_of:
            option["attrs"]["data-categories"] = self.categories_of[key]
        return option


class BodyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name}（{obj.approval_number}）"


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name_en if is_english() else obj.name_zh}"


class ApplicationForm(StepForm):
    category = CategoryChoiceField(
        Category.objects.order_by("code"), label=_("Category"), empty_label=_("Choose a category")
    )
    certification_unit = forms.CharField(label=_("Certification unit"), max_length=100)
    body = BodyChoiceField(
        CertificationBody.objects.filter(active=True).order_by("name"),
        label=_("Certification body"),
        empty_label=_("Choose a body approved for the category"),
        widget=BodySelect({"data-filter-by": "id_category"}),
        help_text=_("Only bodies approved (CNCA) for the chosen category are offered."),
    )
    site_region = RegionChoiceField(
        Region.objects.exclude(level="province").order_by("code"),
        label=_("Site region"),
        empty_label=_("Choose the city or district"),
    )
    products = forms.CharField(
        label=_("Products and models"),
        required=False,
        widget=forms.Textarea({"rows": 3, "placeholder": "水性外墙涂料: LH-200, LH-300"}),
        help_text=_("One product per line: name, a colon, then its models separated by commas."),
    )
    production_site = forms.CharField(label=_("Production site"), required=False, max_length=300)
    service_site = forms.CharField(label=_("Service site"), required=False, max_length=300)
    renewal_of = forms.CharField(label=_("Renewal of certificate"), required=False, max_length=20)
    document_kind = forms.ChoiceField(label=_("Document type"), choices=())
    document = forms.FileField(label=_("Document"))
    # A document chosen before an error, kept on the server (certification.workflow.staging).
    staged_document = forms.CharField(widget=forms.HiddenInput, required=False, max_length=40)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kinds = workflow().document_kinds
        choices(self, "document_kind", [(k, label(v)) for k, v in kinds.items()])
        approved: dict[int, list[str]] = {}
        links = CertificationBody.categories.through.objects.values_list(
            "certificationbody_id", "category_id"
        )
        for body_id, category_id in links:
            approved.setdefault(body_id, []).append(str(category_id))
        widget = self.fields["body"].widget
        assert isinstance(widget, BodySelect)
        widget.categories_of = {pk: " ".join(ids) for pk, ids in approved.items()}
        widget.attrs["data-offered"] = str(
            _("%(count)s bodies are approved for this category.") % {"count": "%(count)s"}
        )

    def clean_products(self) -> list[dict[str, Any]]:
        products = []
        for line in self.cleaned_data["products"].splitlines():
            if not line.strip():
                continue
            name, sep, models = line.replace("：", ":").partition(":")
            listed = [m.strip() for m in models.replace("，", ",").split(",") if m.strip()]
            if not sep or not name.strip() or not listed:
                raise forms.ValidationError(
                    _("one product per line as “name: model, model” (line “%(line)s”)"),
                    params={"line": line.strip()},
                )
            products.append({"name": name.strip(), "models": listed})
        return products


class DocumentForm(StepForm):
    kind = forms.ChoiceField(label=_("Document type"), choices=())
    file = forms.FileField(label=_("Document"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kinds = workflow().document_kinds
        choices(self, "kind", [(k, label(v)) for k, v in kinds.items()])


class InspectionForm(StepForm):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=(), widget=forms.RadioSelect)
    inspected_on = forms.DateField(label=_("Inspected on"), widget=date_input())
    inspectors = forms.CharField(label=_("Inspectors"), max_length=200)
    man_days = forms.DecimalField(label=_("Man-days"), max_digits=4, decimal_places=1, min_value=0)
    findings = forms.CharField(
        label=_("Findings"), required=False, widget=forms.Textarea({"rows": 3})
    )
    nonconformities = forms.CharField(
        label=_("Nonconformities"),
        required=False,
        widget=forms.Textarea({"rows": 3}),
        help_text=_("One per line; required for a pass after corrective actions."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        outcomes = workflow().inspection_outcomes
        choices(self, "outcome", [(k, label(v)) for k, (_t, v) in outcomes.items()])


class CloseNonconformityForm(StepForm):
    nonconformity = forms.IntegerField(widget=forms.HiddenInput)
    closure_note = forms.CharField(label=_("How the correction was verified"), max_length=2000)


class SamplingForm(StepForm):
    laboratory = LaboratoryChoiceField(Laboratory.objects.all(), label=_("Laboratory (CMA)"))
    scheme = forms.ChoiceField(label=_("Evaluation scheme"), choices=())
    sample_code = forms.CharField(label=_("Sample code"), max_length=40)
    product_model = forms.CharField(label=_("Product model"), max_length=100)
    quantity = forms.CharField(label=_("Quantity"), max_length=40)
    sampled_on = forms.DateField(label=_("Sampled on"), widget=date_input())
    sampled_at_site = forms.CharField(label=_("Sampled at"), max_length=300)

    def __init__(self, *args: Any, application: Application, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        english = is_english()
        in_force = evaluations.schemes_for(application.category, timezone.localdate())
        choices(
            self,
            "scheme",
            [(s.key, f"{s.key} · {s.title.en if english else s.title.zh}") for s in in_force],
        )


class TestReportForm(StepForm):
    """The lab's report: number, date, and one field per value the scheme needs."""

    __test__ = False

    report_number = forms.CharField(label=_("Report number"), max_length=40)
    issued_on = forms.DateField(label=_("Report date"), widget=date_input())
    conclusion = forms.CharField(
        label=_("Conclusion"), required=False, widget=forms.Textarea({"rows": 2})
    )

    def __init__(self, *args: Any, sample: Sample, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scheme = load_shipped_schemes().get(sample.scheme_id, sample.scheme_version)
        language = "en" if is_english() else "zh"
        self.value_names = []
        for value_field in evaluations.value_fields(scheme):
            name = f"value_{value_field.id}"
            text = value_field.name(language)
            if value_field.options:
                self.fields[name] = forms.ChoiceField(
                    label=text,
                    required=False,
                    choices=[("", "—"), *[(o, o) for o in value_field.options]],
                )
            else:
                unit = value_field.unit if value_field.unit not in (None, "1") else ""
                self.fields[name] = forms.CharField(
                    label=f"{text} ({unit})" if unit else text,
                    required=False,
                    max_length=40,
                    widget=forms.TextInput({"inputmode": "decimal"}),
                )
            self.value_names.append(name)

    def values(self) -> dict[str, str]:
        return {
            name.removeprefix("value_"): self.cleaned_data.get(name) or ""
            for name in self.value_names
        }


class EvaluateForm(StepForm):
    scheme_unit = forms.ChoiceField(label=_("Certification unit in the scheme"), required=False)

    def __init__(self, *args: Any, application: Application, sample: Sample, **kwargs: Any) -> None:
        scheme = load_shipped_schemes().get(sample.scheme_id, sample.scheme_version)
        kwargs.setdefault("initial", {})["scheme_unit"] = evaluations.unit_guess(
            scheme, application.certification_unit
        )
        super().__init__(*args, **kwargs)
        language = "en" if is_english() else "zh"
        units = [(u.id, u.name.get(language)) for u in scheme.certification_units]
        choices(self, "scheme_unit", [("", "—"), *units])


class DecisionForm(StepForm):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve")), ("reject", _("Refuse certification"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea({"rows": 2}))


class IssueForm(StepForm):
    issue_date = forms.DateField(label=_("Issue date"), required=False, widget=date_input())
    programmes = forms.MultipleChoiceField(
        label=_("Certificates to issue (one per programme, on this one audit)"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, application: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        open_ = programmes_open_to(application.body, application.category) if application else []
        choices(self, "programmes", [(p.code, label(p.label)) for p in open_])
        if open_:
            self.fields["programmes"].initial = [open_[0].code]


def reason_choices(group: str) -> list[tuple[str, str]]:
    """The codes a new event may carry (retired ones, such as C01, are not offered)."""
    return [("", "—")] + [
        (code, f"{code} {label(text)}") for code, text in lifecycle.current_reasons(group).items()
    ]


class StatusChangeForm(StepForm):
    """Suspend, restore, revoke, cancel or note a rectification: a reason code from the data
    table is required; ``orders`` are the regulators' orders (责令) the change may carry out."""

    reason_code = forms.ChoiceField(label=_("Reason"), choices=())
    order = forms.ChoiceField(label=_("Carries out the regulator's order"), required=False)
    due = forms.ChoiceField(label=_("Carries out the due action"), required=False)
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)
    until = forms.DateField(
        label=_("Suspended until"),
        required=False,
        widget=date_input(),
        help_text=_(
            "The last day of the suspension; a suspension lasts at most %(months)s months."
        ),
    )

    def __init__(
        self,
        *args: Any,
        group: str,
        orders: list[tuple[str, str]] | None = None,
        dues: list[tuple[str, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        choices(self, "reason_code", reason_choices(group))
        if group != "suspension":
            del self.fields["until"]
        else:
            months = lifecycle_rules().suspension_max_months
            self.fields["until"].help_text = self.fields["until"].help_text % {"months": months}
        if orders:
            choices(self, "order", [("", "—"), *orders])
        else:
            del self.fields["order"]
        if dues:
            # The due action is carried out by this change whether or not it is chosen here.
            choices(self, "due", dues)
        else:
            del self.fields["due"]
        if group == "rectification":
            # A rectification is noted only as an order's completion, and says what was done.
            self.fields["order"].required = True
            self.fields["note"].required = True
            self.fields["note"].label = _("What was rectified")


class ChangeForm(StepForm):
    reason_code = forms.ChoiceField(label=_("Reason"), choices=())
    production_site = forms.CharField(label=_("Production site"), required=False, max_length=300)
    service_site = forms.CharField(label=_("Service site"), required=False, max_length=300)
    # 生产场所变更: the passed on-site inspection of the new site, by its application or itself.
    inspection_application = forms.CharField(
        label=_("Inspection of the new site: application"),
        required=False,
        max_length=20,
        help_text=_(
            "A change of production site needs a passed on-site inspection of the new site: the "
            "application whose inspection passed, or the inspection's date, report number and "
            "inspectors."
        ),
    )
    inspected_on = forms.DateField(label=_("Inspection date"), required=False, widget=date_input())
    inspection_report = forms.CharField(
        label=_("Inspection report number"), required=False, max_length=60
    )
    inspectors = forms.CharField(label=_("Inspectors"), required=False, max_length=200)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices(self, "reason_code", reason_choices("change"))

    def changes(self) -> dict[str, str]:
        return {
            key: self.cleaned_data[key]
            for key in ("production_site", "service_site")
            if self.cleaned_data.get(key)
        }

    def inspection(self) -> dict[str, Any] | None:
        data = self.cleaned_data
        given = {
            "application": data.get("inspection_application") or "",
            "inspected_on": data.get("inspected_on"),
            "report_number": data.get("inspection_report") or "",
            "inspectors": data.get("inspectors") or "",
        }
        return {k: v for k, v in given.items() if v} or None

    def add_action_error(self, error: UserFacingError) -> None:
        # The action names the inspection's parts as ``inspection.<part>``.
        fields = {
            "inspection": "inspection_application",
            "inspection.application": "inspection_application",
            "inspection.inspected_on": "inspected_on",
            "inspection.report_number": "inspection_report",
            "inspection.inspectors": "inspectors",
        }
        message = error.message_en if is_english() else error.message_zh
        self.add_error(
            fields.get(error.field, error.field if error.field in self.fields else None), message
        )


class UnannouncedForm(StepForm):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea({"rows": 2}))
    due_on = forms.DateField(label=_("Due on"), widget=date_input())


class SurveillanceResultForm(StepForm):
    task = forms.IntegerField(widget=forms.HiddenInput)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=(), widget=forms.RadioSelect)
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        outcomes = workflow().surveillance_outcomes
        choices(self, "outcome", [(k, label(v)) for k, v in outcomes.items()])
