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


def adoption_rows(certificate: Any, language: str) -> list[dict[str, Any]]:
    """The certificate's adoption records, labelled for a page in ``language``."""
    english = language.startswith("en")
    kind_labels = kinds()
    band_labels = {b["code"]: b for b in adoption_data()["amount_bands"]}
    rows = []
    for record in certificate.adoptions.select_related("client").order_by("-adopted_on"):
        kind = kind_labels.get(record.kind, {"zh": record.kind, "en": record.kind})
        band = band_labels.get(
            record.amount_band, {"zh": record.amount_band, "en": record.amount_band}
        )
        rows.append(
            {
                "adopted_on": record.adopted_on,
                "kind": kind["en" if english else "zh"],
                "reference": record.reference,
                "amount_band": band["en" if english else "zh"],
                "client": str(record.client),
            }
        )
    return rows
