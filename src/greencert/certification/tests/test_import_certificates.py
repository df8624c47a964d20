"""Bulk import of certificates: every row checked first and each problem reported at its row and
column; nothing imported while a row is refused unless only valid rows are asked for; the same
file imported twice imports nothing the second time; the batches write what issuing one by one
writes."""

from __future__ import annotations

import datetime as dt
import io
import random
from collections.abc import Callable
from typing import Any

import pytest
from openpyxl import load_workbook

from greencert.catalog.models import Category
from greencert.certification.imports.outcome import Outcome
from greencert.certification.imports.problems import error_report
from greencert.certification.imports.run import import_file
from greencert.certification.imports.table import read_table
from greencert.certification.imports.testing import csv_bytes, xlsx_bytes
from greencert.certification.lifecycle import EventType
from greencert.certification.models import Certificate, CertificateEvent
from greencert.core.actors import Actor
from greencert.core.errors import PermissionRefused
from greencert.core.projections import rebuild_projections
from greencert.core.tests.fixtures import COATINGS_UNIT, in_days
from greencert.parties.factory import credit_code
from greencert.parties.models import CertificationBody, Enterprise
from greencert.portal.models import RegistryTally, SearchDocument
from greencert.supervision.actions import list_on_blacklist

pytestmark = pytest.mark.django_db

ISSUED_ON = dt.date(2025, 3, 1)


def holder_code(n: int) -> str:
    return credit_code(random.Random(10_000 + n), "330500")


def row(n: int, **overrides: Any) -> dict[str, Any]:
    """A valid coatings certificate row; ``n`` makes its body number and holder its own."""
    values: dict[str, Any] = {
        "body_number": f"ZJ-2025-GP-{n:04d}",
        "holder_credit_code": holder_code(n),
        "holder_name": f"湖州绿源涂料有限公司{n}",
        "category": "coatings",
        "certification_unit": COATINGS_UNIT,
        "site_region": "330500",
        "production_site": f"湖州市吴兴区绿色路 {n} 号",
        "products": [{"name": COATINGS_UNIT, "models": [f"LH-{n}", f"LH-{n}A"]}],
        "standard": "GB/T 35602-2017",
        "issue_date": ISSUED_ON,
    }
    values.update(overrides)
    return values


@pytest.fixture
def run_import(body: CertificationBody, body_staff: Actor) -> Callable[..., Outcome]:
    def run(rows: list[dict[str, Any]], *, file: bytes | None = None, **options: Any) -> Outcome:
        data = file if file is not None else csv_bytes("certificates", rows, every_column=True)
        table = read_table(data, "certificates.csv")
        return import_file("certificates", table, body, body_staff, **options)

    return run


def problems_at(outcome: Outcome) -> list[tuple[int, str, str, str]]:
    return [(p.row, p.letter, (p.column.split() or [""])[-1], p.code) for p in outcome.problems]


def test_a_valid_file_issues_every_certificate_with_its_issued_event(
    run_import: Callable[..., Outcome], body_staff: Actor
) -> None:
    outcome = run_import([row(1), row(2), row(3)])
    assert (outcome.rows_read, outcome.imported, outcome.already_present, outcome.refused) == (
        3,
        3,
        0,
        0,
    )
    assert outcome.ok
    certificate = Certificate.objects.get(body_number="ZJ-2025-GP-0002")
    assert certificate.holder.name == "湖州绿源涂料有限公司2"
    assert certificate.products == [{"name": COATINGS_UNIT, "models": ["LH-2", "LH-2A"]}]
    assert certificate.standard and certificate.standard.code == "GB/T 35602-2017"
    assert certificate.expiry_date == dt.date(2030, 2, 28)
    event = certificate.events.get()
    assert event.event_type == EventType.ISSUED
    assert event.actor_label == body_staff.label
    assert certificate.last_event_sequence == event.sequence
    assert SearchDocument.objects.filter(certificate=certificate).exists()


def test_importing_the_same_file_twice_imports_nothing_the_second_time(
    run_import: Callable[..., Outcome],
) -> None:
    rows = [row(1), row(2)]
    run_import(rows)
    events = CertificateEvent.objects.count()
    again = run_import(rows)
    assert (again.imported, again.already_present, again.refused) == (0, 2, 0)
    assert again.ok
    assert CertificateEvent.objects.count() == events


def test_a_certificate_changed_since_its_import_is_still_already_present(
    run_import: Callable[..., Outcome], body_staff: Actor
) -> None:
    from greencert.certification.actions import change_certificate

    run_import([row(1)])
    certificate = Certificate.objects.get()
    change_certificate(
        body_staff,
        certificate,
        reason_code="M02",
        changes={"products": [{"name": COATINGS_UNIT, "models": ["LH-9"]}]},
    )
    assert run_import([row(1)]).already_present == 1


def test_a_body_number_the_body_has_with_other_content_is_refused(
    run_import: Callable[..., Outcome],
) -> None:
    run_import([row(1)])
    outcome = run_import([row(1, certification_unit="防水涂料")])
    assert problems_at(outcome) == [(2, "A", "body_number", "duplicate_body_number")]
    assert "认证单元" in outcome.problems[0].expected_zh
    assert "certification_unit" in outcome.problems[0].expected_en
    assert Certificate.objects.count() == 1


def test_every_kind_of_bad_row_is_reported_at_its_row_and_column_and_nothing_is_imported(
    run_import: Callable[..., Outcome],
    issue: Callable[..., Certificate],
    furniture: Category,
) -> None:
    issue(body_number="EXIST-0001", issue_date=ISSUED_ON)
    good_code = holder_code(1)
    bad_check = good_code[:-1] + ("0" if good_code[-1] != "0" else "1")
    rows = [
        row(1),  # row 2
        row(3, holder_credit_code=bad_check),
        row(4, site_region="110000"),  # Beijing: not a YRD region
        row(5, category="furniture", certification_unit="实木家具", standard=""),
        row(6, certification_unit="实木家具"),
        row(7, issue_date=dt.date(2017, 6, 1)),  # GB/T 35602-2017 in force from 2017-12-08
        row(8, issue_date=in_days(10)),
        row(9, expiry_date=dt.date(2031, 1, 1)),  # coatings: five years
        row(10, body_number="ZJ-2025-GP-0001"),  # row 2's
        row(11, body_number="EXIST-0001"),  # the registry's, other content
        row(12, issue_date="2025-13-45"),
    ]
    outcome = run_import(rows)
    assert problems_at(outcome) == [
        (3, "B", "holder_credit_code", "invalid_credit_code"),
        (4, "H", "site_region", "unknown_region"),
        (5, "F", "category", "category_not_authorised"),
        (6, "G", "certification_unit", "invalid"),
        (7, "L", "standard", "standard_not_in_force"),
        (8, "R", "issue_date", "invalid"),
        (9, "S", "expiry_date", "invalid"),
        (10, "A", "body_number", "duplicate_in_file"),
        (11, "A", "body_number", "duplicate_body_number"),
        (12, "R", "issue_date", "bad_date"),
    ]
    assert (outcome.rows_read, outcome.imported, outcome.refused) == (11, 0, 10)
    assert outcome.held_back and not outcome.ok
    assert Certificate.objects.count() == 1  # the one issued before
    by_row = {p.row: p for p in outcome.problems}
    assert by_row[3].value == bad_check
    assert "校验码" in by_row[3].expected_zh and "check character" in by_row[3].expected_en
    assert by_row[10].message_zh.startswith("第 10 行，A 列「机构证书编号 body_number」")
    assert by_row[10].message_en.startswith("row 10, column A (机构证书编号 body_number)")
    assert "row 2" in by_row[10].expected_en
    assert by_row[12].value == "2025-13-45"


def test_the_error_report_lists_each_problem_with_row_column_value_and_expectations(
    run_import: Callable[..., Outcome],
) -> None:
    outcome = run_import([row(1), row(2, site_region="999999")])
    sheet = load_workbook(io.BytesIO(error_report(outcome.problems))).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("行 row", "列 column", "字段 field", "值 value")
    assert rows[1][:4] == (3, "H", "场所所在地区划代码 site_region", "999999")
    assert "长三角" in str(rows[1][4]) and "YRD" in str(rows[1][5])


def test_a_missing_required_column_refuses_the_file_at_its_header(
    body: CertificationBody, body_staff: Actor
) -> None:
    rows = [{k: v for k, v in row(1).items() if k != "category"}]
    table = read_table(csv_bytes("certificates", rows), "no-category.csv")
    outcome = import_file("certificates", table, body, body_staff)
    assert problems_at(outcome) == [(1, "", "category", "missing_column")]
    assert (outcome.rows_read, outcome.refused, outcome.imported) == (1, 1, 0)
    assert "认证类别代码 category" in outcome.problems[0].expected_en


def test_an_unknown_column_refuses_the_file_but_every_row_is_still_checked(
    body: CertificationBody, body_staff: Actor
) -> None:
    data = csv_bytes("certificates", [row(1), row(2, site_region="1")], every_column=True)
    text = data.decode("utf-8-sig").splitlines()
    text = [line + ("," + "备注" if i == 0 else ",x") for i, line in enumerate(text)]
    table = read_table("\n".join(text).encode(), "extra.csv")
    outcome = import_file("certificates", table, body, body_staff)
    assert problems_at(outcome) == [
        (1, "W", "", "unknown_column"),
        (3, "H", "site_region", "unknown_region"),
    ]
    assert outcome.imported == 0 and outcome.header_problems


def test_valid_only_imports_the_valid_rows_and_reports_the_others(
    run_import: Callable[..., Outcome],
) -> None:
    outcome = run_import([row(1), row(2, site_region="110000"), row(3)], valid_only=True)
    assert (outcome.imported, outcome.refused) == (2, 1)
    assert not outcome.ok
    assert sorted(Certificate.objects.values_list("body_number", flat=True)) == [
        "ZJ-2025-GP-0001",
        "ZJ-2025-GP-0003",
    ]


def test_a_dry_run_checks_every_row_and_writes_nothing(
    run_import: Callable[..., Outcome],
) -> None:
    outcome = run_import([row(1), row(2)], dry_run=True)
    assert outcome.ok and outcome.not_imported == 2
    assert not Certificate.objects.exists() and not Enterprise.objects.exists()


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "utf-16"])
def test_csv_is_read_in_utf8_with_or_without_bom_gb18030_and_utf16(
    run_import: Callable[..., Outcome], encoding: str
) -> None:
    data = csv_bytes("certificates", [row(1)], encoding)
    assert run_import([], file=data).imported == 1
    assert Certificate.objects.get().holder.name == "湖州绿源涂料有限公司1"


def test_xlsx_is_read_like_csv_with_dates_and_numbers_as_excel_stores_them(
    run_import: Callable[..., Outcome],
) -> None:
    outcome = run_import([], file=xlsx_bytes("certificates", [row(1), row(2)]))
    assert (outcome.imported, outcome.refused) == (2, 0)
    certificate = Certificate.objects.get(body_number="ZJ-2025-GP-0001")
    assert certificate.issue_date == ISSUED_ON
    assert certificate.site_region_id == "330500"


def test_a_blacklisted_holder_is_refused_at_its_credit_code(
    run_import: Callable[..., Outcome], holder: Enterprise, zhejiang_regulator: Actor
) -> None:
    list_on_blacklist(
        zhejiang_regulator,
        enterprise=holder,
        basis_code="SCL-2022",
        facts="伪造检验报告",
        ends_on=in_days(365),
    )
    outcome = run_import([row(1), row(2, holder_credit_code=holder.credit_code)])
    assert problems_at(outcome) == [(3, "B", "holder_credit_code", "blacklisted")]
    assert "黑名单" in outcome.problems[0].expected_zh


def test_only_the_bodys_staff_may_import(body: CertificationBody, other_body_staff: Actor) -> None:
    table = read_table(csv_bytes("certificates", [row(1)]), "certificates.csv")
    with pytest.raises(PermissionRefused):
        import_file("certificates", table, body, other_body_staff)
    assert not Certificate.objects.exists()


def test_batches_leave_the_read_models_their_rebuild_gives(
    run_import: Callable[..., Outcome],
) -> None:
    rows = [row(n, holder_credit_code=holder_code(n // 3)) for n in range(1, 40)]
    run_import(rows[:20], batch_size=7)
    run_import(rows, batch_size=9)

    def read_models() -> tuple[Any, Any]:
        documents = sorted(
            SearchDocument.objects.values_list(
                "kind", "key", "holder_id", "status", "search_text", "search_grams"
            )
        )
        tallies = sorted(
            RegistryTally.objects.exclude(delta=0, issued=0).values_list(
                "period", "day", "city_code", "category_code", "status", "delta", "issued"
            )
        )
        return documents, tallies

    projected = read_models()
    rebuild_projections()
    assert read_models() == projected
    assert len(projected[0]) == 39 + 14 + 1  # certificates, holders, the body


@pytest.mark.parametrize("valid_only", [False, True])
def test_a_row_taken_between_the_check_and_the_write_is_refused_there(
    run_import: Callable[..., Outcome], issue: Callable[..., Certificate], valid_only: bool
) -> None:
    def meanwhile(phase: str, done: int, total: int | None) -> None:
        if phase == "import" and not Certificate.objects.filter(body_number="ZJ-2025-GP-0002"):
            issue(body_number="ZJ-2025-GP-0002", issue_date=ISSUED_ON)

    outcome = run_import([row(1), row(2), row(3)], progress=meanwhile, valid_only=valid_only)
    assert problems_at(outcome) == [(3, "A", "body_number", "duplicate_body_number")]
    assert outcome.stopped is not valid_only
    imported = set(Certificate.objects.values_list("body_number", flat=True))
    expected = {"ZJ-2025-GP-0001", "ZJ-2025-GP-0002"} | (
        {"ZJ-2025-GP-0003"} if valid_only else set()
    )
    assert imported == expected
    assert (outcome.imported, outcome.refused) == (2 if valid_only else 1, 1)
