"""Public complaints (社会监督): anyone reports a suspicious mark or certificate and follows it by
tracking code; regulators of its province triage, assign, investigate and close it. An upheld
complaint enters the holder's credit record."""

from __future__ import annotations

import hashlib
import secrets
from pathlib import PurePath
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from greencert.certification.lookup import find_certificate
from greencert.core.actors import Actor
from greencert.core.errors import PermissionRefused, TransitionRefused, ValidationFailed
from greencert.parties.permissions import regulated_region_codes
from greencert.regions.models import Region
from greencert.supervision.actions import write_credit_record
from greencert.supervision.codes import labels
from greencert.supervision.models import Complaint, ComplaintStep

TRACKING_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
PHOTO_MAX_BYTES = 5 * 1024 * 1024
PHOTO_SIGNATURES = {"jpg": b"\xff\xd8\xff", "jpeg": b"\xff\xd8\xff", "png": b"\x89PNG\r\n\x1a\n"}
OPEN_STATES = ("received", "assigned", "investigating")
# Outcomes that need an investigation first; the others close a report at triage.
INVESTIGATED_OUTCOMES = {"upheld", "not_upheld"}


def new_tracking_code() -> str:
    return "JB" + "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(10))


def _photo_name(photo: UploadedFile) -> str:
    name = PurePath(photo.name or "").name
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    size = photo.size or 0
    photo.seek(0)
    head = photo.read(16)
    photo.seek(0)
    if extension not in PHOTO_SIGNATURES or not head.startswith(PHOTO_SIGNATURES[extension]):
        raise ValidationFailed(
            field="photo",
            value=name,
            expected_zh="JPEG 或 PNG 照片",
            expected_en="a JPEG or PNG photo",
        )
    if not 0 < size <= PHOTO_MAX_BYTES:
        raise ValidationFailed(
            field="photo",
            value=f"{name} ({size} bytes)",
            expected_zh="不超过 5 MB 的照片",
            expected_en="a photo of at most 5 MB",
        )
    digest = hashlib.sha256()
    for chunk in photo.chunks():
        digest.update(chunk)
    photo.seek(0)
    return f"{digest.hexdigest()}.{extension}"


def _step(complaint: Complaint, before: str, after: str, actor: Actor, note: str = "") -> None:
    ComplaintStep.objects.create(
        complaint=complaint,
        state_before=before,
        state_after=after,
        actor_label=actor.label,
        note=note,
        recorded_at=timezone.now(),
    )


@transaction.atomic
def file_complaint(
    *,
    certificate_number: str = "",
    description: str,
    contact: str = "",
    photo: UploadedFile | None = None,
    province: Region | None = None,
    tracking_code: str | None = None,
) -> Complaint:
    """举报: anyone files a report; the spam guard runs in the view before this.
    ``tracking_code`` is for reproducible demo data only."""
    description = description.strip()
    if not 10 <= len(description) <= 2000:
        raise ValidationFailed(
            field="description",
            value=description[:40],
            expected_zh="10 至 2000 字的情况描述",
            expected_en="a description of 10 to 2,000 characters",
        )
    typed = certificate_number.strip().upper()
    certificate = find_certificate(typed).certificate if typed else None
    region = province
    if certificate is not None:
        region = Region.objects.get(code=certificate.province_code)
    complaint = Complaint(
        tracking_code=tracking_code or new_tracking_code(),
        certificate=certificate,
        typed_number=typed[:40],
        region=region,
        description=description,
        contact=contact.strip()[:120],
        received_at=timezone.now(),
    )
    if photo is not None:
        complaint.photo.save(_photo_name(photo), photo, save=False)
    complaint.save()
    _step(complaint, "", "received", Actor())
    return complaint


def visible_complaints(actor: Actor) -> QuerySet[Complaint]:
    """A regulator sees the complaints of their province (and those naming no province)."""
    qs = Complaint.objects.select_related("certificate", "region", "assignee")
    codes = regulated_region_codes(actor)
    if not codes:
        return qs.none()
    provinces = {code[:2] + "0000" for code in codes}
    return qs.filter(Q(region_id__in=provinces) | Q(region__isnull=True))


def can_handle(actor: Actor, complaint: Complaint) -> bool:
    """Any regulator of the complaint's province (its cities included)."""
    codes = regulated_region_codes(actor)
    if complaint.region_id is None:
        return bool(codes)
    return any(code[:2] == complaint.region_id[:2] for code in codes)


def _require_handler(actor: Actor, complaint: Complaint, doing: tuple[str, str]) -> None:
    if not can_handle(actor, complaint):
        place = complaint.region.name_zh if complaint.region else "长三角"
        place_en = complaint.region.name_en if complaint.region else "the YRD"
        raise PermissionRefused(
            field="actor",
            value=actor.label,
            expected_zh=f"{doing[0]}须由{place}的监管人员进行",
            expected_en=f"{doing[1]} must be done by a regulator of {place_en}",
        )


def _move(
    actor: Actor,
    complaint: Complaint,
    *,
    from_states: tuple[str, ...],
    to_state: str,
    note: str = "",
    updates: dict[str, Any] | None = None,
) -> Complaint:
    before = complaint.state
    states = labels("complaint_states")
    updated = 0
    if before in from_states:
        updated = Complaint.objects.filter(pk=complaint.pk, state=before).update(
            state=to_state, **(updates or {})
        )
    if not updated:
        complaint.refresh_from_db()
        raise TransitionRefused(
            field="state",
            value=complaint.state,
            expected_zh=f"举报 {complaint.tracking_code} 当前为「{states[complaint.state].zh}」，"
            f"须处于「{'、'.join(states[s].zh for s in from_states)}」",
            expected_en=f"complaint {complaint.tracking_code} is {states[complaint.state].en}; "
            f"it must be {' or '.join(states[s].en for s in from_states)}",
        )
    _step(complaint, before, to_state, actor, note)
    complaint.refresh_from_db()
    return complaint


@transaction.atomic
def assign_complaint(actor: Actor, complaint: Complaint, *, assignee: Any) -> Complaint:
    """分派: triaged and given to a regulator of the province."""
    doing = ("分派举报", "assigning a complaint")
    _require_handler(actor, complaint, doing)
    _require_handler(Actor.for_user(assignee), complaint, ("承办举报", "handling a complaint"))
    return _move(
        actor,
        complaint,
        from_states=("received", "assigned"),
        to_state="assigned",
        note=assignee.get_username(),
        updates={"assignee": assignee},
    )


@transaction.atomic
def start_investigation(actor: Actor, complaint: Complaint, *, note: str = "") -> Complaint:
    """调查: the assignee starts the investigation."""
    _require_handler(actor, complaint, ("调查举报", "investigating a complaint"))
    return _move(actor, complaint, from_states=("assigned",), to_state="investigating", note=note)


@transaction.atomic
def close_complaint(actor: Actor, complaint: Complaint, *, outcome: str, note: str) -> Complaint:
    """办结: the outcome and its public note, shown to the reporter by tracking code."""
    _require_handler(actor, complaint, ("办结举报", "closing a complaint"))
    outcomes = labels("complaint_outcomes")
    if outcome not in outcomes:
        raise ValidationFailed(
            field="outcome",
            value=outcome,
            expected_zh="可选：" + "、".join(f"{c} {v.zh}" for c, v in outcomes.items()),
            expected_en="one of: " + ", ".join(f"{c} ({v.en})" for c, v in outcomes.items()),
        )
    note = note.strip()
    if not note:
        raise ValidationFailed(
            field="note",
            value="",
            expected_zh="须填写向举报人公开的办理结果说明",
            expected_en="a note on the outcome for the reporter is required",
        )
    from_states = ("investigating",) if outcome in INVESTIGATED_OUTCOMES else OPEN_STATES
    complaint = _move(
        actor,
        complaint,
        from_states=from_states,
        to_state="closed",
        note=f"{outcome}: {note}",
        updates={"outcome": outcome, "outcome_note": note, "closed_at": timezone.now()},
    )
    if outcome == "upheld" and complaint.certificate is not None:
        certificate = complaint.certificate
        write_credit_record(
            actor=actor,
            enterprise=certificate.holder,
            source="complaint_upheld",
            occurred_on=timezone.localdate(),
            region=complaint.region or certificate.site_region,
            basis_code="GPM-2019",
            evidence=note,
            reference=complaint.tracking_code,
        )
    return complaint
