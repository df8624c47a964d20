"""Search hits as the public sees them: the dictionaries behind the search page and API."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.urls import reverse

from greencert.certification.presenters import status_dict
from greencert.portal.models import DocumentKind
from greencert.regions.models import Region

_region_names: dict[str, tuple[str, str]] = {}


def region_names() -> dict[str, tuple[str, str]]:
    """Province and city code → (name zh, name en), read once per process: the regions are the
    GB/T 2260 data file, written by migrations only, so they change with a release, which
    restarts the server. An empty table (a database not yet migrated) is not kept."""
    if not _region_names:
        rows = Region.objects.filter(level__in=["province", "city"]).values_list(
            "code", "name_zh", "name_en"
        )
        _region_names.update({code: (zh, en) for code, zh, en in rows})
    return _region_names


def hit_dict(
    doc: dict[str, Any], names: dict[str, tuple[str, str]], *, blacklisted: bool = False
) -> dict[str, Any]:
    """A row of ``portal.search.RESULT_FIELDS`` as answered. ``blacklisted``: the certificate's
    holder or issuing body, or the party itself, is listed."""
    province = names.get(doc["province_code"], ("", ""))
    city = names.get(doc["city_code"], ("", ""))
    hit: dict[str, Any] = {
        "kind": doc["kind"],
        "key": doc["key"],
        "province": {"code": doc["province_code"], "name_zh": province[0], "name_en": province[1]},
        "city": {"code": doc["city_code"], "name_zh": city[0], "name_en": city[1]},
        "in_pilot_zone": doc["in_pilot_zone"],
        "in_demonstration_zone": doc["in_demonstration_zone"],
        "blacklisted": blacklisted,
    }
    body = (
        {"id": doc["body__approval_number"], "name": doc["body__name"]} if doc["body_id"] else None
    )
    if doc["kind"] == DocumentKind.CERTIFICATE and doc["certificate_id"] is not None:
        hit |= {
            "name": doc["certificate__certification_unit"],
            "body_number": doc["certificate__body_number"],
            "url": reverse("portal:verify", args=[doc["certificate__number"]]),
            "status": status_dict(
                doc["certificate__status"], doc["certificate__status_reason_code"]
            ),
            "holder": {
                "id": doc["certificate__holder__credit_code"],
                "name": doc["certificate__holder__name"],
            },
            "body": body,
            "category": {
                "code": doc["certificate__category__code"],
                "name_zh": doc["certificate__category__name_zh"],
                "name_en": doc["certificate__category__name_en"],
            },
            "products": doc["certificate__products"],
            "service_site": doc["certificate__service_site"],
            "grade": doc["certificate__grade"],
            "issue_date": doc["certificate__issue_date"],
            "expiry_date": doc["certificate__expiry_date"],
        }
    elif doc["kind"] == DocumentKind.ENTERPRISE and doc["enterprise_id"] is not None:
        hit |= {
            "name": doc["enterprise__name"],
            "url": reverse("portal:search") + "?" + urlencode({"holder": doc["key"]}),
        }
    elif body is not None:
        hit |= {
            "name": doc["body__name"],
            "url": reverse("portal:search") + "?" + urlencode({"body": doc["key"]}),
        }
    return hit
