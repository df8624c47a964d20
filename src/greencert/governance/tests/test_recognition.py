"""Recognising certificates under an agreement, and ending recognitions, through the actions."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.utils import timezone

from greencert.catalog.models import Category
from greencert.certification.lifecycle import EventType
from greencert.certification.models import Certificate
from greencert.certification.recognitions import recognitions_of
from greencert.core.actors import Actor
from greencert.core.errors import PermissionRefused, TransitionRefused, ValidationFailed
from greencert.core.tests.fixtures import FURNITURE_UNIT, events_of, in_days
from greencert.governance.models import AgreementParty, Recognition, RecognitionAgreement
from greencert.governance.recognition import (
    end_agreement,
    end_recognition,
    recognise_certificate,
)

pytestmark = pytest.mark.django_db


def test_recognising_writes_a_recognised_event_that_keeps_the_status(
    jiangsu_regulator: Actor, agreement: RecognitionAgreement, issued_certificate: Certificate
) -> None:
    recognition = recognise_certificate(jiangsu_regulator, agreement, issued_certificate)
    event = events_of(issued_certificate)[-1]
    assert event.event_type == EventType.RECOGNISED
    assert (event.status_before, event.status_after) == ("01", "01")
    assert event.reason_code == "H01"
    assert event.actor_label == "user:js-regulator"
    assert recognition.recognised_sequence == event.sequence
    issued_certificate.refresh_from_db()
    assert issued_certificate.status == "01"


def test_the_event_payload_names_the_agreement_the_party_and_the_scope(
    jiangsu_regulator: Actor, agreement: RecognitionAgreement, issued_certificate: Certificate
) -> None:
    recognise_certificate(jiangsu_regulator, agreement, issued_certificate)
    payload = events_of(issued_certificate)[-1].payload
    assert payload["agreement"] == "YRD-HR-2026-01"
    assert payload["title_zh"] == agreement.title_zh
    assert payload["kind"] == "inter_provincial"
    assert payload["recognised_by"]["name_zh"] == "江苏省市场监督管理局"
    assert payload["scope"] == ["coatings"]
    assert payload["since"] == timezone.localdate().isoformat()


def test_recognitions_are_read_from_the_events_alone(
    jiangsu_regulator: Actor, agreement: RecognitionAgreement, issued_certificate: Certificate
) -> None:
    recognise_certificate(jiangsu_regulator, agreement, issued_certificate)
    Recognition.objects.all().delete()
    AgreementParty.objects.all().delete()
    RecognitionAgreement.objects.all().delete()
    [entry] = recognitions_of(issued_certificate)
    assert entry["agreement"] == "YRD-HR-2026-01"
    assert entry["recognised_by"]["name_en"].startswith("Jiangsu")
    assert entry["ended"] is None


def test_an_international_recognition_is_recorded_for_the_other_scheme(
    jiangsu_regulator: Actor,
    make_agreement: Callable[..., RecognitionAgreement],
    issued_certificate: Certificate,
) -> None:
    agreement = make_agreement(
        "INT-DEMO-01",
        kind=RecognitionAgreement.Kind.INTERNATIONAL,
        provinces=("320000",),
        scheme="Demo Eco-label",
    )
    foreign = agreement.parties.get(scheme="Demo Eco-label")
    recognise_certificate(jiangsu_regulator, agreement, issued_certificate, recognised_by=foreign)
    event = events_of(issued_certificate)[-1]
    assert event.reason_code == "H02"
    assert event.payload["recognised_by"]["name_en"] == "Demo Eco-label"


def test_a_category_outside_the_scope_is_refused(
    jiangsu_regulator: Actor,
    make_agreement: Callable[..., RecognitionAgreement],
    furniture: Category,
    issue: Callable[..., Certificate],
    body: object,
) -> None:
    agreement = make_agreement(categories=(furniture,))
    certificate = issue()
    with pytest.raises(ValidationFailed) as refused:
        recognise_certificate(jiangsu_regulator, agreement, certificate)
    assert refused.value.field == "category"
    assert refused.value.value == "coatings"
    assert len(events_of(certificate)) == 1


def test_an_agreement_not_yet_in_force_is_refused(
    jiangsu_regulator: Actor,
    make_agreement: Callable[..., RecognitionAgreement],
    issued_certificate: Certificate,
) -> None:
    agreement = make_agreement(starts_on=in_days(10))
    with pytest.raises(TransitionRefused) as refused:
        recognise_certificate(jiangsu_regulator, agreement, issued_certificate)
    assert refused.value.field == "agreement"


def test_an_agreement_past_its_end_date_is_refused(
    jiangsu_regulator: Actor,
    make_agreement: Callable[..., RecognitionAgreement],
    issued_certificate: Certificate,
) -> None:
    agreement = make_agreement(ends_on=in_days(-1))
    with pytest.raises(TransitionRefused, match="agreement in force"):
        recognise_certificate(jiangsu_regulator, agreement, issued_certificate)


def test_a_certificate_that_is_not_valid_is_refused(
    jiangsu_regulator: Actor,
    agreement: RecognitionAgreement,
    certificate_in_status: Callable[[str], Certificate],
) -> None:
    certificate = certificate_in_status("02")
    with pytest.raises(TransitionRefused) as refused:
        recognise_certificate(jiangsu_regulator, agreement, certificate)
    assert (refused.value.field, refused.value.value) == ("status", "02")
    assert events_of(certificate)[-1].event_type == EventType.SUSPENDED


def test_recognising_twice_under_the_same_agreement_is_refused(
    jiangsu_regulator: Actor, agreement: RecognitionAgreement, issued_certificate: Certificate
) -> None:
    recognise_certificate(jiangsu_regulator, agreement, issued_certificate)
    with pytest.raises(TransitionRefused, match="not yet recognised"):
        recognise_certificate(jiangsu_regulator, agreement, issued_certificate)
    assert Recognition.objects.count() == 1


def test_an_actor_who_is_not_a_party_is_refused(
    zhejiang_regulator: Actor,
    huzhou_regulator: Actor,
    body_staff: Actor,
    alliance_admin: Actor,
    agreement: RecognitionAgreement,
    issued_certificate: Certificate,
) -> None:
    for outsider in (zhejiang_regulator, huzhou_regulator, body_staff, alliance_admin):
        with pytest.raises(PermissionRefused) as refused:
            recognise_certificate(outsider, agreement, issued_certificate)
        assert refused.value.field == "actor"
    assert len(events_of(issued_certificate)) == 1


def test_a_recognising_party_of_another_agreement_is_refused(
    jiangsu_regulator: Actor,
    make_agreement: Callable[..., RecognitionAgreement],
    agreement: RecognitionAgreement,
    issued_certificate: Certificate,
) -> None:
    other = make_agreement("OTHER-01")
    with pytest.raises(ValidationFailed) as refused:
        recognise_certificate(
            jiangsu_regulator, agreement, issued_certificate, recognised_by=other.parties.first()
        )
    assert refused.value.field == "recognised_by"


def test_withdrawing_a_recognition_writes_a_recognition_ended_event(
    jiangsu_regulator: Actor, agreement: RecognitionAgreement, issued_certificate: Certificate
) -> None:
    recognition = recognise_certificate(jiangsu_regulator, agreement, issued_certificate)
    ended = end_recognition(jiangsu_regulator, recognition, note="持证人申请")
    event = events_of(issued_certificate)[-1]
    assert event.event_type == EventType.RECOGNITION_ENDED
    assert event.reason_code == "H12"
    assert event.payload["agreement"] == agreement.code
    assert ended.ended_sequence == event.sequence
    [entry] = recognitions_of(issued_certificate)
    assert entry["ended"] == ended.ended_on.isoformat()


def test_a_recognition_may_be_given_again_after_it_was_withdrawn(
    jiangsu_regulator: Actor, agreement: RecognitionAgreement, issued_certificate: Certificate
) -> None:
    recognition = recognise_certificate(jiangsu_regulator, agreement, issued_certificate)
    end_recognition(jiangsu_regulator, recognition, note="核对后撤回")
    recognise_certificate(jiangsu_regulator, agreement, issued_certificate)
    entries = recognitions_of(issued_certificate)
    assert [e["ended"] is None for e in entries] == [False, True]


def test_withdrawing_needs_a_reason_and_a_party(
    jiangsu_regulator: Actor,
    zhejiang_regulator: Actor,
    agreement: RecognitionAgreement,
    issued_certificate: Certificate,
) -> None:
    recognition = recognise_certificate(jiangsu_regulator, agreement, issued_certificate)
    with pytest.raises(ValidationFailed):
        end_recognition(jiangsu_regulator, recognition, note=" ")
    with pytest.raises(PermissionRefused):
        end_recognition(zhejiang_regulator, recognition, note="不是协议方")
    end_recognition(jiangsu_regulator, recognition, note="撤回")
    with pytest.raises(TransitionRefused):
        end_recognition(jiangsu_regulator, recognition, note="再次撤回")


def test_ending_an_agreement_ends_each_recognition_with_an_event(
    jiangsu_regulator: Actor,
    agreement: RecognitionAgreement,
    issue: Callable[..., Certificate],
) -> None:
    certificates = [issue(), issue()]
    for certificate in certificates:
        recognise_certificate(jiangsu_regulator, agreement, certificate)
    end_agreement(jiangsu_regulator, agreement, reason="协议期满不再续签")
    agreement.refresh_from_db()
    assert agreement.state == RecognitionAgreement.State.ENDED
    for certificate in certificates:
        event = events_of(certificate)[-1]
        assert (event.event_type, event.reason_code) == (EventType.RECOGNITION_ENDED, "H11")
        assert event.payload["note"] == "协议期满不再续签"
    assert not Recognition.objects.filter(ended_on__isnull=True).exists()


def test_an_ended_agreement_recognises_nothing_more_and_cannot_end_again(
    jiangsu_regulator: Actor, agreement: RecognitionAgreement, issued_certificate: Certificate
) -> None:
    end_agreement(jiangsu_regulator, agreement, reason="终止")
    with pytest.raises(TransitionRefused):
        recognise_certificate(jiangsu_regulator, agreement, issued_certificate)
    with pytest.raises(TransitionRefused):
        end_agreement(jiangsu_regulator, agreement, reason="再次终止")


def test_only_a_party_ends_an_agreement(
    zhejiang_regulator: Actor, agreement: RecognitionAgreement
) -> None:
    with pytest.raises(PermissionRefused):
        end_agreement(zhejiang_regulator, agreement, reason="不是协议方")
    agreement.refresh_from_db()
    assert agreement.state == RecognitionAgreement.State.IN_FORCE


def test_a_furniture_certificate_is_in_scope_of_a_furniture_agreement(
    jiangsu_regulator: Actor,
    make_agreement: Callable[..., RecognitionAgreement],
    furniture: Category,
    issue: Callable[..., Certificate],
    body: object,
) -> None:
    body.categories.add(furniture)  # type: ignore[attr-defined]
    agreement = make_agreement(categories=(furniture,))
    certificate = issue(category=furniture, certification_unit=FURNITURE_UNIT, products=[])
    recognise_certificate(jiangsu_regulator, agreement, certificate)
    assert events_of(certificate)[-1].payload["scope"] == ["furniture"]
