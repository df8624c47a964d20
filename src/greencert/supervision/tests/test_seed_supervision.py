"""``greencert seed_supervision`` gives the demo a credit record, a listing, a draw, a complaint."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from greencert.certification.actions import issue_certificate
from greencert.core.actors import Actor
from greencert.parties.factory import EnterpriseFactory
from greencert.parties.models import RoleAssignment
from greencert.regions.models import Region
from greencert.supervision import draw
from greencert.supervision.blacklist import is_listed
from greencert.supervision.draw_log import check_log, local_events
from greencert.supervision.inspections import published_draw
from greencert.supervision.management.commands.seed_supervision import (
    DEMO_SEED,
    DEMO_TRACKING_CODE,
    PLAN_CODE,
)
from greencert.supervision.models import (
    BlacklistEntry,
    Complaint,
    CreditRecord,
    InspectionPlan,
    RegulatoryOrder,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo() -> None:
    call_command("seed", certificates=400, seed=2021, stdout=io.StringIO())
    call_command("demo_setup", stdout=io.StringIO())


def test_the_demo_has_each_kind_of_supervision_record(demo: None) -> None:
    call_command("seed_supervision", stdout=io.StringIO())
    entry = BlacklistEntry.objects.get()
    assert is_listed(enterprise=entry.enterprise)
    assert CreditRecord.objects.filter(source="penalty").count() == 1
    plan = InspectionPlan.objects.get(code=PLAN_CODE)
    assert plan.state == "drawn" and draw.verify_published(published_draw(plan)) == []
    assert plan.log_size is not None
    assert check_log(published_draw(plan), local_events(plan.log_size + 1)) == []
    assert Complaint.objects.get(tracking_code=DEMO_TRACKING_CODE).state == "assigned"


def test_the_demo_draw_is_the_same_every_time(demo: None) -> None:
    call_command("seed_supervision", stdout=io.StringIO())
    first = InspectionPlan.objects.get(code=PLAN_CODE).result
    out = io.StringIO()
    call_command("seed_supervision", stdout=out)
    assert "already present" in out.getvalue()
    plan = InspectionPlan.objects.get()
    assert plan.log_size is not None
    assert plan.randomness == draw.draw_randomness(DEMO_SEED, plan.log_size, plan.log_root)
    checks, _strata = draw.run_stratified_draw(
        plan.randomness,
        published_draw(plan)["items"],
        plan.object_pool,
        plan.inspector_pool,
        2,
        plan.class_factors,
    )
    assert checks == first


@pytest.fixture
def demo_body_in_jiangsu(demo: None) -> None:
    """Three valid Jiangsu certificates of the demo body, whatever the seed's draw gave it."""
    staff = RoleAssignment.objects.select_related("user", "body").get(
        user__username="body-reviewer"
    )
    body = staff.body
    assert body is not None
    category = next(c for c in body.categories.order_by("code") if c.certification_units)
    for _ in range(3):
        issue_certificate(
            Actor.for_user(staff.user),
            body=body,
            holder=EnterpriseFactory.create(region=Region.objects.get(code="320500")),
            category=category,
            certification_unit=category.certification_units[0],
            site_region=Region.objects.get(code="320500"),
        )


def test_the_demo_has_an_open_a_carried_out_and_an_overdue_order_once(
    demo_body_in_jiangsu: None,
) -> None:
    out = io.StringIO()
    call_command("seed_supervision", stdout=out)
    call_command("seed_supervision", stdout=io.StringIO())
    states = sorted(RegulatoryOrder.objects.values_list("state", flat=True))
    assert states == ["carried_out", "open", "overdue"]
    carried = RegulatoryOrder.objects.get(state="carried_out")
    assert carried.certificate.status == "02"
    assert "/supervision/office/orders/" in out.getvalue()
    assert "body-reviewer" in out.getvalue()
