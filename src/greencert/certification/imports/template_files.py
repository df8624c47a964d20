"""Import templates (导入模板): the header row in both languages and one example row; as XLSX also a
second sheet explaining each column (required or not, format, example)."""

from __future__ import annotations

import csv
import datetime as dt
import io

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from greencert.certification.body_numbers import rule_for
from greencert.certification.imports.columns import Column, Kind, columns
from greencert.parties.models import CertificationBody

FORMATS = ("csv", "xlsx")
HEADER_FILL = PatternFill("solid", fgColor="E6F4EA")


def example(column: Column, body: CertificationBody | None, today: dt.date) -> str:
    """The example row's value: the body's own number format where a body is named."""
    return column.example.format(
        body_number_example=rule_for(body.approval_number if body else "").example,
        in_three_months=(today + dt.timedelta(days=90)).isoformat(),
    )


def required_text(column: Column) -> tuple[str, str]:
    if column.required:
        return "必填", "required"
    if column.required_for_new_holder:
        return "持证人未登记时必填", "required when the holder is not registered"
    return "选填", "optional"


def template_csv(kind: Kind, body: CertificationBody | None = None) -> bytes:
    """UTF-8 with a byte-order mark, so that Excel opens the Chinese headers correctly."""
    today = timezone.localdate()
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow([c.header for c in columns(kind)])
    writer.writerow([example(c, body, today) for c in columns(kind)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def template_xlsx(kind: Kind, body: CertificationBody | None = None) -> bytes:
    today = timezone.localdate()
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "证书 certificates" if kind == "certificates" else "变更 changes"
    bold = Font(bold=True)
    for index, column in enumerate(columns(kind), start=1):
        letter = get_column_letter(index)
        header = sheet.cell(row=1, column=index, value=column.header)
        header.font, header.fill = bold, HEADER_FILL
        value = example(column, body, today)
        cell = sheet.cell(row=2, column=index)
        if column.kind == "date":
            if value:
                cell.value = dt.date.fromisoformat(value)
            cell.number_format = "yyyy-mm-dd"
        else:
            # As text, so Excel keeps leading zeros and long digit strings (numbers, codes).
            cell.value = value or None
            cell.number_format = "@"
        sheet.column_dimensions[letter].width = max(14, min(40, len(column.header) + 6))
        if column.kind != "date":
            sheet.column_dimensions[letter].number_format = "@"
    sheet.freeze_panes = "A2"
    guide = workbook.create_sheet("说明 columns")
    guide.append(
        [
            "列 column",
            "表头 header",
            "必填 required",
            "格式 format (中文)",
            "format (English)",
            "示例 example",
        ]
    )
    for cell in guide[1]:
        cell.font, cell.fill = bold, HEADER_FILL
    for index, column in enumerate(columns(kind), start=1):
        zh, en = required_text(column)
        guide.append(
            [
                get_column_letter(index),
                column.header,
                f"{zh} {en}",
                column.format_zh,
                column.format_en,
                example(column, body, today),
            ]
        )
    for letter, width in zip("ABCDEF", (8, 34, 22, 60, 60, 30), strict=True):
        guide.column_dimensions[letter].width = width
    for row in guide.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def template_file(kind: Kind, file_format: str, body: CertificationBody | None = None) -> bytes:
    return template_xlsx(kind, body) if file_format == "xlsx" else template_csv(kind, body)


def template_name(kind: Kind, file_format: str) -> str:
    return f"greencert-import-{kind}.{file_format}"
