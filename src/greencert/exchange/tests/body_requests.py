"""Requests a body's system sends to the write API, for the tests."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.test import Client
from django.utils import timezone

from greencert.core.tests.fixtures import COATINGS_UNIT

ISSUE = "/api/v1/certificates"
EVENTS = "/api/v1/certificates/{number}/events"
NEW_HOLDER = "91330500MA2B3C4D5B"  # not registered; passes GB 32100
NEW_HOLDER_NAME = "湖州绿源涂料有限公司"


def issue_payload(**overrides: Any) -> dict[str, Any]:
    return {
        "body_number": "ZJ-2026-GP-0007",
        "holder_credit_code": NEW_HOLDER,
        "holder_name": NEW_HOLDER_NAME,
        "holder_region": "330500",
        "holder_address": "湖州市吴兴区绿色路 2 号",
        "category": "coatings",
        "certification_unit": COATINGS_UNIT,
        "products": [{"name": COATINGS_UNIT, "models": ["LH-300"]}],
        "production_site": "湖州市吴兴区绿色路 2 号",
        "site_region": "330500",
        "standard": "GB/T 35602-2017",
        "scheme_id": "cgp-coatings",
        "scheme_version": "2017.1",
        "evaluation_fingerprint": "sha256:6f1d0c2a9b8e7f54",
        "issue_date": (timezone.localdate() - dt.timedelta(days=30)).isoformat(),
    } | overrides


def post(api: Client, path: str, payload: dict[str, Any], key: str | None, **headers: str) -> Any:
    """POST ``payload`` as JSON with ``key`` as its Idempotency-Key (none when None)."""
    if key is not None:
        headers["Idempotency-Key"] = key
    return api.post(path, json.dumps(payload), content_type="application/json", headers=headers)


def issue(api: Client, key: str | None = "issue-1", **overrides: Any) -> Any:
    return post(api, ISSUE, issue_payload(**overrides), key)


def record(api: Client, number: str, key: str | None = "event-1", **payload: Any) -> Any:
    """A change; ``if_match=`` is sent as the If-Match header."""
    headers = {"If-Match": payload.pop("if_match")} if "if_match" in payload else {}
    return post(api, EVENTS.format(number=number), payload, key, **headers)
