"""Batch verification for procurement platforms and insurers: up to 1,000 numbers or holders a call."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q

from greencert.certification import lifecycle
from greencert.certification.lifecycle.history import statuses_on
from greencert.certification.lifecycle.log import last_sequence
from greencert.certification.models import Certificate
from greencert.certification.numbers import check_number
from greencert.core.checkchars import normalise_code, uscc_problem
from greencert.supervision.blacklist import flagged_certificate_ids

MAX_ITEMS = 1000
FIELDS = (
    "id",
    "number",
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
    holder_codes = [(raw, normalise_code(raw)) for raw in holders]
    valid_holders = [code for _, code in holder_codes if uscc_problem(code) is None]
    rows = list(
        Certificate.objects.filter(
            Q(number__in=wanted) | Q(holder__credit_code__in=valid_holders)
        ).values(*FIELDS)
    )
    status_at = statuses_on(at, [r["id"] for r in rows]) if at else {}
    flagged = flagged_certificate_ids(r["id"] for r in rows)
    by_number = {r["number"]: r for r in rows}
    by_holder: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        by_holder.setdefault(r["holder__credit_code"], []).append(r)
    results: list[dict[str, Any]] = []
    for raw, check in checks:
        item: dict[str, Any] = {"query": raw, "kind": "number", "certificates": []}
        if check.verdict == "malformed":
            item["result"] = "malformed"
        elif check.verdict == "mistyped":
            item["result"] = "mistyped"
        elif check.normalised in by_number:
            item["result"] = "found"
            item["certificates"] = [
                _certificate(by_number[check.normalised], status_at, at, flagged)
            ]
        else:
            item["result"] = "unknown"
        results.append(item)
    for raw, code in holder_codes:
        item = {"query": raw, "kind": "holder", "certificates": []}
        problem = uscc_problem(code)
        if problem is not None:
            item["result"] = "mistyped" if problem.kind == "check" else "malformed"
        elif code in by_holder:
            item["result"] = "found"
            item["certificates"] = [
                _certificate(r, status_at, at, flagged)
                for r in sorted(by_holder[code], key=lambda r: r["number"])
            ]
        else:
            item["result"] = "unknown"
        results.append(item)
    return {"as_of_sequence": sequence, "at": at, "results": results}
