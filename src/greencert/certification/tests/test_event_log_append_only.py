"""The certificate event log is append-only: the database itself refuses UPDATE and DELETE."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from greencert.certification.lifecycle.log import append_event
from greencert.certification.models import CertificateEvent
from greencert.core.tests.fixtures import SYSTEM, events_of

pytestmark = pytest.mark.django_db

REFUSED = "append-only"


@pytest.fixture
def event(issued_certificate):
    return events_of(issued_certificate)[0]


def assert_unchanged(event):
    fresh = CertificateEvent.objects.get(pk=event.pk)
    assert (fresh.sequence, fresh.event_type, fresh.status_after, fresh.reason_code) == (
        event.sequence,
        event.event_type,
        event.status_after,
        event.reason_code,
    )


def test_saving_a_changed_event_through_the_orm_is_refused(event):
    event.reason_code = "I02"
    with pytest.raises(DatabaseError, match=REFUSED), transaction.atomic():
        event.save()
    event.reason_code = "I01"
    assert_unchanged(event)


def test_a_queryset_update_of_events_is_refused(event):
    with pytest.raises(DatabaseError, match=REFUSED), transaction.atomic():
        CertificateEvent.objects.filter(pk=event.pk).update(status_after="03")
    assert_unchanged(event)


def test_deleting_an_event_through_the_orm_is_refused(event):
    with pytest.raises(DatabaseError, match=REFUSED), transaction.atomic():
        event.delete()
    assert CertificateEvent.objects.filter(pk=event.pk).exists()


def test_a_queryset_delete_of_events_is_refused(event):
    with pytest.raises(DatabaseError, match=REFUSED), transaction.atomic():
        CertificateEvent.objects.all().delete()
    assert CertificateEvent.objects.filter(pk=event.pk).exists()


def test_a_raw_sql_update_of_an_event_is_refused(event):
    with (
        pytest.raises(DatabaseError, match=REFUSED),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "UPDATE certification_certificateevent SET status_after = %s WHERE id = %s",
            ["03", event.pk],
        )
    assert_unchanged(event)


def test_a_raw_sql_delete_of_an_event_is_refused(event):
    with (
        pytest.raises(DatabaseError, match=REFUSED),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM certification_certificateevent WHERE id = %s", [event.pk])
    assert CertificateEvent.objects.filter(pk=event.pk).exists()


def test_appending_an_event_works_and_takes_the_next_sequence_number(event, issued_certificate):
    with transaction.atomic():
        appended = append_event(
            certificate=issued_certificate,
            event_type="surveillance_passed",
            actor=SYSTEM,
            status_before="01",
            status_after="01",
            reason_code="V01",
            payload={"note": "年度监督"},
        )
    assert appended.sequence == event.sequence + 1
    assert CertificateEvent.objects.get(pk=appended.pk).actor_label == "system:expiry"
