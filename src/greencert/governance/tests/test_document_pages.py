"""The alliance documents' pages: the secretariat registers a document, adds a version and
records its CNCA filing in its office; a body's staff cite a filed version for one of the body's
certificates; the verify page shows the documents a certificate cites. Refusals come from the
actions and show beside the form in both languages."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client

from greencert.certification.models import Certificate
from greencert.core.actors import Actor
from greencert.core.tests.fixtures import in_days
from greencert.governance import alliance_documents as actions
from greencert.governance.cited_documents import cited_documents
from greencert.governance.models import AllianceDocument, DocumentCitation, DocumentVersion

pytestmark = pytest.mark.django_db

TITLE = "长三角绿色产品认证实施程序"


def logged_in(actor: Actor) -> Client:
    client = Client()
    client.force_login(actor.user)
    return client


@pytest.fixture
def document(secretariat: Actor) -> AllianceDocument:
    return actions.add_document(
        secretariat,
        code="YRDGC-P-001",
        kind="procedure",
        title_zh=TITLE,
        title_en="YRD green product certification procedure",
    )


@pytest.fixture
def version(secretariat: Actor, document: AllianceDocument) -> DocumentVersion:
    return actions.add_document_version(
        secretariat,
        document,
        version="1.0",
        issued_on=dt.date(2024, 3, 1),
        in_force_on=dt.date(2024, 4, 1),
    )


@pytest.fixture
def filed(secretariat: Actor, version: DocumentVersion) -> DocumentVersion:
    return actions.record_filing(
        secretariat, version, filing_number="认监备〔2024〕017号", filed_on=dt.date(2024, 3, 20)
    )


# ---------------------------------------------------------------- the secretariat's office


def test_the_secretariat_office_links_the_documents(secretariat: Actor) -> None:
    page = logged_in(secretariat).get("/alliance/office/").content.decode()
    assert 'href="/alliance/office/documents/"' in page


def test_the_secretariat_registers_a_document(secretariat: Actor) -> None:
    client = logged_in(secretariat)
    response = client.post(
        "/alliance/office/documents/",
        {
            "idempotency_key": "k",
            "kind": "technical",
            "code": "yrdgc-t-002",
            "title_zh": "竹制品绿色产品认证技术规范",
            "title_en": "",
            "summary": "",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/alliance/office/documents/YRDGC-T-002/"
    document = AllianceDocument.objects.get()
    assert (document.code, document.kind) == ("YRDGC-T-002", "technical")
    listing = client.get("/alliance/office/documents/").content.decode()
    assert "竹制品绿色产品认证技术规范" in listing and "YRDGC-T-002" in listing


def test_a_used_document_code_is_refused_beside_the_field_in_both_languages(
    secretariat: Actor, document: AllianceDocument
) -> None:
    client = logged_in(secretariat)
    data = {"idempotency_key": "k", "kind": "procedure", "code": "YRDGC-P-001", "title_zh": "又一"}
    response = client.post("/alliance/office/documents/", data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "未使用过的文件编号" in page and 'class="error"' in page
    english = client.post("/alliance/office/documents/?lang=en", data).content.decode()
    assert "an unused code" in english
    assert AllianceDocument.objects.count() == 1


def test_a_malformed_document_code_is_refused(secretariat: Actor) -> None:
    response = logged_in(secretariat).post(
        "/alliance/office/documents/",
        {"idempotency_key": "k", "kind": "procedure", "code": "程序 1", "title_zh": "程序"},
    )
    assert response.status_code == 400
    assert "YRDGC-P-001" in response.content.decode()
    assert not AllianceDocument.objects.exists()


def test_the_document_office_is_for_the_secretariat_only(
    zhejiang_regulator: Actor, body_staff: Actor, document: AllianceDocument
) -> None:
    for actor in (zhejiang_regulator, body_staff):
        client = logged_in(actor)
        assert client.get("/alliance/office/documents/").status_code == 403
        assert client.get("/alliance/office/documents/YRDGC-P-001/").status_code == 403
        refused = client.post(
            "/alliance/office/documents/YRDGC-P-001/versions/",
            {
                "idempotency_key": "k",
                "version": "1.0",
                "issued_on": "2024-03-01",
                "in_force_on": "2024-04-01",
            },
        )
        assert refused.status_code == 403
    assert not DocumentVersion.objects.exists()
    anonymous = Client().get("/alliance/office/documents/")
    assert anonymous.status_code == 302 and "login" in anonymous["Location"]


def test_the_secretariat_adds_a_version_not_yet_filed(
    secretariat: Actor, document: AllianceDocument
) -> None:
    client = logged_in(secretariat)
    response = client.post(
        "/alliance/office/documents/YRDGC-P-001/versions/",
        {
            "idempotency_key": "k",
            "version": "1.0",
            "issued_on": "2024-03-01",
            "in_force_on": "2024-04-01",
            "changes": "首次发布",
        },
    )
    assert response.status_code == 302
    version = DocumentVersion.objects.get()
    assert (version.version, version.in_force_on, version.is_filed) == (
        "1.0",
        dt.date(2024, 4, 1),
        False,
    )
    assert version.added_by == secretariat.label
    page = client.get("/alliance/office/documents/YRDGC-P-001/").content.decode()
    assert "未备案" in page and f'id="filing-{version.pk}"' in page


def test_a_version_in_force_before_its_issue_is_refused(
    secretariat: Actor, document: AllianceDocument
) -> None:
    response = logged_in(secretariat).post(
        "/alliance/office/documents/YRDGC-P-001/versions/",
        {
            "idempotency_key": "k",
            "version": "1.0",
            "issued_on": "2024-03-01",
            "in_force_on": "2024-02-01",
        },
    )
    assert response.status_code == 400
    assert "发布日期 2024-03-01 当天或以后" in response.content.decode()
    assert not DocumentVersion.objects.exists()


def test_the_secretariat_records_a_filing(secretariat: Actor, version: DocumentVersion) -> None:
    client = logged_in(secretariat)
    prefix = f"v{version.pk}"
    response = client.post(
        f"/alliance/office/documents/YRDGC-P-001/versions/{version.pk}/filing/",
        {
            f"{prefix}-idempotency_key": "k",
            f"{prefix}-filing_number": "认监备〔2024〕017号",
            f"{prefix}-filed_on": "2024-03-20",
        },
    )
    assert response.status_code == 302
    version.refresh_from_db()
    assert (version.filing_number, version.filed_on) == (
        "认监备〔2024〕017号",
        dt.date(2024, 3, 20),
    )
    page = client.get("/alliance/office/documents/YRDGC-P-001/").content.decode()
    assert f'id="filing-{version.pk}"' not in page
    public = Client().get("/alliance/documents/YRDGC-P-001/").content.decode()
    assert "认监备〔2024〕017号" in public


def test_a_filing_dated_in_the_future_is_refused(
    secretariat: Actor, version: DocumentVersion
) -> None:
    prefix = f"v{version.pk}"
    response = logged_in(secretariat).post(
        f"/alliance/office/documents/YRDGC-P-001/versions/{version.pk}/filing/",
        {
            f"{prefix}-idempotency_key": "k",
            f"{prefix}-filing_number": "认监备〔2024〕017号",
            f"{prefix}-filed_on": in_days(3).isoformat(),
        },
    )
    assert response.status_code == 400
    assert "filed_on" in response.content.decode()
    version.refresh_from_db()
    assert not version.is_filed


def test_a_second_filing_is_refused_above_the_versions(
    secretariat: Actor, filed: DocumentVersion
) -> None:
    prefix = f"v{filed.pk}"
    response = logged_in(secretariat).post(
        f"/alliance/office/documents/YRDGC-P-001/versions/{filed.pk}/filing/?lang=en",
        {
            f"{prefix}-idempotency_key": "k",
            f"{prefix}-filing_number": "CNCA-BA-2024-099",
            f"{prefix}-filed_on": "2024-03-21",
        },
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "a version not yet filed" in page and 'class="form-errors"' in page
    filed.refresh_from_db()
    assert filed.filing_number == "认监备〔2024〕017号"


# ---------------------------------------------------------------- a body cites a version


def cite(actor: Actor, version: DocumentVersion, number: str, lang: str = "") -> object:
    query = "?lang=en" if lang == "en" else ""
    return logged_in(actor).post(
        f"/alliance/documents/{version.document.code}/cite/{query}",
        {"idempotency_key": "k", "version": str(version.pk), "certificate": number},
    )


def test_the_document_page_offers_citing_to_body_staff_only(
    body_staff: Actor, secretariat: Actor, filed: DocumentVersion
) -> None:
    link = 'href="/alliance/documents/YRDGC-P-001/cite/"'
    assert link in logged_in(body_staff).get("/alliance/documents/YRDGC-P-001/").content.decode()
    assert link not in Client().get("/alliance/documents/YRDGC-P-001/").content.decode()
    secretariat_page = logged_in(secretariat).get("/alliance/documents/YRDGC-P-001/")
    assert link not in secretariat_page.content.decode()
    assert 'href="/alliance/office/documents/YRDGC-P-001/"' in secretariat_page.content.decode()


def test_the_cite_page_is_for_body_staff_only(
    secretariat: Actor, zhejiang_regulator: Actor, filed: DocumentVersion
) -> None:
    for actor in (secretariat, zhejiang_regulator):
        assert logged_in(actor).get("/alliance/documents/YRDGC-P-001/cite/").status_code == 403
    assert Client().get("/alliance/documents/YRDGC-P-001/cite/").status_code == 302


def test_the_cite_form_offers_the_versions_and_chooses_the_citable_one(
    secretariat: Actor, body_staff: Actor, document: AllianceDocument, filed: DocumentVersion
) -> None:
    actions.add_document_version(
        secretariat,
        document,
        version="2.0",
        issued_on=dt.date(2025, 1, 1),
        in_force_on=dt.date(2025, 2, 1),
    )
    page = logged_in(body_staff).get("/alliance/documents/YRDGC-P-001/cite/").content.decode()
    assert "2.0 · 未备案" in page
    assert f'value="{filed.pk}" selected' in page


def test_staff_cite_a_filed_version_by_the_registry_number(
    body_staff: Actor, issued_certificate: Certificate, filed: DocumentVersion
) -> None:
    response = cite(body_staff, filed, issued_certificate.number.lower())
    assert response.status_code == 302  # type: ignore[attr-defined]
    citation = DocumentCitation.objects.get()
    assert (citation.certificate, citation.version) == (issued_certificate, filed)
    page = Client().get("/alliance/documents/YRDGC-P-001/").content.decode()
    assert issued_certificate.number in page


def test_staff_cite_by_the_number_their_body_gave(
    body_staff: Actor, issued_certificate: Certificate, filed: DocumentVersion
) -> None:
    assert issued_certificate.body_number
    assert cite(body_staff, filed, issued_certificate.body_number).status_code == 302  # type: ignore[attr-defined]
    assert DocumentCitation.objects.get().certificate == issued_certificate


def test_an_unknown_number_is_refused_beside_the_field(
    body_staff: Actor, filed: DocumentVersion
) -> None:
    response = cite(body_staff, filed, "NO-SUCH-NUMBER-1")
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert "NO-SUCH-NUMBER-1" in response.content.decode()  # type: ignore[attr-defined]
    assert not DocumentCitation.objects.exists()


def test_an_unfiled_version_is_refused_in_both_languages(
    body_staff: Actor, issued_certificate: Certificate, version: DocumentVersion
) -> None:
    response = cite(body_staff, version, issued_certificate.number)
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert "未备案" in response.content.decode()  # type: ignore[attr-defined]
    english = cite(body_staff, version, issued_certificate.number, lang="en")
    assert "not yet filed and cannot be cited" in english.content.decode()  # type: ignore[attr-defined]
    assert not DocumentCitation.objects.exists()


def test_a_version_not_yet_in_force_is_refused(
    secretariat: Actor,
    body_staff: Actor,
    document: AllianceDocument,
    issued_certificate: Certificate,
) -> None:
    future = actions.add_document_version(
        secretariat,
        document,
        version="2.0",
        issued_on=dt.date(2025, 1, 1),
        in_force_on=in_days(30),
    )
    actions.record_filing(
        secretariat, future, filing_number="认监备〔2025〕003号", filed_on=dt.date(2025, 1, 5)
    )
    response = cite(body_staff, future, issued_certificate.number)
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert "已实施的文件版本" in response.content.decode()  # type: ignore[attr-defined]
    assert not DocumentCitation.objects.exists()


def test_another_body_certificate_is_refused(
    other_body_staff: Actor, issued_certificate: Certificate, filed: DocumentVersion
) -> None:
    response = cite(other_body_staff, filed, issued_certificate.number)
    assert response.status_code == 403  # type: ignore[attr-defined]
    assert "发证认证机构" in response.content.decode()  # type: ignore[attr-defined]
    assert not DocumentCitation.objects.exists()


@pytest.mark.parametrize("status", ["03", "04"])
def test_a_revoked_or_cancelled_certificate_is_refused(
    status: str,
    body_staff: Actor,
    certificate_in_status: Callable[[str], Certificate],
    filed: DocumentVersion,
) -> None:
    certificate = certificate_in_status(status)
    response = cite(body_staff, filed, certificate.number)
    assert response.status_code == 409  # type: ignore[attr-defined]
    assert "未被撤销或注销的证书" in response.content.decode()  # type: ignore[attr-defined]
    assert not DocumentCitation.objects.exists()


def test_citing_twice_is_refused(
    body_staff: Actor, issued_certificate: Certificate, filed: DocumentVersion
) -> None:
    assert cite(body_staff, filed, issued_certificate.number).status_code == 302  # type: ignore[attr-defined]
    again = cite(body_staff, filed, issued_certificate.number)
    assert again.status_code == 400  # type: ignore[attr-defined]
    assert "尚未引用的文件版本" in again.content.decode()  # type: ignore[attr-defined]
    assert DocumentCitation.objects.count() == 1


# ---------------------------------------------------------------- the verify page


def test_the_verify_page_shows_the_cited_documents(
    body_staff: Actor, issued_certificate: Certificate, filed: DocumentVersion
) -> None:
    actions.cite_document(body_staff, issued_certificate, filed)
    page = Client().get(f"/verify/{issued_certificate.number}").content.decode()
    assert "cited-documents" in page
    assert TITLE in page and "认监备〔2024〕017号" in page and "2024-04-01" in page
    assert 'href="/alliance/documents/YRDGC-P-001/#version-1.0"' in page
    english = Client().get(f"/verify/{issued_certificate.number}?lang=en").content.decode()
    assert "YRD green product certification procedure" in english


def test_the_verify_page_has_no_documents_section_without_citations(
    issued_certificate: Certificate, filed: DocumentVersion
) -> None:
    page = Client().get(f"/verify/{issued_certificate.number}").content.decode()
    assert "cited-documents" not in page


def test_the_cited_documents_take_a_probe_and_one_query(
    secretariat: Actor,
    body_staff: Actor,
    issued_certificate: Certificate,
    filed: DocumentVersion,
    django_assert_num_queries: Callable[[int], object],
) -> None:
    other = actions.add_document(
        secretariat, code="YRDGC-T-001", kind="technical", title_zh="竹制品绿色产品认证技术规范"
    )
    second = actions.add_document_version(
        secretariat,
        other,
        version="1.0",
        issued_on=dt.date(2023, 1, 5),
        in_force_on=dt.date(2023, 3, 1),
    )
    actions.record_filing(
        secretariat, second, filing_number="认监备〔2023〕004号", filed_on=dt.date(2023, 2, 14)
    )
    with django_assert_num_queries(1):  # type: ignore[attr-defined]
        assert cited_documents(issued_certificate) == []
    actions.cite_document(body_staff, issued_certificate, filed)
    actions.cite_document(body_staff, issued_certificate, second)
    with django_assert_num_queries(2):  # type: ignore[attr-defined]
        rows = cited_documents(issued_certificate)
        codes = [r.version.document.code for r in rows]
    assert codes == ["YRDGC-P-001", "YRDGC-T-001"]
