"""The node's secret key: never a default everyone knows. A server without GREENCERT_SECRET_KEY or
GREENCERT_SECRET_KEY_FILE refuses to start; a key file is made once, owner-only, and kept."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from greencert.settings import TEST_SECRET_KEY, secret_key


def test_the_key_from_the_environment_is_used():
    assert secret_key({"GREENCERT_SECRET_KEY": "k" * 60}, testing=False) == "k" * 60


def test_without_a_key_a_server_refuses_to_start_and_says_how_to_give_one():
    with pytest.raises(ImproperlyConfigured) as refused:
        secret_key({}, testing=False)

    message = str(refused.value)
    assert "GREENCERT_SECRET_KEY" in message and "GREENCERT_SECRET_KEY_FILE" in message
    assert "未设置密钥" in message


def test_a_key_file_is_made_once_readable_by_its_owner_only_and_kept(tmp_path: Path):
    path = tmp_path / "keys" / "secret-key"
    environ = {"GREENCERT_SECRET_KEY_FILE": str(path)}

    first = secret_key(environ, testing=False)
    second = secret_key(environ, testing=False)

    assert first == second and len(first) >= 50
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert list(path.parent.iterdir()) == [path]  # no draft left beside it


def test_two_nodes_with_their_own_files_get_different_keys(tmp_path: Path):
    one = secret_key({"GREENCERT_SECRET_KEY_FILE": str(tmp_path / "a")}, testing=False)
    two = secret_key({"GREENCERT_SECRET_KEY_FILE": str(tmp_path / "b")}, testing=False)

    assert one != two


def test_only_the_test_suite_has_a_key_without_configuration():
    assert secret_key({}, testing=True) == TEST_SECRET_KEY


def test_the_console_command_refuses_to_start_without_a_key(tmp_path: Path):
    environ = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("GREENCERT_SECRET_KEY") and k != "PYTEST_VERSION"
    }
    environ |= {"GREENCERT_VAR_DIR": str(tmp_path), "GREENCERT_DATABASE_URL": "sqlite:///:memory:"}
    done = subprocess.run(
        [sys.executable, "-m", "greencert", "check"],
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert done.returncode != 0
    assert "No secret key: set GREENCERT_SECRET_KEY" in done.stderr
