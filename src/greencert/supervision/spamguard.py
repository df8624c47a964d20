"""Spam guard for public complaints without a captcha: a per-address rate limit (django-ratelimit,
counted in the cache all server processes share) and a proof of work (the browser finds a nonce whose SHA-256 with the
signed challenge starts with ``bits`` zero bits; the server checks it with one hash, and each
challenge is used once)."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.core import signing
from django.core.cache import caches
from django.http import HttpRequest
from django.utils.crypto import salted_hmac
from django_ratelimit.core import is_ratelimited

from greencert.core.clients import client_address
from greencert.core.errors import UserFacingError, ValidationFailed

SALT = "greencert.supervision.complaint-pow"
CHALLENGE_MAX_AGE = 3600


def signing_key() -> str:
    """The challenges' own key, derived from SECRET_KEY: a signature made for anything else (a
    session, a signed link) never passes as a challenge, nor one of these as anything else."""
    return salted_hmac(SALT, "proof-of-work challenge key", algorithm="sha256").hexdigest()


class TooManyComplaints(UserFacingError):
    code = "rate_limited"
    http_status = 429


def difficulty() -> int:
    return int(getattr(settings, "GREENCERT_COMPLAINT_POW_BITS", 16))


def issue_challenge() -> str:
    return signing.dumps(
        {"n": secrets.token_hex(8), "b": difficulty()}, key=signing_key(), salt=SALT
    )


def leading_zero_bits(digest: bytes) -> int:
    bits = 0
    for byte in digest:
        if byte == 0:
            bits += 8
            continue
        return bits + 8 - byte.bit_length()
    return bits


def solve(challenge: str) -> str:
    """What the page's script does (and the tests): the first nonce that meets the difficulty."""
    bits = signing.loads(challenge, key=signing_key(), salt=SALT)["b"]
    nonce = 0
    while leading_zero_bits(hashlib.sha256(f"{challenge}:{nonce}".encode()).digest()) < bits:
        nonce += 1
    return str(nonce)


def check_proof(challenge: str, nonce: str) -> None:
    def refuse(zh: str, en: str) -> ValidationFailed:
        return ValidationFailed(
            field="proof", value=nonce, expected_zh=zh, expected_en=en, code="proof_of_work"
        )

    try:
        data = signing.loads(challenge, key=signing_key(), salt=SALT, max_age=CHALLENGE_MAX_AGE)
    except signing.BadSignature:
        raise refuse(
            "页面已过期，请刷新后重新提交（本页需启用 JavaScript）",
            "the page has expired; reload it and submit again (the page needs JavaScript)",
        ) from None
    digest = hashlib.sha256(f"{challenge}:{nonce}".encode()).digest()
    # The node's own difficulty is the floor, whatever a challenge says.
    if leading_zero_bits(digest) < max(int(data["b"]), difficulty()):
        raise refuse(
            "防垃圾校验未完成，请等待页面计算完成后再提交（本页需启用 JavaScript）",
            "the anti-spam check is not complete; wait for the page to finish (JavaScript needed)",
        )
    key = "complaint-pow:" + hashlib.sha256(challenge.encode()).hexdigest()
    # In the cache all server processes share, so a solved challenge is accepted once in all.
    if not caches["shared"].add(key, 1, timeout=CHALLENGE_MAX_AGE):
        raise refuse(
            "该页面已提交过一次，请刷新后再提交", "this page was already submitted; reload it"
        )


def _hourly_limit(group: str, request: HttpRequest) -> tuple[int, int]:
    return int(getattr(settings, "GREENCERT_COMPLAINTS_PER_HOUR", 5)), 3600


def check_rate(request: HttpRequest) -> None:
    """At most GREENCERT_COMPLAINTS_PER_HOUR reports an hour from one address."""
    if is_ratelimited(
        request, group="greencert.complaints", key="ip", rate=_hourly_limit, increment=True
    ):
        limit, _ = _hourly_limit("", request)
        raise TooManyComplaints(
            field="address",
            value=client_address(request),
            expected_zh=f"每小时最多提交 {limit} 次举报，请稍后再试",
            expected_en=f"at most {limit} reports an hour from one address; try again later",
        )
