"""Open data: the daily export of the public register, with checksums, downloadable."""

from __future__ import annotations

import csv
import hashlib
import io
import json

import pytest
from django.test import override_settings

from greencert.portal.opendata import export_register

pytestmark = pytest.mark.django_db


@pytest.fixture
def exported(tmp_path, certificate_in_status):
    revoked = certificate_in_status("03")
    valid = certificate_in_status("01")
    with override_settings(VAR_DIR=tmp_path):
        yield export_register(), tmp_path / "opendata", revoked, valid


def test_the_csv_holds_every_certificate_with_its_status_holder_and_body(exported):
    manifest, folder, revoked, valid = exported
    rows = list(
        csv.DictReader(io.StringIO((folder / manifest["files"][0]["name"]).read_text("utf-8-sig")))
    )
    by_number = {r["number"]: r for r in rows}
    assert set(by_number) == {revoked.number, valid.number}
    assert by_number[revoked.number]["status"] == "03"
    assert by_number[revoked.number]["status_zh"] == "撤销"
    assert by_number[valid.number]["holder_credit_code"] == valid.holder.credit_code
    assert by_number[valid.number]["body_approval_number"] == valid.body.approval_number
    assert by_number[valid.number]["body_certificate_number"] == valid.body_number
    assert by_number[revoked.number]["body_certificate_number"] == revoked.body_number


def test_the_body_s_own_number_is_the_last_column_so_older_readers_read_as_before(exported):
    manifest, folder, _, valid = exported
    text = (folder / manifest["files"][0]["name"]).read_text("utf-8-sig")
    header = next(csv.reader(io.StringIO(text)))
    assert header[-3:] == ["body_approval_number", "body_name", "body_certificate_number"]
    lines = (folder / manifest["files"][1]["name"]).read_text().splitlines()
    records = [json.loads(line) for line in lines]
    certificate = next(r for r in records if r.get("number") == valid.number)
    assert certificate["body_certificate_number"] == valid.body_number


def test_the_json_lines_hold_bodies_holders_and_certificates(exported):
    manifest, folder, _, _ = exported
    lines = (folder / manifest["files"][1]["name"]).read_text().splitlines()
    records = [json.loads(line) for line in lines]
    assert {r["record"] for r in records} == {"body", "holder", "certificate"}
    assert manifest["counts"] == {"bodies": 1, "holders": 1, "certificates": 2}


def test_each_file_has_the_checksum_the_manifest_publishes(exported):
    manifest, folder, _, _ = exported
    for f in manifest["files"]:
        digest = hashlib.sha256((folder / f["name"]).read_bytes()).hexdigest()
        assert digest == f["sha256"]
        assert (folder / f"{f['name']}.sha256").read_text().split()[0] == digest


def test_the_portal_lists_and_serves_the_files(client, exported):
    manifest, folder, _, _ = exported
    with override_settings(VAR_DIR=folder.parent):
        html = client.get("/open-data/").content.decode()
        name = manifest["files"][0]["name"]
        assert manifest["files"][0]["sha256"] in html
        response = client.get(f"/open-data/{name}")
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == (folder / name).read_bytes()
        assert client.get("/open-data/..%2Fsecret").status_code == 404


def test_the_page_explains_every_column_names_the_licence_and_keeps_earlier_days(
    client, tmp_path, certificate_in_status
):
    import datetime as dt

    from greencert.portal.opendata import CSV_COLUMNS

    certificate_in_status("01")
    with override_settings(VAR_DIR=tmp_path):
        export_register(dt.date(2026, 12, 4))
        latest = export_register(dt.date(2026, 12, 5))
        html = client.get("/open-data/?lang=zh-hans").content.decode()
        table = html[html.index('id="fields"') :]
        positions = [table.index(f'<td class="code">{name}</td>') for name in CSV_COLUMNS]
        assert positions == sorted(positions)
        assert "持证人统一社会信用代码" in table and "GB 32100-2015" in table
        assert 'id="licence"' in html and "CC BY 4.0" in html
        generated = dt.datetime.fromisoformat(latest["generated_at"])
        shown = generated.astimezone(dt.timezone(dt.timedelta(hours=8))).strftime("%Y-%m-%d %H:%M")
        assert f"{shown}，北京时间" in html or f"{shown}, Beijing time" in html
        earlier = html[html.index('id="earlier"') :]
        assert "register-2026-12-04.csv" in earlier and "register-2026-12-05" not in earlier
        response = client.get("/open-data/register-2026-12-04.csv")
        assert response.status_code == 200
        assert client.get("/open-data/register-2026-12-03.csv").status_code == 404
        assert client.get("/open-data/manifest.json").status_code == 404
