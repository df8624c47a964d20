"""Deterministic, realistic parties for tests and demo data (shared by factories and ``seed``)."""

from __future__ import annotations

import random

import factory

from greencert.core.checkchars import USCC_CHARSET, org_code_check_char, uscc_check_char
from greencert.parties.models import CertificationBody, Enterprise, Laboratory
from greencert.regions.models import Region

BRAND_HEADS = "绿华恒振金天永明博嘉瑞森海润青宏新东远康泰丰盛兴安和福祥鑫诚信德源顺达鼎立昌隆"
BRAND_TAILS = "源信通华鹰成安辉雅禾丰泰川泽山达业程宇辰阳光景峰林洲圣美佳豪邦普晟翔睿煜"
SUFFIXES = ["有限公司", "股份有限公司", "科技有限公司", "实业有限公司", "制品有限公司"]

# Certification bodies in CNCA's register (domain.md §8).
KNOWN_BODIES = [
    ("CNCA-R-2002-001", "中国质量认证中心有限公司", "中国质量认证中心", "310000"),
    ("CNCA-R-2002-002", "方圆标志认证集团有限公司", "方圆", "320100"),
    ("CNCA-R-2002-005", "中国船级社质量认证有限公司", "中国船级社质量认证", "310000"),
    ("CNCA-R-2002-012", "广州赛宝认证中心服务有限公司", "赛宝", "330100"),
    ("CNCA-R-2002-021", "华夏认证中心有限公司", "华夏认证", "340100"),
    ("CNCA-R-2002-105", "中环联合(北京)认证中心有限公司", "中环联合", "320500"),
    ("CNCA-R-2003-091", "北京鉴衡认证中心有限公司", "鉴衡", "330400"),
    ("CNCA-R-2003-104", "山东世通质量认证有限公司", "世通", "330500"),
    ("CNCA-R-2024-1364", "中国林业科学研究院林产化学工业研究所", "中国林科院所", "320100"),
]


def credit_code(rng: random.Random, region_code: str) -> str:
    """A unified social credit code for an enterprise (91…) registered in ``region_code``."""
    org8 = "".join(rng.choice(USCC_CHARSET) for _ in range(8))
    org9 = org8 + org_code_check_char(org8)
    first17 = "91" + region_code + org9
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

    approval_number = factory.Sequence(lambda n: f"CNCA-R-2010-{100 + n:03d}")
    name = factory.Sequence(lambda n: f"长三角绿色认证中心{n}号有限公司")
    short_name = factory.Sequence(lambda n: f"绿认{n}")
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
