"""A new certificate cites the edition in force on its issue date; during the transition after a
new edition comes into force it may still cite the one replaced, after it not."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from greencert.catalog.loader import sync_catalog
from greencert.catalog.models import Category, ImplementationRule, Standard
from greencert.certification.models import Certificate
from greencert.core.errors import ValidationFailed
from greencert.core.tests.fixtures import FURNITURE_UNIT
from greencert.parties.models import CertificationBody

pytestmark = pytest.mark.django_db

# GB/T 35607-2024 is in force from 2025-01-01; the default transition is six months.
NEW_EDITION_IN_FORCE = dt.date(2025, 1, 1)
LAST_DAY_OF_TRANSITION = dt.date(2025, 6, 30)


@pytest.fixture
def issue_furniture(
    issue: Callable[..., Certificate], body: CertificationBody, furniture: Category
) -> Callable[..., Certificate]:
    body.categories.add(furniture)

    def issue_(day: dt.date, **overrides: object) -> Certificate:
        return issue(
            category=furniture,
            certification_unit=FURNITURE_UNIT,
            products=[{"name": FURNITURE_UNIT, "models": ["SM-1"]}],
            issue_date=day,
            **overrides,
        )

    return issue_


def edition(code: str) -> Standard:
    number, year = code.rsplit("-", 1)
    return Standard.objects.get(number=number, year=int(year))


@pytest.mark.parametrize(
    ("day", "cited"),
    [
        (NEW_EDITION_IN_FORCE - dt.timedelta(days=1), "GB/T 35607-2017"),
        (NEW_EDITION_IN_FORCE, "GB/T 35607-2024"),
        (NEW_EDITION_IN_FORCE + dt.timedelta(days=1), "GB/T 35607-2024"),
    ],
)
def test_without_a_named_edition_a_certificate_cites_the_one_in_force_on_its_issue_date(
    issue_furniture: Callable[..., Certificate], day: dt.date, cited: str
) -> None:
    assert issue_furniture(day).standard.code == cited


def test_during_the_transition_a_new_certificate_may_still_cite_the_replaced_edition(
    issue_furniture: Callable[..., Certificate],
) -> None:
    certificate = issue_furniture(LAST_DAY_OF_TRANSITION, standard=edition("GB/T 35607-2017"))
    assert certificate.standard.code == "GB/T 35607-2017"


def test_after_the_transition_citing_the_replaced_edition_is_refused_naming_what_is_expected(
    issue_furniture: Callable[..., Certificate],
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        issue_furniture(
            LAST_DAY_OF_TRANSITION + dt.timedelta(days=1), standard=edition("GB/T 35607-2017")
        )
    error = refused.value
    assert (error.field, error.value) == ("standard", "GB/T 35607-2017")
    assert "GB/T 35607-2024" in error.message_zh and "GB/T 35607-2024" in error.message_en
    assert "2025-06-30" in error.message_en
    assert not Certificate.objects.exists()


def test_the_transition_period_is_data_of_the_replaced_edition(
    issue_furniture: Callable[..., Certificate],
) -> None:
    Standard.objects.filter(number="GB/T 35607", year=2017).update(transition_months=0)
    with pytest.raises(ValidationFailed):
        issue_furniture(NEW_EDITION_IN_FORCE, standard=edition("GB/T 35607-2017"))


def test_an_edition_not_yet_in_force_on_the_issue_date_is_refused(
    issue_furniture: Callable[..., Certificate],
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        issue_furniture(
            NEW_EDITION_IN_FORCE - dt.timedelta(days=1), standard=edition("GB/T 35607-2024")
        )
    assert refused.value.field == "standard"
    assert "GB/T 35607-2017" in refused.value.message_en


def test_after_the_transition_the_replaced_scheme_version_is_refused(
    issue_furniture: Callable[..., Certificate],
) -> None:
    late = LAST_DAY_OF_TRANSITION + dt.timedelta(days=1)
    with pytest.raises(ValidationFailed) as refused:
        issue_furniture(late, scheme_id="cgp-furniture", scheme_version="2017")
    assert (refused.value.field, refused.value.value) == ("scheme_version", "cgp-furniture@2017")
    assert "cgp-furniture@2024" in refused.value.message_zh
    assert "cgp-furniture@2024" in refused.value.message_en
    assert issue_furniture(late, scheme_id="cgp-furniture", scheme_version="2024").scheme_version


def test_during_the_transition_the_replaced_scheme_version_may_still_be_cited(
    issue_furniture: Callable[..., Certificate],
) -> None:
    certificate = issue_furniture(
        LAST_DAY_OF_TRANSITION, scheme_id="cgp-furniture", scheme_version="2017"
    )
    assert certificate.scheme_version == "2017"


def test_a_certificate_issued_under_the_old_edition_keeps_citing_it_when_the_catalog_reloads(
    issue_furniture: Callable[..., Certificate],
) -> None:
    certificate = issue_furniture(dt.date(2024, 6, 3))
    sync_catalog(Category, Standard, ImplementationRule)
    certificate.refresh_from_db()
    assert certificate.standard.code == "GB/T 35607-2017"
