"""``GET /api/v1/witness/peers``: what this node's witness holds of every peer's log and the
evidence of any inconsistent checkpoint a peer offered. Public, as the checkpoints and the
evidence are: in the transparency-log tradition anyone may check a log's history, and a split
view is worth exposing to everyone it could deceive."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema

from greencert.core.responses import json_response
from greencert.exchange.witness import status

router = Router(tags=["witness 见证"])
ROUTERS = {"/witness": router}


class HeldOut(Schema):
    size: int
    root_hash: str
    cosigned_at: datetime
    note: str


class AlertOut(Schema):
    kind: str
    held_size: int
    held_note: str
    offered_size: int
    offered_root_hash: str
    offered_note: str
    offered_proof: str
    detected_at: datetime


class PeerWitnessOut(Schema):
    id: str
    name_zh: str
    name_en: str
    origin: str
    url: str
    held: HeldOut | None
    alerts: list[AlertOut]


class WitnessOut(Schema):
    witness_vkey: str
    peers: list[PeerWitnessOut]


def witness_status() -> dict[str, object]:
    from greencert.exchange import peers
    from greencert.exchange.witness.keys import witness_vkey

    evidence = status.alerts()
    names = {p.id: p for p in peers.peers()}
    answer = []
    for state in status.peer_states():
        peer = names[state["id"]]
        held = state["held"]
        answer.append(
            {
                "id": peer.id,
                "name_zh": peer.name_zh,
                "name_en": peer.name_en,
                "origin": state["origin"],
                "url": state["url"],
                "held": held,
                "alerts": [
                    {k: v for k, v in a.items() if k not in ("peer_id", "peer_name", "origin")}
                    for a in evidence
                    if a["origin"] == state["origin"]
                ],
            }
        )
    return {"witness_vkey": witness_vkey(), "peers": answer}


@router.get(
    "/peers",
    response={200: WitnessOut},
    url_name="witness_peers",
    summary="Witnessed peers 见证节点",
)
def witness_peers(request: HttpRequest) -> HttpResponse:
    """Every peer node with the latest checkpoint of its log that this node verified and
    cosigned (`held`: tree size, base64 root hash, when, and the signed note), and the evidence
    of each inconsistent checkpoint the peer offered (`alerts`: `rewritten` when the consistency
    proof from the held checkpoint failed, `split_view` when the same size came with another
    root; both signed notes as received). `witness_vkey` is this node's cosigner key (C2SP
    tlog-cosignature, `cosignature/v1`)."""
    return json_response(witness_status())
