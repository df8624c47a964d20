"""``greencert export_open_data``: write today's open-data export of the public register."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from greencert.portal.opendata import export_register


class Command(BaseCommand):
    help = "Export the public register as CSV and JSON Lines with SHA-256 checksums (开放数据)."

    def handle(self, *args: Any, **options: Any) -> None:
        manifest = export_register()
        for f in manifest["files"]:
            self.stdout.write(f"{f['name']}  {f['bytes']} bytes  sha256 {f['sha256']}")
        self.stdout.write(self.style.SUCCESS(f"exported {manifest['counts']}"))
