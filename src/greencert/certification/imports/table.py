"""Reading an import file: CSV (UTF-8 with or without a byte-order mark, UTF-16 with one, or the
GB18030 a Chinese Excel writes when it saves "CSV") or XLSX (the first sheet).

Rows are numbered as the spreadsheet shows them: the header is row 1. A CSV cell may hold line
breaks, so a row's number is its record's, not its first line's. Empty rows are skipped but keep
their numbers. XLSX cells are read as text (``cell_text``: dates as YYYY-MM-DD, whole numbers
without ".0"), which is what the cell readers expect of a CSV cell too.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from greencert.core.errors import ValidationFailed

XLSX_MAGIC = b"PK\x03\x04"
# Joins an XLSX row's cells into one string between passes; no text a person types holds it.
UNIT_SEPARATOR = "\x1f"
FORMATS = ("csv", "xlsx")


def unreadable(name: str, zh: str, en: str) -> ValidationFailed:
    return ValidationFailed(field="file", value=name, expected_zh=zh, expected_en=en)


def decode(data: bytes, name: str = "") -> tuple[str, str]:
    """The text of a CSV file and the encoding it was read in: UTF-8 or UTF-16 by their byte-order
    marks, else UTF-8 if the bytes are valid UTF-8, else GB18030."""
    if data.startswith(codecs.BOM_UTF8):
        candidates = [("utf-8-sig", data[len(codecs.BOM_UTF8) :], "utf-8")]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = [("utf-16", data, "utf-16")]
    else:
        candidates = [("utf-8", data, "utf-8"), ("gb18030", data, "gb18030")]
    for label, raw, codec in candidates:
        try:
            return raw.decode(codec), label
        except UnicodeDecodeError:
            continue
    raise unreadable(
        name,
        "UTF-8 或 GB18030（Excel 另存为“CSV”）编码的 CSV 文件",
        "a CSV file in UTF-8 or GB18030 (what Excel saves as “CSV”)",
    )


@dataclass
class Table:
    """A file's header cells and its rows, as (row number, cells)."""

    name: str
    format: str
    header: list[str]
    encoding: str = ""
    _csv_text: str = ""
    _xlsx: bytes = b""
    _packed: list[tuple[int, str]] | None = None

    def estimated_rows(self) -> int | None:
        """About how many data rows the file has (for progress bars), without reading them."""
        if self.format == "csv":
            lines = self._csv_text.count("\n") + (not self._csv_text.endswith("\n"))
            return max(0, lines - 1)
        sheet, workbook = _first_sheet(self._xlsx, self.name)
        try:
            return max(0, sheet.max_row - 1) if sheet.max_row else None
        finally:
            workbook.close()

    def rows(self) -> Iterator[tuple[int, list[Any]]]:
        """The data rows, each as its number and its cells; empty rows are left out."""
        if self.format == "csv":
            reader = csv.reader(io.StringIO(self._csv_text, newline=""), _dialect(self._csv_text))
            next(reader, None)
            for number, cells in enumerate(reader, start=2):
                if any(cell.strip() for cell in cells):
                    yield number, list(cells)
            return
        if self._packed is not None:
            for number, packed in self._packed:
                yield number, packed.split(UNIT_SEPARATOR)
            return
        # Opening and reading an XLSX file costs far more than splitting text, so its rows are
        # kept as one string each for the next pass (the import after the check).
        packed_rows: list[tuple[int, str]] = []
        sheet, workbook = _first_sheet(self._xlsx, self.name)
        try:
            for number, values in enumerate(sheet.iter_rows(min_row=2, values_only=True), 2):
                if any(_filled(value) for value in values):
                    texts = [cell_text(v).replace(UNIT_SEPARATOR, " ") for v in values]
                    packed_rows.append((number, UNIT_SEPARATOR.join(texts)))
                    yield number, texts
        finally:
            workbook.close()
        self._packed = packed_rows


def _filled(value: Any) -> bool:
    return value is not None and (not isinstance(value, str) or bool(value.strip()))


def _dialect(text: str) -> type[csv.Dialect]:
    """Comma-separated, or tab-separated where the header line has tabs and no commas."""
    first = text.split("\n", 1)[0]
    return csv.excel_tab if "\t" in first and "," not in first else csv.excel


def _first_sheet(data: bytes, name: str) -> tuple[Any, Any]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged or foreign file
        raise unreadable(
            name,
            "可以打开的 XLSX 文件（Excel 2007 及以后）",
            "an XLSX file (Excel 2007 or later) that opens",
        ) from None
    return workbook.worksheets[0], workbook


def read_table(data: bytes, name: str) -> Table:
    """Read a file's header; its rows are read when ``Table.rows`` is iterated."""
    if data.startswith(XLSX_MAGIC) or name.lower().endswith(".xlsx"):
        sheet, workbook = _first_sheet(data, name)
        try:
            header_row = next(sheet.iter_rows(min_row=1, max_row=1, values_only=True), ())
        finally:
            workbook.close()
        header = [cell_text(value) for value in header_row]
        table = Table(name, "xlsx", header, _xlsx=data)
    else:
        text, encoding = decode(data, name)
        first = next(csv.reader(io.StringIO(text, newline=""), _dialect(text)), [])
        table = Table(name, "csv", [cell.strip() for cell in first], encoding, _csv_text=text)
    while table.header and not table.header[-1]:
        table.header.pop()
    if not table.header:
        raise unreadable(
            name,
            "第 1 行为列名（表头）的导入文件",
            "an import file whose first row names the columns",
        )
    return table


def read_path(path: Path) -> Table:
    return read_table(path.read_bytes(), path.name)


def cell_text(value: Any) -> str:
    """A cell as text: XLSX numbers without a trailing .0, dates as YYYY-MM-DD."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time.min else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()
