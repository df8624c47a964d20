"""Forms of the supervision pages; errors name the field, the value and what was expected."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from greencert.catalog.models import Category
from greencert.certification.forms import RegionChoiceField, StepForm, date_input, is_english
from greencert.certification.lifecycle.codes import statuses
from greencert.core.actors import Actor
from greencert.core.errors import UserFacingError
from greencert.parties.permissions import regulated_region_codes
from greencert.regions.models import Region
from greencert.supervision.codes import inspection_setting, labels, ratio_bounds
from greencert.supervision.permissions import home_region, regions_in_scope

PROVINCES = ["310000", "320000", "330000", "340000"]


def options(group: str, blank: bool = False) -> list[tuple[str, str]]:
    english = is_english()
    rows = [(c, v.en if english else v.zh) for c, v in labels(group).items()]
    return [("", "—"), *rows] if blank else rows


class ComplaintForm(StepForm):
    certificate_number = forms.CharField(
        label=_("Certificate number (optional)"),
        max_length=40,
        required=False,
        help_text=_("Printed under the QR code of the mark and on the certificate."),
        widget=forms.TextInput({"autocomplete": "off", "spellcheck": "false"}),
    )
    province = forms.ModelChoiceField(
        label=_("Province where you saw it (optional)"),
        queryset=Region.objects.filter(code__in=PROVINCES),
        required=False,
        empty_label=_("Not sure"),
        help_text=_(
            "With a certificate number, the report goes to the regulators of its province."
        ),
    )
    description = forms.CharField(
        label=_("What looks wrong"),
        widget=forms.Textarea({"rows": 5}),
        max_length=2000,
        help_text=_("Where and when you saw it, the product, the seller: 10 to 2,000 characters."),
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
    ends_on = forms.DateField(
        label=_("Listed until"),
        widget=date_input(),
        required=False,
        help_text=_("Empty: the full three years of SAMR Order No. 44 (the longest allowed)."),
    )
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


class EarlyRemovalForm(StepForm):
    """The listed party's application for early removal (提前移出申请)."""

    statement = forms.CharField(
        label=_("How the conditions are met"), widget=forms.Textarea({"rows": 4})
    )
    evidence = forms.CharField(
        label=_("Evidence (documents, their numbers and dates)"),
        widget=forms.Textarea({"rows": 3}),
    )


class EarlyRemovalDecisionForm(StepForm):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve early removal")), ("refuse", _("Refuse"))],
    )
    reason = forms.CharField(label=_("Reasons"), widget=forms.Textarea({"rows": 2}))


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
    order_suspension_by = forms.DateField(
        label=_("Order the body to suspend the certificate by (failed results only)"),
        required=False,
        widget=date_input(),
    )

    def __init__(
        self, *args: Any, objects: list[tuple[str, str]] | None = None, **kwargs: Any
    ) -> None:
        """``objects``: the drawn objects still without a result, as (id, name and code)."""
        super().__init__(*args, **kwargs)
        self.fields["object_id"].choices = list(objects or [])  # type: ignore[attr-defined]
        self.fields["result"].choices = options("inspection_results")  # type: ignore[attr-defined]


# ---------------------------------------------------------------- inspection plans and the directory

PLAN_LEVELS = ["province", "city"]
UNKNOWN_REGION = _("the GB/T 2260 code of a Yangtze River Delta region")


def region_options(regions: Any, blank: bool = False) -> list[tuple[str, str]]:
    english = is_english()
    rows = [(r.code, f"{r.code} {r.name_en if english else r.name_zh}") for r in regions]
    return [("", "—"), *rows] if blank else rows


def scoped_regions(actor: Actor) -> Any:
    """The organising regions a regulator may pick: their own, and the cities within them."""
    own = regulated_region_codes(actor)
    return regions_in_scope(actor).filter(Q(level__in=PLAN_LEVELS) | Q(code__in=own))


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.code} · {obj.name_en if is_english() else obj.name_zh}"


class PlanForm(StepForm):
    """抽查计划: what the regulator drafts; ``create_plan`` has the last word on every value.

    The organising region accepts any known region and offers only those in the regulator's
    scope, so a region outside it is refused by the action, which says whose it is."""

    code = forms.CharField(label=_("Plan code"), max_length=32)
    title = forms.CharField(label=_("Title"), max_length=200)
    region = RegionChoiceField(
        label=_("Organising region"),
        queryset=Region.objects.all(),
        error_messages={"invalid_choice": UNKNOWN_REGION},
    )
    object_kind = forms.ChoiceField(label=_("Objects inspected"))
    filter_region = RegionChoiceField(
        label=_("Objects located in"),
        queryset=Region.objects.all(),
        required=False,
        empty_label="—",
        error_messages={"invalid_choice": UNKNOWN_REGION},
    )
    filter_category = CategoryChoiceField(
        label=_("Objects certified in category"),
        queryset=Category.objects.order_by("code"),
        to_field_name="code",
        required=False,
        empty_label="—",
        error_messages={"invalid_choice": _("a category of the catalogue")},
    )
    filter_status = forms.ChoiceField(
        label=_("Certificate status (certificates only; none: valid)"), required=False
    )
    filter_alliance_member = forms.ChoiceField(
        label=_("Alliance membership (bodies only)"),
        required=False,
        choices=[("", "—"), ("yes", _("alliance members")), ("no", _("not alliance members"))],
    )
    inspector_regions = forms.ModelMultipleChoiceField(
        label=_("Inspectors from (none: the whole directory)"),
        queryset=Region.objects.filter(level__in=PLAN_LEVELS).order_by("code"),
        required=False,
        error_messages={"invalid_choice": UNKNOWN_REGION},
    )
    inspectors_per_check = forms.IntegerField(
        label=_("Inspectors per object"), min_value=1, max_value=99
    )
    publish_within_days = forms.IntegerField(
        label=_("Publish each result within (working days)"), min_value=1, max_value=250
    )

    FILTER_FIELDS = {
        "region": "filter_region",
        "category": "filter_category",
        "status": "filter_status",
        "alliance_member": "filter_alliance_member",
    }

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        home = home_region(actor)
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("region", home.code if home else None)
        initial.setdefault("inspectors_per_check", inspection_setting("min_inspectors"))
        initial.setdefault("publish_within_days", inspection_setting("publish_within_days"))
        super().__init__(*args, **kwargs)
        self.fields["region"].widget.choices = region_options(scoped_regions(actor), blank=True)
        self.fields["object_kind"].choices = options("inspection_objects")  # type: ignore[attr-defined]
        self.fields["filter_status"].choices = [  # type: ignore[attr-defined]
            ("", "—"),
            *((c, f"{c} · {v.en if is_english() else v.zh}") for c, v in statuses().items()),
        ]
        self.fields["inspector_regions"].widget.choices = region_options(
            Region.objects.filter(level__in=PLAN_LEVELS).order_by("code")
        )

    def object_filters(self) -> dict[str, Any]:
        data = self.cleaned_data
        filters: dict[str, Any] = {}
        if data.get("filter_region"):
            filters["region"] = data["filter_region"].code
        if data.get("filter_category"):
            filters["category"] = data["filter_category"].code
        if data.get("filter_status"):
            filters["status"] = data["filter_status"]
        if data.get("filter_alliance_member"):
            filters["alliance_member"] = data["filter_alliance_member"] == "yes"
        return filters

    def pools(self) -> dict[str, Any]:
        """The pool arguments of ``create_plan`` and ``preview_pools``."""
        return {
            "object_kind": self.cleaned_data["object_kind"],
            "object_filters": self.object_filters(),
            "inspector_regions": [r.code for r in self.cleaned_data["inspector_regions"]],
            "inspectors_per_check": self.cleaned_data["inspectors_per_check"],
        }

    def add_action_error(self, error: UserFacingError) -> None:
        if error.field == "object_filters":
            first = str(error.value).split(",")[0]
            message = error.message_en if is_english() else error.message_zh
            self.add_error(self.FILTER_FIELDS.get(first), message)
            return
        super().add_action_error(error)


def ratio_help() -> str:
    """The sampling ratio each kind of item allows, from ``data/codes.yaml``."""
    kinds = labels("inspection_items")
    parts = []
    for kind, label in kinds.items():
        low, high = ratio_bounds(kind)
        parts.append(f"{label.en if is_english() else label.zh} {low}–{high}")
    return "; ".join(parts)


class PlanItemForm(StepForm):
    """One row of the item list (抽查事项清单); codes are numbered by kind (G01, K01…)."""

    name = forms.CharField(label=_("Item"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), initial="general")
    ratio = forms.DecimalField(label=_("Sampling ratio"), max_digits=5, decimal_places=4)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The plan form carries the page's idempotency key; its rows need none.
        del self.fields["idempotency_key"]
        self.fields["kind"].choices = options("inspection_items")  # type: ignore[attr-defined]


PlanItemFormSet = forms.formset_factory(PlanItemForm, extra=4)


class PlanDraft:
    """The plan form and its item rows, read together and shown with the action's errors."""

    def __init__(self, actor: Actor, data: Any = None) -> None:
        self.plan = PlanForm(data, actor=actor)
        self.items = PlanItemFormSet(data, prefix="items")

    def is_valid(self, with_items: bool = True) -> bool:
        valid = self.plan.is_valid()
        return (self.items.is_valid() and valid) if with_items else valid

    def item_rows(self) -> dict[str, PlanItemForm]:
        rows: dict[str, PlanItemForm] = {}
        counts: dict[str, int] = {}
        for form in self.items.forms:
            if not form.cleaned_data:
                continue
            kind = form.cleaned_data["kind"]
            counts[kind] = counts.get(kind, 0) + 1
            rows[f"{kind[0].upper()}{counts[kind]:02d}"] = form
        return rows

    def arguments(self) -> dict[str, Any]:
        """Keyword arguments of ``create_plan`` (with the actor)."""
        data = self.plan.cleaned_data
        return self.plan.pools() | {
            "code": data["code"],
            "title": data["title"],
            "region": data["region"],
            "publish_within_days": data["publish_within_days"],
            "items": [
                {
                    "code": code,
                    "name": form.cleaned_data["name"],
                    "kind": form.cleaned_data["kind"],
                    "ratio": str(form.cleaned_data["ratio"]),
                }
                for code, form in self.item_rows().items()
            ],
        }

    def add_action_error(self, error: UserFacingError) -> None:
        """Beside the item row an error names (``items.G01.ratio``), else on the plan form."""
        parts = error.field.split(".")
        rows = self.item_rows()
        if len(parts) == 3 and parts[0] == "items" and parts[1] in rows:
            message = error.message_en if is_english() else error.message_zh
            form = rows[parts[1]]
            form.add_error(parts[2] if parts[2] in form.fields else None, message)
        else:
            self.plan.add_action_error(error)


def party_codes(text: str) -> list[str]:
    return [c for c in re.split(r"[\s,，、;；]+", text.strip().upper()) if c]


class InspectorForm(StepForm):
    """检查人员: an entry of the directory and the conflicts of interest the inspector declared."""

    code = forms.CharField(label=_("Inspector code"), max_length=32)
    name = forms.CharField(label=_("Name"), max_length=60)
    region = RegionChoiceField(
        label=_("Region"),
        queryset=Region.objects.all(),
        error_messages={"invalid_choice": UNKNOWN_REGION},
    )
    affiliation = forms.CharField(
        label=_("Works for (credit code or approval number)"), max_length=20, required=False
    )
    conflicts = forms.CharField(
        label=_("Declared conflicts of interest"),
        required=False,
        widget=forms.Textarea({"rows": 3}),
        help_text=_(
            "Credit codes of enterprises or approval numbers of certification bodies, "
            "one per line or separated by commas."
        ),
    )
    active = forms.BooleanField(label=_("Available for draws"), required=False, initial=True)

    def __init__(self, *args: Any, actor: Actor, editing: bool = False, **kwargs: Any) -> None:
        home = home_region(actor)
        kwargs.setdefault("initial", {}).setdefault("region", home.code if home else None)
        super().__init__(*args, **kwargs)
        regions = regions_in_scope(actor).filter(level__in=PLAN_LEVELS).order_by("code")
        self.fields["region"].widget.choices = region_options(regions, blank=True)
        if editing:
            self.fields["code"].disabled = True
        else:
            del self.fields["active"]

    def clean_conflicts(self) -> list[str]:
        return party_codes(self.cleaned_data["conflicts"])


# ---------------------------------------------------------------- regulators' orders


def order_kind_options() -> list[tuple[str, str]]:
    english = is_english()
    return [(c, v.en if english else v.zh) for c, v in labels("order_kinds").items()]


def legal_basis_options() -> list[tuple[str, str]]:
    """Each citable provision by its citation, with the kinds it supports; an article not yet
    checked against the official text says so."""
    from greencert.supervision.orders import legal_bases

    english = is_english()
    language = "en" if english else "zh"
    kinds = labels("order_kinds")
    rows = []
    for code, basis in legal_bases().items():
        supports = ", ".join(kinds[k].get(language) for k in basis.kinds)
        unconfirmed = "" if basis.confirmed else f" ({_('article to be confirmed')})"
        rows.append((code, f"{basis.citation(language)}{unconfirmed} — {supports}"))
    return rows


class OrderForm(StepForm):
    kind = forms.ChoiceField(label=_("Order"), widget=forms.RadioSelect)
    basis_code = forms.ChoiceField(label=_("Legal basis"))
    reason = forms.CharField(label=_("Facts and reasons"), widget=forms.Textarea({"rows": 3}))
    deadline = forms.DateField(label=_("To be carried out by"), widget=date_input())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = order_kind_options()  # type: ignore[attr-defined]
        self.fields["basis_code"].choices = legal_basis_options()  # type: ignore[attr-defined]
