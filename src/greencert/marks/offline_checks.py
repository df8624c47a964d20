"""Checking a credential, status list or receipt away from the node that issued it.

Used by ``greencert credential verify`` and ``greencert receipt verify``; needs no database. The
issuer's keys come from a trust file the verifier saved earlier (the node's ``jwks.json`` or
``did.json``); current status comes from the signed status lists, fetched over HTTP or read
from saved files. Every check is reported, passed or failed.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import urllib.request
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jwk import OKPKey

from greencert.marks.bitstring import bit_is_set, decode_bits

ALGORITHM = "EdDSA"
CREDENTIAL_TYPE = "vc+jwt"
RECEIPT_TYPE = "receipt+jwt"
warnings.filterwarnings("ignore", message="EdDSA is deprecated", module="joserfc")

Fetch = Callable[[str], str]


class TrustFileError(ValueError):
    """A trust file (saved jwks.json or did.json) that cannot be read or holds no keys."""


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool | None  # None: not checked
    detail: str

    def line(self) -> str:
        mark = {True: "✓", False: "✗", None: "–"}[self.ok]
        return f"{mark} {self.name}: {self.detail}"


def load_trust(path: Path) -> dict[str, dict[str, Any]]:
    """Public JWKs by key id, from a JWKS (``{"keys": [...]}``) or a DID document."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise TrustFileError(f"cannot read trust file {path}: {exc}") from exc
    if "keys" in data:
        jwks = data["keys"]
    else:
        jwks = [
            {**m["publicKeyJwk"], "kid": m["id"]}
            for m in data.get("verificationMethod", [])
            if "publicKeyJwk" in m and m["id"] in set(data.get("assertionMethod", [m["id"]]))
        ]
    trusted = {k["kid"]: k for k in jwks if k.get("kid")}
    if not trusted:
        raise TrustFileError(f"trust file {path} holds no keys with a key id")
    return trusted


def _header(token: str) -> dict[str, Any]:
    part = token.split(".")[0]
    return dict(json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))))


def check_signature(
    token: str, trusted: dict[str, dict[str, Any]], typ: str
) -> tuple[list[Check], dict[str, Any] | None]:
    """Header, issuer key and signature checks, and the payload if the signature holds."""
    try:
        header = _header(token)
    except (ValueError, IndexError):
        return [Check("format", False, "not a compact JWS (header.payload.signature)")], None
    checks = [
        Check(
            "header",
            header.get("alg") == ALGORITHM and header.get("typ") == typ,
            f"alg={header.get('alg')} typ={header.get('typ')} (expected {ALGORITHM}, {typ})",
        )
    ]
    kid = str(header.get("kid", ""))
    jwk = trusted.get(kid)
    checks.append(
        Check("issuer key", jwk is not None, f"{kid} {'is' if jwk else 'is not'} in the trust file")
    )
    if jwk is None or not checks[0].ok:
        return checks, None
    try:
        result = jws.deserialize_compact(token, OKPKey.import_key(jwk), algorithms=[ALGORITHM])
        payload = dict(json.loads(result.payload))
    except (JoseError, ValueError) as exc:
        checks.append(Check("signature", False, f"does not verify ({exc.__class__.__name__})"))
        return checks, None
    checks.append(Check("signature", True, f"Ed25519 signature by {kid} verifies"))
    issuer = payload.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    checks.append(
        Check(
            "issuer",
            kid.split("#")[0] == issuer_id,
            f"{issuer_id} {'controls' if kid.split('#')[0] == issuer_id else 'does not control'} {kid}",
        )
    )
    return checks, payload


def _instant(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))


def check_validity(payload: dict[str, Any], now: dt.datetime) -> Check:
    start, end = payload.get("validFrom"), payload.get("validUntil")
    if start and now < _instant(start):
        return Check("validity", False, f"not valid before {start}")
    if end and now >= _instant(end):
        return Check("validity", False, f"expired: valid until {end}")
    return Check("validity", True, f"valid from {start} until {end}")


def fetch_url(url: str) -> str:
    if not url.startswith(("https://", "http://")):
        raise ValueError(f"status list URL {url!r} is not http(s)")
    with urllib.request.urlopen(url, timeout=10) as response:
        return str(response.read().decode("ascii").strip())


def check_status(
    payload: dict[str, Any],
    trusted: dict[str, dict[str, Any]],
    fetch: Fetch | None,
    now: dt.datetime,
    labels: dict[str, str],
    required: bool = True,
) -> list[Check]:
    """Look each credentialStatus entry up in its signed status list.

    ``fetch`` maps a status list URL to its JWS; None means no status check (offline).
    ``labels`` names what a set bit means per purpose ("revoked or cancelled", …). When the list
    cannot be fetched the check fails if ``required``, else it is reported as not checked.
    """
    entries = payload.get("credentialStatus") or []
    if isinstance(entries, dict):
        entries = [entries]
    checks = []
    for entry in entries:
        purpose = entry.get("statusPurpose", "?")
        name = f"status ({purpose})"
        url = entry.get("statusListCredential", "")
        if fetch is None:
            checks.append(Check(name, None, f"not checked (offline); list at {url}"))
            continue
        try:
            token = fetch(url)
        except (OSError, ValueError) as exc:
            outcome = False if required else None
            checks.append(Check(name, outcome, f"status list {url} unavailable: {exc}"))
            continue
        list_checks, status_list = check_signature(token, trusted, CREDENTIAL_TYPE)
        if status_list is None:
            failed = "; ".join(c.detail for c in list_checks if not c.ok)
            checks.append(Check(name, False, f"status list {url} is not trustworthy: {failed}"))
            continue
        subject = status_list.get("credentialSubject", {})
        if status_list.get("id") != url or subject.get("statusPurpose") != purpose:
            checks.append(Check(name, False, f"{url} is not the {purpose} list it should be"))
            continue
        index = int(entry.get("statusListIndex", -1))
        bits = decode_bits(subject.get("encodedList", ""))
        if not 0 <= index < len(bits) * 8:
            checks.append(Check(name, False, f"index {index} is outside the list"))
            continue
        as_of = f"list of {status_list.get('validFrom')}, event #{status_list.get('eventSequence')}"
        if bit_is_set(bits, index):
            meaning = labels.get(purpose, purpose)
            checks.append(Check(name, False, f"{meaning.upper()} — bit {index} is set ({as_of})"))
        else:
            checks.append(Check(name, True, f"not {purpose} — bit {index} is clear ({as_of})"))
    return checks


def verify_credential(
    token: str,
    trusted: dict[str, dict[str, Any]],
    *,
    fetch: Fetch | None,
    now: dt.datetime | None = None,
    labels: dict[str, str] | None = None,
    status_required: bool = True,
) -> tuple[list[Check], dict[str, Any] | None]:
    now = now or dt.datetime.now(dt.UTC)
    checks, payload = check_signature(token.strip(), trusted, CREDENTIAL_TYPE)
    if payload is None:
        return checks, None
    checks.append(check_validity(payload, now))
    checks.extend(check_status(payload, trusted, fetch, now, labels or {}, status_required))
    return checks, payload


def read_receipt(text: str) -> str:
    """The compact JWS from a receipt file: the JSON the API returns, or the bare JWS."""
    text = text.strip()
    if text.startswith("{"):
        return str(json.loads(text)["receipt"])
    return text


def verify_receipt(
    token: str, trusted: dict[str, dict[str, Any]]
) -> tuple[list[Check], dict[str, Any] | None]:
    return check_signature(token.strip(), trusted, RECEIPT_TYPE)
