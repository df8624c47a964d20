"""The catalog's copy of the shipped evaluation schemes (one row per scheme version)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from greencert.evaluation import load_shipped_schemes


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def category_for(standard_code: str, category_model: Any) -> Any:
    """A scheme names its standard number (e.g. GB/T 35602); the catalog lists it under a category."""
    return (
        category_model.objects.filter(standards__number=standard_code).order_by("code").first()
        or category_model.objects.filter(code=standard_code).first()
    )


def sync_schemes(scheme_model: Any, category_model: Any) -> int:
    """Insert or update every shipped scheme version; returns how many there are."""
    registry = load_shipped_schemes()
    count = 0
    for scheme in registry.all():
        info = scheme.to_dict()
        summary = {k: v for k, v in info.items() if k != "document"}
        scheme_model.objects.update_or_create(
            scheme_id=info["id"],
            version=info["version"],
            defaults={
                "kind": info["kind"],
                "title_zh": info["title"]["zh"],
                "title_en": info["title"]["en"],
                "standard_code": info["standard"],
                "category": category_for(info["category_code"], category_model),
                "effective_from": _date(info["effective_from"]),
                "effective_until": _date(info["effective_until"]),
                "superseded_by": info["superseded_by"] or "",
                "content_hash": info["content_hash"],
                "summary": summary,
            },
        )
        count += 1
    return count
