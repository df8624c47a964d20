"""The transparency-log proof a credential or receipt carries, and its offline check.

A credential's ``evidence`` (W3C VC 2.0 §5.6) and a receipt's ``transparencyLog`` hold one entry
of type ``TransparencyLogInclusionProof`` for the event the document rests on (a credential: the
certificate's latest event; a receipt: the event its stated status comes from)::

    {"type": ["TransparencyLogInclusionProof"],
     "id": "<GET /api/v1/certificates/{number}/proof>",
     "checkpoint": "<the signed checkpoint note, as /log/checkpoint serves it>",
     "checkpointSignedAt": "<when the node signed it>",
     "leafIndex": <sequence - 1>,
     "leaf": "<the leaf: the event's canonical JSON as the change feed publishes it>",
     "inclusionProof": ["<base64 hash>", ...]}

The log itself lives in ``exchange``, above this app: at start-up it registers the function that
proves an event (``register_log``) and the one that checks a carried proof offline. The log is
caught up before a proof is made, so a document issued right after a commit still carries the
event it states (the checkpoint is the newest, which then covers it).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

EVIDENCE_TYPE = "TransparencyLogInclusionProof"


@dataclass(frozen=True)
class TreeCheck:
    """What an offline check of a carried proof found: the tree it rests on (when the checkpoint
    could be read), the leaf event, who cosigned, and each problem in Chinese and English."""

    origin: str = ""
    size: int = 0
    root_hash: str = ""  # base64, as the checkpoint writes it
    signed_at: str = ""
    signer: str = ""  # the verifier key whose signature checked
    leaf: dict[str, Any] | None = None
    cosigners: list[str] = field(default_factory=list)  # one line each, for people
    problems: list[tuple[str, str]] = field(default_factory=list)  # (zh, en)
    key_missing: bool = False  # no verifier key for the checkpoint's origin


Prover = Callable[[int], dict[str, Any]]
Checker = Callable[[dict[str, Any], list[str]], TreeCheck]

_prover: Prover | None = None
_checker: Checker | None = None


def register_log(prover: Prover, checker: Checker) -> None:
    global _prover, _checker
    _prover, _checker = prover, checker


def evidence_for(sequence: int | None) -> dict[str, Any] | None:
    """The inclusion proof of the event with ``sequence``, or None without a log or an event."""
    if _prover is None or sequence is None:
        return None
    return _prover(sequence)


def check(entry: dict[str, Any], log_keys: list[str]) -> TreeCheck | None:
    """The offline check of a carried proof under the given log verifier keys (``name+id+key``);
    None when this installation has no transparency log to check it with."""
    if _checker is None:
        return None
    return _checker(entry, log_keys)


def leaf_event(entry: dict[str, Any]) -> dict[str, Any] | None:
    try:
        event = json.loads(entry["leaf"])
    except (KeyError, TypeError, ValueError):
        return None
    return event if isinstance(event, dict) else None
