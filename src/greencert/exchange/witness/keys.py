"""This node's witness key: an Ed25519 key, created on first use, whose name is the node's
witness name (``GREENCERT_WITNESS_NAME``, by default the public URL without scheme followed by
``/witness``)."""

from __future__ import annotations

from functools import lru_cache

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    load_pem_private_key,
)
from django.conf import settings
from django.db import IntegrityError, transaction

from greencert.exchange.tlog.note import public_bytes
from greencert.exchange.witness.cosignature import cosigner_vkey
from greencert.exchange.witness.models import WitnessKey


def witness_name() -> str:
    return str(settings.GREENCERT_WITNESS_NAME)


def ensure_witness_key() -> WitnessKey:
    name = witness_name()
    key = WitnessKey.objects.filter(name=name).first()
    if key is not None:
        return key
    private = Ed25519PrivateKey.generate()
    pem = private.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()).decode()
    vkey = cosigner_vkey(name, public_bytes(private.public_key()))
    try:
        with transaction.atomic():
            return WitnessKey.objects.create(name=name, private_key_pem=pem, verifier_key=vkey)
    except IntegrityError:  # another process created it first
        return WitnessKey.objects.get(name=name)


@lru_cache(maxsize=4)
def private_key(pem: str) -> Ed25519PrivateKey:
    key = load_pem_private_key(pem.encode(), password=None)
    assert isinstance(key, Ed25519PrivateKey)
    return key


def witness_vkey() -> str:
    return ensure_witness_key().verifier_key
