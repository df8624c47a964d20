"""Read models of the public portal, kept in step with the event log (``core.projections``).

``SearchDocument`` is the search index (检索索引): one row per certificate, certified enterprise
and certification body. ``RegistryTally`` holds the statistics (统计): certificate counts by
place, category and status as net changes per day and per month, so the counts on any date are a
short sum. ``Target`` holds the regulators' targets (目标) that the dashboard sets against them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class DocumentKind(models.TextChoices):
    CERTIFICATE = "certificate", "证书 certificate"
    ENTERPRISE = "enterprise", "企业 enterprise"
    BODY = "body", "认证机构 certification body"


class SearchDocument(models.Model):
    """检索文档: what one certificate, enterprise or body is found by, with its filter fields."""

    kind = models.CharField("类型 kind", max_length=12, choices=DocumentKind.choices)
    key = models.CharField("编号 number or code", max_length=40, db_index=True)
    # A certificate's second number, the issuing body's own (机构证书编号), found like ``key``.
    body_key = models.CharField(
        "机构证书编号 body's certificate number", max_length=40, blank=True, db_index=True
    )
    certificate = models.OneToOneField(
        "certification.Certificate",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    enterprise = models.OneToOneField(
        "parties.Enterprise", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    holder = models.ForeignKey(
        "parties.Enterprise", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    body = models.ForeignKey(
        "parties.CertificationBody",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    category = models.ForeignKey(
        "catalog.Category", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    province_code = models.CharField("省级代码 province", max_length=6, blank=True)
    city_code = models.CharField("地市代码 city", max_length=6, blank=True)
    in_pilot_zone = models.BooleanField("先行区 pilot zone", default=False)
    in_demonstration_zone = models.BooleanField("示范区 demonstration zone", default=False)
    status = models.CharField("证书状态 status", max_length=2, blank=True)
    grade = models.CharField("等级 grade", max_length=32, blank=True)
    issue_date = models.DateField("颁证日期 issue date", null=True, blank=True)
    search_text = models.TextField("检索文本 normalised text")
    search_grams = models.TextField("检索词元 grams")

    class Meta:
        indexes = [
            models.Index(fields=["holder", "kind"], name="search_holder_idx"),
            models.Index(fields=["body", "kind"], name="search_body_idx"),
        ]
        verbose_name = "检索文档 search document"
        verbose_name_plural = "检索文档 search documents"

    def __str__(self) -> str:
        return f"{self.kind} {self.key}"


class TallyPeriod(models.TextChoices):
    DAY = "day", "日 day"
    MONTH = "month", "月 month"
    YEAR = "year", "年 year"
    # Certificates issued in a month, over the whole registry (no place, category or status).
    ISSUED = "issued", "月新增 issued in the month"


class RegistryTally(models.Model):
    """统计增量: the net change in certificates of one status, city, category and zone in one day,
    month or year (``day`` is the period's first day); ``issued`` counts certificates issued.

    The counts on a date are the sum of the year rows before its year, the month rows of its
    year before its month and the day rows of its month up to it: at most a few tens of thousands
    of rows, however long the registry has run.
    """

    period = models.CharField(max_length=6, choices=TallyPeriod.choices)
    day = models.DateField()
    city_code = models.CharField(max_length=6)
    # Codes, not keys: '' on the ``issued`` rows, and never NULL, so the upsert's key matches.
    category_code = models.CharField(max_length=40)
    in_pilot_zone = models.BooleanField(default=False)
    status = models.CharField(max_length=2)
    delta = models.IntegerField(default=0)
    issued = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["period", "day", "city_code", "category_code", "in_pilot_zone", "status"],
                name="registry_tally_key",
            )
        ]
        verbose_name = "统计增量 registry tally"
        verbose_name_plural = "统计增量 registry tallies"

    def __str__(self) -> str:
        return f"{self.period} {self.day} {self.city_code} {self.status} {self.delta:+d}"


class Target(models.Model):
    """目标: a figure a regulator aims the registry at, for one region, indicator and year."""

    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="地区 region (blank: the whole YRD)",
    )
    indicator = models.CharField("指标 indicator", max_length=40)
    year = models.PositiveSmallIntegerField("目标年份 year")
    value = models.PositiveIntegerField("目标值 target value")
    comparison = models.CharField("比较 comparison", max_length=2, default=">=")
    source = models.CharField("依据 source", max_length=200, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="录入人 added by",
    )
    added_at = models.DateTimeField("录入时间 added at", auto_now_add=True)

    class Meta:
        ordering = ["region_id", "indicator", "year"]
        constraints = [
            models.UniqueConstraint(fields=["region", "indicator", "year"], name="target_key")
        ]
        verbose_name = "目标 target"
        verbose_name_plural = "目标 targets"

    def __str__(self) -> str:
        return (
            f"{self.region_id or 'YRD'} {self.indicator} {self.year} {self.comparison} {self.value}"
        )
