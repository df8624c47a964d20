"""This node's witness key: an Ed25519 key, created on first use, whose name is the node's
witness name (``GREENCERT_WITNESS_NAME``, by default the public URL without scheme followed by
``/witness``)."""

from __future__ import annotations

from django.conf import settings

from greencert.exchange.tlog import keys as signing_keys
from greencert.exchange.witness.cosignature import cosigner_vkey
from greencert.exchange.witness.models import WitnessKey


def witness_name() -> str:
    return str(settings.GREENCERT_WITNESS_NAME)


def ensure_witness_key() -> WitnessKey:
    key: WitnessKey = signing_keys.ensure_key(WitnessKey, witness_name(), cosigner_vkey)
    return key


private_key = signing_keys.private_key


def witness_vkey() -> str:
    return ensure_witness_key().verifier_key
