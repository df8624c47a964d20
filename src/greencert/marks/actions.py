"""State changes of the marks app: the node's signing keys and the scan counters.

Certificates themselves change only in ``certification.actions``; nothing here touches them.
"""

from __future__ import annotations

import base64
import datetime as dt

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from joserfc.jwk import OKPKey

from greencert.certification.models import Certificate
from greencert.core.actors import Actor
from greencert.core.errors import PermissionRefused
from greencert.marks.identity import key_id
from greencert.marks.models import MarkScan, SigningKey
from greencert.marks.offline_checks import ALGORITHM
from greencert.parties.permissions import is_alliance_admin


def _new_key(number: int) -> SigningKey:
    private = Ed25519PrivateKey.generate()
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode("ascii")
    raw = private.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    public: dict[str, str | list[str]] = {
        "kty": "OKP",
        "crv": "Ed25519",
        "x": base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii"),
    }
    kid = key_id(OKPKey.import_key(public).thumbprint())
    jwk: dict[str, object] = {**public, "kid": kid, "alg": ALGORITHM, "use": "sig"}
    return SigningKey.objects.create(number=number, kid=kid, private_key_pem=pem, public_jwk=jwk)


def ensure_signing_key() -> SigningKey:
    """The current signing key, created on first use (key 1)."""
    key = SigningKey.objects.filter(retired_at__isnull=True).order_by("-number").first()
    if key is not None:
        return key
    try:
        with transaction.atomic():
            return _new_key(1)
    except IntegrityError:  # another process created it first
        return SigningKey.objects.filter(retired_at__isnull=True).order_by("-number")[0]


@transaction.atomic
def rotate_signing_key(actor: Actor) -> SigningKey:
    """Retire the current key and start signing with a new one (密钥轮换)."""
    if not (actor.is_system or is_alliance_admin(actor)):
        raise PermissionRefused(
            field="actor",
            value=actor.label,
            expected_zh="只有联盟秘书处、平台运维或系统命令可以轮换签名密钥",
            expected_en="only the alliance secretariat, the node operator or a system command "
            "may rotate the signing key",
        )
    current = ensure_signing_key()
    # Conditioned on the key still being current: of two concurrent rotations one wins.
    retired = SigningKey.objects.filter(pk=current.pk, retired_at__isnull=True).update(
        retired_at=timezone.now()
    )
    if not retired:
        return ensure_signing_key()
    return _new_key(current.number + 1)


def record_scan(
    certificate: Certificate | int, *, region_code: str = "", day: dt.date | None = None
) -> None:
    """Count one QR scan of ``certificate``'s mark (a public, anonymous event: no actor); the
    certificate or its id."""
    day = day or timezone.localdate()
    certificate_id = certificate if isinstance(certificate, int) else certificate.pk
    rows = MarkScan.objects.filter(certificate_id=certificate_id, day=day, region_code=region_code)
    if rows.update(count=F("count") + 1):
        return
    try:
        with transaction.atomic():
            MarkScan.objects.create(
                certificate_id=certificate_id, day=day, region_code=region_code, count=1
            )
    except IntegrityError:  # a concurrent first scan of the day created the row
        rows.update(count=F("count") + 1)
