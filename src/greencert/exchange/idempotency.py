"""Idempotency keys of the bodies' writes (IETF draft-ietf-httpapi-idempotency-key-header).

Every write of the bodies' API carries ``Idempotency-Key``. The key, the request's fingerprint and
the answer are stored in the transaction of the write itself, so:

- a retry with the same key and the same request gets the first answer again (same status, body,
  ``Location`` and ``ETag``, plus ``Idempotent-Replayed: true``) and writes nothing;
- the same key with a different request is refused (422 ``idempotency_key_reused``);
- two identical requests at once write once: on PostgreSQL the second one's insert of the key
  waits on the unique index until the first commits, then it answers from the stored row; SQLite
  runs writing transactions one at a time (``BEGIN IMMEDIATE``), so the second finds the row;
- a refused request (4xx) stores nothing: its transaction is rolled back with the key, and the
  corrected request may use the same key again.

Keys are kept for ``KEY_LIFETIME``; after that a key is free again, and the worker purges old rows.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from greencert.core.errors import ValidationFailed
from greencert.exchange.models import ApiClient, IdempotentRequest

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
KEY_LIFETIME = dt.timedelta(hours=24)
MAX_KEY_LENGTH = 255
# Visible ASCII without the double quote; a key may be sent as a structured-field string ("…").
KEY_PATTERN = re.compile(rf"[\x21\x23-\x7e]{{1,{MAX_KEY_LENGTH}}}")

# The header as the OpenAPI document lists it on every write (``openapi_extra``).
PARAMETER = {
    "in": "header",
    "name": HEADER,
    "required": True,
    "schema": {"type": "string", "minLength": 1, "maxLength": MAX_KEY_LENGTH + 2},
    "example": '"9f4c2a1e-7d1b-4c55-9a0e-3b2f8d6e1a70"',
    "description": (
        "A unique key for this write, e.g. a UUID (1-255 visible ASCII characters, optionally "
        "quoted). A retry with the same key and request answers as the first time, with "
        "`Idempotent-Replayed: true`, and writes nothing; the same key with a different request "
        "is refused with 422. Keys are kept for 24 hours. A refused request (4xx) keeps nothing, "
        "so its corrected version may reuse the key. 幂等键：重试时使用同一键，不会重复写入。"
    ),
}


@dataclass
class Answer:
    """What a write answers: status, JSON body and the headers a replay repeats."""

    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Rendered:
    """An answer as sent: its JSON text is what a replay sends again, byte for byte."""

    status: int
    content: str
    headers: dict[str, str]


class IdempotencyKeyReused(ValidationFailed):
    """The key was used for a different request (the draft's 422 Unprocessable Content)."""

    code = "idempotency_key_reused"
    http_status = 422


def request_key(request: HttpRequest) -> str:
    """The request's key, without the quotes of a structured-field string; 400 when absent."""
    raw = request.headers.get(HEADER)
    if raw is None or not raw.strip():
        raise ValidationFailed(
            field=HEADER,
            value=raw or "",
            expected_zh="每个写入请求须带 Idempotency-Key 请求头（如一个 UUID），重试时使用同一个键",
            expected_en="every write carries an Idempotency-Key header (a UUID, say); "
            "a retry sends the same key",
            code="idempotency_key_required",
        )
    key = raw.strip()
    if len(key) >= 2 and key[0] == key[-1] == '"':
        key = key[1:-1]
    if not KEY_PATTERN.fullmatch(key):
        raise ValidationFailed(
            field=HEADER,
            value=raw,
            expected_zh=f"1–{MAX_KEY_LENGTH} 个可见 ASCII 字符（不含空格和引号），可加双引号",
            expected_en=f"1-{MAX_KEY_LENGTH} visible ASCII characters (no spaces or quotes), "
            "optionally in double quotes",
            code="invalid_idempotency_key",
        )
    return key


def fingerprint(request: HttpRequest) -> str:
    """SHA-256 of what makes two requests the same: method, path, If-Match and the JSON body
    (key order and spacing aside)."""
    try:
        body = json.loads(request.body or b"null")
    except ValueError:  # Ninja refuses such a body before a view runs; hash the bytes anyway
        body = request.body.decode("utf-8", "replace")
    document = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    parts = [request.method or "", request.path, request.headers.get("If-Match", ""), document]
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()


def _answered(client: ApiClient, key: str, digest: str) -> Rendered | None:
    """The stored answer to this key and request; None when the key is unused or expired."""
    earlier = IdempotentRequest.objects.filter(client=client, key=key).first()
    if earlier is None:
        return None
    if earlier.created_at <= timezone.now() - KEY_LIFETIME:
        earlier.delete()  # expired: the key is free again
        return None
    if earlier.request_fingerprint != digest:
        raise _reused(key, earlier)
    return Rendered(earlier.status_code, earlier.response_body, earlier.response_headers)


def _claim(client: ApiClient, key: str, digest: str, request: HttpRequest) -> Rendered | None:
    """The stored answer to this key, or None once the key is claimed for this request.

    Call inside the write's transaction: the claim is rolled back with it.
    """
    for _attempt in range(2):
        earlier = _answered(client, key, digest)
        if earlier is not None:
            return earlier
        try:
            with transaction.atomic():
                IdempotentRequest.objects.create(
                    client=client,
                    key=key,
                    request_fingerprint=digest,
                    method=request.method or "",
                    path=request.path[:300],
                    status_code=0,
                    response_body="",
                    created_at=timezone.now(),
                )
            return None
        except IntegrityError:
            continue  # an identical request committed meanwhile: answer as it was answered
    raise RuntimeError(f"idempotency key {key!r} could be neither claimed nor read")


def _reused(key: str, earlier: IdempotentRequest) -> ValidationFailed:
    return IdempotencyKeyReused(
        field=HEADER,
        value=key,
        expected_zh=f"一个新的键：该键已用于另一个请求（{earlier.method} {earlier.path}，"
        f"{timezone.localtime(earlier.created_at):%Y-%m-%d %H:%M}），同一个键只能重试同一个请求",
        expected_en=f"a new key: this one was used for a different request ({earlier.method} "
        f"{earlier.path} at {timezone.localtime(earlier.created_at):%Y-%m-%d %H:%M}); "
        "a key may only be reused to retry the same request",
    )


def _rendered(answer: Answer) -> Rendered:
    """JSON as ``core.responses.json_response`` writes it: UTF-8, Chinese readable, ISO dates."""
    content = json.dumps(answer.body, cls=DjangoJSONEncoder, ensure_ascii=False)
    return Rendered(answer.status, content, answer.headers)


def _response(rendered: Rendered, *, replayed: bool) -> HttpResponse:
    response = HttpResponse(
        rendered.content, status=rendered.status, content_type="application/json"
    )
    for name, value in rendered.headers.items():
        response[name] = value
    if replayed:
        response[REPLAYED_HEADER] = "true"
    return response


def answer_once(
    request: HttpRequest, client: ApiClient, write: Callable[[], Answer]
) -> HttpResponse:
    """Run ``write`` once per key: in one transaction with the key's claim and its stored answer."""
    key = request_key(request)
    digest = fingerprint(request)
    # A retry of an answered request is answered without opening a write transaction (which on
    # SQLite would queue behind every writer); only committed answers are seen here.
    answered = _answered(client, key, digest)
    if answered is not None:
        return _response(answered, replayed=True)
    with transaction.atomic():
        earlier = _claim(client, key, digest, request)
        if earlier is not None:
            return _response(earlier, replayed=True)
        rendered = _rendered(write())
        IdempotentRequest.objects.filter(client=client, key=key).update(
            status_code=rendered.status,
            response_body=rendered.content,
            response_headers=rendered.headers,
        )
    return _response(rendered, replayed=False)


def purge_expired_keys(now: dt.datetime | None = None) -> int:
    """Delete the keys older than ``KEY_LIFETIME``; returns how many."""
    cutoff = (now or timezone.now()) - KEY_LIFETIME
    deleted, _ = IdempotentRequest.objects.filter(created_at__lte=cutoff).delete()
    return deleted
