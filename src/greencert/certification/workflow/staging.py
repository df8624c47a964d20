"""A file chosen on a form that came back with an error, kept so the user need not choose it again.

Browsers never refill a file input, so a form that fails validation would drop the document the
enterprise chose. The upload is kept under ``staging/<user id>/<token>/`` in the media storage; the
form carries only the token, and a token is good only for the user who uploaded the file.
"""

from __future__ import annotations

import re
import secrets
from pathlib import PurePath

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile

ROOT = "staging"
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{22}$")


def _folder(user_id: int, token: str) -> str | None:
    return f"{ROOT}/{int(user_id)}/{token}" if _TOKEN.match(token or "") else None


def stage(user_id: int, upload: UploadedFile) -> str:
    """Keep ``upload`` for this user; the token that names it."""
    token = secrets.token_urlsafe(16)
    name = PurePath(upload.name or "document").name[-100:]
    upload.seek(0)
    default_storage.save(f"{_folder(user_id, token)}/{name}", upload)
    upload.seek(0)
    return token


def _path(user_id: int, token: str) -> str | None:
    folder = _folder(user_id, token)
    if folder is None or not default_storage.exists(folder):
        return None
    _dirs, files = default_storage.listdir(folder)
    return f"{folder}/{files[0]}" if files else None


def name_of(user_id: int, token: str) -> str:
    """The kept file's name, or "" when the token names nothing of this user's."""
    path = _path(user_id, token)
    return PurePath(path).name if path else ""


def kept(user_id: int, token: str) -> SimpleUploadedFile | None:
    """The kept file as an upload, or None when the token names nothing of this user's."""
    path = _path(user_id, token)
    if path is None:
        return None
    with default_storage.open(path, "rb") as stored:
        return SimpleUploadedFile(PurePath(path).name, stored.read())


def discard(user_id: int, token: str) -> None:
    path = _path(user_id, token)
    if path is not None:
        default_storage.delete(path)
