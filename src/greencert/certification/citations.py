"""Which standard edition and scheme version a new certificate may cite on its issue date.

The rule is the catalog's (``catalog.editions``): the edition in force on the issue date, or the
edition it replaced during the transition period. Certificates already issued are not touched.
"""

from __future__ import annotations

import datetime as dt

from greencert.catalog.editions import check_citation, refusal_text
from greencert.catalog.models import Category, Standard
from greencert.core.errors import ValidationFailed
from greencert.evaluation import SchemeError, load_shipped_schemes


def default_standard(category: Category, issue_date: dt.date) -> Standard | None:
    """The edition a certificate cites when the issuer names none: the one in force that day."""
    return category.standard_in_force(issue_date)


def check_cited_standard(standard: Standard, category: Category, issue_date: dt.date) -> None:
    refused = check_citation(standard, issue_date, category.standards.all())
    if refused is not None:
        zh, en = refusal_text(refused)
        raise ValidationFailed(
            field="standard",
            value=standard.code,
            expected_zh=zh,
            expected_en=en,
            code="standard_not_in_force",
        )


def check_cited_scheme(scheme_id: str, version: str, issue_date: dt.date) -> None:
    """A shipped scheme version is citable while the edition it evaluates is (its own dates
    otherwise)."""
    if not scheme_id:
        return
    registry = load_shipped_schemes()
    reference = f"{scheme_id}@{version}"
    try:
        scheme = registry.get(scheme_id, version or None, issue_date)
    except SchemeError:
        # A body may cite a scheme of its own that the registry does not ship; only the shipped
        # schemes have dates to check against.
        return
    editions = list(
        Standard.objects.filter(number=scheme.standard_number).select_related("superseded_by")
    )
    edition = next((e for e in editions if e.year == scheme.standard_year), None)
    if edition is not None:
        refused = check_citation(edition, issue_date, editions)
        if refused is None:
            return
        zh, en = refusal_text(refused)
    elif scheme.in_force_on(issue_date):
        return
    else:
        zh = en = ""
    current = registry.in_force(scheme_id, issue_date)
    expected = current.key if current else "—"
    raise ValidationFailed(
        field="scheme_version",
        value=reference,
        expected_zh=f"颁证日期 {issue_date} 有效的方案版本 {expected}"
        + (f"（{zh}）" if zh else ""),
        expected_en=f"the scheme version in force on the issue date {issue_date}, {expected}"
        + (f" ({en})" if en else ""),
        code="scheme_not_in_force",
    )
