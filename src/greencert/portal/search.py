"""One search over certificates, certified enterprises and certification bodies, with filters.

Gram matching runs in the engine's index (FTS5 on SQLite, a GIN tsvector index on PostgreSQL),
then every typed run is rechecked as a substring of the document's text. Certificate numbers,
credit codes and approval numbers are matched exactly or by prefix on a B-tree index first.
Results come newest document first; ``next_cursor`` continues after the last one.
"""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from django.db import connection
from django.db.models import Q

from greencert.catalog.models import Category
from greencert.certification.lifecycle import Status
from greencert.core.errors import ValidationFailed
from greencert.parties.models import CertificationBody, Enterprise
from greencert.portal import fts
from greencert.portal.grams import ParsedQuery, fts5_expression, parse_query, tsquery_expression
from greencert.portal.models import DocumentKind, SearchDocument
from greencert.regions.models import Region
from greencert.supervision.blacklist import flagged_certificate_ids, in_force
from greencert.supervision.models import BlacklistEntry

MAX_LIMIT = 100
MAX_QUERY = 100
STATUSES = tuple(Status)
RESULT_RELATED = (
    "certificate__holder",
    "certificate__category",
    "certificate__site_region",
    "body",
    "enterprise__region",
)


@dataclass(frozen=True)
class SearchRequest:
    """A query and its filters, already checked: codes are resolved to the rows they name."""

    q: str = ""
    kind: str = ""
    province: str = ""
    city: str = ""
    pilot_zone: bool | None = None
    demonstration_zone: bool | None = None
    category_id: int | None = None
    body_id: int | None = None
    holder_id: int | None = None
    status: str = ""
    grade: str = ""
    issued_from: dt.date | None = None
    issued_to: dt.date | None = None
    after_id: int | None = None
    limit: int = 20
    # The filters as typed, for links and forms.
    echo: dict[str, str] = field(default_factory=dict)

    @property
    def certificate_only(self) -> bool:
        """Filters only certificates carry: enterprises and bodies drop out of the results."""
        return bool(
            self.category_id
            or self.holder_id
            or self.status
            or self.grade
            or self.issued_from
            or self.issued_to
            or (self.body_id and self.kind != DocumentKind.BODY)
        )


@dataclass
class SearchPage:
    request: SearchRequest
    documents: list[SearchDocument]
    next_cursor: str | None
    # Ids of the documents on the page whose certificate is flagged, or whose party is listed.
    blacklisted: set[int] = field(default_factory=set)


def _invalid(name: str, value: object, zh: str, en: str) -> ValidationFailed:
    return ValidationFailed(field=name, value=value, expected_zh=zh, expected_en=en)


def encode_cursor(pk: int) -> str:
    return base64.urlsafe_b64encode(f"s{pk}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    try:
        text = base64.urlsafe_b64decode(cursor.encode() + b"==").decode()
        if not text.startswith("s") or not text[1:].isdigit():
            raise ValueError(text)
        return int(text[1:])
    except (ValueError, UnicodeDecodeError):
        raise _invalid(
            "cursor",
            cursor,
            "上一页结果中的 next_cursor",
            "the next_cursor of a previous page of results",
        ) from None


def _bool(name: str, raw: str) -> bool | None:
    value = raw.strip().lower()
    if value in {"", "any"}:
        return None
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise _invalid(name, raw, "true 或 false", "true or false")


def _date(name: str, raw: str) -> dt.date | None:
    if not raw.strip():
        return None
    try:
        return dt.date.fromisoformat(raw.strip())
    except ValueError:
        raise _invalid(name, raw, "YYYY-MM-DD 格式的日期", "a date as YYYY-MM-DD") from None


def _int(name: str, raw: str, default: int) -> int:
    if not raw.strip():
        return default
    try:
        return int(raw)
    except ValueError:
        raise _invalid(name, raw, "整数", "a whole number") from None


def parse_params(params: Mapping[str, str]) -> SearchRequest:
    """A search from a page's query string; raises ValidationFailed naming the field at fault."""
    get = {k: str(params.get(k, "") or "") for k in FILTER_NAMES}
    return build_request(
        q=get["q"],
        kind=get["kind"],
        province=get["province"],
        city=get["city"],
        pilot_zone=_bool("pilot_zone", get["pilot_zone"]),
        demonstration_zone=_bool("demonstration_zone", get["demonstration_zone"]),
        category=get["category"],
        body=get["body"],
        holder=get["holder"],
        status=get["status"],
        grade=get["grade"],
        issued_from=_date("issued_from", get["issued_from"]),
        issued_to=_date("issued_to", get["issued_to"]),
        cursor=get["cursor"],
        limit=_int("limit", get["limit"], 20),
    )


FILTER_NAMES = (
    "q",
    "kind",
    "province",
    "city",
    "pilot_zone",
    "demonstration_zone",
    "category",
    "body",
    "holder",
    "status",
    "grade",
    "issued_from",
    "issued_to",
    "cursor",
    "limit",
)


def build_request(
    *,
    q: str = "",
    kind: str = "",
    province: str = "",
    city: str = "",
    pilot_zone: bool | None = None,
    demonstration_zone: bool | None = None,
    category: str = "",
    body: str = "",
    holder: str = "",
    status: str = "",
    grade: str = "",
    issued_from: dt.date | None = None,
    issued_to: dt.date | None = None,
    cursor: str = "",
    limit: int = 20,
) -> SearchRequest:
    """Check every filter and resolve the codes it names (raises ValidationFailed)."""
    typed = {"q": q, "kind": kind, "province": province, "city": city, "category": category}
    typed |= {"body": body, "holder": holder, "status": status, "grade": grade, "cursor": cursor}
    for name, value in typed.items():
        if any(ord(ch) < 32 for ch in value):
            raise _invalid(name, value, "不含控制字符的文本", "text without control characters")
    q = q.strip()
    if len(q) > MAX_QUERY:
        raise _invalid(
            "q", q[:20] + "…", f"不超过 {MAX_QUERY} 个字符", f"at most {MAX_QUERY} characters"
        )
    kinds = [k.value for k in DocumentKind]
    if kind and kind not in kinds:
        raise _invalid("kind", kind, f"以下之一：{'、'.join(kinds)}", f"one of {', '.join(kinds)}")
    for name, code, level in (("province", province, "province"), ("city", city, "city")):
        if (
            code
            and not Region.objects.filter(code=code, level=level).exists()
            and not (level == "city" and code == "310000")
        ):
            raise _invalid(
                name,
                code,
                "长三角的 6 位 GB/T 2260 "
                + ("省级代码，如 320000" if level == "province" else "地市代码，如 320500"),
                "a 6-digit GB/T 2260 "
                + (
                    "province code of the YRD, e.g. 320000"
                    if level == "province"
                    else "city code of the YRD, e.g. 320500"
                ),
            )
    category_id = None
    if category:
        category_id = Category.objects.filter(code=category).values_list("pk", flat=True).first()
        if category_id is None:
            raise _invalid(
                "category",
                category,
                "认证目录的类别代码，如 coatings",
                "a catalog category code, e.g. coatings",
            )
    body_id = None
    if body:
        body_id = (
            CertificationBody.objects.filter(approval_number=body.strip().upper())
            .values_list("pk", flat=True)
            .first()
        )
        if body_id is None:
            raise _invalid(
                "body",
                body,
                "认证机构的 CNCA 批准号，如 CNCA-R-2002-001",
                "a certification body's CNCA approval number, e.g. CNCA-R-2002-001",
            )
    holder_id = None
    if holder:
        holder_id = (
            Enterprise.objects.filter(credit_code=holder.strip().upper())
            .values_list("pk", flat=True)
            .first()
        )
        if holder_id is None:
            raise _invalid(
                "holder",
                holder,
                "获证企业的 18 位统一社会信用代码",
                "the 18-character unified social credit code of a certified enterprise",
            )
    if status and status not in STATUSES:
        raise _invalid("status", status, "证书状态代码 01–05", "a status code 01–05")
    if len(grade) > 32:
        raise _invalid(
            "grade", grade[:20], "不超过 32 个字符的等级", "a grade of at most 32 characters"
        )
    if issued_from and issued_to and issued_from > issued_to:
        raise _invalid(
            "issued_to",
            issued_to.isoformat(),
            f"不早于 issued_from（{issued_from.isoformat()}）的日期",
            f"a date on or after issued_from ({issued_from.isoformat()})",
        )
    if not 1 <= limit <= MAX_LIMIT:
        raise _invalid(
            "limit", limit, f"1 到 {MAX_LIMIT} 之间的整数", f"a whole number from 1 to {MAX_LIMIT}"
        )
    echo = {
        "q": q,
        "kind": kind,
        "province": province,
        "city": city,
        "pilot_zone": "" if pilot_zone is None else str(pilot_zone).lower(),
        "demonstration_zone": "" if demonstration_zone is None else str(demonstration_zone).lower(),
        "category": category,
        "body": body,
        "holder": holder,
        "status": status,
        "grade": grade,
        "issued_from": issued_from.isoformat() if issued_from else "",
        "issued_to": issued_to.isoformat() if issued_to else "",
    }
    return SearchRequest(
        q=q,
        kind=kind,
        province=province,
        city=city,
        pilot_zone=pilot_zone,
        demonstration_zone=demonstration_zone,
        category_id=category_id,
        body_id=body_id,
        holder_id=holder_id,
        status=status,
        grade=grade,
        issued_from=issued_from,
        issued_to=issued_to,
        after_id=decode_cursor(cursor) if cursor else None,
        limit=limit,
        echo={k: v for k, v in echo.items() if v},
    )


def _filters(request: SearchRequest) -> tuple[list[str], list[Any]]:
    where: list[str] = []
    params: list[Any] = []

    def add(sql: str, *values: Any) -> None:
        where.append(sql)
        params.extend(values)

    kind = request.kind or (DocumentKind.CERTIFICATE if request.certificate_only else "")
    if kind:
        add("d.kind = %s", str(kind))
    if request.province:
        add("d.province_code = %s", request.province)
    if request.city:
        add("d.city_code = %s", request.city)
    if request.pilot_zone is not None:
        add("d.in_pilot_zone = %s", request.pilot_zone)
    if request.demonstration_zone is not None:
        add("d.in_demonstration_zone = %s", request.demonstration_zone)
    if request.category_id:
        add("d.category_id = %s", request.category_id)
    if request.body_id:
        add("d.body_id = %s", request.body_id)
    if request.holder_id:
        add("d.holder_id = %s", request.holder_id)
    if request.status:
        add("d.status = %s", request.status)
    if request.grade:
        add("d.grade = %s", request.grade)
    if request.issued_from:
        add("d.issue_date >= %s", request.issued_from)
    if request.issued_to:
        add("d.issue_date <= %s", request.issued_to)
    if request.after_id:
        add("d.id < %s", request.after_id)
    return where, params


def _ids(request: SearchRequest, query: ParsedQuery, by_key: bool) -> list[int]:
    where, params = _filters(request)
    limit = request.limit + 1
    vendor = connection.vendor
    if by_key:
        where.insert(0, "d.key >= %s AND d.key < %s")
        params[:0] = [query.key, query.key + "\U0010ffff"]
        sql = f"SELECT d.id FROM {fts.TABLE} d WHERE {' AND '.join(where)} ORDER BY d.id DESC LIMIT %s"
    elif not query.grams:
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        sql = f"SELECT d.id FROM {fts.TABLE} d {clause} ORDER BY d.id DESC LIMIT %s"
    else:
        contains = "instr" if vendor == "sqlite" else "strpos"
        recheck = [f"{contains}(d.search_text, %s) > 0" for _ in query.substrings]
        if vendor == "sqlite":
            # The FTS table leads the join (CROSS JOIN fixes the order) and yields rowids in
            # descending order, so the first page stops after limit + 1 matching documents.
            sql = (
                f"SELECT d.id FROM {fts.FTS} CROSS JOIN {fts.TABLE} d ON d.id = {fts.FTS}.rowid "
                f"WHERE {fts.FTS} MATCH %s AND {' AND '.join(recheck + where)} "
                f"ORDER BY {fts.FTS}.rowid DESC LIMIT %s"
            )
            params = [fts5_expression(query), *query.substrings, *params]
        else:
            return _postgresql_ids(request, query, recheck, where, params, limit)
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, limit])
        return [row[0] for row in cursor.fetchall()]


# Documents the newest-first pass on PostgreSQL reads before it falls back to the GIN index.
NEWEST_WINDOW = 8000


def _postgresql_ids(
    request: SearchRequest,
    query: ParsedQuery,
    recheck: list[str],
    where: list[str],
    params: list[Any],
    limit: int,
) -> list[int]:
    """Two passes, because the planner cannot know how many documents a gram AND matches.

    First the newest ``NEWEST_WINDOW`` documents are read in id order and tested one by one (the
    ``IS TRUE`` keeps the GIN index out of that plan): enough when the words are common, which is
    when a bitmap scan is slowest, since it must visit every match to find the newest. Only if
    that window holds too few results does the GIN index find the rest, below the window, where
    the matches are by then known to be few.
    """
    tsquery = "to_tsquery('simple'::regconfig, %s)"
    conditions = " AND ".join(recheck + where)
    head = [tsquery_expression(query), *query.substrings, *params]
    keys, key_params = _index_keys(request)
    with connection.cursor() as cursor:
        if request.after_id:
            top = request.after_id
        else:
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {fts.TABLE}")
            top = int(cursor.fetchone()[0])
        floor = top - NEWEST_WINDOW
        cursor.execute(
            f"SELECT d.id FROM {fts.TABLE} d WHERE d.id >= %s AND ({fts.TSVECTOR} @@ {tsquery}) "
            f"IS TRUE AND {conditions} ORDER BY d.id DESC LIMIT %s",
            [floor, *head, limit],
        )
        ids = [row[0] for row in cursor.fetchall()]
        if len(ids) >= limit or floor <= 0:
            return ids
        cursor.execute(
            f"SELECT d.id FROM {fts.TABLE} d WHERE {fts.TSVECTOR} @@ {tsquery} AND {conditions} "
            f"{keys}AND d.id < %s ORDER BY d.id DESC LIMIT %s",
            [*head, *key_params, floor, limit - len(ids)],
        )
        return ids + [row[0] for row in cursor.fetchall()]


def _index_keys(request: SearchRequest) -> tuple[str, list[Any]]:
    """The zone and issue-year filters again, as the keys of the filtered GIN index (``fts``):
    implied by the filters themselves, so they change no result, only how the index narrows."""
    keys: list[str] = []
    params: list[Any] = []
    for flag, key in (
        (request.pilot_zone, fts.PILOT_KEY),
        (request.demonstration_zone, fts.DEMONSTRATION_KEY),
    ):
        if flag is not None:
            keys.append(f"{key} = %s")
            params.append(int(flag))
    start, end = request.issued_from, request.issued_to
    if start and end and start.year == end.year:
        keys.append(f"{fts.YEAR_KEY} = %s")
        params.append(start.year)
    return "".join(f"AND {k} " for k in keys), params


def run_search(request: SearchRequest) -> SearchPage:
    query = parse_query(request.q)
    ids: list[int] = []
    if query.key:
        ids = _ids(request, query, by_key=True)
    if not ids and (query.grams or not request.q):
        ids = _ids(request, query, by_key=False)
    more = len(ids) > request.limit
    ids = ids[: request.limit]
    found = SearchDocument.objects.select_related(*RESULT_RELATED).in_bulk(ids)
    documents = [found[pk] for pk in ids if pk in found]
    return SearchPage(
        request=request,
        documents=documents,
        next_cursor=encode_cursor(ids[-1]) if more and ids else None,
        blacklisted=blacklisted_documents(documents),
    )


def blacklisted_documents(documents: list[SearchDocument]) -> set[int]:
    """Which documents carry the blacklist flag today: certificates flagged because their holder
    or issuing body is listed, and enterprises and bodies listed themselves.

    Read for the page, not stored in the index, so a listing that lapses at its period end stops
    showing that day. At most two queries, however many documents.
    """
    certificates = {
        d.certificate_id: d.pk
        for d in documents
        if d.kind == DocumentKind.CERTIFICATE and d.certificate_id
    }
    enterprises = {
        d.enterprise_id: d.pk
        for d in documents
        if d.kind == DocumentKind.ENTERPRISE and d.enterprise_id
    }
    bodies = {d.body_id: d.pk for d in documents if d.kind == DocumentKind.BODY and d.body_id}
    flagged = {certificates[pk] for pk in flagged_certificate_ids(certificates)}
    if enterprises or bodies:
        listed = BlacklistEntry.objects.filter(
            (Q(enterprise_id__in=list(enterprises)) | Q(body_id__in=list(bodies))) & in_force()
        ).values_list("enterprise_id", "body_id")
        for enterprise_id, body_id in listed:
            if enterprise_id in enterprises:
                flagged.add(enterprises[enterprise_id])
            if body_id in bodies:
                flagged.add(bodies[body_id])
    return flagged


def page_request(request: SearchRequest, cursor: str) -> SearchRequest:
    return replace(request, after_id=decode_cursor(cursor))
