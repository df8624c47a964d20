"""Public pages: home, the verify page a QR code opens, and the health check."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.db.models import Count, Max
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache

from greencert.certification import lifecycle
from greencert.certification.lifecycle.log import last_sequence
from greencert.certification.links import verify_sections
from greencert.certification.lookup import explain, find_certificate, http_status
from greencert.certification.models import Certificate
from greencert.certification.presenters import history_of
from greencert.certification.public_read import document_of
from greencert.core.actors import Actor
from greencert.core.http_cache import PRIVATE, PUBLIC, conditional, entity_tag, set_validators
from greencert.core.jobs import worker_health
from greencert.exchange.adoption_data import adoption_rows
from greencert.exchange.models import LogCheckpoint
from greencert.exchange.permissions import can_see_adoptions
from greencert.exchange.replication.answers import foreign_certificate, page_context
from greencert.exchange.tlog.presenters import log_standing
from greencert.exchange.webhooks import oldest_due_delivery
from greencert.governance.cited_documents import cited_documents
from greencert.governance.models import DocumentCitation
from greencert.governance.presenters import verify_recognitions
from greencert.supervision.blacklist import flags_for

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


def status_change(cert: Any, history: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The event that brought a certificate that is no longer valid to its status, for the top of
    its page: what happened, when and why."""
    if cert.status == lifecycle.Status.VALID:
        return None
    for row in reversed(history):
        if row["status_after"] == cert.status and row["status_before"] != cert.status:
            return {
                "day": timezone.localdate(row["effective_at"]),
                "type_label": row["type_label"],
                "reason_label": row["reason_label"],
            }
    return None


def verify(request: HttpRequest, number: str) -> HttpResponseBase:
    """The page a phone opens from the mark's QR code, or a person's typed number: the registry
    number or the issuing body's own. A body number several bodies use is answered with a page
    naming each body's certificate (200: a page to choose from, not an error)."""
    lookup = find_certificate(number)
    language = get_language() or "zh-hans"
    context: dict[str, object] = {
        "lookup": lookup,
        "typed": number,
        "lang": language,
        "adoptions": None,
    }
    if lookup.verdict == "several":
        context["choices"] = [
            {"certificate": c, "status_label": c.status_label(language)} for c in lookup.matches
        ]
        return render(request, "portal/verify_several.html", context)
    if lookup.certificate is None:
        foreign = foreign_certificate(lookup.normalised) if lookup.verdict == "not_found" else None
        if foreign is not None:
            context.update(page_context(foreign, language))
            return render(request, "portal/verify_foreign.html", context)
        zh, en = explain(lookup)
        context["message"] = en if language.startswith("en") else zh
        context["suggestions"] = suggestions(lookup.candidates, language)
        context["checked_at"] = timezone.localtime()
        return render(request, "portal/verify_missing.html", context, status=http_status(lookup))
    cert = lookup.certificate
    validators = page_validators(request, cert, language)
    if validators is not None:
        unchanged = conditional(request, *validators, cache_control=_lifetime(request), vary=VARY)
        if unchanged is not None:
            return unchanged
    history = history_of(cert)
    for row in history:
        if row["type"] == lifecycle.EventType.RENEWED:
            # 再认证: point from the old certificate to the one that succeeds it.
            row["successors"] = list(cert.renewals.order_by("id").values_list("number", flat=True))
        row["type_label"] = lifecycle.event_label(row["type"]).get(language)
        reason = lifecycle.reason_label(row["reason_code"])
        row["reason_label"] = reason.get(language) if reason else ""
    context.update(certificate=cert, status_label=cert.status_label(language), history=history)
    context["status_change"] = status_change(cert, history)
    flags = flags_for(cert)
    for flag in flags:
        # The party's name for people; its code stands beside it where a professional needs it.
        flag["subject_label"] = flag["subject_name"].removesuffix(f" ({flag['subject_id']})")
    context["blacklist"] = flags
    context["recognitions"] = verify_recognitions(cert, language, history)
    context["cited_documents"] = cited_documents(cert)
    context["log"] = log_standing(cert.number, history, language)
    context.update(verify_sections(cert, language))
    if can_see_adoptions(Actor.for_user(request.user), cert):
        context["adoptions"] = adoption_rows(cert, language)
    response = render(request, "portal/verify.html", context)
    if validators is not None:
        set_validators(response, *validators, cache_control=_lifetime(request), vary=VARY)
    return response


# The page is in the visitor's language and shows a signed-in person more (adoptions).
VARY = ("Accept-Language", "Cookie")


def _lifetime(request: HttpRequest) -> str:
    return PRIVATE if request.user.is_authenticated else PUBLIC


def page_validators(
    request: HttpRequest, cert: Certificate, language: str
) -> tuple[str, dt.datetime] | None:
    """The verify page's entity tag and last change: the certificate's public document, the
    transparency log's newest checkpoint and its cosignatures, the documents the certificate
    cites, and the language; None while its document is not built."""
    stored = document_of(cert.pk)
    if stored is None:
        return None
    checkpoint = (
        LogCheckpoint.objects.order_by("-size")
        .values("size", "signed_at")
        .annotate(cosigned=Count("cosignatures"), last=Max("cosignatures__received_at"))
        .first()
    ) or {"size": 0, "signed_at": None, "cosigned": 0, "last": None}
    cited = DocumentCitation.objects.filter(certificate_id=cert.pk).aggregate(
        n=Count("id"), last=Max("cited_at")
    )
    etag = entity_tag(
        stored.own_sequence,
        stored.version,
        f"L{checkpoint['size']}-{checkpoint['cosigned']}",
        f"D{cited['n']}",
        language,
    )
    times = [stored.changed_at, checkpoint["signed_at"], checkpoint["last"], cited["last"]]
    return etag, max(t for t in times if t is not None)


def transparency_log(request: HttpRequest) -> HttpResponse:
    """What the line about the transparency log on a verify page means, in plain words."""
    return render(request, "portal/transparency_log.html")
