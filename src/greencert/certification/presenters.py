"""Certificates as the public sees them: the dictionaries behind the API and the verify page."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.urls import reverse

from greencert.certification import lifecycle
from greencert.certification.lifecycle.history import history, status_from_history
from greencert.certification.links import api_sections
from greencert.certification.lookup import Lookup, explain
from greencert.certification.models import Certificate
from greencert.certification.recognitions import recognitions_of
from greencert.certification.restrictions import flagged_certificate_ids


def status_dict(code: str, reason_code: str = "") -> dict[str, str]:
    label = lifecycle.status_label(code)
    reason = lifecycle.reason_label(reason_code) if reason_code else None
    return {
        "code": code,
        "label_zh": label.zh,
        "label_en": label.en,
        "reason_code": reason_code,
        "reason_zh": reason.zh if reason else "",
        "reason_en": reason.en if reason else "",
    }


def verify_url(number: str) -> str:
    return settings.GREENCERT_PUBLIC_URL.rstrip("/") + reverse("portal:verify", args=[number])


def summary_dict(cert: Certificate) -> dict[str, Any]:
    return {
        "number": cert.number,
        "body_number": cert.body_number,
        "status": status_dict(cert.status, cert.status_reason_code),
        "holder": {"id": cert.holder.credit_code, "name": cert.holder.name},
        "body": {"id": cert.body.approval_number, "name": cert.body.name},
        "category": {
            "code": cert.category.code,
            "name_zh": cert.category.name_zh,
            "name_en": cert.category.name_en,
        },
        "certification_unit": cert.certification_unit,
        "issue_date": cert.issue_date,
        "expiry_date": cert.expiry_date,
        "grade": cert.grade,
        "province_code": cert.province_code,
        "city_code": cert.city_code,
        "verify_url": verify_url(cert.number),
    }


def match_dict(cert: Certificate, blacklisted: bool) -> dict[str, Any]:
    """One of the certificates a body number several bodies use finds: labelled by its body,
    with where to read it by its registry number."""
    return summary_dict(cert) | {
        "blacklisted": blacklisted,
        "url": reverse("api-v1:certificate", args=[cert.number]),
    }


def lookup_error_dict(lookup: Lookup, typed: str, field: str = "number") -> dict[str, Any]:
    """The error envelope of a lookup that found no single certificate; a body number several
    bodies use lists each certificate (``matches``)."""
    zh, en = explain(lookup)
    error: dict[str, Any] = {
        "code": lookup.verdict,
        "field": field,
        "value": typed,
        "message_zh": zh,
        "message_en": en,
        "candidates": lookup.candidates,
    }
    if lookup.verdict == "several":
        flagged = flagged_certificate_ids(c.pk for c in lookup.matches)
        error["matches"] = [match_dict(c, c.pk in flagged) for c in lookup.matches]
    return {"error": error}


def history_of(cert: Certificate) -> list[dict[str, Any]]:
    return history(cert.pk)


def detail_dict(
    cert: Certificate,
    at: dt.date | None = None,
    *,
    history: list[dict[str, Any]] | None = None,
    sections: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The certificate as ``GET /api/v1/certificates/{number}`` shows it (without its blacklist
    flags); ``history`` and ``sections`` (``api_sections``), where given, as already read."""
    if history is None:
        history = history_of(cert)
    region = cert.site_region
    data = summary_dict(cert) | {
        "products": cert.products,
        "service_site": cert.service_site,
        "production_site": cert.production_site,
        "site_region": {
            "code": region.code,
            "name_zh": region.name_zh,
            "name_en": region.name_en,
            "province_code": region.province_code,
            "city_code": region.city_code,
            "pilot_zone": cert.in_pilot_zone,
            "demonstration_zone": cert.in_demonstration_zone,
        },
        "standard": cert.standard.code if cert.standard else None,
        "scheme_id": cert.scheme_id,
        "scheme_version": cert.scheme_version,
        "evaluation_fingerprint": cert.evaluation_fingerprint,
        "certification_mode": cert.certification_mode,
        "initial_issue_date": cert.initial_issue_date,
        "suspended_until": cert.suspended_until,
        "history": history,
        "recognitions": recognitions_of(cert, history),
        "at": None,
    }
    data |= api_sections(cert) if sections is None else sections
    if at is not None:
        data["at"] = status_at_dict(history, at)
    return data


def status_at_dict(history: list[dict[str, Any]], day: dt.date) -> dict[str, Any]:
    """Status at the end of ``day`` with the reason that brought it about, from the log."""
    found = status_from_history(history, day)
    return {"date": day, "status": status_dict(found.code, found.reason_code) if found else None}
