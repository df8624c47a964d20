"""``greencert announcement verify FILE [--keys FILE]`` and ``greencert announcement export
NUMBER -o FILE``.

``verify`` checks a signed announcement (the ``.jwt`` file its public page offers) offline:
the signature against a trust file (the node's saved ``did.json`` or ``jwks.json``; without
``--keys``, this node's own published keys), then prints its content. Prints one ✓/✗ line per
check and exits non-zero if any check fails.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from greencert.governance.offline import content_lines, verify_announcement
from greencert.marks.offline_checks import TrustFileError, load_trust


class Command(BaseCommand):
    help = "Verify a signed announcement offline, or export a published one."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        verify = sub.add_parser("verify", help="check a signed announcement file (.jwt)")
        verify.add_argument("file", type=Path)
        verify.add_argument(
            "--keys",
            type=Path,
            default=None,
            help="saved did.json or jwks.json of the publishing node (default: this node's keys)",
        )
        export = sub.add_parser("export", help="write a published announcement's signed file")
        export.add_argument("number", help="year-serial, e.g. 2026-1")
        export.add_argument("-o", "--output", type=Path, required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "export":
            self._export(options["number"], options["output"])
        else:
            self._verify(options["file"], options["keys"])

    def _trusted(self, keys: Path | None) -> dict[str, dict[str, Any]]:
        if keys is not None:
            return load_trust(keys)
        from greencert.marks.keys import public_jwks

        return {k["kid"]: k for k in public_jwks()["keys"]}

    def _verify(self, path: Path, keys: Path | None) -> None:
        try:
            trusted = self._trusted(keys)
            token = path.read_text(encoding="ascii").strip()
        except (TrustFileError, OSError, UnicodeDecodeError) as exc:
            raise CommandError(str(exc)) from exc
        checks, payload = verify_announcement(token, trusted)
        for check in checks:
            self.stdout.write(check.line())
        if payload is None or any(c.ok is False for c in checks):
            failed = "; ".join(f"{c.name}: {c.detail}" for c in checks if c.ok is False)
            raise CommandError(f"announcement NOT verified: {failed}", returncode=1)
        self.stdout.write("")
        for line in content_lines(payload):
            self.stdout.write(line)
        self.stdout.write("")
        self.stdout.write("announcement verified")

    def _export(self, number: str, output: Path) -> None:
        from greencert.governance.models import Announcement

        year, _, serial = number.partition("-")
        announcement = Announcement.objects.filter(
            year=int(year) if year.isdigit() else 0,
            serial=int(serial) if serial.isdigit() else 0,
            state=Announcement.State.PUBLISHED,
        ).first()
        if announcement is None:
            raise CommandError(
                f"no published announcement {number} (expected year-serial, e.g. 2026-1)"
            )
        output.write_text(announcement.signed + "\n", encoding="ascii")
        self.stdout.write(f"wrote {output} ({announcement.number})")
