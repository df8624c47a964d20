"""Adoption API at 1,000,000 certificates: batch verification, change-feed reads, webhook sends.

It uses the registries ``bench_lookup`` builds (same size, seed and day; built on first use):

- batch verification — ``POST /api/v1/verify`` with 1,000 random existing numbers and a bid date,
  one request at a time against gunicorn as production serves; latency per call;
- the change feed — ``GET /api/v1/changes?after=…&limit=1000`` read page after page from random
  starting points, one reader; events per second;
- webhooks — the worker's webhook rounds (``dispatch_all``, then ``deliver_subscription`` for each
  claimed subscription on four threads, as the worker's four task threads run them) sending
  signed events to a loopback receiver that answers 204; deliveries per second, run in a child
  process with the registry's settings.

An API client ``bench-exchange`` (scopes verify, feed, webhooks) is registered in each registry
on first use and gets a new token on every run; its webhook subscriptions stay behind as data.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_lookup as lookup

BATCH = 1000
VERIFY_CALLS, VERIFY_WARM_UP = 40, 5
FEED_PAGE = 1000
FEED_EVENTS = 200_000
WEBHOOK_SUBSCRIPTIONS, WEBHOOK_EVENTS = 4, 2_000
GOAL_VERIFY_MS, GOAL_FEED_EPS = 150.0, 20_000.0
CLIENT = "bench-exchange"
BID_DATE = "2025-06-30"


def _token(registry: lookup.Registry) -> str:
    listing = lookup._greencert(registry.env, "clients", "list")
    if CLIENT in listing:
        output = lookup._greencert(registry.env, "clients", "rotate", CLIENT)
    else:
        output = lookup._greencert(
            registry.env,
            "clients",
            "create",
            CLIENT,
            "--scopes",
            "verify,feed,webhooks",
            "--rate",
            "1000000",
        )
    return output.strip().split()[-1]


def _call(request: urllib.request.Request) -> tuple[float, Any]:
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=60) as answer:
        body = json.load(answer)
        status = answer.status
    elapsed = time.perf_counter() - started
    if status != 200:
        raise RuntimeError(f"{request.full_url} answered {status}: {body}")
    return elapsed, body


def batch_verify(base: str, token: str, numbers: list[str]) -> list[float]:
    rng = random.Random(lookup.SEED)
    timings = []
    for i in range(VERIFY_WARM_UP + VERIFY_CALLS):
        batch = rng.sample(numbers, BATCH)
        request = urllib.request.Request(
            f"{base}/api/v1/verify",
            data=json.dumps({"numbers": batch, "at": BID_DATE}).encode(),
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
            method="POST",
        )
        elapsed, body = _call(request)
        found = sum(1 for r in body["results"] if r.get("result") == "found")
        if found != BATCH:
            raise RuntimeError(f"batch verify found {found} of {BATCH}")
        if i >= VERIFY_WARM_UP:
            timings.append(elapsed)
    return timings


def feed(base: str, token: str) -> dict[str, float]:
    headers = {"Authorization": f"Bearer {token}"}
    _, first = _call(urllib.request.Request(f"{base}/api/v1/changes?limit=1", headers=headers))
    latest = int(first["latest_sequence"])
    rng = random.Random(lookup.SEED)
    events, seconds, pages, page_times = 0, 0.0, 0, []
    while events < FEED_EVENTS:
        after = rng.randrange(0, max(1, latest - 20 * FEED_PAGE))
        for _ in range(20):  # a reader catching up: consecutive pages from one point
            url = f"{base}/api/v1/changes?after={after}&limit={FEED_PAGE}"
            elapsed, body = _call(urllib.request.Request(url, headers=headers))
            got = len(body["events"])
            if got and body["events"][0]["sequence"] != after + 1:
                raise RuntimeError(f"feed after {after} began at {body['events'][0]['sequence']}")
            events += got
            seconds += elapsed
            pages += 1
            page_times.append(elapsed)
            after = int(body["next_after"])
    return {
        "events": events,
        "pages": pages,
        "eps": events / seconds,
        "page_p50_ms": statistics.median(page_times) * 1000,
        "latest": latest,
    }


def webhooks(registry: lookup.Registry) -> dict[str, float]:
    """Run ``_webhooks_child`` with the registry's settings; returns its figures."""
    result = subprocess.run(
        [sys.executable, __file__, "--webhooks-child"],
        env=registry.env
        | {
            "DJANGO_SETTINGS_MODULE": "greencert.settings",
            # The benchmark's receiver listens on this machine.
            "GREENCERT_WEBHOOK_ALLOWED_HOSTS": "127.0.0.1",
        },
        cwd=lookup.ROOT,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    if result.returncode != 0:
        raise RuntimeError(f"webhook benchmark failed:\n{result.stdout}{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def _webhooks_child() -> None:
    import threading
    from concurrent.futures import ThreadPoolExecutor
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    import django

    django.setup()
    from django.db import connection

    from greencert.core.sequence import EVENT_SEQUENCE, current_value
    from greencert.exchange.actions import subscribe_webhook
    from greencert.exchange.models import ApiClient, DeliveryState, WebhookDelivery
    from greencert.exchange.webhooks import (
        claim_due_subscriptions,
        deliver_subscription,
        dispatch_all,
    )

    def deliver_in_thread(subscription_id: int) -> int:
        try:
            return deliver_subscription(subscription_id)
        finally:
            connection.close()

    received = 0
    lock = threading.Lock()

    class Receiver(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            nonlocal received
            self.rfile.read(int(self.headers.get("Content-Length", "0")))
            with lock:
                received += 1
            self.send_response(204)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            """Silent: one line per delivery would cost more than the delivery."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    client = ApiClient.objects.get(name=CLIENT)
    client.webhooks.update(active=False)  # earlier runs' subscriptions
    start = current_value(EVENT_SEQUENCE) - WEBHOOK_EVENTS
    subscriptions = [
        subscribe_webhook(client, url=url, from_sequence=start)[0]
        for _ in range(WEBHOOK_SUBSCRIPTIONS)
    ]
    expected = WEBHOOK_SUBSCRIPTIONS * WEBHOOK_EVENTS
    started = time.perf_counter()
    queued = sent = 0
    dispatching = 0.0
    # Rounds back to back: each queues up to the backlog per subscription, then sends it.
    with ThreadPoolExecutor(max_workers=4) as pool:
        while sent < expected:
            round_started = time.perf_counter()
            queued += dispatch_all()
            dispatching += time.perf_counter() - round_started
            done = sum(pool.map(deliver_in_thread, claim_due_subscriptions()))
            if not done:
                raise RuntimeError(f"deliveries stalled at {sent} of {expected}")
            sent += done
    finished = time.perf_counter()
    delivered = WebhookDelivery.objects.filter(
        subscription__in=subscriptions, state=DeliveryState.DELIVERED
    ).count()
    server.shutdown()
    figures = {
        "queued": queued,
        "delivered": delivered,
        "received": received,
        "dispatch_s": dispatching,
        "deliver_s": finished - started - dispatching,
        "dps": delivered / (finished - started - dispatching),
    }
    print(json.dumps(figures))


def measure(registry: lookup.Registry) -> dict[str, Any]:
    numbers = lookup.sample_numbers(registry).read_text().split()
    token = _token(registry)
    with lookup.serving(registry) as base:
        verify_times = batch_verify(base, token, numbers)
        feed_figures = feed(base, token)
    hook_figures = webhooks(registry)
    return {"verify": verify_times, "feed": feed_figures, "webhooks": hook_figures}


def _rows(registry: lookup.Registry, f: dict[str, Any]) -> tuple[list[str], list[str]]:
    verify_ms = sorted(t * 1000 for t in f["verify"])
    median = statistics.median(verify_ms)
    p95 = verify_ms[int(0.95 * (len(verify_ms) - 1))]
    feed_f, hook_f = f["feed"], f["webhooks"]
    rows = [
        f"| {registry.engine} | batch verify, {BATCH:,} numbers + bid date | "
        f"median **{median:.0f} ms**, p95 {p95:.0f} ms, min {verify_ms[0]:.0f} ms "
        f"({len(verify_ms)} calls) | ≤ {GOAL_VERIFY_MS:.0f} ms median |",
        f"| {registry.engine} | change feed, pages of {FEED_PAGE:,} | "
        f"**{feed_f['eps']:,.0f} events/s** ({feed_f['events']:,} events in {feed_f['pages']} "
        f"pages, page p50 {feed_f['page_p50_ms']:.0f} ms) | ≥ {GOAL_FEED_EPS:,.0f} events/s |",
        f"| {registry.engine} | webhooks, {WEBHOOK_SUBSCRIPTIONS} subscriptions × "
        f"{WEBHOOK_EVENTS:,} events to a loopback receiver | "
        f"**{hook_f['dps']:,.0f} deliveries/s** ({hook_f['delivered']:,} delivered, "
        f"{hook_f['received']:,} received; dispatch {hook_f['dispatch_s']:.1f} s) | – |",
    ]
    verdicts = [
        f"- **{registry.engine}**: batch verify median {median:.0f} ms → goal "
        f"**{'met' if median <= GOAL_VERIFY_MS else 'not met'}**; feed "
        f"{feed_f['eps']:,.0f} events/s → goal "
        f"**{'met' if feed_f['eps'] >= GOAL_FEED_EPS else 'not met'}**."
    ]
    return rows, verdicts


def run() -> str:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, range(os.cpu_count() or 1))
    lookup.WORK.mkdir(exist_ok=True)
    engines = os.environ.get("GREENCERT_BENCH_ENGINES", "sqlite,postgresql").split(",")
    registries: list[lookup.Registry] = []
    notes = []
    if "sqlite" in engines:
        registries.append(lookup.sqlite_registry())
    if "postgresql" in engines:
        pg = lookup.postgresql_registry()
        if pg is None:
            notes.append(f"- PostgreSQL: skipped, no server answered at `{lookup.PG_URL}`.")
        else:
            registries.append(pg)
    table, verdicts = [], []
    for registry in registries:
        rows, verdict = _rows(registry, measure(registry))
        table += rows
        verdicts += verdict
    lines = [
        "## Adoption API (`bench_exchange`)",
        "",
        f"The registries of `bench_lookup` ({lookup.CERTIFICATES:,} certificates), served by "
        "gunicorn as there. Batch verification and the feed are read by one client at a time "
        "over loopback HTTP (the figures include the client's JSON decoding); webhooks run the "
        "worker's dispatch and delivery passes in a child process against a threaded loopback "
        "receiver answering 204.",
        "",
        *(lookup._data_line(r) for r in registries),
        *notes,
        "",
        "| engine | what | figure | goal |",
        "| --- | --- | --- | --- |",
        *table,
        "",
        *verdicts,
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    if "--webhooks-child" in sys.argv:
        _webhooks_child()
    else:
        print(run())
