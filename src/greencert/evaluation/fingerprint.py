"""Fingerprint (指纹) of what an evaluation was judged on, so a certificate can cite it exactly."""

from __future__ import annotations

import hashlib
import json

from .model import Scheme
from .submission import NormalisedSubmission


def canonical_json(data: object) -> str:
    """Sorted keys, no spaces, UTF-8 text kept as is: the same data always gives the same text."""
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def fingerprint(scheme: Scheme, submission: NormalisedSubmission) -> str:
    """``sha256:`` + SHA-256 over scheme id, version, content hash and the normalised inputs."""
    payload = {
        "scheme": {"id": scheme.id, "version": scheme.version, "content_hash": scheme.content_hash},
        "inputs": submission.to_dict(),
    }
    return "sha256:" + hashlib.sha256(canonical_json(payload).encode("utf-8")).hexdigest()
