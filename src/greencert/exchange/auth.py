"""Ninja authentication for API clients: bearer token and scope (rate limits: ``throttling``)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja.security import HttpBearer

from greencert.core.errors import PermissionRefused
from greencert.exchange.models import ApiClient
from greencert.exchange.tokens import client_for_token


class ClientToken(HttpBearer):
    """``Authorization: Bearer gct_…`` of a client holding ``scope``."""

    def __init__(self, scope: str) -> None:
        super().__init__()
        self.scope = scope

    def authenticate(self, request: HttpRequest, token: str) -> ApiClient | None:
        client = client_for_token(token)
        if client is None:
            return None
        if not client.has_scope(self.scope):
            raise PermissionRefused(
                field="scope",
                value=self.scope,
                expected_zh=f"客户 {client.name} 未获得「{self.scope}」权限范围",
                expected_en=f"client {client.name} does not hold the {self.scope!r} scope",
            )
        request.api_client = client  # type: ignore[attr-defined]
        return client
