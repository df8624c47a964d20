from __future__ import annotations

import copy
from pathlib import Path

import pytest

from greencert.evaluation import Scheme, SchemeRegistry, load_scheme, load_shipped_schemes

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def registry() -> SchemeRegistry:
    return load_shipped_schemes()


@pytest.fixture(scope="session")
def tiered_scheme() -> Scheme:
    return load_scheme(FIXTURES / "tiered-electronics.yaml")


def with_values(submission: dict[str, object], **values: object) -> dict[str, object]:
    """A copy of ``submission`` with some values replaced (None removes the value)."""
    changed = copy.deepcopy(submission)
    table = changed["values"]
    assert isinstance(table, dict)
    for key, value in values.items():
        if value is None:
            table.pop(key, None)
        else:
            table[key] = value
    return changed
