"""Signed credentials: verifiable with a JOSE library we did not sign with, tamper-evident,
bound to the node's published keys, and checked against the status lists."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from jwcrypto import jwk, jws

from greencert.certification.actions import revoke_certificate, suspend_certificate
from greencert.core.actors import Actor
from greencert.core.tests.fixtures import in_days
from greencert.marks import offline_checks
from greencert.marks.actions import rotate_signing_key
from greencert.marks.models import SigningKey


def b64decode(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def jwcrypto_verifies(token: str, jwks_json: str) -> bool:
    keys = jwk.JWKSet.from_json(jwks_json)
    header = json.loads(b64decode(token.split(".")[0]))
    key = keys.get_key(header["kid"])
    if key is None:
        return False
    signed = jws.JWS()
    signed.deserialize(token)
    try:
        signed.verify(key, alg="EdDSA")
    except jws.InvalidJWSSignature:
        return False
    return True


def credential_of(client: Client, number: str) -> str:
    return client.get(f"/api/v1/certificates/{number}/credential").content.decode()


def local_fetch(client: Client):
    """Status lists fetched through the test client instead of the network."""
    return lambda url: client.get(url.removeprefix("http://127.0.0.1:8000")).content.decode()


def verify_cli(credential: Path, trust: Path, *extra: str) -> tuple[bool, str]:
    from io import StringIO

    out = StringIO()
    try:
        call_command(
            "credential", "verify", str(credential), "--trust", str(trust), *extra, stdout=out
        )
    except CommandError as exc:
        return False, out.getvalue() + str(exc)
    return True, out.getvalue()


def test_the_credential_downloads_as_a_vc_jwt_file(issued_certificate, client: Client):
    response = client.get(f"/api/v1/certificates/{issued_certificate.number}/credential")

    assert response["Content-Type"] == "application/vc+jwt"
    assert f'filename="{issued_certificate.number}.vc.jwt"' in response["Content-Disposition"]


def jwk_thumbprint(public_jwk: dict) -> str:
    """RFC 7638, computed by jwcrypto (another implementation than the node's)."""
    return str(jwk.JWK(**{k: public_jwk[k] for k in ("kty", "crv", "x")}).thumbprint())


def test_the_credential_header_names_eddsa_the_key_and_vc_jwt(issued_certificate, client: Client):
    header = json.loads(b64decode(credential_of(client, issued_certificate.number).split(".")[0]))

    key = SigningKey.objects.get()
    assert header == {"alg": "EdDSA", "kid": key.kid, "typ": "vc+jwt"}
    assert key.kid == "did:web:127.0.0.1%3A8000#" + jwk_thumbprint(key.public_jwk)


def test_the_credential_verifies_with_jwcrypto(issued_certificate, client: Client):
    token = credential_of(client, issued_certificate.number)

    assert jwcrypto_verifies(token, client.get("/.well-known/jwks.json").content.decode())


def test_the_credential_is_a_untp_conformity_credential_for_the_holder(
    issued_certificate, client: Client
):
    vc = json.loads(b64decode(credential_of(client, issued_certificate.number).split(".")[1]))

    assert vc["@context"][0] == "https://www.w3.org/ns/credentials/v2"
    assert vc["type"] == ["VerifiableCredential", "DigitalConformityCredential"]
    assert vc["issuer"]["id"] == "did:web:127.0.0.1%3A8000"
    subject = vc["credentialSubject"]
    assert subject["issuedToParty"]["registeredId"] == issued_certificate.holder.credit_code
    assert subject["authorisation"][0]["identifier"] == issued_certificate.body.approval_number
    assert vc["validFrom"].startswith(issued_certificate.issue_date.isoformat())
    assert {s["statusPurpose"] for s in vc["credentialStatus"]} == {"revocation", "suspension"}
    assert {s["type"] for s in vc["credentialStatus"]} == {"BitstringStatusListEntry"}


def test_every_single_byte_change_to_the_payload_is_rejected(issued_certificate, client: Client):
    token = credential_of(client, issued_certificate.number)
    jwks_json = client.get("/.well-known/jwks.json").content.decode()
    header, payload, signature = token.split(".")
    raw = b64decode(payload)

    accepted = []
    for i in range(len(raw)):
        changed = bytearray(raw)
        changed[i] ^= 0x01
        if jwcrypto_verifies(f"{header}.{b64encode(bytes(changed))}.{signature}", jwks_json):
            accepted.append(i)

    assert len(raw) > 1000
    assert accepted == []


def test_a_credential_signed_by_an_unknown_key_is_rejected(
    issued_certificate, client: Client, trust_file: Path, tmp_path: Path
):
    from joserfc import jws as joserfc_jws
    from joserfc.jwk import OKPKey

    payload = b64decode(credential_of(client, issued_certificate.number).split(".")[1])
    intruder = OKPKey.generate_key("Ed25519")
    forged = joserfc_jws.serialize_compact(
        {"alg": "EdDSA", "kid": SigningKey.objects.get().kid, "typ": "vc+jwt"},
        payload,
        intruder,
        algorithms=["EdDSA"],
    )
    path = tmp_path / "forged.vc.jwt"
    path.write_text(forged)

    ok, output = verify_cli(path, trust_file, "--offline")

    assert not jwcrypto_verifies(forged, trust_file.read_text())
    assert not ok
    assert "✗ signature" in output


def test_the_cli_verifies_a_valid_credential_and_its_status(
    issued_certificate, client: Client, trust_file: Path, tmp_path: Path, monkeypatch
):
    path = tmp_path / "c.vc.jwt"
    path.write_text(credential_of(client, issued_certificate.number))
    monkeypatch.setattr(offline_checks, "fetch_url", local_fetch(client))
    from greencert.marks.management.commands import credential

    monkeypatch.setattr(credential, "fetch_url", local_fetch(client))

    ok, output = verify_cli(path, trust_file, "--online")

    assert ok, output
    assert "✓ signature" in output
    assert "✓ status (revocation)" in output
    assert "✓ status (suspension)" in output


def test_a_revoked_certificates_credential_keeps_its_signature_but_fails_the_status_check(
    issued_certificate, body_staff: Actor, client: Client, trust_file: Path, tmp_path: Path
):
    path = tmp_path / "c.vc.jwt"
    token = credential_of(client, issued_certificate.number)
    path.write_text(token)
    revoke_certificate(body_staff, issued_certificate, reason_code="R04")
    status_list = tmp_path / "revocation.jwt"
    status_list.write_text(client.get("/credentials/status/revocation").content.decode())

    ok, output = verify_cli(path, trust_file, "--status-list", str(status_list))

    assert jwcrypto_verifies(token, trust_file.read_text())
    assert not ok
    assert "✓ signature" in output
    assert "✗ status (revocation): REVOKED" in output


def test_a_suspended_certificates_credential_fails_the_suspension_check(
    issued_certificate,
    body_staff: Actor,
    client: Client,
    trust_file: Path,
    tmp_path: Path,
    monkeypatch,
):
    from greencert.marks.management.commands import credential

    path = tmp_path / "c.vc.jwt"
    path.write_text(credential_of(client, issued_certificate.number))
    suspend_certificate(body_staff, issued_certificate, reason_code="S01", until=in_days(30))
    monkeypatch.setattr(credential, "fetch_url", local_fetch(client))

    ok, output = verify_cli(path, trust_file, "--online")

    assert not ok
    assert "✗ status (suspension): SUSPENDED" in output
    assert "✓ status (revocation)" in output


def test_offline_verification_checks_the_signature_and_dates_without_the_status(
    issued_certificate, client: Client, trust_file: Path, tmp_path: Path
):
    path = tmp_path / "c.vc.jwt"
    path.write_text(credential_of(client, issued_certificate.number))

    ok, output = verify_cli(path, trust_file, "--offline")

    assert ok, output
    assert "– status (revocation): not checked" in output


def test_a_credential_past_its_valid_until_date_fails(
    issued_certificate, client: Client, trust_file: Path, tmp_path: Path
):
    path = tmp_path / "c.vc.jwt"
    path.write_text(credential_of(client, issued_certificate.number))
    later = issued_certificate.expiry_date.replace(year=issued_certificate.expiry_date.year + 1)

    ok, output = verify_cli(path, trust_file, "--offline", "--now", f"{later.isoformat()}T00:00")

    assert not ok
    assert "✗ validity: expired" in output


@pytest.mark.parametrize("status", ["02", "03", "04", "05"])
def test_a_certificate_that_is_not_valid_gets_no_fresh_credential(
    certificate_in_status, client: Client, status: str
):
    certificate = certificate_in_status(status)

    response = client.get(f"/api/v1/certificates/{certificate.number}/credential")

    assert response.status_code == 410
    assert response.json()["error"]["code"] == "certificate_not_valid"


def test_an_unknown_certificate_has_no_credential(db, client: Client):
    assert client.get("/api/v1/certificates/GC3320250000001K/credential").status_code in {400, 404}


def test_the_status_list_is_16_kb_and_has_the_revoked_certificates_bit_set(
    issue, body_staff: Actor, client: Client
):
    from greencert.marks.bitstring import bit_is_set, decode_bits
    from greencert.marks.statuslist import index_of

    kept, revoked = issue(), issue()
    revoke_certificate(body_staff, revoked, reason_code="R04")

    token = client.get("/credentials/status/revocation").content.decode()
    bits = decode_bits(
        json.loads(b64decode(token.split(".")[1]))["credentialSubject"]["encodedList"]
    )

    assert len(bits) * 8 == 131_072
    assert bit_is_set(bits, index_of(revoked.pk)[1])
    assert not bit_is_set(bits, index_of(kept.pk)[1])


def test_the_status_list_follows_the_event_log_without_a_stale_cache(
    issued_certificate, body_staff: Actor, client: Client
):
    before = client.get("/credentials/status/revocation")
    revoke_certificate(body_staff, issued_certificate, reason_code="R04")
    after = client.get("/credentials/status/revocation")

    assert before.content != after.content
    assert before["ETag"] != after["ETag"]


def test_the_status_list_is_signed_and_verifies_with_jwcrypto(issued_certificate, client: Client):
    token = client.get("/credentials/status/suspension").content.decode()

    assert jwcrypto_verifies(token, client.get("/.well-known/jwks.json").content.decode())


def test_the_cli_writes_a_credential_file(issued_certificate, tmp_path: Path):
    path = tmp_path / "out.vc.jwt"

    call_command("credential", "issue", issued_certificate.number, "-o", str(path))

    assert path.read_text().count(".") == 2


def test_after_key_rotation_an_old_credential_still_verifies(
    issued_certificate, client: Client, tmp_path: Path
):
    old = credential_of(client, issued_certificate.number)
    rotate_signing_key(Actor.for_system("test"))
    new = credential_of(client, issued_certificate.number)
    jwks_json = client.get("/.well-known/jwks.json").content.decode()
    trust = tmp_path / "did.json"
    trust.write_text(client.get("/.well-known/did.json").content.decode())
    path = tmp_path / "old.vc.jwt"
    path.write_text(old)

    ok, output = verify_cli(path, trust, "--offline")

    current = SigningKey.objects.get(retired_at__isnull=True)
    assert json.loads(b64decode(new.split(".")[0]))["kid"] == current.kid
    assert jwcrypto_verifies(old, jwks_json)
    assert jwcrypto_verifies(new, jwks_json)
    assert ok, output


def test_after_key_rotation_the_did_document_lists_both_keys(db, client: Client):
    client.get("/.well-known/did.json")
    call_command("keys", "rotate", stdout=None)

    did = client.get("/.well-known/did.json").json()

    first, second = SigningKey.objects.order_by("number")
    kids = [m["id"] for m in did["verificationMethod"]]
    assert kids == [first.kid, second.kid] and first.kid != second.kid
    assert did["assertionMethod"] == kids
    assert did["authentication"] == [second.kid]


def test_only_an_administrator_may_rotate_the_key(db, plain_user: Actor):
    from greencert.core.errors import PermissionRefused

    with pytest.raises(PermissionRefused):
        rotate_signing_key(plain_user)
