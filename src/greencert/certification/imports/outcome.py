"""What checking and importing a file came to: rows read, imported, already present, refused, and
every problem, with the one-line summary the command ends with."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import TypeVar

from greencert.certification.imports.problems import RowProblem

T = TypeVar("T")


def chunks(items: Iterable[T], size: int) -> Iterator[list[T]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


@dataclass
class Checked:
    """The rows of a file after the check, by row number."""

    rows_read: int = 0
    valid: list[int] = field(default_factory=list)
    present: list[int] = field(default_factory=list)
    refused: list[int] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)

    def refuse(self, row: int, problems: list[RowProblem]) -> None:
        self.refused.append(row)
        self.problems += problems


@dataclass
class Outcome:
    """``valid_rows``: rows that passed the check and were not in the registry yet. ``held_back``:
    nothing was imported because some row was refused and only valid rows were not asked for.
    ``stopped``: a row passed the check but was refused when written, and the import stopped."""

    kind: str
    rows_read: int = 0
    valid_rows: list[int] = field(default_factory=list)
    imported: int = 0
    already_present: int = 0
    refused: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    header_problems: bool = False
    dry_run: bool = False
    held_back: bool = False
    stopped: bool = False

    @classmethod
    def after_check(cls, kind: str, checked: Checked, header: list[RowProblem]) -> Outcome:
        outcome = cls(
            kind=kind,
            rows_read=checked.rows_read,
            valid_rows=checked.valid,
            already_present=len(checked.present),
            refused=len(checked.refused),
            problems=[*header, *checked.problems],
            header_problems=bool(header),
        )
        if header:  # the file as a whole is refused until its header is right
            outcome.refused = outcome.rows_read - outcome.already_present
        return outcome

    def refuse_late(self, row: int, problems: list[RowProblem]) -> None:
        """A row that passed the check and was refused when written."""
        self.refused += 1
        self.problems += problems

    @property
    def ok(self) -> bool:
        """Every row valid and, unless a dry run, imported or already present."""
        if self.problems or self.stopped or self.held_back:
            return False
        return self.dry_run or self.imported == len(self.valid_rows)

    @property
    def not_imported(self) -> int:
        """Valid rows left out: held back, a dry run, or after an import stopped."""
        return self.rows_read - self.imported - self.already_present - self.refused

    def summary_zh(self) -> str:
        text = (
            f"读取 {self.rows_read} 行，导入 {self.imported}，已存在 {self.already_present}，"
            f"拒绝 {self.refused}"
        )
        if self.not_imported:
            why = "试运行" if self.dry_run else "未导入"
            text += f"（{why}：{self.not_imported} 行有效）"
        return text

    def summary_en(self) -> str:
        text = (
            f"rows read {self.rows_read}, imported {self.imported}, already present "
            f"{self.already_present}, refused {self.refused}"
        )
        if self.not_imported:
            why = "dry run" if self.dry_run else "not imported"
            text += f" ({why}: {self.not_imported} valid)"
        return text

    def verdict_zh(self) -> str:
        """Why nothing or not everything was imported, or "" when all went in."""
        if self.header_problems:
            return "表头有误，未导入任何行：请按模板修正表头后重新导入。"
        if self.held_back:
            return "有行被拒绝，未导入任何行：请修正后重新导入，或选择仅导入有效行。"
        if self.stopped:
            return "某行在写入时被拒绝，导入已停止；此前的批次已导入，修正后重新导入即可补齐。"
        return ""

    def verdict_en(self) -> str:
        if self.header_problems:
            return "The header row is wrong, so no row was imported: fix it as in the template."
        if self.held_back:
            return (
                "Some rows were refused, so no row was imported: fix them and import again, or "
                "import the valid rows only."
            )
        if self.stopped:
            return (
                "A row was refused when written and the import stopped; the batches before it "
                "are in: fix the row and import again to complete it."
            )
        return ""
