"""The verify page renders from the certificate's stored public document: the same page as from
the tables, for certificates in every status and with every section, in both languages, with
fewer queries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from greencert.catalog.models import Category
from greencert.certification.actions import (
    cancel_certificate,
    expire_due_certificates,
    revoke_certificate,
    suspend_certificate,
)
from greencert.certification.links import link_upstream
from greencert.certification.models import Certificate, PublicDocument
from greencert.certification.workflow.actions import issue_application_certificate
from greencert.certification.workflow.testing import Cast, advance, submit
from greencert.core.actors import Actor
from greencert.core.tests.fixtures import COATINGS_UNIT, LONG_AGO, in_days, region
from greencert.exchange.actions import create_client, record_adoption
from greencert.exchange.tlog.storage import catch_up
from greencert.governance import alliance_documents
from greencert.governance.models import RecognitionAgreement
from greencert.governance.recognition import recognise_certificate
from greencert.governance.testing import recognition_agreement
from greencert.parties.factory import EnterpriseFactory, LaboratoryFactory
from greencert.parties.models import CertificationBody, Enterprise, Role
from greencert.supervision.actions import list_on_blacklist

pytestmark = pytest.mark.django_db

LANGUAGES = ("zh-hans", "en")


def _agreement(coatings: Category) -> RecognitionAgreement:
    return recognition_agreement([coatings], ("320000",))


def _same_audit_pair(
    make_actor: Callable[..., Actor],
    holder: Enterprise,
    body: CertificationBody,
    coatings: Category,
) -> tuple[Actor, list[Certificate]]:
    """Two certificates of one audit (national and YRD programmes), and the body's decider."""

    def person(name: str, role: str, **scope: Any) -> Actor:
        actor = make_actor(name, role, **scope)
        actor.user.email = f"{name}@example.test"
        actor.user.save()
        return actor

    laboratory = LaboratoryFactory.create()
    cast = Cast(
        enterprise=holder,
        body=body,
        laboratory=laboratory,
        applicant=person("applicant", Role.ENTERPRISE, enterprise=holder),
        reviewer=person("reviewer", Role.BODY_STAFF, body=body),
        decider=person("decider", Role.BODY_STAFF, body=body),
        tester=person("tester", Role.LAB_STAFF, laboratory=laboratory),
    )
    application = advance(cast, submit(cast, coatings, unit=COATINGS_UNIT), "approved")
    issue_application_certificate(cast.decider, application, programmes=["national", "yrd"])
    mail.outbox.clear()
    pair = list(Certificate.objects.filter(audit__application=application).order_by("id"))
    return cast.decider, pair


@pytest.fixture
def registry(
    issue: Callable[..., Certificate],
    body_staff: Actor,
    zhejiang_regulator: Actor,
    make_actor: Callable[..., Actor],
    holder: Enterprise,
    body: CertificationBody,
    coatings: Category,
    alliance_admin: Actor,
) -> dict[str, Certificate]:
    """Certificates in every status and with every section of the page, by what they show."""
    found: dict[str, Certificate] = {"valid": issue()}
    found["suspended"] = suspend_certificate(
        body_staff, issue(), reason_code="S01", until=in_days(30)
    )
    found["revoked"] = revoke_certificate(body_staff, issue(), reason_code="R02")
    found["cancelled"] = cancel_certificate(body_staff, issue(), reason_code="C04")
    found["expired"] = issue(issue_date=LONG_AGO)
    assert expire_due_certificates() == 1
    found["renewed"] = issue()
    found["successor"] = issue(reason_code="I02", renewed_from=found["renewed"])
    # The supply chain: a product citing two upstream certificates, one of them suspended since.
    found["upstream"] = issue()
    found["suspended upstream"] = issue(site="320500")
    found["downstream"] = issue()
    link_upstream(body_staff, found["downstream"], found["upstream"].number, role="raw_material")
    link_upstream(
        body_staff,
        found["downstream"],
        found["suspended upstream"].number,
        role="component",
        share="12.5",
    )
    suspend_certificate(
        body_staff, found["suspended upstream"], reason_code="S01", until=in_days(30)
    )
    decider, (found["national"], found["regional"]) = _same_audit_pair(
        make_actor, holder, body, coatings
    )
    suspend_certificate(decider, found["national"], reason_code="S01", until=in_days(30))
    regulator = make_actor("js-regulator", Role.REGULATOR, region=region("320000"))
    found["recognised"] = issue()
    recognise_certificate(regulator, _agreement(coatings), found["recognised"])
    found["cited"] = issue()
    document = alliance_documents.add_document(
        alliance_admin, code="YRDGC-P-001", kind="procedure", title_zh="长三角绿色产品认证实施程序"
    )
    version = alliance_documents.add_document_version(
        alliance_admin, document, version="1.0", issued_on=LONG_AGO, in_force_on=LONG_AGO
    )
    alliance_documents.record_filing(
        alliance_admin, version, filing_number="认监备〔2024〕017号", filed_on=LONG_AGO
    )
    alliance_documents.cite_document(body_staff, found["cited"], version)
    buyer, _token = create_client(
        Actor.for_system("console"), name="buyer", scopes=["verify", "adoption"]
    )
    found["adopted"] = issue()
    record_adoption(
        Actor.for_client(buyer),
        found["adopted"],
        kind="procurement",
        reference="ZC-2026-001",
        adopted_on=timezone.localdate(),
        amount_band="lt-1m",
    )
    other_holder = EnterpriseFactory.create()
    found["flagged"] = issue(holder=other_holder)
    list_on_blacklist(
        zhejiang_regulator,
        enterprise=other_holder,
        basis_code="SCL-2022",
        facts="伪造检验报告",
        ends_on=in_days(365),
    )
    catch_up()  # the log line names the checkpoint that covers each certificate
    return {name: Certificate.objects.get(pk=c.pk) for name, c in found.items()}


def _pages(client: Client, registry: dict[str, Certificate]) -> dict[tuple[str, str], Any]:
    return {
        (name, language): client.get(
            f"/verify/{certificate.number}", headers={"Accept-Language": language}
        )
        for name, certificate in registry.items()
        for language in LANGUAGES
    }


def _compare(client: Client, registry: dict[str, Certificate]) -> dict[tuple[str, str], str]:
    """Each page rendered from its document and then, the documents gone, from the tables."""
    assert PublicDocument.objects.count() == Certificate.objects.count()
    from_document = _pages(client, registry)
    PublicDocument.objects.all().delete()
    from_tables = _pages(client, registry)
    for key, response in from_document.items():
        assert response.status_code == from_tables[key].status_code == 200, key
        # Only a page from a document carries validators.
        assert response.has_header("ETag") and not from_tables[key].has_header("ETag"), key
        assert response.content.decode() == from_tables[key].content.decode(), key
    return {key: response.content.decode() for key, response in from_document.items()}


def test_every_page_from_the_document_equals_the_page_from_the_tables(registry):
    pages = _compare(Client(), registry)
    # Each section of the page shows on some certificate's page, in both languages.
    shown = {
        "status-02": "suspended",
        "status-03": "revoked",
        "status-04": "cancelled",
        "status-05": "expired",
        'class="successor"': "renewed",
        'id="supply-chain-upstream"': "downstream",
        'id="supply-chain-downstream"': "upstream",
        'class="link-flag"': "downstream",
        'class="card same-audit"': "regional",
        'class="card recognition-flag"': "recognised",
        'class="card cited-documents"': "cited",
        'class="card blacklist-flag"': "flagged",
        'class="card log-standing"': "valid",
    }
    for marker, name in shown.items():
        for language in LANGUAGES:
            assert marker in pages[(name, language)], (marker, name, language)
    assert 'class="card blacklist-flag"' not in pages[("valid", "zh-hans")]
    assert "This certificate has expired" in pages[("expired", "en")]
    assert "12.50%" in pages[("downstream", "en")]


def test_a_page_for_a_person_signed_in_from_the_document_equals_the_one_from_the_tables(
    registry, body_staff
):
    client = Client()
    client.force_login(body_staff.user)
    pages = _compare(client, registry)
    assert "ZC-2026-001" in pages[("adopted", "en")]
    assert 'id="adoptions-heading"' in pages[("valid", "zh-hans")]


def test_a_certificate_without_a_document_is_shown_from_the_tables(issued_certificate):
    PublicDocument.objects.filter(pk=issued_certificate.pk).delete()
    response = Client().get(f"/verify/{issued_certificate.number}")
    assert response.status_code == 200
    assert issued_certificate.number in response.content.decode()
    assert "该证书有效。" in response.content.decode()


def _queries(number: str) -> list[str]:
    client = Client()
    with CaptureQueriesContext(connection) as captured:
        assert client.get(f"/verify/{number}").status_code == 200
    return [q["sql"] for q in captured.captured_queries]


def test_the_page_reads_two_queries_whatever_the_document_holds(registry):
    # The document with the newest checkpoint and the count of cited documents; the scan counts.
    # The flags, the supply chain and the same audit are in the document.
    for name in ("valid", "expired", "downstream", "regional", "flagged"):
        assert len(_queries(registry[name].number)) <= 2, name


def test_a_renewed_recognised_or_citing_certificate_costs_one_query_more(registry):
    for name in ("renewed", "recognised", "cited"):
        assert len(_queries(registry[name].number)) <= 3, name


def test_a_page_from_the_document_reads_neither_the_certificate_nor_its_events(registry):
    tables = (Certificate._meta.db_table, "certification_certificateevent")
    for sql in _queries(registry["downstream"].number):
        assert not any(f"FROM {t} " in sql or f'FROM "{t}"' in sql for t in tables), sql


def test_the_page_from_the_tables_needed_more_queries(registry):
    number = registry["downstream"].number
    from_document = len(_queries(number))
    PublicDocument.objects.all().delete()
    assert len(_queries(number)) > from_document + 3


def test_a_listing_whose_period_ended_shows_no_flag_before_the_daily_job_lifts_it(
    registry, time_machine
):
    flagged = registry["flagged"]
    assert (
        'class="card blacklist-flag"' in Client().get(f"/verify/{flagged.number}").content.decode()
    )
    time_machine.move_to(timezone.now() + dt.timedelta(days=400))
    # No UNFLAGGED event yet: the stored document still holds the flag.
    stored = PublicDocument.objects.get(certificate_id=flagged.pk)
    assert b'"blacklisted": true' in bytes(stored.body)
    page = Client().get(f"/verify/{flagged.number}").content.decode()
    assert 'class="card blacklist-flag"' not in page


def test_a_visitor_gets_the_page_rendered_once_until_the_certificate_changes(
    issued_certificate, body_staff
):
    client, address = Client(), f"/verify/{issued_certificate.number}"
    first = client.get(address)
    again = client.get(address)
    assert [t.name for t in first.templates][:1] == ["portal/verify.html"]
    assert again.templates == [] and again.content == first.content
    assert again["ETag"] == first["ETag"]
    suspend_certificate(body_staff, issued_certificate, reason_code="S01", until=in_days(30))
    changed = client.get(address)
    assert [t.name for t in changed.templates][:1] == ["portal/verify.html"]
    assert changed.content != first.content and "status-02" in changed.content.decode()


def test_a_signed_in_person_always_gets_the_page_rendered(issued_certificate, body_staff):
    client, address = Client(), f"/verify/{issued_certificate.number}"
    client.force_login(body_staff.user)
    client.get(address)
    assert [t.name for t in client.get(address).templates][:1] == ["portal/verify.html"]
