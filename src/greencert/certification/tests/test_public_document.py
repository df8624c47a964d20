"""The public document of each certificate: kept by the event log's projection, equal to a fresh
computation after a mixed history, rebuilt to the same rows, and served by the API as stored."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from greencert.catalog.models import Category
from greencert.certification.actions import (
    expire_due_certificates,
    restore_certificate,
    revoke_certificate,
    suspend_certificate,
)
from greencert.certification.links import link_upstream, unlink_upstream
from greencert.certification.lookup import PUBLIC_RELATED
from greencert.certification.models import Application, Certificate, PublicDocument
from greencert.certification.presenters import detail_dict
from greencert.certification.public_document import (
    encode,
    fresh_document,
    rebuild_documents,
)
from greencert.certification.workflow.actions import issue_application_certificate
from greencert.certification.workflow.testing import Cast
from greencert.core.actors import Actor
from greencert.core.tests.fixtures import LONG_AGO, in_days, region
from greencert.exchange.actions import create_client, record_adoption
from greencert.governance.models import RecognitionAgreement
from greencert.governance.recognition import recognise_certificate
from greencert.governance.testing import recognition_agreement
from greencert.parties.models import Role
from greencert.supervision.actions import list_on_blacklist, remove_from_blacklist

pytestmark = pytest.mark.django_db


def _rows() -> dict[int, tuple[Any, ...]]:
    return {
        d.certificate_id: (d.number, d.own_sequence, d.version, d.changed_at, bytes(d.body))
        for d in PublicDocument.objects.all()
    }


def _agreement(coatings: Category) -> RecognitionAgreement:
    return recognition_agreement([coatings], ("320000", "310000"))


@pytest.fixture
def mixed_history(
    issue: Callable[..., Certificate],
    body_staff: Actor,
    zhejiang_regulator: Actor,
    make_actor: Callable[..., Actor],
    application_in: Callable[[str], Application],
    cast: Cast,
    coatings: Category,
    holder: Any,
) -> list[Certificate]:
    """Every kind of event: issues (one batch of one audit), suspension and restoration,
    revocation, expiry, supply-chain links made and undone, a recognition, an adoption, and a
    holder listed on the blacklist, removed and listed again."""
    a = issue()
    b = issue(site="320500")
    c = issue()
    old = issue(issue_date=LONG_AGO)
    application = issue_application_certificate(
        cast.decider, application_in("approved"), programmes=["national", "yrd"]
    )
    national, regional = Certificate.objects.filter(audit__application=application).order_by("id")
    suspend_certificate(body_staff, a, reason_code="S01", until=in_days(30))
    restore_certificate(body_staff, a, reason_code="T01")
    link_upstream(body_staff, c, a.number, role="raw_material", share="30")
    link_upstream(body_staff, c, b.number, role="component")
    unlink_upstream(body_staff, c, b.number)
    revoke_certificate(body_staff, b, reason_code="R02")
    # A change of a certificate shown beside others: the same audit, the supply chain.
    suspend_certificate(cast.decider, national, reason_code="S01", until=in_days(30))
    suspend_certificate(body_staff, a, reason_code="S01", until=in_days(30))
    expire_due_certificates()
    regulator = make_actor("js-regulator", Role.REGULATOR, region=region("320000"))
    recognise_certificate(regulator, _agreement(coatings), c)
    buyer, _token = create_client(
        Actor.for_system("console"), name="buyer", scopes=["verify", "adoption"]
    )
    record_adoption(
        Actor.for_client(buyer),
        c,
        kind="procurement",
        reference="ZC-2026-001",
        adopted_on=timezone.localdate(),
        amount_band="lt-1m",
    )
    entry = list_on_blacklist(
        zhejiang_regulator,
        enterprise=holder,
        basis_code="SCL-2022",
        facts="伪造检验报告",
        ends_on=in_days(365),
    )
    remove_from_blacklist(zhejiang_regulator, entry, reason="复核撤销")
    list_on_blacklist(
        zhejiang_regulator,
        enterprise=holder,
        basis_code="SCL-2022",
        facts="伪造检验报告",
        ends_on=in_days(365),
    )
    return [a, b, c, old, national, regional]


def test_after_a_mixed_history_every_document_equals_a_fresh_computation(mixed_history):
    certificates = Certificate.objects.select_related(*PUBLIC_RELATED).order_by("pk")
    stored = _rows()
    assert set(stored) == {c.pk for c in certificates}
    for certificate in certificates:
        number, own, version, _changed_at, body = stored[certificate.pk]
        assert body == encode(fresh_document(certificate)), certificate.number
        assert (number, own) == (certificate.number, certificate.last_event_sequence)
        assert version >= own
    kinds = {json.loads(row[4])["status"]["code"] for row in stored.values()}
    assert {"01", "02", "03", "05"} <= kinds
    flagged = [json.loads(row[4]) for row in stored.values()]
    assert any(d["blacklisted"] and d["blacklist"] for d in flagged)
    assert any(d["recognitions"] for d in flagged)
    assert any(d["upstream"] for d in flagged) and any(d["downstream"] for d in flagged)
    assert any(d["same_audit"] for d in flagged)


def test_a_rebuild_writes_the_rows_the_projection_wrote(mixed_history):
    projected = _rows()
    assert rebuild_documents() == len(projected)
    assert _rows() == projected


def test_a_change_of_a_certificate_shown_beside_another_versions_that_ones_document(
    application_in: Callable[[str], Application], cast: Cast
) -> None:
    application = issue_application_certificate(
        cast.decider, application_in("approved"), programmes=["national", "yrd"]
    )
    national, regional = Certificate.objects.filter(audit__application=application).order_by("id")
    before = PublicDocument.objects.get(pk=regional.pk)
    national = suspend_certificate(cast.decider, national, reason_code="S01", until=in_days(30))
    after = PublicDocument.objects.get(pk=regional.pk)
    assert after.own_sequence == before.own_sequence == regional.last_event_sequence
    assert after.version == national.last_event_sequence > before.version
    shown = json.loads(bytes(after.body))["same_audit"]
    assert [(row["number"], row["status"]["code"]) for row in shown] == [(national.number, "02")]


def test_the_api_sends_the_stored_document_as_it_is(issued_certificate: Certificate) -> None:
    PublicDocument.objects.filter(pk=issued_certificate.pk).update(
        body=b'{"stored": "\xe6\x98\xaf"}'
    )
    response = Client().get(f"/api/v1/certificates/{issued_certificate.number}")
    assert response.status_code == 200
    assert response.content == '{"stored": "是"}'.encode()
    assert response["Content-Type"] == "application/json"


def test_the_api_answer_is_the_computed_detail_with_blacklist_flags(
    issue: Callable[..., Certificate], zhejiang_regulator: Actor, holder: Any
) -> None:
    certificate = issue()
    list_on_blacklist(
        zhejiang_regulator,
        enterprise=holder,
        basis_code="SCL-2022",
        facts="伪造检验报告",
        ends_on=in_days(365),
    )
    certificate = Certificate.objects.select_related(*PUBLIC_RELATED).get(pk=certificate.pk)
    body = Client().get(f"/api/v1/certificates/{certificate.number}").json()
    assert body["blacklisted"] is True
    assert body["blacklist"][0]["subject_id"] == holder.credit_code
    assert body == json.loads(encode(fresh_document(certificate)))


def test_a_status_on_a_past_date_is_read_from_the_stored_history(
    issue: Callable[..., Certificate], body_staff: Actor
) -> None:
    certificate = issue(issue_date=timezone.localdate() - dt.timedelta(days=10))
    suspend_certificate(body_staff, certificate, reason_code="S01", until=in_days(30))
    certificate = Certificate.objects.select_related(*PUBLIC_RELATED).get(pk=certificate.pk)
    for day in (timezone.localdate() - dt.timedelta(days=11), timezone.localdate()):
        response = Client().get(f"/api/v1/certificates/{certificate.number}?at={day}")
        computed = json.loads(encode(detail_dict(certificate, day)))
        assert response.json()["at"] == computed["at"]
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    answer = Client().get(f"/api/v1/certificates/{certificate.number}?at={yesterday}").json()
    assert answer["at"]["status"]["code"] == "01"
    assert answer["status"]["code"] == "02"


def test_a_certificate_whose_document_is_not_built_yet_is_answered_all_the_same(
    issued_certificate: Certificate,
) -> None:
    PublicDocument.objects.filter(pk=issued_certificate.pk).delete()
    response = Client().get(f"/api/v1/certificates/{issued_certificate.number}")
    assert response.status_code == 200
    assert response.json()["number"] == issued_certificate.number
    assert response["ETag"] == f'"{issued_certificate.last_event_sequence}"'


def test_a_body_number_finds_the_stored_document(issued_certificate: Certificate) -> None:
    response = Client().get(f"/api/v1/certificates/{issued_certificate.body_number}")
    stored = PublicDocument.objects.get(pk=issued_certificate.pk)
    assert response.status_code == 200
    assert response.content == bytes(stored.body)
