import datetime

import pytest

from greencert.evaluation import SchemeError, SchemeRegistry, load_scheme
from greencert.evaluation.registry import shipped_scheme_paths


def test_registry_lists_schemes_by_id_and_version(registry) -> None:
    assert "cgp-paper@2017" in [s.key for s in registry]
    assert [s.version for s in registry.versions("cgp-paper")] == ["2017", "2024"]


def test_paper_2017_is_in_force_before_april_2025(registry) -> None:
    assert registry.in_force("cgp-paper", datetime.date(2025, 3, 31)).version == "2017"


def test_paper_2024_is_in_force_from_april_2025(registry) -> None:
    assert registry.in_force("cgp-paper", datetime.date(2025, 4, 1)).version == "2024"


def test_no_version_is_in_force_before_the_first(registry) -> None:
    assert registry.in_force("cgp-paper", datetime.date(2010, 1, 1)) is None


def test_superseded_version_names_its_successor(registry) -> None:
    assert registry.get("cgp-paper", "2017").superseded_by == "cgp-paper@2024"


def test_resolve_without_version_picks_the_one_in_force(registry) -> None:
    assert registry.resolve("cgp-paper", datetime.date(2024, 6, 1)).key == "cgp-paper@2017"


def test_unknown_scheme_is_a_scheme_error_listing_known_ones(registry) -> None:
    with pytest.raises(SchemeError) as caught:
        registry.resolve("cgp-paper@1999")
    assert "unknown scheme; expected one of" in str(caught.value)


def test_overlapping_versions_are_rejected() -> None:
    paths = {p.stem: p for p in shipped_scheme_paths()}
    old = load_scheme(paths["cgp-paper-2017"])
    text = (
        paths["cgp-paper-2024"].read_text(encoding="utf-8").replace('"2025-04-01"', '"2025-03-01"')
    )
    with pytest.raises(SchemeError) as caught:
        SchemeRegistry([old, load_scheme(text)])
    assert "validity overlaps cgp-paper@2017" in str(caught.value)


def test_superseded_by_must_name_a_registered_scheme() -> None:
    paths = {p.stem: p for p in shipped_scheme_paths()}
    with pytest.raises(SchemeError) as caught:
        SchemeRegistry([load_scheme(paths["cgp-paper-2017"])])
    assert "superseding scheme cgp-paper@2024 is not registered" in str(caught.value)


def test_scheme_dict_describes_identity_for_the_catalog(registry) -> None:
    import json

    data = registry.get("cgp-paper", "2024").to_dict()
    json.dumps(data, ensure_ascii=False)
    assert data["key"] == "cgp-paper@2024" and data["standard"] == "GB/T 35613-2024"
    assert data["effective_from"] == "2025-04-01" and data["category_code"] == "GB/T 35613"
    assert "low_carbon" in data["attributes"] and data["counts"]["indicators"] == 9
