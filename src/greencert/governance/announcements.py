"""Actions on announcements (公告): draft, revise, publish (which freezes and signs it).

A published announcement's content is the canonical JSON the node signed (``typ:
announcement+jwt``, Ed25519 like credentials); it keeps each certificate's status at
publication, and ``greencert announcement verify`` checks the signed file offline.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from greencert.certification import lifecycle
from greencert.certification.lifecycle import Status
from greencert.certification.models import Certificate
from greencert.certification.presenters import verify_url
from greencert.core.actors import Actor
from greencert.core.canonical import canonical_json
from greencert.core.errors import TransitionRefused, ValidationFailed
from greencert.governance.models import Announcement, AnnouncementItem
from greencert.governance.offline import ANNOUNCEMENT_TYPE, CLAIMS_TYPE
from greencert.governance.permissions import require_announcement_publisher
from greencert.marks import keys
from greencert.marks.identity import absolute, node_did, node_id
from greencert.parties.models import Enterprise
from greencert.regions.models import Region

DRAFTING = ("起草公告", "drafting an announcement")
PUBLISHING = ("发布公告", "publishing an announcement")


def publisher_names(province: Region) -> tuple[str, str]:
    return f"{province.name_zh}市场监督管理部门", f"Market regulator of {province.name_en}"


def _require_valid(certificates: Sequence[Certificate]) -> None:
    for certificate in certificates:
        if certificate.status != Status.VALID:
            label = lifecycle.status_label(certificate.status)
            raise ValidationFailed(
                field="certificates",
                value=certificate.number,
                expected_zh=f"有效的证书（该证书当前为「{label.zh}」）",
                expected_en=f"a valid certificate (this one is {label.en})",
            )


def _require_text(field: str, value: str) -> None:
    if not value.strip():
        raise ValidationFailed(
            field=field, value=value, expected_zh="不能为空", expected_en="a non-empty text"
        )


def _write_items(
    announcement: Announcement,
    certificates: Sequence[Certificate],
    enterprises: Sequence[Enterprise],
) -> None:
    _require_valid(certificates)
    seen: set[str] = set()
    for certificate in certificates:
        if certificate.number in seen:
            raise ValidationFailed(
                field="certificates",
                value=certificate.number,
                expected_zh="每张证书只列一次",
                expected_en="each certificate listed once",
            )
        seen.add(certificate.number)
    announcement.items.all().delete()
    lines: list[tuple[Enterprise, Certificate | None]] = [(c.holder, c) for c in certificates]
    listed = {c.holder_id for c in certificates}
    lines += [(e, None) for e in enterprises if e.pk not in listed]
    AnnouncementItem.objects.bulk_create(
        AnnouncementItem(announcement=announcement, position=i, enterprise=e, certificate=c)
        for i, (e, c) in enumerate(lines, start=1)
    )


@transaction.atomic
def draft_announcement(
    actor: Actor,
    *,
    title: str,
    announced_on: dt.date,
    body: str,
    title_en: str = "",
    certificates: Sequence[Certificate] = (),
    enterprises: Sequence[Enterprise] = (),
    serial: int | None = None,
) -> Announcement:
    """A new draft, numbered the next of its year unless ``serial`` is given."""
    require_announcement_publisher(actor, DRAFTING)
    _require_text("title", title)
    _require_text("body", body)
    year = announced_on.year
    taken = Announcement.objects.filter(year=year)
    if serial is None:
        serial = (taken.aggregate(top=Max("serial"))["top"] or 0) + 1
    elif taken.filter(serial=serial).exists():
        raise ValidationFailed(
            field="serial",
            value=serial,
            expected_zh=f"{year} 年尚未使用的公告序号",
            expected_en=f"an announcement number not yet used in {year}",
        )
    announcement = Announcement.objects.create(
        year=year,
        serial=serial,
        title=title.strip(),
        title_en=title_en.strip(),
        announced_on=announced_on,
        body=body.strip(),
        created_by=actor.user,
    )
    _write_items(announcement, certificates, enterprises)
    return announcement


def _require_draft(announcement: Announcement) -> None:
    if announcement.state != Announcement.State.DRAFT:
        raise TransitionRefused(
            field="announcement",
            value=announcement.slug,
            expected_zh=f"草稿状态的公告（{announcement.number} 已发布，内容已冻结）",
            expected_en=f"a draft announcement ({announcement.number_en} is published and frozen)",
        )


@transaction.atomic
def revise_announcement(
    actor: Actor,
    announcement: Announcement,
    *,
    title: str,
    announced_on: dt.date,
    body: str,
    title_en: str = "",
    certificates: Sequence[Certificate] = (),
    enterprises: Sequence[Enterprise] = (),
) -> Announcement:
    """Change a draft; a published announcement is refused."""
    require_announcement_publisher(actor, DRAFTING)
    _require_draft(announcement)
    _require_text("title", title)
    _require_text("body", body)
    if announced_on.year != announcement.year:
        raise ValidationFailed(
            field="announced_on",
            value=announced_on.isoformat(),
            expected_zh=f"{announcement.year} 年内的日期（公告按年编号）",
            expected_en=f"a date in {announcement.year} (announcements are numbered per year)",
        )
    updated = Announcement.objects.filter(
        pk=announcement.pk, state=Announcement.State.DRAFT
    ).update(
        title=title.strip(), title_en=title_en.strip(), announced_on=announced_on, body=body.strip()
    )
    if not updated:
        announcement.refresh_from_db()
        _require_draft(announcement)
    _write_items(announcement, certificates, enterprises)
    announcement.refresh_from_db()
    return announcement


def announcement_claims(
    announcement: Announcement, publisher: tuple[str, str], published_at: dt.datetime
) -> dict[str, Any]:
    """What the node signs: the announcement as published, each certificate with its status then."""
    items = []
    for item in announcement.items.select_related(
        "enterprise", "certificate__body", "certificate__category"
    ):
        line: dict[str, Any] = {
            "position": item.position,
            "organisation": {
                "name": item.enterprise.name,
                "registeredId": item.enterprise.credit_code,
            },
            "certificate": None,
        }
        cert = item.certificate
        if cert is not None:
            label = lifecycle.status_label(cert.status)
            line["certificate"] = {
                "number": cert.number,
                "bodyNumber": cert.body_number,
                "body": {"name": cert.body.name, "id": cert.body.approval_number},
                "category": {
                    "code": cert.category.code,
                    "name_zh": cert.category.name_zh,
                    "name_en": cert.category.name_en,
                },
                "certificationUnit": cert.certification_unit,
                "issueDate": cert.issue_date,
                "expiryDate": cert.expiry_date,
                "status": {"code": cert.status, "label_zh": label.zh, "label_en": label.en},
                "verifyUrl": verify_url(cert.number),
            }
        items.append(line)
    return {
        "type": CLAIMS_TYPE,
        "id": absolute(reverse("governance:announcement", args=[announcement.slug])),
        "issuer": {
            "id": node_did(),
            "name": f"长三角绿色认证一体化平台 YRD Green Certification Platform ({node_id()})",
        },
        "number": announcement.number,
        "numberEn": announcement.number_en,
        "year": announcement.year,
        "serial": announcement.serial,
        "title": announcement.title,
        "titleEn": announcement.title_en,
        "date": announcement.announced_on,
        "body": announcement.body,
        "publisher": {"name_zh": publisher[0], "name_en": publisher[1]},
        "publishedAt": published_at,
        "items": items,
    }


@transaction.atomic
def publish_announcement(actor: Actor, announcement: Announcement) -> Announcement:
    """发布: freeze the draft, sign its content with the node's key; the certificates it lists
    must be valid now."""
    province = require_announcement_publisher(actor, PUBLISHING)
    _require_draft(announcement)
    if not announcement.items.exists():
        raise ValidationFailed(
            field="items",
            value=0,
            expected_zh="至少列出一个获证组织或证书",
            expected_en="at least one organisation or certificate listed",
        )
    certificates = [item.certificate for item in announcement.items.select_related("certificate")]
    _require_valid([c for c in certificates if c is not None])
    published_at = timezone.now().replace(microsecond=0)
    publisher = publisher_names(province)
    claims = announcement_claims(announcement, publisher, published_at)
    token = keys.sign(claims, typ=ANNOUNCEMENT_TYPE)
    updated = Announcement.objects.filter(
        pk=announcement.pk, state=Announcement.State.DRAFT
    ).update(
        state=Announcement.State.PUBLISHED,
        publisher=publisher[0],
        published_by=actor.user,
        published_at=published_at,
        content=json.loads(canonical_json(claims)),
        signed=token,
    )
    announcement.refresh_from_db()
    if not updated:
        _require_draft(announcement)
    return announcement
