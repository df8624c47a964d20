"""Safe expressions for derived metrics and applicability conditions (计算公式与适用条件).

Grammar (a Pratt parser; no ``eval``, no attribute access, no strings)::

    expression := number | name | name "(" expression {"," expression} ")" | "(" expression ")"
                | ("-" | "+" | "not") expression
                | expression ("+" | "-" | "*" | "/") expression
                | expression ("<" | "<=" | ">" | ">=" | "==" | "!=") expression
                | expression ("and" | "or") expression

``×``, ``÷``, ``−``, ``≤``, ``≥``, ``≠`` and ``=`` are accepted as spellings of the ASCII operators.
Functions: min, max, abs, round (GB/T 8170 half-even), clamp. Numbers are exact decimals.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal, cast

from .decimals import CONTEXT
from .errors import ExpressionError

MAX_LENGTH = 500
MAX_TOKENS = 200
MAX_DEPTH = 16
MAX_NUMBER_LENGTH = 30

Kind = Literal["number", "boolean"]
Value = Decimal | bool
Environment = Mapping[str, Decimal]
Runner = Callable[[Environment], Value]
NumberRunner = Callable[[Environment], Decimal]

_SPELLINGS = {"×": "*", "÷": "/", "−": "-", "≤": "<=", "≥": ">=", "≠": "!=", "=": "=="}
_TOKEN = re.compile(
    r"\s*(?:(?P<number>\d+(?:\.\d+)?|\.\d+)|(?P<name>[A-Za-z][A-Za-z0-9_]*)"
    r"|(?P<op><=|>=|==|!=|[-+*/<>()=,×÷−≤≥≠]))"
)
_KEYWORDS = {"and", "or", "not", "true", "false"}
_COMPARISONS = {
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
}
_ARITHMETIC = {
    "+": CONTEXT.add,
    "-": CONTEXT.subtract,
    "*": CONTEXT.multiply,
    "/": CONTEXT.divide,
}
_BINDING = {
    "or": 10,
    "and": 20,
    **dict.fromkeys(_COMPARISONS, 40),
    "+": 50,
    "-": 50,
    "*": 60,
    "/": 60,
}
_UNARY_BINDING = {"not": 30, "-": 70, "+": 70}
FUNCTIONS: dict[str, tuple[int, int | None]] = {
    "min": (1, None),
    "max": (1, None),
    "abs": (1, 1),
    "round": (1, 2),
    "clamp": (3, 3),
}


@dataclass(frozen=True, slots=True)
class Expression:
    """A compiled expression: its source, the input names it reads and its result kind."""

    source: str
    names: frozenset[str]
    kind: Kind
    run: Runner

    def evaluate(self, environment: Environment) -> Value:
        try:
            return self.run(environment)
        except ArithmeticError as exc:
            raise ExpressionError(
                0,
                f"计算 “{self.source}” 时出错（{type(exc).__name__}）",
                f"evaluating '{self.source}' failed ({type(exc).__name__})",
            ) from exc


@dataclass(frozen=True, slots=True)
class _Token:
    kind: Literal["number", "name", "op", "end"]
    text: str
    position: int


@dataclass(frozen=True, slots=True)
class _Node:
    kind: Kind
    run: Runner
    position: int


def compile_expression(
    source: str, known_names: Collection[str] | None = None, kind: Kind | None = None
) -> Expression:
    """Parse ``source``; reject names outside ``known_names`` and results not of ``kind``."""
    if len(source) > MAX_LENGTH:
        raise ExpressionError(
            MAX_LENGTH,
            f"表达式过长（{len(source)} 个字符）；最多 {MAX_LENGTH} 个字符",
            f"expression too long ({len(source)} characters); at most {MAX_LENGTH} allowed",
        )
    parser = _Parser(_tokenize(source), known_names)
    node = parser.expression(0, 0)
    end = parser.peek()
    if end.kind != "end":
        raise ExpressionError(
            end.position,
            f"多余的 “{end.text}”；应为运算符或表达式结束",
            f"unexpected '{end.text}'; expected an operator or the end of the expression",
        )
    if kind is not None and node.kind != kind:
        raise _kind_error(node, kind)
    return Expression(source, frozenset(parser.names), node.kind, node.run)


def _tokenize(source: str) -> list[_Token]:
    tokens: list[_Token] = []
    position = 0
    while position < len(source):
        if source[position:].isspace():
            break
        match = _TOKEN.match(source, position)
        if match is None:
            raise _character_error(source, len(source) - len(source[position:].lstrip()))
        group = match.lastgroup or "op"
        text = match.group(group)
        start = match.start(group)
        if group == "number" and len(text) > MAX_NUMBER_LENGTH:
            raise ExpressionError(
                start,
                f"数字过长；最多 {MAX_NUMBER_LENGTH} 位",
                f"number too long; at most {MAX_NUMBER_LENGTH} characters",
            )
        kind = cast(Literal["number", "name", "op"], group)
        tokens.append(_Token(kind, _SPELLINGS.get(text, text), start))
        if len(tokens) > MAX_TOKENS:
            raise ExpressionError(
                start,
                f"表达式过长；最多 {MAX_TOKENS} 个记号",
                f"expression too long; at most {MAX_TOKENS} tokens allowed",
            )
        position = match.end()
    tokens.append(_Token("end", "", len(source)))
    return tokens


def _character_error(source: str, position: int) -> ExpressionError:
    char = source[position]
    if char == "." or char == "[":
        return ExpressionError(
            position, "不允许访问属性或下标", "attribute access and indexing are not allowed"
        )
    if char == "_":
        return ExpressionError(
            position, "名称不得以 “_” 开头", "names must start with a letter, not '_'"
        )
    if char in "'\"":
        return ExpressionError(position, "不允许使用字符串", "strings are not allowed")
    return ExpressionError(
        position,
        f"无法识别的字符 “{char}”；应为数字、名称、运算符或括号",
        f"unexpected character '{char}'; expected a number, name, operator or parenthesis",
    )


def _kind_error(node: _Node, expected: Kind) -> ExpressionError:
    zh = {"number": "数值", "boolean": "真假值（条件）"}
    return ExpressionError(
        node.position,
        f"此处应为{zh[expected]}，实为{zh[node.kind]}",
        f"expected a {expected} here, got a {node.kind}",
    )


class _Parser:
    def __init__(self, tokens: list[_Token], known_names: Collection[str] | None) -> None:
        self.tokens = tokens
        self.index = 0
        self.known_names = known_names
        self.names: set[str] = set()

    def peek(self) -> _Token:
        return self.tokens[self.index]

    def advance(self) -> _Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def expect(self, text: str) -> _Token:
        token = self.advance()
        if token.text != text or token.kind == "end":
            found = token.text or "表达式结束"
            raise ExpressionError(
                token.position,
                f"应为 “{text}”，实为 “{found}”",
                f"expected '{text}', found '{token.text or 'end of expression'}'",
            )
        return token

    def expression(self, right_binding: int, depth: int) -> _Node:
        if depth > MAX_DEPTH:
            raise ExpressionError(
                self.peek().position,
                f"嵌套过深；最多 {MAX_DEPTH} 层",
                f"nesting too deep; at most {MAX_DEPTH} levels allowed",
            )
        left = self.prefix(self.advance(), depth)
        while right_binding < self.binding(self.peek()):
            left = self.infix(self.advance(), left, depth)
        return left

    @staticmethod
    def binding(token: _Token) -> int:
        if token.kind == "op" or token.text in ("and", "or"):
            return _BINDING.get(token.text, 0)
        return 0

    def prefix(self, token: _Token, depth: int) -> _Node:
        if token.kind == "number":
            constant = Decimal(token.text)
            return _Node("number", lambda env: constant, token.position)
        if token.kind == "name":
            return self.name(token, depth)
        if token.text == "(":
            inner = self.expression(0, depth + 1)
            self.expect(")")
            return inner
        if token.text in _UNARY_BINDING and token.kind != "end":
            operand = self.expression(_UNARY_BINDING[token.text], depth + 1)
            return self.unary(token, operand)
        raise ExpressionError(
            token.position,
            f"应为数字、名称或 “(”，实为 “{token.text or '表达式结束'}”",
            f"expected a number, name or '(', found '{token.text or 'end of expression'}'",
        )

    def name(self, token: _Token, depth: int) -> _Node:
        text = token.text
        if text in ("true", "false"):
            truth = text == "true"
            return _Node("boolean", lambda env: truth, token.position)
        if text == "not":
            operand = self.expression(_UNARY_BINDING["not"], depth + 1)
            return self.unary(token, operand)
        if text in _KEYWORDS:
            raise ExpressionError(
                token.position, f"“{text}” 前缺少表达式", f"missing expression before '{text}'"
            )
        if self.peek().text == "(":
            return self.call(token, depth)
        if self.known_names is not None and text not in self.known_names:
            raise ExpressionError(
                token.position,
                f"未知名称 “{text}”；应为方案中声明的输入或指标编号",
                f"unknown name '{text}'; expected an input or indicator id declared in the scheme",
            )
        self.names.add(text)
        return _Node("number", lambda env: env[text], token.position)

    def call(self, token: _Token, depth: int) -> _Node:
        if token.text not in FUNCTIONS:
            raise ExpressionError(
                token.position,
                f"不允许调用函数 “{token.text}”；可用函数：{', '.join(FUNCTIONS)}",
                f"function '{token.text}' is not allowed; expected one of {', '.join(FUNCTIONS)}",
            )
        self.expect("(")
        arguments = [self.expression(0, depth + 1)]
        while self.peek().text == ",":
            self.advance()
            arguments.append(self.expression(0, depth + 1))
        self.expect(")")
        low, high = FUNCTIONS[token.text]
        if len(arguments) < low or (high is not None and len(arguments) > high):
            wanted = str(low) if low == high else f"{low}–{high if high is not None else 'n'}"
            raise ExpressionError(
                token.position,
                f"函数 {token.text} 应有 {wanted} 个参数，实有 {len(arguments)} 个",
                f"function {token.text} takes {wanted} arguments, got {len(arguments)}",
            )
        for argument in arguments:
            if argument.kind != "number":
                raise _kind_error(argument, "number")
        runners = [cast(NumberRunner, argument.run) for argument in arguments]
        return _Node("number", _FUNCTION_BUILDERS[token.text](runners), token.position)

    def unary(self, token: _Token, operand: _Node) -> _Node:
        run = operand.run
        if token.text == "not":
            if operand.kind != "boolean":
                raise _kind_error(operand, "boolean")
            return _Node("boolean", lambda env: not run(env), token.position)
        if operand.kind != "number":
            raise _kind_error(operand, "number")
        if token.text == "-":
            return _Node("number", lambda env: CONTEXT.minus(run(env)), token.position)
        return operand

    def infix(self, token: _Token, left: _Node, depth: int) -> _Node:
        operator = token.text
        right = self.expression(_BINDING[operator], depth + 1)
        first, second = left.run, right.run
        if operator in ("and", "or"):
            for side in (left, right):
                if side.kind != "boolean":
                    raise _kind_error(side, "boolean")
            if operator == "and":
                return _Node("boolean", lambda env: first(env) and second(env), token.position)
            return _Node("boolean", lambda env: first(env) or second(env), token.position)
        if operator in _COMPARISONS and left.kind == "boolean":
            raise ExpressionError(
                token.position,
                "比较不能连写；请用 and 连接",
                "comparisons cannot be chained; join them with 'and'",
            )
        for side in (left, right):
            if side.kind != "number":
                raise _kind_error(side, "number")
        if operator in _COMPARISONS:
            compare = _COMPARISONS[operator]
            return _Node("boolean", lambda env: compare(first(env), second(env)), token.position)
        apply = _ARITHMETIC[operator]
        return _Node("number", lambda env: apply(first(env), second(env)), token.position)


def _min(runners: list[NumberRunner]) -> Runner:
    return lambda env: min(run(env) for run in runners)


def _max(runners: list[NumberRunner]) -> Runner:
    return lambda env: max(run(env) for run in runners)


def _abs(runners: list[NumberRunner]) -> Runner:
    (run,) = runners
    return lambda env: CONTEXT.abs(run(env))


def _round(runners: list[NumberRunner]) -> Runner:
    value_of = runners[0]
    places_of: NumberRunner = runners[1] if len(runners) == 2 else (lambda env: Decimal(0))

    def run(env: Environment) -> Decimal:
        places = places_of(env)
        if places != places.to_integral_value() or not 0 <= places <= 10:
            raise ArithmeticError("round() places must be an integer from 0 to 10")
        exponent = Decimal(1).scaleb(-int(places))
        return value_of(env).quantize(exponent, context=CONTEXT)

    return run


def _clamp(runners: list[NumberRunner]) -> Runner:
    value_of, low_of, high_of = runners
    return lambda env: min(max(value_of(env), low_of(env)), high_of(env))


_FUNCTION_BUILDERS: dict[str, Callable[[list[NumberRunner]], Runner]] = {
    "min": _min,
    "max": _max,
    "abs": _abs,
    "round": _round,
    "clamp": _clamp,
}
