"""Certificates another provincial node is authoritative for (外省证书).

This node holds them only as a read-only copy of the other node's log, which the exchange app
keeps; certification never imports it. The exchange registers here, when the app is ready, how to
find such a certificate and which node is authoritative for a province. With nothing registered
(a single node) every question answers "none", and nothing else changes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from greencert.core.errors import UserFacingError


@dataclass(frozen=True)
class Authority:
    """The node authoritative for a certificate or province: its id, names and public URL."""

    node_id: str
    name_zh: str
    name_en: str
    url: str
    province_code: str = ""


@dataclass(frozen=True)
class ForeignFinder:
    # number → the node authoritative for that replicated certificate, or None.
    authority_of_number: Callable[[str], Authority | None]
    # province code → the other node authoritative for it, or None.
    authority_of_province: Callable[[str], Authority | None]
    # (number, date or None) → the API's answer for that replicated certificate, or None.
    detail: Callable[[str, dt.date | None], dict[str, Any] | None]


_finder: ForeignFinder | None = None


def register_foreign_finder(finder: ForeignFinder | None) -> None:
    global _finder
    _finder = finder


def foreign_detail(number: str, at: dt.date | None = None) -> dict[str, Any] | None:
    return _finder.detail(number, at) if _finder is not None else None


def authority_for_number(number: str) -> Authority | None:
    """The other node authoritative for the certificate ``number``, if one is."""
    return _finder.authority_of_number(number) if _finder is not None else None


def authority_for_province(province_code: str) -> Authority | None:
    """The other node authoritative for this province, if one is."""
    return _finder.authority_of_province(province_code) if _finder is not None else None


class AuthoritativeElsewhere(UserFacingError):
    """A write this node may not make: another node is authoritative for the certificate."""

    code = "authoritative_elsewhere"
    http_status = 409


def _refusal(field: str, value: str, authority: Authority, what_zh: str, what_en: str) -> None:
    raise AuthoritativeElsewhere(
        field=field,
        value=value,
        expected_zh=f"{what_zh}由{authority.name_zh}（{authority.url}）负责登记，本节点只保存其只读副本，"
        f"请在该节点办理",
        expected_en=f"{what_en} is recorded by the {authority.name_en} ({authority.url}); this "
        f"node holds a read-only copy only — make the change there",
        extra={"authoritative_node": authority.node_id, "authoritative_url": authority.url},
    )


def refuse_foreign_number(field: str, number: str) -> None:
    """Raise ``AuthoritativeElsewhere`` if ``number`` is a certificate another node holds."""
    authority = _finder.authority_of_number(number) if _finder is not None else None
    if authority is not None:
        _refusal(field, number, authority, f"证书 {number} ", f"certificate {number}")


def refuse_foreign_province(field: str, province_code: str) -> None:
    """Raise ``AuthoritativeElsewhere`` if another node is authoritative for this province."""
    authority = _finder.authority_of_province(province_code) if _finder is not None else None
    if authority is not None:
        _refusal(
            field,
            province_code,
            authority,
            f"省级行政区 {province_code} 的证书",
            f"a certificate of province {province_code}",
        )
