"""Run by ``test_replica_router.py`` in a child process whose settings name a primary and a hot
standby: reads requests in the ways the router tells apart and prints what each saw, as JSON."""

from __future__ import annotations

import json
import os
import time
from typing import Any

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "greencert.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.db import connections, router  # noqa: E402
from django.http import HttpRequest, HttpResponse, JsonResponse  # noqa: E402
from django.test import Client, RequestFactory  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from greencert.certification.actions import expire_certificate  # noqa: E402
from greencert.certification.models import Certificate  # noqa: E402
from greencert.core.actors import Actor  # noqa: E402
from greencert.core.routers import STICKY_COOKIE, ReplicaReadMiddleware  # noqa: E402


def counted(call: Any) -> dict[str, Any]:
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections["replica_1"]) as replica,
    ):
        response = call()
    return {
        "status": response.status_code,
        "primary_queries": len(primary),
        "replica_queries": len(replica),
        "primary_sql": [q["sql"][:200] for q in primary.captured_queries],
    }


def status_seen(client: Client, number: str) -> str:
    response = client.get(f"/api/v1/certificates/{number}")
    assert response.status_code == 200, response.content
    return str(response.json()["status"]["code"])


def replica_sql(sql: str) -> Any:
    with connections["replica_1"].cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()


def main() -> dict[str, Any]:
    number = (
        Certificate.objects.using("default")
        .filter(status="01", expiry_date__lt=timezone.localdate())
        .order_by("id")
        .values_list("number", flat=True)
        .first()
    )
    assert number, "the seed left no valid certificate past its expiry date"
    wait_for_replay()
    url = f"/api/v1/certificates/{number}"
    logged_in = Client()
    logged_in.cookies[settings.SESSION_COOKIE_NAME] = "a-session"
    results: dict[str, Any] = {
        "anonymous": counted(lambda: Client().get(url)),
        "with_token_header": counted(
            lambda: Client().get(url, HTTP_AUTHORIZATION="Bearer not-a-token")
        ),
        "with_session_cookie": counted(lambda: logged_in.get(url)),
    }

    replica_sql("SELECT pg_wal_replay_pause()")

    def change_then_read(request: HttpRequest) -> HttpResponse:
        before = Certificate.objects.get(number=number).status
        expire_certificate(Actor.for_system("replica-test"), Certificate.objects.get(number=number))
        after = Certificate.objects.get(number=number)
        return JsonResponse({"before": before, "after": after.status})

    answer = ReplicaReadMiddleware(change_then_read)(RequestFactory().get("/anything"))
    body = json.loads(answer.content)
    results["change"] = {
        "status_before": body["before"],
        "status_read_after_the_write": body["after"],
        "sticky_cookie": STICKY_COOKIE in answer.cookies,
    }
    sticky = Client()
    sticky.cookies[STICKY_COOKIE] = "1"
    after_change = {
        "with_sticky_cookie": status_seen(sticky, number),
        "stranger_while_replay_paused": status_seen(Client(), number),
    }
    replica_sql("SELECT pg_wal_replay_resume()")
    wait_for_replay()
    after_change["stranger_after_replay"] = status_seen(Client(), number)
    results["after_change"] = after_change
    results["allow_migrate"] = {
        alias: router.allow_migrate(alias, "certification") for alias in ("default", "replica_1")
    }
    return results


def wait_for_replay(seconds: float = 60) -> None:
    """Until the standby has replayed everything the primary has written."""
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()::text")
        target = cursor.fetchone()[0]
    deadline = time.monotonic() + seconds
    while True:
        caught_up = replica_sql(f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn")[0]
        if caught_up:
            return
        if time.monotonic() > deadline:
            raise TimeoutError(f"the standby did not replay up to {target}")
        time.sleep(0.1)


if __name__ == "__main__":
    print(json.dumps(main()))
