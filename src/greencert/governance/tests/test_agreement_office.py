"""Concluding a recognition agreement: the action's refusals and the office page."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from greencert.catalog.models import Category
from greencert.core.actors import Actor
from greencert.core.errors import PermissionRefused, ValidationFailed
from greencert.core.tests.fixtures import region
from greencert.governance.models import RecognitionAgreement
from greencert.governance.recognition import create_agreement, recognise_certificate

pytestmark = pytest.mark.django_db


def arguments(coatings: Category, **changes: Any) -> dict[str, Any]:
    return {
        "code": "YRD-HR-2026-07",
        "title_zh": "沪苏涂料绿色产品认证结果互认协议",
        "title_en": "Shanghai–Jiangsu mutual recognition of coatings certification",
        "kind": RecognitionAgreement.Kind.INTER_PROVINCIAL,
        "starts_on": dt.date(2026, 1, 1),
        "ends_on": dt.date(2028, 12, 31),
        "categories": [coatings],
        "provinces": [region("310000"), region("320000")],
        "scheme": "",
        "documents": [("协议文本", "https://example.org/yrd-hr-2026-07.pdf")],
    } | changes


def test_a_party_records_an_inter_provincial_agreement(
    jiangsu_regulator: Actor, coatings: Category
) -> None:
    agreement = create_agreement(jiangsu_regulator, **arguments(coatings))
    assert agreement.state == RecognitionAgreement.State.IN_FORCE
    assert list(agreement.categories.all()) == [coatings]
    assert [(p.name_zh, p.region_id) for p in agreement.parties.all()] == [
        ("上海市市场监督管理局", "310000"),
        ("江苏省市场监督管理局", "320000"),
    ]
    assert [(d.title, d.link) for d in agreement.documents.all()] == [
        ("协议文本", "https://example.org/yrd-hr-2026-07.pdf")
    ]


def test_an_international_agreement_has_the_other_scheme_as_a_party(
    shanghai_regulator: Actor, coatings: Category
) -> None:
    agreement = create_agreement(
        shanghai_regulator,
        **arguments(
            coatings,
            kind=RecognitionAgreement.Kind.INTERNATIONAL,
            provinces=[region("310000")],
            scheme="Nordic Swan Ecolabel",
        ),
    )
    assert [(p.name_en, p.region_id, p.scheme) for p in agreement.parties.all()] == [
        ("Shanghai Administration for Market Regulation", "310000", ""),
        ("Nordic Swan Ecolabel", None, "Nordic Swan Ecolabel"),
    ]


def test_the_new_agreement_recognises_certificates_in_its_scope(
    jiangsu_regulator: Actor, coatings: Category, issued_certificate: Any
) -> None:
    agreement = create_agreement(
        jiangsu_regulator, **arguments(coatings, starts_on=dt.date(2020, 1, 1), ends_on=None)
    )
    recognition = recognise_certificate(jiangsu_regulator, agreement, issued_certificate)
    assert recognition.recognised_by.region_id == "320000"


def test_only_a_regulator_of_a_party_province_records_it(
    coatings: Category,
    zhejiang_regulator: Actor,
    huzhou_regulator: Actor,
    alliance_admin: Actor,
) -> None:
    for actor in (zhejiang_regulator, huzhou_regulator, alliance_admin):
        with pytest.raises(PermissionRefused) as refused:
            create_agreement(actor, **arguments(coatings))
        assert refused.value.field == "actor"
        assert "上海市、江苏省" in refused.value.message_zh
    assert not RecognitionAgreement.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"ends_on": dt.date(2025, 12, 31)}, "ends_on"),
        ({"categories": []}, "categories"),
        ({"provinces": ["320000"]}, "provinces"),
        ({"provinces": ["320000", "320000"]}, "provinces"),
        ({"provinces": ["320000", "320500"]}, "provinces"),
        ({"kind": RecognitionAgreement.Kind.INTERNATIONAL, "scheme": " "}, "scheme"),
        ({"scheme": "Nordic Swan Ecolabel"}, "scheme"),
        ({"code": "YRD HR/2026"}, "code"),
        ({"title_en": ""}, "title_en"),
        ({"kind": "bilateral"}, "kind"),
        ({"documents": [("协议文本", "ftp://example.org/a.pdf")]}, "documents"),
        ({"documents": [("", "https://example.org/a.pdf")]}, "documents"),
    ],
)
def test_what_an_agreement_lacks_is_refused_and_named(
    jiangsu_regulator: Actor, coatings: Category, changes: dict[str, Any], field: str
) -> None:
    if "provinces" in changes:
        changes = changes | {"provinces": [region(code) for code in changes["provinces"]]}
    with pytest.raises(ValidationFailed) as refused:
        create_agreement(jiangsu_regulator, **arguments(coatings, **changes))
    assert refused.value.field == field
    assert refused.value.message_zh and refused.value.message_en
    assert not RecognitionAgreement.objects.exists()


def test_a_code_already_used_is_refused(jiangsu_regulator: Actor, coatings: Category) -> None:
    create_agreement(jiangsu_regulator, **arguments(coatings))
    with pytest.raises(ValidationFailed) as refused:
        create_agreement(jiangsu_regulator, **arguments(coatings, code="yrd-hr-2026-07"))
    assert refused.value.field == "code"
    assert "not yet used" in refused.value.message_en
    assert RecognitionAgreement.objects.count() == 1


# ---------------------------------------------------------------- the office page


def form_data(coatings: Category, **changes: str | list[str]) -> dict[str, Any]:
    return {
        "idempotency_key": "k1",
        "code": "YRD-HR-2026-07",
        "title_zh": "沪苏涂料绿色产品认证结果互认协议",
        "title_en": "Shanghai–Jiangsu mutual recognition of coatings certification",
        "kind": "inter_provincial",
        "starts_on": "2026-01-01",
        "ends_on": "2028-12-31",
        "provinces": ["310000", "320000"],
        "categories": [str(coatings.pk)],
        "documents": "协议文本 | https://example.org/yrd-hr-2026-07.pdf\n",
    } | changes


def test_the_list_links_to_the_office_form_for_provincial_regulators_only(
    client: Client, jiangsu_regulator: Actor, huzhou_regulator: Actor
) -> None:
    assert 'href="/recognition/office/new/"' not in client.get("/recognition/").content.decode()
    client.force_login(huzhou_regulator.user)
    assert 'href="/recognition/office/new/"' not in client.get("/recognition/").content.decode()
    assert client.get("/recognition/office/new/").status_code == 403
    client.force_login(jiangsu_regulator.user)
    assert 'href="/recognition/office/new/"' in client.get("/recognition/").content.decode()
    page = client.get("/recognition/office/new/")
    assert page.status_code == 200
    assert "江苏省市场监督管理局" in page.content.decode()


def test_the_office_page_asks_a_visitor_to_log_in(client: Client) -> None:
    response = client.get("/recognition/office/new/")
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_the_office_form_records_the_agreement(
    client: Client, jiangsu_regulator: Actor, coatings: Category
) -> None:
    client.force_login(jiangsu_regulator.user)
    response = client.post("/recognition/office/new/", form_data(coatings))
    assert response.status_code == 302
    assert response["Location"] == "/recognition/YRD-HR-2026-07/"
    agreement = RecognitionAgreement.objects.get()
    assert sorted(agreement.parties.values_list("region_id", flat=True)) == ["310000", "320000"]
    assert agreement.documents.get().title == "协议文本"
    page = client.get(response["Location"]).content.decode()
    assert "沪苏涂料绿色产品认证结果互认协议" in page


def test_the_office_form_shows_the_refusal_beside_the_field(
    client: Client, jiangsu_regulator: Actor, coatings: Category
) -> None:
    client.force_login(jiangsu_regulator.user)
    response = client.post(
        "/recognition/office/new/?lang=en",
        form_data(coatings, kind="international", provinces=["320000"]),
    )
    assert response.status_code == 400
    assert "the name of the other scheme of an international recognition" in (
        response.content.decode()
    )
    response = client.post("/recognition/office/new/", form_data(coatings, ends_on="2025-06-30"))
    assert response.status_code == 400
    assert "an end date not before the start, 2026-01-01" in response.content.decode()
    assert not RecognitionAgreement.objects.exists()


def test_the_office_form_refuses_an_agreement_without_the_actors_province(
    client: Client, zhejiang_regulator: Actor, coatings: Category
) -> None:
    client.force_login(zhejiang_regulator.user)
    response = client.post("/recognition/office/new/", form_data(coatings))
    assert response.status_code == 403
    assert "协议方所在省（市）" in response.content.decode()
    assert not RecognitionAgreement.objects.exists()


def test_a_document_line_without_an_address_is_named_on_the_form(
    client: Client, jiangsu_regulator: Actor, coatings: Category
) -> None:
    client.force_login(jiangsu_regulator.user)
    response = client.post("/recognition/office/new/", form_data(coatings, documents="协议文本"))
    assert response.status_code == 400
    assert "协议文本" in response.content.decode()
    assert not RecognitionAgreement.objects.exists()
