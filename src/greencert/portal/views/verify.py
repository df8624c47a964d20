"""Public pages: home, the verify page a QR code opens, and the health check."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache

from greencert.certification.lifecycle.log import last_sequence
from greencert.certification.lookup import BY_NUMBER, Lookup, explain, find_certificate, http_status
from greencert.certification.models import Certificate
from greencert.certification.numbers import check_number
from greencert.certification.public_read import StoredDocument, document_of
from greencert.core.actors import Actor
from greencert.core.http_cache import PRIVATE, PUBLIC, conditional, entity_tag, set_validators
from greencert.core.jobs import worker_health
from greencert.exchange.adoption_data import adoption_rows
from greencert.exchange.permissions import can_see_adoptions
from greencert.exchange.replication.answers import foreign_certificate, page_context
from greencert.exchange.tlog.presenters import log_standing
from greencert.exchange.webhooks import oldest_due_delivery
from greencert.governance.cited_documents import citations_of
from greencert.marks.scans import panel_context
from greencert.portal.verify_context import context_from_document, context_from_tables
from greencert.portal.verify_state import PageState, document_and_state, page_state

logger = logging.getLogger(__name__)


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and database reachability, for load balancers; for monitoring, the worker's last
    heartbeat and the longest-waiting due job, so a dead worker shows. ``status`` is about this
    web node only: a stopped worker must not take the site out of a load balancer."""
    now = timezone.now()
    try:
        due_since = oldest_due_delivery(now)  # one index read, which also proves the database
    except Exception:  # any database failure; its text goes to the log, not to the public
        logger.exception("healthz: the database did not answer")
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    oldest = None
    if due_since is not None:
        oldest = {
            "kind": "webhook_delivery",
            "due_since": due_since.isoformat(),
            "waiting_seconds": int((now - due_since).total_seconds()),
        }
    return JsonResponse(
        {
            "status": "ok",
            "database": "ok",
            "time": now.isoformat(),
            "worker": worker_health(now),
            "oldest_due_job": oldest,
        }
    )


def home(request: HttpRequest) -> HttpResponse:
    number = request.GET.get("number", "").strip()
    if number:
        return redirect(reverse("portal:verify", args=[number]))
    return render(request, "portal/home.html", {"event_count": last_sequence()})


def suggestions(numbers: list[str], language: str) -> list[dict[str, str]]:
    """Each number a mistyped one may have meant, with its holder and product so that the person
    can tell which is theirs."""
    found = Certificate.objects.filter(number__in=numbers).select_related("holder", "category")
    return [
        {
            "number": c.number,
            "holder": c.holder.name,
            "category": c.category.name_en if language.startswith("en") else c.category.name_zh,
            "product": ", ".join(p.get("name", "") for p in c.products[:2]) or c.certification_unit,
            "status": c.status_label(language),
        }
        for c in sorted(found, key=lambda c: numbers.index(c.number))
    ]


def verify(request: HttpRequest, number: str) -> HttpResponseBase:
    """The page a phone opens from the mark's QR code, or a person's typed number: the registry
    number or the issuing body's own. A body number several bodies use is answered with a page
    naming each body's certificate (200: a page to choose from, not an error).

    A registry number is answered from the certificate's stored public document, found by one
    query; a body number, or a certificate whose document is not built yet, is looked up in the
    tables first."""
    language = get_language() or "zh-hans"
    context: dict[str, object] = {"typed": number, "lang": language, "adoptions": None}
    check = check_number(number)
    found = document_and_state(check.normalised) if check.verdict == "well_formed" else None
    stored, state = found if found is not None else (None, None)
    certificate: Certificate | None = None
    matched_by = BY_NUMBER
    if stored is None:
        lookup = find_certificate(number)
        context["lookup"] = lookup
        if lookup.certificate is None:
            return _not_one_certificate(request, lookup, context, language)
        certificate = lookup.certificate
        matched_by = lookup.matched_by
        stored = document_of(certificate.pk)
        certificate_id = certificate.pk
    else:
        certificate_id = stored.certificate_id
    if state is None:
        state = page_state(certificate_id)
    validators = None
    page: dict[str, Any] = {}
    if stored is not None:
        validators = page_validators(stored, state, language)
        unchanged = conditional(request, *validators, cache_control=_lifetime(request), vary=VARY)
        if unchanged is not None:
            return unchanged
        kept = _kept_page(request, validators[0])
        if kept is not None:
            set_validators(kept, *validators, cache_control=_lifetime(request), vary=VARY)
            return kept
        page = context_from_document(stored, language)
    elif certificate is not None:
        page = context_from_tables(certificate, language)
    shown = page["certificate"]
    context.update(page)
    context["matched_by"] = matched_by
    context["cited_documents"] = citations_of(shown) if state.citations else []
    context["log"] = log_standing(shown.number, page["history"], language, state.checkpoint)
    if request.user.is_authenticated:
        certificate = certificate or Certificate.objects.get(pk=certificate_id)
        if can_see_adoptions(Actor.for_user(request.user), certificate):
            context["adoptions"] = adoption_rows(certificate, language)
    context.update(panel_context(shown))
    response = _framed(request, "portal/verify_content.html", context)
    if validators is not None:
        _keep_page(request, validators[0], response)
        set_validators(response, *validators, cache_control=_lifetime(request), vary=VARY)
    return response


def _framed(request: HttpRequest, content: str, context: dict[str, Any]) -> HttpResponse:
    """The page's content rendered by Jinja2 (``content``, see ``core.jinja``) inside the site's
    frame, the Django template ``portal/verify.html``, which shows it as ``content``."""
    context["LANGUAGE_CODE"] = context.get("lang") or get_language()
    context["content"] = mark_safe(render_to_string(content, context, request, using="jinja2"))
    return render(request, "portal/verify.html", context)


# A page for visitors who are not signed in, rendered once per process (or per Redis) while its
# entity tag holds: the tag changes whenever what the page shows can (the answer a 304 already
# relies on), and the day is in the key for what depends on the date (a listing's period).
PAGE_SECONDS = 300


def _page_key(request: HttpRequest, etag: str) -> str | None:
    if request.user.is_authenticated:
        return None  # a signed-in person may see more (adoptions)
    address = request.get_full_path()
    digest = hashlib.sha256(f"{etag}|{timezone.localdate()}|{address}".encode()).hexdigest()
    return f"greencert.verify-page:{digest}"


def _kept_page(request: HttpRequest, etag: str) -> HttpResponse | None:
    key = _page_key(request, etag)
    content = cache.get(key) if key else None
    if content is None:
        return None
    return HttpResponse(content, content_type="text/html; charset=utf-8")


def _keep_page(request: HttpRequest, etag: str, response: HttpResponse) -> None:
    key = _page_key(request, etag)
    if key and response.status_code == 200:
        cache.set(key, response.content, PAGE_SECONDS)


def _not_one_certificate(
    request: HttpRequest, lookup: Lookup, context: dict[str, object], language: str
) -> HttpResponse:
    """The page for a number that finds several certificates, a foreign one, or none."""
    if lookup.verdict == "several":
        context["choices"] = [
            {"certificate": c, "status_label": c.status_label(language)} for c in lookup.matches
        ]
        return render(request, "portal/verify_several.html", context)
    foreign = foreign_certificate(lookup.normalised) if lookup.verdict == "not_found" else None
    if foreign is not None:
        context.update(page_context(foreign, language))
        return _framed(request, "portal/verify_foreign_content.html", context)
    zh, en = explain(lookup)
    context["message"] = en if language.startswith("en") else zh
    context["suggestions"] = suggestions(lookup.candidates, language)
    context["checked_at"] = timezone.localtime()
    return render(request, "portal/verify_missing.html", context, status=http_status(lookup))


# The page is in the visitor's language and shows a signed-in person more (adoptions).
VARY = ("Accept-Language", "Cookie")


def _lifetime(request: HttpRequest) -> str:
    return PRIVATE if request.user.is_authenticated else PUBLIC


def page_validators(
    stored: StoredDocument, state: PageState, language: str
) -> tuple[str, dt.datetime]:
    """The verify page's entity tag and last change: the certificate's public document, the
    transparency log's newest checkpoint and its cosignatures, the documents the certificate
    cites, and the language."""
    checkpoint = state.checkpoint
    size = checkpoint.size if checkpoint is not None else 0
    cosigned = getattr(checkpoint, "cosigned", 0)
    etag = entity_tag(
        stored.own_sequence, stored.version, f"L{size}-{cosigned}", f"D{state.citations}", language
    )
    times = [
        stored.changed_at,
        checkpoint.signed_at if checkpoint is not None else None,
        getattr(checkpoint, "last_cosigned", None),
        state.last_cited,
    ]
    return etag, max(t for t in times if t is not None)


def transparency_log(request: HttpRequest) -> HttpResponse:
    """What the line about the transparency log on a verify page means, in plain words."""
    return render(request, "portal/transparency_log.html")
