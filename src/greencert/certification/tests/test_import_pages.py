"""The office import page: only a body's staff upload; the check shows every bad row (row, column,
value, what was expected) in the page's language with the error report to download; then all rows,
or only the valid ones, are imported — by a background job for large files, followed through a
small JSON answer."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import load_workbook

from greencert.certification.imports import views
from greencert.certification.imports.testing import csv_bytes
from greencert.certification.lifecycle import EventType
from greencert.certification.models import Certificate, CertificateEvent, ImportRun
from greencert.core.actors import Actor
from greencert.core.tests.fixtures import COATINGS_UNIT

pytestmark = pytest.mark.django_db


def rows(*sites: str) -> list[dict[str, Any]]:
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
        for n, site in enumerate(sites, start=1)
    ]


def upload(client: Client, data: bytes, name: str = "certificates.csv", **extra: Any) -> Any:
    return client.post(
        "/office/import/",
        {"kind": "certificates", "file": SimpleUploadedFile(name, data), **extra},
    )


@pytest.fixture
def staff_client(client: Client, body_staff: Actor) -> Client:
    client.force_login(body_staff.user)
    return client


def checked_run(staff_client: Client, *sites: str) -> ImportRun:
    response = upload(staff_client, csv_bytes("certificates", rows(*sites)))
    assert response.status_code == 302
    run = ImportRun.objects.get()
    assert response["Location"] == f"/office/import/{run.pk}/"
    return run


def test_the_upload_page_offers_the_form_and_both_templates(staff_client: Client) -> None:
    page = staff_client.get("/office/import/").content.decode()
    assert 'enctype="multipart/form-data"' in page
    for path in (
        "/office/import/templates/certificates.xlsx",
        "/office/import/templates/changes.csv",
    ):
        assert path in page
    template = staff_client.get("/office/import/templates/certificates.xlsx")
    assert template["Content-Disposition"] == (
        'attachment; filename="greencert-import-certificates.xlsx"'
    )
    assert load_workbook(io.BytesIO(template.content)).sheetnames == [
        "证书 certificates",
        "说明 columns",
    ]


def test_someone_who_is_not_a_bodys_staff_is_turned_away(
    client: Client, enterprise_user: Actor
) -> None:
    client.force_login(enterprise_user.user)
    response = client.get("/office/import/")
    assert response.status_code == 403
    assert "机构人员" in response.content.decode()


def test_the_check_shows_each_bad_row_in_the_page_language_without_internal_codes(
    staff_client: Client,
) -> None:
    run = checked_run(staff_client, "330500", "110000")
    assert (run.state, run.rows_read, run.valid, run.refused) == ("checked", 2, 1, 1)
    page = staff_client.get(f"/office/import/{run.pk}/").content.decode()
    assert '<td data-label="行">3</td>' in page
    assert "F 场所所在地区划代码 site_region" in page and "110000" in page
    assert "长三角 GB/T 2260 行政区划代码" in page
    assert "unknown_region" not in page
    assert "仅导入 1 行有效数据" in page
    english = staff_client.get(f"/office/import/{run.pk}/?lang=en").content.decode()
    assert "a GB/T 2260 code of a YRD region" in english
    assert "Import the 1 valid row only" in english
    report = staff_client.get(f"/office/import/{run.pk}/errors.xlsx")
    sheet = load_workbook(io.BytesIO(report.getvalue())).active
    assert sheet is not None
    assert next(sheet.iter_rows(min_row=2, values_only=True))[:2] == (3, "F")


def test_a_clean_file_is_imported_in_the_staff_members_name(
    staff_client: Client, body_staff: Actor
) -> None:
    run = checked_run(staff_client, "330500", "320500")
    response = staff_client.post(f"/office/import/{run.pk}/import/")
    assert response.status_code == 302
    run.refresh_from_db()
    assert (run.state, run.imported, run.refused) == ("done", 2, 0)
    assert set(
        CertificateEvent.objects.filter(event_type=EventType.ISSUED).values_list(
            "actor_label", flat=True
        )
    ) == {body_staff.label}
    assert "每一行都已在登记库中" in staff_client.get(f"/office/import/{run.pk}/").content.decode()


def test_with_refused_rows_only_the_valid_rows_may_be_imported(staff_client: Client) -> None:
    run = checked_run(staff_client, "330500", "110000")
    staff_client.post(f"/office/import/{run.pk}/import/")
    assert not Certificate.objects.exists()
    staff_client.post(f"/office/import/{run.pk}/import/", {"valid_only": "1"})
    run.refresh_from_db()
    assert (run.state, run.imported, run.refused) == ("done", 1, 1)
    assert Certificate.objects.count() == 1


def test_staff_of_another_body_find_no_such_run(
    staff_client: Client, other_body_staff: Actor
) -> None:
    run = checked_run(staff_client, "330500")
    other = Client()
    other.force_login(other_body_staff.user)
    for path in ("", "status.json", "errors.xlsx"):
        assert other.get(f"/office/import/{run.pk}/{path}").status_code == 404
    assert other.post(f"/office/import/{run.pk}/import/").status_code == 404
    assert not Certificate.objects.exists()


def test_an_upload_without_the_csrf_token_is_refused(body_staff: Actor) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(body_staff.user)
    response = upload(client, csv_bytes("certificates", rows("330500")))
    assert response.status_code == 403
    assert not ImportRun.objects.exists()


def test_a_file_over_the_size_limit_or_of_another_kind_is_refused(
    staff_client: Client, settings: Any
) -> None:
    settings.GREENCERT_IMPORT_MAX_BYTES = 1024 * 1024
    big = upload(staff_client, b"x" * (1024 * 1024 + 1))
    assert big.status_code == 400
    page = big.content.decode()
    assert "certificates.csv" in page and "1.0 MB" in page and "1 MB" in page
    pdf = upload(staff_client, b"%PDF-1.4", name="scan.pdf")
    assert pdf.status_code == 400 and "scan.pdf" in pdf.content.decode()
    assert not ImportRun.objects.exists()


def test_large_files_are_checked_and_imported_by_jobs_whose_progress_the_page_polls(
    staff_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Under the test runner a job runs where it is enqueued (huey's immediate mode).
    monkeypatch.setattr(views, "CHECK_IN_REQUEST_BYTES", 0)
    monkeypatch.setattr(views, "IMPORT_IN_REQUEST_ROWS", 0)
    run = checked_run(staff_client, "330500", "320500")
    status = staff_client.get(f"/office/import/{run.pk}/status.json").json()
    assert status == {
        "state": "checked",
        "rows_done": 2,
        "rows_expected": 2,
        "imported": 0,
        "already_present": 0,
        "refused": 0,
    }
    staff_client.post(f"/office/import/{run.pk}/import/")
    status = staff_client.get(f"/office/import/{run.pk}/status.json").json()
    assert (status["state"], status["imported"], status["rows_done"]) == ("done", 2, 2)


def test_a_working_run_shows_its_progress_and_polls_for_more(staff_client: Client) -> None:
    run = checked_run(staff_client, "330500")
    ImportRun.objects.filter(pk=run.pk).update(state="importing", rows_done=400, rows_expected=1000)
    page = staff_client.get(f"/office/import/{run.pk}/").content.decode()
    assert '<progress id="import-progress" max="1000" value="400">' in page
    assert f"/office/import/{run.pk}/status.json" in page
    assert '<meta http-equiv="refresh" content="3">' in page  # without JavaScript
