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

from greencert.certification.lifecycle import Status, status_label
from greencert.marks import log_evidence
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


def load_log_keys(path: Path) -> list[str]:
    """The transparency log verifier keys a saved DID document lists (none in a JWKS)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise TrustFileError(f"cannot read trust file {path}: {exc}") from exc
    services = data.get("service", []) if isinstance(data, dict) else []
    return [
        str(s["verifierKey"])
        for s in services
        if isinstance(s, dict) and s.get("type") == "TransparencyLog" and s.get("verifierKey")
    ]


def _status_words(code: Any) -> str:
    try:
        label = status_label(str(code))
    except KeyError:
        return str(code)
    return f"{label.zh} {label.en} ({code})"


def check_log(
    entry: Any, log_keys: list[str], *, certificate: Any, status: Any
) -> tuple[list[Check], list[str]]:
    """The carried transparency-log proof checked offline: the checkpoint's signature, the leaf's
    inclusion in its tree, and that the leaf is this certificate with the stated status. Returns
    the checks and the lines that say which tree the document rests on and who cosigned it."""
    name = "transparency log"
    if entry is None:
        return [
            Check(
                name,
                None,
                "不携带透明日志证明（签发于携带证明之前）/ "
                "carries no transparency log proof (issued before documents carried one)",
            )
        ], []
    result = log_evidence.check(entry, log_keys) if isinstance(entry, dict) else None
    if result is None:
        return [
            Check(
                name,
                False if not isinstance(entry, dict) else None,
                "透明日志证明无法读取或无法核对 / the transparency log proof cannot be read or checked",
            )
        ], []
    checks: list[Check] = []
    if result.problems:
        checks.extend(Check(name, False, f"{zh} / {en}") for zh, en in result.problems)
    elif result.key_missing:
        checks.append(
            Check(
                "checkpoint",
                None,
                f"未核对：没有日志 {result.origin} 的验证密钥（用 --log-vkey 给出，或使用列出该日志的 "
                f"did.json 信任文件）/ not checked: no verifier key for log {result.origin} "
                "(give --log-vkey, or a did.json trust file that lists the log)",
            )
        )
    else:
        checks.append(
            Check("checkpoint", True, f"检查点签名有效 / signed by the log's key {result.signer}")
        )
        checks.append(
            Check(
                "inclusion",
                True,
                f"记录在树中 / leaf {entry.get('leafIndex')} is in the tree of {result.size} "
                "entries",
            )
        )
    leaf = result.leaf
    if leaf is not None and not result.problems:
        same = leaf.get("certificate") == certificate and leaf.get("status_after") == status
        logged = _status_words(leaf.get("status_after"))
        stated = _status_words(status)
        if same:
            detail = (
                f"日志第 {leaf.get('sequence')} 号事件：证书 {certificate}，状态 {logged}，与所述一致 / "
                f"event {leaf.get('sequence')} of the log: certificate {certificate}, status "
                f"{logged}, as stated"
            )
        else:
            detail = (
                f"日志记录为证书 {leaf.get('certificate')}、状态 {logged}，与所述证书 {certificate}、"
                f"状态 {stated} 不符 / the log records certificate {leaf.get('certificate')} with "
                f"status {logged}; the document states {certificate} with status {stated}"
            )
        checks.append(Check("log record", same, detail))
    lines = []
    if result.origin:
        when = result.signed_at or "时间不详 / time not known"
        lines.append(
            f"rests on: 日志 log {result.origin} · 检查点 checkpoint of {result.size} entries · "
            f"root {result.root_hash} · 签署于 signed {when}"
        )
        lines.append(
            "cosigned by: "
            + ("; ".join(result.cosigners) if result.cosigners else "无 none (no cosignature)")
        )
    return checks, lines


def credential_log_entry(payload: dict[str, Any]) -> Any:
    """The transparency-log proof among a credential's ``evidence``, if it carries one."""
    evidence = payload.get("evidence") or []
    for item in evidence if isinstance(evidence, list) else [evidence]:
        kinds = item.get("type") if isinstance(item, dict) else None
        if isinstance(kinds, list) and log_evidence.EVIDENCE_TYPE in kinds:
            return item
    return None


def check_credential_log(
    payload: dict[str, Any], log_keys: list[str]
) -> tuple[list[Check], list[str]]:
    """A credential states its certificate valid: the logged event must say so."""
    subject = payload.get("credentialSubject") or {}
    number = (subject.get("certificate") or {}).get("number", subject.get("name"))
    return check_log(
        credential_log_entry(payload), log_keys, certificate=number, status=Status.VALID.value
    )


def check_receipt_log(
    statement: dict[str, Any], log_keys: list[str]
) -> tuple[list[Check], list[str]]:
    if statement.get("type") != "CertificateStatusReceipt":
        return [
            Check(
                "transparency log",
                None,
                "批量核验回执不携带透明日志证明 / a batch verification receipt carries no "
                "transparency log proof",
            )
        ], []
    entry = statement.get("transparencyLog")
    status = (statement.get("status") or {}).get("code")
    if entry is None and status is None:
        return [
            Check(
                "transparency log",
                None,
                "该日证书尚未颁发，没有可证明的事件 / nothing to prove: not yet issued on that date",
            )
        ], []
    return check_log(entry, log_keys, certificate=statement.get("certificate"), status=status)
