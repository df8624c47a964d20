"""Bodies' own certificate numbers: format per body, uniqueness per body, allocation."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from greencert.certification.body_numbers import normalise_body_number, require_body_number, rules
from greencert.certification.models import Certificate
from greencert.core.errors import ValidationFailed
from greencert.parties.models import CertificationBody


def test_every_rule_in_the_data_file_accepts_its_example_and_its_own_numbers() -> None:
    default, bodies = rules()
    for approval, rule in [("default", default), *bodies.items()]:
        assert rule.pattern.match(rule.example), approval
        assert rule.pattern.match(rule.compose("CNCA-R-2002-001", 2026, 9)), approval


def test_a_number_is_read_as_people_copy_it_from_paper() -> None:
    assert normalise_body_number(" dmsh26gp００００００１ ") == "DMSH26GP0000001"
    assert require_body_number("CNCA-R-1999-901", "dmsh26gp 000001") == "DMSH26GP000001"


def test_a_number_outside_the_bodys_format_is_refused_naming_the_format() -> None:
    with pytest.raises(ValidationFailed) as refused:
        require_body_number("CNCA-R-1999-901", "DMJS2026-GP-000001")
    assert refused.value.field == "body_number"
    assert "DMSH25GP000123" in refused.value.message_en
    assert "DMSH25GP000123" in refused.value.message_zh


def test_without_a_number_the_body_s_next_one_in_its_format_is_allocated(
    issue: Callable[..., Certificate], body: CertificationBody
) -> None:
    first, second = issue(), issue()
    digits = "".join(ch for ch in body.approval_number if ch.isdigit())
    year = first.issue_date.year
    assert first.body_number == f"{digits}{year}GP000001"
    assert second.body_number == f"{digits}{year}GP000002"
    assert first.events.get().payload["body_number"] == first.body_number


def test_a_given_number_is_kept_and_may_not_be_used_twice_by_one_body(
    issue: Callable[..., Certificate], other_body: CertificationBody, other_body_staff: object
) -> None:
    certificate = issue(body_number="sh-2026-gp-0001")
    assert certificate.body_number == "SH-2026-GP-0001"
    with pytest.raises(ValidationFailed) as refused:
        issue(body_number="SH-2026-GP-0001")
    assert refused.value.code == "duplicate_body_number"
    assert certificate.number in refused.value.message_en
    assert Certificate.objects.count() == 1
    # Another body may use the same number for its own certificate.
    other = issue(body=other_body, actor=other_body_staff, body_number="SH-2026-GP-0001")
    assert other.body_number == certificate.body_number
