"""The standards register and the scheme files agree, and answer which edition and which scheme
version is in force on the day before, the day of and the day after each in-force date."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from greencert.catalog.editions import add_months
from greencert.catalog.loader import read_catalog, units_of
from greencert.evaluation import load_shipped_schemes

REGISTER = {f"{s['number']}-{s['year']}": s for s in read_catalog()["standards"]}
SCHEMES = load_shipped_schemes().all()
DAY = dt.timedelta(days=1)

# (standard, in-force date of the new edition, old year, new year)
REVISIONS = [
    ("GB/T 35601", dt.date(2025, 6, 1), 2017, 2024),
    ("GB/T 35603", dt.date(2025, 1, 1), 2017, 2024),
    ("GB/T 35607", dt.date(2025, 1, 1), 2017, 2024),
    ("GB/T 35610", dt.date(2025, 5, 1), 2017, 2024),
    ("GB/T 35611", dt.date(2026, 10, 1), 2017, 2024),
    ("GB/T 35613", dt.date(2025, 4, 1), 2017, 2024),
]
FIRST_IN_FORCE = dt.date(2018, 7, 1)


def around(
    number: str, day: dt.date, old: int | None, new: int
) -> list[tuple[str, dt.date, int | None]]:
    return [(number, day - DAY, old), (number, day, new), (number, day + DAY, new)]


CASES = [case for r in REVISIONS for case in around(r[0], r[1], r[2], r[3])] + [
    case for r in REVISIONS for case in around(r[0], FIRST_IN_FORCE, None, r[2])
]


@pytest.mark.django_db
@pytest.mark.parametrize(("number", "day", "year"), CASES)
def test_the_api_names_the_edition_in_force_on_a_date(client, number, day, year) -> None:
    answer = client.get(
        "/api/v1/standards", {"number": number, "in_force": "true", "on": day.isoformat()}
    )
    assert answer.status_code == 200
    assert [row["year"] for row in answer.json()] == ([year] if year else [])


@pytest.mark.parametrize(
    ("scheme_id", "day", "version"),
    [
        (f"cgp-{name}", when + shift, version)
        for name, when in [
            ("furniture", dt.date(2025, 1, 1)),
            ("ceramic-tiles", dt.date(2025, 5, 1)),
            ("textiles", dt.date(2026, 10, 1)),
            ("paper", dt.date(2025, 4, 1)),
        ]
        for shift, version in [(-DAY, "2017"), (dt.timedelta(0), "2024"), (DAY, "2024")]
    ],
)
def test_the_scheme_version_in_force_changes_on_the_editions_in_force_date(
    scheme_id, day, version
) -> None:
    found = load_shipped_schemes().in_force(scheme_id, day)
    assert found is not None and found.version == version


@pytest.mark.parametrize("scheme", SCHEMES, ids=[s.key for s in SCHEMES])
def test_every_scheme_starts_on_its_standards_in_force_date(scheme) -> None:
    standard = REGISTER[scheme.standard]
    if standard.get("in_force"):
        assert scheme.effective_from == standard["in_force"]
    else:
        assert "effective_from" in scheme.unconfirmed


@pytest.mark.parametrize(
    "scheme",
    [s for s in SCHEMES if s.superseded_by],
    ids=[s.key for s in SCHEMES if s.superseded_by],
)
def test_a_replaced_scheme_ends_the_day_before_its_successor_starts(scheme) -> None:
    successor = load_shipped_schemes().resolve(scheme.superseded_by)
    assert scheme.effective_until == successor.effective_from - DAY
    assert REGISTER[scheme.standard]["superseded_by"] == successor.standard


@pytest.mark.parametrize(
    "scheme",
    [s for s in SCHEMES if s.certification_units],
    ids=[s.key for s in SCHEMES if s.certification_units],
)
def test_a_schemes_certification_units_are_its_catalog_categorys_units(scheme) -> None:
    category = next(
        c for c in read_catalog()["categories"] if scheme.standard in c.get("standards", [])
    )
    assert sorted(u.name.zh for u in scheme.certification_units) == sorted(units_of(category)[0])


def test_the_detergents_standard_is_gbt_39020_2020_in_force_from_february_2021() -> None:
    detergents = next(c for c in read_catalog()["categories"] if c["code"] == "detergents")
    assert detergents["standards"] == ["GB/T 39020-2020"]
    assert REGISTER["GB/T 39020-2020"]["in_force"] == dt.date(2021, 2, 1)
    assert "GB/T 38499-2020" not in REGISTER


def test_the_2017_green_product_standards_were_published_before_they_came_into_force() -> None:
    batch = [
        s for code, s in REGISTER.items() if code.startswith("GB/T 356") and code.endswith("2017")
    ]
    assert len(batch) == 12
    assert {(s["published"], s["in_force"]) for s in batch} == {
        (dt.date(2017, 12, 8), dt.date(2018, 7, 1))
    }


def test_the_transition_ends_months_after_the_successor_comes_into_force() -> None:
    assert add_months(dt.date(2025, 1, 1), 6) == dt.date(2025, 7, 1)
    assert add_months(dt.date(2024, 8, 31), 6) == dt.date(2025, 2, 28)


@pytest.mark.django_db
def test_the_scheme_page_shows_the_version_in_force_on_a_chosen_date(client) -> None:
    before = client.get("/schemes/", {"on": "2024-12-31"}).context["schemes"]
    after = client.get("/schemes/", {"on": "2025-01-01"}).context["schemes"]
    version = {s["id"]: s["in_force_version"] for s in before}
    assert version["cgp-furniture"] == "2017"
    assert {s["id"]: s["in_force_version"] for s in after}["cgp-furniture"] == "2024"


@pytest.mark.django_db
def test_a_date_that_is_not_a_date_is_refused_on_the_scheme_page(client) -> None:
    answer = client.get("/schemes/", {"on": "yesterday"})
    assert answer.status_code == 400
    assert "yesterday" in answer.content.decode()


@pytest.mark.django_db
def test_the_catalog_page_marks_the_edition_in_force_on_a_chosen_date(client) -> None:
    def in_force(day: str) -> list[str]:
        groups = client.get("/catalog/", {"on": day}).context["groups"]
        rows = [row for _, members in groups for row in members]
        furniture = next(r for r in rows if r["code"] == "furniture")
        return [s["code"] for s in furniture["standards"] if s["in_force"]]

    assert in_force("2024-12-31") == ["GB/T 35607-2017"]
    assert in_force("2025-01-01") == ["GB/T 35607-2024"]


@pytest.mark.django_db
def test_the_catalog_json_download_carries_the_mark_activity(client) -> None:
    document = json.loads(client.get("/catalog/", {"format": "json"}).content)
    activity = {row["code"]: row["activity"] for row in document["categories"]}
    assert activity["furniture"] == 1
    assert activity["express-packaging"] == 2
    assert activity["rural-homestays"] is None
