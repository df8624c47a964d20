"""统一社会信用代码 (GB 32100-2015): the check character and what a wrong code is told."""

from __future__ import annotations

import pytest

from greencert.core.checkchars import USCC_CHARSET, normalise_code, uscc_problem

# Codes published by registration authorities (GB 32100-2015 examples and a real register entry).
PUBLISHED_VALID = ["91350100M000100Y43", "91371323760038087M"]


def single_character_corruptions(code: str) -> list[str]:
    return [
        code[:i] + ch + code[i + 1 :]
        for i in range(len(code))
        for ch in USCC_CHARSET
        if ch != code[i]
    ]


@pytest.mark.parametrize("code", PUBLISHED_VALID)
def test_published_credit_codes_pass_the_check(code):
    assert uscc_problem(code) is None


@pytest.mark.parametrize("code", PUBLISHED_VALID)
def test_every_single_character_corruption_of_a_credit_code_is_rejected(code):
    corruptions = single_character_corruptions(code)
    assert len(corruptions) == 18 * 30
    accepted = [c for c in corruptions if uscc_problem(c) is None]
    assert accepted == []


@pytest.mark.parametrize("code", PUBLISHED_VALID)
def test_a_wrong_check_character_is_answered_with_the_expected_one(code):
    expected = code[-1]
    for wrong in USCC_CHARSET.replace(expected, ""):
        problem = uscc_problem(code[:-1] + wrong)
        assert problem is not None
        assert problem.kind == "check"
        assert f"校验码应为 {expected}" in problem.zh
        assert f"实际为 {wrong}" in problem.zh
        assert f"should be {expected}" in problem.en
        assert f"not {wrong}" in problem.en


def reference_check_character(first17: str) -> str:
    """GB 32100-2015 §5 written out independently: weights 3^(i-1) mod 31, C18 = 31 - (sum mod 31)."""
    total = sum(USCC_CHARSET.index(ch) * pow(3, i, 31) for i, ch in enumerate(first17))
    return USCC_CHARSET[(31 - total % 31) % 31]


@pytest.mark.parametrize("code", PUBLISHED_VALID)
def test_the_reference_formula_reproduces_the_published_check_characters(code):
    assert reference_check_character(code[:17]) == code[17]


@pytest.mark.parametrize("position", [0, 8, 12, 16])
def test_a_corrupted_body_character_names_the_check_character_the_body_would_need(position):
    code = PUBLISHED_VALID[0]
    replacement = "X" if code[position] != "X" else "Y"
    corrupted = code[:position] + replacement + code[position + 1 :]
    expected = reference_check_character(corrupted[:17])
    problem = uscc_problem(corrupted)
    assert problem is not None
    assert problem.kind == "check"
    assert f"校验码应为 {expected}" in problem.zh
    assert f"should be {expected}" in problem.en


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        ("91350100M000100Y4", "length"),
        ("91350100M000100Y433", "length"),
        ("", "length"),
        ("91350100M0001I0Y43", "charset"),
        ("91350100M0001O0Y43", "charset"),
        ("91350100M0001S0Y43", "charset"),
        ("91350100M0001V0Y43", "charset"),
        ("91350100M0001Z0Y43", "charset"),
        ("913501A0M000100Y43", "region"),
    ],
)
def test_a_structurally_invalid_credit_code_is_rejected_with_the_reason(code, kind):
    problem = uscc_problem(code)
    assert problem is not None
    assert problem.kind == kind
    assert problem.zh
    assert problem.en


@pytest.mark.parametrize("letter", "IOSVZ")
def test_forbidden_letters_are_named_in_the_charset_problem(letter):
    problem = uscc_problem(f"91350100M000{letter}00Y43")
    assert problem is not None
    assert letter in problem.zh
    assert letter in problem.en


def test_spaces_hyphens_and_lower_case_are_normalised_before_checking():
    assert normalise_code(" 91350100-m000 100y43 ") == "91350100M000100Y43"
    assert uscc_problem(normalise_code("91350100 m000100y43")) is None
