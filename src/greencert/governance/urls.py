"""Public pages of the plan's institutions (mounted at the site root by greencert.urls)."""

from django.urls import URLPattern, path, re_path

from greencert.governance.views import (
    alliance,
    alliance_documents,
    announcements,
    recognition,
    working_group,
)

app_name = "governance"

SLUG = r"(?P<slug>[0-9]{4}-[0-9]+)"

urlpatterns: list[URLPattern] = [
    path("working-group/", working_group.overview, name="working_group"),
    path("working-group/meetings/<str:number>/", working_group.meeting, name="meeting"),
    path("working-group/decisions/<str:number>/", working_group.decision, name="decision"),
    path("working-group/office/", working_group.office, name="office"),
    path(
        "working-group/office/meetings/new/",
        working_group.office_meeting_new,
        name="office_meeting_new",
    ),
    path(
        "working-group/office/meetings/<int:pk>/",
        working_group.office_meeting,
        name="office_meeting",
    ),
    path(
        "working-group/office/meetings/<int:pk>/<slug:step>/",
        working_group.office_meeting_step,
        name="office_meeting_step",
    ),
    path(
        "working-group/office/tasks/<int:pk>/done/",
        working_group.office_task_done,
        name="office_task_done",
    ),
    path("alliance/", alliance.directory, name="alliance"),
    path("alliance/apply/", alliance.apply, name="alliance_apply"),
    path("alliance/apply/sent/", alliance.applied, name="alliance_applied"),
    path("alliance/documents/", alliance.documents, name="alliance_documents"),
    path("alliance/documents/<str:code>/", alliance.document, name="alliance_document"),
    path("alliance/documents/<str:code>/cite/", alliance_documents.cite, name="alliance_cite"),
    path(
        "alliance/office/documents/",
        alliance_documents.office_documents,
        name="alliance_office_documents",
    ),
    path(
        "alliance/office/documents/<str:code>/",
        alliance_documents.office_document,
        name="alliance_office_document",
    ),
    path(
        "alliance/office/documents/<str:code>/versions/",
        alliance_documents.office_version_new,
        name="alliance_office_version_new",
    ),
    path(
        "alliance/office/documents/<str:code>/versions/<int:pk>/filing/",
        alliance_documents.office_filing,
        name="alliance_office_filing",
    ),
    path("alliance/office/", alliance.office, name="alliance_office"),
    path(
        "alliance/office/members/<str:reference>/",
        alliance.office_member,
        name="alliance_office_member",
    ),
    path(
        "alliance/office/members/<str:reference>/<slug:step>/",
        alliance.office_member_step,
        name="alliance_office_member_step",
    ),
    path("announcements/", announcements.announcement_list, name="announcements"),
    path("announcements/feed.atom", announcements.AnnouncementFeed(), name="announcements_feed"),
    path("announcements/office/", announcements.office, name="office_announcements"),
    re_path(
        rf"^announcements/office/{SLUG}/$",
        announcements.office_announcement,
        name="office_announcement",
    ),
    re_path(
        rf"^announcements/office/{SLUG}/publish/$",
        announcements.office_publish,
        name="office_publish",
    ),
    re_path(rf"^announcements/{SLUG}/$", announcements.announcement_detail, name="announcement"),
    re_path(
        rf"^announcements/{SLUG}/announcement\.jwt$",
        announcements.announcement_signed,
        name="announcement_signed",
    ),
    path("recognition/", recognition.agreement_list, name="agreements"),
    path("recognition/office/new/", recognition.office_new, name="agreement_new"),
    path("recognition/<slug:code>/", recognition.agreement_detail, name="agreement"),
    path("recognition/<slug:code>/recognise/", recognition.recognise, name="agreement_recognise"),
    path("recognition/<slug:code>/end/", recognition.end_agreement, name="agreement_end"),
    path(
        "recognition/<slug:code>/withdraw/<int:pk>/",
        recognition.withdraw,
        name="agreement_withdraw",
    ),
]
