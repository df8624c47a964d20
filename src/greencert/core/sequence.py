"""Gapless counters assigned in commit order.

A counter row is incremented inside the writer's transaction. On PostgreSQL the row lock makes
the next writer wait until this one commits or rolls back; on SQLite the database write lock
does the same. So numbers are handed out in commit order and a rollback leaves no gap.
"""

from __future__ import annotations

from django.db import connection


def next_value(name: str, step: int = 1) -> int:
    """Increment counter ``name`` by ``step`` and return its new value (the last one handed out)."""
    table = "core_counter"
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET value = value + %s WHERE name = %s RETURNING value", [step, name]
        )
        row = cursor.fetchone()
        if row is None:
            cursor.execute(f"INSERT INTO {table} (name, value) VALUES (%s, %s)", [name, step])
            return step
        return int(row[0])


def current_value(name: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT value FROM core_counter WHERE name = %s", [name])
        row = cursor.fetchone()
    return int(row[0]) if row else 0
