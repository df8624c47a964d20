"""``greencert seed_announcements`` gives the demo announcements, agreements and recognitions."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from greencert.certification.lifecycle import EventType
from greencert.governance.management.commands.seed_announcements import INTERNATIONAL, MUTUAL
from greencert.governance.models import Announcement, Recognition, RecognitionAgreement
from greencert.governance.presenters import announcement_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo() -> None:
    call_command("seed", certificates=400, seed=2021, stdout=io.StringIO())
    call_command("demo_setup", stdout=io.StringIO())


def test_the_demo_has_announcements_agreements_and_recognitions(demo: None) -> None:
    out = io.StringIO()
    call_command("seed_announcements", stdout=out)
    published = Announcement.objects.filter(state=Announcement.State.PUBLISHED)
    assert published.count() == 2
    assert Announcement.objects.filter(state=Announcement.State.DRAFT).count() == 1
    first = published.order_by("serial")[0]
    rows = announcement_rows(first, "en")
    changed = [r for r in rows if r["certificate"] and r["certificate"]["changed"]]
    assert [r["certificate"]["status_now"] for r in changed] == ["02"]
    assert RecognitionAgreement.objects.get(code=INTERNATIONAL).demo
    mutual = RecognitionAgreement.objects.get(code=MUTUAL)
    assert mutual.recognitions.filter(ended_on__isnull=False).count() == 1
    ended = mutual.recognitions.get(ended_on__isnull=False)
    assert ended.ended_sequence is not None
    assert ended.certificate.events.filter(
        event_type=EventType.RECOGNITION_ENDED, sequence=ended.ended_sequence
    ).exists()
    assert Recognition.objects.filter(agreement__code=INTERNATIONAL).exists()
    assert "/announcements/" in out.getvalue()


def test_running_it_twice_adds_nothing(demo: None) -> None:
    call_command("seed_announcements", stdout=io.StringIO())
    counts = (Announcement.objects.count(), Recognition.objects.count())
    out = io.StringIO()
    call_command("seed_announcements", stdout=out)
    assert "already present" in out.getvalue()
    assert (Announcement.objects.count(), Recognition.objects.count()) == counts
