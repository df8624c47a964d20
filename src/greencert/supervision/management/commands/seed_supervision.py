"""``greencert seed_supervision``: demo data for joint supervision.

Run after ``greencert seed`` and ``greencert demo_setup``: the Jiangsu demo regulator
(``regulator-js``) enters a credit record, lists an enterprise on the blacklist, runs a random
inspection plan with a draw and a published result, and handles a public complaint. It also
orders the demo body (``body-reviewer``'s) about three of its Jiangsu certificates: one order
open, one carried out by the body's suspension, one overdue. Everything goes through the
actions. Deterministic (fixed seed and tracking code); it does nothing when demo supervision
data already exist, and adds the orders where they are missing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from greencert.certification.actions import suspend_certificate
from greencert.certification.lifecycle import Status
from greencert.certification.models import Certificate
from greencert.core.actors import Actor
from greencert.parties.models import Enterprise, RoleAssignment
from greencert.regions.models import Region
from greencert.supervision import actions, complaints, inspections, orders
from greencert.supervision.codes import labels
from greencert.supervision.models import (
    InspectionCheck,
    InspectionPlan,
    Inspector,
    RegulatoryOrder,
)

PLAN_CODE = "JS-2026-SJ01"
# A fixed seed keeps the demo reproducible; an organiser draws one with `secrets.token_hex(32)`.
DEMO_SEED = hashlib.sha256(f"greencert demo draw {PLAN_CODE}".encode()).hexdigest()
DEMO_TRACKING_CODE = "JBDEMO000001"
INSPECTORS = ["王建国", "李秀英", "张伟", "刘洋", "陈静", "杨帆", "赵磊", "周敏"]


def _regulator(username: str) -> Actor:
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"demo user {username!r} is missing: run `greencert demo_setup` first")
    return Actor.for_user(user)


class Command(BaseCommand):
    help = "Demo credit records, a blacklist entry, a random inspection draw and a complaint."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8000)

    @transaction.atomic
    def _seed(self, actor: Actor) -> dict[str, str]:
        jiangsu = Region.objects.get(code="320000")
        holders = (
            Enterprise.objects.filter(
                region__province_code="320000", certificates__status=Status.VALID
            )
            .distinct()
            .order_by("credit_code")
        )
        if holders.count() < 3:
            raise CommandError("too few Jiangsu certificate holders: run `greencert seed` first")
        penalised, listed, reported = holders[0], holders[1], holders[2]
        actions.record_credit(
            actor,
            enterprise=penalised,
            source="penalty",
            occurred_on=timezone.localdate() - dt.timedelta(days=40),
            region=jiangsu,
            basis_code="PQL-2018",
            evidence="苏市监罚〔2026〕8号：产品标注的绿色产品认证标志与证书范围不符",
            reference="苏市监罚〔2026〕8号",
        )
        actions.list_on_blacklist(
            actor,
            enterprise=listed,
            basis_code="SCL-2022",
            facts="伪造绿色产品认证检验报告，情节严重",
            region=jiangsu,
        )
        for i, name in enumerate(INSPECTORS):
            Inspector.objects.get_or_create(
                code=f"JS-{i + 1:03d}",
                defaults={
                    "name": name,
                    "region": Region.objects.get(code="320500" if i % 2 else "320000"),
                    "conflicts": [penalised.credit_code] if i == 0 else [],
                },
            )
        sample = (
            Certificate.objects.filter(status=Status.VALID, city_code="320500")
            .order_by("id")
            .first()
        )
        if sample is None:
            raise CommandError("no valid certificate in Suzhou (320500): run `greencert seed`")
        plan = inspections.create_plan(
            actor,
            code=PLAN_CODE,
            title=f"2026 年{sample.category.name_zh}绿色产品认证证书双随机抽查（苏州）",
            region=jiangsu,
            object_kind="certificate",
            object_filters={"region": "320500", "category": sample.category.code},
            items=[
                {"code": "G01", "name": "证书及标志使用", "kind": "general", "ratio": "0.1"},
                {"code": "K01", "name": "产品一致性与抽样检验", "kind": "key", "ratio": "0.2"},
            ],
            inspector_regions=["320000"],
        )
        # Committed two hours ago, so the stated draw time has passed and the demo draws at once.
        inspections.commit_draw(
            actor, plan, seed=DEMO_SEED, committed_at=timezone.now() - dt.timedelta(hours=2)
        )
        inspections.perform_draw(actor, plan)
        first = InspectionCheck.objects.filter(plan=plan).order_by("object_id").first()
        if first is not None:
            inspections.record_result(actor, first, result="passed", findings="")
        complaint = complaints.file_complaint(
            certificate_number=reported.certificates.filter(status=Status.VALID)
            .order_by("id")[0]
            .number,
            description="在电商平台上看到该企业产品页面使用的绿色产品认证标志与证书产品型号不一致。",
            tracking_code=DEMO_TRACKING_CODE,
        )
        complaints.assign_complaint(actor, complaint, assignee=actor.user)
        return {"listed": listed.credit_code, "penalised": penalised.credit_code}

    @transaction.atomic
    def _orders(self) -> list[RegulatoryOrder]:
        """Three orders to the demo body about three of its certificates, from the demo
        regulator of Jiangsu (or of Huzhou, where the body has too few in Jiangsu): one open,
        one carried out by the body's suspension, and one overdue (a paper order entered after
        its deadline passed). None when the body has too few certificates in either."""
        staff = (
            RoleAssignment.objects.filter(user__username="body-reviewer", role="body_staff")
            .select_related("user", "body")
            .first()
        )
        if staff is None:
            raise CommandError("demo user 'body-reviewer' is missing: run `greencert demo_setup`")
        existing = list(RegulatoryOrder.objects.filter(body=staff.body).order_by("id"))
        if existing:
            return existing
        valid = Certificate.objects.filter(body=staff.body, status=Status.VALID).order_by("id")
        for username, place in (
            ("regulator-js", {"province_code": "320000"}),
            (
                "regulator-huzhou",
                {"city_code": "330500"},
            ),
        ):
            candidates = list(valid.filter(**place)[:3])
            if len(candidates) == 3:
                regulator = _regulator(username)
                break
        else:
            return []
        today = timezone.localdate()
        open_order = orders.issue_order(
            regulator,
            candidates[0],
            kind="rectify",
            reason="抽查发现产品包装上的绿色产品认证标志尺寸与比例不符合标识使用规定",
            basis_code="GPM-2019-MARK",
            deadline=today + dt.timedelta(days=20),
        )
        carried = orders.issue_order(
            regulator,
            candidates[1],
            kind="suspend",
            reason="2026 年双随机抽查：送检样品 VOC 含量不合格",
            basis_code="CCM-2015-A10",
            deadline=today + dt.timedelta(days=10),
        )
        suspend_certificate(
            Actor.for_user(staff.user),
            candidates[1],
            reason_code="S08",
            until=today + dt.timedelta(days=90),
            note="按监管责令暂停，待整改验证后恢复",
            order=carried.number,
        )
        overdue = orders.issue_order(
            regulator,
            candidates[2],
            kind="suspend",
            reason="获证企业拒绝接受不通知监督检查",
            basis_code="CCM-2015-A10",
            deadline=today - dt.timedelta(days=3),
            issued_on=today - dt.timedelta(days=18),
        )
        orders.mark_overdue_orders(today)
        return list(
            RegulatoryOrder.objects.filter(pk__in=[open_order.pk, carried.pk, overdue.pk]).order_by(
                "id"
            )
        )

    def handle(self, *args: Any, **options: Any) -> None:
        base = f"http://127.0.0.1:{options['port']}"
        if InspectionPlan.objects.filter(code=PLAN_CODE).exists():
            self.stdout.write("supervision demo data already present")
        else:
            codes = self._seed(_regulator("regulator-js"))
            self.stdout.write(
                f"supervision demo: {codes['listed']} blacklisted, {codes['penalised']} penalised"
            )
        self.stdout.write(f"  Blacklist 黑名单      {base}/supervision/blacklist/")
        self.stdout.write(f"  双随机 draw          {base}/supervision/inspections/{PLAN_CODE}/")
        self.stdout.write(
            f"  Complaint 举报查询    {base}/supervision/complaints/{DEMO_TRACKING_CODE}/"
        )
        self.stdout.write(f"  Supervision office   {base}/supervision/office/  (regulator-js)")
        demo_orders = self._orders()
        if not demo_orders:
            self.stdout.write("  Orders 责令          none: the demo body has too few certificates")
            return
        state = labels("order_states")
        states = ", ".join(f"{o.number} {state[o.state].en}" for o in demo_orders)
        regulator = demo_orders[0].issued_by_label.removeprefix("user:")
        self.stdout.write(f"  Orders 责令          {base}/supervision/office/orders/  ({states})")
        self.stdout.write(
            f"    as the regulator: {regulator}; as the body that carries them out: body-reviewer"
        )
