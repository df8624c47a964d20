"""The corrected schemes: tile classes judged by their own water-absorption band, breaking
strength in newtons, and the two levels of furniture under GB/T 35607-2024."""

from __future__ import annotations

import pytest

from greencert.evaluation import SubmissionError, evaluate, example_submission

from .conftest import with_values


def tiles(registry, unit: str, absorption_id: str, percent: str) -> dict[str, object]:
    submission = example_submission(registry.get("cgp-ceramic-tiles", "2017"))
    submission["certification_unit"] = unit
    for key in list(submission["values"]):
        if key.startswith("water_absorption"):
            del submission["values"][key]
    submission["values"][absorption_id] = {"value": percent, "unit": "%"}
    return submission


@pytest.mark.parametrize(
    ("unit", "absorption_id", "percent"),
    [
        ("porcelain_tile", "water_absorption_porcelain", "0.3"),
        ("stoneware_tile", "water_absorption_stoneware", "2"),
        ("earthenware_tile", "water_absorption_earthenware", "12"),
    ],
)
def test_each_tile_class_passes_within_its_own_water_absorption_band(
    registry, unit, absorption_id, percent
) -> None:
    scheme = registry.get("cgp-ceramic-tiles", "2017")
    result = evaluate(scheme, tiles(registry, unit, absorption_id, percent))
    assert result.verdict == "pass"
    assert result.item(absorption_id).outcome == "pass"


@pytest.mark.parametrize(
    ("unit", "absorption_id", "percent"),
    [
        ("porcelain_tile", "water_absorption_porcelain", "2"),
        ("stoneware_tile", "water_absorption_stoneware", "5"),
        ("earthenware_tile", "water_absorption_earthenware", "8"),
    ],
)
def test_a_tile_outside_its_classs_band_fails(registry, unit, absorption_id, percent) -> None:
    scheme = registry.get("cgp-ceramic-tiles", "2017")
    assert evaluate(scheme, tiles(registry, unit, absorption_id, percent)).verdict == "fail"


def test_the_porcelain_limit_does_not_apply_to_earthenware(registry) -> None:
    scheme = registry.get("cgp-ceramic-tiles", "2017")
    submission = tiles(registry, "earthenware_tile", "water_absorption_earthenware", "12")
    assert evaluate(scheme, submission).item("water_absorption_porcelain").outcome == (
        "not_applicable"
    )


def test_breaking_strength_is_a_force_in_newtons(registry) -> None:
    scheme = registry.get("cgp-ceramic-tiles", "2017")
    submission = example_submission(scheme)
    in_kilonewtons = with_values(submission, breaking_strength={"value": "1.5", "unit": "kN"})
    assert evaluate(scheme, in_kilonewtons).item("breaking_strength").outcome == "pass"
    with pytest.raises(SubmissionError):
        evaluate(scheme, with_values(submission, breaking_strength={"value": "8", "unit": "mm"}))


def test_tile_energy_use_is_per_square_metre(registry) -> None:
    for version in ("2017", "2024"):
        indicators = {i.id: i for i in registry.get("cgp-ceramic-tiles", version).indicators}
        assert indicators["unit_energy_use"].unit == "kgce/m²"


def test_the_2017_wood_panel_scheme_uses_the_e1_limit_not_later_formaldehyde_classes(
    registry,
) -> None:
    indicators = {i.id: i for i in registry.get("cgp-wood-panels", "2017").indicators}
    assert "formaldehyde_class" not in indicators
    assert str(indicators["formaldehyde_emission"].reference.value) == "0.124"
    assert not indicators["formaldehyde_emission"].confirmed


def furniture_2024(registry, **values: object) -> dict[str, object]:
    return with_values(example_submission(registry.get("cgp-furniture", "2024")), **values)


def test_furniture_2024_meeting_every_required_criterion_is_a_green_product(registry) -> None:
    scheme = registry.get("cgp-furniture", "2024")
    result = evaluate(scheme, furniture_2024(registry)).to_dict()
    assert result["verdict"] == "pass"
    assert result["tier"]["name"] == {"zh": "绿色产品", "en": "Green product"}


def test_furniture_2024_meeting_every_benchmark_is_a_green_benchmark_product(registry) -> None:
    scheme = registry.get("cgp-furniture", "2024")
    better = furniture_2024(
        registry,
        unit_energy_use={"value": "100", "unit": "kgce/t"},
        carbon_footprint={"value": "1000", "unit": "kgCO2e/t"},
        formaldehyde_emission={"value": "0.02", "unit": "mg/m³"},
        tvoc_emission={"value": "0.05", "unit": "mg/m³"},
    )
    result = evaluate(scheme, better).to_dict()
    assert result["tier"]["name"] == {"zh": "绿色标杆产品", "en": "Green benchmark product"}


def test_furniture_2024_has_energy_and_low_carbon_attributes(registry) -> None:
    attributes = {i.attribute for i in registry.get("cgp-furniture", "2024").indicators}
    assert {"energy", "low_carbon"} <= attributes
