"""``greencert seed_workflow`` gives the demo accounts an application at every stage."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from greencert.certification.models import Application, Certificate
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
