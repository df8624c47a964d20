"""Database triggers that make append-only tables refuse UPDATE and DELETE on both engines."""

from __future__ import annotations

from typing import Any

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION greencert_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'greencert: % on % refused: the table is append-only', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


def create_append_only_triggers(schema_editor: Any, table: str) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_FUNCTION, params=None)  # verbatim: '%' is plpgsql's
        schema_editor.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION greencert_refuse_change();",
            params=None,
        )
    elif vendor == "sqlite":
        for op, condition in (("UPDATE", ""), ("DELETE", "WHEN greencert_purge_allowed() = 0 ")):
            schema_editor.execute(
                f"CREATE TRIGGER {table}_no_{op.lower()} BEFORE {op} ON {table} {condition}BEGIN "
                f"SELECT RAISE(ABORT, 'greencert: {op} on {table} refused: the table is append-only'); "
                "END;"
            )
    else:
        raise RuntimeError(f"append-only triggers are not written for {vendor}")


def drop_append_only_triggers(schema_editor: Any, table: str) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};")
    elif vendor == "sqlite":
        for op in ("update", "delete"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_{op};")
