"""One search over certificates, certified enterprises and certification bodies, with filters.

Gram matching runs in the engine's index (FTS5 on SQLite, a GIN tsvector index on PostgreSQL),
then every typed run is rechecked as a substring of the document's text. Certificate numbers
(the registry's and the issuing bodies' own), credit codes and approval numbers are matched
exactly or by prefix on a B-tree index first.
By relevance (the default) an exact match of the typed number, credit code or name comes first,
then the rest newest document first; ``next_cursor`` continues after the last one. The other
orders (issue date, expiry date, holder) sort every match and page by position. The page counts
matches up to ``COUNT_CAP`` and says "more than" beyond it, so a common word costs no full count.
"""

from __future__ import annotations

import functools
import json
import math
import operator
import time
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import FullResultSet
from django.db import connection
from django.db.models import Q, QuerySet
from django.http import HttpRequest

from greencert.certification.models import Certificate
from greencert.core.pagination import KeysetPagination
from greencert.parties.models import CertificationBody, Enterprise
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
# Matches counted at most; beyond it the page says "more than".
COUNT_CAP = 1000
# Exact matches put before the rest, at most.
EXACT_FIRST = 5
# Cursor of a relevance page that ended on an exact match: the rest start from the newest.
FROM_THE_TOP = 2**62
_CERTIFICATES = Certificate._meta.db_table
_ENTERPRISES = Enterprise._meta.db_table
_BODIES = CertificationBody._meta.db_table
# The other orders: the joins they need and the ORDER BY, newest document last among equals.
ORDERS: dict[str, tuple[str, str]] = {
    "issued": ("", f"{T}.issue_date DESC NULLS LAST"),
    "expiry": (
        f"LEFT JOIN {_CERTIFICATES} sort_c ON sort_c.id = {T}.certificate_id",
        "sort_c.expiry_date ASC NULLS LAST",
    ),
    "holder": (
        f"LEFT JOIN {_ENTERPRISES} sort_h ON sort_h.id = {T}.holder_id "
        f"LEFT JOIN {_ENTERPRISES} sort_e ON sort_e.id = {T}.enterprise_id "
        f"LEFT JOIN {_BODIES} sort_b ON sort_b.id = {T}.body_id",
        "COALESCE(sort_h.name, sort_e.name, sort_b.name) ASC",
    ),
}


class Search:
    """The documents matching a search's words and filters, newest first, read a page at a time.

    Building it checks the codes the filters name (raises ValidationFailed).
    """

    def __init__(self, filters: SearchFilters) -> None:
        self.filters = filters
        self.query = parse_query(filters.q)
        self.conditions = filters.get_filter_expression()
        self.order = filters.sort if filters.sort in ORDERS else None
        self._exact: list[int] | None = None

    @property
    def by_position(self) -> bool:
        """Ordered by issue date, expiry or holder: paged by position, not by document."""
        return self.order is not None

    def exact_ids(self) -> list[int]:
        """Documents the query names exactly, newest first: the certificate of that number (the
        registry's or its body's), the enterprise of that credit code or name, the body of that
        approval number or name. Each lookup is one indexed equality."""
        if self._exact is None:
            self._exact = self._find_exact() if self.filters.q else []
        return self._exact

    def _find_exact(self) -> list[int]:
        typed, key = self.filters.q, self.query.key
        # Parties first, by their own small indexes, so a query naming none costs no scan.
        enterprises = Enterprise.objects.filter(name=typed).values_list("pk", flat=True)
        bodies = CertificationBody.objects.filter(Q(name=typed) | Q(short_name=typed))
        named: list[Q] = []
        if enterprise_ids := list(enterprises[:EXACT_FIRST]):
            named.append(Q(enterprise_id__in=enterprise_ids))
        if body_ids := list(bodies.values_list("pk", flat=True)[:EXACT_FIRST]):
            named.append(Q(kind=DocumentKind.BODY, body_id__in=body_ids))
        if key:
            named += [Q(key=key), Q(body_key=key)]
        if not named:
            return []
        documents = SearchDocument.objects.filter(self.conditions).filter(
            functools.reduce(operator.or_, named)
        )
        # No ORDER BY: the planner then reads the equality indexes, not the whole table by id.
        found = documents.order_by().values_list("id", flat=True)[: EXACT_FIRST * 10]
        return sorted(found, reverse=True)[:EXACT_FIRST]

    def page(self, after: int | None, count: int) -> list[dict[str, Any]]:
        """The page's documents as rows of ``RESULT_FIELDS``, in result order. By relevance,
        ``after`` is the last document shown; by another order, the number of results shown
        before this page."""
        if self.by_position:
            ids = self._ordered_ids(after or 0, count)
        else:
            exact = self.exact_ids()
            first = exact if after is None else []
            ids = first + self._matching_ids(after, count - len(first), exclude=exact)
        if not ids:
            return []
        rows = SearchDocument.objects.filter(id__in=ids).values(*RESULT_FIELDS)
        found = {row["id"]: row for row in rows}
        return [found[pk] for pk in ids if pk in found]

    def count(self) -> tuple[int, bool]:
        """How many documents match, and whether that is exact: at most ``COUNT_CAP``, beyond
        which it is (COUNT_CAP, False)."""
        found = 0
        if self.query.key:
            found = self._fetch_one(*self._select("", "", keyed=True))
        if not found and (self.query.grams or not self.filters.q):
            found = self._fetch_one(*self._select("", "", keyed=False))
        return min(found, COUNT_CAP), found <= COUNT_CAP

    def _fetch_one(self, sql: str, params: list[Any]) -> int:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM ({sql} LIMIT %s) n", [*params, COUNT_CAP + 1])
            return int(cursor.fetchone()[0])

    def _ordered_ids(self, offset: int, count: int) -> list[int]:
        joins, order = ORDERS[self.order or ""]
        if self.query.key:
            ids = self._fetch(*self._select(joins, order, keyed=True), count, offset)
            if ids or offset:
                return ids
        if self.query.grams or not self.filters.q:
            return self._fetch(*self._select(joins, order, keyed=False), count, offset)
        return []

    def _fetch(self, sql: str, params: list[Any], count: int, offset: int) -> list[int]:
        with connection.cursor() as cursor:
            cursor.execute(f"{sql} LIMIT %s OFFSET %s", [*params, count, offset])
            return [row[0] for row in cursor.fetchall()]

    def _select(self, joins: str, order: str, *, keyed: bool) -> tuple[str, list[Any]]:
        """SELECT of the ids of the documents matching the number (``keyed``) or the words and
        the filters, with ``joins`` and in ``order``, and its parameters."""
        where, params = _where_sql(SearchDocument.objects.filter(self.conditions))
        conditions: list[str] = []
        head: list[Any] = []
        source = T
        if keyed:
            key, end = self.query.key, self.query.key + "\U0010ffff"
            conditions.append(
                f"(({T}.key >= %s AND {T}.key < %s) OR ({T}.body_key >= %s AND {T}.body_key < %s))"
            )
            head = [key, end, key, end]
        elif self.query.grams:
            contains = "instr" if connection.vendor == "sqlite" else "strpos"
            recheck = [f"{contains}({T}.search_text, %s) > 0" for _ in self.query.substrings]
            if connection.vendor == "sqlite":
                source = f"{fts.FTS} CROSS JOIN {T} ON {T}.id = {fts.FTS}.rowid"
                conditions = [f"{fts.FTS} MATCH %s", *recheck]
                head = [fts5_expression(self.query), *self.query.substrings]
            else:
                tsquery = "to_tsquery('simple'::regconfig, %s)"
                conditions = [f"{fts.TSVECTOR} @@ {tsquery}", *recheck]
                head = [tsquery_expression(self.query), *self.query.substrings]
        conditions += where
        sql = f"SELECT {T}.id FROM {source} {joins} WHERE {' AND '.join(conditions) or '1 = 1'}"
        if order:
            sql += f" ORDER BY {order}, {T}.id DESC"
        return sql, [*head, *params]

    def _matching_ids(self, after: int | None, count: int, *, exclude: list[int]) -> list[int]:
        if count <= 0:
            return []
        after = None if after == FROM_THE_TOP else after
        if self.query.key:
            ids = self._ids(after, count, by_key=True, exclude=exclude)
            # A number that matched (exactly or by prefix) is not searched for as words.
            if ids or exclude:
                return ids
        if self.query.grams or not self.filters.q:
            return self._ids(after, count, by_key=False, exclude=exclude)
        return []

    def _ids(self, after: int | None, count: int, *, by_key: bool, exclude: list[int]) -> list[int]:
        documents = SearchDocument.objects.filter(self.conditions)
        if exclude:
            documents = documents.exclude(id__in=exclude)
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
        bounds = _sqlite_year_bounds(self.filters)
        if bounds is None:
            return []
        sql = (
            f"SELECT {T}.id FROM {fts.FTS} CROSS JOIN {T} ON {T}.id = {fts.FTS}.rowid "
            f"WHERE {fts.FTS} MATCH %s {bounds}AND {' AND '.join(recheck + where)} "
            f"ORDER BY {fts.FTS}.rowid DESC LIMIT %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(
                sql, [fts5_expression(self.query), *self.query.substrings, *params, count]
            )
            return [row[0] for row in cursor.fetchall()]


def _sqlite_year_bounds(filters: SearchFilters) -> str | None:
    """Under a one-year filter, the FTS5 rowids between that year's first and last document: ids
    follow issue dates, so the search starts at the year's newest match instead of reading every
    later one first, and stops at its oldest. Implied by the filter, so no result changes; None
    when no document has that year."""
    year = _one_year(filters)
    if year is None:
        return ""
    first, last = (
        f"(SELECT {end}(id) FROM {T} WHERE {fts.SQLITE_YEAR_KEY} = %s)" for end in ("MIN", "MAX")
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {first}, {last}", [year, year])
        low, high = cursor.fetchone()
    if low is None:
        return None
    return f"AND {fts.FTS}.rowid BETWEEN {int(low)} AND {int(high)} "


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
    """Search results in the search's order, each with its blacklist flag of today.

    By relevance the cursor holds the last document shown (``FROM_THE_TOP`` when that was an
    exact match); by another order it holds the number of results shown, under a salt of that
    order, so a cursor of one order means nothing to another.
    """

    newest_first = True
    default_limit = 20
    max_limit = 100
    salt = "greencert.portal.search"

    def paginate_queryset(
        self,
        queryset: QuerySet | Any,
        pagination: Any,
        request: HttpRequest | None = None,
        **params: Any,
    ) -> dict[str, Any]:
        if not isinstance(queryset, Search):
            return super().paginate_queryset(queryset, pagination, request, **params)
        signer = _position_cursors(queryset.order) if queryset.order else self
        after = signer.decode(pagination.cursor) if pagination.cursor else None
        rows = queryset.page(after, pagination.limit + 1)
        more = len(rows) > pagination.limit
        rows = rows[: pagination.limit]
        cursor = None
        if more and queryset.by_position:
            cursor = signer.encode((after or 0) + len(rows))
        elif more:
            last = rows[-1]["id"]
            cursor = signer.encode(FROM_THE_TOP if last in queryset.exact_ids() else last)
        return {"items": self.present(rows), "next_cursor": cursor}

    def present(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        names = region_names()
        flagged = blacklisted_documents(rows)
        return [hit_dict(row, names, blacklisted=row["id"] in flagged) for row in rows]


@functools.cache
def _position_cursors(order: str) -> KeysetPagination:
    """The cursors of one order: positions, signed under that order's own salt."""
    salt = f"{SearchPages.salt}.{order}"
    return type(f"SearchPositions_{order}", (KeysetPagination,), {"salt": salt})()


# The PostgreSQL passes (``_postgresql_ids``), in rows the window reads: what fetching one match
# through the GIN index costs (measured at 1,000,000 certificates, EXPLAIN ANALYZE: ~1,900 matches
# in 20 ms against 8,000 window rows in 6 ms); the matches a window is sized to hold, as a multiple
# of the page; its least and most rows.
GIN_MATCH_COST = 12
WINDOW_PAGES = 2
NEWEST_WINDOW = 2000
WIDEST_WINDOW = 100_000
# Where the GIN index holds blocks of ids (``fts.BLOCK_KEY``) and the GIN pass would fetch more
# than BLOCK_MATCHES matches, it reads the blocks one by one from the newest, at most
# BLOCKS_READ of them, then the rest in one pass; a window wider than BLOCK_WINDOW gives way to it
# (at 12,442,740 documents, 卫生间 in the pilot zone, no match: a 74,421-row window took 48 ms; the
# worst p95 of ``bench_search`` fell from 59 to 31 ms with this bound, and stayed at 23 ms at
# 1,244,274 documents).
BLOCK_MATCHES = 1000
BLOCKS_READ = 6
BLOCK_WINDOW = 20_000
# How long a process keeps the table's gram statistics (ANALYZE refreshes them on the server).
GRAM_STATISTICS_SECONDS = 600.0


@dataclass(frozen=True)
class PostgresqlPass:
    """How ``_postgresql_ids`` reads a page: the ``window`` newest documents first (0: straight
    to the GIN index), then the GIN index below them, in one pass or by blocks of ids;
    ``expected`` matches were estimated."""

    expected: float
    window: int
    # The GIN index's blocks of ids are read newest first (``_gin_blocks``), each expected to
    # hold ``per_block`` matches; 0: the GIN index below the window in one pass.
    per_block: float = 0.0


def postgresql_pass(
    cursor: Any,
    query: ParsedQuery,
    filters_sql: str,
    params: list[Any],
    limit: int,
    *,
    year: int | None = None,
) -> PostgresqlPass:
    """The cheaper pass for these words and filters, from the table's statistics, never a count.

    ``expected`` bounds the matches from above: the documents the filters leave (the planner's
    estimate) times the share of the rarest gram (``pg_stats``; a gram missing from the most
    common elements is rarer than the least common one listed). A window holding ``WINDOW_PAGES``
    pages of them reads ``WINDOW_PAGES × limit × rows / expected`` documents, while the GIN index
    fetches every match at ``GIN_MATCH_COST`` window rows each; the cheaper is read first. Both
    costs follow from the table's size and the words' share of it, so the window grows with the
    table and the GIN pass is kept to words and filters that leave few rows: at most about the
    square root of ``WINDOW_PAGES × limit × rows / GIN_MATCH_COST`` matches, 2,100 at 1,240,000
    documents and 6,600 at ten times that, each pass then costing as much as reading 25,000 or
    79,000 window rows. Where the GIN index holds blocks of ids, a window wider than
    ``BLOCK_WINDOW`` gives way to the GIN index's newest blocks (``per_block``), which fetch about
    the matches a page needs, however large the table.
    """
    shares, least, rows, blocks = _gram_statistics(cursor)
    table = rows
    filtered = _estimated_rows(cursor, filters_sql, params) if filters_sql else rows
    if year is not None and rows > 0:  # the window reads that year's documents only
        rows = _estimated_rows(cursor, f"{fts.YEAR_KEY} = %s", [year])
    share = min((shares.get(gram, least) for gram in query.grams), default=1.0)
    expected = filtered * share
    if rows <= 0:  # never analysed: no estimate, the smallest window first
        return PostgresqlPass(expected, NEWEST_WINDOW)
    window = WINDOW_PAGES * limit * rows / max(expected, 1.0)
    per_block = expected * fts.BLOCK_IDS / table if blocks else 0.0
    if expected * GIN_MATCH_COST <= window or (per_block and window > BLOCK_WINDOW):
        return PostgresqlPass(expected, 0, per_block)
    return PostgresqlPass(expected, int(min(max(window, NEWEST_WINDOW), WIDEST_WINDOW)), per_block)


def _estimated_rows(cursor: Any, where: str, params: list[Any]) -> float:
    """The planner's estimate of the documents ``where`` keeps (one EXPLAIN, nothing read)."""
    cursor.execute(f"EXPLAIN (FORMAT JSON) SELECT {T}.id FROM {T} WHERE {where}", params)
    plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return float(plan[0]["Plan"]["Plan Rows"])


_gram_cache: dict[str, tuple[float, dict[str, float], float, float, bool]] = {}


def _gram_statistics(cursor: Any) -> tuple[dict[str, float], float, float, bool]:
    """The share of documents holding each most common gram, the least such share (1.0 without
    statistics), and the table's estimated rows, as ANALYZE left them in ``pg_stats``; and
    whether the GIN index holds blocks of ids (``fts.BLOCK_KEY``)."""
    cached = _gram_cache.get(connection.settings_dict["NAME"])
    if cached and time.monotonic() - cached[0] < GRAM_STATISTICS_SECONDS:
        return cached[1], cached[2], cached[3], cached[4]
    cursor.execute(
        "SELECT most_common_elems::text::text[], most_common_elem_freqs FROM pg_stats "
        "WHERE tablename = %s AND attname = %s",
        [T, fts.TSVECTOR],
    )
    row = cursor.fetchone()
    shares: dict[str, float] = {}
    least = 1.0
    if row and row[0] and row[1]:
        shares = dict(zip(row[0], row[1], strict=False))
        least = float(row[1][len(row[0])])  # the minimum follows the elements' frequencies
    cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [T])
    tuples = cursor.fetchone()
    rows = float(tuples[0]) if tuples else 0.0
    cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s", [fts.FILTERED_GIN])
    definition = cursor.fetchone()
    blocks = bool(definition) and fts.BLOCK_KEY in definition[0]
    _gram_cache[connection.settings_dict["NAME"]] = (time.monotonic(), shares, least, rows, blocks)
    return shares, least, rows, blocks


def _postgresql_ids(
    filters: SearchFilters,
    query: ParsedQuery,
    after: int | None,
    conditions: list[str],
    params: list[Any],
    limit: int,
) -> list[int]:
    """Up to two passes, chosen by ``postgresql_pass``, because the planner cannot know how many
    documents a gram AND matches.

    Expected few matches: the GIN index (with the filters' keys, ``_index_keys``) finds them all
    and the newest are kept. Expected many: first the newest documents of the window are read in
    id order and tested one by one (the ``IS TRUE`` keeps the GIN index out of that plan), which
    is when a bitmap scan is slowest, since it must visit every match to find the newest. Only if
    that window holds too few results does the GIN index find the rest, below the window. Under a
    one-year filter the window is that year's newest documents (``fts.YEAR_INDEX``).

    At 1,244,274 documents (``bench_search``, EXPLAIN ANALYZE, warm): 实木家具 in 320000 with
    status 01 is expected at 1,637 matches and read from the GIN index, 1,920 rows in ~20 ms, where
    a fixed 8,000-row window read first (~6 ms) held 20 of the 21 rows a page asks for; 涂料 reads
    159 window rows in 0.1 ms; 苏州 issued in 2024 reads 138 rows of that year in 0.3 ms, where
    the GIN pass ordered by the primary key walked 300,000 later rows (400 ms) and by bitmap
    fetched 24,116 matches (133 ms). The rows a window reads depend on the words' share of the
    table, not on its size; the most the GIN pass is given grows with the square root of the size.
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
        filters_sql = " AND ".join(conditions[len(query.substrings) :])
        year = _one_year(filters)
        chosen = postgresql_pass(cursor, query, filters_sql, params, limit, year=year)
        floor = top - chosen.window
        ids: list[int] = []
        if chosen.window and year is not None:
            # The window's rows are that year's newest, read through its own index.
            # The year as a range (BETWEEN y AND y), not an equality: with an equality the
            # planner takes the year for a constant, the order for the primary key's, and may
            # walk the whole table backwards for that year's rows (at 12,442,740 documents,
            # 325,716 rows for 2,000: 294 ms, against 4 ms through the year's index).
            cursor.execute(
                f"SELECT id FROM (SELECT * FROM {T} WHERE {fts.YEAR_KEY} BETWEEN %s AND %s "
                f"AND id < %s ORDER BY {fts.YEAR_KEY} DESC, id DESC LIMIT %s) {T} "
                f"WHERE ({fts.TSVECTOR} @@ {tsquery}) IS TRUE AND {where} ORDER BY id DESC LIMIT %s",
                [year, year, top, chosen.window, *head, limit],
            )
            ids = [row[0] for row in cursor.fetchall()]
            if len(ids) >= limit:
                return ids
            cursor.execute(
                f"SELECT MIN(id), COUNT(*) FROM (SELECT id FROM {T} WHERE {fts.YEAR_KEY} "
                f"BETWEEN %s AND %s AND id < %s ORDER BY {fts.YEAR_KEY} DESC, id DESC "
                "LIMIT %s) w",
                [year, year, top, chosen.window],
            )
            lowest, read = cursor.fetchone()
            if read < chosen.window:  # the whole year was read
                return ids
            floor = lowest
        elif chosen.window:
            cursor.execute(
                f"SELECT {T}.id FROM {T} WHERE {T}.id >= %s AND ({fts.TSVECTOR} @@ {tsquery}) "
                f"IS TRUE AND {where} ORDER BY {T}.id DESC LIMIT %s",
                [floor, *head, limit],
            )
            ids = [row[0] for row in cursor.fetchall()]
            if len(ids) >= limit or floor <= 0:
                return ids
        # ``id + 0``: never the primary key walked backwards, which reads every row above the
        # matches when they sit low in the table (an issue year long past, ids in issue order).
        below = (
            f"SELECT {T}.id FROM {T} WHERE {fts.TSVECTOR} @@ {tsquery} AND {where} {keys}"
            f"AND {T}.id < %s{{blocks}} ORDER BY {T}.id + 0 DESC LIMIT %s"
        )
        return ids + _gin_blocks(
            cursor, below, [*head, *key_params], floor, limit - len(ids), chosen.per_block
        )


def _gin_blocks(
    cursor: Any, below: str, params: list[Any], floor: int, count: int, per_block: float
) -> list[int]:
    """The newest ``count`` matches of ``below`` (its ``{blocks}`` left for a condition on the
    block of ids) under ``floor``, through the GIN index.

    One pass fetches every match's row to keep the newest. When that is more than
    ``BLOCK_MATCHES`` rows (``per_block`` expected in each block of ``fts.BLOCK_IDS`` ids) and a
    few blocks are expected to hold two pages, the blocks under ``floor`` are read one by one,
    newest first, each fetching its own matches only, up to ``BLOCKS_READ`` of them; what is
    left, in one pass, which has few matches to fetch when the estimate was too high.
    """
    ids: list[int] = []
    top = (floor - 1) // fts.BLOCK_IDS
    needed = WINDOW_PAGES * count / per_block if per_block > 0 else math.inf
    if per_block * top > BLOCK_MATCHES and needed <= BLOCKS_READ / 2:
        # One query a block, by equality: the index reads a block's entry as a list it skips
        # along, where a range or a list of blocks is gathered whole or left to the filter.
        for block in range(top, max(top - BLOCKS_READ, 0), -1):
            cursor.execute(
                below.replace("{blocks}", f" AND {fts.BLOCK_KEY} = %s::bigint"),
                [*params, floor, block, count - len(ids)],
            )
            ids += [row[0] for row in cursor.fetchall()]
            floor = block * fts.BLOCK_IDS
            if len(ids) >= count:
                return ids
    cursor.execute(below.replace("{blocks}", ""), [*params, floor, count - len(ids)])
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
    if (year := _one_year(filters)) is not None:
        keys.append(f"{fts.YEAR_KEY} = %s")
        params.append(year)
    return "".join(f"AND {k} " for k in keys), params


def _one_year(filters: SearchFilters) -> int | None:
    """The issue year the filters keep to, when both ends fall in one."""
    start, end = filters.issued_from, filters.issued_to
    return start.year if start and end and start.year == end.year else None


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
