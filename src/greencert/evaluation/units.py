"""Units of measure (计量单位): the conversion table in ``units.yaml`` and look-ups over it."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from importlib import resources

import yaml

from .decimals import CONTEXT
from .errors import Problem, SubmissionError


@dataclass(frozen=True, slots=True)
class Unit:
    symbol: str
    dimension: str
    factor: Decimal
    bare: bool


class UnitTable:
    """Every known unit by symbol and alias; converts values within one dimension."""

    def __init__(self, units: list[Unit], aliases: dict[str, str]) -> None:
        self._units = {unit.symbol: unit for unit in units}
        self._aliases = aliases

    def __contains__(self, symbol: object) -> bool:
        return isinstance(symbol, str) and self.canonical(symbol) is not None

    def canonical(self, symbol: str) -> str | None:
        if symbol in self._units:
            return symbol
        return self._aliases.get(symbol)

    def get(self, symbol: str) -> Unit:
        return self._units[self.canonical(symbol) or symbol]

    def accepts_bare_numbers(self, symbol: str) -> bool:
        return self.get(symbol).bare

    def factors_to(self, target: str) -> dict[str, Decimal | None]:
        """Every symbol and alias convertible to ``target``, with its multiplier (None: same unit)."""
        goal = self.get(target)
        factors: dict[str, Decimal | None] = {}
        for symbol, unit in self._units.items():
            if unit.dimension == goal.dimension:
                factors[symbol] = (
                    None if symbol == goal.symbol else CONTEXT.divide(unit.factor, goal.factor)
                )
        for alias, symbol in self._aliases.items():
            if symbol in factors:
                factors[alias] = factors[symbol]
        return factors

    def factor(self, given: str, target: str, field: str) -> Decimal | None:
        """Multiplier turning a value in ``given`` into ``target``; None when they are the same."""
        given_symbol = self.canonical(given)
        if given_symbol is None:
            raise SubmissionError(
                [
                    Problem(
                        field,
                        f"未知单位 “{given}”；应为 {target} 或可换算为 {target} 的单位",
                        f"unknown unit '{given}'; expected {target} or a unit convertible to it",
                    )
                ]
            )
        if given_symbol == target:
            return None
        source, goal = self._units[given_symbol], self._units[target]
        if source.dimension != goal.dimension:
            raise SubmissionError(
                [
                    Problem(
                        field,
                        f"单位 “{given}” 不能换算为 {target}；应提交以 {target} 表示的数值",
                        f"unit '{given}' cannot be converted to {target}; "
                        f"expected a value in {target}",
                    )
                ]
            )
        return CONTEXT.divide(source.factor, goal.factor)


@lru_cache(maxsize=1)
def unit_table() -> UnitTable:
    text = resources.files(__package__).joinpath("units.yaml").read_text(encoding="utf-8")
    units: list[Unit] = []
    aliases: dict[str, str] = {}
    for row in yaml.safe_load(text)["units"]:
        units.append(
            Unit(row["symbol"], row["dimension"], Decimal(row["factor"]), row.get("bare", False))
        )
        for alias in row.get("aliases", []):
            aliases[alias] = row["symbol"]
    return UnitTable(units, aliases)
