"""One replication round: follow every peer's log (or one), then fetch the details of the new
certificates, apply the peer's border feed (blacklist listings and removals) and deliver the
complaints forwarded to it. A peer that fails is recorded and retried next round; the others go
on."""

from __future__ import annotations

from dataclasses import replace

from greencert.exchange import peers
from greencert.exchange.borders.follow import follow_borders
from greencert.exchange.borders.referrals import Post, deliver_referrals
from greencert.exchange.replication.details import fill_details
from greencert.exchange.replication.follower import FollowResult, follow
from greencert.exchange.tlog.client import Get, http_getter


def replicate(
    peer_id: str | None = None, get: Get | None = None, post: Post | None = None
) -> list[FollowResult]:
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
        borders = follow_borders(peer, get)
        delivered, undelivered = deliver_referrals(peer, post)
        result = replace(
            result,
            border_records=borders.applied,
            complaints_delivered=delivered,
            error="; ".join(e for e in (result.error, borders.error, undelivered) if e),
        )
        results.append(result)
    return results
