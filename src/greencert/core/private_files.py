"""The node's files are its own: ``var/`` is 0700 and what it holds 0600 (the SQLite database
holds password hashes, webhook secrets and complainants' contacts; the key files hold keys).

Plain Python, no Django: the settings call it before anything opens the database.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

DIRECTORY_MODE = 0o700
FILE_MODE = 0o600


def private_directory(path: Path) -> Path:
    """Create ``path`` (and parents) if needed and make it 0700."""
    path.mkdir(mode=DIRECTORY_MODE, parents=True, exist_ok=True)
    if stat.S_IMODE(path.stat().st_mode) != DIRECTORY_MODE:
        path.chmod(DIRECTORY_MODE)
    return path


def private_file(path: Path) -> Path:
    """Create ``path`` empty if it does not exist (an empty file is a valid SQLite database) and
    make it 0600; SQLite gives its -wal and -shm files the database file's mode."""
    fd = os.open(path, os.O_CREAT | os.O_WRONLY, FILE_MODE)
    os.close(fd)
    if stat.S_IMODE(path.stat().st_mode) != FILE_MODE:
        path.chmod(FILE_MODE)
    return path


def tighten(path: Path) -> None:
    """Make an existing file 0600 (a file created world-readable by an earlier version)."""
    if path.exists() and stat.S_IMODE(path.stat().st_mode) != FILE_MODE:
        path.chmod(FILE_MODE)


def write_private(path: Path, data: bytes, *, exclusive: bool = False) -> None:
    """Write ``data`` to ``path`` created 0600 (``exclusive``: fail if it exists)."""
    flags = os.O_WRONLY | os.O_CREAT | (os.O_EXCL if exclusive else os.O_TRUNC)
    fd = os.open(path, flags, FILE_MODE)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.chmod(path, FILE_MODE)


def publish_private(path: Path, data: bytes) -> bool:
    """Create ``path`` (0600) holding ``data`` at once, whole, unless it exists: readers never see
    it half-written. True if this call created it."""
    staging = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    write_private(staging, data)
    try:
        os.link(staging, path)
    except FileExistsError:
        return False
    finally:
        staging.unlink()
    return True
