"""The unified catalog (统一目录): categories, standards and implementation rules."""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.db import models

RULE_ID_PATTERN = re.compile(r"^CNCA-CGP-\d{2}:\d{4}$")


def validate_rule_id(value: str) -> None:
    if not RULE_ID_PATTERN.match(value):
        raise ValidationError(
            (
                "实施规则编号 %(value)s 格式应为 CNCA-CGP-NN:YYYY / rule id must look like CNCA-CGP-NN:YYYY"
            ),
            params={"value": value},
        )


class CategoryKind(models.TextChoices):
    PRODUCT = "product", "绿色产品 green product"
    SERVICE = "service", "绿色服务 green service"


class MarkActivity(models.IntegerChoices):
    """The channels of the green product mark (《绿色产品标识使用管理办法》, 市场监管总局公告2019年第20号)."""

    CATALOG_PRODUCT = 1, "认证活动一 统一目录产品认证 catalog product certification"
    GREEN_ATTRIBUTE = 2, "认证活动二 绿色属性认证 green-attribute certification"
    SELF_DECLARATION = (
        3,
        "认证活动三 自我声明等合格评定 self-declaration and other conformity assessment",
    )


class CertificationScope(models.TextChoices):
    FULL = "full", "全项认证 full certification"
    ATTRIBUTE = "attribute", "分项认证 attribute certification"


class Standard(models.Model):
    """A standard in one version, e.g. GB/T 35613-2024 (标准)."""

    number = models.CharField(("标准号 number"), max_length=32)
    year = models.PositiveSmallIntegerField("年份 year")
    title_zh = models.CharField(("中文名称 title (zh)"), max_length=200)
    title_en = models.CharField(("英文名称 title (en)"), max_length=300, blank=True)
    published_on = models.DateField(("发布日期 published"), null=True, blank=True)
    in_force_on = models.DateField(("实施日期 in force"), null=True, blank=True)
    superseded_by = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="supersedes",
        verbose_name=("被代替 superseded by"),
    )
    confirmed = models.BooleanField(("已核实 confirmed"), default=True)
    source = models.CharField("来源 source", max_length=500, blank=True)
    note = models.TextField("说明 note", blank=True)
    transition_months = models.PositiveSmallIntegerField(
        "过渡期(月) transition",
        null=True,
        blank=True,
        help_text="被代替后新发证书仍可引用本版本的月数 months after the successor comes into force "
        "during which new certificates may still cite this edition",
    )
    transition_confirmed = models.BooleanField("过渡期已核实 transition confirmed", default=False)

    class Meta:
        ordering = ["number", "year"]
        constraints = [
            models.UniqueConstraint(fields=["number", "year"], name="standard_number_year")
        ]
        verbose_name = "标准 standard"
        verbose_name_plural = "标准 standards"

    def __str__(self) -> str:
        return self.code

    @property
    def code(self) -> str:
        return f"{self.number}-{self.year}"


class ImplementationRule(models.Model):
    """认证实施规则, identified as CNCA-CGP-NN:YYYY."""

    rule_id = models.CharField(
        ("规则编号 rule id"), max_length=20, unique=True, validators=[validate_rule_id]
    )
    title_zh = models.CharField(("名称 title"), max_length=200, blank=True)
    confirmed = models.BooleanField("已核实 confirmed", default=False)
    source = models.CharField("来源 source", max_length=500, blank=True)

    class Meta:
        ordering = ["rule_id"]
        verbose_name = "实施规则 implementation rule"
        verbose_name_plural = "实施规则 implementation rules"

    def __str__(self) -> str:
        return self.rule_id


class Category(models.Model):
    """A product or service category of the catalog (认证目录)."""

    code = models.SlugField(("代码 code"), max_length=40, unique=True)
    name_zh = models.CharField(("中文名称 name (zh)"), max_length=100)
    name_en = models.CharField(("英文名称 name (en)"), max_length=200)
    kind = models.CharField(("类型 kind"), max_length=10, choices=CategoryKind.choices)
    activity = models.PositiveSmallIntegerField(
        "认证活动 activity",
        choices=MarkActivity.choices,
        null=True,
        blank=True,
        default=MarkActivity.CATALOG_PRODUCT,
        help_text="绿色产品标识的认证活动；绿色服务不属于任何一项 "
        "the channel of the green product mark; green services have none",
    )
    batch = models.PositiveSmallIntegerField(("批次 batch"), default=1)
    scope = models.CharField(
        ("认证范围 scope"), max_length=10, choices=CertificationScope.choices, default="full"
    )
    graded = models.BooleanField(("分级评价 graded"), default=False)
    cqc_code = models.CharField(("CQC 目录代码"), max_length=10, blank=True)
    certification_units = models.JSONField(("认证单元 certification units"), default=list)
    standards = models.ManyToManyField(
        Standard, related_name="categories", blank=True, verbose_name=("标准 standards")
    )
    rule = models.ForeignKey(
        ImplementationRule,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="categories",
        verbose_name=("实施规则 rule"),
    )
    pilot_zone = models.BooleanField(("先行区试点 piloted in the pilot zone"), default=False)
    validity_years = models.PositiveSmallIntegerField(("证书有效期(年) validity"), default=5)
    surveillance_months = models.PositiveSmallIntegerField(
        ("监督周期(月) surveillance"), default=12
    )
    renewal_window_days = models.PositiveSmallIntegerField(
        ("再认证窗口(天) renewal window"), default=90
    )
    confirmed = models.BooleanField(("已核实 confirmed"), default=True)
    source = models.CharField("来源 source", max_length=500, blank=True)
    note = models.TextField("说明 note", blank=True)
    units_confirmed = models.BooleanField("认证单元已核实 units confirmed", default=False)
    pilot_confirmed = models.BooleanField("先行区试点已核实 pilot confirmed", default=False)

    class Meta:
        ordering = ["kind", "batch", "code"]
        verbose_name = "认证目录类别 category"
        verbose_name_plural = "认证目录类别 categories"

    def __str__(self) -> str:
        return self.name_zh

    def name(self, language: str) -> str:
        return self.name_en if language.startswith("en") else self.name_zh

    def current_standard(self) -> Standard | None:
        """The newest standard version of the category (by year)."""
        return self.standards.order_by("-year").first()

    def standard_in_force(self, day: dt.date) -> Standard | None:
        """The edition the category's certificates cite on ``day`` (see ``editions``)."""
        from greencert.catalog.editions import category_edition_on

        return category_edition_on(self.standards.all(), day)


class EvaluationScheme(models.Model):
    """评价方案: one version of an evaluation scheme, loaded from the shipped YAML files."""

    scheme_id = models.SlugField("方案 scheme id", max_length=64)
    version = models.CharField("版本 version", max_length=32)
    kind = models.CharField("类型 kind", max_length=32)
    title_zh = models.CharField("中文名称 title (zh)", max_length=200)
    title_en = models.CharField("英文名称 title (en)", max_length=300)
    standard_code = models.CharField("标准 standard", max_length=40)
    category = models.ForeignKey(
        Category,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="schemes",
        verbose_name="认证类别 category",
    )
    effective_from = models.DateField("生效日期 effective from", null=True, blank=True)
    effective_until = models.DateField("失效日期 effective until", null=True, blank=True)
    superseded_by = models.CharField("被代替 superseded by", max_length=100, blank=True)
    content_hash = models.CharField("内容摘要 content hash", max_length=64)
    summary = models.JSONField("概要 summary", default=dict)

    class Meta:
        ordering = ["scheme_id", "version"]
        constraints = [
            models.UniqueConstraint(fields=["scheme_id", "version"], name="scheme_id_version")
        ]
        verbose_name = "评价方案 evaluation scheme"
        verbose_name_plural = "评价方案 evaluation schemes"

    def __str__(self) -> str:
        return f"{self.scheme_id}@{self.version}"

    @property
    def key(self) -> str:
        return f"{self.scheme_id}@{self.version}"

    def in_force_on(self, day: object) -> bool:
        starts = self.effective_from is None or self.effective_from <= day  # type: ignore[operator]
        ends = self.effective_until is None or day <= self.effective_until  # type: ignore[operator]
        return starts and ends
