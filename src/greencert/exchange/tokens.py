"""Bearer tokens: ``gct_<prefix>_<secret>``; the prefix finds the row, the SHA-256 proves the secret."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.utils import timezone

from greencert.exchange.models import ApiClient, ApiToken

TOKEN_PREFIX = "gct"


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token(client: ApiClient) -> str:
    """Create a token for ``client`` and return it; it cannot be read back later."""
    prefix = secrets.token_hex(6)
    token = f"{TOKEN_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    ApiToken.objects.create(client=client, prefix=prefix, token_hash=digest(token))
    return token


def client_for_token(token: str) -> ApiClient | None:
    parts = token.split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX:
        return None
    row = (
        ApiToken.objects.select_related("client")
        .filter(prefix=parts[1], revoked_at__isnull=True, client__active=True)
        .first()
    )
    if row is None or not hmac.compare_digest(row.token_hash, digest(token)):
        return None
    now = timezone.now()
    if row.expires_at and row.expires_at <= now:
        return None
    if row.last_used_at is None or (now - row.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
    return row.client
