"""What is wrong with a row of an import file, said in both languages, and the XLSX error report."""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

from greencert.core.errors import UserFacingError


@dataclass(frozen=True)
class RowProblem:
    """One problem of one row. ``row`` is the row number the spreadsheet shows (the header is row
    1); ``letter`` the column's letter in the file ("" when the file lacks the column or the problem
    is the row's as a whole); ``column`` its header, as the templates write it."""

    row: int
    column: str
    letter: str
    value: str
    expected_zh: str
    expected_en: str
    code: str = "invalid"

    @property
    def where_zh(self) -> str:
        column = (f"{self.letter} 列" if self.letter else "") + (
            f"「{self.column}」" if self.column else ""
        )
        return f"第 {self.row} 行" + (f"，{column}" if column else "")

    @property
    def where_en(self) -> str:
        place = f"row {self.row}"
        if self.letter:
            place += f", column {self.letter}"
        if self.column:
            place += f" ({self.column})" if self.letter else f", column {self.column}"
        return place

    @property
    def message_zh(self) -> str:
        shown = f"“{self.value}”" if self.value else "（空）"
        return f"{self.where_zh}：值 {shown} 不符合要求，应为：{self.expected_zh}"

    @property
    def message_en(self) -> str:
        shown = f"“{self.value}”" if self.value else "(empty)"
        return f"{self.where_en}: {shown} is not accepted; expected {self.expected_en}"

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def shown(value: Any) -> str:
    """A cell value as the report shows it."""
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value)


def from_error(row: int, error: UserFacingError, column: str = "", letter: str = "") -> RowProblem:
    return RowProblem(
        row=row,
        column=column,
        letter=letter,
        value=shown(error.value),
        expected_zh=error.expected_zh,
        expected_en=error.expected_en,
        code=error.code,
    )


REPORT_HEADERS = [
    "行 row",
    "列 column",
    "字段 field",
    "值 value",
    "应为 expected (中文)",
    "expected (English)",
]


def error_report(problems: Iterable[RowProblem], *, note: str = "") -> bytes:
    """The problems as an XLSX workbook, one row each, in the order found."""
    from openpyxl import Workbook  # only for a report: a long import every process would pay

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("错误 problems")
    sheet.column_dimensions["A"].width = 8
    sheet.column_dimensions["B"].width = 8
    sheet.column_dimensions["C"].width = 30
    sheet.column_dimensions["D"].width = 28
    sheet.column_dimensions["E"].width = 60
    sheet.column_dimensions["F"].width = 60
    if note:
        sheet.append([note])
    sheet.append(REPORT_HEADERS)
    for problem in problems:
        sheet.append(
            [
                problem.row,
                problem.letter,
                problem.column,
                problem.value,
                problem.expected_zh,
                problem.expected_en,
            ]
        )
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
