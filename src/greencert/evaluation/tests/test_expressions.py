from decimal import Decimal

import pytest

from greencert.evaluation import ExpressionError, compile_expression
from greencert.evaluation.expressions import MAX_DEPTH, MAX_LENGTH, MAX_TOKENS, Kind


def value(source: str, **names: str) -> object:
    environment = {key: Decimal(text) for key, text in names.items()}
    return compile_expression(source, names.keys()).evaluate(environment)


def test_arithmetic_follows_precedence() -> None:
    assert value("2 + 3 * 4 - 6 / 3") == Decimal(12)


def test_parentheses_override_precedence() -> None:
    assert value("(2 + 3) * 4") == Decimal(20)


def test_unary_minus_binds_tighter_than_multiplication() -> None:
    assert value("-2 * 3") == Decimal(-6)


def test_chinese_operator_spellings_mean_the_ascii_operators() -> None:
    assert value("80 − 20 × pue", pue="1.25") == value("80 - 20 * pue", pue="1.25")


def test_data_centre_pue_score_is_capped_at_sixty() -> None:
    assert value("min(60, 80 - 20 × pue)", pue="1.0") == Decimal(60)
    assert value("min(60, 80 - 20 × pue)", pue="1.4") == Decimal("52.0")


def test_arithmetic_is_exact_decimal() -> None:
    assert value("0.1 + 0.2") == Decimal("0.3")


def test_round_uses_half_even_as_in_gb_t_8170() -> None:
    assert value("round(2.25, 1)") == Decimal("2.2")
    assert value("round(2.35, 1)") == Decimal("2.4")


def test_clamp_limits_to_bounds() -> None:
    assert value("clamp(x, 0, 10)", x="12") == Decimal(10)
    assert value("clamp(x, 0, 10)", x="-3") == Decimal(0)


def test_abs_and_max_are_available() -> None:
    assert value("max(abs(x), 2, 1)", x="-5") == Decimal(5)


def test_condition_combines_comparisons_with_and_or_not() -> None:
    source = "gloss <= 10 and not (voc > 50 or voc == 50)"
    assert value(source, gloss="8", voc="40") is True
    assert value(source, gloss="8", voc="50") is False


def test_unicode_comparison_spellings_are_accepted() -> None:
    assert value("gloss ≤ 10", gloss="10") is True
    assert value("gloss ≥ 10 and gloss ≠ 11", gloss="10") is True


def test_expression_reports_the_names_it_reads() -> None:
    assert compile_expression("a + min(b, 3)").names == frozenset({"a", "b"})


def rejected(
    source: str, known_names: set[str] | None = None, kind: Kind | None = None
) -> ExpressionError:
    with pytest.raises(ExpressionError) as caught:
        compile_expression(source, known_names, kind)
    return caught.value


def test_dunder_import_is_rejected_at_its_position() -> None:
    error = rejected('__import__("os")')
    assert error.position == 0
    assert "must start with a letter" in error.en


def test_function_outside_whitelist_is_rejected() -> None:
    error = rejected("pue + eval(1)")
    assert error.position == 6
    assert "function 'eval' is not allowed" in error.en
    assert "min, max, abs, round, clamp" in error.en


def test_attribute_access_is_rejected() -> None:
    error = rejected("pue.real")
    assert error.position == 3
    assert "attribute access" in error.en
    assert "不允许访问属性" in error.zh


def test_indexing_is_rejected() -> None:
    assert "indexing" in rejected("x[0]").en


def test_strings_are_rejected() -> None:
    assert "strings are not allowed" in rejected("x == 'a'").en


def test_overlong_expression_is_rejected() -> None:
    error = rejected("1" * (MAX_LENGTH + 1))
    assert "too long" in error.en


def test_too_many_tokens_are_rejected() -> None:
    source = "+".join(["1"] * (MAX_TOKENS // 2 + 1))
    assert len(source) <= MAX_LENGTH
    assert "tokens" in rejected(source).en


def test_deep_nesting_is_rejected() -> None:
    source = "(" * (MAX_DEPTH + 2) + "1" + ")" * (MAX_DEPTH + 2)
    assert "nesting too deep" in rejected(source).en


def test_unknown_name_is_rejected_when_names_are_declared() -> None:
    error = rejected("pue + racks", known_names={"pue"})
    assert error.position == 6
    assert "unknown name 'racks'" in error.en


def test_chained_comparison_is_rejected() -> None:
    assert "cannot be chained" in rejected("1 < x < 3").en


def test_condition_where_number_is_expected_is_rejected() -> None:
    error = rejected("gloss <= 10", kind="number")
    assert "expected a number" in error.en


def test_boolean_operator_on_numbers_is_rejected() -> None:
    assert "expected a boolean" in rejected("x and 1").en


def test_wrong_argument_count_is_rejected() -> None:
    assert "takes 3 arguments, got 2" in rejected("clamp(1, 2)").en


def test_unbalanced_parenthesis_is_rejected_at_the_end() -> None:
    error = rejected("(1 + 2")
    assert error.position == 6
    assert "expected ')'" in error.en


def test_trailing_operator_is_rejected() -> None:
    assert "end of expression" in rejected("1 +").en


def test_division_by_zero_is_an_expression_error() -> None:
    expression = compile_expression("1 / x", {"x"})
    with pytest.raises(ExpressionError):
        expression.evaluate({"x": Decimal(0)})
