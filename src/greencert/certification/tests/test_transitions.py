"""Every transition of ``data/statuses.yaml``: allowed ones append one event, the rest are refused."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from greencert.certification import lifecycle
from greencert.certification.actions import (
    cancel_certificate,
    change_certificate,
    expire_certificate,
    record_surveillance_passed,
    restore_certificate,
    revoke_certificate,
    suspend_certificate,
)
from greencert.certification.models import Certificate, CertificateEvent
from greencert.core.actors import Actor
from greencert.core.errors import TransitionRefused, ValidationFailed
from greencert.core.tests.fixtures import SYSTEM, events_of, in_days

pytestmark = pytest.mark.django_db

STATUSES = sorted(lifecycle.statuses())
# Status transitions after issue; events that record a fact without a status of their own
# (``to`` left empty, e.g. adoption) are not transitions and are specified elsewhere.
CHANGES = [
    t
    for t in lifecycle.transitions().values()
    if t.event_type != "issued" and t.to_status is not None
]
ALLOWED = [(t.event_type, s) for t in CHANGES for s in t.from_statuses]
REFUSED = [(t.event_type, s) for t in CHANGES for s in STATUSES if s not in t.from_statuses]
# A reason code of the right group for each event type (the expiry job always gives E01).
REASONS = {
    "changed": "M02",
    "surveillance_passed": "V01",
    "suspended": "S03",
    "restored": "T01",
    "revoked": "R04",
    "cancelled": "C02",
    "expired": "E01",
}


def perform(
    event_type: str, certificate: Certificate, staff: Actor, reason: str | None = None
) -> None:
    """Ask for ``event_type`` the way the back office and the expiry job do.

    ``staff`` acts for everything but expiry, which the system expiry job records.
    """
    reason = REASONS[event_type] if reason is None else reason
    if event_type == "changed":
        change_certificate(
            staff,
            certificate,
            reason_code=reason,
            changes={"products": [{"name": "水性外墙涂料", "models": ["LH-300"]}]},
        )
    elif event_type == "surveillance_passed":
        record_surveillance_passed(staff, certificate, reason_code=reason)
    elif event_type == "suspended":
        suspend_certificate(staff, certificate, reason_code=reason, until=in_days(60))
    elif event_type == "restored":
        restore_certificate(staff, certificate, reason_code=reason)
    elif event_type == "revoked":
        revoke_certificate(staff, certificate, reason_code=reason)
    elif event_type == "cancelled":
        cancel_certificate(staff, certificate, reason_code=reason)
    elif event_type == "expired":
        expire_certificate(SYSTEM, certificate)
    else:
        raise AssertionError(f"no test driver for {event_type}")


def test_the_transition_table_covers_every_status_and_event_with_a_driver():
    assert STATUSES == ["01", "02", "03", "04", "05"]
    assert {t.event_type for t in CHANGES} <= set(REASONS)
    for event_type in {t.event_type for t in CHANGES}:
        reason = REASONS[event_type]
        group = lifecycle.transitions()[event_type].reason_group
        assert reason in lifecycle.reasons()[group]


def test_issuing_appends_one_issued_event(issued_certificate, body_staff):
    (event,) = events_of(issued_certificate)
    assert issued_certificate.status == "01"
    assert (event.event_type, event.status_before, event.status_after) == ("issued", "", "01")
    assert event.reason_code == "I01"
    assert event.actor_label == "user:staff"
    assert event.actor == body_staff.user
    assert issued_certificate.last_event_sequence == event.sequence


@pytest.mark.parametrize(("event_type", "from_status"), ALLOWED)
def test_an_allowed_transition_changes_the_status_and_appends_exactly_one_event(
    certificate_in_status: Callable[[str], Certificate],
    body_staff: Actor,
    event_type: str,
    from_status: str,
):
    certificate = certificate_in_status(from_status)
    before = events_of(certificate)
    total_before = CertificateEvent.objects.count()

    perform(event_type, certificate, body_staff)

    certificate.refresh_from_db()
    transition = lifecycle.transitions()[event_type]
    after = events_of(certificate)
    assert CertificateEvent.objects.count() == total_before + 1
    assert after[:-1] == before
    event = after[-1]
    assert event.event_type == event_type
    assert event.status_before == from_status
    assert event.status_after == transition.to_status
    assert event.reason_code == REASONS[event_type]
    expected_actor = SYSTEM if event_type == "expired" else body_staff
    assert event.actor_label == expected_actor.label
    assert certificate.status == transition.to_status
    # The status reason explains the current status: events that keep the status keep it too.
    if transition.to_status != from_status:
        assert certificate.status_reason_code == REASONS[event_type]
    else:
        assert certificate.status_reason_code == before[-1].reason_code
    assert certificate.last_event_sequence == event.sequence


@pytest.mark.parametrize(("event_type", "from_status"), REFUSED)
def test_a_transition_not_allowed_from_the_current_status_is_refused_and_leaves_no_trace(
    certificate_in_status: Callable[[str], Certificate],
    body_staff: Actor,
    event_type: str,
    from_status: str,
):
    certificate = certificate_in_status(from_status)
    before = events_of(certificate)

    with pytest.raises(TransitionRefused) as caught:
        perform(event_type, certificate, body_staff)

    certificate.refresh_from_db()
    assert certificate.status == from_status
    assert events_of(certificate) == before
    error = caught.value
    label = lifecycle.status_label(from_status)
    allowed_now = [
        t.event_type for t in lifecycle.transitions().values() if from_status in t.from_statuses
    ]
    assert error.as_dict()["current_status"] == from_status
    assert error.as_dict()["allowed_events"] == allowed_now
    assert label.zh in error.message_zh
    assert from_status in error.message_zh
    assert label.en in error.message_en
    assert event_type in error.message_en
    for allowed in allowed_now:
        assert allowed in error.message_en
        assert allowed in error.message_zh
    if not allowed_now:
        assert "none" in error.message_en
        assert "无" in error.message_zh


def test_restoring_a_valid_certificate_is_refused_saying_it_is_valid(
    issued_certificate, body_staff
):
    with pytest.raises(TransitionRefused) as caught:
        restore_certificate(body_staff, issued_certificate, reason_code="T01")
    assert "有效" in caught.value.message_zh
    assert "valid (01)" in caught.value.message_en
    assert "suspended" in caught.value.message_en  # restore is allowed only from suspended


def test_suspending_a_revoked_certificate_is_refused(certificate_in_status, body_staff):
    revoked = certificate_in_status("03")
    with pytest.raises(TransitionRefused) as caught:
        suspend_certificate(body_staff, revoked, reason_code="S01", until=in_days(30))
    assert "撤销" in caught.value.message_zh
    assert "revoked (03)" in caught.value.message_en


@pytest.mark.parametrize(
    ("event_type", "reason"),
    [
        ("suspended", ""),
        ("suspended", "R01"),  # a revocation reason
        ("suspended", "S99"),
        ("restored", ""),
        ("restored", "S01"),
        ("revoked", ""),
        ("revoked", "C04"),
        ("cancelled", ""),
        ("cancelled", "R05"),
        ("changed", ""),
        ("changed", "V01"),
        ("surveillance_passed", "M01"),
    ],
)
def test_a_change_without_a_reason_of_the_right_group_is_refused_and_leaves_no_trace(
    certificate_in_status, body_staff, event_type, reason
):
    start = "02" if event_type == "restored" else "01"
    certificate = certificate_in_status(start)
    before = events_of(certificate)
    with pytest.raises(ValidationFailed) as caught:
        perform(event_type, certificate, body_staff, reason=reason)
    certificate.refresh_from_db()
    assert certificate.status == start
    assert events_of(certificate) == before
    assert caught.value.field == "reason_code"
    assert caught.value.code == ("reason_required" if not reason else "unknown_reason")
    allowed = lifecycle.current_reasons(lifecycle.transitions()[event_type].reason_group)
    for code in allowed:
        assert code in caught.value.message_zh
        assert code in caught.value.message_en
