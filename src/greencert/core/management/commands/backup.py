"""``greencert backup [DIR]``: copy the database, uploads and key-encryption key into DIR
(default ``var/backups/<UTC time>``) with a manifest of checksums (see ``greencert.core.backup``).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from greencert.core.backup import BackupError, backup


class Command(BaseCommand):
    help = "Back up this node: database (online), uploaded files and key-encryption key."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", nargs="?", type=Path, help="a new or empty directory")

    def handle(self, *args: Any, **options: Any) -> None:
        target: Path = options["directory"] or Path(settings.VAR_DIR) / "backups" / (
            dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
        )
        try:
            manifest = backup(target)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        events = manifest["counters"].get("certificate_event", 0)
        self.stdout.write(
            f"backed up to {target}: {manifest['engine']} database with {events} events, "
            f"{len(manifest['files'])} files; key-encryption key: {manifest['key_encryption_key']}"
        )
