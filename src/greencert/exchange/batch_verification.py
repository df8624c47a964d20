"""Batch verification for procurement platforms and insurers: up to 1,000 numbers or holders a call.

A number may be the registry's (GC…) or the one the issuing body gave the certificate
(机构证书编号); each answer says which matched. Two bodies may have given out the same number:
such a query is answered ``several``, with each body's certificate.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q

from greencert.certification import lifecycle
from greencert.certification.body_numbers import MAX_LENGTH, normalise_body_number
from greencert.certification.lifecycle.history import statuses_on
from greencert.certification.lifecycle.log import last_sequence
from greencert.certification.models import Certificate
from greencert.certification.numbers import check_number
from greencert.core.checkchars import normalise_code, uscc_problem
from greencert.exchange.replication.answers import batch_briefs
from greencert.supervision.blacklist import flagged_certificate_ids

MAX_ITEMS = 1000
FIELDS = (
    "id",
    "number",
    "body_number",
    "body__approval_number",
    "body__name",
    "status",
    "expiry_date",
    "issue_date",
    "holder__credit_code",
    "holder__name",
    "category__code",
    "category__name_zh",
    "category__name_en",
)


def _status(code: str | None) -> dict[str, str] | None:
    if code is None:
        return None
    label = lifecycle.status_label(code)
    return {"code": code, "label_zh": label.zh, "label_en": label.en}


def _certificate(
    row: dict[str, Any], status_at: dict[int, str], at: dt.date | None, flagged: set[int]
) -> dict[str, Any]:
    return {
        "number": row["number"],
        "body_number": row["body_number"],
        "body": {"id": row["body__approval_number"], "name": row["body__name"]},
        "status": _status(row["status"]),
        "status_at": _status(status_at.get(row["id"])) if at else None,
        "holder": {"id": row["holder__credit_code"], "name": row["holder__name"]},
        "category": {
            "code": row["category__code"],
            "name_zh": row["category__name_zh"],
            "name_en": row["category__name_en"],
        },
        "issue_date": row["issue_date"],
        "expiry_date": row["expiry_date"],
        "blacklisted": row["id"] in flagged,
    }


def verify_batch(numbers: list[str], holders: list[str], at: dt.date | None) -> dict[str, Any]:
    sequence = last_sequence()
    checks = [(raw, check_number(raw)) for raw in numbers]
    wanted = [c.normalised for _, c in checks if c.verdict == "well_formed"]
    # Text not shaped like a registry number is looked up as a body's own number.
    body_numbers = {
        raw: normalise_body_number(raw) for raw, c in checks if c.verdict == "malformed"
    }
    wanted_body_numbers = {n for n in body_numbers.values() if 0 < len(n) <= MAX_LENGTH}
    holder_codes = [(raw, normalise_code(raw)) for raw in holders]
    valid_holders = [code for _, code in holder_codes if uscc_problem(code) is None]
    wanted_rows = Q(number__in=wanted) | Q(holder__credit_code__in=valid_holders)
    if wanted_body_numbers:
        wanted_rows |= Q(body_number__in=sorted(wanted_body_numbers))
    rows = list(Certificate.objects.filter(wanted_rows).values(*FIELDS))
    status_at = statuses_on(at, [r["id"] for r in rows]) if at else {}
    flagged = flagged_certificate_ids(r["id"] for r in rows)
    by_number = {r["number"]: r for r in rows}
    # Certificates other nodes are authoritative for, from this node's copy of their logs.
    foreign = batch_briefs([n for n in wanted if n not in by_number], valid_holders, at)
    foreign_by_number = {f["number"]: f for f in foreign}
    by_holder: dict[str, list[dict[str, Any]]] = {}
    by_body_number: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        by_holder.setdefault(r["holder__credit_code"], []).append(r)
        if r["body_number"] in wanted_body_numbers:
            by_body_number.setdefault(r["body_number"], []).append(r)

    def answer(found: list[dict[str, Any]], order: str) -> list[dict[str, Any]]:
        return [
            _certificate(r, status_at, at, flagged) for r in sorted(found, key=lambda r: r[order])
        ]

    foreign_by_holder: dict[str, list[dict[str, Any]]] = {}
    for f in foreign:
        foreign_by_holder.setdefault(f["holder"]["id"], []).append(f)

    results: list[dict[str, Any]] = []
    for raw, check in checks:
        item: dict[str, Any] = {
            "query": raw,
            "kind": "number",
            "matched_by": None,
            "certificates": [],
        }
        shared = by_body_number.get(body_numbers.get(raw, ""), [])
        if check.verdict == "malformed" and shared:
            item["result"] = "found" if len(shared) == 1 else "several"
            item["matched_by"] = "body_number"
            item["certificates"] = answer(shared, "body__approval_number")
        elif check.verdict == "malformed":
            item["result"] = "malformed"
        elif check.verdict == "mistyped":
            item["result"] = "mistyped"
        elif check.normalised in by_number:
            item["result"] = "found"
            item["matched_by"] = "number"
            item["certificates"] = [
                _certificate(by_number[check.normalised], status_at, at, flagged)
            ]
        elif check.normalised in foreign_by_number:
            item["result"] = "found"
            item["matched_by"] = "number"
            item["certificates"] = [foreign_by_number[check.normalised]]
        else:
            item["result"] = "unknown"
        results.append(item)
    for raw, code in holder_codes:
        item = {"query": raw, "kind": "holder", "matched_by": None, "certificates": []}
        problem = uscc_problem(code)
        if problem is not None:
            item["result"] = "mistyped" if problem.kind == "check" else "malformed"
        elif code in by_holder or code in foreign_by_holder:
            item["result"] = "found"
            item["matched_by"] = "holder"
            item["certificates"] = answer(by_holder.get(code, []), "number") + sorted(
                foreign_by_holder.get(code, []), key=lambda f: str(f["number"])
            )
        else:
            item["result"] = "unknown"
        results.append(item)
    return {"as_of_sequence": sequence, "at": at, "results": results}
