"""Fingerprint (指纹) of what an evaluation was judged on, so a certificate can cite it exactly.

The fingerprint is ``sha256:`` + SHA-256 of the canonical JSON (sorted keys, no spaces, UTF-8)
of ``{"inputs": <normalised submission>, "scheme": {"content_hash", "id", "version"}}``.
The text is assembled from fragments prepared at scheme load; ``canonical_json`` over
``payload()`` gives the identical text and is the reference for it.
"""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal

from .decimals import canonical_text
from .model import Scheme
from .submission import NormalisedSubmission


def canonical_json(data: object) -> str:
    """Sorted keys, no spaces, UTF-8 text kept as is: the same data always gives the same text."""
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def payload(scheme: Scheme, submission: NormalisedSubmission) -> dict[str, object]:
    return {
        "inputs": submission.to_dict(),
        "scheme": {"content_hash": scheme.content_hash, "id": scheme.id, "version": scheme.version},
    }


def canonical_text_of(scheme: Scheme, submission: NormalisedSubmission) -> str:
    """``canonical_json(payload(...))``, built without the generic encoder (ids are plain ASCII)."""
    baseline = submission.baseline
    answers = ",".join(
        f'"{key}":{"true" if baseline[key] else "false"}' for key in sorted(baseline)
    )
    specs, values = submission.specs, submission.values
    entries = []
    for key in sorted(values):
        measured = values[key]
        if isinstance(measured, Decimal):
            entries.append(f'{specs[key].json_prefix}"{canonical_text(measured)}"}}')
        elif measured.isprintable() and '"' not in measured and "\\" not in measured:
            entries.append(f'{specs[key].json_prefix}"{measured}"}}')
        else:
            entries.append(f"{specs[key].json_prefix}{json.dumps(measured, ensure_ascii=False)}}}")
    unit = submission.certification_unit
    unit_text = "null" if unit is None else f'"{unit}"'
    scheme_text = f'{{"content_hash":"{scheme.content_hash}","id":"{scheme.id}","version":"{scheme.version}"}}'
    return (
        f'{{"inputs":{{"baseline":{{{answers}}},"certification_unit":{unit_text},'
        f'"values":{{{",".join(entries)}}}}},"scheme":{scheme_text}}}'
    )


def fingerprint(scheme: Scheme, submission: NormalisedSubmission) -> str:
    text = canonical_text_of(scheme, submission)
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()
