"""Private keys at rest: encrypted in the database under a key the database does not hold.

A ``SealedTextField`` keeps its text as a Fernet token (``cryptography``: AES-128-CBC with an
HMAC-SHA256 tag) prefixed ``fernet:``; Python code reads and writes plain text. The
key-encryption key comes from ``GREENCERT_KEY_ENCRYPTION_KEY`` (one or more Fernet keys,
comma-separated, the first encrypting and all decrypting, so a key can be rotated) or else from
the file ``GREENCERT_KEY_ENCRYPTION_KEY_FILE`` (one key a line), which is created (mode 0600)
with a fresh key when it does not exist. A value stored before sealing (plain PEM) is read as
it is and sealed the next time it is written; ``greencert seal_keys`` seals or re-seals them all.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connections, models, router

from greencert.core.private_files import publish_private

PREFIX = "fernet:"
logger = logging.getLogger(__name__)


class SealingError(ImproperlyConfigured):
    """The key-encryption key is missing, malformed or not the one a value was sealed under."""


def _key_lines(text: str, source: str) -> list[bytes]:
    keys = [k.strip().encode("ascii") for k in text.replace(",", "\n").splitlines() if k.strip()]
    if not keys:
        raise SealingError(f"{source} holds no key-encryption key (expected a Fernet key)")
    return keys


def key_file() -> Path:
    return Path(settings.GREENCERT_KEY_ENCRYPTION_KEY_FILE)


def create_key_file(path: Path) -> bool:
    """Write a fresh key to ``path`` (0600) unless a file is there; True if one was written."""
    if path.exists():
        return False
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    if not publish_private(path, Fernet.generate_key() + b"\n"):
        return False  # another process wrote it first
    logger.warning("created the key-encryption key %s (keep it apart from backups)", path)
    return True


def configured_keys() -> list[bytes]:
    value = str(getattr(settings, "GREENCERT_KEY_ENCRYPTION_KEY", "") or "")
    if value.strip():
        return _key_lines(value, "GREENCERT_KEY_ENCRYPTION_KEY")
    path = key_file()
    create_key_file(path)
    try:
        return _key_lines(path.read_text(encoding="ascii"), str(path))
    except (OSError, UnicodeDecodeError) as exc:
        raise SealingError(f"cannot read the key-encryption key {path}: {exc}") from exc


@lru_cache(maxsize=4)
def _fernet(keys: tuple[bytes, ...]) -> MultiFernet:
    try:
        return MultiFernet([Fernet(k) for k in keys])
    except ValueError as exc:
        raise SealingError(
            "the key-encryption key is not a Fernet key (32 bytes, URL-safe base64; "
            "create one with `greencert seal_keys --new-key`)"
        ) from exc


def fernet() -> MultiFernet:
    return _fernet(tuple(configured_keys()))


def is_sealed(stored: str) -> bool:
    return stored.startswith(PREFIX)


def seal(text: str) -> str:
    return PREFIX + fernet().encrypt(text.encode("utf-8")).decode("ascii")


def unseal(stored: str) -> str:
    if not is_sealed(stored):
        return stored  # written before keys were sealed
    try:
        return fernet().decrypt(stored[len(PREFIX) :].encode("ascii")).decode("utf-8")
    except InvalidToken:
        raise SealingError(
            "a private key in the database was sealed under another key-encryption key "
            "(set GREENCERT_KEY_ENCRYPTION_KEY or GREENCERT_KEY_ENCRYPTION_KEY_FILE to it)"
        ) from None


def reseal(stored: str) -> str:
    """``stored`` sealed under the first configured key (plain text is sealed)."""
    if not is_sealed(stored):
        return seal(stored)
    try:
        token = fernet().rotate(stored[len(PREFIX) :].encode("ascii"))
    except InvalidToken:
        unseal(stored)  # raises the explained error
        raise
    return PREFIX + token.decode("ascii")


class SealedTextField(models.TextField):
    """Text encrypted at rest under the key-encryption key (for private keys)."""

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        return None if value is None else unseal(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "" or is_sealed(value):
            return value
        return seal(value)


def sealed_fields() -> list[tuple[type[models.Model], str]]:
    return [
        (model, field.name)
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if isinstance(field, SealedTextField)
    ]


def seal_all() -> int:
    """Seal every stored private key under the first key-encryption key; the rows changed."""
    changed = 0
    for model, name in sealed_fields():
        # The ORM unseals what it reads: the stored column is read with SQL.
        for pk in model._default_manager.values_list("pk", flat=True):
            raw = _raw(model, name, pk)
            if not raw:
                continue
            resealed = reseal(raw)
            if resealed != raw:
                model._default_manager.filter(pk=pk).update(**{name: resealed})
                changed += 1
    return changed


def _raw(model: type[models.Model], name: str, pk: Any) -> str | None:
    column = _column(model, name)
    table = model._meta.db_table
    connection = connections[router.db_for_read(model)]
    quote = connection.ops.quote_name
    pk_column = _column(model, model._meta.pk.name) if model._meta.pk else "id"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {quote(column)} FROM {quote(table)} WHERE {quote(pk_column)} = %s",
            [pk],
        )
        row = cursor.fetchone()
    return None if row is None else str(row[0])


def _column(model: type[models.Model], name: str) -> str:
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field)
    return str(field.column)


def new_key() -> str:
    return Fernet.generate_key().decode("ascii")


__all__ = [
    "SealedTextField",
    "SealingError",
    "create_key_file",
    "new_key",
    "reseal",
    "seal",
    "seal_all",
    "unseal",
]


def seal_rows(model: type[models.Model], field: str) -> None:
    """Migration step: seal the plain private keys of ``model`` (a historical model)."""
    for pk, value in model._default_manager.values_list("pk", field):
        model._default_manager.filter(pk=pk).update(**{field: value})  # sealed on the way in


def unseal_rows(model: type[models.Model], field: str, connection: Any) -> None:
    """Migration step back: write the keys of ``model`` as plain PEM again."""
    quote = connection.ops.quote_name
    table, column = model._meta.db_table, _column(model, field)
    pk_column = _column(model, model._meta.pk.name) if model._meta.pk else "id"
    for pk, value in model._default_manager.values_list("pk", field):
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {quote(table)} SET {quote(column)} = %s WHERE {quote(pk_column)} = %s",
                [value, pk],
            )
