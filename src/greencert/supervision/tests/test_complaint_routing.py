"""Where a complaint goes and who sees its contact details: the regulators of the certificate's
province (or of the province it names, or the default queue), the contact shown to the assigned
handler only, and erased once its retention period has passed."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from greencert.core.tests.fixtures import region
from greencert.parties.models import Role
from greencert.supervision.codes import contact_retention_days
from greencert.supervision.complaints import (
    assign_complaint,
    close_complaint,
    erase_expired_contacts,
    file_complaint,
    may_see_contact,
    visible_complaints,
)
from greencert.supervision.models import Complaint

pytestmark = pytest.mark.django_db
DESCRIPTION = "超市货架上的涂料标志二维码扫出来是别的企业"
PHONE = "13800138000"


def test_a_complaint_about_a_certificate_goes_to_the_regulators_of_its_province(
    issued_certificate, zhejiang_regulator, shanghai_regulator
):
    complaint = file_complaint(
        certificate_number=issued_certificate.number,
        description=DESCRIPTION,
        province=region("310000"),
    )
    assert complaint.region_id == "330000" and complaint.forwarded_to == ""
    assert list(visible_complaints(zhejiang_regulator)) == [complaint]
    assert not visible_complaints(shanghai_regulator).exists()


def test_a_complaint_naming_only_a_province_goes_to_that_provinces_regulators(
    zhejiang_regulator, shanghai_regulator
):
    complaint = file_complaint(description=DESCRIPTION, province=region("330000"))
    assert complaint.region_id == "330000"
    assert not visible_complaints(shanghai_regulator).exists()


def test_a_complaint_naming_neither_goes_to_the_default_queue_and_no_one_else(
    settings, make_actor, zhejiang_regulator, shanghai_regulator
):
    settings.GREENCERT_COMPLAINT_DEFAULT_PROVINCE = "340000"
    anhui = make_actor("ah", Role.REGULATOR, region=region("340000"))
    complaint = file_complaint(description=DESCRIPTION, contact=PHONE)
    assert complaint.region_id == "340000"
    assert list(visible_complaints(anhui)) == [complaint]
    assert not visible_complaints(zhejiang_regulator).exists()
    assert not visible_complaints(shanghai_regulator).exists()


def test_a_complaint_recorded_without_a_province_is_in_the_default_queue(
    settings, shanghai_regulator, zhejiang_regulator
):
    settings.GREENCERT_COMPLAINT_DEFAULT_PROVINCE = "310000"
    complaint = file_complaint(description=DESCRIPTION)
    Complaint.objects.filter(pk=complaint.pk).update(region=None)
    assert list(visible_complaints(shanghai_regulator)) == [complaint]
    assert not visible_complaints(zhejiang_regulator).exists()


def office_page(user, complaint) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(f"/supervision/office/complaints/{complaint.tracking_code}/")
    assert response.status_code == 200
    return response.text


def test_the_contact_is_shown_only_to_the_assigned_handler(
    issued_certificate, zhejiang_regulator, make_actor
):
    colleague = make_actor("zj-colleague", Role.REGULATOR, region=region("330000"))
    complaint = file_complaint(
        certificate_number=issued_certificate.number, description=DESCRIPTION, contact=PHONE
    )
    assert PHONE not in office_page(zhejiang_regulator.user, complaint)
    assert PHONE not in office_page(colleague.user, complaint)

    assign_complaint(zhejiang_regulator, complaint, assignee=colleague.user)
    complaint.refresh_from_db()

    assert PHONE in office_page(colleague.user, complaint)
    assert PHONE not in office_page(zhejiang_regulator.user, complaint)
    assert may_see_contact(colleague, complaint) and not may_see_contact(
        zhejiang_regulator, complaint
    )


def test_the_contact_never_reaches_the_reporters_page_or_the_api(issued_certificate):
    complaint = file_complaint(
        certificate_number=issued_certificate.number, description=DESCRIPTION, contact=PHONE
    )
    assert PHONE not in Client().get(f"/supervision/complaints/{complaint.tracking_code}/").text
    api = Client().get(f"/api/v1/supervision/complaints/{complaint.tracking_code}")
    assert api.status_code == 200 and PHONE not in api.text


def closed_complaint(certificate, regulator, *, closed_days_ago: int) -> Complaint:
    complaint = file_complaint(
        certificate_number=certificate.number, description=DESCRIPTION, contact=PHONE
    )
    close_complaint(regulator, complaint, outcome="duplicate", note="重复举报")
    Complaint.objects.filter(pk=complaint.pk).update(
        closed_at=timezone.now() - dt.timedelta(days=closed_days_ago)
    )
    return complaint


def test_contacts_are_erased_once_their_retention_period_after_closing_has_passed(
    issued_certificate, zhejiang_regulator
):
    days = contact_retention_days()
    old = closed_complaint(issued_certificate, zhejiang_regulator, closed_days_ago=days + 1)
    recent = closed_complaint(issued_certificate, zhejiang_regulator, closed_days_ago=days - 1)
    still_open = file_complaint(
        certificate_number=issued_certificate.number, description=DESCRIPTION, contact=PHONE
    )

    assert erase_expired_contacts() == 1

    old.refresh_from_db()
    assert old.contact == "" and old.contact_erased_at is not None
    assert Complaint.objects.get(pk=recent.pk).contact == PHONE
    assert Complaint.objects.get(pk=still_open.pk).contact == PHONE
    assert erase_expired_contacts() == 0


def test_the_daily_command_erases_expired_contacts_and_says_how_many(
    issued_certificate, zhejiang_regulator
):
    old = closed_complaint(
        issued_certificate, zhejiang_regulator, closed_days_ago=contact_retention_days() + 30
    )
    out = io.StringIO()
    call_command("erase_complaint_contacts", stdout=out)
    assert out.getvalue().startswith("1 complaint(s)")
    assert Complaint.objects.get(pk=old.pk).contact == ""


def test_the_office_says_an_erased_contact_was_erased(issued_certificate, zhejiang_regulator):
    old = closed_complaint(
        issued_certificate, zhejiang_regulator, closed_days_ago=contact_retention_days() + 1
    )
    Complaint.objects.filter(pk=old.pk).update(assignee=zhejiang_regulator.user)
    erase_expired_contacts()
    page = office_page(zhejiang_regulator.user, Complaint.objects.get(pk=old.pk))
    assert PHONE not in page and 'id="complaint-contact"' in page
