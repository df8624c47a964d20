"""``greencert restore DIR``: put a backup made by ``greencert backup`` back in place of this
node's database, uploads and key-encryption key. Stop the node's server and worker first; run
``greencert migrate`` afterwards if the code is newer than the backup, and on PostgreSQL with
separate roles ``greencert db_roles`` again (a restore leaves the tables to the restoring role).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from greencert.core.backup import BackupError, read_manifest, restore


class Command(BaseCommand):
    help = "Restore this node from a backup directory (replaces every record)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path)
        parser.add_argument(
            "--yes", action="store_true", help="replace this node's data without asking"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        source: Path = options["directory"]
        try:
            manifest = read_manifest(source)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        if not options["yes"]:
            answer = input(
                f"Replace every record of this node with the backup of {manifest['created_at']} "
                "(type yes)? "
            )
            if answer.strip().lower() != "yes":
                raise CommandError("restore cancelled: nothing was changed")
        try:
            restored = restore(source)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"restored the {restored.engine} backup of {manifest['created_at']} "
            f"({restored.files} files)"
            + (f"; key-encryption key at {restored.key_file}" if restored.key_file else "")
        )
