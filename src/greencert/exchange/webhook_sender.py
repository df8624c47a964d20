"""One webhook request: the receiver's URL checked, the Standard Webhooks signature, a total deadline.

Whatever a receiver does, it can only make its own delivery fail. A URL that cannot be parsed, or
whose host is or resolves to an internal address, is a ``BadTarget`` naming what is wrong with it;
the request connects to the very address that was checked, and a redirect is an answer like any
other (the delivery fails with its status), never followed. A receiver that answers slowly — even one byte every few
seconds, which no socket timeout notices — is cut off when the delivery's deadline passes.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import http.client
import socket
import ssl
import threading

from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from greencert.exchange.webhook_targets import (
    BadTarget,
    IPAddress,
    Target,
    checked_addresses,
    parse_target,
)

__all__ = ["BadTarget", "DeadlineExceeded", "Target", "parse_target", "post", "signed_headers"]

USER_AGENT = "greencert-webhooks/1"


class DeadlineExceeded(TimeoutError):
    def __init__(self, seconds: float) -> None:
        super().__init__(
            f"接收方未在 {seconds:g} 秒总时限内答复 / "
            f"no complete answer within the {seconds:g} s deadline"
        )


def signed_headers(secret: str, message_id: str, body: bytes, now: dt.datetime) -> dict[str, str]:
    return {
        "content-type": "application/json",
        "user-agent": USER_AGENT,
        "webhook-id": message_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": Webhook(secret).sign(message_id, now, body),
    }


def verify_signature(secret: str, headers: dict[str, str], body: bytes) -> bool:
    """What a receiver does: check the signature and that the timestamp is within 5 minutes."""
    try:
        Webhook(secret).verify(body, headers, json_parse=False)
    except WebhookVerificationError:
        return False
    return True


def _connect(addresses: list[IPAddress], port: int, timeout: float | None) -> socket.socket:
    """A connection to the first of the checked addresses that answers; never to a name, so
    what the name resolves to a moment later does not matter."""
    failure: OSError = OSError("no address")
    for address in addresses:
        try:
            return socket.create_connection((str(address), port), timeout)
        except OSError as exc:
            failure = exc
    raise failure


class PinnedHTTPConnection(http.client.HTTPConnection):
    """HTTP to ``target`` (its host name in the Host header) over a connection to an address
    checked before the request."""

    def __init__(self, target: Target, addresses: list[IPAddress], timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self.addresses = addresses

    def connect(self) -> None:
        self.sock = _connect(self.addresses, self.port, self.timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class PinnedHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS likewise; the certificate is checked against the URL's host name."""

    def __init__(self, target: Target, addresses: list[IPAddress], timeout: float) -> None:
        self.tls = ssl.create_default_context()
        super().__init__(target.host, target.port, timeout=timeout, context=self.tls)
        self.addresses = addresses

    def connect(self) -> None:
        sock = _connect(self.addresses, self.port, self.timeout)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock = self.tls.wrap_socket(sock, server_hostname=self.host)


def post(
    url: str, body: bytes, headers: dict[str, str], *, deadline: float, socket_timeout: float
) -> int:
    """POST ``body`` and return the answer's HTTP status, all within ``deadline`` seconds.

    Raises ``BadTarget``, ``DeadlineExceeded``, or ``OSError``/``http.client.HTTPException`` for
    a receiver that cannot be reached or answers with something that is not HTTP. A redirect is
    returned as its status, not followed.
    """
    target = parse_target(url)
    addresses = checked_addresses(url, target)
    timeout = min(socket_timeout, deadline)
    connection: http.client.HTTPConnection = (
        PinnedHTTPSConnection(target, addresses, timeout)
        if target.scheme == "https"
        else PinnedHTTPConnection(target, addresses, timeout)
    )
    expired = threading.Event()

    def cut_off() -> None:
        # Shutting the socket down wakes the read blocked on it; a socket timeout would not,
        # as long as the receiver keeps sending a byte now and then.
        expired.set()
        sock = connection.sock
        if sock is not None:
            with contextlib.suppress(OSError):  # the receiver closed it already
                sock.shutdown(socket.SHUT_RDWR)

    timer = threading.Timer(deadline, cut_off)
    timer.daemon = True
    timer.start()
    try:
        connection.connect()
        if expired.is_set():
            raise DeadlineExceeded(deadline)
        connection.request("POST", target.path, body=body, headers=headers)
        return connection.getresponse().status
    except (OSError, http.client.HTTPException) as exc:
        if expired.is_set():
            raise DeadlineExceeded(deadline) from exc
        raise
    finally:
        timer.cancel()
        connection.close()
