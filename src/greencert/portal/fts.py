"""The engine-specific part of the search index, used by the migration and by bulk rebuilds.

SQLite: an FTS5 external-content table over ``portal_searchdocument.search_grams``
(``unicode61``, no positions: queries are ANDs of single grams), kept in step by triggers, so a
``DELETE`` (the test harness's flush, a rebuild) leaves no stale entry. PostgreSQL: a GIN index
on ``to_tsvector('simple', search_grams)``, kept as a stored generated column
(``search_vector``, not a model field) so that a plan that walks the newest documents first
tests each row without re-parsing its grams.

Where the ``btree_gin`` extension is installed, the GIN index also holds the filters' equality keys
(kind, place, status, category, grade, zones as 0/1, issue year), so a rare word with filters
is narrowed inside the index instead of by reading every matching row, and the block of ids a
document sits in, so a word's newest matches are found without reading its older ones. Ranges
stay out of it: a range in a GIN index unions every key it covers, slower than the rows it would
save.
"""

from __future__ import annotations

from typing import Any

TABLE = "portal_searchdocument"
FTS = "portal_search_fts"
GIN = "portal_search_vector_gin"
FILTERED_GIN = "portal_search_filtered_gin"
OLD_GIN = "portal_search_grams_gin"
TSVECTOR = "search_vector"

SQLITE_TABLE = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS} USING fts5(search_grams, content='{TABLE}', "
    "content_rowid='id', tokenize='unicode61', detail='none', columnsize=0)"
)
SQLITE_TRIGGERS = {
    f"{FTS}_insert": (
        f"CREATE TRIGGER IF NOT EXISTS {FTS}_insert AFTER INSERT ON {TABLE} BEGIN "
        f"INSERT INTO {FTS}(rowid, search_grams) VALUES (new.id, new.search_grams); END"
    ),
    f"{FTS}_delete": (
        f"CREATE TRIGGER IF NOT EXISTS {FTS}_delete AFTER DELETE ON {TABLE} BEGIN "
        f"INSERT INTO {FTS}({FTS}, rowid, search_grams) VALUES ('delete', old.id, old.search_grams); "
        "END"
    ),
    f"{FTS}_update": (
        f"CREATE TRIGGER IF NOT EXISTS {FTS}_update AFTER UPDATE OF search_grams ON {TABLE} BEGIN "
        f"INSERT INTO {FTS}({FTS}, rowid, search_grams) VALUES ('delete', old.id, old.search_grams); "
        f"INSERT INTO {FTS}(rowid, search_grams) VALUES (new.id, new.search_grams); END"
    ),
}
PG_COLUMN = (
    f"ALTER TABLE {TABLE} ADD COLUMN IF NOT EXISTS {TSVECTOR} tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, search_grams)) STORED"
)
PG_INDEX = f"CREATE INDEX IF NOT EXISTS {GIN} ON {TABLE} USING gin ({TSVECTOR})"
# Expressions search.py compares with the same text (no table alias), so the planner matches them
# to the index: a boolean compared with true is folded to the bare column, which GIN cannot use.
PILOT_KEY = "(in_pilot_zone::integer)"
DEMONSTRATION_KEY = "(in_demonstration_zone::integer)"
YEAR_KEY = "(EXTRACT(YEAR FROM issue_date))"
# Documents by blocks of consecutive ids, newest block highest: the GIN index finds a word's
# matches in the newest blocks first (``search._gin_blocks``) without fetching every older match.
# Compared with a bigint (``%s::bigint``): btree_gin indexes bigint = bigint only.
BLOCK_IDS = 65536
BLOCK_KEY = f"(id / {BLOCK_IDS})"
FILTERED_KEYS = (
    f"{TSVECTOR}, kind, province_code, city_code, status, category_id, grade, "
    f"{PILOT_KEY}, {DEMONSTRATION_KEY}, {YEAR_KEY}"
)
PG_FILTERED_INDEX = (
    f"CREATE INDEX IF NOT EXISTS {FILTERED_GIN} ON {TABLE} USING gin ({FILTERED_KEYS}, {BLOCK_KEY})"
)
# Documents of one issue year, newest first: where ids follow issue dates (the seed, a registry
# growing day by day), a year long past sits far below the newest documents, and the search's
# window walks this index instead of every later document.
YEAR_INDEX = "portal_search_year_id"
PG_YEAR_INDEX = f"CREATE INDEX IF NOT EXISTS {YEAR_INDEX} ON {TABLE} ({YEAR_KEY}, id)"
# On SQLite the same index gives a year's first and last document id in two lookups: the bounds
# of the FTS5 rowids a one-year search reads.
SQLITE_YEAR_KEY = "(CAST(substr(issue_date, 1, 4) AS INTEGER))"
SQLITE_YEAR_INDEX = f"CREATE INDEX IF NOT EXISTS {YEAR_INDEX} ON {TABLE} ({SQLITE_YEAR_KEY}, id)"
BTREE_GIN_MISSING = (
    "portal: the btree_gin extension could not be created ({error}); search keeps the plain GIN "
    "index, correct but slower for rare words with filters. As a superuser, run "
    "'CREATE EXTENSION btree_gin;' in this database, then 'greencert rebuild_read_models'."
)


def create(execute: Any, vendor: str, *, filtered: bool = False) -> None:
    """Build the engine's index; on PostgreSQL, ``filtered`` (btree_gin installed) chooses the GIN
    index holding the filter keys over the plain one."""
    if vendor == "sqlite":
        execute(SQLITE_TABLE)
        for sql in SQLITE_TRIGGERS.values():
            execute(sql)
        execute(f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')")
        execute(SQLITE_YEAR_INDEX)
    elif vendor == "postgresql":
        execute(f"DROP INDEX IF EXISTS {OLD_GIN}")
        execute(PG_COLUMN)
        if filtered:
            execute(f"DROP INDEX IF EXISTS {GIN}")
            execute(PG_FILTERED_INDEX)
        else:
            execute(f"DROP INDEX IF EXISTS {FILTERED_GIN}")
            execute(PG_INDEX)
        execute(PG_YEAR_INDEX)
        execute(f"ANALYZE {TABLE}")
    else:
        raise RuntimeError(f"the search index is not written for {vendor}")


def drop(execute: Any, vendor: str) -> None:
    if vendor == "sqlite":
        for name in SQLITE_TRIGGERS:
            execute(f"DROP TRIGGER IF EXISTS {name}")
        execute(f"DROP TABLE IF EXISTS {FTS}")
    elif vendor == "postgresql":
        execute(f"DROP INDEX IF EXISTS {GIN}")
        execute(f"DROP INDEX IF EXISTS {FILTERED_GIN}")
