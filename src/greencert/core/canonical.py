"""Canonical JSON (RFC 8785 for the types the event log uses): the bytes that get hashed and signed."""

from __future__ import annotations

import datetime as dt
import decimal
import json
from typing import Any


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, float):
        raise TypeError("floats are not allowed in canonical JSON; use a decimal string")
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, dt.datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _sorted(value: Any) -> Any:
    # RFC 8785 orders keys by their UTF-16 code units, which differs from code-point order
    # only outside the Basic Multilingual Plane.
    if isinstance(value, dict):
        return {
            k: _sorted(value[k]) for k in sorted(value, key=lambda key: key.encode("utf-16-be"))
        }
    if isinstance(value, list):
        return [_sorted(v) for v in value]
    return value


def canonical_json(value: Any) -> bytes:
    return json.dumps(
        _sorted(_jsonable(value)), ensure_ascii=False, separators=(",", ":"), sort_keys=False
    ).encode("utf-8")
