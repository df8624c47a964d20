"""Announcements and recognitions as pages and the API show them."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from greencert.certification import lifecycle
from greencert.certification.models import Certificate
from greencert.certification.recognitions import recognitions_of
from greencert.governance.models import Announcement, Recognition, RecognitionAgreement


def _label(code: str, language: str) -> str:
    return lifecycle.status_label(code).get(language) if code else ""


def announcement_rows(announcement: Announcement, language: str) -> list[dict[str, Any]]:
    """Each line as signed, with the certificate's current status beside its status then."""
    items = announcement.content.get("items", [])
    numbers = [i["certificate"]["number"] for i in items if i.get("certificate")]
    current = dict(Certificate.objects.filter(number__in=numbers).values_list("number", "status"))
    rows = []
    for item in items:
        cert = item.get("certificate")
        row: dict[str, Any] = {
            "position": item["position"],
            "organisation": item["organisation"]["name"],
            "credit_code": item["organisation"]["registeredId"],
            "certificate": None,
        }
        if cert:
            then = cert["status"]["code"]
            now = current.get(cert["number"], then)
            category = cert.get("category", {})
            row["certificate"] = {
                "number": cert["number"],
                "category": category.get("name_en" if language.startswith("en") else "name_zh"),
                "body": cert["body"]["name"],
                "status_then": then,
                "status_then_label": _label(then, language),
                "status_now": now,
                "status_now_label": _label(now, language),
                "changed": now != then,
            }
        rows.append(row)
    return rows


def announcement_dict(announcement: Announcement) -> dict[str, Any]:
    """The API's announcement: the signed content, the signed file and today's statuses."""
    rows = announcement_rows(announcement, "en")
    return {
        "id": announcement.slug,
        "number": announcement.number,
        "number_en": announcement.number_en,
        "title": announcement.title,
        "title_en": announcement.title_en,
        "date": announcement.announced_on,
        "publisher": announcement.publisher,
        "published_at": announcement.published_at,
        "url": reverse("governance:announcement", args=[announcement.slug]),
        "signed_url": reverse("governance:announcement_signed", args=[announcement.slug]),
        "signed": announcement.signed,
        "content": announcement.content,
        "current_statuses": {
            r["certificate"]["number"]: r["certificate"]["status_now"]
            for r in rows
            if r["certificate"]
        },
    }


def verify_recognitions(certificate: Certificate, language: str) -> list[dict[str, Any]]:
    """The verify page's recognitions (from the event log), linked to the agreements on record."""
    entries = recognitions_of(certificate)
    known = set(
        RecognitionAgreement.objects.filter(code__in=[e["agreement"] for e in entries]).values_list(
            "code", flat=True
        )
    )
    english = language.startswith("en")
    return [
        {
            "agreement": e["agreement"],
            "title": e["title_en"] if english else e["title_zh"],
            "recognised_by": e["recognised_by"].get("name_en" if english else "name_zh", ""),
            "international": e["kind"] == RecognitionAgreement.Kind.INTERNATIONAL,
            "since": e["since"],
            "ended": e["ended"],
            "url": reverse("governance:agreement", args=[e["agreement"]])
            if e["agreement"] in known
            else "",
        }
        for e in entries
    ]


def recognition_rows(agreement: RecognitionAgreement) -> list[Recognition]:
    return list(
        agreement.recognitions.select_related(
            "certificate__holder", "certificate__category", "recognised_by"
        ).order_by("ended_on", "-since", "id")
    )
