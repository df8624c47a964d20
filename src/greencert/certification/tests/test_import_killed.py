"""An import killed (SIGKILL) half-way leaves whole batches only — every certificate with its
issued event, holder and search document, the event sequence and the number counters without a
gap — and importing the file again completes it, each row present exactly once.

The import runs as ``greencert import`` in a child process against the test database, so the test
commits for real (a transactional test) and reads the child's batches as they commit.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from greencert.catalog.models import Category
from greencert.certification.imports.testing import certificate_rows, csv_bytes
from greencert.certification.lifecycle import EventType
from greencert.certification.lifecycle.log import EVENT_SEQUENCE
from greencert.certification.models import Certificate, CertificateEvent
from greencert.certification.numbers import compose, number_pattern
from greencert.core.actors import Actor
from greencert.core.models import Counter
from greencert.parties.models import CertificationBody
from greencert.portal.models import SearchDocument

pytestmark = pytest.mark.django_db(transaction=True)

ROWS = 3000
BATCH = 100


def database_url() -> str:
    settings_dict = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings_dict['NAME']}"
    user = settings_dict["USER"] or ""
    password = f":{settings_dict['PASSWORD']}" if settings_dict["PASSWORD"] else ""
    host = settings_dict["HOST"] or "127.0.0.1"
    port = settings_dict["PORT"] or 5432
    return f"postgres://{user}{password}@{host}:{port}/{settings_dict['NAME']}"


def import_in_child(path: Path, body: CertificationBody, tmp_path: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "GREENCERT_DATABASE_URL": database_url(),
        "GREENCERT_TASKS_URL": f"sqlite:///{tmp_path / 'tasks.sqlite3'}",
        "GREENCERT_VAR_DIR": str(settings.VAR_DIR),
        # A command outside the test suite needs the node's key, as any server does.
        "GREENCERT_SECRET_KEY": settings.SECRET_KEY,
    }
    env.pop("PYTEST_VERSION", None)
    greencert = Path(sys.executable).parent / "greencert"
    return subprocess.Popen(
        [
            str(greencert),
            "import",
            "certificates",
            str(path),
            "--body",
            body.approval_number,
            "--user",
            "staff",
            "--batch-size",
            str(BATCH),
            "--no-progress",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def assert_whole(body: CertificationBody) -> int:
    """Every certificate complete, every counter without a gap; returns how many there are."""
    count = Certificate.objects.filter(body=body).count()
    assert not Certificate.objects.exclude(events__event_type=EventType.ISSUED).exists()
    assert CertificateEvent.objects.filter(event_type=EventType.ISSUED).count() == count
    assert SearchDocument.objects.filter(kind="certificate").count() == count
    sequences = list(
        CertificateEvent.objects.order_by("sequence").values_list("sequence", flat=True)
    )
    assert sequences == list(range(1, len(sequences) + 1))
    assert Counter.objects.get(name=EVENT_SEQUENCE).value == len(sequences)
    serials: dict[str, set[int]] = defaultdict(set)
    for number in Certificate.objects.values_list("number", flat=True):
        match = number_pattern().match(number)
        assert match is not None
        serials[f"certificate-number:{match[1]}:{match[2]}"].add(int(match[3]))
    for name, used in serials.items():
        province, year = name.split(":")[1:]
        top = Counter.objects.get(name=name).value
        skipped = {s for s in range(1, top + 1) if compose(province, int(year), s) is None}
        assert used | skipped == set(range(1, top + 1)), name
    return count


def test_an_import_killed_half_way_leaves_whole_batches_and_a_second_run_completes_it(
    tmp_path: Path, body: CertificationBody, body_staff: Actor, furniture: Category
) -> None:
    body.categories.add(furniture)
    path = tmp_path / "big.csv"
    path.write_bytes(csv_bytes("certificates", list(certificate_rows(body, ROWS, seed=5))))
    child = import_in_child(path, body, tmp_path)
    deadline = time.monotonic() + 180
    try:
        while Certificate.objects.filter(body=body).count() < 3 * BATCH:
            assert child.poll() is None, child.stderr.read() if child.stderr else ""
            assert time.monotonic() < deadline, "the import wrote nothing in three minutes"
            time.sleep(0.02)
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
    assert child.returncode == -signal.SIGKILL
    written = assert_whole(body)
    assert 3 * BATCH <= written < ROWS
    assert written % BATCH == 0

    with pytest.raises(SystemExit) as second:
        call_command("import", "certificates", str(path), "--body", body.approval_number,
                     "--user", "staff", "--no-progress", "--batch-size", str(BATCH))  # fmt: skip
    assert second.value.code == 0
    assert assert_whole(body) == ROWS
    assert Certificate.objects.values("body_number").distinct().count() == ROWS
