"""Public complaints: filed with a spam guard, handled by regulators, followed by tracking code."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings

from greencert.core.errors import PermissionRefused, TransitionRefused, ValidationFailed
from greencert.supervision import spamguard
from greencert.supervision.complaints import (
    assign_complaint,
    close_complaint,
    file_complaint,
    start_investigation,
)
from greencert.supervision.models import Complaint, CreditRecord

pytestmark = pytest.mark.django_db
DESCRIPTION = "超市货架上的涂料标志二维码扫出来是别的企业"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def file_from_page(client: Client, number: str = "", **fields: Any) -> Any:
    form = client.get(f"/supervision/complaints/new/?certificate={number}")
    challenge = form.context["form"]["challenge"].value()
    data = {
        "certificate_number": number,
        "description": DESCRIPTION,
        "contact": "",
        "challenge": challenge,
        "proof": spamguard.solve(challenge),
        "idempotency_key": "k",
    } | fields
    return client.post("/supervision/complaints/new/", data)


@override_settings(GREENCERT_COMPLAINT_POW_BITS=8)
def test_anyone_files_from_the_verify_page_and_gets_a_tracking_code(issued_certificate):
    client = Client()
    verify = client.get(f"/verify/{issued_certificate.number}").text
    assert f"/supervision/complaints/new/?certificate={issued_certificate.number}" in verify
    photo = SimpleUploadedFile("标志.png", PNG, content_type="image/png")
    response = file_from_page(client, issued_certificate.number, photo=photo)
    complaint = Complaint.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/supervision/complaints/{complaint.tracking_code}/"
    assert complaint.certificate == issued_certificate and complaint.region_id == "330000"
    assert complaint.photo.name.endswith(".png")
    status = client.get(response["Location"]).text
    assert complaint.tracking_code in status


@override_settings(GREENCERT_COMPLAINT_POW_BITS=12)
def test_a_report_without_the_proof_of_work_is_refused():
    client = Client()
    response = file_from_page(client, proof="0")
    assert response.status_code == 400
    assert not Complaint.objects.exists()


@override_settings(GREENCERT_COMPLAINT_POW_BITS=4)
def test_a_challenge_is_used_once():
    challenge = spamguard.issue_challenge()
    nonce = spamguard.solve(challenge)
    spamguard.check_proof(challenge, nonce)
    with pytest.raises(ValidationFailed) as refusal:
        spamguard.check_proof(challenge, nonce)
    assert refusal.value.field == "proof"


@override_settings(GREENCERT_COMPLAINT_POW_BITS=4, GREENCERT_COMPLAINTS_PER_HOUR=2)
def test_reports_from_one_address_are_rate_limited():
    client = Client()
    assert file_from_page(client).status_code == 302
    assert file_from_page(client).status_code == 302
    assert file_from_page(client).status_code == 429
    assert Complaint.objects.count() == 2


def test_a_fake_number_is_kept_as_typed():
    complaint = file_complaint(certificate_number="gc0000fake", description=DESCRIPTION)
    assert complaint.certificate is None and complaint.typed_number == "GC0000FAKE"


def test_a_photo_that_is_not_an_image_is_refused():
    with pytest.raises(ValidationFailed) as refusal:
        file_complaint(
            description=DESCRIPTION,
            photo=SimpleUploadedFile("x.png", b"MZ\x90\x00 not a png", content_type="image/png"),
        )
    assert refusal.value.field == "photo"
    assert not Complaint.objects.exists()


def test_the_lifecycle_ends_with_an_outcome_the_reporter_sees_and_upheld_feeds_credit(
    issued_certificate, zhejiang_regulator, holder
):
    complaint = file_complaint(
        certificate_number=issued_certificate.number, description=DESCRIPTION
    )
    assign_complaint(zhejiang_regulator, complaint, assignee=zhejiang_regulator.user)
    start_investigation(zhejiang_regulator, complaint, note="现场核查")
    close_complaint(
        zhejiang_regulator, complaint, outcome="upheld", note="经查标志被冒用，已立案查处"
    )
    complaint.refresh_from_db()
    assert [s.state_after for s in complaint.steps.all()] == [
        "received",
        "assigned",
        "investigating",
        "closed",
    ]
    status = Client().get(f"/api/v1/supervision/complaints/{complaint.tracking_code}").json()
    assert (status["state"], status["outcome"]) == ("closed", "upheld")
    assert status["outcome_note"] == "经查标志被冒用，已立案查处"
    record = CreditRecord.objects.get(source="complaint_upheld")
    assert record.enterprise == holder and record.reference == complaint.tracking_code


def test_a_complaint_is_upheld_only_after_an_investigation(issued_certificate, zhejiang_regulator):
    complaint = file_complaint(
        certificate_number=issued_certificate.number, description=DESCRIPTION
    )
    with pytest.raises(TransitionRefused):
        close_complaint(zhejiang_regulator, complaint, outcome="upheld", note="x")
    close_complaint(zhejiang_regulator, complaint, outcome="duplicate", note="与 JB… 重复")
    assert not CreditRecord.objects.filter(source="complaint_upheld").exists()


def test_only_regulators_of_the_province_handle_it(
    issued_certificate, shanghai_regulator, zhejiang_regulator
):
    complaint = file_complaint(
        certificate_number=issued_certificate.number, description=DESCRIPTION
    )
    with pytest.raises(PermissionRefused):
        assign_complaint(shanghai_regulator, complaint, assignee=shanghai_regulator.user)
    with pytest.raises(PermissionRefused):
        assign_complaint(zhejiang_regulator, complaint, assignee=shanghai_regulator.user)
    complaint.refresh_from_db()
    assert complaint.state == "received"


def test_an_unknown_tracking_code_is_not_found():
    assert Client().get("/api/v1/supervision/complaints/JB0000000000").status_code == 404
    page = Client().get("/supervision/complaints/track/?code=JB0000000000")
    assert page.status_code == 200 and "JB0000000000" in page.text


def test_the_form_says_what_happens_next_and_offers_no_placeholder_dashes():
    page = Client().get("/supervision/complaints/new/").text
    assert "---------" not in page
    assert "不确定" in page
    assert "接下来会怎样" in page
    assert "/supervision/complaints/track/" in page


def test_the_reporter_sees_where_the_report_stands(issued_certificate, zhejiang_regulator):
    complaint = file_complaint(
        certificate_number=issued_certificate.number, description=DESCRIPTION
    )

    def steps() -> list[tuple[str, bool, bool]]:
        response = Client().get(f"/supervision/complaints/{complaint.tracking_code}/")
        assert response.text.count('aria-current="step"') == 1
        return [(s["label"], s["done"], s["current"]) for s in response.context["steps"]]

    assert steps() == [
        ("已受理", False, True),
        ("已分派", False, False),
        ("调查中", False, False),
        ("已办结", False, False),
    ]
    assign_complaint(zhejiang_regulator, complaint, assignee=zhejiang_regulator.user)
    start_investigation(zhejiang_regulator, complaint, note="现场核查")
    assert [(done, current) for _label, done, current in steps()] == [
        (True, False),
        (True, False),
        (False, True),
        (False, False),
    ]
    close_complaint(zhejiang_regulator, complaint, outcome="not_upheld", note="标志与证书一致")
    assert all(done for _label, done, _current in steps())
