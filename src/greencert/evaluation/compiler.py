"""Compiling a schema-valid scheme document into the model: cross-field checks, Decimals, expressions."""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Callable, Collection
from decimal import Decimal
from typing import Any, cast

from .errors import ExpressionError, Problem
from .expressions import Expression, Kind, compile_expression
from .model import (
    BaselineRequirement,
    CertificationUnit,
    DerivedMetric,
    GradeBand,
    Grading,
    Indicator,
    InputQuantity,
    Measured,
    Reference,
    Scheme,
    ScoredItem,
    Section,
    Text,
    Tier,
    ValueRange,
    ValueSpec,
)
from .units import unit_table

_SPELLINGS = {"≤": "<=", "≥": ">="}


def _decimal(raw: object) -> Decimal:
    return Decimal(str(raw))


def _text(raw: dict[str, str]) -> Text:
    return Text(raw["zh"], raw["en"])


def _range(raw: dict[str, object] | None) -> ValueRange | None:
    return None if raw is None else ValueRange(_decimal(raw["min"]), _decimal(raw["max"]))


class SchemeCompiler:
    """Cross-field checks the JSON Schema cannot express, then compilation into the model."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        self.problems: list[Problem] = []
        self.ids: dict[str, str] = {}
        self.units = unit_table()

    def problem(self, path: str, zh: str, en: str) -> None:
        self.problems.append(Problem(path, zh, en))

    def claim(self, identifier: str, path: str) -> None:
        if identifier in self.ids:
            self.problem(
                path,
                f"编号 “{identifier}” 重复（已用于 {self.ids[identifier]}）；每个编号应唯一",
                f"id '{identifier}' is already used at {self.ids[identifier]}; expected a unique id",
            )
        self.ids[identifier] = path

    def unit(self, symbol: str | None, path: str) -> str | None:
        if symbol is None:
            return None
        canonical = self.units.canonical(symbol)
        if canonical is None:
            self.problem(
                path,
                f"未知单位 “{symbol}”；应为 units.yaml 中的单位",
                f"unknown unit '{symbol}'; expected a unit listed in units.yaml",
            )
        return canonical or symbol

    def check_range(self, value_range: ValueRange | None, path: str) -> None:
        if value_range is not None and value_range.low > value_range.high:
            self.problem(
                path,
                f"范围下限 {value_range.low} 大于上限 {value_range.high}；应 min ≤ max",
                f"range min {value_range.low} is above max {value_range.high}; expected min ≤ max",
            )

    def expression(
        self, source: str, names: Collection[str], kind: Kind, path: str
    ) -> Expression | None:
        try:
            return compile_expression(source, names, kind)
        except ExpressionError as exc:
            self.problem(path, f"表达式 “{source}” {exc.zh}", f"expression '{source}' {exc.en}")
            return None

    def build(self) -> Scheme:
        doc = self.document
        units = tuple(
            CertificationUnit(row["id"], _text(row["name"]))
            for row in doc.get("certification_units", [])
        )
        effective_from = datetime.date.fromisoformat(doc["effective_from"])
        effective_until = doc.get("effective_until")
        until = datetime.date.fromisoformat(effective_until) if effective_until else None
        if until is not None and until < effective_from:
            self.problem(
                "effective_until",
                f"失效日期 {until} 早于生效日期 {effective_from}",
                f"effective_until {until} is before effective_from {effective_from}; expected a later date",
            )
        baseline = self.baseline()
        inputs = self.inputs()
        measured_ids = [
            row["id"]
            for row in doc.get("indicators", [])
            if "formula" not in row and row["comparator"] != "one_of"
        ]
        names: list[str] = [item.id for item in inputs] + measured_ids
        derived = self.derived(names)
        indicators = self.indicators({unit.id for unit in units}, names)
        sections = self.sections()
        grading = self.grading(names + [s.id for s in sections] + [i.id for i in indicators])
        tiers = self.tiers(indicators)
        canonical = json.dumps(doc, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return Scheme(
            id=doc["scheme"],
            version=doc["version"],
            kind=doc["kind"],
            title=_text(doc["title"]),
            standard_number=doc["standard"]["number"],
            standard_year=doc["standard"]["year"],
            standard_title=_text(doc["standard"]["title"]),
            related_standards=tuple(doc.get("related_standards", [])),
            category_code=doc["category_code"],
            certification_units=units,
            effective_from=effective_from,
            effective_until=until,
            superseded_by=doc.get("superseded_by"),
            sources=tuple(doc["provenance"]["sources"]),
            unconfirmed=tuple(doc["provenance"].get("unconfirmed", [])),
            baseline=baseline,
            inputs=inputs,
            derived=derived,
            indicators=indicators,
            sections=sections,
            grading=grading,
            tiers=tiers,
            value_specs=self.value_specs(inputs, indicators, sections),
            content_hash=hashlib.sha256(canonical.encode("utf-8")).hexdigest(),
            unit_ids=frozenset(unit.id for unit in units),
            baseline_ids=frozenset(item.id for item in baseline),
            indicator_plan=tuple(
                (i, i.id, i.applies_to, i.when, i.formula, i.reference.check, i.required)
                for i in indicators
            ),
            document=doc,
        )

    def baseline(self) -> tuple[BaselineRequirement, ...]:
        rows = self.document.get("baseline", [])
        for index, row in enumerate(rows):
            self.claim(row["id"], f"baseline[{index}].id")
        return tuple(
            BaselineRequirement(row["id"], _text(row["text"]), tuple(row["evidence"]))
            for row in rows
        )

    def inputs(self) -> tuple[InputQuantity, ...]:
        quantities = []
        for index, row in enumerate(self.document.get("inputs", [])):
            path = f"inputs[{index}]"
            self.claim(row["id"], f"{path}.id")
            value_range = _range(row.get("range"))
            self.check_range(value_range, f"{path}.range")
            unit = self.unit(row["unit"], f"{path}.unit") or row["unit"]
            quantities.append(
                InputQuantity(
                    row["id"],
                    _text(row["name"]),
                    unit,
                    value_range,
                    row.get("better"),
                    _decimal(row["example"]),
                )
            )
        return tuple(quantities)

    def derived(self, names: list[str]) -> tuple[DerivedMetric, ...]:
        metrics = []
        for index, row in enumerate(self.document.get("derived", [])):
            path = f"derived[{index}]"
            self.claim(row["id"], f"{path}.id")
            formula: Expression | None = None
            steps: tuple[tuple[Decimal, Decimal], ...] = ()
            source: str | None = None
            if "formula" in row:
                formula = self.expression(row["formula"], names, "number", f"{path}.formula")
                used = formula.names if formula else frozenset()
            else:
                source = row["steps"]["of"]
                used = frozenset([source])
                if source not in names:
                    self.problem(
                        f"{path}.steps.of",
                        f"未知名称 “{source}”；应为此前声明的输入或指标",
                        f"unknown name '{source}'; expected an input or indicator declared before it",
                    )
                steps = tuple(
                    (_decimal(b["at_least"]), _decimal(b["value"])) for b in row["steps"]["bands"]
                )
                if [at for at, _ in steps] != sorted((at for at, _ in steps), reverse=True):
                    self.problem(
                        f"{path}.steps.bands",
                        "分档应按 at_least 从高到低排列",
                        "expected bands ordered by at_least from highest to lowest",
                    )
            unit = self.unit(row["unit"], f"{path}.unit") or row["unit"]
            otherwise = _decimal(row["steps"]["otherwise"]) if "steps" in row else Decimal(0)
            metrics.append(
                DerivedMetric(
                    row["id"],
                    _text(row["name"]),
                    unit,
                    formula,
                    steps,
                    otherwise,
                    source,
                    used,
                    row.get("confirmed", False),
                    row.get("note"),
                )
            )
            names.append(row["id"])
        return tuple(metrics)

    def indicators(self, unit_ids: set[str], names: list[str]) -> tuple[Indicator, ...]:
        indicators = []
        for index, row in enumerate(self.document.get("indicators", [])):
            path = f"indicators[{index}]"
            self.claim(row["id"], f"{path}.id")
            for position, unit_id in enumerate(row.get("applies_to", [])):
                if unit_id not in unit_ids:
                    self.problem(
                        f"{path}.applies_to[{position}]",
                        f"未知认证单元 “{unit_id}”；应为 certification_units 中的编号",
                        f"unknown certification unit '{unit_id}'; expected an id from certification_units",
                    )
            when = (
                self.expression(row["when"], names, "boolean", f"{path}.when")
                if "when" in row
                else None
            )
            formula = (
                self.expression(row["formula"], names, "number", f"{path}.formula")
                if "formula" in row
                else None
            )
            value_range = _range(row.get("range"))
            self.check_range(value_range, f"{path}.range")
            indicators.append(
                Indicator(
                    id=row["id"],
                    attribute=row["attribute"],
                    name=_text(row["name"]),
                    unit=self.unit(row.get("unit"), f"{path}.unit"),
                    reference=self.reference(row, path),
                    stage=row["stage"],
                    evidence=row["evidence"],
                    applies_to=frozenset(row["applies_to"]) if "applies_to" in row else None,
                    when=when,
                    formula=formula,
                    valid_range=value_range,
                    required=row.get("required", True),
                    confirmed=row["confirmed"],
                    note=row.get("note"),
                )
            )
        return tuple(indicators)

    def reference(self, row: dict[str, Any], path: str) -> Reference:
        comparator = _SPELLINGS.get(row["comparator"], row["comparator"])
        raw = row["reference"]
        if comparator == "one_of":
            options = tuple(raw)
            return Reference(comparator, options=options, check=frozenset(options).__contains__)
        if comparator == "range":
            low, high = _decimal(raw["min"]), _decimal(raw["max"])
            self.check_range(ValueRange(low, high), f"{path}.reference")

            def within(measured: Measured) -> bool:
                return isinstance(measured, Decimal) and low <= measured <= high

            return Reference(comparator, low=low, high=high, check=within)
        value = _decimal(raw)
        # The reference's own comparison, mirrored: "measured <= value" is "value >= measured".
        mirrored = {
            "<=": value.__ge__,
            "<": value.__gt__,
            ">=": value.__le__,
            ">": value.__lt__,
            "=": value.__eq__,
        }
        return Reference(
            comparator, value=value, check=cast(Callable[[Measured], bool], mirrored[comparator])
        )

    def sections(self) -> tuple[Section, ...]:
        items: dict[str, list[ScoredItem]] = {}
        section_rows = self.document.get("sections", [])
        section_ids = {row["id"] for row in section_rows}
        for index, row in enumerate(self.document.get("scored_items", [])):
            path = f"scored_items[{index}]"
            self.claim(row["id"], f"{path}.id")
            if row["section"] not in section_ids:
                self.problem(
                    f"{path}.section",
                    f"未知评分部分 “{row['section']}”；应为 sections 中的编号",
                    f"unknown section '{row['section']}'; expected an id from sections",
                )
            item = ScoredItem(
                row["id"],
                row["section"],
                _text(row["name"]),
                _decimal(row["points"]),
                row["evidence"],
                row["confirmed"],
                row.get("note"),
            )
            items.setdefault(row["section"], []).append(item)
        sections = []
        for index, row in enumerate(section_rows):
            path = f"sections[{index}]"
            self.claim(row["id"], f"{path}.id")
            max_points, pass_mark = _decimal(row["max_points"]), _decimal(row["pass_mark"])
            own = tuple(items.get(row["id"], []))
            total = sum((item.points for item in own), Decimal(0))
            if total != max_points:
                self.problem(
                    f"{path}.max_points",
                    f"各评分项分值之和为 {total}，应等于满分 {max_points}",
                    f"scored items add up to {total}; expected the section maximum {max_points}",
                )
            if pass_mark > max_points:
                self.problem(
                    f"{path}.pass_mark",
                    f"合格分 {pass_mark} 高于满分 {max_points}",
                    f"pass mark {pass_mark} is above the maximum {max_points}; expected at most {max_points}",
                )
            sections.append(
                Section(
                    row["id"],
                    _text(row["name"]),
                    max_points,
                    pass_mark,
                    own,
                    row.get("confirmed", False),
                    row.get("note"),
                )
            )
        return tuple(sections)

    def grading(self, names: list[str]) -> Grading | None:
        raw = self.document.get("grading")
        if raw is None:
            return None
        metric = self.expression(raw["metric"], names, "number", "grading.metric")
        bands = tuple(
            GradeBand(
                b["id"], _text(b["name"]), rank, _decimal(b["bound"]), b["confirmed"], b.get("note")
            )
            for rank, b in enumerate(raw["bands"], start=1)
        )
        bounds = [band.bound for band in bands]
        ordered = sorted(bounds, reverse=raw["better"] == "higher")
        if bounds != ordered or len(set(bounds)) != len(bounds):
            direction = (
                ("从高到低", "from highest to lowest")
                if raw["better"] == "higher"
                else ("从低到高", "from lowest to highest")
            )
            self.problem(
                "grading.bands",
                f"等级应从最好到最差排列，界限值{direction[0]}且互不相同",
                f"expected bands from best to worst with distinct bounds {direction[1]}",
            )
        if metric is None:
            metric = compile_expression("0")
        return Grading(metric, raw["better"], _text(raw["name"]) if "name" in raw else None, bands)

    def tiers(self, indicators: tuple[Indicator, ...]) -> tuple[Tier, ...]:
        rows = self.document.get("tiers", [])
        tiers = tuple(
            Tier(row["id"], _text(row["name"]), rank, _decimal(row["optional_share"]))
            for rank, row in enumerate(rows, start=1)
        )
        shares = [tier.optional_share for tier in tiers]
        if shares != sorted(set(shares)):
            self.problem(
                "tiers",
                "层级应按 optional_share 从低到高排列且互不相同",
                "expected tiers ordered by optional_share from lowest to highest, without repeats",
            )
        if tiers and all(indicator.required for indicator in indicators):
            self.problem(
                "tiers",
                "定义了层级但没有可选指标（required: false）",
                "tiers are defined but no indicator is optional (required: false)",
            )
        return tiers

    def value_specs(
        self,
        inputs: tuple[InputQuantity, ...],
        indicators: tuple[Indicator, ...],
        sections: tuple[Section, ...],
    ) -> dict[str, ValueSpec]:
        rows: list[tuple[str, str | None, bool, ValueRange | None]] = [
            (item.id, item.unit, False, item.valid_range) for item in inputs
        ]
        for indicator in indicators:
            if indicator.formula is None:
                categorical = indicator.reference.comparator == "one_of"
                rows.append((indicator.id, indicator.unit, categorical, indicator.valid_range))
        for section in sections:
            rows.extend(
                (item.id, "points", False, ValueRange(Decimal(0), item.points))
                for item in section.items
            )
        specs = {}
        for identifier, unit, categorical, valid_range in rows:
            known = not categorical and unit is not None and unit in self.units
            shown_unit = json.dumps(None if categorical else unit, ensure_ascii=False)
            specs[identifier] = ValueSpec(
                identifier,
                unit,
                categorical,
                valid_range,
                factors=self.units.factors_to(unit) if known and unit else {},
                bare=known and self.units.accepts_bare_numbers(unit or ""),
                json_prefix=f'"{identifier}":{{"unit":{shown_unit},"value":',
            )
        return specs
