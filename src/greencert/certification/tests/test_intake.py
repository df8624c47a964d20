"""Records bodies send from their own systems: every problem listed, then issued or changed
through the actions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from greencert.certification.intake import (
    ChangeRecord,
    IssueRecord,
    Lookups,
    StaleChange,
    apply_change,
    check_record,
    issue_record,
)
from greencert.certification.lifecycle import EventType, Status
from greencert.certification.models import Certificate
from greencert.core.actors import Actor
from greencert.core.errors import ValidationFailed
from greencert.core.tests.fixtures import COATINGS_UNIT
from greencert.parties.models import CertificationBody, Enterprise

NEW_HOLDER = "91330500MA2B3C4D5B"  # unregistered; passes GB 32100


def record(**overrides: object) -> IssueRecord:
    fields: dict[str, object] = {
        "body_number": "ZJ-2026-GP-0007",
        "holder_credit_code": NEW_HOLDER,
        "holder_name": "湖州绿源涂料有限公司",
        "category": "coatings",
        "certification_unit": COATINGS_UNIT,
        "site_region": "330500",
        "production_site": "湖州市吴兴区绿色路 2 号",
        "issue_date": timezone.localdate() - dt.timedelta(days=30),
        "products": [{"name": COATINGS_UNIT, "models": ["LH-300"]}],
    }
    fields.update(overrides)
    return IssueRecord(**fields)  # type: ignore[arg-type]


@pytest.fixture
def lookups(body: CertificationBody) -> Lookups:
    return Lookups(body)


def test_a_bad_record_lists_every_problem_and_writes_nothing(lookups: Lookups) -> None:
    bad = record(
        holder_credit_code="91330500MA2B3C4D5X",
        category="CGP-99",
        site_region="110000",
        issue_date=timezone.localdate() + dt.timedelta(days=1),
        production_site="",
    )
    fields = {p.field for p in check_record(bad, lookups)}
    assert fields == {
        "holder_credit_code",
        "category",
        "site_region",
        "issue_date",
        "production_site",
    }
    assert not Enterprise.objects.filter(credit_code__startswith="91330500MA2B3C4D5").exists()


def test_a_good_record_is_issued_with_a_new_holder_registered_from_it(
    lookups: Lookups, body_staff: Actor
) -> None:
    certificate = issue_record(body_staff, record(), lookups)
    assert certificate.body_number == "ZJ-2026-GP-0007"
    assert certificate.holder.credit_code == NEW_HOLDER
    assert certificate.holder.name == "湖州绿源涂料有限公司"
    assert certificate.events.get().event_type == EventType.ISSUED
    with pytest.raises(ValidationFailed) as again:
        issue_record(body_staff, record(), lookups)
    assert again.value.code == "duplicate_body_number"
    assert Certificate.objects.count() == 1


def test_a_change_based_on_an_old_sequence_is_refused_with_the_current_state(
    lookups: Lookups, body_staff: Actor, body: CertificationBody
) -> None:
    certificate = issue_record(body_staff, record(), lookups)
    seen = certificate.last_event_sequence
    suspended = apply_change(
        body_staff,
        body,
        ChangeRecord(
            certificate="zj-2026-gp-0007",
            event="suspended",
            reason_code="S03",
            until=timezone.localdate() + dt.timedelta(days=60),
            based_on=seen,
        ),
    )
    assert suspended.status == Status.SUSPENDED
    with pytest.raises(StaleChange) as stale:
        apply_change(
            body_staff,
            body,
            ChangeRecord(
                certificate=certificate.number, event="revoked", reason_code="R01", based_on=seen
            ),
        )
    assert stale.value.http_status == 409
    assert stale.value.extra["current_status"] == Status.SUSPENDED
    assert Certificate.objects.get().status == Status.SUSPENDED
