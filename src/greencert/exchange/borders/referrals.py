"""Complaints forwarded (转交) to the node authoritative for the certificate or province they are
about, pushed node to node: the sending node signs the complaint as a C2SP signed note under its
log key and POSTs it to the receiving node's ``/borders/complaints``, which accepts it only under
the key its peers file pins for the sender and only when it names the receiver. Delivery is
retried every replication round until the receiver confirms; the receiver files each (node,
tracking code) once, so a repeated delivery changes nothing.

The complainant's contact details travel only in this push, never in a feed, a log line or an
error message; the sending node erases them once the receiver has the complaint.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

import requests
from django.conf import settings

from greencert.core.canonical import canonical_json
from greencert.exchange import peers
from greencert.exchange.peers import Peer
from greencert.exchange.tlog import note
from greencert.exchange.tlog.client import CONNECT_TIMEOUT, READ_TIMEOUT, FetchFailed
from greencert.exchange.tlog.storage import _private_key, ensure_log_key
from greencert.supervision.complaints import (
    awaiting_delivery,
    record_delivery,
    record_delivery_failure,
)
from greencert.supervision.models import Complaint

logger = logging.getLogger(__name__)

SUFFIX = "#complaint"
MAX_BYTES = 16 * 1024

# (URL, signed note) → the answer's bytes; raises ``FetchFailed`` unless the answer is 2xx.
Post = Callable[[str, str], bytes]


class ReferralRefused(ValueError):
    """A referral that does not verify or is not for this node; the message says why (and holds
    nothing of the complaint)."""


def http_poster() -> Post:
    session = requests.Session()

    def post(url: str, signed: str) -> bytes:
        try:
            response = session.post(
                url,
                data=signed.encode(),
                headers={"Content-Type": "text/plain; charset=utf-8"},
                timeout=(CONNECT_TIMEOUT, READ_TIMEOUT),
                allow_redirects=False,
            )
        except requests.RequestException as error:
            raise FetchFailed(f"{url}: {type(error).__name__}") from error
        if response.status_code not in (200, 201):
            raise FetchFailed(f"{url}: HTTP {response.status_code}")
        return response.content

    return post


def referral_body(complaint: Complaint, peer: Peer) -> dict[str, Any]:
    return {
        "from": str(settings.GREENCERT_NODE_ID),
        "to": peer.id,
        "tracking_code": complaint.tracking_code,
        "certificate_number": complaint.typed_number,
        "province_code": complaint.region_id or "",
        "description": complaint.description,
        "contact": complaint.contact,
        "received_at": complaint.received_at,
    }


def sign_referral(body: dict[str, Any]) -> str:
    key = ensure_log_key()
    text = f"{key.name}{SUFFIX}\n{canonical_json(body).decode()}\n"
    return note.sign_note(text, key.name, _private_key(key.private_key_pem))


def open_referral(signed: str) -> tuple[Peer, dict[str, Any]]:
    """The sending peer and the complaint of a referral, once it verifies under that peer's pinned
    log key and names this node as its receiver."""
    name = signed.partition("\n")[0]
    if not name.endswith(SUFFIX):
        raise ReferralRefused("the note is not a complaint referral")
    peer = peers.by_origin(name.removesuffix(SUFFIX))
    if peer is None:
        raise ReferralRefused("the referral is signed for a log that is not in the peers file")
    try:
        text = note.open_note(signed, note.parse_verifier_key(peer.log_vkey))
    except note.NoteError as error:
        raise ReferralRefused(f"the referral does not verify under the key of {peer.id}") from error
    lines = text.split("\n")
    try:
        body = json.loads(lines[1]) if len(lines) == 3 else None
    except ValueError:
        body = None
    if not isinstance(body, dict) or canonical_json(body).decode() != lines[1]:
        raise ReferralRefused("the referral's body is not an object in canonical JSON")
    if body.get("to") != str(settings.GREENCERT_NODE_ID) or body.get("from") != peer.id:
        raise ReferralRefused(f"the referral is not from {peer.id} to this node")
    return peer, body


def referral_url(peer: Peer) -> str:
    return f"{peer.url}/borders/complaints"


def deliver_referrals(peer: Peer, post: Post | None = None) -> tuple[int, str]:
    """Deliver the complaints forwarded to ``peer`` that it has not confirmed; returns how many
    were delivered and the error that stopped the others (blank if none)."""
    post = post or http_poster()
    delivered, error = 0, ""
    for complaint in awaiting_delivery().filter(forwarded_to=peer.id).order_by("pk"):
        try:
            post(referral_url(peer), sign_referral(referral_body(complaint, peer)))
        except FetchFailed as failure:
            error = str(failure)
            record_delivery_failure(complaint, error)
            logger.warning("complaint %s not delivered to %s: %s", complaint.pk, peer.id, error)
            break  # the peer is down or refuses: the others wait for the next round
        record_delivery(complaint)
        delivered += 1
    return delivered, error
