"""CNCA approval numbers of certification bodies (认证机构批准号)."""

from __future__ import annotations

import pytest

from greencert.core.errors import ValidationFailed
from greencert.parties.actions import register_certification_body
from greencert.parties.models import CertificationBody
from greencert.parties.validators import require_approval_number


@pytest.mark.parametrize(
    "number", ["CNCA-R-2002-001", "CNCA-R-2024-1364", "CNCA-RF-2002-07", "CNCA-R-2003-104"]
)
def test_published_approval_numbers_are_accepted(number):
    assert require_approval_number(number) == number


def test_an_approval_number_is_normalised_to_upper_case_without_surrounding_space():
    assert require_approval_number("  cnca-r-2002-001 ") == "CNCA-R-2002-001"


@pytest.mark.parametrize(
    "number",
    [
        "",
        "CNCA-2002-001",  # no R
        "CNCA-R-02-001",  # two-digit year
        "CNCA-R-2002-1",  # one-digit serial
        "CNCA-R-2002-12345",  # five-digit serial
        "CNCA-X-2002-001",
        "CNCA-R-1802-001",  # year before the approval system
        "CNCA R 2002 001",
        "CNCA-R-2002-001A",
        "CNAS-R-2002-001",
    ],
)
def test_a_malformed_approval_number_is_rejected_with_a_bilingual_message(number):
    with pytest.raises(ValidationFailed) as caught:
        require_approval_number(number)
    error = caught.value
    assert error.field == "approval_number"
    assert error.value == number
    assert "批准号" in error.message_zh
    assert "CNCA-R-YYYY-NNN" in error.message_zh
    assert "approval number" in error.message_en
    assert "CNCA-R-2002-001" in error.message_en


@pytest.mark.django_db
def test_registering_a_body_with_a_malformed_approval_number_leaves_no_trace(alliance_admin):
    with pytest.raises(ValidationFailed):
        register_certification_body(
            alliance_admin,
            approval_number="CNCA-2024-01",
            name="长三角某认证有限公司",
            region_code="310000",
            category_codes=["coatings"],
        )
    assert not CertificationBody.objects.exists()


@pytest.mark.django_db
def test_a_body_is_registered_with_its_approval_number_and_authorised_categories(alliance_admin):
    body = register_certification_body(
        alliance_admin,
        approval_number="cnca-rf-2002-07",
        name="长三角某认证有限公司",
        region_code="310000",
        category_codes=["coatings", "furniture"],
    )
    assert body.approval_number == "CNCA-RF-2002-07"
    assert sorted(body.categories.values_list("code", flat=True)) == ["coatings", "furniture"]
