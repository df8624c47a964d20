"""Every read model of the event log rebuilds to exactly what the projections kept up to date."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.management import call_command
from django.db.models import Model

from greencert.certification.actions import (
    record_surveillance_passed,
    restore_certificate,
    revoke_certificate,
    suspend_certificate,
)
from greencert.core.projections import registered
from greencert.core.tests.fixtures import in_days
from greencert.portal.models import RegistryTally, SearchDocument
from greencert.supervision.models import CreditRecord

pytestmark = pytest.mark.django_db

SEARCH = ("kind", "key", "certificate_id", "enterprise_id", "holder_id", "body_id", "category_id",
          "province_code", "city_code", "in_pilot_zone", "in_demonstration_zone", "status",
          "grade", "issue_date", "search_text", "search_grams")  # fmt: skip
TALLIES = ("period", "day", "city_code", "category_code", "in_pilot_zone", "status", "delta",
           "issued")  # fmt: skip
CREDIT = ("enterprise_id", "body_id", "source", "occurred_on", "region_id", "basis_code",
          "evidence", "reference", "recorded_by_id", "recorded_by_label", "recorded_at",
          "event_sequence")  # fmt: skip


def rows(model: type[Model], fields: tuple[str, ...], **exclude: Any) -> set[tuple[Any, ...]]:
    return set(model.objects.exclude(**exclude).values_list(*fields))  # type: ignore[attr-defined]


@pytest.fixture
def lived(issue, body_staff):
    """Certificates through issue, suspension, restoration, surveillance and revocation."""
    a = issue(issue_date=dt.date(2024, 3, 5))
    b = issue(issue_date=dt.date(2024, 6, 20), site="320500")
    c = issue()
    suspend_certificate(body_staff, a, reason_code="S01", until=in_days(30))
    restore_certificate(body_staff, a, reason_code="T01")
    record_surveillance_passed(body_staff, a)
    revoke_certificate(body_staff, b, reason_code="R02")
    return [a, b, c]


def snapshot() -> dict[str, set[tuple[Any, ...]]]:
    return {
        "search": rows(SearchDocument, SEARCH),
        "tallies": rows(RegistryTally, TALLIES, delta=0, issued=0),
        "credit": rows(CreditRecord, CREDIT, event_sequence=None),
    }


def test_every_projection_registers_a_rebuild():
    assert set(registered()) >= {"portal.search", "portal.tallies", "supervision.credit"}


def test_the_projections_kept_credit_records_of_revocations_and_surveillance(lived):
    assert sorted(CreditRecord.objects.values_list("source", flat=True)) == [
        "revocation",
        "surveillance_timely",
    ]


def test_rebuilding_from_empty_read_models_gives_what_the_projections_kept(lived):
    incremental = snapshot()
    SearchDocument.objects.all().delete()
    RegistryTally.objects.all().delete()
    CreditRecord.objects.filter(event_sequence__isnull=False).delete()

    call_command("rebuild_read_models", stdout=io.StringIO())

    assert snapshot() == incremental


def test_rebuilding_complete_read_models_changes_nothing(lived):
    incremental = snapshot()
    call_command("rebuild_read_models", stdout=io.StringIO())
    assert snapshot() == incremental
