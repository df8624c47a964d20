"""Open data (开放数据): the full public register as CSV and JSON Lines, with SHA-256 checksums.

``export_register`` writes ``register-<date>.csv`` (one row per certificate, with its holder, its
body and the body's own number for it, 机构证书编号) and ``register-<date>.jsonl`` (one record per
body, holder and certificate) under ``<var>/opendata/``, each beside a ``.sha256`` file, then
``manifest.json`` naming the newest set. Files are written under temporary names and renamed, so
a download never sees half a file.
The worker runs it once a day; ``greencert export_open_data`` runs it by hand.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone

from greencert.certification import lifecycle
from greencert.certification.lifecycle import Status

KEEP = 7  # days of exports kept
CSV_COLUMNS = [
    "number",
    "status",
    "status_zh",
    "status_en",
    "status_reason_code",
    "category",
    "certification_unit",
    "grade",
    "issue_date",
    "expiry_date",
    "province_code",
    "city_code",
    "in_pilot_zone",
    "in_demonstration_zone",
    "holder_credit_code",
    "holder_name",
    "body_approval_number",
    "body_name",
    # Added after the first exports: last, so readers that count columns read the rest as before.
    "body_certificate_number",
]
QUERY = (
    "SELECT c.number, c.status, c.status_reason_code, k.code, c.certification_unit, c.grade, "
    "c.issue_date, c.expiry_date, c.province_code, c.city_code, c.in_pilot_zone, "
    "c.in_demonstration_zone, h.credit_code, h.name, b.approval_number, b.name, c.body_number "
    "FROM certification_certificate c "
    "JOIN parties_enterprise h ON h.id = c.holder_id "
    "JOIN parties_certificationbody b ON b.id = c.body_id "
    "JOIN catalog_category k ON k.id = c.category_id ORDER BY c.id"
)


def directory() -> Path:
    path = Path(settings.VAR_DIR) / "opendata"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _text(value: Any) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


class _Hashed:
    """A binary file that hashes what is written to it."""

    def __init__(self, path: Path) -> None:
        self.file = path.open("wb")
        self.sha256 = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> None:
        self.file.write(data)
        self.sha256.update(data)
        self.size += len(data)

    def close(self) -> None:
        self.file.close()


def export_register(day: dt.date | None = None) -> dict[str, Any]:
    """Write the day's export; returns the manifest."""
    day = day or timezone.localdate()
    out = directory()
    stem = f"register-{day.isoformat()}"
    csv_file, jsonl_file = _Hashed(out / f".{stem}.csv"), _Hashed(out / f".{stem}.jsonl")
    labels = {code: lifecycle.status_label(code) for code in Status}
    counts = {"bodies": 0, "holders": 0, "certificates": 0}
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def line(record: dict[str, Any]) -> None:
        jsonl_file.write(json.dumps(record, ensure_ascii=False, default=_text).encode() + b"\n")

    try:
        csv_file.write("\ufeff".encode())
        writer.writerow(CSV_COLUMNS)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT b.approval_number, b.name, b.short_name, b.region_id, b.alliance_member, "
                "b.active FROM parties_certificationbody b ORDER BY b.approval_number"
            )
            for number, name, short, region, alliance, active in cursor.fetchall():
                line({"record": "body", "approval_number": number, "name": name, "short_name": short,
                      "region_code": region, "alliance_member": bool(alliance), "active": bool(active)})  # fmt: skip
                counts["bodies"] += 1
            cursor.execute(
                "SELECT h.credit_code, h.name, h.region_id FROM parties_enterprise h WHERE EXISTS "
                "(SELECT 1 FROM certification_certificate c WHERE c.holder_id = h.id) "
                "ORDER BY h.credit_code"
            )
            for code, name, region in cursor.fetchall():
                line({"record": "holder", "credit_code": code, "name": name, "region_code": region})
                counts["holders"] += 1
            cursor.execute(QUERY)
            while rows := cursor.fetchmany(5000):
                for row in rows:
                    (number, status, reason, category, unit, grade, issued, expiry, province, city,
                     pilot, demonstration, holder_code, holder, approval, body,
                     body_certificate_number) = row  # fmt: skip
                    label = labels[status]
                    values = [number, status, label.zh, label.en, reason, category, unit, grade,
                              _text(issued), _text(expiry), province, city, bool(pilot),
                              bool(demonstration), holder_code, holder, approval, body,
                              body_certificate_number]  # fmt: skip
                    writer.writerow(values)
                    line({"record": "certificate", **dict(zip(CSV_COLUMNS, values, strict=True))})
                counts["certificates"] += len(rows)
                csv_file.write(buffer.getvalue().encode())
                buffer.seek(0)
                buffer.truncate()
        csv_file.write(buffer.getvalue().encode())
    finally:
        csv_file.close()
        jsonl_file.close()
    files = []
    for hashed, suffix, media in (
        (csv_file, "csv", "text/csv"),
        (jsonl_file, "jsonl", "application/jsonl"),
    ):
        name = f"{stem}.{suffix}"
        os.replace(out / f".{name}", out / name)
        digest = hashed.sha256.hexdigest()
        (out / f"{name}.sha256").write_text(f"{digest}  {name}\n")
        files.append({"name": name, "media_type": media, "bytes": hashed.size, "sha256": digest})
    manifest = {
        "date": day.isoformat(),
        "generated_at": timezone.now().isoformat(timespec="seconds"),
        "counts": counts,
        "files": files,
    }
    (out / ".manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2))
    os.replace(out / ".manifest.json", out / "manifest.json")
    _prune(out, day)
    return manifest


def _prune(out: Path, day: dt.date) -> None:
    oldest = day - dt.timedelta(days=KEEP)
    for path in out.glob("register-*"):
        stamp = path.name[len("register-") : len("register-") + 10]
        try:
            if dt.date.fromisoformat(stamp) < oldest:
                path.unlink()
        except ValueError:
            continue


def manifest() -> dict[str, Any] | None:
    path = directory() / "manifest.json"
    if not path.exists():
        return None
    return dict(json.loads(path.read_text()))


FIELDS_FILE = Path(__file__).parent / "data" / "open_data_fields.yaml"


def field_dictionary() -> list[dict[str, str]]:
    """The CSV's columns in file order, each with its meaning in both languages and its format."""
    import yaml

    fields: dict[str, dict[str, str]] = yaml.safe_load(FIELDS_FILE.read_text(encoding="utf-8"))[
        "fields"
    ]
    return [{"name": name, **fields[name]} for name in CSV_COLUMNS]


def earlier_exports(current: str | None) -> list[dict[str, Any]]:
    """The exports of earlier days still kept (``KEEP`` days): date and files, newest first."""
    days: dict[str, list[dict[str, Any]]] = {}
    for path in sorted(directory().glob("register-*")):
        if path.name.endswith(".sha256"):
            continue
        stamp = path.name[len("register-") : len("register-") + 10]
        if stamp == current:
            continue
        days.setdefault(stamp, []).append({"name": path.name, "bytes": path.stat().st_size})
    return [{"date": day, "files": files} for day, files in sorted(days.items(), reverse=True)]


def exported_on(day: dt.date) -> bool:
    found = manifest()
    return bool(found and found.get("date") == day.isoformat())
