"""The engine-specific part of the search index, used by the migration and by bulk rebuilds.

SQLite: an FTS5 external-content table over ``portal_searchdocument.search_grams``
(``unicode61``, no positions: queries are ANDs of single grams), kept in step by triggers, so a
``DELETE`` (the test harness's flush, a rebuild) leaves no stale entry. PostgreSQL: a GIN index
on ``to_tsvector('simple', search_grams)``, kept as a stored generated column
(``search_vector``, not a model field) so that a plan that walks the newest documents first
tests each row without re-parsing its grams.
"""

from __future__ import annotations

from typing import Any

TABLE = "portal_searchdocument"
FTS = "portal_search_fts"
GIN = "portal_search_vector_gin"
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


def create(execute: Any, vendor: str) -> None:
    if vendor == "sqlite":
        execute(SQLITE_TABLE)
        for sql in SQLITE_TRIGGERS.values():
            execute(sql)
        execute(f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')")
    elif vendor == "postgresql":
        execute(f"DROP INDEX IF EXISTS {OLD_GIN}")
        execute(PG_COLUMN)
        execute(PG_INDEX)
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
