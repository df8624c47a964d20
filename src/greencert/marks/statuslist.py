"""Bitstring Status Lists (W3C vc-bitstring-status-list v1.0) for revocation and suspension.

Each certificate has a fixed place: list ``(pk - 1) // LIST_SIZE``, bit ``(pk - 1) % LIST_SIZE``
(the primary key never changes). A list has 131,072 bits (16 KB, see ``bitstring``), wrapped in a
BitstringStatusListCredential and signed as a ``vc+jwt``.

Lists are derived from certificate statuses, which change only together with the event log, and
cached under the log's latest sequence number: no hook is needed to keep them current.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from django.core.cache import cache as django_cache
from django.urls import reverse
from django.utils import timezone

from greencert.certification.lifecycle.log import last_sequence
from greencert.certification.models import Certificate
from greencert.marks import keys
from greencert.marks.bitstring import LIST_SIZE, encode_bits
from greencert.marks.identity import absolute, node_did
from greencert.marks.offline_checks import CREDENTIAL_TYPE

DATA = Path(__file__).parent / "data" / "status_purposes.yaml"


@dataclass(frozen=True)
class Purpose:
    name: str
    statuses: tuple[str, ...]
    zh: str
    en: str


@cache
def purposes() -> dict[str, Purpose]:
    raw = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    return {
        name: Purpose(name, tuple(spec["statuses"]), spec["zh"], spec["en"])
        for name, spec in raw.items()
    }


def index_of(certificate_pk: int) -> tuple[int, int]:
    """(list number, bit index) of a certificate."""
    return divmod(certificate_pk - 1, LIST_SIZE)


def list_url(purpose: str, block: int) -> str:
    if block == 0:
        return absolute(reverse("marks:status-list", args=[purpose]))
    return absolute(reverse("marks:status-list-block", args=[purpose, block]))


def status_entries(certificate_pk: int) -> list[dict[str, Any]]:
    """The ``credentialStatus`` entries of a certificate's credential."""
    block, bit = index_of(certificate_pk)
    return [
        {
            "id": f"{list_url(name, block)}#{bit}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": name,
            "statusListIndex": str(bit),
            "statusListCredential": list_url(name, block),
        }
        for name in purposes()
    ]


def build_list(purpose: str, block: int) -> tuple[dict[str, Any], int]:
    """The unsigned status list credential and the event sequence it reflects."""
    # Sequence first: statuses read afterwards are at least that new (events commit in order).
    sequence = last_sequence()
    first = block * LIST_SIZE + 1
    pks = Certificate.objects.filter(
        status__in=purposes()[purpose].statuses, pk__gte=first, pk__lt=first + LIST_SIZE
    ).values_list("pk", flat=True)
    url = list_url(purpose, block)
    credential = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": node_did(),
        "validFrom": timezone.now().replace(microsecond=0),
        "eventSequence": sequence,
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": purpose,
            "encodedList": encode_bits([pk - first for pk in pks]),
        },
    }
    return credential, sequence


def signed_list(purpose: str, block: int) -> tuple[str, int]:
    """The signed list (compact JWS) and its event sequence, cached per sequence and key."""
    key = keys.current_key()
    cache_key = f"marks:status-list:{purpose}:{block}:{last_sequence()}:{key.kid}"
    hit = django_cache.get(cache_key)
    if hit is not None:
        return hit
    credential, sequence = build_list(purpose, block)
    token = keys.sign(credential, typ=CREDENTIAL_TYPE, key=key)
    # Stored under the sequence it reflects; a newer event makes the next request miss.
    django_cache.set(
        f"marks:status-list:{purpose}:{block}:{sequence}:{key.kid}", (token, sequence), 3600
    )
    return token, sequence
