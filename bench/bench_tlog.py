"""The transparency log: appending with the log maintained or off, commit to checkpoint, bulk
catch-up, inclusion proofs and tile serving.

A fresh SQLite registry (``greencert seed``, ``GREENCERT_BENCH_TLOG_CERTS`` certificates, 2,000
by default) is built in a temporary directory with the log's hook switched off, then:

- bulk catch-up — ``storage.catch_up()`` over the whole seeded event log; events per second;
- appending — single-event transactions (one ``append_events`` each, as an action commits), with
  the log off, and with the log maintained: the commit's hook queues a catch-up and the catch-up
  runs right after the commit, as the worker would; events per second;
- commit to checkpoint — for one committed event, the time until its checkpoint is signed (the
  catch-up's run; a waiting worker adds its polling interval, at most 0.5 s);
- proofs — ``GET /api/v1/certificates/{number}/proof`` for random certificates, in process through
  Django's test client; proofs per second and events proven per second;
- tiles — ``GET /log/tile/0/<N>`` for random full tiles and entry bundles, in process; per second.
Each figure is the median of three runs.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CERTIFICATES = int(os.environ.get("GREENCERT_BENCH_TLOG_CERTS", "2000"))
APPENDS = 300
PROOFS = 200
TILES = 400
RUNS = 3


def _child() -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction
    from django.test import Client

    from greencert.certification.lifecycle.log import NewEvent, append_events
    from greencert.certification.models import Certificate, CertificateEvent
    from greencert.core.actors import Actor
    from greencert.core.projections import register_projection, unregister_projection
    from greencert.exchange.tlog import hooks, storage

    call_command("migrate", "--no-input", verbosity=0)
    unregister_projection("transparency log")
    call_command("seed", "--certificates", str(CERTIFICATES), "--seed", "2021", verbosity=0)
    events = CertificateEvent.objects.count()
    started = time.perf_counter()
    storage.catch_up()
    catch_up_seconds = time.perf_counter() - started

    actor = Actor.for_system("bench")
    certificates = list(Certificate.objects.order_by("pk")[:APPENDS])

    def append_one(certificate: Any) -> None:
        with transaction.atomic():
            append_events(
                actor, [NewEvent(certificate, "changed", certificate.status, certificate.status)]
            )

    def appends(maintained: bool) -> float:
        started = time.perf_counter()
        for certificate in certificates:
            append_one(certificate)
            if maintained:
                storage.catch_up()
        return len(certificates) / (time.perf_counter() - started)

    off, on, to_checkpoint = [], [], []
    for _ in range(RUNS):
        off.append(appends(False))
        storage.catch_up()
        register_projection(
            "transparency log",
            hooks.catch_up_after_commit,
            hooks.rebuild,
            project_many=hooks.catch_up_many_after_commit,
        )
        on.append(appends(True))
        unregister_projection("transparency log")
    for certificate in certificates[:50]:
        started = time.perf_counter()
        append_one(certificate)
        storage.catch_up()
        to_checkpoint.append(time.perf_counter() - started)

    client = Client()
    rng = random.Random(2021)
    numbers = list(Certificate.objects.values_list("number", flat=True))
    size = storage.latest_checkpoint().size  # type: ignore[union-attr]

    def proofs() -> tuple[float, float]:
        proven = 0
        started = time.perf_counter()
        for number in rng.sample(numbers, PROOFS):
            answer = client.get(f"/api/v1/certificates/{number}/proof").json()
            proven += len(answer["events"])
        elapsed = time.perf_counter() - started
        return PROOFS / elapsed, proven / elapsed

    def tiles(kind: str) -> float:
        full = size // 256
        started = time.perf_counter()
        for _ in range(TILES):
            n = rng.randrange(full)
            path = f"tile/entries/{n:03d}" if kind == "entries" else f"tile/0/{n:03d}"
            assert client.get(f"/log/{path}").status_code == 200
        return TILES / (time.perf_counter() - started)

    proof_runs = [proofs() for _ in range(RUNS)]
    print(
        json.dumps(
            {
                "certificates": CERTIFICATES,
                "events": events,
                "catch_up_eps": events / catch_up_seconds,
                "append_off_eps": statistics.median(off),
                "append_on_eps": statistics.median(on),
                "commit_to_checkpoint_ms": statistics.median(to_checkpoint) * 1000,
                "proofs_per_s": statistics.median(p[0] for p in proof_runs),
                "proven_events_per_s": statistics.median(p[1] for p in proof_runs),
                "tiles_per_s": statistics.median(tiles("hashes") for _ in range(RUNS)),
                "bundles_per_s": statistics.median(tiles("entries") for _ in range(RUNS)),
                "tree_size": size,
            }
        )
    )


def run() -> str:
    with tempfile.TemporaryDirectory(prefix="greencert-bench-tlog-") as directory:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "greencert.settings",
            "GREENCERT_VAR_DIR": directory,
            "GREENCERT_DEBUG": "0",
        }
        env.pop("GREENCERT_DATABASE_URL", None)
        result = subprocess.run(
            [sys.executable, __file__, "--child"],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
    if result.returncode != 0:
        raise RuntimeError(result.stderr[-3000:])
    f = json.loads(result.stdout.strip().splitlines()[-1])
    return "\n".join(
        [
            "## Transparency log (SQLite)",
            "",
            f"A seeded registry of {f['certificates']:,} certificates ({f['events']:,} events); "
            f"the log ends at {f['tree_size']:,} entries. Medians of {RUNS} runs, in process.",
            "",
            "| measure | figure |",
            "| --- | --- |",
            f"| bulk catch-up (`greencert log catch-up`) | {f['catch_up_eps']:,.0f} events/s |",
            f"| single-event commits, log off | {f['append_off_eps']:,.0f} events/s |",
            f"| single-event commits, log maintained after each | "
            f"{f['append_on_eps']:,.0f} events/s |",
            f"| commit to signed checkpoint (catch-up run; worker polling adds ≤ 0.5 s) | "
            f"{f['commit_to_checkpoint_ms']:.1f} ms |",
            f"| `GET /api/v1/certificates/{{number}}/proof` | {f['proofs_per_s']:,.0f} proofs/s "
            f"({f['proven_events_per_s']:,.0f} events proven/s) |",
            f"| `GET /log/tile/0/<N>` (full tiles) | {f['tiles_per_s']:,.0f} tiles/s |",
            f"| `GET /log/tile/entries/<N>` (full bundles) | {f['bundles_per_s']:,.0f} bundles/s |",
            "",
        ]
    )


if __name__ == "__main__":
    if "--child" in sys.argv:
        _child()
    else:
        print(run())
