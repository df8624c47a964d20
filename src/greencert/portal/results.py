"""Search hits as the public sees them: the dictionaries behind the search page and API."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.urls import reverse

from greencert.certification.presenters import status_dict
from greencert.portal.models import DocumentKind, SearchDocument
from greencert.regions.models import Region


def region_names() -> dict[str, tuple[str, str]]:
    """Province and city code → (name zh, name en); one small query."""
    rows = Region.objects.filter(level__in=["province", "city"]).values_list(
        "code", "name_zh", "name_en"
    )
    return {code: (zh, en) for code, zh, en in rows}


def hit_dict(
    doc: SearchDocument, names: dict[str, tuple[str, str]], *, blacklisted: bool = False
) -> dict[str, Any]:
    """``blacklisted``: the certificate's holder or issuing body, or the party itself, is listed."""
    province = names.get(doc.province_code, ("", ""))
    city = names.get(doc.city_code, ("", ""))
    hit: dict[str, Any] = {
        "kind": doc.kind,
        "key": doc.key,
        "province": {"code": doc.province_code, "name_zh": province[0], "name_en": province[1]},
        "city": {"code": doc.city_code, "name_zh": city[0], "name_en": city[1]},
        "in_pilot_zone": doc.in_pilot_zone,
        "in_demonstration_zone": doc.in_demonstration_zone,
        "blacklisted": blacklisted,
    }
    if doc.kind == DocumentKind.CERTIFICATE and doc.certificate is not None:
        cert = doc.certificate
        hit |= {
            "name": cert.certification_unit,
            "body_number": cert.body_number,
            "url": reverse("portal:verify", args=[cert.number]),
            "status": status_dict(cert.status, cert.status_reason_code),
            "holder": {"id": cert.holder.credit_code, "name": cert.holder.name},
            "body": {"id": doc.body.approval_number, "name": doc.body.name} if doc.body else None,
            "category": {
                "code": cert.category.code,
                "name_zh": cert.category.name_zh,
                "name_en": cert.category.name_en,
            },
            "products": cert.products,
            "service_site": cert.service_site,
            "grade": cert.grade,
            "issue_date": cert.issue_date,
            "expiry_date": cert.expiry_date,
        }
    elif doc.kind == DocumentKind.ENTERPRISE and doc.enterprise is not None:
        hit |= {
            "name": doc.enterprise.name,
            "url": reverse("portal:search") + "?" + urlencode({"holder": doc.key}),
        }
    elif doc.body is not None:
        hit |= {
            "name": doc.body.name,
            "url": reverse("portal:search") + "?" + urlencode({"body": doc.key}),
        }
    return hit
