"""Kinds of alliance member, membership states and document kinds, from ``data/alliance.yaml``."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

from greencert.certification.lifecycle.codes import Label

DATA = Path(__file__).resolve().parent / "data" / "alliance.yaml"


@cache
def _data() -> dict[str, Any]:
    raw: dict[str, Any] = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    return raw


def labels(group: str) -> dict[str, Label]:
    return {code: Label(spec["zh"], spec["en"]) for code, spec in _data()[group].items()}


def party_of_kind(kind: str) -> str | None:
    """Which parties table a member of ``kind`` links to: body, laboratory, enterprise or None."""
    party: str | None = _data()["member_kinds"][kind].get("party")
    return party


def public_states() -> list[str]:
    return [code for code, spec in _data()["member_states"].items() if spec["public"]]


def choices(group: str) -> list[tuple[str, str]]:
    return [(code, f"{label.zh} {label.en}") for code, label in labels(group).items()]
