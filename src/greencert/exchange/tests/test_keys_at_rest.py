"""Private keys are encrypted at rest, and a key id names one key only."""

from __future__ import annotations

import json
from base64 import urlsafe_b64decode
from io import StringIO
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection
from django.db.models import Model
from django.test import Client, override_settings

from greencert.core import sealing
from greencert.core.actors import Actor
from greencert.exchange.models import LogSigningKey, WitnessKey
from greencert.exchange.tlog.storage import ensure_log_key
from greencert.exchange.witness.keys import ensure_witness_key
from greencert.marks import keys as mark_keys
from greencert.marks import offline_checks
from greencert.marks.actions import rotate_signing_key
from greencert.marks.models import SigningKey

pytestmark = pytest.mark.django_db

KEY_TABLES = [SigningKey, LogSigningKey, WitnessKey]


def stored(model: type[Model], pk: int) -> str:
    """The column as the database holds it (the ORM would decrypt it)."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT private_key_pem FROM {table} WHERE id = %s", [pk])
        return str(cursor.fetchone()[0])


def write_stored(model: type[Model], pk: int, value: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {model._meta.db_table} SET private_key_pem = %s WHERE id = %s", [value, pk]
        )


def all_keys() -> list:
    return [mark_keys.current_key(), ensure_log_key(), ensure_witness_key()]


def header(token: str) -> dict:
    part = token.split(".")[0]
    return json.loads(urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def credential(client: Client, number: str) -> str:
    return client.get(f"/api/v1/certificates/{number}/credential").content.decode()


def checks_against_did(client: Client, token: str, tmp_path: Path) -> dict[str, bool | None]:
    """The issuer-key and signature checks of ``token`` against the node's DID document as a
    verifier downloads it now."""
    trust = tmp_path / "did.json"
    trust.write_bytes(client.get("/.well-known/did.json").content)
    checks, _payload = offline_checks.check_signature(
        token, offline_checks.load_trust(trust), "vc+jwt"
    )
    return {c.name: c.ok for c in checks}


def test_every_private_key_is_stored_encrypted_and_still_signs():
    for key in all_keys():
        raw = stored(type(key), key.pk)
        assert raw.startswith("fernet:") and "PRIVATE KEY" not in raw
        assert "BEGIN PRIVATE KEY" in type(key).objects.get(pk=key.pk).private_key_pem
    token = mark_keys.sign({"a": 1}, typ="vc+jwt")
    assert header(token)["kid"] == SigningKey.objects.get().kid


def test_a_key_stored_in_plain_before_sealing_still_signs_and_seal_keys_encrypts_it():
    keys = all_keys()
    plain = {type(k): k.private_key_pem for k in keys}
    for key in keys:
        write_stored(type(key), key.pk, plain[type(key)])
    assert SigningKey.objects.get().private_key_pem == plain[SigningKey]
    out = StringIO()
    call_command("seal_keys", stdout=out)
    assert out.getvalue().startswith("3 private key(s) sealed")
    for key in keys:
        assert stored(type(key), key.pk).startswith("fernet:")
        assert type(key).objects.get(pk=key.pk).private_key_pem == plain[type(key)]


def test_a_database_sealed_under_another_key_says_which_setting_to_fix():
    key = mark_keys.current_key()
    other = Fernet.generate_key().decode()
    with (
        override_settings(GREENCERT_KEY_ENCRYPTION_KEY=other),
        pytest.raises(sealing.SealingError, match="GREENCERT_KEY_ENCRYPTION_KEY"),
    ):
        SigningKey.objects.get(pk=key.pk)


def test_the_key_encryption_key_rotates_without_losing_a_key():
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    with override_settings(GREENCERT_KEY_ENCRYPTION_KEY=old):
        pem = mark_keys.current_key().private_key_pem
    with override_settings(GREENCERT_KEY_ENCRYPTION_KEY=f"{new},{old}"):
        call_command("seal_keys", stdout=StringIO())
    with override_settings(GREENCERT_KEY_ENCRYPTION_KEY=new):
        assert SigningKey.objects.get().private_key_pem == pem
    with override_settings(GREENCERT_KEY_ENCRYPTION_KEY=old), pytest.raises(sealing.SealingError):
        SigningKey.objects.get()


def test_the_key_file_is_created_private_and_reused(tmp_path: Path):
    path = tmp_path / "keys" / "key-encryption.key"
    with override_settings(GREENCERT_KEY_ENCRYPTION_KEY="", GREENCERT_KEY_ENCRYPTION_KEY_FILE=path):
        sealed = sealing.seal("secret")
        assert path.stat().st_mode & 0o777 == 0o600
        assert (path.parent.stat().st_mode & 0o777) == 0o700
        assert sealing.unseal(sealed) == "secret"
        first = path.read_bytes()
        sealing.seal("again")
        assert path.read_bytes() == first


def test_a_malformed_key_encryption_key_is_refused_with_its_expected_form():
    with (
        override_settings(GREENCERT_KEY_ENCRYPTION_KEY="not-a-key"),
        pytest.raises(sealing.SealingError, match="not a Fernet key"),
    ):
        sealing.seal("x")


def test_key_ids_are_jwk_thumbprints_so_a_new_key_never_takes_an_old_id(
    issued_certificate, client: Client
):
    first = mark_keys.current_key()
    rotate_signing_key(Actor.for_system("test"))
    second = mark_keys.current_key()
    assert first.kid != second.kid
    for key in (first, second):
        assert key.kid.split("#")[1] == key.public_jwk["kid"].split("#")[1]
        assert not key.kid.endswith(("#key-1", "#key-2"))


def test_a_node_restored_from_before_its_first_key_refuses_old_credentials_by_kid_not_signature(
    issued_certificate, client: Client, tmp_path: Path
):
    before = credential(client, issued_certificate.number)
    assert checks_against_did(client, before, tmp_path)["signature"] is True
    # The database comes back from a backup taken before any key existed: the key is gone, and
    # the node makes a new one on first use.
    SigningKey.objects.all().delete()
    after = credential(client, issued_certificate.number)
    assert header(after)["kid"] != header(before)["kid"]
    assert checks_against_did(client, after, tmp_path) == {
        "header": True,
        "issuer key": True,
        "signature": True,
        "issuer": True,
    }
    # The old credential names a key the node no longer publishes: refused as an unknown key,
    # never as a trusted key whose signature fails.
    assert checks_against_did(client, before, tmp_path) == {"header": True, "issuer key": False}


def test_a_credential_signed_under_an_old_numbered_kid_keeps_verifying(
    issued_certificate, client: Client, tmp_path: Path
):
    key = mark_keys.current_key()
    legacy = key.kid.split("#")[0] + "#key-1"
    SigningKey.objects.filter(pk=key.pk).update(
        kid=legacy, public_jwk={**key.public_jwk, "kid": legacy}
    )
    old = credential(client, issued_certificate.number)
    assert header(old)["kid"] == legacy
    rotate_signing_key(Actor.for_system("test"))
    new = credential(client, issued_certificate.number)
    assert header(new)["kid"] != legacy
    assert checks_against_did(client, old, tmp_path)["signature"] is True
    assert checks_against_did(client, new, tmp_path)["signature"] is True
