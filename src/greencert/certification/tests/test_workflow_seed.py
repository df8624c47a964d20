"""``greencert seed_workflow`` gives the demo accounts an application at every stage."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from greencert.certification.demo_industries import sample_quantity
from greencert.certification.models import (
    Application,
    Certificate,
    Inspection,
    Sample,
    TestReport,
)
from greencert.certification.workflow.machine import workflow
from greencert.parties.factory import LaboratoryFactory


@pytest.fixture
def demo_accounts(issued_certificate: Certificate) -> None:
    LaboratoryFactory(cma_number="201919123456")
    call_command("demo_setup", stdout=StringIO())


def test_seed_workflow_creates_an_application_in_every_state(demo_accounts: None) -> None:
    call_command("seed_workflow", stdout=StringIO())
    assert set(Application.objects.values_list("state", flat=True)) == set(workflow().states)


def test_seed_workflow_runs_once(demo_accounts: None) -> None:
    call_command("seed_workflow", stdout=StringIO())
    count = Application.objects.count()
    out = StringIO()
    call_command("seed_workflow", stdout=out)
    assert Application.objects.count() == count
    assert "nothing to do" in out.getvalue()


def test_seed_workflow_dates_every_record_in_the_order_of_its_steps(demo_accounts: None) -> None:
    call_command("seed_workflow", stdout=StringIO())
    now = timezone.now()
    for application in Application.objects.prefetch_related("steps"):
        times = [step.recorded_at for step in application.steps.order_by("id")]
        assert times == sorted(times), application.reference
        assert times[-1] <= now
        assert application.created_at == times[0]
        assert application.state_changed_at == times[-1]
        if application.accepted_at:
            assert times[0] <= application.accepted_at
        if application.approved_at:
            assert application.accepted_at and application.accepted_at < application.approved_at


def test_seed_workflow_inspects_samples_tests_and_decides_before_the_certificate_is_issued(
    demo_accounts: None,
) -> None:
    call_command("seed_workflow", stdout=StringIO())
    today = timezone.localdate()
    for inspection in Inspection.objects.select_related("application"):
        application = inspection.application
        assert timezone.localdate(application.accepted_at) <= inspection.inspected_on <= today
        for sample in application.samples.all():
            assert inspection.inspected_on <= sample.sampled_on
            for report in TestReport.objects.filter(sample=sample):
                assert sample.sampled_on < report.issued_on <= today
                if application.approved_at:
                    assert report.issued_on <= timezone.localdate(application.approved_at)
        if application.certificate:
            assert inspection.inspected_on < application.certificate.issue_date
            assert timezone.localdate(application.approved_at) <= application.certificate.issue_date
    assert Application.objects.filter(certificate__isnull=False).exists()


def test_seed_workflow_samples_a_quantity_that_fits_the_product(demo_accounts: None) -> None:
    call_command("seed_workflow", stdout=StringIO())
    samples = Sample.objects.select_related("application__category")
    assert samples
    for sample in samples:
        application = sample.application
        expected = sample_quantity(application.category.code, application.certification_unit)
        assert sample.quantity == expected


def test_sample_quantities_are_counted_in_the_units_of_the_product() -> None:
    assert "m²" in sample_quantity("ceramic-tiles", "瓷质砖")
    assert "块" in sample_quantity("ceramic-tiles", "瓷质砖")
    assert sample_quantity("furniture", "实木家具") == "1 件"
    assert "kg" in sample_quantity("coatings", "水性外墙涂料")
    assert sample_quantity("paper", "生活用纸").endswith("卷")


def test_seed_workflow_applies_in_the_trade_of_the_demo_enterprise(demo_accounts: None) -> None:
    call_command("seed_workflow", stdout=StringIO())
    enterprise = Application.objects.values_list("enterprise", flat=True).first()
    held = set(Certificate.objects.filter(holder=enterprise).values_list("category", flat=True))
    assert set(Application.objects.values_list("category", flat=True)) <= held
