"""``greencert seed_institutions`` gives the demo meetings, members of every kind and documents."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from greencert.governance.alliance_codes import labels
from greencert.governance.models import (
    AllianceMember,
    DecisionTask,
    DocumentCitation,
    DocumentVersion,
    JointMeeting,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo() -> None:
    call_command("seed", certificates=200, seed=2021, stdout=io.StringIO())
    call_command("demo_setup", stdout=io.StringIO())


def test_the_demo_has_meetings_members_and_documents_and_runs_twice(demo: None) -> None:
    out = io.StringIO()
    call_command("seed_institutions", stdout=out)
    assert "alliance-secretariat" in out.getvalue()
    numbers = JointMeeting.objects.order_by("number").values_list("number", flat=True)
    assert list(numbers) == ["2025-1", "2026-1"]
    statuses = {task.status for task in DecisionTask.objects.all()}
    assert statuses == {"done", "overdue", "open"}
    kinds = set(AllianceMember.objects.filter(state="active").values_list("kind", flat=True))
    assert kinds == set(labels("member_kinds"))
    assert AllianceMember.objects.filter(state="pending").count() == 1
    assert {v.is_filed for v in DocumentVersion.objects.all()} == {True, False}
    assert DocumentCitation.objects.count() == 1
    cited = DocumentCitation.objects.get().certificate.number
    assert f"/verify/{cited}" in out.getvalue()
    again = io.StringIO()
    call_command("seed_institutions", stdout=again)
    assert "already present" in again.getvalue()
    assert f"/verify/{cited}" in again.getvalue()
    assert JointMeeting.objects.count() == 2
