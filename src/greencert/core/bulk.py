"""Inserting many new rows of one model at once, faster than ``bulk_create`` for wide rows.

``insert_new(objects)`` writes what ``QuerySet.bulk_create`` writes for the plain case (unsaved
instances of one model with an auto-incremented key, no conflicts to ignore) and sets each
instance's primary key. It skips the per-value work of Django's SQL compiler: a text, number,
boolean or foreign-key value goes to the driver as it is, and only the fields whose database form
differs (dates, times, JSON, decimals, UUIDs) are converted, once per value, by the field itself.
An import spends most of its time writing certificates, events and search documents, so this
is where a batch of them saves the most.
"""

from __future__ import annotations

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
# Parameters per statement: SQLite's default limit; PostgreSQL's protocol allows 65,535.
PARAMETERS = {"sqlite": 999, "postgresql": 65_535}


def _reader(field: models.Field[Any, Any]) -> Callable[[models.Model], Any]:
    """How one field's database value is read off an instance about to be inserted."""
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return lambda obj: field.get_db_prep_save(field.pre_save(obj, True), connection)
    attname = field.attname
    if isinstance(field, PASS_THROUGH) and not isinstance(
        field, models.DateField | models.JSONField | models.DecimalField | models.UUIDField
    ):
        return lambda obj: getattr(obj, attname)
    return lambda obj: field.get_db_prep_save(getattr(obj, attname), connection)


def insert_new(objects: Sequence[models.Model]) -> None:
    """Insert unsaved instances of one model in as few statements as the engine allows, in order,
    and set their primary keys. Must run inside the caller's transaction."""
    if not objects:
        return
    meta = type(objects[0])._meta
    pk = meta.pk
    assert pk is not None
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    readers = [_reader(f) for f in fields]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    one = "(" + ", ".join(["%s"] * len(fields)) + ")"
    per_statement = max(1, PARAMETERS.get(connection.vendor, 999) // len(fields))
    with connection.cursor() as cursor:
        for start in range(0, len(objects), per_statement):
            chunk = objects[start : start + per_statement]
            values = [read(obj) for obj in chunk for read in readers]
            cursor.execute(
                f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES "
                f"{', '.join([one] * len(chunk))} RETURNING {quote(pk.column)}",
                values,
            )
            for obj, (key,) in zip(chunk, cursor.fetchall(), strict=True):
                setattr(obj, pk.attname, key)
                obj._state.adding = False
                obj._state.db = connection.alias
