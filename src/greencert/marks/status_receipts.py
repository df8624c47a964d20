"""Verification receipts (核验回执): a signed statement of a certificate's status on a date.

"Certificate N had status S on date D, as recorded by node K at time T, read at event sequence
Q" — what a bidder attaches to a tender instead of a screenshot. The status comes from the event
log (``history.status_event_on``); the statement is signed with the node's key (``typ:
receipt+jwt``). ``transparencyLog`` carries the node's transparency-log checkpoint and the
inclusion proof of the event the stated status comes from (``marks.log_evidence``); a receipt for
a day before the certificate was issued has none.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.utils import timezone

from greencert.certification import lifecycle
from greencert.certification.lifecycle.history import status_event_on
from greencert.certification.lifecycle.log import last_sequence
from greencert.certification.models import Certificate
from greencert.certification.presenters import verify_url
from greencert.core.canonical import canonical_json
from greencert.core.errors import refuse_future_date
from greencert.marks import keys, log_evidence
from greencert.marks.identity import node_did, node_id
from greencert.marks.offline_checks import RECEIPT_TYPE

NOT_YET_ISSUED = lifecycle.Label("尚未颁发", "not yet issued")


def _status_at_sequence(cert: Certificate, day: dt.date) -> tuple[tuple[int, str] | None, int]:
    """The event that gave the status on ``day`` (its sequence and that status) and the sequence
    the log stood at, read so that both agree."""
    for _attempt in range(5):
        before = last_sequence()
        found = status_event_on(cert.pk, day)
        if last_sequence() == before:
            return found, before
    return found, last_sequence()


def receipt_claims(cert: Certificate, day: dt.date | None = None) -> dict[str, Any]:
    today = timezone.localdate()
    day = day or today
    refuse_future_date("at", day)
    found, sequence = _status_at_sequence(cert, day)
    status = found[1] if found else None
    recorded = timezone.localtime().replace(microsecond=0)
    label = lifecycle.status_label(status) if status else NOT_YET_ISSUED
    code = f"（{status}）" if status else ""
    code_en = f" ({status})" if status else ""
    claims: dict[str, Any] = {
        "type": "CertificateStatusReceipt",
        "certificate": cert.number,
        "bodyNumber": cert.body_number,
        "body": {"id": cert.body.approval_number, "name": cert.body.name},
        "holder": {"id": cert.holder.credit_code, "name": cert.holder.name},
        "date": day,
        "status": {"code": status, "label_zh": label.zh, "label_en": label.en},
        "node": node_id(),
        "issuer": node_did(),
        "recordedAt": recorded,
        "eventSequence": sequence,
        "verifyUrl": verify_url(cert.number),
        "statement_zh": (
            f"证书 {cert.number}（{cert.body.name}证书编号 {cert.body_number}，"
            f"持证人 {cert.holder.name}）于 {day.isoformat()} 的状态为"
            f"「{label.zh}」{code}，由节点 {node_id()} 于 {recorded.isoformat()} "
            f"依据事件日志（序号 {sequence}）记录。"
        ),
        "statement_en": (
            f"Certificate {cert.number} ({cert.body.name} certificate number "
            f"{cert.body_number}, holder {cert.holder.name}) had status "
            f"'{label.en}'{code_en} on {day.isoformat()}, as recorded by node {node_id()} at "
            f"{recorded.isoformat()} from the event log read at sequence {sequence}."
        ),
    }
    proof = log_evidence.evidence_for(found[0] if found else None)
    if proof is not None:
        claims["transparencyLog"] = proof
    return claims


def issue_receipt(cert: Certificate, day: dt.date | None = None) -> tuple[str, dict[str, Any]]:
    """The signed receipt (compact JWS) and the statement it carries."""
    claims = receipt_claims(cert, day)
    return keys.sign(claims, typ=RECEIPT_TYPE), json.loads(canonical_json(claims))
