"""Recognition agreements (互认协议): 结果互认 among the provinces' regulators and 国际互认 with
other schemes, and the certificates recognised under them."""

from __future__ import annotations

from django.db import models


class RecognitionAgreement(models.Model):
    """互认协议: parties, scope (catalog categories), dates, documents and status."""

    class Kind(models.TextChoices):
        INTER_PROVINCIAL = "inter_provincial", "结果互认 mutual recognition (YRD provinces)"
        INTERNATIONAL = "international", "国际互认 international recognition"

    class State(models.TextChoices):
        IN_FORCE = "in_force", "生效 in force"
        ENDED = "ended", "已终止 ended"

    code = models.SlugField("协议编号 code", max_length=40, unique=True)
    title_zh = models.CharField("中文名称 title (zh)", max_length=200)
    title_en = models.CharField("英文名称 title (en)", max_length=300)
    kind = models.CharField("类型 kind", max_length=20, choices=Kind.choices)
    categories = models.ManyToManyField(
        "catalog.Category", related_name="+", verbose_name="互认范围 scope (categories)"
    )
    starts_on = models.DateField("生效日期 starts on")
    ends_on = models.DateField("届满日期 ends on", null=True, blank=True)
    state = models.CharField(
        "状态 status", max_length=16, choices=State.choices, default=State.IN_FORCE
    )
    ended_on = models.DateField("终止日期 ended on", null=True, blank=True)
    end_reason = models.TextField("终止原因 end reason", blank=True)
    summary = models.TextField("摘要 summary", blank=True)
    demo = models.BooleanField("演示数据 demo data", default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code"]
        verbose_name = "互认协议 recognition agreement"
        verbose_name_plural = "互认协议 recognition agreements"

    def __str__(self) -> str:
        return f"{self.code} {self.title_zh}"

    def title(self, language: str) -> str:
        return self.title_en if language.startswith("en") else self.title_zh


class AgreementParty(models.Model):
    """A party to an agreement: a province's market regulator (its region set) or another scheme."""

    agreement = models.ForeignKey(
        RecognitionAgreement, on_delete=models.CASCADE, related_name="parties"
    )
    name_zh = models.CharField("中文名称 name (zh)", max_length=200)
    name_en = models.CharField("英文名称 name (en)", max_length=300)
    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="监管地区 regulator of (province)",
    )
    scheme = models.CharField("认证制度 scheme", max_length=200, blank=True)

    class Meta:
        ordering = ["agreement", "id"]
        verbose_name = "协议方 agreement party"
        verbose_name_plural = "协议方 agreement parties"

    def __str__(self) -> str:
        return self.name_zh

    def name(self, language: str) -> str:
        return self.name_en if language.startswith("en") else self.name_zh


class AgreementDocument(models.Model):
    """A document of an agreement: its title and where to read it (a link or an uploaded file)."""

    agreement = models.ForeignKey(
        RecognitionAgreement, on_delete=models.CASCADE, related_name="documents"
    )
    title = models.CharField("标题 title", max_length=200)
    url = models.URLField("链接 link", blank=True)
    file = models.FileField("文件 file", upload_to="agreements/", blank=True)

    class Meta:
        ordering = ["agreement", "id"]
        verbose_name = "协议文件 agreement document"
        verbose_name_plural = "协议文件 agreement documents"

    def __str__(self) -> str:
        return self.title

    @property
    def link(self) -> str:
        return self.url or (self.file.url if self.file else "")


class Recognition(models.Model):
    """A certificate recognised under an agreement; its ``recognised`` and ``recognition_ended``
    events are the record, this row the index the agreement's page reads."""

    agreement = models.ForeignKey(
        RecognitionAgreement, on_delete=models.PROTECT, related_name="recognitions"
    )
    certificate = models.ForeignKey(
        "certification.Certificate", on_delete=models.PROTECT, related_name="recognitions"
    )
    recognised_by = models.ForeignKey(
        AgreementParty, on_delete=models.PROTECT, related_name="recognitions"
    )
    since = models.DateField("互认日期 since")
    recognised_sequence = models.BigIntegerField("互认事件序号 recognised event sequence")
    ended_on = models.DateField("终止日期 ended on", null=True, blank=True)
    ended_sequence = models.BigIntegerField(
        "终止事件序号 ended event sequence", null=True, blank=True
    )

    class Meta:
        ordering = ["agreement", "since", "id"]
        verbose_name = "互认记录 recognition"
        verbose_name_plural = "互认记录 recognitions"
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "certificate"],
                condition=models.Q(ended_on__isnull=True),
                name="recognised_once_per_agreement",
            )
        ]

    def __str__(self) -> str:
        return f"{self.agreement.code} · {self.certificate_id}"
