"""Records of the plan's institutions that tests build."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from greencert.catalog.models import Category
from greencert.governance.models import AgreementParty, RecognitionAgreement
from greencert.regions.models import Region


def recognition_agreement(
    categories: Iterable[Category], provinces: Iterable[str]
) -> RecognitionAgreement:
    """An inter-provincial mutual recognition agreement (互认协议) in force since 2025 over
    ``categories``, whose parties are the market regulators of ``provinces`` (region codes)."""
    agreement = RecognitionAgreement.objects.create(
        code="YRD-HR-2026-01",
        title_zh="绿色产品认证结果互认协议",
        title_en="mutual recognition of green product certification",
        kind=RecognitionAgreement.Kind.INTER_PROVINCIAL,
        starts_on=dt.date(2025, 1, 1),
    )
    agreement.categories.set(list(categories))
    for code in provinces:
        province = Region.objects.get(code=code)
        AgreementParty.objects.create(
            agreement=agreement,
            name_zh=f"{province.name_zh}市场监督管理局",
            name_en=f"{province.name_en} Administration for Market Regulation",
            region=province,
        )
    return agreement
