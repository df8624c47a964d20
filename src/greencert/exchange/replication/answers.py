"""How this node answers for a certificate another node is authoritative for: its status and
history from the replicated log, its labels from the verified credential, and which node is
authoritative, as of which checkpoint of that node's log."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q
from django.urls import reverse

from greencert.catalog.models import Category
from greencert.certification import lifecycle
from greencert.certification.foreign import Authority, ForeignFinder
from greencert.certification.lifecycle.history import status_from_history
from greencert.certification.presenters import status_dict, verify_url
from greencert.exchange import peers
from greencert.exchange.replication.entries import effective_at
from greencert.exchange.replication.models import ForeignCertificate, ForeignEvent, ReplicatedLog


def authority(peer: peers.Peer) -> Authority:
    return Authority(peer.id, peer.name_zh, peer.name_en, peer.url, peer.province_code)


def authority_of_number(number: str) -> Authority | None:
    peer_id = ForeignCertificate.objects.filter(number=number).values_list("peer_id", flat=True)
    found = peers.peer(peer_id[0]) if peer_id else None
    return authority(found) if found is not None else None


def authority_of_province(province_code: str) -> Authority | None:
    found = next((p for p in peers.peers() if p.province_code[:2] == province_code[:2]), None)
    return authority(found) if found is not None else None


def foreign_certificate(number: str) -> ForeignCertificate | None:
    """The replicated certificate with this registry number, if a peer in the peers file is
    authoritative for it."""
    found = ForeignCertificate.objects.filter(number=number).first()
    if found is None or peers.peer(found.peer_id) is None:
        return None
    return found


def history_of(certificate: ForeignCertificate) -> list[dict[str, Any]]:
    rows = []
    for foreign in ForeignEvent.objects.filter(
        peer_id=certificate.peer_id, certificate_number=certificate.number
    ).order_by("sequence"):
        event = foreign.event
        rows.append(
            {
                "sequence": event["sequence"],
                "type": event["type"],
                "status_before": event["status_before"],
                "status_after": event["status_after"],
                "reason_code": event["reason_code"],
                "effective_at": effective_at(event),
                "recorded_at": dt.datetime.fromisoformat(event["recorded_at"]),
            }
        )
    return rows


def as_of(certificate: ForeignCertificate) -> dict[str, Any]:
    """The authoritative node and the checkpoint of its log this copy rests on."""
    peer = peers.peer(certificate.peer_id)
    assert peer is not None
    state = ReplicatedLog.objects.get(peer_id=peer.id)
    return {
        "node": peer.id,
        "name_zh": peer.name_zh,
        "name_en": peer.name_en,
        "url": peer.url,
        "verify_url": f"{peer.url}{reverse('portal:verify', args=[certificate.number])}",
        "log_origin": peer.log_origin,
        "checkpoint_size": state.size,
        "checkpoint_root_hash": bytes(state.root_hash).hex(),
        "verified_at": state.verified_at,
    }


def _category(code: str) -> dict[str, str]:
    category = Category.objects.filter(code=code).first()
    return {
        "code": code,
        "name_zh": category.name_zh if category else code,
        "name_en": category.name_en if category else code,
    }


def recognitions_of(
    certificate: ForeignCertificate, history: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """The recognitions (互认) in force its authoritative node's signed credential states, each
    paired with the RECOGNISED event of the replicated log it rests on (the latest ones, in
    order)."""
    stated = list(certificate.details.get("recognitions", []))
    sequences = [row["sequence"] for row in history if row["type"] == "recognised"]
    paired = sequences[-len(stated) :] if stated else []
    if len(paired) < len(stated):
        paired = [0] * (len(stated) - len(paired)) + paired
    return [
        entry | {"ended": None, "recognised_sequence": sequence}
        for entry, sequence in zip(stated, paired, strict=True)
    ]


def detail_dict(number: str, at: dt.date | None = None) -> dict[str, Any] | None:
    """The API's answer for a replicated certificate, or None if there is none."""
    certificate = foreign_certificate(number)
    if certificate is None:
        return None
    details = certificate.details
    history = history_of(certificate)
    data: dict[str, Any] = {
        "number": certificate.number,
        "body_number": details.get("body_number", ""),
        "status": status_dict(certificate.status, certificate.reason_code),
        "holder": {
            "id": certificate.holder_credit_code,
            "name": details.get("holder_name", ""),
        },
        "body": details.get("body", {"id": "", "name": ""}),
        "category": _category(certificate.category_code),
        "certification_unit": details.get("certification_unit", ""),
        "issue_date": details.get("issue_date") or None,
        "expiry_date": details.get("expiry_date") or None,
        "grade": details.get("grade", ""),
        "province_code": certificate.province_code,
        "city_code": certificate.city_code,
        "verify_url": verify_url(certificate.number),
        "products": details.get("products", []),
        "standard": details.get("standard") or None,
        "history": history,
        "recognitions": recognitions_of(certificate, history),
        "details_verified": bool(details),
        "authority": as_of(certificate),
        "at": None,
    }
    if at is not None:
        found = status_from_history(history, at)
        data["at"] = {
            "date": at,
            "status": status_dict(found.code, found.reason_code) if found else None,
        }
    return data


def page_context(certificate: ForeignCertificate, language: str) -> dict[str, Any]:
    """What the verify page shows of a replicated certificate."""
    english = language.startswith("en")
    history = history_of(certificate)
    for row in history:
        row["type_label"] = lifecycle.event_label(row["type"]).get(language)
        reason = lifecycle.reason_label(row["reason_code"])
        row["reason_label"] = reason.get(language) if reason else ""
    category = _category(certificate.category_code)
    authority = as_of(certificate)
    recognitions = [
        {
            "agreement": r["agreement"],
            "title": r["title_en"] if english else r["title_zh"],
            "recognised_by": r["recognised_by"].get("name_en" if english else "name_zh", ""),
            "international": r["kind"] == "international",
            "since": r["since"],
            "ended": None,
            "url": "",
        }
        for r in recognitions_of(certificate, history)
    ]
    return {
        "recognitions": recognitions,
        "certificate": certificate,
        "details": certificate.details,
        "status_label": lifecycle.status_label(certificate.status).get(language),
        "category_label": category["name_en" if english else "name_zh"],
        "history": history,
        "authority": authority,
        "authority_name": authority["name_en" if english else "name_zh"],
    }


FINDER = ForeignFinder(
    authority_of_number=authority_of_number,
    authority_of_province=authority_of_province,
    detail=detail_dict,
)


def _brief_status(code: str | None) -> dict[str, str] | None:
    if code is None:
        return None
    label = lifecycle.status_label(code)
    return {"code": code, "label_zh": label.zh, "label_en": label.en}


def batch_briefs(
    numbers: list[str], holders: list[str], at: dt.date | None
) -> list[dict[str, Any]]:
    """Replicated certificates with these registry numbers or of these holders, as batch
    verification lists them, each with its authoritative node (``authority``)."""
    if not numbers and not holders:
        return []
    known = {p.id: p for p in peers.peers()}
    found = [
        c
        for c in ForeignCertificate.objects.filter(
            Q(number__in=numbers) | Q(holder_credit_code__in=holders)
        )
        if c.peer_id in known
    ]
    if not found:
        return []
    states = {s.peer_id: s for s in ReplicatedLog.objects.filter(peer_id__in=known)}
    status_at: dict[str, str] = {}
    if at is not None:
        history: dict[str, list[dict[str, Any]]] = {}
        for foreign in ForeignEvent.objects.filter(
            certificate_number__in=[c.number for c in found]
        ).order_by("sequence"):
            event = foreign.event
            history.setdefault(foreign.certificate_number, []).append(
                {
                    "status_after": event["status_after"],
                    "reason_code": event["reason_code"],
                    "effective_at": effective_at(event),
                }
            )
        for number, rows in history.items():
            on = status_from_history(rows, at)
            if on is not None:
                status_at[number] = on.code
    categories = {
        c.code: c for c in Category.objects.filter(code__in={f.category_code for f in found})
    }
    flagged = _flagged_numbers([c.number for c in found])
    answers = []
    for certificate in found:
        peer, details = known[certificate.peer_id], certificate.details
        category = categories.get(certificate.category_code)
        state = states.get(peer.id)
        answers.append(
            {
                "number": certificate.number,
                "body_number": details.get("body_number", ""),
                "body": details.get("body", {"id": "", "name": ""}),
                "status": _brief_status(certificate.status),
                "status_at": _brief_status(status_at.get(certificate.number)) if at else None,
                "holder": {
                    "id": certificate.holder_credit_code,
                    "name": details.get("holder_name", ""),
                },
                "category": {
                    "code": certificate.category_code,
                    "name_zh": category.name_zh if category else certificate.category_code,
                    "name_en": category.name_en if category else certificate.category_code,
                },
                "issue_date": details.get("issue_date") or None,
                "expiry_date": details.get("expiry_date") or None,
                "blacklisted": certificate.number in flagged,
                "authority": {
                    "node": peer.id,
                    "name_zh": peer.name_zh,
                    "name_en": peer.name_en,
                    "checkpoint_size": state.size if state else 0,
                },
            }
        )
    return answers


def _flagged_numbers(numbers: list[str]) -> set[str]:
    """Of ``numbers``, the foreign certificates whose authoritative node flagged them for a
    blacklist listing and has not lifted the flag: their last FLAGGED or UNFLAGGED event in the
    replicated log is FLAGGED."""
    flag_types = {lifecycle.EventType.FLAGGED.value, lifecycle.EventType.UNFLAGGED.value}
    last: dict[str, str] = {}
    # Leaves are canonical JSON (no spaces), so the two types are found as text before parsing.
    typed = Q(leaf__contains='"type":"flagged"') | Q(leaf__contains='"type":"unflagged"')
    for foreign in ForeignEvent.objects.filter(typed, certificate_number__in=numbers).order_by(
        "sequence"
    ):
        kind = foreign.event.get("type")
        if kind in flag_types:
            last[foreign.certificate_number] = kind
    return {n for n, kind in last.items() if kind == lifecycle.EventType.FLAGGED.value}


SEARCH_LIMIT = 20


def search_foreign(
    q: str, *, status: str = "", province: str = "", category: str = "", language: str = "zh-hans"
) -> list[dict[str, Any]]:
    """Replicated certificates a search matches — by registry number (or its beginning), the
    holder's credit code, or words of the holder's name or certified unit from the verified
    details — each with its authoritative node; at most ``SEARCH_LIMIT``, newest event first."""
    text = q.strip()
    if len(text) < 2:
        return []
    code = text.upper().replace(" ", "")
    matches = (
        Q(number__startswith=code)
        | Q(holder_credit_code=code)
        | Q(details__holder_name__icontains=text)
        | Q(details__certification_unit__icontains=text)
    )
    known = {p.id: p for p in peers.peers()}
    found = ForeignCertificate.objects.filter(matches, peer_id__in=known)
    if status:
        found = found.filter(status=status)
    if province:
        found = found.filter(province_code=province)
    if category:
        found = found.filter(category_code=category)
    english = language.startswith("en")
    hits = []
    for certificate in found.order_by("-last_sequence")[:SEARCH_LIMIT]:
        peer, details = known[certificate.peer_id], certificate.details
        hits.append(
            {
                "number": certificate.number,
                "url": reverse("portal:verify", args=[certificate.number]),
                "holder_name": details.get("holder_name", ""),
                "holder_credit_code": certificate.holder_credit_code,
                "unit": details.get("certification_unit", ""),
                "status": certificate.status,
                "status_label": lifecycle.status_label(certificate.status).get(language),
                "category": _category(certificate.category_code)[
                    "name_en" if english else "name_zh"
                ],
                "authority": peer.name_en if english else peer.name_zh,
            }
        )
    return hits
