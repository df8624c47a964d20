"""``greencert import``: templates, the exit code, each problem in both languages, the summary on
the last line, the XLSX error report, and who an import is recorded as."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from greencert.certification.imports.columns import columns
from greencert.certification.imports.progress import ProgressBar
from greencert.certification.imports.testing import csv_bytes, xlsx_bytes
from greencert.certification.models import Certificate, ImportRun
from greencert.core.actors import Actor
from greencert.core.tests.fixtures import COATINGS_UNIT
from greencert.parties.models import CertificationBody

pytestmark = pytest.mark.django_db


def rows(*site_regions: str) -> list[dict[str, Any]]:
    return [
        {
            "body_number": f"ZJ-2025-GP-{n:04d}",
            "holder_credit_code": "91330500MA2B3C4D5B",
            "holder_name": "湖州绿源涂料有限公司",
            "category": "coatings",
            "certification_unit": COATINGS_UNIT,
            "site_region": site,
            "production_site": "湖州市吴兴区绿色路 2 号",
            "issue_date": dt.date(2025, 3, 1),
        }
        for n, site in enumerate(site_regions, start=1)
    ]


def run(*args: str) -> tuple[int, list[str]]:
    out = io.StringIO()
    try:
        call_command("import", *args, stdout=out)
        code = 0
    except SystemExit as exit:
        code = int(exit.code or 0)
    return code, out.getvalue().splitlines()


@pytest.fixture
def good_file(tmp_path: Path) -> Path:
    path = tmp_path / "certificates.csv"
    path.write_bytes(csv_bytes("certificates", rows("330500", "320500")))
    return path


def test_a_valid_file_is_imported_with_exit_code_zero_and_a_summary_last(
    good_file: Path, body: CertificationBody, body_staff: Actor
) -> None:
    code, lines = run(
        "certificates", str(good_file), "--body", body.approval_number, "--user", "staff"
    )
    assert code == 0
    assert lines[-1] == (
        "读取 2 行，导入 2，已存在 0，拒绝 0 / rows read 2, imported 2, already present 0, refused 0"
    )
    assert Certificate.objects.count() == 2
    run_record = ImportRun.objects.get()
    assert (run_record.imported, run_record.state, run_record.actor_label) == (
        2,
        "done",
        "user:staff",
    )
    code, lines = run(
        "certificates", str(good_file), "--body", body.approval_number, "--user", "staff"
    )
    assert code == 0 and "already present 2" in lines[-1]


def test_a_bad_row_exits_non_zero_imports_nothing_and_writes_the_error_report(
    tmp_path: Path, body: CertificationBody, body_staff: Actor
) -> None:
    path = tmp_path / "bad.xlsx"
    path.write_bytes(xlsx_bytes("certificates", rows("330500", "110000")))
    report = tmp_path / "errors.xlsx"
    code, lines = run(
        "certificates",
        str(path),
        "--body",
        body.approval_number,
        "--user",
        "staff",
        "--errors",
        str(report),
    )
    assert code == 1
    assert lines[0].startswith("第 3 行，F 列「场所所在地区划代码 site_region」：值 “110000”")
    assert lines[1].startswith("  row 3, column F (场所所在地区划代码 site_region): “110000”")
    assert lines[-1].endswith("refused 1 (not imported: 1 valid)")
    assert not Certificate.objects.exists()
    sheet = load_workbook(report).active
    assert sheet is not None
    assert next(sheet.iter_rows(min_row=2, values_only=True))[:4] == (
        3,
        "F",
        "场所所在地区划代码 site_region",
        "110000",
    )


def test_valid_only_imports_the_valid_rows_and_still_exits_non_zero(
    tmp_path: Path, body: CertificationBody, body_staff: Actor
) -> None:
    path = tmp_path / "mixed.csv"
    path.write_bytes(csv_bytes("certificates", rows("330500", "110000")))
    code, lines = run(
        "certificates", str(path), "--body", body.approval_number, "--user", "staff", "--valid-only"
    )
    assert code == 1
    assert "imported 1" in lines[-1] and "refused 1" in lines[-1]
    assert Certificate.objects.count() == 1


def test_a_dry_run_needs_no_user_and_writes_nothing(
    good_file: Path, body: CertificationBody
) -> None:
    code, lines = run("certificates", str(good_file), "--body", body.approval_number, "--dry-run")
    assert code == 0
    assert "dry run: 2 valid" in lines[-1]
    assert not Certificate.objects.exists() and not ImportRun.objects.exists()


def test_an_import_is_recorded_as_a_staff_member_of_the_body(
    good_file: Path, body: CertificationBody, other_body_staff: Actor
) -> None:
    with pytest.raises(CommandError) as no_user:
        run("certificates", str(good_file), "--body", body.approval_number)
    assert "--user" in str(no_user.value)
    with pytest.raises(CommandError) as outsider:
        run("certificates", str(good_file), "--body", body.approval_number, "--user", "other-staff")
    assert "staff" in str(outsider.value) and "机构人员" in str(outsider.value)
    assert outsider.value.returncode == 2
    assert not Certificate.objects.exists() and not ImportRun.objects.exists()


def test_an_unknown_body_or_an_unreadable_file_cannot_run(
    good_file: Path, tmp_path: Path, body: CertificationBody
) -> None:
    with pytest.raises(CommandError) as unknown:
        run("certificates", str(good_file), "--body", "CNCA-R-1999-999", "--dry-run")
    assert unknown.value.returncode == 2
    garbage = tmp_path / "garbage.csv"
    garbage.write_bytes(b"\xff\xfe\x00\xd8broken" * 3)
    with pytest.raises(CommandError):
        run("certificates", str(garbage), "--body", body.approval_number, "--dry-run")


@pytest.mark.parametrize("kind", ["certificates", "changes"])
def test_the_csv_template_has_bilingual_headers_and_one_example_row(
    tmp_path: Path, kind: str
) -> None:
    path = tmp_path / f"{kind}.csv"
    run("template", kind, "--format", "csv", "-o", str(path))
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    header, example, *rest = csv.reader(io.StringIO(data.decode("utf-8-sig")))
    assert header == [c.header for c in columns(kind)]
    assert header[0] in {"机构证书编号 body_number", "证书编号 certificate"}
    assert example[0] and not rest


def test_the_xlsx_template_explains_each_column_on_its_second_sheet(
    tmp_path: Path, body: CertificationBody
) -> None:
    path = tmp_path / "certificates.xlsx"
    run("template", "certificates", "-o", str(path), "--body", body.approval_number)
    workbook = load_workbook(path)
    data, guide = workbook.worksheets
    header = [cell.value for cell in data[1]]
    assert header[:2] == ["机构证书编号 body_number", "持证人统一社会信用代码 holder_credit_code"]
    assert data["R2"].value.date() == dt.date(2025, 3, 1)  # issue_date, a real date cell
    explained = {row[1]: row for row in guide.iter_rows(min_row=2, values_only=True)}
    assert set(explained) == set(header)
    assert explained["产品及型号 products"][2] == "选填 optional"
    assert "name: model1; model2" in str(explained["产品及型号 products"][4])
    assert explained["颁证日期 issue_date"][2] == "必填 required"


def test_the_template_example_row_imports_as_it_is(
    tmp_path: Path, body: CertificationBody, body_staff: Actor
) -> None:
    path = tmp_path / "template.xlsx"
    run("template", "certificates", "-o", str(path), "--body", body.approval_number)
    code, lines = run("certificates", str(path), "--body", body.approval_number, "--user", "staff")
    assert code == 0, lines
    assert Certificate.objects.get().products == [
        {"name": COATINGS_UNIT, "models": ["LH-200", "LH-300"]}
    ]


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_is_a_bar_redrawn_in_place_on_a_terminal_and_silent_on_short_runs_elsewhere() -> (
    None
):
    terminal = Terminal()
    bar = ProgressBar(terminal)
    bar("import", 500, 1000)
    bar.finish()
    assert terminal.getvalue().startswith("\r\x1b[2K导入 importing ")
    assert "500/1,000" in terminal.getvalue() and "rows/s" in terminal.getvalue()
    log = io.StringIO()
    quiet = ProgressBar(log)
    quiet("import", 500, 1000)
    assert log.getvalue() == ""
