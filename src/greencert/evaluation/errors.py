"""Errors a scheme author or a submitter can cause, worded in zh-hans and English."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong: where it is (a field path) and what was expected, in both languages."""

    location: str
    zh: str
    en: str

    def message(self, lang: str = "en") -> str:
        text = self.zh if lang == "zh" else self.en
        return f"{self.location}: {text}" if self.location else text

    def to_dict(self) -> dict[str, str]:
        return {"location": self.location, "zh": self.zh, "en": self.en}


class LocalizedError(Exception):
    """An error carrying one or more problems, each with a zh-hans and an English message."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__(self.message("en"))

    def message(self, lang: str = "en") -> str:
        return "\n".join(problem.message(lang) for problem in self.problems)

    def bilingual(self) -> str:
        lines = []
        for problem in self.problems:
            lines.append(problem.message("zh"))
            lines.append(problem.message("en"))
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.bilingual()


class SchemeError(LocalizedError):
    """A scheme file (评价方案) is unreadable or breaks the published scheme schema."""

    def __init__(self, source: str, problems: Iterable[Problem]) -> None:
        self.source = source
        super().__init__(
            Problem(f"{source}: {p.location}" if p.location else source, p.zh, p.en)
            for p in problems
        )


class SubmissionError(LocalizedError):
    """A submission (申请评价数据) is malformed: unknown field, bad number, wrong unit."""


class ExpressionError(ValueError):
    """A formula or condition breaks the expression grammar; names the character position."""

    def __init__(self, position: int, zh: str, en: str) -> None:
        self.position = position
        self.zh = f"第 {position} 个字符处：{zh}"
        self.en = f"at position {position}: {en}"
        super().__init__(self.en)
