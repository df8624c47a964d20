"""Where each column is in a file (its header row matched to the template's columns), and a row's
cells read into the fields of a record, with a problem for each cell that cannot be read."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from greencert.certification.imports import cells
from greencert.certification.imports.columns import Column, Kind, column_for_header, columns, letter
from greencert.certification.imports.problems import RowProblem, from_error
from greencert.certification.imports.table import cell_text
from greencert.core.errors import UserFacingError, ValidationFailed

HEADER_ROW = 1


@dataclass
class Layout:
    """The columns a file has, by field, and what is wrong with its header row. ``complete`` is
    False when a required column is missing: its rows cannot be checked."""

    kind: Kind
    positions: dict[str, int]
    problems: list[RowProblem] = field(default_factory=list)

    @cached_property
    def plan(self) -> list[tuple[Column, int | None, Callable[[Any, str], Any]]]:
        """Each column with its position in the file and the reader of its cells."""
        return [(c, self.positions.get(c.field), READERS[c.kind]) for c in columns(self.kind)]

    @property
    def complete(self) -> bool:
        return all(c.field in self.positions for c in columns(self.kind) if c.required)

    def column(self, name: str) -> Column:
        return next(c for c in columns(self.kind) if c.field == name)

    def letter(self, name: str) -> str:
        return letter(self.positions[name]) if name in self.positions else ""

    def problem(self, row: int, error: UserFacingError, name: str | None = None) -> RowProblem:
        """``error`` as a problem of ``row`` in the column of ``name`` (its field by default)."""
        name = name if name is not None else error.field
        known = any(c.field == name for c in columns(self.kind))
        return from_error(
            row,
            error,
            column=self.column(name).header if known else "",
            letter=self.letter(name) if known else "",
        )


def layout_of(kind: Kind, header: list[str]) -> Layout:
    positions: dict[str, int] = {}
    problems: list[RowProblem] = []
    for index, text in enumerate(header):
        if not text:
            continue
        column = column_for_header(kind, text)
        if column is None:
            problems.append(
                RowProblem(
                    row=HEADER_ROW,
                    column="",
                    letter=letter(index),
                    value=text,
                    expected_zh="模板中的列名（如「机构证书编号 body_number」）；其他列请删除",
                    expected_en="a column of the template (e.g. “机构证书编号 body_number”); "
                    "remove other columns",
                    code="unknown_column",
                )
            )
        elif column.field in positions:
            problems.append(
                RowProblem(
                    row=HEADER_ROW,
                    column=column.header,
                    letter=letter(index),
                    value=text,
                    expected_zh=f"每列只出现一次（{letter(positions[column.field])} 列已是该列）",
                    expected_en=f"each column once (column {letter(positions[column.field])} "
                    "is this column already)",
                    code="duplicate_column",
                )
            )
        else:
            positions[column.field] = index
    for column in columns(kind):
        if column.required and column.field not in positions:
            problems.append(
                RowProblem(
                    row=HEADER_ROW,
                    column=column.header,
                    letter="",
                    value="",
                    expected_zh=f"必填列「{column.header}」（第 1 行表头中缺少该列）",
                    expected_en=f"the required column “{column.header}” (the header row lacks it)",
                    code="missing_column",
                )
            )
    return Layout(kind, positions, problems)


@dataclass
class ReadRow:
    """A row's values by field (dates as dates, products as lists), and the problems of the
    cells that could not be read; ``unread`` names their fields."""

    number: int
    values: dict[str, Any]
    problems: list[RowProblem]
    unread: set[str]


READERS: dict[str, Callable[[Any, str], Any]] = {
    "date": cells.read_date,
    "products": cells.read_products,
    "integer": cells.read_integer,
    "text": lambda raw, _field: raw.strip() if isinstance(raw, str) else cell_text(raw),
}


def read_row(layout: Layout, number: int, row: list[Any]) -> ReadRow:
    values: dict[str, Any] = {}
    problems: list[RowProblem] = []
    unread: set[str] = set()
    width = len(row)
    for column, index, read in layout.plan:
        raw = row[index] if index is not None and index < width else None
        try:
            value = read(raw, column.field)
        except ValidationFailed as error:
            problems.append(layout.problem(number, error))
            unread.add(column.field)
            continue
        if column.required and value in ("", None):
            problems.append(
                layout.problem(
                    number,
                    ValidationFailed(
                        field=column.field,
                        value="",
                        expected_zh=f"必填：{column.format_zh}",
                        expected_en=f"a value (required): {column.format_en}",
                        code="required",
                    ),
                )
            )
            unread.add(column.field)
            continue
        values[column.field] = value
    return ReadRow(number, values, problems, unread)
