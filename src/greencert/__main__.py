"""The ``greencert`` console command: Django's manage.py with the settings preset."""

import os
import sys

# Commands that change the schema or replace the data connect as the tables' owner role when one
# is configured; everything else connects as the application's role (GREENCERT_DATABASE_URL).
OWNER_COMMANDS = {"migrate", "createcachetable", "restore"}


def main() -> None:
    owner_url = os.environ.get("GREENCERT_MIGRATE_DATABASE_URL", "")
    if owner_url and sys.argv[1:2] and sys.argv[1] in OWNER_COMMANDS:
        os.environ["GREENCERT_DATABASE_URL"] = owner_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "greencert.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
