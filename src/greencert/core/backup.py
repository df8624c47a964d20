"""Backups of a node, and restoring one: the database, the uploaded files and the key that
unseals the private keys, in one directory with a manifest of SHA-256 checksums.

SQLite is copied with its online backup API (consistent while the node serves); PostgreSQL with
``pg_dump --format=custom`` and put back with ``pg_restore --clean`` in one transaction (the
binaries come from ``PATH`` or ``GREENCERT_PG_BIN``). Everything written is 0600 in a 0700
directory: with the key-encryption key beside the database, a backup opens the node's keys, so
keep it as you keep the key.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.db import connection, connections

from greencert.core import sealing
from greencert.core.private_files import private_directory, tighten

MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.dump"
MEDIA_DIR = "media"
KEY_FILE = "key-encryption.key"
FORMAT = "greencert-backup-1"


class BackupError(RuntimeError):
    """A backup cannot be made or restored; the message says why and what to do."""


@dataclass(frozen=True)
class Restored:
    engine: str
    files: int
    key_file: str  # "" when the backup holds no key-encryption key


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _pg_binary(name: str) -> str:
    folder = os.environ.get("GREENCERT_PG_BIN", "")
    found = str(Path(folder) / name) if folder else shutil.which(name)
    if not found or not Path(found).exists():
        raise BackupError(
            f"{name} 未找到（请安装 PostgreSQL 客户端或设置 GREENCERT_PG_BIN）/ {name} was not found "
            "(install the PostgreSQL client programs or set GREENCERT_PG_BIN to their folder)"
        )
    return found


def _pg_arguments() -> tuple[list[str], dict[str, str]]:
    db = connection.settings_dict
    arguments = ["--dbname", str(db["NAME"])]
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if db.get(key):
            arguments += [flag, str(db[key])]
    environment = dict(os.environ)
    if db.get("PASSWORD"):
        environment["PGPASSWORD"] = str(db["PASSWORD"])
    return arguments, environment


def _run(command: list[str], environment: dict[str, str]) -> None:
    result = subprocess.run(command, env=environment, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {result.stderr.strip()[:2000]}")


def _sqlite_path() -> Path:
    return Path(str(connection.settings_dict["NAME"]))


def _counters() -> dict[str, int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, value FROM core_counter ORDER BY name")
        return {str(name): int(value) for name, value in cursor.fetchall()}


def backup(target: Path) -> dict[str, Any]:
    """Write a backup of this node into ``target`` (created; must be empty); the manifest."""
    if target.exists() and any(target.iterdir()):
        raise BackupError(
            f"备份目录 {target} 非空 / the backup directory {target} is not empty: "
            "expected a new or empty directory"
        )
    private_directory(target)
    engine = connection.vendor
    if engine == "sqlite":
        database = target / SQLITE_FILE
        source = sqlite3.connect(_sqlite_path())
        copy = sqlite3.connect(database)
        try:
            source.backup(copy)
        finally:
            copy.close()
            source.close()
    elif engine == "postgresql":
        database = target / PG_FILE
        arguments, environment = _pg_arguments()
        _run(
            [_pg_binary("pg_dump"), "--format=custom", "--file", str(database), *arguments],
            environment,
        )
    else:
        raise BackupError(f"no backup is written for a {engine} database")
    tighten(database)
    media = Path(settings.MEDIA_ROOT)
    if media.is_dir():
        shutil.copytree(media, target / MEDIA_DIR)
    key_source = ""
    if not str(getattr(settings, "GREENCERT_KEY_ENCRYPTION_KEY", "") or "").strip():
        key_path = sealing.key_file()
        if key_path.exists():
            shutil.copyfile(key_path, target / KEY_FILE)
            key_source = KEY_FILE
    files = {}
    for path in sorted(p for p in target.rglob("*") if p.is_file()):
        if path.name != MANIFEST:
            tighten(path)
            files[path.relative_to(target).as_posix()] = _sha256(path)
    manifest = {
        "format": FORMAT,
        "engine": engine,
        "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "counters": _counters(),
        "key_encryption_key": key_source or "from the environment (not in the backup)",
        "files": files,
    }
    manifest_path = target / MANIFEST
    manifest_path.write_text(json.dumps(manifest, indent=1, ensure_ascii=False), "utf-8")
    tighten(manifest_path)
    return manifest


def read_manifest(source: Path) -> dict[str, Any]:
    try:
        manifest = dict(json.loads((source / MANIFEST).read_text("utf-8")))
    except (OSError, ValueError) as exc:
        raise BackupError(
            f"{source}: no readable {MANIFEST} ({exc}): not a greencert backup"
        ) from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{source}: format {manifest.get('format')!r}, expected {FORMAT}")
    for name, checksum in manifest["files"].items():
        path = source / name
        if not path.is_file() or _sha256(path) != checksum:
            raise BackupError(
                f"备份文件 {name} 缺失或已改动 / {source / name} is missing or changed since the "
                "backup (its SHA-256 differs from the manifest)"
            )
    return manifest


def restore(source: Path) -> Restored:
    """Replace this node's database, uploads and key-encryption key with the backup's."""
    manifest = read_manifest(source)
    engine = connection.vendor
    if manifest["engine"] != engine:
        raise BackupError(
            f"备份来自 {manifest['engine']}，本节点为 {engine} / the backup is of a "
            f"{manifest['engine']} database; this node's is {engine}"
        )
    key_file = ""
    if (source / KEY_FILE).is_file():
        key_file = _install_key_file(source / KEY_FILE)
    connections.close_all()
    if engine == "sqlite":
        backup_db = sqlite3.connect(source / SQLITE_FILE)
        live = sqlite3.connect(_sqlite_path())
        try:
            backup_db.backup(live)
        finally:
            live.close()
            backup_db.close()
    else:
        arguments, environment = _pg_arguments()
        _run(
            [
                _pg_binary("pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-acl",
                "--single-transaction",
                "--exit-on-error",
                *arguments,
                str(source / PG_FILE),
            ],
            environment,
        )
    media = Path(settings.MEDIA_ROOT)
    if media.exists():
        shutil.rmtree(media)
    if (source / MEDIA_DIR).is_dir():
        shutil.copytree(source / MEDIA_DIR, media)
        for path in media.rglob("*"):
            path.chmod(0o700 if path.is_dir() else 0o600)
    for alias in settings.CACHES:
        caches[alias].clear()
    _check_keys_open()
    return Restored(engine=engine, files=len(manifest["files"]), key_file=key_file)


def _install_key_file(backup_key: Path) -> str:
    """Put the backup's key-encryption key where this node reads it (keeping any other key the
    node had beside it, named ``….before-restore``)."""
    if str(getattr(settings, "GREENCERT_KEY_ENCRYPTION_KEY", "") or "").strip():
        return ""  # the environment names the key; the operator supplies the backup's
    path = sealing.key_file()
    if path.exists():
        if path.read_bytes() == backup_key.read_bytes():
            return str(path)
        path.replace(path.with_name(path.name + ".before-restore"))
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    shutil.copyfile(backup_key, path)
    tighten(path)
    return str(path)


def _check_keys_open() -> None:
    for model, name in sealing.sealed_fields():
        try:
            list(model._default_manager.values_list(name, flat=True))
        except sealing.SealingError as exc:
            raise BackupError(
                f"恢复完成，但私钥无法解密 / restored, but the private keys do not open: {exc}"
            ) from exc
