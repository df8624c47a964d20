"""A signed receipt for a whole batch verification: what a buyer files with the tender.

It states, for every query of the batch, the answer and each certificate's status now and on
the bid date, as recorded by this node at time T from the event log read at sequence Q. It is a
compact JWS of ``typ: receipt+jwt`` signed with the node's key, so ``greencert receipt verify``
checks it like a single certificate's receipt.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from greencert.marks import keys
from greencert.marks.identity import node_did, node_id
from greencert.marks.offline_checks import RECEIPT_TYPE


def _brief(item: dict[str, Any]) -> dict[str, Any]:
    return {
        "query": item["query"],
        "kind": item["kind"],
        "result": item["result"],
        "matchedBy": item["matched_by"],
        "certificates": [
            {
                "number": c["number"],
                "bodyNumber": c["body_number"],
                "body": c["body"]["id"],
                "holder": c["holder"]["id"],
                "status": c["status"]["code"] if c["status"] else None,
                "status_at": c["status_at"]["code"] if c["status_at"] else None,
                "expiry_date": c["expiry_date"],
                # A certificate another node is authoritative for: that node, and the checkpoint
                # of its log this node's copy rests on.
                **(
                    {
                        "authoritativeNode": c["authority"]["node"],
                        "asOfCheckpoint": c["authority"]["checkpoint_size"],
                    }
                    if c.get("authority")
                    else {}
                ),
            }
            for c in item["certificates"]
        ],
    }


def batch_receipt_claims(answer: dict[str, Any]) -> dict[str, Any]:
    recorded = timezone.localtime().replace(microsecond=0)
    results = [_brief(item) for item in answer["results"]]
    found = sum(1 for r in results if r["result"] == "found")
    several = sum(1 for r in results if r["result"] == "several")
    several_zh = f"，{several} 项机构证书编号对应多张证书" if several else ""
    several_en = f", {several} matching several bodies' certificates" if several else ""
    day = answer["at"].isoformat() if answer["at"] else None
    on_zh = f"及其于 {day} 的状态" if day else ""
    on_en = f" and their status on {day}" if day else ""
    sequence = answer["as_of_sequence"]
    return {
        "type": "BatchVerificationReceipt",
        "node": node_id(),
        "issuer": node_did(),
        "recordedAt": recorded,
        "eventSequence": sequence,
        "date": answer["at"],
        "results": results,
        "statement_zh": (
            f"共查验 {len(results)} 项，其中 {found} 项查到证书{several_zh}；各证书的当前状态{on_zh}"
            f"由节点 {node_id()} 于 {recorded.isoformat()} 依据事件日志（序号 {sequence}）记录。"
        ),
        "statement_en": (
            f"{len(results)} queries verified, {found} found{several_en}; each certificate's "
            "current status"
            f"{on_en} as recorded by node {node_id()} at {recorded.isoformat()} from the event "
            f"log read at sequence {sequence}."
        ),
    }


def issue_batch_receipt(answer: dict[str, Any]) -> str:
    return keys.sign(batch_receipt_claims(answer), typ=RECEIPT_TYPE)
