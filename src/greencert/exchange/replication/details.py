"""The details of a foreign certificate its peer's log does not carry — holder name, body,
products, scope, dates — from the certificate's signed credential on the authoritative node.

The credential must verify under a key of the peer's DID document, fetched from the URL the peers
file names for it and accepted once: its DID must be the ``did:web`` of that URL, and the keys it
held then are the only ones trusted afterwards (a later change is refused and recorded). The
credential must name the certificate and the holder the log names. Details only label what the
log states: the status never comes from here.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.db.models import Q
from django.utils import timezone

from greencert.exchange.peers import Peer
from greencert.exchange.replication.follower import replicated_log
from greencert.exchange.replication.models import ForeignCertificate, ReplicatedLog
from greencert.exchange.tlog.client import FetchFailed, Get
from greencert.marks.identity import did_for_url
from greencert.marks.offline_checks import CREDENTIAL_TYPE, check_signature

# Certificates whose details are fetched per run, and how long a failed fetch waits.
PER_RUN = 50
RETRY_AFTER = dt.timedelta(minutes=10)


class DetailsRefused(ValueError):
    """The peer's DID document or credential cannot be trusted; the message says why."""


def did_document_url(peer: Peer) -> str:
    return f"{peer.url}/.well-known/did.json"


def credential_url(peer: Peer, number: str) -> str:
    return f"{peer.url}/api/v1/certificates/{number}/credential"


def assertion_keys(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The public JWKs a DID document lets sign credentials (its assertion methods), by key id."""
    asserting = set(document.get("assertionMethod", []))
    return {
        str(m["id"]): {**m["publicKeyJwk"], "kid": m["id"]}
        for m in document.get("verificationMethod", [])
        if isinstance(m, dict) and "publicKeyJwk" in m and m.get("id") in asserting
    }


def accepted_keys(peer: Peer, state: ReplicatedLog, get: Get) -> dict[str, dict[str, Any]]:
    """The credential keys of ``peer``: those accepted earlier, or its DID document's now if
    none were; a document whose keys differ from those accepted is refused."""
    try:
        document = json.loads(get(did_document_url(peer)))
    except ValueError as error:
        raise DetailsRefused(f"the DID document of {peer.id} is not JSON") from error
    expected = did_for_url(peer.url)
    if not isinstance(document, dict) or document.get("id") != expected:
        raise DetailsRefused(
            f"the DID document served by {peer.url} is not that of {expected}, the DID of the URL "
            f"the peers file names"
        )
    keys = assertion_keys(document)
    if not keys:
        raise DetailsRefused(f"the DID document of {peer.id} names no key that signs credentials")
    if state.credential_keys and keys != state.credential_keys:
        raise DetailsRefused(
            f"the credential keys of {peer.id} changed from {sorted(state.credential_keys)} to "
            f"{sorted(keys)}; the keys accepted earlier stay the only ones trusted"
        )
    if not state.credential_keys:
        ReplicatedLog.objects.filter(pk=state.pk).update(did=expected, credential_keys=keys)
        state.did, state.credential_keys = expected, keys
    return keys


def _first(items: Any) -> dict[str, Any]:
    return items[0] if isinstance(items, list) and items and isinstance(items[0], dict) else {}


def details_from_credential(payload: dict[str, Any]) -> dict[str, Any]:
    """The labels of a certificate a verified credential states."""
    subject = payload.get("credentialSubject", {})
    party = subject.get("issuedToParty", {})
    body = _first(subject.get("authorisation"))
    assessment = _first(subject.get("assessment"))
    certificate = subject.get("certificate", {})
    standard = assessment.get("referenceStandard", {})
    return {
        "holder_name": str(party.get("name", "")),
        "body": {"id": str(body.get("identifier", "")), "name": str(body.get("name", ""))},
        "body_number": str(certificate.get("bodyNumber", "")),
        "products": [
            {"name": str(p.get("name", "")), "models": [str(m) for m in p.get("modelNumber", [])]}
            for p in assessment.get("assessedProduct", [])
            if isinstance(p, dict)
        ],
        "certification_unit": str(assessment.get("certificationUnit", "")),
        "scope": str(subject.get("scope", {}).get("name", "")),
        "standard": str(standard.get("id", "")).removeprefix("urn:std:"),
        "facility": str(_first(assessment.get("assessedFacility")).get("name", "")),
        "issue_date": str(certificate.get("issueDate", "")),
        "initial_issue_date": str(certificate.get("initialIssueDate", "")),
        "expiry_date": str(certificate.get("expiryDate", "")),
        "grade": str(certificate.get("grade", "")),
        "recognitions": [
            recognition_from_claim(r)
            for r in subject.get("recognitions", [])
            if isinstance(r, dict)
        ],
    }


def recognition_from_claim(claim: dict[str, Any]) -> dict[str, Any]:
    """A recognition (互认) as a credential states it, in the shape the API gives one."""
    party = claim.get("recognisedBy") or {}
    return {
        "agreement": str(claim.get("id", "")).removeprefix("urn:greencert:recognition:"),
        "title_zh": str(claim.get("name", "")),
        "title_en": str(claim.get("nameEn", "")),
        "kind": str(claim.get("kind", "")),
        "recognised_by": {
            "name_zh": str(party.get("name", "")),
            "name_en": str(party.get("nameEn", "")),
        },
        "scope": [str(s) for s in claim.get("scope", []) if isinstance(s, str)],
        "since": str(claim.get("since", "")),
    }


def verified_details(
    certificate: ForeignCertificate, keys: dict[str, dict[str, Any]], did: str, token: str
) -> dict[str, Any]:
    """The details of ``certificate`` from its credential ``token``, once it verifies under
    ``keys``, is issued by ``did`` and names the certificate and holder the log names."""
    checks, payload = check_signature(token.strip(), keys, CREDENTIAL_TYPE)
    failed = [f"{c.name}: {c.detail}" for c in checks if c.ok is False]
    if failed or payload is None:
        raise DetailsRefused(
            f"the credential of {certificate.number} does not verify: " + "; ".join(failed)
        )
    issuer = payload.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    if issuer_id != did:
        raise DetailsRefused(f"the credential of {certificate.number} is issued by {issuer_id}")
    subject = payload.get("credentialSubject", {})
    if subject.get("certificate", {}).get("number") != certificate.number:
        raise DetailsRefused(f"the credential fetched for {certificate.number} names another")
    if subject.get("issuedToParty", {}).get("registeredId") != certificate.holder_credit_code:
        raise DetailsRefused(
            f"the credential of {certificate.number} names another holder than the log"
        )
    return details_from_credential(payload)


def fill_details(peer: Peer, get: Get, *, limit: int = PER_RUN) -> int:
    """Fetch and verify the details of up to ``limit`` of the peer's certificates that have none;
    a failure is recorded on the certificate and retried later. Returns how many were filled."""
    now = timezone.now()
    waiting = list(
        ForeignCertificate.objects.filter(peer_id=peer.id)
        .filter(Q(details={}) | Q(details_refresh=True))
        .filter(Q(details_fetched_at__isnull=True) | Q(details_fetched_at__lt=now - RETRY_AFTER))
        .order_by("last_sequence")[:limit]
    )
    if not waiting:
        return 0
    state = replicated_log(peer)
    try:
        keys = accepted_keys(peer, state, get)
    except (FetchFailed, DetailsRefused) as error:
        ReplicatedLog.objects.filter(pk=state.pk).update(
            last_error=f"details: {error}"[:2000], last_error_at=now
        )
        return 0
    filled = 0
    for certificate in waiting:
        try:
            token = get(credential_url(peer, certificate.number)).decode("ascii")
            details = verified_details(certificate, keys, state.did, token)
        except (FetchFailed, DetailsRefused, UnicodeDecodeError) as error:
            ForeignCertificate.objects.filter(pk=certificate.pk).update(
                details_fetched_at=now, details_error=str(error)[:2000]
            )
            continue
        ForeignCertificate.objects.filter(pk=certificate.pk).update(
            details=details, details_fetched_at=now, details_error="", details_refresh=False
        )
        filled += 1
    return filled
