"""The verify page's context about one certificate: from its stored public document, or from the
tables while it has none yet.

The document (``certification.public_document``) holds the certificate, its history, blacklist
flags, recognitions and the certificates shown beside it, as of its last event. What the page
shows beyond it is read here: the successors of a renewed certificate (one query, renewed
certificates only) and which recognition agreements are on record (one query, recognised
certificates only). The documents it cites, its log standing and, for a person signed in, its
adoptions are the view's (``views.verify``): they are not the certificate's public state.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from greencert.certification import lifecycle
from greencert.certification.links import verify_sections, verify_sections_from_document
from greencert.certification.models import Certificate
from greencert.certification.presenters import history_of
from greencert.certification.public_certificate import public_certificate, read_document
from greencert.certification.public_read import StoredDocument
from greencert.governance.presenters import recognitions_for_page, verify_recognitions
from greencert.supervision.blacklist import flags_for


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


def _labelled_history(
    history: list[dict[str, Any]], successors: list[str], language: str
) -> list[dict[str, Any]]:
    for row in history:
        if row["type"] == lifecycle.EventType.RENEWED:
            # 再认证: point from the old certificate to the one that succeeds it.
            row["successors"] = successors
        row["type_label"] = lifecycle.event_label(row["type"]).get(language)
        reason = lifecycle.reason_label(row["reason_code"])
        row["reason_label"] = reason.get(language) if reason else ""
    return history


def _renewed(history: list[dict[str, Any]]) -> bool:
    return any(row["type"] == lifecycle.EventType.RENEWED for row in history)


def _labelled_flags(flags: list[dict[str, Any]]) -> list[dict[str, Any]]:
    for flag in flags:
        # The party's name for people; its code stands beside it where a professional needs it.
        flag["subject_label"] = flag["subject_name"].removesuffix(f" ({flag['subject_id']})")
    return flags


def _in_force_today(flags: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The document's flags whose listing is in force today: a listing whose period ended shows
    no more, though the daily job has not yet written the event that lifts its flag."""
    today = timezone.localdate()
    return [
        flag
        for flag in flags
        if (flag["starts_on"] is None or flag["starts_on"] <= today)
        and (flag["ends_on"] is None or today <= flag["ends_on"])
    ]


def _page(certificate: Any, history: list[dict[str, Any]], language: str) -> dict[str, Any]:
    return {
        "certificate": certificate,
        "status_label": certificate.status_label(language),
        "history": history,
        "status_change": status_change(certificate, history),
    }


def context_from_document(stored: StoredDocument, language: str) -> dict[str, Any]:
    """The page's context about the certificate, from its stored public document."""
    document = read_document(stored.body)
    certificate = public_certificate(stored.certificate_id, document)
    successors: list[str] = []
    if _renewed(document["history"]):
        successors = list(
            Certificate.objects.filter(renewed_from_id=stored.certificate_id)
            .order_by("id")
            .values_list("number", flat=True)
        )
    history = _labelled_history(document["history"], successors, language)
    return (
        _page(certificate, history, language)
        | {
            "blacklist": _labelled_flags(_in_force_today(document["blacklist"])),
            "recognitions": recognitions_for_page(document["recognitions"], language),
        }
        | verify_sections_from_document(document, language)
    )


def context_from_tables(cert: Certificate, language: str) -> dict[str, Any]:
    """The same context read from the tables, for a certificate whose document is not built yet."""
    history = history_of(cert)
    successors: list[str] = []
    if _renewed(history):
        successors = list(cert.renewals.order_by("id").values_list("number", flat=True))
    history = _labelled_history(history, successors, language)
    return (
        _page(cert, history, language)
        | {
            "blacklist": _labelled_flags(flags_for(cert)),
            "recognitions": verify_recognitions(cert, language, history),
        }
        | verify_sections(cert, language)
    )
