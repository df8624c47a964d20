"""One replication round: follow every peer's log (or one), then fetch the details of the new
certificates. A peer that fails is recorded and retried next round; the others go on."""

from __future__ import annotations

from greencert.exchange import peers
from greencert.exchange.replication.details import fill_details
from greencert.exchange.replication.follower import FollowResult, follow
from greencert.exchange.tlog.client import Get, http_getter


def replicate(peer_id: str | None = None, get: Get | None = None) -> list[FollowResult]:
    """Follow the peers of the peers file (only ``peer_id`` if given); unknown ids raise
    ``LookupError``."""
    chosen = peers.peers()
    if peer_id is not None:
        chosen = tuple(p for p in chosen if p.id == peer_id)
        if not chosen:
            raise LookupError(peer_id)
    get = get or http_getter()
    results = []
    for peer in chosen:
        result = follow(peer, get)
        if result.ok:
            fill_details(peer, get)
        results.append(result)
    return results
