"""Where a webhook may be sent: a public address, however the URL spells it.

A receiver's URL is checked twice. When it is registered, its host — an address in any spelling
(``2130706433``, ``0x7f000001``, ``0177.0.0.1``, ``127.1``, ``[::1]``, ``[::ffff:127.0.0.1]``),
``localhost``, or a name and every address it resolves to — must be public: not loopback, private,
shared, link-local (the cloud metadata address), multicast, reserved or unspecified. Before every
delivery the name is resolved again and checked again, and the request connects to the address
that was checked, so a name that later resolves to an internal address (DNS rebinding) is refused
rather than called. An operator may allow named internal hosts with
``GREENCERT_WEBHOOK_ALLOWED_HOSTS``; in production (``GREENCERT_PRODUCTION``) only https is used.
"""

from __future__ import annotations

import contextlib
import ipaddress
import os
import socket
import urllib.parse
from dataclasses import dataclass

from django.conf import settings

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# 64:ff9b::/96 carries an IPv4 address in its last 32 bits (NAT64, RFC 6052).
NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
# RFC 6761: every name under localhost is the machine itself.
LOOPBACK_NAMES = ("localhost", "localhost.localdomain")


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


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str
    # The host when it is an address literal, in its one canonical form.
    address: IPAddress | None = None


def production() -> bool:
    configured = getattr(settings, "GREENCERT_PRODUCTION", None)
    if configured is not None:
        return bool(configured)
    return os.environ.get("GREENCERT_PRODUCTION", "").strip().lower() in {"1", "true", "yes", "on"}


def allowed_hosts() -> set[str]:
    """Hosts the operator allows although they are internal, in canonical form."""
    configured = getattr(settings, "GREENCERT_WEBHOOK_ALLOWED_HOSTS", ())
    return {_canonical_host(host) for host in configured if host.strip()}


def _canonical_host(host: str) -> str:
    host = host.strip().strip("[]").rstrip(".").lower()
    try:
        literal = address_literal(host)
    except ValueError:
        return host
    return str(literal) if literal is not None else host


def _ipv4_number(part: str) -> int:
    """One part of an IPv4 address as inet_aton and the URL standard read it: 0x… hexadecimal,
    0… octal, decimal otherwise."""
    if part[:2].lower() == "0x":
        digits, base = part[2:], 16
    elif len(part) > 1 and part.startswith("0"):
        digits, base = part[1:], 8
    else:
        digits, base = part, 10
    if digits == "":
        if base == 16:
            return 0
        raise ValueError(part)
    allowed = "0123456789abcdef"[:base]
    if not all(c in allowed for c in digits.lower()):
        raise ValueError(part)
    return int(digits, base)


def _ends_in_a_number(host: str) -> bool:
    parts = host.split(".")
    if parts[-1] == "" and len(parts) > 1:
        parts.pop()
    last = parts[-1]
    if last.isascii() and last.isdigit():
        return True
    return last[:2].lower() == "0x" and all(c in "0123456789abcdef" for c in last[2:].lower())


def _ipv4_shorthand(host: str) -> ipaddress.IPv4Address:
    """``127.1``, ``2130706433``, ``0x7f.1``, ``0177.0.0.1``: what a resolver would connect to."""
    parts = host.split(".")
    if parts[-1] == "" and len(parts) > 1:
        parts.pop()
    if len(parts) > 4 or "" in parts:
        raise ValueError(host)
    numbers = [_ipv4_number(part) for part in parts]
    *leading, last = numbers
    if any(n > 255 for n in leading) or last >= 256 ** (5 - len(numbers)):
        raise ValueError(host)
    value = last + sum(n << (8 * (3 - i)) for i, n in enumerate(leading))
    return ipaddress.IPv4Address(value)


def address_literal(host: str) -> IPAddress | None:
    """The address a host spells, or None for a name; ``ValueError`` for a malformed address."""
    if ":" in host:
        return ipaddress.IPv6Address(host.split("%", 1)[0])
    if _ends_in_a_number(host):
        return _ipv4_shorthand(host)
    return None


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def refusal(address: IPAddress) -> tuple[str, str] | None:
    """Why a webhook may not go to ``address`` (zh, en), or None for a public address."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(address)
        if embedded is not None:
            return refusal(embedded)
    if address.is_loopback:
        return "本机回环地址", "a loopback address"
    if address.is_unspecified:
        return "未指定地址", "the unspecified address"
    if address.is_link_local:
        return (
            "链路本地地址（含云平台元数据地址）",
            "a link-local address (cloud metadata included)",
        )
    if address.is_multicast:
        return "组播地址", "a multicast address"
    if address.is_private:
        return "内网地址", "a private address"
    if address.is_reserved or not address.is_global:
        return "保留或非公网地址", "a reserved or non-public address"
    return None


def parse_target(url: str) -> Target:
    """The parts of an http(s) URL a request needs; ``BadTarget`` says what is wrong otherwise.
    Checks the URL's form and a literal address in it, not what a name resolves to."""
    try:
        parts = urllib.parse.urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise BadTarget(url, f"格式无效（{exc}）", f"malformed ({exc})") from None
    schemes = {"https"} if production() else {"http", "https"}
    if parts.scheme not in schemes:
        if production():
            raise BadTarget(url, "应以 https:// 开头", "expected an https:// URL")
        raise BadTarget(url, "应以 http:// 或 https:// 开头", "expected an http:// or https:// URL")
    if parts.username is not None or parts.password is not None:
        raise BadTarget(url, "地址中不应含用户名或密码", "no user name or password in the URL")
    host = (parts.hostname or "").rstrip(".")
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
    try:
        literal = address_literal(host)
    except ValueError:
        raise BadTarget(url, "主机地址无效", "the host is not a valid IP address") from None
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    target = Target(
        parts.scheme,
        str(literal) if literal is not None else host,
        port or (443 if parts.scheme == "https" else 80),
        path,
        literal,
    )
    if _canonical_host(target.host) in allowed_hosts():
        return target
    if literal is not None:
        refused = refusal(literal)
        if refused is not None:
            raise BadTarget(
                url,
                f"{literal} 是{refused[0]}，应为公网地址",
                f"{literal} is {refused[1]}; expected a public address",
            )
    elif host.lower() in LOOPBACK_NAMES or host.lower().endswith(".localhost"):
        raise BadTarget(
            url,
            "主机名指向本机，应为公网地址",
            "the host names this machine; expected a public host",
        )
    elif host.lower() == _own_host():
        raise BadTarget(url, "不能推送到本节点自身", "this node itself cannot receive webhooks")
    return target


def _own_host() -> str:
    return (urllib.parse.urlsplit(settings.GREENCERT_PUBLIC_URL).hostname or "").rstrip(".").lower()


def resolve(host: str, port: int) -> list[IPAddress]:
    """Every address ``host`` resolves to (``socket.gaierror`` when it resolves to none)."""
    found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    addresses: list[IPAddress] = []
    for _family, _type, _proto, _name, sockaddr in found:
        address = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        if address not in addresses:
            addresses.append(address)
    return addresses


def checked_addresses(url: str, target: Target) -> list[IPAddress]:
    """The addresses to connect to for ``target``, each checked now; ``BadTarget`` when any of
    them is internal (one internal answer is enough to refuse the name), ``OSError`` when the
    name does not resolve."""
    if target.address is not None:
        return [target.address]
    addresses = resolve(target.host, target.port)
    if _canonical_host(target.host) in allowed_hosts():
        return addresses
    if any(refusal(address) is not None for address in addresses):
        raise BadTarget(
            url,
            "主机名解析到内网或保留地址，应为公网地址",
            "the host name resolves to an internal or reserved address; expected a public one",
        )
    return addresses


def check_subscription_url(url: str) -> Target:
    """What registering a webhook checks: the URL's form and address, and what its name resolves
    to now. A name that does not resolve yet is accepted; every delivery checks it again."""
    target = parse_target(url)
    with contextlib.suppress(OSError):
        checked_addresses(url, target)
    return target
