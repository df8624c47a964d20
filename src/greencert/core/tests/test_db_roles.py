"""PostgreSQL: the application's role owns nothing and cannot get around the append-only log."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from io import StringIO
from typing import Any

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="database roles and privileges are PostgreSQL's; SQLite has none",
    ),
    pytest.mark.django_db(transaction=True),
]

EVENTS = "certification_certificateevent"


@pytest.fixture
def roles() -> Iterator[tuple[str, str]]:
    suffix = f"{os.getpid()}_{uuid.uuid4().hex[:6]}"
    owner, app = f"gc_owner_{suffix}", f"gc_app_{suffix}"
    out = StringIO()
    call_command("db_roles", "--owner", owner, "--app", app, stdout=out)
    assert out.getvalue().startswith(f"{owner} owns the schema")
    yield owner, app
    connection.close()
    with connection.cursor() as cursor:
        for role in (owner, app):
            cursor.execute(f"REASSIGN OWNED BY {role} TO CURRENT_USER")
            cursor.execute(f"DROP OWNED BY {role}")
            cursor.execute(f"DROP ROLE {role}")


def connect_as(role: str) -> psycopg.Connection[Any]:
    settings = connection.settings_dict
    return psycopg.connect(
        host=settings["HOST"] or "127.0.0.1",
        port=settings["PORT"] or 5432,
        dbname=settings["NAME"],
        user=role,
        autocommit=True,
    )


def refused(app: str, statement: str) -> str:
    """The error PostgreSQL gives ``app`` for ``statement`` (it must refuse it)."""
    with connect_as(app) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege) as caught:
        conn.execute(statement)
    return str(caught.value)


@pytest.mark.parametrize(
    "statement",
    [
        f"TRUNCATE {EVENTS}",
        "TRUNCATE core_counter",
        "SET session_replication_role = replica",
        f"ALTER TABLE {EVENTS} DISABLE TRIGGER ALL",
        f"ALTER TABLE {EVENTS} DISABLE TRIGGER {EVENTS}_append_only",
        f"UPDATE {EVENTS} SET reason_code = 'forged'",
        f"DELETE FROM {EVENTS}",
        f"DROP TABLE {EVENTS}",
        "CREATE TABLE shadow (id int)",
        "UPDATE core_counter SET value = value - 1",
        "UPDATE core_counter SET name = name || '-renamed'",
        "DELETE FROM core_counter",
        "INSERT INTO django_migrations (app, name, applied) VALUES ('core', 'x', now())",
    ],
)
def test_the_application_role_is_refused(roles, statement):
    _owner, app = roles
    refused(app, statement)


def test_the_application_role_owns_nothing_and_is_no_superuser(roles):
    owner, app = roles
    with connect_as(app) as conn:
        owned = conn.execute(
            "SELECT count(*) FROM pg_class WHERE relowner = current_user::regrole"
        ).fetchone()
        flags = conn.execute(
            "SELECT rolsuper, rolcreaterole, rolcreatedb, rolbypassrls FROM pg_roles "
            "WHERE rolname = current_user"
        ).fetchone()
    assert owned == (0,) and flags == (False, False, False, False)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND c.relowner <> %s::regrole",
            [owner],
        )
        assert cursor.fetchone() == (0,)


def test_counters_move_forward_for_the_application_role(roles):
    _owner, app = roles
    with connect_as(app) as conn:
        before = conn.execute(
            "SELECT value FROM core_counter WHERE name = 'certificate_event'"
        ).fetchone()
        after = conn.execute(
            "UPDATE core_counter SET value = value + 1 WHERE name = 'certificate_event' "
            "RETURNING value"
        ).fetchone()
    assert before is not None and after == (before[0] + 1,)


def test_the_node_issues_and_verifies_as_the_application_role(
    roles, issue: Callable[..., Any], client: Client
):
    _owner, app = roles
    settings = connection.settings_dict
    user = settings["USER"]
    connection.close()
    settings["USER"] = app
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user")
            assert cursor.fetchone() == (app,)
        certificate = issue()
        answer = client.get(f"/api/v1/certificates/{certificate.number}")
        assert answer.status_code == 200 and answer.json()["status"]["code"] == "01"
        credential = client.get(f"/api/v1/certificates/{certificate.number}/credential")
        assert credential.status_code == 200 and credential.content.count(b".") == 2
        assert client.get("/log/checkpoint").status_code == 200
        assert client.get(f"/verify/{certificate.number}").status_code == 200
    finally:
        connection.close()
        settings["USER"] = user


def test_print_shows_the_sql_and_changes_nothing():
    out = StringIO()
    call_command(
        "db_roles", "--owner", "gc_owner_never", "--app", "gc_app_never", "--print", stdout=out
    )
    sql = out.getvalue()
    assert 'CREATE ROLE "gc_app_never" LOGIN NOSUPERUSER' in sql
    assert f'REVOKE UPDATE, DELETE ON "{EVENTS}" FROM "gc_app_never";' in sql
    assert 'ALTER DEFAULT PRIVILEGES FOR ROLE "gc_owner_never"' in sql
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_roles WHERE rolname LIKE 'gc\\_%%never'")
        assert cursor.fetchone() == (0,)
