"""Who is on the blacklist (黑名单), and which certificates carry its flag.

Read by the certification actions (applications and issue are refused for a listed party), by
the verify page, the certificate API and the search index. A listing is in force from
``starts_on`` to ``ends_on`` inclusive, unless removed earlier; it binds all four provinces.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connections, router
from django.db.models import Q, QuerySet
from django.utils import timezone

from greencert.certification.lifecycle import EventType
from greencert.core.errors import PermissionRefused
from greencert.supervision.codes import labels
from greencert.supervision.models import BlacklistEntry, BlacklistFlag

PartyRef = Any  # a model instance or its primary key


def _pk(party: PartyRef) -> int:
    key: Any = getattr(party, "pk", party)
    return int(key)


def in_force(on: dt.date | None = None) -> Q:
    day = on or timezone.localdate()
    return Q(starts_on__lte=day, ends_on__gte=day) & (
        Q(removed_on__isnull=True) | Q(removed_on__gt=day)
    )


def _in_scope(entry: BlacklistEntry, category: str | None) -> bool:
    return category is None or not entry.categories or category in entry.categories


def entries_in_force(
    *, enterprise: PartyRef = None, body: PartyRef = None, on: dt.date | None = None
) -> QuerySet[BlacklistEntry]:
    subject = Q()
    if enterprise is not None:
        subject |= Q(enterprise_id=_pk(enterprise))
    if body is not None:
        subject |= Q(body_id=_pk(body))
    if not subject:
        return BlacklistEntry.objects.none()
    return BlacklistEntry.objects.filter(subject & in_force(on)).select_related(
        "enterprise", "body", "region"
    )


def is_listed(
    *,
    enterprise: PartyRef = None,
    body: PartyRef = None,
    on: dt.date | None = None,
    category: str | None = None,
) -> bool:
    """Whether the enterprise (or body), given as an instance or an id, is listed on ``on``
    (today by default), for ``category`` when given (a listing may cover some categories only)."""
    return any(
        _in_scope(entry, category)
        for entry in entries_in_force(enterprise=enterprise, body=body, on=on)
    )


def refuse_if_listed(
    *,
    enterprise: PartyRef = None,
    body: PartyRef = None,
    category: str | None,
    doing: tuple[str, str],
) -> None:
    """Raise the refusal a listed enterprise or body gets, with the listing's reason."""
    for entry in entries_in_force(enterprise=enterprise, body=body):
        if _in_scope(entry, category):
            raise _refusal(entry, doing)


def refusals_for(
    *, subjects: Sequence[tuple[PartyRef, str | None]], body: PartyRef, doing: tuple[str, str]
) -> dict[int, PermissionRefused]:
    """``refuse_if_listed`` for many (enterprise, category) pairs issued by one body, in one
    query: the refusal each refused pair would get, by its index in ``subjects``."""
    enterprise_ids = {_pk(enterprise) for enterprise, _category in subjects}
    entries = list(
        BlacklistEntry.objects.filter(
            (Q(enterprise_id__in=enterprise_ids) | Q(body_id=_pk(body))) & in_force()
        )
        .select_related("enterprise", "body", "region")
        .order_by("pk")
    )
    if not entries:
        return {}
    refusals = {}
    for index, (enterprise, category) in enumerate(subjects):
        for entry in entries:
            concerns = entry.body_id is not None or entry.enterprise_id == _pk(enterprise)
            if concerns and _in_scope(entry, category):
                refusals[index] = _refusal(entry, doing)
                break
    return refusals


def _refusal(entry: BlacklistEntry, doing: tuple[str, str]) -> PermissionRefused:
    basis = labels("bases")[entry.basis_code]
    field = "enterprise" if entry.enterprise_id else "body"
    return PermissionRefused(
        field=field,
        value=entry.subject_code,
        code="blacklisted",
        expected_zh=(
            f"{entry.subject} 自 {entry.starts_on} 至 {entry.ends_on} 列入长三角绿色认证黑名单"
            f"（依据：{basis.zh}；事由：{entry.basis_text}；列入地区：{entry.region.name_zh}），"
            f"不得{doing[0]}"
        ),
        expected_en=(
            f"{entry.subject} is on the YRD green certification blacklist from "
            f"{entry.starts_on} to {entry.ends_on} (basis: {basis.en}; facts: "
            f"{entry.basis_text}; listed in {entry.region.name_en}) and may not {doing[1]}"
        ),
        extra={"blacklist_entry": entry.pk, "ends_on": entry.ends_on.isoformat()},
    )


def _open_flags(on: dt.date | None = None) -> QuerySet[BlacklistFlag]:
    day = on or timezone.localdate()
    return BlacklistFlag.objects.filter(
        unflagged_sequence__isnull=True, entry__starts_on__lte=day, entry__ends_on__gte=day
    )


def flagged_certificate_ids(certificate_ids: Iterable[int]) -> set[int]:
    """Which of these certificates carry a blacklist flag today (one query, for result lists)."""
    ids = list(certificate_ids)
    if not ids:
        return set()
    return set(
        _open_flags().filter(certificate_id__in=ids).values_list("certificate_id", flat=True)
    )


def is_certificate_flagged(certificate: PartyRef) -> bool:
    """The boolean search results show: its holder or issuing body is listed."""
    return _open_flags().filter(certificate_id=_pk(certificate)).exists()


# Every certificate lookup asks this; almost every answer is "no", so it is one fixed query.
_OPEN_FLAG_SQL = (
    f"SELECT 1 FROM {BlacklistFlag._meta.db_table} "
    "WHERE certificate_id = %s AND unflagged_sequence IS NULL LIMIT 1"
)


def _has_open_flag(certificate_id: int) -> bool:
    with connections[router.db_for_read(BlacklistFlag)].cursor() as cursor:
        cursor.execute(_OPEN_FLAG_SQL, [certificate_id])
        return cursor.fetchone() is not None


def flags_for(certificate: PartyRef) -> list[dict[str, Any]]:
    """The listings behind a certificate's flag, as the verify page and the API show them."""
    if not _has_open_flag(_pk(certificate)):
        return []
    rows = []
    flags = (
        _open_flags()
        .filter(certificate_id=_pk(certificate))
        .select_related("entry__enterprise", "entry__body", "entry__region")
    )
    bases = labels("bases")
    for flag in flags.order_by("entry_id"):
        entry = flag.entry
        rows.append(
            {
                "subject_kind": "enterprise" if entry.enterprise_id else "body",
                "subject_id": entry.subject_code,
                "subject_name": str(entry.subject),
                "basis_code": entry.basis_code,
                "basis_zh": bases[entry.basis_code].zh,
                "basis_en": bases[entry.basis_code].en,
                "facts": entry.basis_text,
                "categories": entry.categories,
                "starts_on": entry.starts_on,
                "ends_on": entry.ends_on,
                "region": entry.region_id,
                "flagged_sequence": flag.flagged_sequence,
            }
        )
    return rows


def flagged_after(event: Any) -> bool:
    """The flag a certificate carries once ``event`` (any CertificateEvent) is applied.

    For read models kept by a projection: the projection runs inside ``append_event``, before the
    listing action has recorded the flag the FLAGGED (or lifted the one the UNFLAGGED) event
    reports, so those two events decide from the event itself and any other listing."""
    if event.event_type not in {EventType.FLAGGED, EventType.UNFLAGGED}:
        return is_certificate_flagged(event.certificate_id)
    if event.event_type == EventType.FLAGGED:
        return True
    others = _open_flags().filter(certificate_id=event.certificate_id)
    return others.exclude(entry_id=event.payload.get("blacklist_entry")).exists()
