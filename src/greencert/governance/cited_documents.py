"""The alliance documents a certificate cites, as the verify page shows them: one query."""

from __future__ import annotations

from greencert.certification.models import Certificate
from greencert.governance.models import DocumentCitation


def cited_documents(certificate: Certificate) -> list[DocumentCitation]:
    """The certificate's citations with their version and document, by document code."""
    return list(
        DocumentCitation.objects.filter(certificate=certificate)
        .select_related("version__document")
        .order_by("version__document__code", "version__in_force_on", "id")
    )
