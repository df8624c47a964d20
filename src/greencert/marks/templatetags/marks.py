"""``{% mark_panel certificate %}`` on the verify page: scan counts and links to the signed artefacts."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from greencert.certification.models import Certificate
from greencert.certification.public_certificate import PublicCertificate
from greencert.marks.scans import scan_summary

register = template.Library()


@register.inclusion_tag("marks/verify_panel.html", takes_context=True)
def mark_panel(
    context: template.Context, certificate: Certificate | PublicCertificate
) -> dict[str, Any]:
    return {
        "certificate": certificate,
        "scans": scan_summary(certificate),
        "credential_url": reverse("api-v1:certificate_credential", args=[certificate.number]),
        "receipt_url": reverse("api-v1:certificate_receipt", args=[certificate.number]),
        "LANGUAGE_CODE": context.get("LANGUAGE_CODE"),
    }
