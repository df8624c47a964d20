"""Adoption kinds and amount bands, read from ``data/adoption.yaml``."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

DATA_FILE = Path(__file__).parent / "data" / "adoption.yaml"


@cache
def adoption_data() -> dict[str, Any]:
    data = yaml.safe_load(DATA_FILE.read_text(encoding="utf-8"))
    codes = [band["code"] for band in data["amount_bands"]]
    if len(set(codes)) != len(codes):
        raise ValueError(f"{DATA_FILE}: amount band codes repeat")
    return data


def kinds() -> dict[str, dict[str, str]]:
    return dict(adoption_data()["kinds"])


def amount_bands() -> list[str]:
    return [band["code"] for band in adoption_data()["amount_bands"]]
