"""The node's own Ed25519 signing keys (the log's and the witness's), each created on first use
and kept in its table: one per name, race-safe across processes."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    load_pem_private_key,
)
from django.db import IntegrityError, transaction

from greencert.exchange.tlog.note import public_bytes


def ensure_key(model: Any, name: str, verifier_key: Callable[[str, bytes], str]) -> Any:
    """The ``model`` row of the key called ``name``; a new Ed25519 key if there is none, its
    verifier key written by ``verifier_key(name, public key)``."""
    key = model.objects.filter(name=name).first()
    if key is not None:
        return key
    private = Ed25519PrivateKey.generate()
    pem = private.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()).decode()
    vkey = verifier_key(name, public_bytes(private.public_key()))
    try:
        with transaction.atomic():
            return model.objects.create(name=name, private_key_pem=pem, verifier_key=vkey)
    except IntegrityError:  # another process created it first
        return model.objects.get(name=name)


@lru_cache(maxsize=8)
def private_key(pem: str) -> Ed25519PrivateKey:
    key = load_pem_private_key(pem.encode(), password=None)
    assert isinstance(key, Ed25519PrivateKey)
    return key
