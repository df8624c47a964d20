"""``greencert replicate [--peer ID] [--once]``: follow the other nodes' logs (the peers file),
every ``GREENCERT_REPLICATE_SECONDS`` until stopped, or one round with ``--once``."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from greencert.exchange import peers
from greencert.exchange.replication.runner import replicate


class Command(BaseCommand):
    help = "Follow the other provincial nodes' transparency logs and apply their events."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--peer", help="follow only this peer (its id in the peers file)")
        parser.add_argument("--once", action="store_true", help="one round, then exit")

    def handle(self, *args: Any, **options: Any) -> None:
        if not peers.peers():
            raise CommandError(
                "节点清单中没有其他节点（GREENCERT_PEERS_FILE）/ no peers to follow: "
                "GREENCERT_PEERS_FILE lists no other node"
            )
        while True:
            failed = self._round(options["peer"])
            if options["once"]:
                if failed:
                    raise CommandError(f"{failed} peer(s) could not be followed", returncode=1)
                return
            time.sleep(settings.GREENCERT_REPLICATE_SECONDS or 5)

    def _round(self, peer_id: str | None) -> int:
        try:
            results = replicate(peer_id)
        except LookupError as error:
            known = ", ".join(p.id for p in peers.peers())
            raise CommandError(
                f"节点 {error} 不在节点清单中（应为 {known} 之一）/ peer {error} is not in the "
                f"peers file (expected one of {known})"
            ) from error
        for result in results:
            crossed = _crossed(result.border_records, result.complaints_delivered)
            if result.ok:
                self.stdout.write(
                    f"{result.peer_id}: applied {result.applied}, {result.size} entries in all"
                    + crossed
                )
            else:
                self.stdout.write(f"{result.peer_id}: FAILED {result.error}{crossed}")
        return sum(1 for r in results if not r.ok)


def _crossed(records: int, complaints: int) -> str:
    """What else crossed the border this round: border records applied, complaints delivered."""
    parts = []
    if records:
        parts.append(f"{records} border record{'s' if records > 1 else ''} applied")
    if complaints:
        parts.append(f"{complaints} complaint{'s' if complaints > 1 else ''} delivered")
    return "".join(f"; {part}" for part in parts)
