"""The search's filters (检索条件): one schema read by the ``/search`` page and ``GET /api/v1/search``.

Codes a filter names (region, category, body, holder) are checked against the registry when the
filter expression is built, and refused with a bilingual error naming the field and the value.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.db.models import Q
from ninja import Field, FilterLookup
from pydantic import ValidationInfo, field_validator, model_validator

from greencert.catalog.models import Category
from greencert.certification.lifecycle import STATUS_CODES, STATUS_PATTERN
from greencert.core.errors import ValidationFailed
from greencert.core.filters import QueryFilters
from greencert.core.schemas import RegistryDate
from greencert.parties.models import CertificationBody, Enterprise
from greencert.portal.grades import find_grade
from greencert.portal.models import DocumentKind
from greencert.regions.models import Region

MAX_QUERY = 100
KINDS = tuple(k.value for k in DocumentKind)
# The orders a search can be read in; the first is the default.
SORTS = ("relevance", "issued", "expiry", "holder")
# Shanghai has no cities: its province code stands for the city too.
SHANGHAI = "310000"


def _invalid(name: str, value: object, zh: str, en: str) -> ValidationFailed:
    return ValidationFailed(field=name, value=value, expected_zh=zh, expected_en=en)


class SearchFilters(QueryFilters):
    q: str = Field(
        "", max_length=MAX_QUERY, description="words, a certificate number or credit code"
    )
    kind: Annotated[str | None, FilterLookup("kind", ignore_none=False)] = Field(
        None, description="certificate, enterprise or body"
    )
    province: str | None = Field(None, description="GB/T 2260 province code, e.g. 320000")
    city: str | None = Field(None, description="GB/T 2260 city code, e.g. 320500")
    pilot_zone: Annotated[bool | None, FilterLookup("in_pilot_zone")] = Field(
        None, description="in the pilot zone (先行区) or not"
    )
    demonstration_zone: Annotated[bool | None, FilterLookup("in_demonstration_zone")] = Field(
        None, description="in the demonstration zone (示范区)"
    )
    category: str | None = Field(None, description="catalog category code, e.g. coatings")
    body: str | None = Field(None, description="certification body's CNCA approval number")
    holder: str | None = Field(None, description="holder's 统一社会信用代码")
    status: Annotated[str | None, FilterLookup("status")] = Field(
        None, pattern=STATUS_PATTERN, description=STATUS_CODES
    )
    grade: str | None = Field(
        None,
        max_length=32,
        description="grade of a graded certificate: a grade id of the schemes (e.g. diamond-5, "
        "grade-1), its name (五钻, 1级), or the grade as recorded",
    )
    issued_from: Annotated[RegistryDate | None, FilterLookup("issue_date__gte")] = Field(
        None, description="issued on or after (YYYY-MM-DD)"
    )
    issued_to: Annotated[RegistryDate | None, FilterLookup("issue_date__lte")] = Field(
        None, description="issued on or before (YYYY-MM-DD)"
    )
    sort: str | None = Field(
        None,
        description="order of the results: relevance (default: exact matches of the number, "
        "credit code or name first, then newest first), issued (newest issue date first), "
        "expiry (soonest expiry first) or holder (holder's name)",
    )

    @field_validator("*", mode="before")
    @classmethod
    def _plain_text(cls, value: Any, info: ValidationInfo) -> Any:
        """Control characters are refused rather than searched for."""
        if isinstance(value, str) and any(ord(ch) < 32 for ch in value):
            name = info.field_name or ""
            raise _invalid(name, value, "不含控制字符的文本", "text without control characters")
        return value

    @field_validator("pilot_zone", "demonstration_zone", mode="before")
    @classmethod
    def _any_is_absent(cls, value: Any) -> Any:
        """``any``: the form's choice of both answers of a yes-or-no filter."""
        return None if isinstance(value, str) and value.strip().lower() == "any" else value

    @field_validator("q", mode="before")
    @classmethod
    def _without_margins(cls, value: Any) -> Any:
        return value.strip() if isinstance(value, str) else value

    @model_validator(mode="after")
    def _dates_in_order(self) -> SearchFilters:
        if self.issued_from and self.issued_to and self.issued_from > self.issued_to:
            start = self.issued_from.isoformat()
            raise _invalid(
                "issued_to",
                self.issued_to.isoformat(),
                f"不早于 issued_from（{start}）的日期",
                f"a date on or after issued_from ({start})",
            )
        return self

    @property
    def certificate_only(self) -> bool:
        """Filters only certificates carry: enterprises and bodies drop out of the results."""
        return bool(
            self.category
            or self.holder
            or self.status
            or self.grade
            or self.issued_from
            or self.issued_to
            or (self.body and self.kind != DocumentKind.BODY)
        )

    def filter_q(self, q: str) -> Q:
        """The words are matched by the search index (``portal.search``), not by an expression."""
        return Q()

    def filter_sort(self, sort: str | None) -> Q:
        """The order is the search's (``portal.search``); an unknown one is refused."""
        if sort and sort not in SORTS:
            raise _invalid(
                "sort", sort, f"以下之一：{'、'.join(SORTS)}", f"one of {', '.join(SORTS)}"
            )
        return Q()

    def filter_grade(self, grade: str | None) -> Q:
        """A grade of the schemes matches each way a certificate records it (id or words);
        any other text matches the recorded grade exactly."""
        if not grade:
            return Q()
        known = find_grade(grade)
        return Q(grade__in=known.spellings) if known else Q(grade=grade)

    def filter_kind(self, kind: str | None) -> Q:
        if kind and kind not in KINDS:
            raise _invalid(
                "kind", kind, f"以下之一：{'、'.join(KINDS)}", f"one of {', '.join(KINDS)}"
            )
        kind = kind or (DocumentKind.CERTIFICATE if self.certificate_only else None)
        return Q(kind=kind) if kind else Q()

    def filter_province(self, code: str | None) -> Q:
        if code and not Region.objects.filter(code=code, level="province").exists():
            raise _invalid(
                "province",
                code,
                "长三角的 6 位 GB/T 2260 省级代码，如 320000",
                "a 6-digit GB/T 2260 province code of the YRD, e.g. 320000",
            )
        return Q(province_code=code) if code else Q()

    def filter_city(self, code: str | None) -> Q:
        if (
            code
            and code != SHANGHAI
            and not Region.objects.filter(code=code, level="city").exists()
        ):
            raise _invalid(
                "city",
                code,
                "长三角的 6 位 GB/T 2260 地市代码，如 320500",
                "a 6-digit GB/T 2260 city code of the YRD, e.g. 320500",
            )
        return Q(city_code=code) if code else Q()

    def filter_category(self, code: str | None) -> Q:
        if not code:
            return Q()
        category_id = Category.objects.filter(code=code).values_list("pk", flat=True).first()
        if category_id is None:
            raise _invalid(
                "category",
                code,
                "认证目录的类别代码，如 coatings",
                "a catalog category code, e.g. coatings",
            )
        return Q(category_id=category_id)

    def filter_body(self, number: str | None) -> Q:
        if not number:
            return Q()
        body_id = (
            CertificationBody.objects.filter(approval_number=number.strip().upper())
            .values_list("pk", flat=True)
            .first()
        )
        if body_id is None:
            raise _invalid(
                "body",
                number,
                "认证机构的 CNCA 批准号，如 CNCA-R-1999-901",
                "a certification body's CNCA approval number, e.g. CNCA-R-1999-901",
            )
        return Q(body_id=body_id)

    def filter_holder(self, code: str | None) -> Q:
        if not code:
            return Q()
        holder_id = (
            Enterprise.objects.filter(credit_code=code.strip().upper())
            .values_list("pk", flat=True)
            .first()
        )
        if holder_id is None:
            raise _invalid(
                "holder",
                code,
                "获证企业的 18 位统一社会信用代码",
                "the 18-character unified social credit code of a certified enterprise",
            )
        return Q(holder_id=holder_id)

    def echo(self) -> dict[str, str]:
        """The filters as typed, for the page's form and its next-page link."""
        shown: dict[str, str] = {}
        for name in type(self).model_fields:
            value = getattr(self, name)
            if value is None or value == "":
                continue
            if isinstance(value, bool):
                shown[name] = str(value).lower()
            elif isinstance(value, dt.date):
                shown[name] = value.isoformat()
            else:
                shown[name] = str(value)
        return shown
