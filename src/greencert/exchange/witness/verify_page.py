"""What the verify page says of the log a certificate's history rests on: the checkpoint that
covers its latest event, and which peer nodes cosigned that checkpoint."""

from __future__ import annotations

import base64
from typing import Any

from django.conf import settings
from django.db.models import Max

from greencert.certification.models import Certificate, CertificateEvent
from greencert.exchange.models import LogCheckpoint
from greencert.exchange.witness import submit


def log_statement(certificate: Certificate, language: str) -> dict[str, Any] | None:
    """The latest checkpoint, whether it covers the certificate's latest event, and its
    cosigners by name; None before the log has signed any checkpoint."""
    checkpoint = LogCheckpoint.objects.prefetch_related("cosignatures").order_by("-size").first()
    if checkpoint is None:
        return None
    latest = CertificateEvent.objects.filter(certificate=certificate).aggregate(
        top=Max("sequence")
    )["top"]
    cosigners = submit.witnessed(checkpoint)
    quorum = int(settings.GREENCERT_WITNESS_QUORUM)
    return {
        "size": checkpoint.size,
        "root_hash": base64.b64encode(bytes(checkpoint.root_hash)).decode(),
        "covered": latest is not None and latest <= checkpoint.size,
        "cosigners": [peer.name(language) for peer in cosigners],
        "witnessed": len(cosigners) >= quorum,
        "quorum": quorum,
    }
