"""Sentences (zh-hans and English) that explain each outcome and the overall verdict."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from .decimals import canonical_text
from .model import BaselineRequirement, Indicator, ScoredItem, Text

if TYPE_CHECKING:
    from .results import Evaluation, ItemOutcome, SectionOutcome

SYMBOLS = {"<=": "≤", "<": "<", ">=": "≥", ">": ">", "=": "="}
OUTCOME_WORDS = {
    "pass": ("符合", "pass"),
    "fail": ("不符合", "fail"),
    "missing": ("缺少数据", "no data"),
    "not_applicable": ("不适用", "not applicable"),
}
VERDICT_WORDS = {
    "pass": ("通过", "pass"),
    "fail": ("不通过", "fail"),
    "incomplete": ("数据不全", "incomplete"),
}
EVIDENCE_WORDS = {
    "test_report": ("检验报告", "test report"),
    "document": ("文件资料", "documents"),
    "on_site_check": ("现场检查", "on-site check"),
}
_UNCONFIRMED = Text(
    "（基准值未经标准原文确认）", " (reference value not confirmed against the standard's text)"
)


def _with_unit(value: str, unit: str | None) -> str:
    return value if unit in (None, "1") else f"{value} {unit}"


def reference_value(indicator: Indicator) -> str:
    """The reference value as written in a table: "80", "4.0–7.5", "E0, ENF"."""
    ref = indicator.reference
    if ref.comparator == "one_of":
        return ", ".join(ref.options)
    if ref.comparator == "range":
        return f"{ref.low}–{ref.high}"
    return str(ref.value)


def requirement(indicator: Indicator) -> Text:
    """What the indicator requires, e.g. ``≤ 80 g/L`` / ``one of E0, ENF``."""
    ref = indicator.reference
    if ref.comparator == "one_of":
        return Text(f"为 {'、'.join(ref.options)} 之一", f"one of {', '.join(ref.options)}")
    if ref.comparator == "range":
        text = _with_unit(f"{ref.low}–{ref.high}", indicator.unit)
        return Text(f"在 {text} 之间", f"within {text}")
    text = f"{SYMBOLS[ref.comparator]} {_with_unit(str(ref.value), indicator.unit)}"
    return Text(text, text)


def measured_text(result: ItemOutcome, lang: str = "en") -> str:
    measured = result.measured
    if measured is None:
        return "—"
    if isinstance(measured, bool):
        words = ("是", "否") if lang == "zh" else ("yes", "no")
        return words[0] if measured else words[1]
    if isinstance(measured, str):
        return measured
    unit = result.item.unit if isinstance(result.item, Indicator) else "points"
    return _with_unit(canonical_text(measured), unit)


def item(result: ItemOutcome) -> Text:
    subject = result.item
    if isinstance(subject, BaselineRequirement):
        return _baseline(result, subject)
    if isinstance(subject, ScoredItem):
        return _scored(result, subject)
    return _indicator(result, subject)


def _evidence(kinds: tuple[str, ...]) -> Text:
    return Text(
        "、".join(EVIDENCE_WORDS[k][0] for k in kinds),
        ", ".join(EVIDENCE_WORDS[k][1] for k in kinds),
    )


def _baseline(result: ItemOutcome, subject: BaselineRequirement) -> Text:
    text = subject.text
    if result.outcome == "pass":
        return Text(f"基本要求“{text.zh}”：符合。", f"Baseline requirement '{text.en}': met.")
    if result.outcome == "fail":
        return Text(
            f"基本要求“{text.zh}”：不符合，一票否决。",
            f"Baseline requirement '{text.en}': not met; this vetoes the result.",
        )
    evidence = _evidence(subject.evidence)
    return Text(
        f"基本要求“{text.zh}”：未作答（需提供{evidence.zh}），无法判定。",
        f"Baseline requirement '{text.en}': not answered (evidence: {evidence.en}); cannot be judged.",
    )


def _indicator(result: ItemOutcome, subject: Indicator) -> Text:
    name, needed = subject.name, requirement(subject)
    caveat = _UNCONFIRMED if not subject.confirmed else Text("", "")
    if result.outcome == "not_applicable":
        if result.reason == "unit":
            return Text(
                f"{name.zh}：不适用于本认证单元。",
                f"{name.en}: does not apply to this certification unit.",
            )
        condition = subject.when.source if subject.when else ""
        return Text(
            f"{name.zh}：适用条件“{condition}”不成立，不适用。",
            f"{name.en}: applies only when {condition}; not applicable.",
        )
    if result.outcome == "missing":
        lacking = ", ".join(result.lacking)
        evidence = _evidence((subject.evidence,))
        return Text(
            f"{name.zh}：缺少数据（{lacking}，需提供{evidence.zh}），要求{needed.zh}，无法判定。",
            f"{name.en}: no data ({lacking}; evidence: {evidence.en}); required {needed.en}; cannot be judged.",
        )
    measured = measured_text(result)
    word = OUTCOME_WORDS[result.outcome]
    kind = "" if subject.required else "（可选指标）"
    kind_en = "" if subject.required else " (optional criterion)"
    return Text(
        f"{name.zh}{kind}：实测 {measured}，基准值要求{needed.zh}，{word[0]}。{caveat.zh}",
        f"{name.en}{kind_en}: measured {measured}; reference value {needed.en}: {word[1]}.{caveat.en}",
    )


def _scored(result: ItemOutcome, subject: ScoredItem) -> Text:
    name, points = subject.name, canonical_text(subject.points)
    if result.outcome == "missing":
        return Text(
            f"{name.zh}：未评分（满分 {points} 分）。",
            f"{name.en}: not scored (out of {points} points).",
        )
    awarded = canonical_text(result.measured) if isinstance(result.measured, Decimal) else "0"
    return Text(
        f"{name.zh}：得 {awarded} 分，满分 {points} 分。",
        f"{name.en}: {awarded} of {points} points.",
    )


def section(result: SectionOutcome) -> Text:
    part = result.section
    score, pass_mark, top = (
        canonical_text(n) for n in (result.score, part.pass_mark, part.max_points)
    )
    if result.outcome == "missing":
        return Text(
            f"{part.name.zh}：已评 {score} 分，尚有评分项未评，合格线 {pass_mark}/{top} 分，无法判定。",
            f"{part.name.en}: {score} points so far with items not yet scored; "
            f"pass mark {pass_mark} of {top}; cannot be judged.",
        )
    word = OUTCOME_WORDS[result.outcome]
    return Text(
        f"{part.name.zh}：得 {score}/{top} 分，合格线 {pass_mark} 分，{word[0]}。",
        f"{part.name.en}: {score} of {top} points; pass mark {pass_mark}: {word[1]}.",
    )


def summary(evaluation: Evaluation) -> Text:
    scheme = evaluation.scheme
    verdict = VERDICT_WORDS[evaluation.verdict]
    zh = f"依据 {scheme.standard}《{scheme.title.zh}》（方案 {scheme.key}）评价结论：{verdict[0]}。"
    en = f"Evaluated against {scheme.standard} {scheme.title.en} (scheme {scheme.key}): {verdict[1]}."
    if evaluation.verdict == "fail":
        results: list[ItemOutcome | SectionOutcome] = [*evaluation.items, *evaluation.sections]
        failed = [r.id for r in results if r.outcome == "fail" and _required(r)]
        zh += f"不符合项：{', '.join(failed)}。"
        en += f" Not met: {', '.join(failed)}."
    elif evaluation.verdict == "incomplete":
        zh += f"缺少数据：{', '.join(evaluation.missing)}。"
        en += f" Missing data: {', '.join(evaluation.missing)}."
    if evaluation.grade is not None:
        zh += f"等级：{evaluation.grade.name.zh}。"
        en += f" Grade: {evaluation.grade.name.en}."
    if evaluation.tier is not None:
        zh += f"层级：{evaluation.tier.name.zh}。"
        en += f" Tier: {evaluation.tier.name.en}."
    return Text(zh, en)


def _required(result: ItemOutcome | SectionOutcome) -> bool:
    return getattr(result, "required", True)
