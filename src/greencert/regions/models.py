"""GB/T 2260 administrative regions of the Yangtze River Delta (长三角行政区划)."""

from __future__ import annotations

from django.db import models


class RegionLevel(models.TextChoices):
    PROVINCE = "province", "省级 province"
    CITY = "city", "地级市 city"
    DISTRICT = "district", "市辖区 district"
    COUNTY = "county", "县 county"


class Region(models.Model):
    """A province, prefecture-level city, district or county with its GB/T 2260 code."""

    code = models.CharField(("行政区划代码 GB/T 2260 code"), max_length=6, primary_key=True)
    name_zh = models.CharField(("中文名称 name (zh)"), max_length=32)
    name_en = models.CharField(("英文名称 name (en)"), max_length=64)
    level = models.CharField(("级别 level"), max_length=16, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    # A city-level unit: the region itself for cities, the city/municipality above a district or county.
    city_code = models.CharField(("地市代码 city code"), max_length=6)
    province_code = models.CharField(("省级代码 province code"), max_length=6)
    pilot_zone = models.BooleanField(("先行区 pilot zone"), default=False)
    demonstration_zone = models.BooleanField(("示范区 demonstration zone"), default=False)

    class Meta:
        ordering = ["code"]
        verbose_name = "行政区划 region"
        verbose_name_plural = "行政区划 regions"

    def __str__(self) -> str:
        return f"{self.name_zh} ({self.code})"

    def name(self, language: str) -> str:
        return self.name_en if language.startswith("en") else self.name_zh
