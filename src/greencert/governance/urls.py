"""Public pages of the plan's institutions (mounted at the site root by greencert.urls)."""

from django.urls import URLPattern, path, re_path

from greencert.governance.views import announcements, recognition

app_name = "governance"

SLUG = r"(?P<slug>[0-9]{4}-[0-9]+)"

urlpatterns: list[URLPattern] = [
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
    path("recognition/<slug:code>/", recognition.agreement_detail, name="agreement"),
    path("recognition/<slug:code>/recognise/", recognition.recognise, name="agreement_recognise"),
    path("recognition/<slug:code>/end/", recognition.end_agreement, name="agreement_end"),
    path(
        "recognition/<slug:code>/withdraw/<int:pk>/",
        recognition.withdraw,
        name="agreement_withdraw",
    ),
]
