"""The verifier's view of this node: its published keys saved as a trust file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.test import Client


@pytest.fixture
def trust_file(db: None, client: Client, tmp_path: Path) -> Path:
    """The node's JWKS as a verifier would save it from /.well-known/jwks.json."""
    path = tmp_path / "jwks.json"
    path.write_text(client.get("/.well-known/jwks.json").content.decode(), encoding="utf-8")
    return path


@pytest.fixture
def did_trust_file(db: None, client: Client, tmp_path: Path) -> Path:
    path = tmp_path / "did.json"
    path.write_text(json.dumps(client.get("/.well-known/did.json").json()), encoding="utf-8")
    return path
