"""The two PostgreSQL roles of a node: the tables' owner, who migrates, and the application,
which owns nothing and may only do what the application does.

The application role gets SELECT, INSERT, UPDATE and DELETE on the tables, but only SELECT and
INSERT on the append-only tables (those carrying an ``…_append_only`` trigger) and on
``django_migrations`` (read only), no DELETE on ``core_counter``, and USAGE on the sequences.
It is no superuser and owns no table, so it cannot ``TRUNCATE``, ``ALTER TABLE … DISABLE
TRIGGER``, ``SET session_replication_role = replica`` or create tables; the owner's default
privileges give it the same rights on tables a later migration creates (re-run the command after
a migration that adds an append-only table, to withdraw UPDATE and DELETE there too).

``core_counter`` needs UPDATE: every action increments a counter in its own transaction (a
SECURITY DEFINER function would not take away more, since it must accept any positive step for
bulk imports). Its trigger (core migration 0004) lets a counter only move forward and never be
deleted, so no number is handed out twice; a number skipped shows as a gap in the public log,
whose leaf i must be the event with sequence i + 1.
"""

from __future__ import annotations

from collections.abc import Callable

TABLE_RIGHTS = "SELECT, INSERT, UPDATE, DELETE"
READ_ONLY_TABLES = ("django_migrations",)
NO_DELETE_TABLES = ("core_counter",)
ROLE_ATTRIBUTES = "LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS"


def role_statements(
    quote: Callable[[str], str],
    literal: Callable[[str], str],
    *,
    name: str,
    password: str,
    exists: bool,
    inherit: bool,
) -> list[str]:
    attributes = ROLE_ATTRIBUTES + ("" if inherit else " NOINHERIT")
    if password:
        attributes += f" PASSWORD {literal(password)}"
    verb = "ALTER" if exists else "CREATE"
    return [f"{verb} ROLE {quote(name)} {attributes}"]


def grant_statements(
    quote: Callable[[str], str],
    *,
    database: str,
    owner: str,
    app: str,
    owned_elsewhere: list[tuple[str, str]],
    append_only: list[str],
) -> list[str]:
    """Ownership to ``owner``, rights to ``app``; ``owned_elsewhere`` lists (kind, name) of the
    schema's tables, views, sequences and functions another role owns."""
    o, a = quote(owner), quote(app)
    statements = [
        f"GRANT CONNECT, TEMPORARY ON DATABASE {quote(database)} TO {o}, {a}",
        f"ALTER SCHEMA public OWNER TO {o}",
        "REVOKE CREATE ON SCHEMA public FROM PUBLIC",
        f"GRANT USAGE ON SCHEMA public TO {a}",
    ]
    for kind, name in owned_elsewhere:
        # A function's name comes with its argument types, already quoted by PostgreSQL.
        target = name if kind == "FUNCTION" else quote(name)
        statements.append(f"ALTER {kind} {target} OWNER TO {o}")
    statements += [
        f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {a}",
        f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {a}",
        f"GRANT {TABLE_RIGHTS} ON ALL TABLES IN SCHEMA public TO {a}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {a}",
    ]
    for table in sorted(append_only):
        statements.append(f"REVOKE UPDATE, DELETE ON {quote(table)} FROM {a}")
    for table in READ_ONLY_TABLES:
        statements.append(f"REVOKE INSERT, UPDATE, DELETE ON {quote(table)} FROM {a}")
    for table in NO_DELETE_TABLES:
        statements.append(f"REVOKE DELETE ON {quote(table)} FROM {a}")
    statements += [
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {o} IN SCHEMA public "
        f"GRANT {TABLE_RIGHTS} ON TABLES TO {a}",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {o} IN SCHEMA public "
        f"GRANT USAGE, SELECT ON SEQUENCES TO {a}",
    ]
    return statements


# The schema's objects another role owns: tables (and the sequences they own follow them),
# views, free-standing sequences and functions, leaving out those of extensions (btree_gin…).
OWNED_ELSEWHERE_SQL = """
SELECT CASE c.relkind WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW'
                      WHEN 'm' THEN 'MATERIALIZED VIEW' ELSE 'TABLE' END, c.relname::text
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
   AND c.relowner <> %(owner)s::regrole
   AND NOT (c.relkind = 'S' AND EXISTS (
        SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype IN ('a', 'i')))
   AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e')
UNION ALL
SELECT 'FUNCTION', p.oid::regprocedure::text
  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
 WHERE n.nspname = 'public' AND p.proowner <> %(owner)s::regrole
   AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')
 ORDER BY 1, 2
"""

APPEND_ONLY_SQL = """
SELECT DISTINCT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = 'public' AND t.tgname LIKE '%%\\_append\\_only' AND NOT t.tgisinternal
"""
