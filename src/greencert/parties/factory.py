"""Deterministic, realistic parties for tests and demo data (shared by factories and ``seed``)."""

from __future__ import annotations

import random
from typing import NamedTuple

import factory

from greencert.core.checkchars import USCC_CHARSET, org_code_check_char, uscc_check_char
from greencert.parties.models import CertificationBody, Enterprise, Laboratory
from greencert.regions.models import Region

BRAND_HEADS = "绿华恒振金天永明博嘉瑞森海润青宏新东远康泰丰盛兴安和福祥鑫诚信德源顺达鼎立昌隆"
BRAND_TAILS = "源信通华鹰成安辉雅禾丰泰川泽山达业程宇辰阳光景峰林洲圣美佳豪邦普晟翔睿煜"
SUFFIXES = ["有限公司", "股份有限公司", "科技有限公司", "实业有限公司", "制品有限公司"]


class DemoBody(NamedTuple):
    """A fictional certification body of the demo data set."""

    approval_number: str
    name: str
    short_name: str
    region: str  # GB/T 2260 code of its seat
    alliance_member: bool
    categories: tuple[str, ...]  # the catalog categories it is approved for (its scope)


# The demo's certification bodies are fictional, and read so ("示例" in every name), seated in the
# four YRD provinces, each approved for the categories its name says it works in. Their approval
# numbers carry the year 1999: CNCA was set up in 2001 and its register starts at CNCA-R-2002-001
# (domain.md §8), so no real body can hold one of these numbers, yet each has the register's format.
DEMO_BODIES = [
    DemoBody(
        "CNCA-R-1999-901", "上海示例绿色认证中心有限公司", "示例绿证中心", "310115", True,
        ("coatings", "furniture", "wood-panels", "textiles", "paper", "ceramic-tiles", "plastics",
         "detergents", "home-appliances", "lighting", "express-packaging", "data-centres"),
    ),
    DemoBody(
        "CNCA-R-1999-902", "江苏示例建材认证有限公司", "苏示建材认证", "320100", True,
        ("ceramic-tiles", "sanitary-ceramics", "building-glass", "thermal-insulation",
         "waterproof-sealing", "wood-plastic", "coatings", "solar-water-heating"),
    ),
    DemoBody(
        "CNCA-R-1999-903", "浙江示例家居认证有限公司", "浙示家居认证", "330500", True,
        ("furniture", "wood-panels", "coatings", "wood-plastic", "textiles", "paper"),
    ),
    DemoBody(
        "CNCA-R-1999-904", "安徽示例质量认证有限公司", "皖示质量认证", "340100", True,
        ("home-appliances", "tyres", "kitchen-bath-hardware", "gas-appliances", "lighting",
         "plastics", "building-glass", "solar-water-heating"),
    ),
    DemoBody(
        "CNCA-R-1999-905", "浙江示例服务认证有限公司", "浙示服务认证", "330100", True,
        ("rural-homestays", "data-centres", "tourism", "elderly-care", "pollution-control"),
    ),
    DemoBody(
        "CNCA-R-1999-906", "苏州示例纺织认证有限公司", "苏示纺织认证", "320500", False,
        ("textiles", "paper", "detergents", "express-packaging"),
    ),
    DemoBody(
        "CNCA-R-1999-907", "宁波示例电器认证有限公司", "甬示电器认证", "330200", False,
        ("home-appliances", "kitchen-bath-hardware", "gas-appliances", "lighting",
         "solar-water-heating", "plastics"),
    ),
    DemoBody(
        "CNCA-R-1999-908", "上海示例包装认证有限公司", "沪示包装认证", "310112", False,
        ("express-packaging", "paper", "plastics"),
    ),
]  # fmt: skip


def credit_code(rng: random.Random, region_code: str, kind: str = "91") -> str:
    """A unified social credit code registered in ``region_code``: an enterprise's (91…) or,
    with ``kind`` "92", an individual business's (个体工商户)."""
    org8 = "".join(rng.choice(USCC_CHARSET) for _ in range(8))
    org9 = org8 + org_code_check_char(org8)
    first17 = kind + region_code + org9
    return first17 + uscc_check_char(first17)


def enterprise_name(rng: random.Random, place: str, trade: str) -> str:
    brand = rng.choice(BRAND_HEADS) + rng.choice(BRAND_TAILS)
    return f"{place}{brand}{trade}{rng.choice(SUFFIXES)}"


def short_place(region_name: str) -> str:
    for suffix in ("新区", "市", "区", "县", "省"):
        if region_name.endswith(suffix) and len(region_name) > len(suffix) + 1:
            return region_name[: -len(suffix)]
    return region_name


class EnterpriseFactory(factory.django.DjangoModelFactory[Enterprise]):
    class Meta:
        model = Enterprise
        django_get_or_create = ("credit_code",)

    region = factory.LazyFunction(lambda: Region.objects.get(code="330500"))
    credit_code = factory.Sequence(lambda n: credit_code(random.Random(n), "330500"))
    name = factory.Sequence(lambda n: enterprise_name(random.Random(n), "湖州", "涂料") + f"{n}")


class CertificationBodyFactory(factory.django.DjangoModelFactory[CertificationBody]):
    class Meta:
        model = CertificationBody
        django_get_or_create = ("approval_number",)
        skip_postgeneration_save = True

    # Fictional like the demo's bodies (a 1999 number no real body holds), and never one of theirs
    # (901-903, whose own number formats body_numbers.yaml sets), however many a process makes.
    approval_number = factory.Sequence(lambda n: f"CNCA-R-1999-{1000 + n % 9000:04d}")
    name = factory.Sequence(lambda n: f"长三角示例认证中心{n}号有限公司")
    short_name = factory.Sequence(lambda n: f"示例认证{n}")
    region = factory.LazyFunction(lambda: Region.objects.get(code="310000"))
    alliance_member = True

    @factory.post_generation
    def categories(self, create: bool, extracted: list | None, **kwargs: object) -> None:
        if create and extracted:
            self.categories.set(extracted)


class LaboratoryFactory(factory.django.DjangoModelFactory[Laboratory]):
    class Meta:
        model = Laboratory

    cma_number = factory.Sequence(lambda n: f"{201919000000 + n:012d}")
    name = factory.Sequence(lambda n: f"长三角检验检测中心{n}")
    region = factory.LazyFunction(lambda: Region.objects.get(code="320500"))
