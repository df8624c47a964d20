"""The alliance documents a certificate cites, as the verify page shows them: a probe, and one
query when there are any."""

from __future__ import annotations

from django.db import connection

from greencert.certification.models import Certificate
from greencert.certification.public_certificate import PublicCertificate
from greencert.governance.models import DocumentCitation


def cited_documents(certificate: Certificate | PublicCertificate) -> list[DocumentCitation]:
    """The certificate's citations with their version and document, by document code."""
    # Fixed SQL first: most certificates cite none, and compiling the query below costs more.
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT 1 FROM {DocumentCitation._meta.db_table} WHERE certificate_id = %s LIMIT 1",
            [certificate.pk],
        )
        if cursor.fetchone() is None:
            return []
    return citations_of(certificate)


def citations_of(certificate: Certificate | PublicCertificate) -> list[DocumentCitation]:
    """The same without the probe, for a caller that knows the certificate cites some."""
    return list(
        DocumentCitation.objects.filter(certificate_id=certificate.pk)
        .select_related("version__document")
        .order_by("version__document__code", "version__in_force_on", "id")
    )
