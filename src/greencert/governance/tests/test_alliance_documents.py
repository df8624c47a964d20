"""Alliance documents: versions, their CNCA filing, and certificates citing only filed versions
in force."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from greencert.certification.models import Certificate
from greencert.core.actors import Actor
from greencert.core.errors import PermissionRefused, TransitionRefused, ValidationFailed
from greencert.core.tests.fixtures import in_days
from greencert.governance import alliance_documents as documents
from greencert.governance.models import AllianceDocument, DocumentCitation, DocumentVersion

pytestmark = pytest.mark.django_db


@pytest.fixture
def document(secretariat: Actor) -> AllianceDocument:
    return documents.add_document(
        secretariat, code="YRDGC-P-001", kind="procedure", title_zh="长三角绿色认证实施程序"
    )


@pytest.fixture
def version(secretariat: Actor, document: AllianceDocument) -> DocumentVersion:
    return documents.add_document_version(
        secretariat,
        document,
        version="1.0",
        issued_on=dt.date(2024, 3, 1),
        in_force_on=dt.date(2024, 4, 1),
    )


def test_only_the_secretariat_registers_documents(zhejiang_regulator: Actor) -> None:
    with pytest.raises(PermissionRefused):
        documents.add_document(
            zhejiang_regulator, code="YRDGC-P-001", kind="procedure", title_zh="程序"
        )
    assert not AllianceDocument.objects.exists()


def test_a_document_kind_and_code_are_checked(secretariat: Actor) -> None:
    with pytest.raises(ValidationFailed) as kind:
        documents.add_document(secretariat, code="YRDGC-X-1", kind="memo", title_zh="备忘")
    assert kind.value.field == "kind"
    with pytest.raises(ValidationFailed) as code:
        documents.add_document(secretariat, code="程序 1", kind="procedure", title_zh="程序")
    assert code.value.field == "code"


def test_a_version_comes_into_force_on_or_after_its_issue(
    secretariat: Actor, document: AllianceDocument, version: DocumentVersion
) -> None:
    with pytest.raises(ValidationFailed) as early:
        documents.add_document_version(
            secretariat,
            document,
            version="2.0",
            issued_on=dt.date(2025, 3, 1),
            in_force_on=dt.date(2025, 2, 1),
        )
    assert early.value.field == "in_force_on"
    with pytest.raises(ValidationFailed) as again:
        documents.add_document_version(
            secretariat,
            document,
            version="1.0",
            issued_on=dt.date(2025, 3, 1),
            in_force_on=dt.date(2025, 3, 1),
        )
    assert again.value.field == "version"


def test_a_filing_is_recorded_once(secretariat: Actor, version: DocumentVersion) -> None:
    assert not version.is_filed
    documents.record_filing(
        secretariat, version, filing_number="CNCA-BA-2024-017", filed_on=dt.date(2024, 3, 20)
    )
    assert (version.filing_number, version.filed_on) == ("CNCA-BA-2024-017", dt.date(2024, 3, 20))
    with pytest.raises(TransitionRefused):
        documents.record_filing(
            secretariat, version, filing_number="CNCA-BA-2024-099", filed_on=dt.date(2024, 3, 21)
        )


def test_a_filing_date_may_not_be_in_the_future(
    secretariat: Actor, version: DocumentVersion
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        documents.record_filing(
            secretariat, version, filing_number="CNCA-BA-2024-017", filed_on=in_days(3)
        )
    assert refused.value.field == "filed_on"


def test_an_unfiled_version_cannot_be_cited(
    body_staff: Actor, issued_certificate: Certificate, version: DocumentVersion
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        documents.cite_document(body_staff, issued_certificate, version)
    assert refused.value.code == "not_filed"
    assert "未备案" in refused.value.message_zh
    assert "not yet filed" in refused.value.message_en
    assert not DocumentCitation.objects.exists()


def test_a_version_not_yet_in_force_cannot_be_cited(
    secretariat: Actor,
    document: AllianceDocument,
    body_staff: Actor,
    issued_certificate: Certificate,
) -> None:
    future = documents.add_document_version(
        secretariat,
        document,
        version="2.0",
        issued_on=dt.date(2025, 1, 1),
        in_force_on=in_days(30),
    )
    documents.record_filing(
        secretariat, future, filing_number="CNCA-BA-2025-003", filed_on=dt.date(2025, 1, 5)
    )
    with pytest.raises(ValidationFailed) as refused:
        documents.cite_document(body_staff, issued_certificate, future)
    assert refused.value.code == "not_in_force"


@pytest.fixture
def filed(secretariat: Actor, version: DocumentVersion) -> DocumentVersion:
    return documents.record_filing(
        secretariat, version, filing_number="CNCA-BA-2024-017", filed_on=dt.date(2024, 3, 20)
    )


def test_the_issuing_body_cites_a_filed_version_once(
    body_staff: Actor, issued_certificate: Certificate, filed: DocumentVersion
) -> None:
    citation = documents.cite_document(body_staff, issued_certificate, filed)
    assert (citation.certificate, citation.version, citation.cited_by) == (
        issued_certificate,
        filed,
        "user:staff",
    )
    with pytest.raises(ValidationFailed):
        documents.cite_document(body_staff, issued_certificate, filed)
    assert DocumentCitation.objects.count() == 1


def test_another_body_or_the_secretariat_may_not_cite(
    other_body_staff: Actor,
    secretariat: Actor,
    issued_certificate: Certificate,
    filed: DocumentVersion,
) -> None:
    for actor in (other_body_staff, secretariat):
        with pytest.raises(PermissionRefused):
            documents.cite_document(actor, issued_certificate, filed)
    assert not DocumentCitation.objects.exists()


def test_a_revoked_certificate_cites_nothing(
    body_staff: Actor,
    certificate_in_status: Callable[[str], Certificate],
    filed: DocumentVersion,
) -> None:
    with pytest.raises(TransitionRefused):
        documents.cite_document(body_staff, certificate_in_status("03"), filed)
