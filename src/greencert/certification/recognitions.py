"""A certificate's recognitions (互认), read from its ``recognised`` and ``recognition_ended``
events alone: their payloads carry the agreement, its title, the recognising party and the scope,
so the API, the credential and other nodes show them without the governance tables."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from greencert.certification.lifecycle import EventType
from greencert.certification.lifecycle.models import CertificateEvent
from greencert.certification.models import Certificate


def recognitions_of(
    certificate: Certificate, history: list[dict[str, Any]] | None = None
) -> list[dict[str, Any]]:
    """One entry per recognition, oldest first: the agreement (code, titles, kind), the party
    that recognises the certificate, the scope, ``since`` and ``ended`` (None while it holds).
    Given the certificate's ``history`` already read, a certificate never recognised costs no
    query."""
    if history is not None and not any(row["type"] == EventType.RECOGNISED for row in history):
        return []
    events = CertificateEvent.objects.filter(
        certificate=certificate,
        event_type__in=[EventType.RECOGNISED, EventType.RECOGNITION_ENDED],
    ).order_by("sequence")
    found: dict[str, dict[str, Any]] = {}
    for event in events:
        payload = event.payload
        key = str(payload.get("agreement", ""))
        if event.event_type == EventType.RECOGNISED:
            found[f"{key}#{event.sequence}"] = {
                "agreement": key,
                "title_zh": payload.get("title_zh", ""),
                "title_en": payload.get("title_en", ""),
                "kind": payload.get("kind", ""),
                "recognised_by": dict(payload.get("recognised_by") or {}),
                "scope": list(payload.get("scope") or []),
                "since": payload.get("since")
                or timezone.localtime(event.effective_at).date().isoformat(),
                "ended": None,
                "recognised_sequence": event.sequence,
            }
            continue
        for entry in reversed(list(found.values())):
            if entry["agreement"] == key and entry["ended"] is None:
                entry["ended"] = (
                    payload.get("ended_on")
                    or timezone.localtime(event.effective_at).date().isoformat()
                )
                break
    return list(found.values())
