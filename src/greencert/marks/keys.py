"""The node's Ed25519 signing keys: signing with the current one, publishing all of them.

Keys live in ``SigningKey`` rows, created by ``actions.ensure_signing_key`` and
``actions.rotate_signing_key``. Retired keys stay in the DID document and the JWKS, so every
credential signed before a rotation still verifies.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from joserfc import jws
from joserfc.jwk import OKPKey

from greencert.core.canonical import canonical_json
from greencert.marks.identity import node_did
from greencert.marks.models import SigningKey
from greencert.marks.offline_checks import ALGORITHM

# RFC 9864 prefers the fully specified "Ed25519"; the UNTP and VC-JOSE profiles and most
# verifiers (jwcrypto among them) still expect "EdDSA", so we keep it and silence joserfc.
warnings.filterwarnings("ignore", message="EdDSA is deprecated", module="joserfc")


@lru_cache(maxsize=16)
def _private_key(kid: str, pem: str) -> OKPKey:
    return OKPKey.import_key(pem)


def current_key() -> SigningKey:
    from greencert.marks.actions import ensure_signing_key

    return ensure_signing_key()


def sign(payload: dict[str, Any], *, typ: str, key: SigningKey | None = None) -> str:
    """A compact JWS over the canonical JSON (RFC 8785) of ``payload``."""
    key = key or current_key()
    header = {"alg": ALGORITHM, "kid": key.kid, "typ": typ}
    private = _private_key(key.kid, key.private_key_pem)
    return jws.serialize_compact(header, canonical_json(payload), private, algorithms=[ALGORITHM])


def public_jwks() -> dict[str, Any]:
    current_key()
    return {"keys": [dict(k.public_jwk) for k in SigningKey.objects.order_by("number")]}


# Other parts of the node list their own keys in the DID document as services (the transparency
# log's note verifier key); each registers a function of the DID returning its service entry.
_did_services: dict[str, Callable[[str], dict[str, Any]]] = {}


def register_did_service(name: str, service: Callable[[str], dict[str, Any]]) -> None:
    _did_services[name] = service


def did_document() -> dict[str, Any]:
    did = node_did()
    keys = list(SigningKey.objects.order_by("number")) or [current_key()]
    methods = [
        {
            "id": k.kid,
            "type": "JsonWebKey",
            "controller": did,
            "publicKeyJwk": dict(k.public_jwk),
        }
        for k in keys
    ]
    current = [k.kid for k in keys if k.retired_at is None]
    services = [service(did) for service in _did_services.values()]
    return {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/jwk/v1"],
        "id": did,
        "verificationMethod": methods,
        # Retired keys keep asserting what they signed; only the current key signs anew.
        "assertionMethod": [k.kid for k in keys],
        "authentication": current,
        **({"service": services} if services else {}),
    }
