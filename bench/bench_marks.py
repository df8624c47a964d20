"""Benchmarks of the marks app: credentials signed and verified per second, mark PNGs per second.

``run()`` returns a Markdown section for bench/RESULTS.md. It needs no database: the credential
is a realistic payload of the size a certificate produces, signed with a throw-away key exactly
as ``marks.keys.sign`` does (joserfc, Ed25519 over RFC 8785 canonical JSON).
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable

ROUNDS = 7


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "greencert.settings")
    import django

    django.setup()


def _rate(action: Callable[[], object], batch: int) -> float:
    """Median operations per second over ROUNDS batches."""
    rates = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        for _ in range(batch):
            action()
        rates.append(batch / (time.perf_counter() - start))
    return statistics.median(rates)


def _credential_payload() -> dict[str, object]:
    number = "GC3320250000123K"
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": f"http://127.0.0.1:8000/api/v1/certificates/{number}/credential",
        "type": ["VerifiableCredential", "DigitalConformityCredential"],
        "issuer": {"type": ["CredentialIssuer"], "id": "did:web:127.0.0.1%3A8000", "name": "YRD"},
        "validFrom": "2025-03-01T00:00:00+08:00",
        "validUntil": "2030-03-01T00:00:00+08:00",
        "credentialSubject": {
            "type": ["ConformityAttestation"],
            "name": number,
            "issuedToParty": {"registeredId": "91330500MA2B3C4D5X", "name": "湖州绿华涂料有限公司"},
            "authorisation": [
                {"identifier": "CNCA-R-1999-901", "name": "上海示例绿色认证中心有限公司"}
            ],
            "assessment": [
                {
                    "referenceStandard": {
                        "id": "urn:std:GB/T 35602-2017",
                        "name": "绿色产品评价 涂料",
                    },
                    "assessedProduct": [{"name": "水性外墙涂料", "modelNumber": ["LB-1", "LB-2"]}],
                    "evidenceFingerprint": "sha256:" + "ab" * 32,
                }
            ],
        },
        "credentialStatus": [
            {"type": "BitstringStatusListEntry", "statusPurpose": p, "statusListIndex": "122"}
            for p in ("revocation", "suspension")
        ],
    }


def run() -> str:
    _setup_django()
    from joserfc import jws
    from joserfc.jwk import OKPKey

    from greencert.core.canonical import canonical_json
    from greencert.marks.artwork import BodyPanel, MarkContent, to_png
    from greencert.marks.offline_checks import check_signature
    from greencert.marks.qr import certificate_qr_url

    key = OKPKey.generate_key("Ed25519", parameters={"kid": "did:web:127.0.0.1%3A8000#key-1"})
    header = {"alg": "EdDSA", "kid": "did:web:127.0.0.1%3A8000#key-1", "typ": "vc+jwt"}
    payload = _credential_payload()
    trusted = {header["kid"]: {**key.as_dict(private=False), "kid": header["kid"]}}

    def sign() -> str:
        return jws.serialize_compact(header, canonical_json(payload), key, algorithms=["EdDSA"])

    token = sign()

    def verify() -> None:
        checks, result = check_signature(token, trusted, "vc+jwt")
        assert result is not None, checks

    content = MarkContent(
        certificate_qr_url("GC3320250000123K"),
        (BodyPanel("长三角绿色认证中心1号有限公司"),),
        ("证书编号 No.", "GC3320250000123K"),
    )
    to_png(content)  # load fonts once

    signed = _rate(sign, 200)
    verified = _rate(verify, 200)
    rendered = _rate(lambda: to_png(content), 5)
    return "\n".join(
        [
            "## Marks and credentials (bench/bench_marks.py)",
            "",
            f"Medians of {ROUNDS} batches, one process, {len(token)}-byte credential JWS, "
            "mark PNG 104 × 32 mm at 600 dpi with a version 3-Q QR code.",
            "",
            "| operation | per second |",
            "| --- | ---: |",
            f"| credentials signed (joserfc, Ed25519, canonical JSON) | {signed:,.0f} |",
            f"| credentials verified (header, key, signature, issuer) | {verified:,.0f} |",
            f"| mark PNGs rendered (Pillow, 2457 × 756 px) | {rendered:,.1f} |",
            "",
        ]
    )


if __name__ == "__main__":
    print(run())
