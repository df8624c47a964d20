"""Certificate numbers: GC + province + year + 7-digit serial + ISO/IEC 7064 MOD 37-2 check."""

from __future__ import annotations

import datetime as dt
import re
import string

import pytest

from greencert.certification.numbers import allocate_number, check_number, compose
from greencert.core.models import Counter

pytestmark = pytest.mark.django_db

ALPHANUMERIC = string.digits + string.ascii_uppercase
SHAPE = re.compile(r"^GC(3[1-4])(\d{4})(\d{7})([0-9A-Z])$")


def reference_mod37_2_check(body: str) -> str:
    """ISO/IEC 7064 MOD 37-2 written out independently (pure system, radix 2)."""
    charset = ALPHANUMERIC + "*"
    p = 0
    for ch in body:
        p = ((p + charset.index(ch)) * 2) % 37
    return charset[(38 - p) % 37]


def substitutions(number: str) -> list[str]:
    return [
        number[:i] + ch + number[i + 1 :]
        for i in range(len(number))
        for ch in ALPHANUMERIC
        if ch != number[i]
    ]


def neighbour_swaps(number: str) -> list[str]:
    return [
        number[:i] + number[i + 1] + number[i] + number[i + 2 :]
        for i in range(len(number) - 1)
        if number[i] != number[i + 1]
    ]


def test_an_issued_number_has_prefix_province_year_serial_and_check_character(issue):
    number = issue(issue_date=dt.date(2025, 3, 1)).number
    match = SHAPE.match(number)
    assert match, number
    assert len(number) == 16 <= 20
    assert match.group(4) == reference_mod37_2_check(number[:-1])
    assert check_number(number).verdict == "well_formed"


def test_the_number_encodes_the_issuing_province_and_year(issue):
    jiangsu = issue(site="320509", issue_date=dt.date(2024, 6, 1)).number
    shanghai = issue(site="310118", issue_date=dt.date(2023, 1, 2)).number
    zhejiang = issue(site="330421", issue_date=dt.date(2025, 12, 31)).number
    assert jiangsu.startswith("GC322024")
    assert shanghai.startswith("GC312023")
    assert zhejiang.startswith("GC332025")
    assert check_number(jiangsu).province == "32"


def test_numbers_are_unique_and_serials_follow_on_within_a_province_and_year(issue):
    numbers = [issue(issue_date=dt.date(2025, 5, 5)).number for _ in range(5)]
    assert len(set(numbers)) == 5
    serials = [int(SHAPE.match(n).group(3)) for n in numbers]
    assert serials == sorted(serials)


def test_each_province_and_year_has_its_own_serial_counter(issue):
    first_zj = issue(site="330500", issue_date=dt.date(2025, 1, 1)).number
    first_js = issue(site="320100", issue_date=dt.date(2025, 1, 1)).number
    first_zj_2024 = issue(site="330500", issue_date=dt.date(2024, 1, 1)).number
    for number in (first_zj, first_js, first_zj_2024):
        assert SHAPE.match(number).group(3) == "0000001"


def test_every_single_character_substitution_of_an_issued_number_is_caught(issued_certificate):
    number = issued_certificate.number
    verdicts = {variant: check_number(variant) for variant in substitutions(number)}
    assert len(verdicts) == 16 * 35
    # O typed for 0 and I for 1 are read as the digit, so they give the number itself back.
    slipped = [
        v
        for v, check in verdicts.items()
        if check.verdict == "well_formed" and check.normalised != number
    ]
    assert slipped == []
    misread = {v for v, check in verdicts.items() if check.normalised == number}
    assert misread == {
        number[:i] + {"0": "O", "1": "I"}[ch] + number[i + 1 :]
        for i, ch in enumerate(number)
        if i >= 2 and ch in "01"
    }
    assert {c.verdict for v, c in verdicts.items() if v not in misread} <= {"mistyped", "malformed"}


def test_every_swap_of_two_different_neighbours_of_an_issued_number_is_caught(issue):
    # Several numbers, so swaps over many different character pairs are covered.
    numbers = [issue(site=site).number for site in ("310118", "320509", "330500", "340100")]
    for number in numbers:
        swaps = neighbour_swaps(number)
        assert swaps
        for variant in swaps:
            assert check_number(variant).verdict in {"mistyped", "malformed"}, variant


def test_a_wrong_check_character_on_a_well_shaped_number_reads_as_mistyped(issued_certificate):
    number = issued_certificate.number
    wrong = "0" if number[-1] != "0" else "1"
    assert check_number(number[:-1] + wrong).verdict == "mistyped"


def test_lower_case_and_spaces_are_normalised_before_checking(issued_certificate):
    number = issued_certificate.number
    typed = f" {number[:6].lower()} {number[6:]} "
    check = check_number(typed)
    assert check.normalised == number
    assert check.verdict == "well_formed"


@pytest.mark.parametrize("typed", ["", "GC", "XX3320250000001K", "GC332025000001", "hello"])
def test_text_that_is_not_shaped_like_a_number_is_malformed(typed):
    assert check_number(typed).verdict == "malformed"


def test_a_province_outside_the_delta_with_a_matching_check_character_is_malformed():
    body = "GC352025" + "0000001"
    assert check_number(body + reference_mod37_2_check(body)).verdict == "malformed"


def test_no_number_ever_ends_in_an_asterisk_or_a_letter_read_as_a_digit():
    ends = {(compose("33", 2025, serial) or "")[-1:] for serial in range(1, 2000)} - {""}
    assert ends.isdisjoint({"*", "O", "I"})
    assert len(ends) == 34  # every other digit and letter does occur


@pytest.mark.parametrize("skipped", ["*", "O", "I"])
def test_allocation_skips_a_serial_whose_check_character_would_be_misread(skipped):
    serial = next(
        s for s in range(1, 2000) if reference_mod37_2_check(f"GC332025{s:07d}") == skipped
    )
    assert compose("33", 2025, serial) is None
    Counter.objects.update_or_create(
        name="certificate-number:33:2025", defaults={"value": serial - 1}
    )
    number = allocate_number("330500", 2025)
    following = next(n for s in range(serial + 1, serial + 9) if (n := compose("33", 2025, s)))
    assert number == following and number[-1] not in "*OI"


def test_a_typed_o_or_i_where_a_digit_belongs_is_read_as_0_or_1(issued_certificate):
    number = issued_certificate.number
    typed = number[:2] + number[2:-1].replace("0", "O").replace("1", "I") + number[-1]
    assert typed != number
    check = check_number(typed.lower())
    assert (check.normalised, check.verdict) == (number, "well_formed")


def test_a_number_issued_before_with_a_check_o_still_verifies_as_typed():
    serial = next(s for s in range(1, 2000) if reference_mod37_2_check(f"GC332025{s:07d}") == "O")
    old = f"GC332025{serial:07d}O"
    assert check_number(old).verdict == "well_formed" and check_number(old).normalised == old


@pytest.mark.parametrize("province_code", ["110000", "350200", "440300", "000000"])
def test_allocation_refuses_a_province_outside_the_yangtze_river_delta(province_code):
    with pytest.raises(ValueError, match="Yangtze River Delta"):
        allocate_number(province_code, 2025)
