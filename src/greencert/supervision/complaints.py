"""Public complaints (社会监督): anyone reports a suspicious mark or certificate and follows it by
tracking code; regulators of its province triage, assign, investigate and close it. An upheld
complaint enters the holder's credit record.

Routing: a complaint goes to the regulators of the certificate's province; naming no certificate,
to those of the province it names; naming neither, to the default queue, the regulators of
``GREENCERT_COMPLAINT_DEFAULT_PROVINCE``. When another provincial node is authoritative for that
certificate or province, the complaint is forwarded (转交) to it: the exchange delivers it and this
node keeps it as "forwarded", without the contact details once delivered.

Privacy: the complainant's contact details are shown only to the regulator assigned to handle the
complaint, and erased ``contact_retention_days`` after it is closed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from greencert.certification.foreign import authority_for_number, authority_for_province
from greencert.certification.lookup import find_certificate
from greencert.core.actors import Actor
from greencert.core.errors import PermissionRefused, TransitionRefused, ValidationFailed
from greencert.parties.permissions import regulated_region_codes
from greencert.regions.models import Region
from greencert.supervision.actions import write_credit_record
from greencert.supervision.codes import contact_retention_days, labels
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


def default_province() -> Region:
    """The default queue: the province whose regulators get complaints naming no place."""
    code = str(settings.GREENCERT_COMPLAINT_DEFAULT_PROVINCE)
    return Region.objects.get(code=code)


def _route(typed: str, province: Region | None) -> tuple[Any, Region, str]:
    """The certificate a complaint is about, the province whose regulators handle it, and the
    other node it is forwarded to (blank when this node handles it)."""
    certificate = find_certificate(typed).certificate if typed else None
    if certificate is not None:
        return certificate, Region.objects.get(code=certificate.province_code), ""
    authority = authority_for_number(typed) if typed else None
    if authority is not None and authority.province_code:
        return None, Region.objects.get(code=authority.province_code), authority.node_id
    region = province or default_province()
    elsewhere = authority_for_province(region.code)
    return None, region, elsewhere.node_id if elsewhere is not None else ""


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
    certificate, region, forwarded_to = _route(typed, province)
    complaint = Complaint(
        tracking_code=tracking_code or new_tracking_code(),
        certificate=certificate,
        typed_number=typed[:40],
        region=region,
        description=description,
        contact=contact.strip()[:120],
        received_at=timezone.now(),
        state="forwarded" if forwarded_to else "received",
        forwarded_to=forwarded_to,
    )
    if photo is not None:
        complaint.photo.save(_photo_name(photo), photo, save=False)
    complaint.save()
    _step(complaint, "", "received", Actor())
    if forwarded_to:
        _step(complaint, "received", "forwarded", Actor.for_system("complaints"))
    return complaint


@transaction.atomic
def receive_referral(
    *,
    from_node: str,
    tracking_code: str,
    certificate_number: str,
    province_code: str,
    description: str,
    contact: str,
    received_at: dt.datetime,
) -> tuple[Complaint, bool]:
    """A complaint another node forwarded here (authenticated by the exchange): filed once per
    (node, tracking code there) for the regulators of the certificate's province, or of the
    province it named. Returns the complaint and whether it is new."""
    found = Complaint.objects.filter(referred_from=from_node, referred_code=tracking_code).first()
    if found is not None:
        return found, False
    typed = certificate_number.strip().upper()
    certificate = find_certificate(typed).certificate if typed else None
    if certificate is not None:
        region = Region.objects.get(code=certificate.province_code)
    else:
        region = Region.objects.filter(code=province_code).first() or default_province()
    description = description.strip()
    if not 10 <= len(description) <= 2000:
        raise ValidationFailed(
            field="description",
            value=description[:40],
            expected_zh="10 至 2000 字的情况描述",
            expected_en="a description of 10 to 2,000 characters",
        )
    complaint = Complaint.objects.create(
        tracking_code=new_tracking_code(),
        certificate=certificate,
        typed_number=typed[:40],
        region=region,
        description=description,
        contact=contact.strip()[:120],
        received_at=received_at,
        referred_from=from_node,
        referred_code=tracking_code,
    )
    _step(complaint, "", "received", Actor.for_system("complaints"), note=from_node)
    return complaint, True


def awaiting_delivery() -> QuerySet[Complaint]:
    """Complaints forwarded to another node that it has not confirmed receiving."""
    return Complaint.objects.exclude(forwarded_to="").filter(delivered_at__isnull=True)


@transaction.atomic
def record_delivery(complaint: Complaint) -> None:
    """The node it was forwarded to has it: the contact details are erased here."""
    Complaint.objects.filter(pk=complaint.pk, delivered_at__isnull=True).update(
        delivered_at=timezone.now(),
        delivery_error="",
        contact="",
        contact_erased_at=timezone.now(),
    )


def record_delivery_failure(complaint: Complaint, error: str) -> None:
    Complaint.objects.filter(pk=complaint.pk).update(
        delivery_attempts=complaint.delivery_attempts + 1, delivery_error=error[:2000]
    )


def erase_expired_contacts(now: dt.datetime | None = None) -> int:
    """The daily job: erase the contact details of complaints closed more than the retention
    period ago. Returns how many were erased."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=contact_retention_days())
    return (
        Complaint.objects.filter(state="closed", closed_at__lt=cutoff)
        .exclude(contact="")
        .update(contact="", contact_erased_at=now)
    )


def _provinces_of(actor: Actor) -> set[str]:
    return {code[:2] + "0000" for code in regulated_region_codes(actor)}


def visible_complaints(actor: Actor) -> QuerySet[Complaint]:
    """A regulator sees the complaints of their province; complaints recorded without a province
    are in the default queue."""
    qs = Complaint.objects.select_related("certificate", "region", "assignee")
    provinces = _provinces_of(actor)
    if not provinces:
        return qs.none()
    visible = Q(region_id__in=provinces)
    if str(settings.GREENCERT_COMPLAINT_DEFAULT_PROVINCE) in provinces:
        visible |= Q(region__isnull=True)
    return qs.filter(visible)


def can_handle(actor: Actor, complaint: Complaint) -> bool:
    """Any regulator of the complaint's province (its cities included)."""
    province = complaint.region_id or str(settings.GREENCERT_COMPLAINT_DEFAULT_PROVINCE)
    return province[:2] + "0000" in _provinces_of(actor)


def may_see_contact(actor: Actor, complaint: Complaint) -> bool:
    """Only the regulator assigned to handle a complaint sees the complainant's contact details."""
    return (
        actor.user is not None
        and complaint.assignee_id is not None
        and complaint.assignee_id == actor.user.pk
        and can_handle(actor, complaint)
    )


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
