"""Each certificate's public document, kept as a projection of the event log.

The document is exactly the body of ``GET /api/v1/certificates/{number}``: the certificate, its
history, recognitions, blacklist flags and the certificates it shows beside it (the same audit,
the supply chain). It is written in the transaction of every event that changes it: the
certificate's own events, and the events of the certificates it shows, whose status it repeats.
Actions whose rows follow their event (a blacklist flag, a supply-chain link) refresh it once
those rows are written (``refresh_documents``).

Two numbers version it: ``own_sequence``, the certificate's last event (what a body's system sends
back as ``If-Match``), and ``version``, the newest last event of the certificate and of every
certificate it shows. Both are functions of the tables, so a rebuild gives the same values as the
projection did, and the ETag changes whenever the body can.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Q

from greencert.certification.lifecycle.history import HISTORY_FIELDS, history_row
from greencert.certification.lifecycle.models import CertificateEvent
from greencert.certification.links import api_sections
from greencert.certification.lookup import PUBLIC_RELATED
from greencert.certification.models import Certificate, PublicDocument, SupplyChainLink
from greencert.certification.presenters import detail_dict
from greencert.certification.restrictions import flagged_certificate_ids, flags_for

# Certificates read, built and written together by a rebuild.
BATCH = 1_000
UPDATED_FIELDS = ["number", "own_sequence", "version", "changed_at", "body"]


def encode(document: Mapping[str, Any]) -> bytes:
    """The bytes the API sends: as ``core.responses.json_response`` writes JSON."""
    return json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False).encode()


def fresh_document(certificate: Certificate) -> dict[str, Any]:
    """The public document computed from the tables now, one certificate at a time."""
    flags = flags_for(certificate)
    return detail_dict(certificate) | {"blacklisted": bool(flags), "blacklist": flags}


def _histories(ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """``lifecycle.history.history`` of many certificates in one query."""
    rows = (
        CertificateEvent.objects.filter(certificate_id__in=ids)
        .order_by("certificate_id", "sequence")
        .values_list("certificate_id", *HISTORY_FIELDS)
    )
    found: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for certificate_id, *values in rows:
        found[certificate_id].append(history_row(*values))
    return found


def _linked(ids: list[int]) -> set[int]:
    """Which of these certificates cite or are cited by another."""
    return _linked_with(set(ids)) & set(ids)


def _shown_numbers(document: Mapping[str, Any]) -> list[str]:
    rows = [*document["same_audit"], *document["upstream"], *document["downstream"]]
    return [row["number"] for row in rows]


def _build(certificates: list[Certificate], pending: Mapping[int, int]) -> list[PublicDocument]:
    """The documents of ``certificates`` (read with ``PUBLIC_RELATED``). ``pending``: the
    sequences of events appended in this transaction whose certificate rows may not yet say so."""
    ids = [c.pk for c in certificates]
    histories = _histories(ids)
    linked = _linked(ids)
    flagged = flagged_certificate_ids(ids)
    built: list[tuple[Certificate, bytes, int, int]] = []
    shown: dict[int, list[str]] = {}
    for cert in certificates:
        sections = None
        if cert.pk not in linked and cert.audit_id is None:
            # Most certificates show no other: their sections need no query.
            sections = api_sections(cert, chain={"upstream": [], "downstream": []}, same_audit=[])
        flags = flags_for(cert) if cert.pk in flagged else []
        document = detail_dict(cert, history=histories.get(cert.pk, []), sections=sections) | {
            "blacklisted": bool(flags),
            "blacklist": flags,
        }
        own = max(cert.last_event_sequence, pending.get(cert.pk, 0))
        shown[cert.pk] = _shown_numbers(document)
        built.append((cert, encode(document), own, own))
    others = {n for numbers in shown.values() for n in numbers}
    sequences: dict[str, int] = {}
    if others:
        for pk, number, sequence in Certificate.objects.filter(number__in=others).values_list(
            "pk", "number", "last_event_sequence"
        ):
            sequences[number] = max(sequence, pending.get(pk, 0))
    versions = [
        max([own, *(sequences.get(n, 0) for n in shown[cert.pk])]) for cert, _body, own, _ in built
    ]
    recorded = dict(
        CertificateEvent.objects.filter(sequence__in=set(versions)).values_list(
            "sequence", "recorded_at"
        )
    )
    return [
        PublicDocument(
            certificate_id=cert.pk,
            number=cert.number,
            own_sequence=own,
            version=version,
            changed_at=recorded.get(version, cert.updated_at),
            body=body,
        )
        for (cert, body, own, _), version in zip(built, versions, strict=True)
    ]


def _read(ids: Iterable[int]) -> list[Certificate]:
    return list(
        Certificate.objects.filter(pk__in=list(ids)).select_related(*PUBLIC_RELATED).order_by("pk")
    )


def refresh_documents(ids: Iterable[int], pending: Mapping[int, int] | None = None) -> int:
    """Write the documents of the certificates ``ids`` as the tables now give them."""
    certificates = _read(set(ids))
    if not certificates:
        return 0
    documents = _build(certificates, pending or {})
    PublicDocument.objects.bulk_create(
        documents,
        update_conflicts=True,
        unique_fields=["certificate"],
        update_fields=UPDATED_FIELDS,
    )
    return len(documents)


def _showing(ids: set[int]) -> set[int]:
    """The certificates whose documents show one of ``ids``: the same audit, the supply chain."""
    found = set(
        Certificate.objects.filter(
            audit_id__in=Certificate.objects.filter(pk__in=ids, audit_id__isnull=False).values(
                "audit_id"
            )
        ).values_list("pk", flat=True)
    )
    found |= _linked_with(ids)
    return found


def _linked_with(ids: set[int]) -> set[int]:
    """The certificates of every supply-chain link that has one of ``ids`` at either end."""
    found: set[int] = set()
    links = SupplyChainLink.objects.filter(Q(upstream_id__in=ids) | Q(downstream_id__in=ids))
    for upstream, downstream in links.values_list("upstream_id", "downstream_id"):
        found.update((upstream, downstream))
    return found


def project_events(events: list[Any]) -> None:
    """Projection: the documents of the events' certificates and of those that show them."""
    pending: dict[int, int] = {}
    for event in events:
        pending[event.certificate_id] = max(event.sequence, pending.get(event.certificate_id, 0))
    changed = set(pending)
    refresh_documents(changed | _showing(changed), pending)


def project_event(event: Any) -> None:
    project_events([event])


def rebuild_documents() -> int:
    """Every certificate's document from the tables, in batches of ``BATCH``."""
    PublicDocument.objects.all().delete()
    written = 0
    after = 0
    while True:
        batch = list(
            Certificate.objects.filter(pk__gt=after)
            .select_related(*PUBLIC_RELATED)
            .order_by("pk")[:BATCH]
        )
        if not batch:
            return written
        PublicDocument.objects.bulk_create(_build(batch, {}))
        written += len(batch)
        after = batch[-1].pk
