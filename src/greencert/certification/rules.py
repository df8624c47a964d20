"""The lifecycle rules after issue (``data/lifecycle_rules.yaml``): the longest suspension, what
becomes due when a suspension runs out or surveillance fails or is overdue, the body's deadline,
and what a change of production site needs. Read once and checked against the reason codes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache

import yaml

from greencert.certification.lifecycle import reasons
from greencert.certification.lifecycle.codes import DATA_DIR
from greencert.core.workdays import add_working_days

# The event by which the body carries out a due action of each kind, and its reason group.
DUE_KINDS = {"revoke": ("revoked", "revocation"), "suspend": ("suspended", "suspension")}
COUNTINGS = ("calendar", "working")


@dataclass(frozen=True)
class DueRule:
    """What becomes due: ``kind`` (revoke or suspend) with the reason the body's action carries."""

    kind: str
    reason_code: str


@dataclass(frozen=True)
class LifecycleRules:
    suspension_max_months: int
    suspension_by_category: dict[str, int]
    on_run_out: DueRule
    surveillance_grace_days: int
    on_surveillance_failed: DueRule
    on_surveillance_overdue: DueRule
    deadline_days: int
    deadline_counting: str
    site_fields: tuple[str, ...]
    site_reason_codes: tuple[str, ...]

    def suspension_months(self, category_code: str) -> int:
        return self.suspension_by_category.get(category_code, self.suspension_max_months)

    def deadline(self, due_on: dt.date) -> dt.date:
        """The last day the body has to carry out what became due on ``due_on``."""
        if self.deadline_counting == "working":
            return add_working_days(due_on, self.deadline_days)
        return due_on + dt.timedelta(days=self.deadline_days)


def _rule(section: str, spec: dict[str, str]) -> DueRule:
    kind, code = spec["action"], spec["reason_code"]
    if kind not in DUE_KINDS:
        raise ValueError(
            f"lifecycle_rules.yaml: {section}: action {kind} is not one of {DUE_KINDS}"
        )
    if code not in reasons()[DUE_KINDS[kind][1]]:
        raise ValueError(f"lifecycle_rules.yaml: {section}: {code} is no {DUE_KINDS[kind][1]} code")
    return DueRule(kind, code)


def _positive(section: str, name: str, value: object) -> int:
    if not isinstance(value, int) or value <= 0:
        raise ValueError(f"lifecycle_rules.yaml: {section}.{name} must be a whole number > 0")
    return value


@cache
def lifecycle_rules() -> LifecycleRules:
    data = yaml.safe_load((DATA_DIR / "lifecycle_rules.yaml").read_text(encoding="utf-8"))
    for section, spec in data.items():
        confirmed = spec.get("confirmed")
        if not isinstance(confirmed, bool) or (confirmed and not spec.get("source")):
            raise ValueError(
                f"lifecycle_rules.yaml: {section} must say whether it is confirmed, "
                "and cite its source if so"
            )
    suspension, surveillance = data["suspension"], data["surveillance"]
    due, site = data["due_actions"], data["site_change"]
    if due["counting"] not in COUNTINGS:
        raise ValueError(f"lifecycle_rules.yaml: due_actions.counting must be one of {COUNTINGS}")
    changes = reasons()["change"]
    unknown = [code for code in site["reason_codes"] if code not in changes]
    if unknown:
        raise ValueError(f"lifecycle_rules.yaml: site_change names unknown change codes {unknown}")
    return LifecycleRules(
        suspension_max_months=_positive("suspension", "max_months", suspension["max_months"]),
        suspension_by_category={
            code: _positive("suspension.by_category", code, months)
            for code, months in (suspension.get("by_category") or {}).items()
        },
        on_run_out=_rule("suspension.on_run_out", suspension["on_run_out"]),
        surveillance_grace_days=_positive("surveillance", "grace_days", surveillance["grace_days"]),
        on_surveillance_failed=_rule("surveillance.on_failed", surveillance["on_failed"]),
        on_surveillance_overdue=_rule("surveillance.on_overdue", surveillance["on_overdue"]),
        deadline_days=_positive("due_actions", "deadline_days", due["deadline_days"]),
        deadline_counting=due["counting"],
        site_fields=tuple(site["fields"]),
        site_reason_codes=tuple(site["reason_codes"]),
    )
