"""``greencert db_roles --owner greencert_owner --app greencert_app``: set up the node's two
PostgreSQL roles (see ``greencert.core.db_roles``). Run it as a superuser, once after the first
``migrate`` and again after each migration; it is idempotent. ``--print`` shows the SQL instead.
"""

from __future__ import annotations

import os
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction

from greencert.core import db_roles


class Command(BaseCommand):
    help = (
        "PostgreSQL: make --owner own every table and give --app, a role that owns nothing, "
        "only the rights the application needs."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--owner", default="greencert_owner", help="the tables' owner role")
        parser.add_argument("--app", default="greencert_app", help="the application's role")
        parser.add_argument(
            "--passwords-from-env",
            action="store_true",
            help="set the roles' passwords from GREENCERT_OWNER_DB_PASSWORD and "
            "GREENCERT_APP_DB_PASSWORD",
        )
        parser.add_argument("--print", action="store_true", help="print the SQL, change nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError(
                f"db_roles 仅适用于 PostgreSQL，当前数据库为 {connection.vendor} / db_roles is for "
                f"PostgreSQL; this node's database is {connection.vendor}"
            )
        owner, app = options["owner"], options["app"]
        if owner == app:
            raise CommandError(
                f"--owner 与 --app 须为两个不同角色（均为 {owner!r}）/ --owner and --app must be two "
                f"different roles (both are {owner!r})"
            )
        passwords = {owner: "", app: ""}
        if options["passwords_from_env"]:
            passwords = {
                owner: os.environ.get("GREENCERT_OWNER_DB_PASSWORD", ""),
                app: os.environ.get("GREENCERT_APP_DB_PASSWORD", ""),
            }
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user"
            )
            if not cursor.fetchone()[0]:
                raise CommandError(
                    "db_roles 须以超级用户或有 CREATEROLE 权限的角色运行 / db_roles must run as a "
                    "superuser or a role with CREATEROLE (set GREENCERT_DATABASE_URL to it)"
                )
            cursor.execute("SELECT rolname FROM pg_roles WHERE rolname IN (%s, %s)", [owner, app])
            existing = {row[0] for row in cursor.fetchall()}
            quote = connection.ops.quote_name

            def literal(value: str) -> str:
                return "'" + value.replace("'", "''") + "'"

            statements = []
            for name, inherit in ((owner, True), (app, False)):
                statements += db_roles.role_statements(
                    quote,
                    literal,
                    name=name,
                    password=passwords[name],
                    exists=name in existing,
                    inherit=inherit,
                )
            if options["print"]:
                owned: list[tuple[str, str]] = []
                if owner in existing:
                    cursor.execute(db_roles.OWNED_ELSEWHERE_SQL, {"owner": owner})
                    owned = [(k, n) for k, n in cursor.fetchall()]
            else:
                for statement in statements:
                    cursor.execute(statement)
                cursor.execute(db_roles.OWNED_ELSEWHERE_SQL, {"owner": owner})
                owned = [(k, n) for k, n in cursor.fetchall()]
            cursor.execute(db_roles.APPEND_ONLY_SQL)
            append_only = [row[0] for row in cursor.fetchall()]
            grants = db_roles.grant_statements(
                quote,
                database=str(connection.settings_dict["NAME"]),
                owner=owner,
                app=app,
                owned_elsewhere=owned,
                append_only=append_only,
            )
            if options["print"]:
                for statement in statements + grants:
                    self.stdout.write(statement + ";")
                transaction.set_rollback(True)
                return
            for statement in grants:
                cursor.execute(statement)
        self.stdout.write(
            f"{owner} owns the schema and its {len(owned)} other object(s) now; {app} may read "
            f"and write rows, append only to {len(append_only)} append-only table(s), and owns "
            "nothing"
        )
