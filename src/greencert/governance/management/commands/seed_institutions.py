"""``greencert seed_institutions``: demo data for the working group and the alliance.

Run after ``greencert seed`` and ``greencert demo_setup``. Through the governance actions: two
published joint meetings (2025, chaired by Shanghai; 2026, by Jiangsu) with decisions and tasks
(one done, one overdue, one open), alliance members of every kind with one application pending,
and documents with a filed and an unfiled version, one cited by a certificate. Deterministic; it
does nothing when the demo documents already exist, so running it twice is harmless.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from greencert.certification.lifecycle import Status
from greencert.certification.models import Certificate
from greencert.core.actors import Actor
from greencert.core.checkchars import org_code_check_char, uscc_check_char
from greencert.governance import alliance, alliance_documents, roster, working_group
from greencert.governance.models import AllianceDocument, DocumentCitation
from greencert.parties.demo import DEMO_PASSWORD, demo_account
from greencert.parties.models import (
    CertificationBody,
    Enterprise,
    Laboratory,
    Role,
)
from greencert.regions.models import Region

# The password demo_setup gives every demo account.
SECRETARIAT = "alliance-secretariat"
PROCEDURE = "YRDGC-P-001"
PROVINCE_LOGINS = {
    "310000": "regulator-sh",
    "320000": "regulator-js",
    "330000": "regulator-zj",
    "340000": "regulator-ah",
}


def _uscc(kind_prefix: str, region_code: str, org8: str) -> str:
    """A valid 统一社会信用代码: ``kind_prefix`` is the registering authority and kind (12 public
    institution, 51 social organisation, 91 company), then region and organisation code."""
    first17 = kind_prefix + region_code + org8 + org_code_check_char(org8)
    return first17 + uscc_check_char(first17)


def _regulator(code: str, username: str) -> Actor:
    return demo_account(username, Role.REGULATOR, region=Region.objects.get(code=code))


class Command(BaseCommand):
    help = "Demo joint meetings, decisions and tasks, alliance members and documents."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8000)

    @transaction.atomic
    def _seed(self) -> None:
        secretariat = demo_account(SECRETARIAT, Role.ALLIANCE_ADMIN)
        documents = self._documents(secretariat)
        self._members(secretariat)
        self._meetings(documents)

    def _documents(self, secretariat: Actor) -> list[AllianceDocument]:
        procedure = alliance_documents.add_document(
            secretariat,
            code=PROCEDURE,
            kind="procedure",
            title_zh="长三角绿色产品认证实施程序",
            title_en="YRD green product certification procedure",
            summary="申请受理、初始检查、产品抽样检验、认证决定与获证后监督的统一程序。",
        )
        first = alliance_documents.add_document_version(
            secretariat,
            procedure,
            version="1.0",
            issued_on=dt.date(2022, 3, 1),
            in_force_on=dt.date(2022, 6, 1),
        )
        alliance_documents.record_filing(
            secretariat, first, filing_number="认监备〔2022〕017号", filed_on=dt.date(2022, 5, 10)
        )
        today = timezone.localdate()
        alliance_documents.add_document_version(
            secretariat,
            procedure,
            version="2.0",
            issued_on=today - dt.timedelta(days=20),
            in_force_on=today + dt.timedelta(days=100),
            changes="增加一次认证、多张证书的检查安排。",
        )
        technical = alliance_documents.add_document(
            secretariat,
            code="YRDGC-T-001",
            kind="technical",
            title_zh="竹制品绿色产品认证技术规范",
            title_en="Technical specification for green certification of bamboo products",
        )
        bamboo = alliance_documents.add_document_version(
            secretariat,
            technical,
            version="1.0",
            issued_on=dt.date(2023, 1, 5),
            in_force_on=dt.date(2023, 3, 1),
        )
        alliance_documents.record_filing(
            secretariat, bamboo, filing_number="认监备〔2023〕004号", filed_on=dt.date(2023, 2, 14)
        )
        certificate = (
            Certificate.objects.filter(status=Status.VALID).select_related("body").order_by("id")
        ).first()
        if certificate is not None:
            staff = demo_account(
                f"body-{certificate.body_id}-clerk", Role.BODY_STAFF, body=certificate.body
            )
            alliance_documents.cite_document(staff, certificate, first)
        return [procedure, technical]

    def _members(self, secretariat: Actor) -> None:
        body = CertificationBody.objects.order_by("approval_number").first()
        laboratory = Laboratory.objects.order_by("cma_number").first()
        enterprise = Enterprise.objects.filter(certificates__isnull=False).order_by("id").first()
        if body is None or enterprise is None:
            raise CommandError(
                "no certification body or certified enterprise: run `greencert seed`"
            )
        contact: dict[str, Any] = {"contact_name": "联络员", "contact_email": "liaison@example.cn"}
        applications: list[dict[str, Any]] = [
            {
                "kind": "certification_body",
                "name": body.name,
                "credit_code": _uscc("91", body.region_id, "7100000A"),
                "region": body.region,
                "approval_number": body.approval_number,
            },
            {
                "kind": "industry_association",
                "name": "上海市绿色建筑协会",
                "credit_code": _uscc("51", "310000", "50000001"),
                "region": Region.objects.get(code="310000"),
            },
            {
                "kind": "university",
                "name": "浙江农林大学",
                "name_en": "Zhejiang A&F University",
                "credit_code": _uscc("12", "330000", "47000001"),
                "region": Region.objects.get(code="330100"),
                "website": "https://www.zafu.edu.cn/",
            },
            {
                "kind": "research_institute",
                "name": "安徽省产品质量监督检验研究院",
                "credit_code": _uscc("12", "340000", "48000001"),
                "region": Region.objects.get(code="340100"),
            },
            {
                "kind": "enterprise",
                "name": enterprise.name,
                "credit_code": enterprise.credit_code,
                "region": enterprise.region,
            },
        ]
        if laboratory is not None:
            applications.append(
                {
                    "kind": "testing_laboratory",
                    "name": laboratory.name,
                    "credit_code": _uscc("12", laboratory.region_id, "49000001"),
                    "region": laboratory.region,
                    "cma_number": laboratory.cma_number,
                }
            )
        for fields in applications:
            member = alliance.apply_for_membership(**fields, **contact, actor=secretariat)
            alliance.approve_membership(secretariat, member, note="材料齐全，符合入盟条件")
        suspended = alliance.apply_for_membership(
            kind="industry_association",
            name="江苏省绿色消费促进会",
            credit_code=_uscc("51", "320000", "50000002"),
            region=Region.objects.get(code="320000"),
            **contact,
        )
        alliance.approve_membership(secretariat, suspended)
        alliance.suspend_membership(secretariat, suspended, reason="连续两年未参加联盟年会")
        alliance.apply_for_membership(
            kind="university",
            name="安徽建筑大学",
            credit_code=_uscc("12", "340000", "48500001"),
            region=Region.objects.get(code="340100"),
            statement="申请加入联盟，参与绿色建材认证技术研究。",
            **contact,
        )

    def _meetings(self, documents: list[AllianceDocument]) -> None:
        chair_2025 = roster.chair_for(2025)
        chair_2026 = roster.chair_for(2026)
        if chair_2025 is None or chair_2026 is None:
            raise CommandError("working_group.yaml names no chair for 2025 or 2026")
        first_chair = _regulator(chair_2025.region_code, PROVINCE_LOGINS[chair_2025.region_code])
        second_chair = _regulator(chair_2026.region_code, PROVINCE_LOGINS[chair_2026.region_code])
        huzhou = _regulator("330500", "regulator-huzhou")
        members = list(Region.objects.filter(code__in=roster.member_codes()))

        meeting = working_group.draft_meeting(
            first_chair,
            title="2025 年长三角绿色认证一体化发展联席会议",
            held_on=dt.date(2025, 6, 20),
            place="上海市青浦区",
            attendees=members,
            agenda="一、通报 2024 年工作进展\n二、审议先行区 2025 年推进举措\n三、审议联盟程序文件",
            minutes="会议听取了各地工作进展，审议通过先行区 2025 年推进举措，同意联盟实施程序继续施行。",
        )
        decision = working_group.add_decision(
            first_chair,
            meeting,
            title="先行区竹制品绿色产品认证推广",
            text="湖州市牵头总结竹制品绿色产品认证试点经验，向先行区其他地区推广。",
            documents=documents[1:],
        )
        done = working_group.add_task(
            first_chair,
            decision,
            assignee=Region.objects.get(code="330500"),
            description="报送竹制品认证试点经验总结",
            due_on=dt.date(2025, 9, 30),
        )
        working_group.add_task(
            first_chair,
            decision,
            assignee=Region.objects.get(code="341800"),
            description="提出宣城市竹制品认证推广计划",
            due_on=dt.date(2025, 10, 31),
        )
        working_group.add_decision(
            first_chair,
            meeting,
            title="联盟实施程序继续施行",
            text="长三角绿色产品认证实施程序（1.0 版）继续施行。",
            documents=documents[:1],
        )
        working_group.publish_meeting(first_chair, meeting)
        working_group.mark_task_done(
            huzhou, done, note="已报送试点经验总结。", done_on=dt.date(2025, 9, 26)
        )

        meeting = working_group.draft_meeting(
            second_chair,
            title="2026 年长三角绿色认证一体化发展联席会议",
            held_on=dt.date(2026, 3, 18),
            place="江苏省苏州市",
            attendees=members,
            agenda="一、审议 2026 年工作要点\n二、对照 2025 年目标检查进展",
            minutes="会议审议通过 2026 年工作要点，要求各地对照江苏省 2025 年服务认证目标开展自查。",
        )
        decision = working_group.add_decision(
            second_chair,
            meeting,
            title="对照目标开展服务认证推进自查",
            text="各成员对照目标开展自查，年底前报送组长单位。",
            targets=[("valid-service-certificates", "320000", 2025)],
        )
        working_group.add_task(
            second_chair,
            decision,
            assignee=Region.objects.get(code="320500"),
            description="报送苏州市服务认证推进自查报告",
            due_on=max(timezone.localdate() + dt.timedelta(days=60), dt.date(2026, 3, 18)),
        )
        working_group.publish_meeting(second_chair, meeting)

    def handle(self, *args: Any, **options: Any) -> None:
        base = f"http://127.0.0.1:{options['port']}"
        if AllianceDocument.objects.filter(code=PROCEDURE).exists():
            self.stdout.write("institutions demo data already present")
        else:
            self._seed()
            self.stdout.write("institutions demo: two joint meetings, alliance members, documents")
        self.stdout.write(f"  Working group 推进工作组  {base}/working-group/")
        self.stdout.write(f"  Alliance 联盟成员         {base}/alliance/")
        self.stdout.write(f"  Documents 联盟文件        {base}/alliance/documents/")
        self.stdout.write(
            f"  Secretariat 联盟秘书处    {base}/alliance/office/  "
            f"(login {SECRETARIAT} / {DEMO_PASSWORD})"
        )
        citation = DocumentCitation.objects.select_related("certificate").order_by("id").first()
        if citation is not None:
            certificate = citation.certificate
            self.stdout.write(
                f"  Cited document 引用联盟文件 {base}/verify/{certificate.number}  "
                f"(cite another: {base}/alliance/documents/YRDGC-T-001/cite/, "
                f"login body-{certificate.body_id}-clerk / {DEMO_PASSWORD})"
            )
        chair = roster.chair_for(timezone.localdate().year)
        if chair is not None:
            self.stdout.write(
                f"  Chair's office 组长单位   {base}/working-group/office/  "
                f"(login {PROVINCE_LOGINS[chair.region_code]})"
            )
