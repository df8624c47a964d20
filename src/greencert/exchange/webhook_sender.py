"""One webhook request: the receiver's URL checked, the Standard Webhooks signature, a total deadline.

Whatever a receiver does, it can only make its own delivery fail. A URL that cannot be parsed is a
``BadTarget`` naming what is wrong with it; a receiver that answers slowly — even one byte every few
seconds, which no socket timeout notices — is cut off when the delivery's deadline passes.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import http.client
import socket
import threading
import urllib.parse
from dataclasses import dataclass

from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

USER_AGENT = "greencert-webhooks/1"


class BadTarget(ValueError):
    """The URL cannot be used at all, so trying it again cannot help."""

    def __init__(self, url: str, problem_zh: str, problem_en: str) -> None:
        self.url = url
        self.problem_zh = problem_zh
        self.problem_en = problem_en
        shown = url if len(url) <= 80 else url[:77] + "..."
        super().__init__(
            f"地址 {shown!r} 无法使用：{problem_zh} / URL {shown!r} unusable: {problem_en}"
        )


class DeadlineExceeded(TimeoutError):
    def __init__(self, seconds: float) -> None:
        super().__init__(
            f"接收方未在 {seconds:g} 秒总时限内答复 / "
            f"no complete answer within the {seconds:g} s deadline"
        )


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str


def parse_target(url: str) -> Target:
    """The parts of an http(s) URL a request needs; ``BadTarget`` says what is wrong otherwise."""
    try:
        parts = urllib.parse.urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise BadTarget(url, f"格式无效（{exc}）", f"malformed ({exc})") from None
    if parts.scheme not in {"http", "https"}:
        raise BadTarget(url, "应以 http:// 或 https:// 开头", "expected an http:// or https:// URL")
    host = parts.hostname
    if not host:
        raise BadTarget(url, "缺少主机名", "the host name is missing")
    try:
        host.encode("idna")
    except UnicodeError:
        raise BadTarget(
            url,
            "主机名无效：每段须为 1 至 63 个字符",
            "the host name is not valid: each dot-separated label must be 1 to 63 characters",
        ) from None
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Target(parts.scheme, host, port or (443 if parts.scheme == "https" else 80), path)


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


def post(
    url: str, body: bytes, headers: dict[str, str], *, deadline: float, socket_timeout: float
) -> int:
    """POST ``body`` and return the answer's HTTP status, all within ``deadline`` seconds.

    Raises ``BadTarget``, ``DeadlineExceeded``, or ``OSError``/``http.client.HTTPException`` for
    a receiver that cannot be reached or answers with something that is not HTTP.
    """
    target = parse_target(url)
    connection_class = (
        http.client.HTTPSConnection if target.scheme == "https" else http.client.HTTPConnection
    )
    connection = connection_class(target.host, target.port, timeout=min(socket_timeout, deadline))
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
