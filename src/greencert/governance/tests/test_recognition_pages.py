"""Recognitions where people and systems read them: the agreement pages, the verify page, the
certificate API and the credential."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from greencert.certification.lifecycle.history import history
from greencert.certification.models import Certificate
from greencert.certification.recognitions import recognitions_of
from greencert.core.actors import Actor
from greencert.governance.models import AgreementDocument, Recognition, RecognitionAgreement
from greencert.governance.recognition import end_agreement, recognise_certificate
from greencert.marks.credentials import credential_claims

pytestmark = pytest.mark.django_db


@pytest.fixture
def recognised(
    jiangsu_regulator: Actor, agreement: RecognitionAgreement, issued_certificate: Certificate
) -> Certificate:
    recognise_certificate(jiangsu_regulator, agreement, issued_certificate)
    return issued_certificate


def test_the_verify_page_shows_by_whom_and_under_which_agreement(
    client: Client, recognised: Certificate, agreement: RecognitionAgreement
) -> None:
    page = client.get(f"/verify/{recognised.number}").content.decode()
    assert agreement.title_zh in page
    assert "江苏省市场监督管理局" in page
    assert f'href="/recognition/{agreement.code}/"' in page


def test_the_verify_page_of_an_unrecognised_certificate_has_no_recognition_section(
    client: Client, issued_certificate: Certificate
) -> None:
    page = client.get(f"/verify/{issued_certificate.number}").content.decode()
    assert 'id="recognitions-heading"' not in page


def test_recognitions_read_from_a_history_already_read_cost_a_query_only_when_there_are_any(
    recognised: Certificate,
    issue: Callable[..., Certificate],
    django_assert_num_queries: Callable[[int], object],
) -> None:
    other_certificate = issue()
    plain_history = history(other_certificate.pk)
    with django_assert_num_queries(0):  # type: ignore[attr-defined]
        assert recognitions_of(other_certificate, plain_history) == []
    recognised_history = history(recognised.pk)
    with django_assert_num_queries(1):  # type: ignore[attr-defined]
        found = recognitions_of(recognised, recognised_history)
    assert [entry["agreement"] for entry in found] == ["YRD-HR-2026-01"]


def test_the_certificate_api_lists_recognitions_with_their_end(
    client: Client,
    recognised: Certificate,
    agreement: RecognitionAgreement,
    jiangsu_regulator: Actor,
) -> None:
    [entry] = client.get(f"/api/v1/certificates/{recognised.number}").json()["recognitions"]
    assert entry["agreement"] == agreement.code
    assert entry["recognised_by"]["name_en"] == "Jiangsu Administration for Market Regulation"
    assert entry["ended"] is None
    end_agreement(jiangsu_regulator, agreement, reason="到期")
    [entry] = client.get(f"/api/v1/certificates/{recognised.number}").json()["recognitions"]
    assert entry["ended"] is not None


def test_the_credential_states_recognitions_in_force_only(
    recognised: Certificate, agreement: RecognitionAgreement, jiangsu_regulator: Actor
) -> None:
    [claim] = credential_claims(recognised)["credentialSubject"]["recognitions"]
    assert claim["id"] == f"urn:greencert:recognition:{agreement.code}"
    assert claim["recognisedBy"]["name"] == "江苏省市场监督管理局"
    assert claim["scope"] == ["coatings"]
    end_agreement(jiangsu_regulator, agreement, reason="到期")
    assert "recognitions" not in credential_claims(recognised)["credentialSubject"]


def test_an_unrecognised_certificate_s_credential_keeps_its_former_shape(
    issued_certificate: Certificate,
) -> None:
    assert "recognitions" not in credential_claims(issued_certificate)["credentialSubject"]


def test_the_agreement_page_lists_its_recognised_certificates(
    client: Client, recognised: Certificate, agreement: RecognitionAgreement
) -> None:
    AgreementDocument.objects.create(
        agreement=agreement, title="互认协议文本", url="https://example.org/agreement.pdf"
    )
    page = client.get(f"/recognition/{agreement.code}/").content.decode()
    assert recognised.number in page
    assert "互认协议文本" in page
    assert "水性" in page or "涂料" in page
    listing = client.get("/recognition/").content.decode()
    assert agreement.title_zh in listing


def test_a_demo_agreement_says_so(
    client: Client, make_agreement: Callable[..., RecognitionAgreement]
) -> None:
    demo = make_agreement("INT-DEMO", kind="international", scheme="Demo label")
    RecognitionAgreement.objects.filter(pk=demo.pk).update(demo=True)
    page = client.get("/recognition/INT-DEMO/?lang=en").content.decode()
    assert "Demo data" in page


def test_a_party_recognises_a_certificate_on_the_agreement_page(
    client: Client,
    jiangsu_regulator: Actor,
    agreement: RecognitionAgreement,
    issued_certificate: Certificate,
) -> None:
    client.force_login(jiangsu_regulator.user)
    assert 'id="recognise"' in client.get(f"/recognition/{agreement.code}/").content.decode()
    party = agreement.parties.get(region_id="320000")
    response = client.post(
        f"/recognition/{agreement.code}/recognise/",
        {
            "idempotency_key": "r1",
            "certificate": issued_certificate.number,
            "recognised_by": party.pk,
        },
    )
    assert response.status_code == 302
    assert Recognition.objects.get().certificate == issued_certificate


def test_a_refused_recognition_is_explained_on_the_page(
    client: Client,
    jiangsu_regulator: Actor,
    agreement: RecognitionAgreement,
    recognised: Certificate,
) -> None:
    client.force_login(jiangsu_regulator.user)
    response = client.post(
        f"/recognition/{agreement.code}/recognise/?lang=en",
        {
            "idempotency_key": "r2",
            "certificate": recognised.number,
            "recognised_by": agreement.parties.first().pk,
        },
    )
    assert response.status_code == 409
    assert "not yet recognised under agreement" in response.content.decode()


def test_someone_not_a_party_cannot_post_a_recognition(
    client: Client, zhejiang_regulator: Actor, agreement: RecognitionAgreement
) -> None:
    client.force_login(zhejiang_regulator.user)
    page = client.get(f"/recognition/{agreement.code}/").content.decode()
    assert 'id="recognise"' not in page
    response = client.post(f"/recognition/{agreement.code}/recognise/", {"idempotency_key": "x"})
    assert response.status_code == 403


def test_the_agreements_api_lists_parties_scope_and_recognitions(
    client: Client, recognised: Certificate, agreement: RecognitionAgreement
) -> None:
    [data] = client.get("/api/v1/recognition-agreements").json()
    assert data["code"] == agreement.code
    assert data["scope"] == ["coatings"]
    assert [p["region"] for p in data["parties"]] == ["320000", "310000"]
    assert data["recognitions"][0]["certificate"] == recognised.number
