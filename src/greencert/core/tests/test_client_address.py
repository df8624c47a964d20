"""Whose address a request counts against: the peer's, unless the peer is a trusted proxy, then
the first address in X-Forwarded-For (from the right) that no trusted proxy stands for."""

from __future__ import annotations

from django.http import HttpRequest
from django.test import RequestFactory, override_settings

from greencert.core.clients import client_address, client_fingerprint, from_trusted_proxy


def request(peer: str, forwarded: str | None = None) -> HttpRequest:
    if forwarded is None:
        return RequestFactory().get("/", REMOTE_ADDR=peer)
    return RequestFactory().get("/", REMOTE_ADDR=peer, HTTP_X_FORWARDED_FOR=forwarded)


def test_without_trusted_proxies_a_forwarded_header_is_ignored():
    assert client_address(request("203.0.113.5", "198.51.100.1")) == "203.0.113.5"


@override_settings(GREENCERT_TRUSTED_PROXIES=["10.0.0.0/8"])
def test_a_trusted_proxy_names_the_client():
    assert client_address(request("10.0.0.2", "198.51.100.1")) == "198.51.100.1"


@override_settings(GREENCERT_TRUSTED_PROXIES=["10.0.0.0/8"])
def test_an_address_the_client_put_in_front_does_not_count():
    # The client sent "X-Forwarded-For: 1.2.3.4"; the proxy appended the real peer.
    assert client_address(request("10.0.0.2", "1.2.3.4, 198.51.100.1")) == "198.51.100.1"


@override_settings(GREENCERT_TRUSTED_PROXIES=["10.0.0.0/8"])
def test_chained_trusted_proxies_are_skipped():
    assert client_address(request("10.0.0.2", "198.51.100.1, 10.1.1.1")) == "198.51.100.1"


@override_settings(GREENCERT_TRUSTED_PROXIES=["10.0.0.0/8"])
def test_a_request_from_an_untrusted_peer_is_its_own_client():
    assert client_address(request("203.0.113.5", "198.51.100.1")) == "203.0.113.5"
    assert not from_trusted_proxy(request("203.0.113.5"))


@override_settings(GREENCERT_TRUSTED_PROXIES=["10.0.0.0/8"])
def test_a_garbled_forwarded_header_falls_back_to_the_proxy():
    assert client_address(request("10.0.0.2", "not-an-address")) == "10.0.0.2"


def test_the_fingerprint_tells_clients_and_periods_apart_without_the_address():
    a = client_fingerprint(request("198.51.100.1"), "2026-06-01")
    assert a == client_fingerprint(request("198.51.100.1"), "2026-06-01")
    assert a != client_fingerprint(request("198.51.100.2"), "2026-06-01")
    assert a != client_fingerprint(request("198.51.100.1"), "2026-06-02")
    assert "198.51.100.1" not in a
