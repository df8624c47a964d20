"""The YRD green certification alliance (长三角绿色认证联盟): its members and its documents."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class AllianceMember(models.Model):
    """A member organisation, from its application on; linked to the parties row it is, if any."""

    class State(models.TextChoices):
        PENDING = "pending", "申请待审 pending"
        REFUSED = "refused", "申请未通过 refused"
        ACTIVE = "active", "成员 active"
        SUSPENDED = "suspended", "暂停 suspended"
        EXITED = "exited", "已退出 exited"

    reference = models.CharField("申请编号 reference", max_length=16, unique=True)
    kind = models.CharField("类型 kind", max_length=24)
    name = models.CharField("名称 name", max_length=200)
    name_en = models.CharField("英文名称 English name", max_length=300, blank=True)
    credit_code = models.CharField("统一社会信用代码 credit code", max_length=18, db_index=True)
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name="所在地 region"
    )
    province_code = models.CharField("省级代码 province", max_length=6, db_index=True)
    enterprise = models.ForeignKey(
        "parties.Enterprise", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    body = models.ForeignKey(
        "parties.CertificationBody",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    laboratory = models.ForeignKey(
        "parties.Laboratory", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    website = models.URLField("网站 website", blank=True)
    statement = models.TextField("申请说明 statement", blank=True)
    # Seen by the secretariat only.
    contact_name = models.CharField("联系人 contact", max_length=60)
    contact_email = models.EmailField("联系邮箱 contact e-mail")
    state = models.CharField(
        "状态 state", max_length=12, choices=State.choices, default=State.PENDING
    )
    applied_at = models.DateTimeField("申请时间 applied at", default=timezone.now)
    joined_on = models.DateField("入盟日期 joined on", null=True, blank=True)
    left_on = models.DateField("退出日期 left on", null=True, blank=True)

    class Meta:
        ordering = ["reference"]
        verbose_name = "联盟成员 alliance member"
        verbose_name_plural = "联盟成员 alliance members"
        constraints = [
            # One membership in progress per organisation; a refused or exited one may apply again.
            models.UniqueConstraint(
                fields=["credit_code"],
                condition=models.Q(state__in=["pending", "active", "suspended"]),
                name="one_open_membership",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.reference})"


class MembershipChange(models.Model):
    """One change of a membership's state: who, when and why."""

    member = models.ForeignKey(AllianceMember, on_delete=models.CASCADE, related_name="changes")
    state_before = models.CharField("原状态 before", max_length=12, blank=True)
    state_after = models.CharField("新状态 after", max_length=12)
    actor_label = models.CharField("操作人 by", max_length=160)
    reason = models.TextField("理由 reason", blank=True)
    at = models.DateTimeField("时间 at", default=timezone.now)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = "成员状态变更 membership change"
        verbose_name_plural = "成员状态变更 membership changes"

    def __str__(self) -> str:
        return f"{self.member_id}: {self.state_before or '—'} → {self.state_after}"


class AllianceDocument(models.Model):
    """程序文件 or 技术文件 the alliance writes and files with CNCA before applying it."""

    code = models.CharField("文件编号 code", max_length=32, unique=True)
    kind = models.CharField("类型 kind", max_length=12)
    title_zh = models.CharField("名称 title (zh)", max_length=200)
    title_en = models.CharField("名称 title (en)", max_length=300, blank=True)
    summary = models.TextField("简介 summary", blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["kind", "code"]
        verbose_name = "联盟文件 alliance document"
        verbose_name_plural = "联盟文件 alliance documents"

    def __str__(self) -> str:
        return f"{self.code} {self.title_zh}"


class DocumentVersion(models.Model):
    """One version of a document, in force from a date; citable once filed with CNCA (备案)."""

    document = models.ForeignKey(
        AllianceDocument, on_delete=models.PROTECT, related_name="versions"
    )
    version = models.CharField("版本 version", max_length=16)
    issued_on = models.DateField("发布日期 issued on")
    in_force_on = models.DateField("实施日期 in force from")
    changes = models.TextField("修订说明 changes", blank=True)
    filing_number = models.CharField("认监委备案号 CNCA filing number", max_length=40, blank=True)
    filed_on = models.DateField("备案日期 filed on", null=True, blank=True)
    added_by = models.CharField("登记人 added by", max_length=160)
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["document_id", "-in_force_on", "-id"]
        verbose_name = "联盟文件版本 document version"
        verbose_name_plural = "联盟文件版本 document versions"
        constraints = [
            models.UniqueConstraint(fields=["document", "version"], name="document_version"),
            models.CheckConstraint(
                name="filing_has_number_and_date",
                condition=models.Q(filing_number="", filed_on__isnull=True)
                | (~models.Q(filing_number="") & models.Q(filed_on__isnull=False)),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.document.code} v{self.version}"

    @property
    def is_filed(self) -> bool:
        return bool(self.filing_number)


class DocumentCitation(models.Model):
    """A certificate citing a filed version of an alliance document as part of its basis."""

    certificate = models.ForeignKey(
        "certification.Certificate", on_delete=models.PROTECT, related_name="document_citations"
    )
    version = models.ForeignKey(DocumentVersion, on_delete=models.PROTECT, related_name="citations")
    cited_by = models.CharField("引用登记人 cited by", max_length=160)
    cited_at = models.DateTimeField("引用时间 cited at", default=timezone.now)

    class Meta:
        ordering = ["-cited_at", "-id"]
        verbose_name = "证书引用联盟文件 document citation"
        verbose_name_plural = "证书引用联盟文件 document citations"
        constraints = [
            models.UniqueConstraint(fields=["certificate", "version"], name="citation_once")
        ]

    def __str__(self) -> str:
        return f"{self.certificate_id} → {self.version_id}"
