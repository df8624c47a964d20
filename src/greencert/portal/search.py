"""One search over certificates, certified enterprises and certification bodies, with filters.

Gram matching runs in the engine's index (FTS5 on SQLite, a GIN tsvector index on PostgreSQL),
then every typed run is rechecked as a substring of the document's text. Certificate numbers
(the registry's and the issuing bodies' own), credit codes and approval numbers are matched
exactly or by prefix on a B-tree index first.
Results come newest document first; ``next_cursor`` continues after the last one.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import FullResultSet
from django.db import connection
from django.db.models import Q, QuerySet

from greencert.core.pagination import KeysetPagination
from greencert.portal import fts
from greencert.portal.filters import SearchFilters
from greencert.portal.grams import ParsedQuery, fts5_expression, parse_query, tsquery_expression
from greencert.portal.models import DocumentKind, SearchDocument
from greencert.portal.results import hit_dict, region_names
from greencert.supervision.blacklist import flagged_certificate_ids, in_force
from greencert.supervision.models import BlacklistEntry

# What a hit shows, read as one row per document through the joins (no model instances built).
RESULT_FIELDS = (
    "id",
    "kind",
    "key",
    "province_code",
    "city_code",
    "in_pilot_zone",
    "in_demonstration_zone",
    "certificate_id",
    "enterprise_id",
    "body_id",
    "certificate__number",
    "certificate__certification_unit",
    "certificate__body_number",
    "certificate__status",
    "certificate__status_reason_code",
    "certificate__holder__credit_code",
    "certificate__holder__name",
    "certificate__category__code",
    "certificate__category__name_zh",
    "certificate__category__name_en",
    "certificate__products",
    "certificate__service_site",
    "certificate__grade",
    "certificate__issue_date",
    "certificate__expiry_date",
    "body__approval_number",
    "body__name",
    "enterprise__name",
)
# Every search query names the document table itself (no alias), as the filters' SQL does.
T = fts.TABLE


class Search:
    """The documents matching a search's words and filters, newest first, read a page at a time.

    Building it checks the codes the filters name (raises ValidationFailed).
    """

    def __init__(self, filters: SearchFilters) -> None:
        self.filters = filters
        self.query = parse_query(filters.q)
        self.conditions = filters.get_filter_expression()

    def page(self, after: int | None, count: int) -> list[dict[str, Any]]:
        """The page's documents as rows of ``RESULT_FIELDS``, in result order."""
        ids: list[int] = []
        if self.query.key:
            ids = self._ids(after, count, by_key=True)
        if not ids and (self.query.grams or not self.filters.q):
            ids = self._ids(after, count, by_key=False)
        if not ids:
            return []
        rows = SearchDocument.objects.filter(id__in=ids).values(*RESULT_FIELDS)
        found = {row["id"]: row for row in rows}
        return [found[pk] for pk in ids if pk in found]

    def _ids(self, after: int | None, count: int, *, by_key: bool) -> list[int]:
        documents = SearchDocument.objects.filter(self.conditions)
        if after:
            documents = documents.filter(id__lt=after)
        if by_key:
            # Either number of a certificate: the registry's (``key``) or its body's own
            # (``body_key``), each by its own index, newest first across both.
            key, end = self.query.key, self.query.key + "\U0010ffff"
            ids = documents.filter(key__gte=key, key__lt=end).values_list("id", flat=True)
            body_ids = documents.filter(body_key__gte=key, body_key__lt=end).values_list(
                "id", flat=True
            )
            return list(ids.union(body_ids).order_by("-id")[:count])
        if not self.query.grams:
            return list(documents.order_by("-id").values_list("id", flat=True)[:count])
        where, params = _where_sql(documents)
        contains = "instr" if connection.vendor == "sqlite" else "strpos"
        recheck = [f"{contains}({T}.search_text, %s) > 0" for _ in self.query.substrings]
        if connection.vendor != "sqlite":
            return _postgresql_ids(self.filters, self.query, after, recheck + where, params, count)
        # The FTS table leads the join (CROSS JOIN fixes the order) and yields rowids in
        # descending order, so the first page stops after limit + 1 matching documents.
        sql = (
            f"SELECT {T}.id FROM {fts.FTS} CROSS JOIN {T} ON {T}.id = {fts.FTS}.rowid "
            f"WHERE {fts.FTS} MATCH %s AND {' AND '.join(recheck + where)} "
            f"ORDER BY {fts.FTS}.rowid DESC LIMIT %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(
                sql, [fts5_expression(self.query), *self.query.substrings, *params, count]
            )
            return [row[0] for row in cursor.fetchall()]


def _where_sql(documents: QuerySet[SearchDocument]) -> tuple[list[str], list[Any]]:
    """The filters of ``documents`` as SQL, for the index queries the ORM cannot write."""
    query = documents.query
    if any(count for alias, count in query.alias_refcount.items() if alias != T):
        raise ValueError("search filters must not join other tables: their SQL names one table")
    try:
        sql, params = query.get_compiler(connection=connection).compile(query.where)
    except FullResultSet:
        return [], []
    return [sql], list(params)


class SearchPages(KeysetPagination):
    """Search results, newest document first, each with its blacklist flag of today."""

    newest_first = True
    default_limit = 20
    max_limit = 100
    salt = "greencert.portal.search"

    def present(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        names = region_names()
        flagged = blacklisted_documents(rows)
        return [hit_dict(row, names, blacklisted=row["id"] in flagged) for row in rows]


# Documents the newest-first pass on PostgreSQL reads before it falls back to the GIN index.
NEWEST_WINDOW = 8000


def _postgresql_ids(
    filters: SearchFilters,
    query: ParsedQuery,
    after: int | None,
    conditions: list[str],
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
    where = " AND ".join(conditions)
    head = [tsquery_expression(query), *query.substrings, *params]
    keys, key_params = _index_keys(filters)
    with connection.cursor() as cursor:
        if after:
            top = after
        else:
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {T}")
            top = int(cursor.fetchone()[0])
        floor = top - NEWEST_WINDOW
        cursor.execute(
            f"SELECT {T}.id FROM {T} WHERE {T}.id >= %s AND ({fts.TSVECTOR} @@ {tsquery}) "
            f"IS TRUE AND {where} ORDER BY {T}.id DESC LIMIT %s",
            [floor, *head, limit],
        )
        ids = [row[0] for row in cursor.fetchall()]
        if len(ids) >= limit or floor <= 0:
            return ids
        cursor.execute(
            f"SELECT {T}.id FROM {T} WHERE {fts.TSVECTOR} @@ {tsquery} AND {where} "
            f"{keys}AND {T}.id < %s ORDER BY {T}.id DESC LIMIT %s",
            [*head, *key_params, floor, limit - len(ids)],
        )
        return ids + [row[0] for row in cursor.fetchall()]


def _index_keys(filters: SearchFilters) -> tuple[str, list[Any]]:
    """The zone and issue-year filters again, as the keys of the filtered GIN index (``fts``):
    implied by the filters themselves, so they change no result, only how the index narrows."""
    keys: list[str] = []
    params: list[Any] = []
    for flag, key in (
        (filters.pilot_zone, fts.PILOT_KEY),
        (filters.demonstration_zone, fts.DEMONSTRATION_KEY),
    ):
        if flag is not None:
            keys.append(f"{key} = %s")
            params.append(int(flag))
    start, end = filters.issued_from, filters.issued_to
    if start and end and start.year == end.year:
        keys.append(f"{fts.YEAR_KEY} = %s")
        params.append(start.year)
    return "".join(f"AND {k} " for k in keys), params


def blacklisted_documents(documents: list[dict[str, Any]]) -> set[int]:
    """Which documents carry the blacklist flag today: certificates flagged because their holder
    or issuing body is listed, and enterprises and bodies listed themselves.

    Read for the page, not stored in the index, so a listing that lapses at its period end stops
    showing that day. At most two queries, however many documents.
    """
    certificates = {
        d["certificate_id"]: d["id"]
        for d in documents
        if d["kind"] == DocumentKind.CERTIFICATE and d["certificate_id"]
    }
    enterprises = {
        d["enterprise_id"]: d["id"]
        for d in documents
        if d["kind"] == DocumentKind.ENTERPRISE and d["enterprise_id"]
    }
    bodies = {
        d["body_id"]: d["id"] for d in documents if d["kind"] == DocumentKind.BODY and d["body_id"]
    }
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
