"""Who a request comes from: the client's address, read from a proxy header only when the request
came through a proxy this node trusts (``GREENCERT_TRUSTED_PROXIES``).

Without trusted proxies the peer's address (``REMOTE_ADDR``) is the client: a header anyone can
send must not choose whose rate limit a request counts against, nor which province a scan is from.
Behind proxies, ``X-Forwarded-For`` is read from the right, skipping the trusted proxies; the first
address no trusted proxy stands for is the client.
"""

from __future__ import annotations

import hashlib
import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest
from django.utils.crypto import salted_hmac

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def trusted_networks() -> tuple[Network, ...]:
    return _networks(tuple(getattr(settings, "GREENCERT_TRUSTED_PROXIES", ())))


def _is_trusted(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    return any(ip in network for network in trusted_networks())


def from_trusted_proxy(request: HttpRequest) -> bool:
    """Whether the peer that sent ``request`` is one of the node's trusted proxies."""
    return _is_trusted(request.META.get("REMOTE_ADDR", ""))


def client_address(request: HttpRequest) -> str:
    """The client's IP address (used by the rate limits, the login lock-out and scan counts)."""
    peer = request.META.get("REMOTE_ADDR", "")
    if not _is_trusted(peer):
        return peer
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    for hop in reversed(hops):
        try:
            ipaddress.ip_address(hop)
        except ValueError:
            return peer  # a garbled header: the last trusted proxy is all that is known
        if not _is_trusted(hop):
            return hop
    return hops[0] if hops else peer


def client_fingerprint(request: HttpRequest, scope: str) -> str:
    """A keyed hash of the client's address within ``scope`` (e.g. a day): tells two requests from
    one client apart from two clients' without keeping the address."""
    digest = salted_hmac("greencert.core.clients", f"{scope}|{client_address(request)}")
    return hashlib.sha256(digest.digest()).hexdigest()
