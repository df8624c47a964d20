"""Command line: ``evaluate --scheme ID[@VERSION] --input FILE.json [--json] [--lang zh|en]``.

Exit codes: 0 pass, 1 fail, 2 incomplete, 3 bad input (unknown scheme, unreadable or invalid
JSON, unit errors). ``list`` prints the shipped schemes.
"""

from __future__ import annotations

import argparse
import datetime
import json
import sys
import unicodedata
from typing import Any, NoReturn, TextIO

from .engine import evaluate
from .errors import LocalizedError
from .explain import OUTCOME_WORDS, VERDICT_WORDS, measured_text, requirement
from .model import ATTRIBUTE_NAMES, BaselineRequirement, Indicator, Scheme
from .registry import load_shipped_schemes
from .results import Evaluation

EXIT_CODES = {"pass": 0, "fail": 1, "incomplete": 2}
EXIT_BAD_INPUT = 3


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        raise _UsageError(message)


class _UsageError(Exception):
    pass


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="greencert evaluate", description="Green certification criteria engine")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("evaluate", help="judge a submission against a scheme")
    run.add_argument("--scheme", required=True, help="ID or ID@VERSION, e.g. cgp-paper@2024")
    run.add_argument("--input", required=True, help="submission JSON file, or - for stdin")
    run.add_argument("--json", action="store_true", help="print the result as JSON")
    run.add_argument("--lang", choices=("zh", "en"), default="zh")
    run.add_argument(
        "--on",
        type=datetime.date.fromisoformat,
        help="date picking the version in force (default today)",
    )
    listing = commands.add_parser("list", help="list shipped schemes")
    listing.add_argument("--lang", choices=("zh", "en"), default="zh")
    return parser


def main(
    argv: list[str] | None = None, stdout: TextIO | None = None, stderr: TextIO | None = None
) -> int:
    out, err = stdout or sys.stdout, stderr or sys.stderr
    try:
        args = _parser().parse_args(argv)
    except _UsageError as exc:
        err.write(f"{exc}\n")
        return EXIT_BAD_INPUT
    registry = load_shipped_schemes()
    if args.command == "list":
        for scheme in registry:
            until = scheme.effective_until or "—"
            out.write(
                f"{scheme.key}\t{scheme.standard}\t{scheme.title.get(args.lang)}\t{scheme.effective_from} → {until}\n"
            )
        return 0
    try:
        scheme = registry.resolve(args.scheme, args.on)
        submission = _read_json(args.input)
        result = evaluate(scheme, submission)
    except LocalizedError as exc:
        err.write(exc.message(args.lang) + "\n")
        return EXIT_BAD_INPUT
    except (OSError, ValueError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else str(exc)
        zh_en = (
            f"无法读取提交数据 {args.input}：{reason}",
            f"cannot read submission {args.input}: {reason}",
        )
        err.write(zh_en[0 if args.lang == "zh" else 1] + "\n")
        return EXIT_BAD_INPUT
    if args.json:
        out.write(json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n")
    else:
        out.write(render(result, args.lang))
    return EXIT_CODES[result.verdict]


def _read_json(name: str) -> Any:
    if name == "-":
        return json.load(sys.stdin)
    with open(name, encoding="utf-8") as handle:
        return json.load(handle, parse_float=str)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _table(rows: list[list[str]]) -> str:
    widths = [max(_width(row[column]) for row in rows) for column in range(len(rows[0]))]
    lines = []
    for index, row in enumerate(rows):
        cells = [
            cell + " " * (width - _width(cell)) for cell, width in zip(row, widths, strict=True)
        ]
        lines.append("  ".join(cells).rstrip())
        if index == 0:
            lines.append("  ".join("-" * width for width in widths))
    return "\n".join(lines) + "\n"


def render(result: Evaluation, lang: str) -> str:
    """The result as a table for people, followed by findings and the fingerprint."""
    zh = lang == "zh"
    scheme: Scheme = result.scheme
    header = (
        ["项目", "属性", "实测", "要求", "结论"]
        if zh
        else ["Item", "Attribute", "Measured", "Required", "Outcome"]
    )
    rows = [header]
    for item in result.items:
        subject = item.item
        name = subject.text if isinstance(subject, BaselineRequirement) else subject.name
        attribute, needed = "", "是" if zh else "yes"
        if isinstance(subject, Indicator):
            attribute = ATTRIBUTE_NAMES[subject.attribute][0 if zh else 1]
            needed = requirement(subject).get(lang) + ("" if subject.confirmed else " *")
        elif not isinstance(subject, BaselineRequirement):
            attribute, needed = subject.section, f"≤ {subject.points}"
        word = OUTCOME_WORDS[item.outcome][0 if zh else 1]
        rows.append([name.get(lang), attribute, measured_text(item, lang), needed, word])
    for part in result.sections:
        word = OUTCOME_WORDS[part.outcome][0 if zh else 1]
        rows.append(
            [part.section.name.get(lang), "", str(part.score), f"≥ {part.section.pass_mark}", word]
        )
    text = f"{scheme.standard} {scheme.title.get(lang)} ({scheme.key})\n\n" + _table(rows)
    if any(isinstance(i.item, Indicator) and not i.item.confirmed for i in result.items):
        text += (
            "* "
            + (
                "基准值未经标准原文确认"
                if zh
                else "reference value not confirmed against the standard's text"
            )
            + "\n"
        )
    findings = [i.explanation.get(lang) for i in result.items if i.outcome in ("fail", "missing")]
    findings += [p.explanation.get(lang) for p in result.sections if p.outcome != "pass"]
    if findings:
        text += (
            "\n"
            + ("说明：" if zh else "Findings:")
            + "\n"
            + "".join(f"- {line}\n" for line in findings)
        )
    for metric in result.metrics:
        if metric.value is not None:
            text += f"{metric.metric.name.get(lang)}: {metric.value} {metric.metric.unit}\n"
    verdict = VERDICT_WORDS[result.verdict][0 if zh else 1]
    text += f"\n{'结论' if zh else 'Verdict'}: {verdict}\n{result.summary.get(lang)}\n"
    text += f"{'指纹' if zh else 'Fingerprint'}: {result.fingerprint}\n"
    return text
