"""The columns of the import files, read from ``data/import_columns.yaml``, and how a file's
header row is matched to them.

A header cell names its column by the record field (``body_number``), by the Chinese name
(``机构证书编号``) or by both, as the templates write it (``机构证书编号 body_number``); case,
spaces and full-width characters do not matter.
"""

from __future__ import annotations

import dataclasses
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

import yaml

from greencert.certification.actions import CHANGEABLE_FIELDS
from greencert.certification.intake import ChangeRecord, IssueRecord
from greencert.certification.site_changes import INSPECTION_FIELDS

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "import_columns.yaml"
Kind = Literal["certificates", "changes"]
KINDS: tuple[Kind, ...] = ("certificates", "changes")
CELL_KINDS = {"text", "date", "products", "integer"}


@dataclass(frozen=True)
class Column:
    field: str
    zh: str
    required: bool
    required_for_new_holder: bool
    kind: str
    format_zh: str
    format_en: str
    example: str

    @property
    def header(self) -> str:
        """What the templates write in the header row."""
        return f"{self.zh} {self.field}"


def _column(spec: dict[str, Any], where: str) -> Column:
    if spec["kind"] not in CELL_KINDS:
        raise ValueError(
            f"import_columns.yaml: {where}: kind {spec['kind']!r} is not one of "
            f"{sorted(CELL_KINDS)}"
        )
    required = spec["required"]
    return Column(
        field=spec["field"],
        zh=spec["zh"],
        required=required is True,
        required_for_new_holder=required == "new holder",
        kind=spec["kind"],
        format_zh=spec["format"]["zh"],
        format_en=spec["format"]["en"],
        example=str(spec.get("example", "")),
    )


@cache
def columns(kind: Kind) -> tuple[Column, ...]:
    """The columns of ``kind``'s files, in template order; checked against the record fields."""
    data = yaml.safe_load(DATA_FILE.read_text(encoding="utf-8"))
    loaded = tuple(_column(spec, f"{kind}.{spec['field']}") for spec in data[kind])
    fields = [c.field for c in loaded]
    if kind == "certificates":
        expected = {f.name for f in dataclasses.fields(IssueRecord)}
    else:
        expected = {f.name for f in dataclasses.fields(ChangeRecord)} - {"changes", "inspection"}
        expected |= {f"changes.{name}" for name in CHANGEABLE_FIELDS}
        expected |= {f"inspection.{name}" for name in INSPECTION_FIELDS}
    if len(set(fields)) != len(fields) or set(fields) != expected:
        raise ValueError(
            f"import_columns.yaml: {kind} columns {sorted(set(fields) ^ expected)} do not match "
            "the record's fields one to one"
        )
    return loaded


def _folded(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split()).lower()


@cache
def _names(kind: Kind) -> dict[str, Column]:
    names: dict[str, Column] = {}
    for column in columns(kind):
        for name in (column.field, column.zh, column.zh + column.field, column.header):
            names[_folded(name)] = column
    return names


def column_for_header(kind: Kind, header: str) -> Column | None:
    """The column a header cell names, or None."""
    return _names(kind).get(_folded(header))


def letter(index: int) -> str:
    """The spreadsheet letter of the 0-based column ``index`` (0 → A, 26 → AA)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters
