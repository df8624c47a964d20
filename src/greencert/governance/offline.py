"""Checking a signed announcement away from the node that published it (needs no database)."""

from __future__ import annotations

from typing import Any

from greencert.marks.offline_checks import Check, check_signature

ANNOUNCEMENT_TYPE = "announcement+jwt"
CLAIMS_TYPE = "YRDGreenCertificationAnnouncement"


def verify_announcement(
    token: str, trusted: dict[str, dict[str, Any]]
) -> tuple[list[Check], dict[str, Any] | None]:
    """Header, key, signature and issuer checks, then that the content is an announcement."""
    checks, payload = check_signature(token.strip(), trusted, ANNOUNCEMENT_TYPE)
    if payload is None:
        return checks, None
    is_announcement = payload.get("type") == CLAIMS_TYPE
    checks.append(
        Check(
            "content",
            is_announcement,
            f"type {payload.get('type')!r} (expected {CLAIMS_TYPE})",
        )
    )
    return checks, payload


def content_lines(payload: dict[str, Any]) -> list[str]:
    """The announcement as text: number, title, date, publisher, body, then one line per entry
    with the certificate's status at publication."""
    publisher = payload.get("publisher") or {}
    lines = [
        f"{payload.get('number')} · {payload.get('numberEn')}",
        f"{payload.get('title')}" + (f" · {payload['titleEn']}" if payload.get("titleEn") else ""),
        f"date {payload.get('date')} · published {payload.get('publishedAt')} by "
        f"{publisher.get('name_zh')} ({publisher.get('name_en')})",
        "",
        str(payload.get("body", "")),
        "",
    ]
    for item in payload.get("items", []):
        organisation = item.get("organisation") or {}
        line = f"{item.get('position')}. {organisation.get('name')} ({organisation.get('registeredId')})"
        cert = item.get("certificate")
        if cert:
            status = cert.get("status") or {}
            line += (
                f" · {cert.get('number')} · {cert.get('category', {}).get('name_zh')}"
                f" · {status.get('label_zh')} {status.get('label_en')} ({status.get('code')})"
                " at publication"
            )
        lines.append(line)
    return lines
