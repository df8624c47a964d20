"""The node's directory and files are readable by its own user only."""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage

from greencert.core.private_files import private_directory, private_file, publish_private


def mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


def test_the_var_directory_and_the_sqlite_database_are_private():
    assert mode(Path(settings.VAR_DIR)) == 0o700
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        assert mode(Path(settings.SQLITE_PATH)) == 0o600


def test_a_world_readable_directory_and_file_from_before_are_tightened(tmp_path: Path):
    directory, database = tmp_path / "var", tmp_path / "var" / "greencert.sqlite3"
    directory.mkdir(mode=0o755)
    database.write_bytes(b"")
    database.chmod(0o644)
    private_directory(directory)
    private_file(database)
    assert (mode(directory), mode(database)) == (0o700, 0o600)


def test_a_new_database_file_is_created_private_whatever_the_umask(tmp_path: Path):
    previous = os.umask(0)
    try:
        created = private_file(tmp_path / "new.sqlite3")
    finally:
        os.umask(previous)
    assert mode(created) == 0o600 and created.read_bytes() == b""


def test_a_published_file_appears_whole_and_is_never_replaced(tmp_path: Path):
    path = tmp_path / "key"
    assert publish_private(path, b"first") is True
    assert publish_private(path, b"second") is False
    assert path.read_bytes() == b"first" and mode(path) == 0o600
    assert list(tmp_path.iterdir()) == [path]


def test_an_uploaded_file_and_its_directory_are_stored_private(tmp_path: Path):
    storage = FileSystemStorage(location=tmp_path / "media")
    name = storage.save("announcements/2026/notice.pdf", ContentFile(b"%PDF-1.7"))
    stored = Path(storage.path(name))
    assert mode(stored) == 0o600 and mode(stored.parent) == 0o700
