"""``GET /api/v1/certificates/{number}/proof``: a certificate's events with RFC 6962 inclusion
proofs against the node's latest signed checkpoint, for anyone to check offline."""

from __future__ import annotations

import base64
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema

from greencert.certification.lifecycle.tree_head import FEED_FIELDS, event_leaf, feed_event
from greencert.certification.models import Certificate, CertificateEvent
from greencert.certification.schemas import CertificateNumberPath
from greencert.core.merkle import leaf_hash
from greencert.core.responses import json_response
from greencert.exchange.tlog import proofs, storage
from greencert.exchange.witness.submit import cosigned_note
from greencert.marks.api import LOOKUP_ANSWERS, certificate_or_refusal

router = Router(tags=["transparency log 透明日志"])
ROUTERS = {"/certificates": router}


class LoggedEvent(Schema):
    event: dict[str, Any]
    leaf_index: int
    inclusion_proof: list[str]


class ProofOut(Schema):
    number: str
    checkpoint: str
    tree_size: int
    root_hash: str
    events: list[LoggedEvent]
    events_not_yet_logged: int


def _b64(value: bytes) -> str:
    return base64.b64encode(value).decode()


def certificate_proof(certificate: Certificate) -> dict[str, Any]:
    checkpoint = storage.latest_checkpoint()
    if checkpoint is None:
        storage.catch_up()
        checkpoint = storage.latest_checkpoint()
    assert checkpoint is not None
    size = checkpoint.size
    rows = list(
        CertificateEvent.objects.filter(certificate=certificate)
        .order_by("sequence")
        .values_list(*FEED_FIELDS)
    )
    logged = [feed_event(row) for row in rows if row[0] <= size]
    # Every proof's hashes in one read.
    positions: set[tuple[int, int]] = set()
    for event in logged:
        index = event["sequence"] - 1

        def prove(get: proofs.HashAt, index: int = index) -> list[bytes]:
            return proofs.inclusion_proof(get, index, size)

        positions.update(proofs.needed(prove))
    get = storage.reader(positions)
    return {
        "number": certificate.number,
        "checkpoint": cosigned_note(checkpoint),
        "tree_size": size,
        "root_hash": _b64(bytes(checkpoint.root_hash)),
        "events": [
            {
                "event": event,
                "leaf_index": event["sequence"] - 1,
                "inclusion_proof": [
                    _b64(h) for h in proofs.inclusion_proof(get, event["sequence"] - 1, size)
                ],
            }
            for event in logged
        ],
        "events_not_yet_logged": len(rows) - len(logged),
    }


def verify_certificate_proof(answer: dict[str, Any], vkey: str) -> list[str]:
    """What is wrong with a proof answer, checked offline against the log's verifier key; empty
    when every event is included in the signed checkpoint."""
    from greencert.exchange.tlog import note

    try:
        checkpoint = note.open_checkpoint(answer["checkpoint"], note.parse_verifier_key(vkey))
    except note.NoteError as error:
        return [f"checkpoint: {error}"]
    problems = []
    for item in answer["events"]:
        proof = [base64.b64decode(h) for h in item["inclusion_proof"]]
        digest = leaf_hash(event_leaf(item["event"]))
        if not proofs.verify_inclusion(
            digest, item["leaf_index"], checkpoint.size, proof, checkpoint.root_hash
        ):
            problems.append(f"event {item['event'].get('sequence')}: inclusion proof fails")
    return problems


@router.get(
    "/{number}/proof",
    response={200: ProofOut, **LOOKUP_ANSWERS},
    url_name="certificate_proof",
    summary="Transparency log proofs 透明日志证明",
)
def certificate_proof_view(request: HttpRequest, number: CertificateNumberPath) -> HttpResponse:
    """The certificate's events as the change feed publishes them, each with its leaf index and
    RFC 6962 inclusion proof (base64 hashes, as C2SP checkpoints write them) against the
    node's latest signed checkpoint (`checkpoint`, a C2SP signed note verifiable with the key at
    `/log/vkey`, followed by the peer witnesses' cosignatures, C2SP tlog-cosignature). Leaf i
    is the canonical JSON (RFC 8785) of the event with sequence i + 1. Events committed after
    that checkpoint are counted in `events_not_yet_logged`."""
    return json_response(certificate_proof(certificate_or_refusal(number)))
