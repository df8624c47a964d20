"""``greencert seed_announcements``: demo announcements and recognition agreements.

Run after ``greencert seed`` and ``greencert demo_setup``. The Jiangsu demo regulator
(``regulator-js``) publishes two announcements — the first certified organisations, and the
mutual recognition agreement — and leaves a third as a draft; one announced certificate is
suspended afterwards by its body (``body-decider``), so the announcement shows its current status.
A mutual recognition agreement of the four provinces and an international agreement with an
invented eco-label (marked as demo data) recognise certificates; one recognition is withdrawn.
Everything goes through the actions. It does nothing when the demo agreements already exist.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from greencert.catalog.models import Category
from greencert.certification.actions import suspend_certificate
from greencert.certification.lifecycle import Status
from greencert.certification.models import Certificate
from greencert.core.actors import Actor
from greencert.governance.announcements import draft_announcement, publish_announcement
from greencert.governance.models import (
    AgreementDocument,
    AgreementParty,
    Announcement,
    RecognitionAgreement,
)
from greencert.governance.recognition import end_recognition, recognise_certificate
from greencert.parties.models import RoleAssignment
from greencert.regions.models import Region

MUTUAL = "YRD-HR-2026-01"
INTERNATIONAL = "INT-DEMO-ECO-01"
PROVINCES = ("310000", "320000", "330000", "340000")


def _actor(username: str) -> Actor:
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"demo user {username!r} is missing: run `greencert demo_setup` first")
    return Actor.for_user(user)


def _valid(**filters: Any) -> Any:
    return (
        Certificate.objects.filter(status=Status.VALID, **filters)
        .select_related("holder", "category")
        .order_by("id")
    )


class Command(BaseCommand):
    help = "Demo announcements (公告) and recognition agreements (互认协议) with recognitions."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8000)

    def _first_certified(self, body_id: int) -> list[Certificate]:
        """One valid certificate per province, the earliest of each, and one of the demo body's
        (suspended after the announcement)."""
        picked = [c for c in (_valid(province_code=p).first() for p in PROVINCES) if c]
        own = _valid(body_id=body_id).exclude(pk__in=[c.pk for c in picked]).first()
        if own is None or len(picked) < 2:
            raise CommandError("too few valid certificates: run `greencert seed` first")
        return [*picked, own]

    def _agreements(self, categories: list[Category]) -> tuple[RecognitionAgreement, ...]:
        today = timezone.localdate()
        mutual = RecognitionAgreement.objects.create(
            code=MUTUAL,
            title_zh="沪苏浙皖绿色产品认证结果互认协议",
            title_en="Mutual recognition of green product certification results among "
            "Shanghai, Jiangsu, Zhejiang and Anhui",
            kind=RecognitionAgreement.Kind.INTER_PROVINCIAL,
            starts_on=today - dt.timedelta(days=60),
            ends_on=today + dt.timedelta(days=3 * 365),
            summary="一市三省市场监管部门对长三角绿色认证结果相互承认，不再重复认证。",
        )
        mutual.categories.set(categories)
        for code in PROVINCES:
            region = Region.objects.get(code=code)
            AgreementParty.objects.create(
                agreement=mutual,
                name_zh=f"{region.name_zh}市场监督管理局",
                name_en=f"{region.name_en} Administration for Market Regulation",
                region=region,
            )
        international = RecognitionAgreement.objects.create(
            code=INTERNATIONAL,
            title_zh="长三角绿色产品认证与“示例生态标签”国际互认合作备忘录（演示）",
            title_en="Memorandum on international recognition between YRD green product "
            "certification and the 'Example Eco-label' (demo)",
            kind=RecognitionAgreement.Kind.INTERNATIONAL,
            starts_on=today - dt.timedelta(days=30),
            ends_on=today + dt.timedelta(days=2 * 365),
            summary="演示数据：该生态标签及协议均为虚构，仅用于展示国际互认功能。",
            demo=True,
        )
        international.categories.set(categories[:1])
        jiangsu = Region.objects.get(code="320000")
        AgreementParty.objects.create(
            agreement=international,
            name_zh=f"{jiangsu.name_zh}市场监督管理局",
            name_en=f"{jiangsu.name_en} Administration for Market Regulation",
            region=jiangsu,
        )
        AgreementParty.objects.create(
            agreement=international,
            name_zh="示例生态标签管理机构（演示）",
            name_en="Example Eco-label Board (demo)",
            scheme="Example Eco-label (demo)",
        )
        AgreementDocument.objects.create(
            agreement=international, title="国际互认合作备忘录文本（演示，无正式文件）"
        )
        return mutual, international

    @transaction.atomic
    def _seed(self) -> dict[str, str]:
        regulator, body_staff = _actor("regulator-js"), _actor("body-decider")
        body_role = RoleAssignment.objects.filter(user=body_staff.user, role="body_staff").first()
        if body_role is None or body_role.body_id is None:
            raise CommandError("body-decider holds no body: run `greencert demo_setup` first")
        today = timezone.localdate()
        first = self._first_certified(body_role.body_id)
        announced = publish_announcement(
            regulator,
            draft_announcement(
                regulator,
                title="关于发布首批长三角绿色认证获证组织名单的公告",
                title_en="The first organisations certified under YRD green certification",
                announced_on=today,
                body=(
                    "根据《长三角绿色认证一体化发展行动计划》，经长三角绿色认证联盟成员机构认证，"
                    "现将首批长三角绿色认证获证组织名单予以公告。\n"
                    "获证组织应按规定使用绿色产品认证标志，接受认证机构的监督和社会监督。"
                ),
                certificates=first,
            ),
        )
        suspended = first[-1]
        suspend_certificate(
            body_staff,
            suspended,
            reason_code="S03",
            until=today + dt.timedelta(days=60),
            note="监督审核发现可纠正的不符合（演示）",
        )
        categories = list(
            Category.objects.filter(
                pk__in=_valid().values_list("category_id", flat=True)[:500]
            ).order_by("code")[:3]
        )
        mutual, international = self._agreements(categories)
        recognised = list(
            _valid(category__in=categories)
            .exclude(province_code="320000")
            .exclude(pk=suspended.pk)[:4]
        )
        if len(recognised) < 2:
            raise CommandError("too few certificates outside Jiangsu: run `greencert seed` first")
        recognitions = [recognise_certificate(regulator, mutual, c) for c in recognised]
        end_recognition(regulator, recognitions[-1], note="持证人申请撤回互认（演示）")
        foreign = international.parties.get(region__isnull=True)
        for certificate in _valid(category=categories[0])[:2]:
            recognise_certificate(regulator, international, certificate, recognised_by=foreign)
        second = publish_announcement(
            regulator,
            draft_announcement(
                regulator,
                title="关于沪苏浙皖绿色产品认证结果互认的公告",
                title_en="Mutual recognition of green product certification among the provinces",
                announced_on=today,
                body=(
                    "一市三省市场监管部门签署《沪苏浙皖绿色产品认证结果互认协议》，"
                    "现将首批互认证书公告如下。"
                ),
                certificates=[r.certificate for r in recognitions[:-1]],
            ),
        )
        AgreementDocument.objects.create(
            agreement=mutual,
            title=second.number,
            url=reverse("governance:announcement", args=[second.slug]),
        )
        draft = draft_announcement(
            regulator,
            title="关于第二批长三角绿色认证获证组织名单的公告（征求意见稿）",
            announced_on=today,
            body="第二批获证组织名单正在核对中。",
            certificates=list(_valid().exclude(pk__in=[c.pk for c in first])[:2]),
        )
        return {
            "announced": announced.slug,
            "suspended": suspended.number,
            "recognised": recognised[0].number,
            "draft": draft.slug,
        }

    def handle(self, *args: Any, **options: Any) -> None:
        base = f"http://127.0.0.1:{options['port']}"
        if RecognitionAgreement.objects.filter(code=MUTUAL).exists():
            self.stdout.write("announcement and recognition demo data already present")
            first = (
                Announcement.objects.filter(state=Announcement.State.PUBLISHED)
                .order_by("published_at")
                .first()
            )
            recognition = (
                RecognitionAgreement.objects.get(code=MUTUAL)
                .recognitions.filter(ended_on__isnull=True)
                .select_related("certificate")
                .first()
            )
            seeded = {
                "announced": first.slug if first else "",
                "recognised": recognition.certificate.number if recognition else "",
            }
        else:
            seeded = self._seed()
            self.stdout.write(
                f"announcements demo: {seeded['suspended']} announced, then suspended; "
                f"draft {seeded['draft']}"
            )
        self.stdout.write(f"  Announcements 公告    {base}/announcements/")
        self.stdout.write(f"  First certified 首批  {base}/announcements/{seeded['announced']}/")
        self.stdout.write(f"  Atom feed            {base}/announcements/feed.atom")
        self.stdout.write(f"  Recognition 互认      {base}/recognition/")
        self.stdout.write(f"  Recognised 互认证书   {base}/verify/{seeded['recognised']}")
        self.stdout.write(f"  Announcement office  {base}/announcements/office/  (regulator-js)")
