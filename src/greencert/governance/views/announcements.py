"""Announcement pages. Public: the list, each announcement with its signed file, the Atom feed.
Office (provincial regulators): drafting, editing a draft and publishing. Views read and call actions only."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.syndication.views import Feed
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from greencert.certification.forms import StepForm
from greencert.core.actors import Actor
from greencert.core.errors import UserFacingError
from greencert.governance import announcements as actions
from greencert.governance.announcement_forms import AnnouncementForm
from greencert.governance.models import Announcement
from greencert.governance.permissions import can_publish_announcements
from greencert.governance.presenters import announcement_rows

SIGNED_MEDIA_TYPE = "application/jose"  # RFC 7515 §9.2.1: a JWS in compact serialisation


def published() -> QuerySet[Announcement]:
    return Announcement.objects.filter(state=Announcement.State.PUBLISHED)


def find(slug: str, queryset: QuerySet[Announcement] | None = None) -> Announcement:
    year, _sep, serial = slug.partition("-")
    if not (year.isdigit() and serial.isdigit()):
        raise Http404
    qs = published() if queryset is None else queryset
    return get_object_or_404(qs, year=int(year), serial=int(serial))


def announcement_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "governance/announcement_list.html",
        {"announcements": published().order_by("-announced_on", "-year", "-serial")[:200]},
    )


def announcement_detail(request: HttpRequest, slug: str) -> HttpResponse:
    announcement = find(slug)
    rows = announcement_rows(announcement, get_language() or "zh-hans")
    return render(
        request,
        "governance/announcement_detail.html",
        {
            "announcement": announcement,
            "rows": rows,
            "changed": any(r["certificate"] and r["certificate"]["changed"] for r in rows),
        },
    )


def announcement_signed(request: HttpRequest, slug: str) -> HttpResponse:
    announcement = find(slug)
    response = HttpResponse(announcement.signed + "\n", content_type=SIGNED_MEDIA_TYPE)
    response["Content-Disposition"] = f'attachment; filename="announcement-{announcement.slug}.jwt"'
    return response


class AnnouncementFeed(Feed):
    """公告 as an Atom feed, newest first."""

    feed_type = Atom1Feed
    title = "长三角绿色认证公告 YRD green certification announcements"
    subtitle = "长三角绿色认证一体化推进工作组发布的公告 Announcements of the YRD working group"

    def link(self) -> str:
        return reverse("governance:announcements")

    def items(self) -> QuerySet[Announcement]:
        return published().order_by("-published_at")[:50]

    def item_title(self, item: Announcement) -> str:
        return f"{item.number} {item.title}"

    def item_description(self, item: Announcement) -> str:
        return item.body

    def item_link(self, item: Announcement) -> str:
        return reverse("governance:announcement", args=[item.slug])

    def item_pubdate(self, item: Announcement) -> Any:
        return item.published_at

    def item_updateddate(self, item: Announcement) -> Any:
        return item.published_at

    def item_author_name(self, item: Announcement) -> str:
        return item.publisher

    def item_enclosures(self, item: Announcement) -> list[Any]:
        return []


# ---------------------------------------------------------------- office pages


def _publisher(request: HttpRequest) -> Actor:
    actor = Actor.for_user(request.user)
    if not can_publish_announcements(actor):
        raise PermissionDenied
    return actor


@login_required
def office(request: HttpRequest) -> HttpResponse:
    """Drafts, recently published announcements, and a form for a new draft."""
    actor = _publisher(request)
    form = AnnouncementForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                draft = actions.draft_announcement(actor, **form.arguments())
            except UserFacingError as error:
                form.add_action_error(error)
                status = error.http_status
            else:
                messages.success(request, _("Draft saved: check it, then publish."))
                return redirect(reverse("governance:office_announcement", args=[draft.slug]))
    context = {
        "form": form,
        "drafts": Announcement.objects.filter(state=Announcement.State.DRAFT),
        "recent": published()[:20],
    }
    return render(request, "governance/announcement_office.html", context, status=status)


def _edit_form(announcement: Announcement, data: Any = None) -> AnnouncementForm | None:
    """The edit form of a draft, filled with its content; a published one has none."""
    if announcement.is_published:
        return None
    items = list(announcement.items.select_related("enterprise", "certificate"))
    initial = {
        "title": announcement.title,
        "title_en": announcement.title_en,
        "announced_on": announcement.announced_on,
        "body": announcement.body,
        "certificates": "\n".join(i.certificate.number for i in items if i.certificate),
        "enterprises": "\n".join(i.enterprise.credit_code for i in items if not i.certificate),
    }
    return AnnouncementForm(data, initial=initial, prefix="edit")


@login_required
def office_announcement(request: HttpRequest, slug: str) -> HttpResponse:
    """A draft or published announcement; a draft is edited here (POST), a published one is not."""
    actor = _publisher(request)
    announcement = find(slug, Announcement.objects.all())
    if request.method != "POST":
        return _render_draft(request, announcement, StepForm(), edit=_edit_form(announcement))
    edit = AnnouncementForm(request.POST, prefix="edit")
    status = 400
    if edit.is_valid():
        try:
            actions.revise_announcement(actor, announcement, **edit.arguments())
        except UserFacingError as error:
            edit.add_action_error(error)
            status = error.http_status
        else:
            messages.success(request, _("Draft saved: check it, then publish."))
            return redirect(reverse("governance:office_announcement", args=[announcement.slug]))
    announcement.refresh_from_db()
    return _render_draft(request, announcement, StepForm(), status, edit=edit)


def _render_draft(
    request: HttpRequest,
    announcement: Announcement,
    form: StepForm,
    status: int = 200,
    *,
    edit: AnnouncementForm | None = None,
) -> HttpResponse:
    language = get_language() or "zh-hans"
    items = [
        (item, item.certificate.status_label(language) if item.certificate else "")
        for item in announcement.items.select_related("enterprise", "certificate")
    ]
    context = {"announcement": announcement, "items": items, "form": form, "edit_form": edit}
    return render(request, "governance/announcement_draft.html", context, status=status)


@login_required
@require_POST
def office_publish(request: HttpRequest, slug: str) -> HttpResponse:
    actor = _publisher(request)
    announcement = find(slug, Announcement.objects.all())
    form = StepForm(request.POST)
    if not form.is_valid():
        return _render_draft(request, announcement, form, 400, edit=_edit_form(announcement))
    try:
        actions.publish_announcement(actor, announcement)
    except UserFacingError as error:
        form.add_action_error(error)
        announcement.refresh_from_db()
        return _render_draft(
            request, announcement, form, error.http_status, edit=_edit_form(announcement)
        )
    messages.success(request, _("Published and signed."))
    return redirect(reverse("governance:announcement", args=[announcement.slug]))
