"""The pages of the site a person reads, public and office, with sample records of the registry.

One list for the accessibility test and ``greencert screenshots``, so both cover the same pages.
Office pages name the demo account (``demo_setup``) that reads them; records that a registry does
not hold (no application, no complaint yet) leave their pages out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse

from greencert.certification.lifecycle import Status
from greencert.certification.models import Application, Certificate
from greencert.governance.models.alliance import AllianceDocument
from greencert.governance.models.announcements import Announcement
from greencert.governance.models.recognition import RecognitionAgreement
from greencert.governance.models.working_group import Decision, JointMeeting
from greencert.parties.models import CertificationBody
from greencert.supervision.models import BlacklistEntry, Complaint, InspectionPlan

REGULATOR = "regulator-js"
BODY_REVIEWER = "body-reviewer"
ENTERPRISE = "enterprise"
# A number whose check character is wrong: the page that suggests the numbers meant.
MISTYPED_NUMBER = "GC3200000000000X"


@dataclass(frozen=True, slots=True)
class SitePage:
    name: str  # a file name: letters, digits and dashes
    path: str
    account: str | None = None  # the demo login that reads it; None: the public

    @property
    def public(self) -> bool:
        return self.account is None


def site_pages() -> list[SitePage]:
    """Every public page, then the office pages of a regulator, a body reviewer and an
    enterprise, in the order a reviewer would open them."""
    return [*_public(), *_office()]


def _first(queryset: QuerySet[Any]) -> object | None:
    return queryset.order_by("pk").first()


def _public() -> list[SitePage]:
    pages = [
        SitePage("home", "/"),
        SitePage("search", "/search?q=涂料"),
        SitePage("catalog", "/catalog/"),
        SitePage("schemes", "/schemes/"),
        SitePage("scheme", "/schemes/cgp-coatings/"),
        SitePage("statistics", "/statistics/"),
        SitePage("open-data", "/open-data/"),
        SitePage("transparency-log", "/transparency-log"),
        SitePage("blacklist", "/supervision/blacklist/"),
        SitePage("inspections", "/supervision/inspections/"),
        SitePage("complaint-new", "/supervision/complaints/new/"),
        SitePage("complaint-track", "/supervision/complaints/track/"),
        SitePage("working-group", "/working-group/"),
        SitePage("alliance", "/alliance/"),
        SitePage("alliance-documents", "/alliance/documents/"),
        SitePage("announcements", "/announcements/"),
        SitePage("recognition", "/recognition/"),
        SitePage("login", "/login/"),
        SitePage("not-found", "/no-such-page/"),
        SitePage("verify-mistyped", f"/verify/{MISTYPED_NUMBER}"),
    ]
    for status in Status:
        cert = _first(Certificate.objects.filter(status=status))
        if isinstance(cert, Certificate):
            pages.append(SitePage(f"verify-{status.name.lower()}", f"/verify/{cert.number}"))
    plan = _first(InspectionPlan.objects.exclude(state="draft"))
    if isinstance(plan, InspectionPlan):
        pages.append(SitePage("inspection-plan", f"/supervision/inspections/{plan.code}/"))
    listed = _first(BlacklistEntry.objects.exclude(enterprise=None))
    if isinstance(listed, BlacklistEntry) and listed.enterprise is not None:
        code = listed.enterprise.credit_code
        pages.append(SitePage("credit-record", f"/supervision/credit/{code}/"))
    complaint = _first(Complaint.objects.all())
    if isinstance(complaint, Complaint):
        path = f"/supervision/complaints/{complaint.tracking_code}/"
        pages.append(SitePage("complaint-status", path))
    document = _first(AllianceDocument.objects.all())
    if isinstance(document, AllianceDocument):
        pages.append(SitePage("alliance-document", f"/alliance/documents/{document.code}/"))
    announcement = _first(Announcement.objects.exclude(published_at=None))
    if isinstance(announcement, Announcement):
        pages.append(SitePage("announcement", _announcement_path(announcement)))
    agreement = _first(RecognitionAgreement.objects.all())
    if isinstance(agreement, RecognitionAgreement):
        pages.append(SitePage("agreement", f"/recognition/{agreement.code}/"))
    meeting = _first(JointMeeting.objects.exclude(number=None))
    if isinstance(meeting, JointMeeting):
        pages.append(SitePage("meeting", f"/working-group/meetings/{meeting.number}/"))
    decision = _first(Decision.objects.exclude(number=None))
    if isinstance(decision, Decision):
        pages.append(SitePage("decision", f"/working-group/decisions/{decision.number}/"))
    return pages


def _office() -> list[SitePage]:
    pages = [
        SitePage("regulator-queue", "/office/", REGULATOR),
        SitePage("regulator-supervision", "/supervision/office/", REGULATOR),
        SitePage("regulator-orders", "/supervision/office/orders/", REGULATOR),
        SitePage("regulator-inspectors", "/supervision/office/inspectors/", REGULATOR),
        SitePage("regulator-plan-new", "/supervision/office/plans/new/", REGULATOR),
        SitePage("regulator-working-group", "/working-group/office/", REGULATOR),
        SitePage("regulator-announcements", "/announcements/office/", REGULATOR),
        SitePage("regulator-target-new", reverse("portal:new_target"), REGULATOR),
        SitePage("body-queue", "/office/", BODY_REVIEWER),
        SitePage("body-import", "/office/import/", BODY_REVIEWER),
        SitePage("enterprise-queue", "/office/", ENTERPRISE),
        SitePage("enterprise-apply", "/office/applications/new/", ENTERPRISE),
    ]
    complaint = _first(Complaint.objects.all())
    if isinstance(complaint, Complaint):
        path = f"/supervision/office/complaints/{complaint.tracking_code}/"
        pages.append(SitePage("regulator-complaint", path, REGULATOR))
    plan = _first(InspectionPlan.objects.all())
    if isinstance(plan, InspectionPlan):
        path = f"/supervision/office/inspections/{plan.code}/"
        pages.append(SitePage("regulator-inspection-plan", path, REGULATOR))
    application = _first(Application.objects.all())
    if isinstance(application, Application):
        path = f"/office/applications/{application.reference}/"
        pages.append(SitePage("body-application", path, BODY_REVIEWER))
        pages.append(SitePage("enterprise-application", path, ENTERPRISE))
    body = CertificationBody.objects.order_by("approval_number").first()  # demo_setup's body
    cert = _first(Certificate.objects.filter(status=Status.VALID, body=body))
    if isinstance(cert, Certificate):
        path = f"/office/certificates/{cert.number}/"
        pages.append(SitePage("body-certificate", path, BODY_REVIEWER))
    return pages


def _announcement_path(announcement: Announcement) -> str:
    return f"/announcements/{announcement.year}-{announcement.serial}/"
