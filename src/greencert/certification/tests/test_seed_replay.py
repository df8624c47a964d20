"""``greencert seed`` writes what the actions would have written.

A registry is seeded, read and rolled back. On the empty database its parties are created again
with the same identifiers, and every seeded event is recorded again through the actions, each at
the time the seed gave it (the clock stopped there by time-machine): issues, suspensions,
restorations, revocations, cancellations and passed surveillance by the issuing body's staff,
renewals by issuing the successor, expiries by the daily expiry job run at the start of every day.
The two registries must agree row for row: certificates, events, counters and every read model.
The whole registry is replayed, not a sample, because numbers and sequence numbers depend on
every certificate issued before.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
from dataclasses import dataclass
from typing import Any

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import models, transaction
from django.utils import timezone

from greencert.catalog.models import Category, Standard
from greencert.certification.actions import (
    cancel_certificate,
    expire_due_certificates,
    issue_certificate,
    record_surveillance_passed,
    restore_certificate,
    revoke_certificate,
    suspend_certificate,
)
from greencert.certification.lifecycle import EventType, Status
from greencert.certification.models import Certificate, CertificateEvent
from greencert.core.actors import Actor
from greencert.core.models import Counter
from greencert.parties.models import CertificationBody, Enterprise, Role, RoleAssignment
from greencert.portal.models import RegistryTally, SearchDocument
from greencert.regions.models import Region
from greencert.supervision.models import CreditRecord

pytestmark = [pytest.mark.django_db, pytest.mark.starts_first]

TODAY = dt.date(2026, 11, 1)
CERTIFICATES = 400
# A seed whose registry has a certificate of each kind the coverage test asks for.
SEED = 2
# The seed writes these; each is recorded again below.
SEEDED_EVENT_TYPES = {
    EventType.ISSUED,
    EventType.SURVEILLANCE_PASSED,
    EventType.SUSPENDED,
    EventType.RESTORED,
    EventType.REVOKED,
    EventType.CANCELLED,
    EventType.EXPIRED,
    EventType.RENEWED,
}

Row = dict[str, Any]


@dataclass
class Registry:
    """One registry read into plain values; rows that point at seeded parties, certificates or
    users name them by number, credit code, approval number or username, never by id."""

    bodies: list[Row]
    enterprises: list[Row]
    registrars: list[Row]
    certificates: dict[str, Row]
    numbers_by_id: list[str]
    events: list[Row]
    counters: dict[str, int]
    search: dict[tuple[str, str], Row]
    tallies: list[tuple[Any, ...]]
    credit: dict[int, Row]


def _fields(model: type[models.Model], *skip: str) -> list[str]:
    return [
        f.attname
        for f in model._meta.concrete_fields
        if not f.primary_key and f.attname not in skip
    ]


def read_registry() -> Registry:
    numbers = dict(Certificate.objects.values_list("id", "number"))
    codes = dict(Enterprise.objects.values_list("id", "credit_code"))
    approvals = dict(CertificationBody.objects.values_list("id", "approval_number"))
    usernames = dict(get_user_model().objects.values_list("id", "username"))
    names = {
        "certificate_id": numbers,
        "renewed_from_id": numbers,
        "holder_id": codes,
        "enterprise_id": codes,
        "body_id": approvals,
        "actor_id": usernames,
        "recorded_by_id": usernames,
        "user_id": usernames,
    }

    def rows(queryset: models.QuerySet[Any], *skip: str) -> list[Row]:
        fields = _fields(queryset.model, *skip)
        return [
            {f: names[f].get(v, v) if f in names and v is not None else v for f, v in row.items()}
            for row in queryset.values(*fields)
        ]

    bodies = rows(CertificationBody.objects.order_by("approval_number"), "created_at")
    for body in bodies:
        body["categories"] = sorted(
            CertificationBody.objects.get(
                approval_number=body["approval_number"]
            ).categories.values_list("code", flat=True)
        )
    return Registry(
        bodies=bodies,
        enterprises=rows(Enterprise.objects.order_by("credit_code"), "created_at"),
        registrars=rows(RoleAssignment.objects.filter(role=Role.BODY_STAFF).order_by("id")),
        certificates={row["number"]: row for row in rows(Certificate.objects.all())},
        numbers_by_id=list(Certificate.objects.order_by("id").values_list("number", flat=True)),
        events=rows(CertificateEvent.objects.order_by("sequence")),
        counters=dict(Counter.objects.values_list("name", "value")),
        search={(row["kind"], row["key"]): row for row in rows(SearchDocument.objects.all())},
        tallies=sorted(RegistryTally.objects.values_list(*_fields(RegistryTally))),
        credit={row["event_sequence"]: row for row in rows(CreditRecord.objects.all())},
    )


# -- recording the seeded registry again through the actions ----------------------------------------
def create_parties(seeded: Registry) -> dict[str, Actor]:
    """The seeded bodies, enterprises and staff accounts again; approval number -> the staff
    member who records that body's certificates."""
    for row in seeded.bodies:
        fields = {k: v for k, v in row.items() if k != "categories"}
        body = CertificationBody.objects.create(**fields)
        body.categories.set(Category.objects.filter(code__in=row["categories"]))
    for row in seeded.enterprises:
        Enterprise.objects.create(**row)
    staff = {}
    for row in seeded.registrars:
        user = get_user_model().objects.create_user(username=row["user_id"], password=None)
        body = CertificationBody.objects.get(approval_number=row["body_id"])
        RoleAssignment.objects.create(user=user, role=Role.BODY_STAFF, body=body)
        staff[body.approval_number] = Actor.for_user(user)
    return staff


def record(event: Row, seeded: Registry, staff: dict[str, Actor]) -> None:
    """Record one seeded event through the action that writes it, as the issuing body's staff."""
    row = seeded.certificates[event["certificate_id"]]
    actor = staff[row["body_id"]]
    event_type, reason, payload = event["event_type"], event["reason_code"], event["payload"]
    if event_type == EventType.ISSUED:
        renewed_from = row["renewed_from_id"]
        issue_certificate(
            actor,
            holder=Enterprise.objects.get(credit_code=row["holder_id"]),
            body=CertificationBody.objects.get(approval_number=row["body_id"]),
            category=Category.objects.get(pk=row["category_id"]),
            certification_unit=row["certification_unit"],
            site_region=Region.objects.get(pk=row["site_region_id"]),
            products=row["products"],
            service_site=row["service_site"],
            production_site=row["production_site"],
            standard=Standard.objects.filter(pk=row["standard_id"]).first(),
            grade=row["grade"],
            reason_code=reason,
            renewed_from=Certificate.objects.get(number=renewed_from) if renewed_from else None,
        )
        return
    certificate = Certificate.objects.get(number=event["certificate_id"])
    note = payload.get("note", "")
    if event_type == EventType.SUSPENDED:
        until = dt.date.fromisoformat(payload["until"])
        suspend_certificate(actor, certificate, reason_code=reason, until=until, note=note)
    elif event_type == EventType.RESTORED:
        restore_certificate(actor, certificate, reason_code=reason, note=note)
    elif event_type == EventType.REVOKED:
        revoke_certificate(actor, certificate, reason_code=reason, note=note)
    elif event_type == EventType.CANCELLED:
        cancel_certificate(actor, certificate, reason_code=reason, note=note)
    elif event_type == EventType.SURVEILLANCE_PASSED:
        record_surveillance_passed(actor, certificate, reason_code=reason, note=note)
    else:
        raise AssertionError(f"the seed wrote {event_type}, which no replay step records")


def start_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone())


def replay(seeded: Registry) -> None:
    staff = create_parties(seeded)
    # Written by other actions: ``renewed`` by issuing the successor, ``expired`` by the job.
    written_along = {EventType.RENEWED, EventType.EXPIRED}
    job_ran_on = timezone.localtime(seeded.events[0]["recorded_at"]).date()

    def run_expiry_job_until(day: dt.date) -> None:
        nonlocal job_ran_on
        while job_ran_on < day:
            job_ran_on += dt.timedelta(days=1)
            with time_machine.travel(start_of(job_ran_on), tick=False):
                expire_due_certificates()

    for event in seeded.events:
        run_expiry_job_until(timezone.localtime(event["recorded_at"]).date())
        if event["event_type"] in written_along:
            continue
        with time_machine.travel(event["recorded_at"], tick=False):
            record(event, seeded, staff)
    run_expiry_job_until(TODAY)


class _Discard(Exception):
    """Raised to roll the seeded registry back, leaving the database empty for the replay."""


@pytest.fixture(scope="module")
def registries(django_db_setup: None, django_db_blocker: Any) -> tuple[Registry, Registry]:
    with django_db_blocker.unblock(), transaction.atomic():
        with contextlib.suppress(_Discard), transaction.atomic():
            call_command(
                "seed", certificates=CERTIFICATES, seed=SEED, today=TODAY, stdout=io.StringIO()
            )
            seeded = read_registry()
            raise _Discard
        assert not Certificate.objects.exists()
        assert not Enterprise.objects.exists()
        replay(seeded)
        replayed = read_registry()
        transaction.set_rollback(True)
    return seeded, replayed


def differences(seeded: dict[Any, Row], replayed: dict[Any, Row]) -> list[tuple[Any, ...]]:
    """(key, field, seeded value, replayed value) wherever the two disagree."""
    found: list[tuple[Any, ...]] = []
    for key in sorted(seeded.keys() | replayed.keys(), key=repr):
        if key not in seeded or key not in replayed:
            found.append((key, "present", key in seeded, key in replayed))
            continue
        for field in sorted(seeded[key].keys() | replayed[key].keys()):
            if seeded[key].get(field) != replayed[key].get(field):
                found.append((key, field, seeded[key].get(field), replayed[key].get(field)))
    return found


# -- the tests ------------------------------------------------------------------------------------
def test_the_replayed_registry_holds_every_kind_of_event_the_seed_writes(registries):
    seeded, _ = registries
    events = seeded.events
    assert {e["event_type"] for e in events} == SEEDED_EVENT_TYPES
    taken = {(e["event_type"], e["status_before"]) for e in events}
    for event_type in (EventType.REVOKED, EventType.EXPIRED):
        assert {(event_type, Status.VALID), (event_type, Status.SUSPENDED)} <= taken
    # A body renews a valid certificate, not a suspended one.
    assert (EventType.RENEWED, Status.VALID) in taken
    assert (EventType.RENEWED, Status.SUSPENDED) not in taken
    history: dict[str, list[str]] = {}
    for e in events:
        history.setdefault(e["certificate_id"], []).append(e["event_type"])
    assert any(EventType.RESTORED in h for h in history.values())
    renewed = [c for c in seeded.certificates.values() if c["renewed_from_id"]]
    assert renewed
    assert EventType.RENEWED in history[renewed[0]["renewed_from_id"]]
    still_suspended = [c for c in seeded.certificates.values() if c["status"] == Status.SUSPENDED]
    assert still_suspended
    assert all(c["suspended_until"] for c in still_suspended)
    # Certificates expiring on the same day are expired by one run of the job, in id order.
    expiries = [e["effective_at"] for e in events if e["event_type"] == EventType.EXPIRED]
    assert len(set(expiries)) < len(expiries)


def test_replayed_certificates_equal_the_seeded_ones_field_by_field(registries):
    seeded, replayed = registries
    assert len(seeded.certificates) == CERTIFICATES
    assert differences(seeded.certificates, replayed.certificates) == []


def test_seeded_certificates_are_keyed_in_the_order_the_actions_create_them(registries):
    seeded, replayed = registries
    assert seeded.numbers_by_id == replayed.numbers_by_id


def test_replayed_events_equal_the_seeded_ones_in_sequence_order(registries):
    seeded, replayed = registries
    assert [e["sequence"] for e in seeded.events] == list(range(1, len(seeded.events) + 1))
    assert (
        differences(
            {e["sequence"]: e for e in seeded.events}, {e["sequence"]: e for e in replayed.events}
        )
        == []
    )


def test_the_seed_leaves_the_counters_where_the_actions_leave_them(registries):
    seeded, replayed = registries
    assert seeded.counters == replayed.counters


def test_the_seeded_search_index_equals_the_one_the_actions_keep(registries):
    seeded, replayed = registries
    assert seeded.search
    assert differences(seeded.search, replayed.search) == []


def test_the_seeded_tallies_equal_the_ones_the_actions_keep(registries):
    seeded, replayed = registries
    assert seeded.tallies
    assert seeded.tallies == replayed.tallies


def test_the_seeded_credit_records_equal_the_ones_the_actions_make(registries):
    seeded, replayed = registries
    assert seeded.credit
    assert differences(seeded.credit, replayed.credit) == []
