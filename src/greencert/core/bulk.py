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
from collections.abc import Callable, Sequence
from typing import Any

from django.db import connection, models

# Fields whose Python values the drivers take as they are.
PASS_THROUGH = (
    models.CharField,
    models.TextField,
    models.IntegerField,
    models.BooleanField,
    models.ForeignKey,
)
# Parameters per statement: SQLite's default limit.
SQLITE_PARAMETERS = 999


def _reader(field: models.Field[Any, Any], copy: bool) -> Callable[[models.Model], Any]:
    """How one field's database value is read off an instance about to be inserted (for COPY,
    JSON as text)."""
    attname = field.attname
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return lambda obj: field.get_db_prep_save(field.pre_save(obj, True), connection)
    if isinstance(field, models.JSONField) and copy:
        encoder = field.encoder
        return lambda obj: json.dumps(getattr(obj, attname), cls=encoder)
    if isinstance(field, PASS_THROUGH) and not isinstance(
        field, models.DateField | models.JSONField | models.DecimalField | models.UUIDField
    ):
        return lambda obj: getattr(obj, attname)
    return lambda obj: field.get_db_prep_save(getattr(obj, attname), connection)


def insert_new(objects: Sequence[models.Model]) -> None:
    """Insert unsaved instances of one model, in order, and set their primary keys. Must run
    inside the caller's transaction.

    PostgreSQL: the keys are drawn from the table's sequence first, then the rows are sent with
    COPY, which spares the server parsing one long statement. SQLite: multi-row INSERT …
    RETURNING, as many rows per statement as its parameter limit allows.
    """
    if not objects:
        return
    meta = type(objects[0])._meta
    pk = meta.pk
    assert pk is not None
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    copy = connection.vendor == "postgresql"
    readers = [_reader(f, copy) for f in fields]
    with connection.cursor() as cursor:
        if copy:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [meta.db_table, pk.column, len(objects)],
            )
            keys = [key for (key,) in cursor.fetchall()]
            columns = ", ".join(quote(c) for c in [pk.column, *(f.column for f in fields)])
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as rows:
                for key, obj in zip(keys, objects, strict=True):
                    rows.write_row([key, *(read(obj) for read in readers)])
            for key, obj in zip(keys, objects, strict=True):
                _saved(obj, pk.attname, key)
            return
        columns = ", ".join(quote(f.column) for f in fields)
        one = "(" + ", ".join(["%s"] * len(fields)) + ")"
        per_statement = max(1, SQLITE_PARAMETERS // len(fields))
        for start in range(0, len(objects), per_statement):
            chunk = objects[start : start + per_statement]
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES {', '.join([one] * len(chunk))} "
                f"RETURNING {quote(pk.column)}",
                [read(obj) for obj in chunk for read in readers],
            )
            for obj, (key,) in zip(chunk, cursor.fetchall(), strict=True):
                _saved(obj, pk.attname, key)


def _saved(obj: models.Model, attname: str, key: Any) -> None:
    setattr(obj, attname, key)
    obj._state.adding = False
    obj._state.db = connection.alias
