"""Inserting many new rows of one model at once, faster than ``bulk_create`` for wide rows.

``insert_new(objects)`` writes what ``QuerySet.bulk_create`` writes for the plain case (unsaved
instances of one model with an auto-incremented key, no conflicts to ignore) and sets each
instance's primary key. It skips the per-value work of Django's SQL compiler: a text, number,
boolean or foreign-key value goes to the driver as it is, and only the fields whose database form
differs (dates, times, JSON, decimals, UUIDs) are converted, once per value, by the field itself;
on PostgreSQL the rows go by COPY.
An import spends most of its time writing certificates, events and search documents, so this
is where a batch of them saves the most.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from django.db import connection, models
from django.utils import timezone

# Fields whose Python values the drivers take as they are.
PASS_THROUGH = (
    models.CharField,
    models.TextField,
    models.IntegerField,
    models.BooleanField,
    models.ForeignKey,
)
M = TypeVar("M", bound=models.Model)
# Parameters per statement: SQLite's default limit.
SQLITE_PARAMETERS = 999


def _converter(field: models.Field[Any, Any], copy: bool) -> Callable[[Any], Any] | None:
    """How a field's Python value becomes what the driver takes (for COPY, JSON as text); None
    when the driver takes it as it is."""
    if isinstance(field, models.JSONField) and copy:
        encoder = field.encoder
        return lambda value: json.dumps(value, cls=encoder)
    if isinstance(field, PASS_THROUGH) and not isinstance(
        field, models.DateField | models.JSONField | models.DecimalField | models.UUIDField
    ):
        return None
    return lambda value: field.get_db_prep_save(value, connection)


def _automatic(field: models.Field[Any, Any]) -> bool:
    return bool(getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False))


def insert_new(objects: Sequence[models.Model]) -> None:
    """Insert unsaved instances of one model, in order, and set their primary keys. Must run
    inside the caller's transaction."""
    if not objects:
        return
    meta = type(objects[0])._meta
    fields = _fields(meta)
    copy = connection.vendor == "postgresql"
    plan = [(f, f.attname, _converter(f, copy), _automatic(f)) for f in fields]

    def values(obj: models.Model) -> list[Any]:
        row = []
        for field, attname, convert, automatic in plan:
            value = field.pre_save(obj, True) if automatic else getattr(obj, attname)
            row.append(value if convert is None else convert(value))
        return row

    keys = _write(meta, fields, [values(obj) for obj in objects])
    attname = meta.pk.attname if meta.pk else "id"
    for key, obj in zip(keys, objects, strict=True):
        setattr(obj, attname, key)
        obj._state.adding = False
        obj._state.db = connection.alias


def insert_unless_present(objects: Sequence[M], unique: str) -> list[M]:
    """Insert unsaved instances of one model, leaving out those whose ``unique`` field (a column
    with a unique constraint) some row already holds, even one written meanwhile by another
    transaction; returns the inserted ones, their primary keys set. One statement per few hundred
    rows on both engines (``INSERT … ON CONFLICT DO NOTHING RETURNING``)."""
    if not objects:
        return []
    meta = type(objects[0])._meta
    fields = _fields(meta)
    pk = meta.pk
    assert pk is not None
    key_field = next(f for f in fields if f.name == unique)
    plan = [(f, f.attname, _converter(f, False), _automatic(f)) for f in fields]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    one = "(" + ", ".join(["%s"] * len(fields)) + ")"
    by_key = {getattr(obj, key_field.attname): obj for obj in objects}
    inserted = []
    with connection.cursor() as cursor:
        per_statement = max(1, SQLITE_PARAMETERS // len(fields))
        for start in range(0, len(objects), per_statement):
            chunk = objects[start : start + per_statement]
            values = []
            for obj in chunk:
                for field, attname, convert, automatic in plan:
                    value = field.pre_save(obj, True) if automatic else getattr(obj, attname)
                    values.append(value if convert is None else convert(value))
            cursor.execute(
                f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES "
                f"{', '.join([one] * len(chunk))} ON CONFLICT ({quote(key_field.column)}) "
                f"DO NOTHING RETURNING {quote(pk.column)}, {quote(key_field.column)}",
                values,
            )
            for key, value in cursor.fetchall():
                obj = by_key[value]
                setattr(obj, pk.attname, key)
                obj._state.adding = False
                obj._state.db = connection.alias
                inserted.append(obj)
    return inserted


def insert_values(model: type[models.Model], rows: Sequence[Mapping[str, Any]]) -> list[Any]:
    """Insert rows given as field values by attribute name (``holder_id``), a field left out
    taking its default; returns their primary keys, in order. For rows no one needs as
    instances afterwards. Must run inside the caller's transaction."""
    if not rows:
        return []
    meta = model._meta
    fields = _fields(meta)
    copy = connection.vendor == "postgresql"
    now = timezone.now()
    plan = [
        (f.attname, _converter(f, copy), now if _automatic(f) else f.get_default()) for f in fields
    ]
    return _write(
        meta,
        fields,
        [
            [
                value if convert is None else convert(value)
                for attname, convert, default in plan
                for value in (row.get(attname, default),)
            ]
            for row in rows
        ],
    )


def _fields(meta: Any) -> list[models.Field[Any, Any]]:
    return [f for f in meta.concrete_fields if not f.primary_key]


def _write(meta: Any, fields: list[models.Field[Any, Any]], values: list[list[Any]]) -> list[Any]:
    """PostgreSQL: the keys are drawn from the table's sequence first, then the rows are sent with
    COPY, which spares the server parsing one long statement. SQLite: multi-row INSERT …
    RETURNING, as many rows per statement as its parameter limit allows."""
    pk = meta.pk
    assert pk is not None
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [meta.db_table, pk.column, len(values)],
            )
            keys = [key for (key,) in cursor.fetchall()]
            columns = ", ".join(quote(c) for c in [pk.column, *(f.column for f in fields)])
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for key, row in zip(keys, values, strict=True):
                    copy.write_row([key, *row])
            return keys
        columns = ", ".join(quote(f.column) for f in fields)
        one = "(" + ", ".join(["%s"] * len(fields)) + ")"
        per_statement = max(1, SQLITE_PARAMETERS // len(fields))
        keys = []
        for start in range(0, len(values), per_statement):
            chunk = values[start : start + per_statement]
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES {', '.join([one] * len(chunk))} "
                f"RETURNING {quote(pk.column)}",
                [value for row in chunk for value in row],
            )
            keys += [key for (key,) in cursor.fetchall()]
        return keys


def refresh_statistics(changed_rows: int = 5_000) -> None:
    """Let PostgreSQL's planner know how tables have grown: ``ANALYZE`` each table with more than
    ``changed_rows`` rows written since its statistics were last gathered.

    A bulk write can grow a table faster than autovacuum notices; planning with the old row
    counts, PostgreSQL walks a whole index range where one unique-index probe per value would do
    (the body numbers of one body, say), and every later batch pays for it. SQLite plans without
    such statistics and needs nothing here.
    """
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relid::regclass::text FROM pg_stat_user_tables WHERE n_mod_since_analyze > %s",
            [changed_rows],
        )
        for (table,) in cursor.fetchall():
            cursor.execute(f"ANALYZE {table}")
