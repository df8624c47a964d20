"""A node restored from its backup answers byte for byte as it did when the backup was made."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client

pytestmark = pytest.mark.django_db(transaction=True)


def pg_dump_missing() -> bool:
    return connection.vendor == "postgresql" and shutil.which("pg_dump") is None


needs_dump = pytest.mark.skipif(
    pg_dump_missing(), reason="pg_dump/pg_restore are not installed on this machine"
)


def answers(client: Client, number: str) -> dict[str, bytes]:
    return {
        url: client.get(url).content
        for url in (
            f"/api/v1/certificates/{number}",
            "/log/checkpoint",
            "/.well-known/did.json",
            "/.well-known/jwks.json",
        )
    }


def signature_checks(client: Client, token: str, tmp_path: Path) -> dict[str, bool | None]:
    from greencert.marks import offline_checks  # the test reads the node as a verifier would

    trust = tmp_path / "did-now.json"
    trust.write_bytes(client.get("/.well-known/did.json").content)
    checks, _ = offline_checks.check_signature(token, offline_checks.load_trust(trust), "vc+jwt")
    return {c.name: c.ok for c in checks}


@needs_dump
def test_a_restored_node_serves_the_same_bytes_and_verifies_earlier_credentials(
    issue: Callable[..., Any], client: Client, tmp_path: Path
):
    certificate = issue()
    credential = client.get(f"/api/v1/certificates/{certificate.number}/credential").content
    before = answers(client, certificate.number)
    out = StringIO()
    call_command("backup", str(tmp_path / "backup"), stdout=out)
    assert f"backed up to {tmp_path / 'backup'}" in out.getvalue()

    # After the backup the node moves on: a new certificate, a new signing key.
    issue(production_site="湖州市吴兴区绿色路 2 号")
    call_command("keys", "rotate", stdout=StringIO())
    assert answers(client, certificate.number) != before

    call_command("restore", str(tmp_path / "backup"), "--yes", stdout=StringIO())
    assert answers(client, certificate.number) == before
    assert signature_checks(client, credential.decode(), tmp_path) == {
        "header": True,
        "issuer key": True,
        "signature": True,
        "issuer": True,
    }


@needs_dump
def test_the_backup_is_private_and_lists_each_files_checksum(
    issued_certificate: Any, tmp_path: Path
):
    call_command("backup", str(tmp_path / "b"), stdout=StringIO())
    manifest = json.loads((tmp_path / "b" / "manifest.json").read_text())
    assert manifest["engine"] == connection.vendor
    assert manifest["counters"]["certificate_event"] >= 1
    assert (tmp_path / "b").stat().st_mode & 0o777 == 0o700
    for name in [*manifest["files"], "manifest.json"]:
        assert (tmp_path / "b" / name).stat().st_mode & 0o777 == 0o600, name


@needs_dump
def test_a_changed_backup_file_is_refused_before_anything_is_replaced(
    issued_certificate: Any, client: Client, tmp_path: Path
):
    call_command("backup", str(tmp_path / "b"), stdout=StringIO())
    manifest = json.loads((tmp_path / "b" / "manifest.json").read_text())
    database = next(n for n in manifest["files"] if n.startswith("database."))
    with (tmp_path / "b" / database).open("ab") as handle:
        handle.write(b"\0")
    before = client.get(f"/api/v1/certificates/{issued_certificate.number}").content
    with pytest.raises(CommandError, match="missing or changed since the backup"):
        call_command("restore", str(tmp_path / "b"), "--yes", stdout=StringIO())
    assert client.get(f"/api/v1/certificates/{issued_certificate.number}").content == before


def test_a_backup_goes_only_into_a_new_or_empty_directory(tmp_path: Path):
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x").write_text("x")
    with pytest.raises(CommandError, match="is not empty"):
        call_command("backup", str(tmp_path / "full"), stdout=StringIO())
