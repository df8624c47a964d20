"""How the log follows the event log: every transaction that appends events asks, once it has
committed, for a catch-up task; the worker runs it and signs the next checkpoint."""

from __future__ import annotations

from typing import Any

from django.db import connection, transaction


def worker_runs_tasks() -> bool:
    """False in huey's immediate mode (the test settings), where a task would run inside the
    committing thread while it still holds whatever its caller holds; there the log is caught up
    by an explicit ``catch_up``, ``greencert log catch-up`` or the periodic task."""
    from huey.contrib.djhuey import HUEY

    return not HUEY.immediate


def _enqueue_catch_up() -> None:
    from greencert.exchange import tasks

    if worker_runs_tasks():
        tasks.catch_up_log()


def catch_up_after_commit(_entry: Any) -> None:
    # One request per transaction, however many events it appends.
    if any(item[1] is _enqueue_catch_up for item in connection.run_on_commit):
        return
    transaction.on_commit(_enqueue_catch_up, robust=True)


def catch_up_many_after_commit(_entries: list[Any]) -> None:
    catch_up_after_commit(None)


def rebuild() -> int:
    """The log is never rebuilt, only extended: bring it up to the event log."""
    from greencert.exchange.tlog.storage import catch_up, logged_size

    catch_up()
    return logged_size()


def did_service(did: str) -> dict[str, Any]:
    """The log as a service of the node's DID document, with the key its checkpoints verify by."""
    from django.conf import settings

    from greencert.exchange.tlog.storage import verifier_key

    return {
        "id": f"{did}#transparency-log",
        "type": "TransparencyLog",
        "serviceEndpoint": f"{settings.GREENCERT_PUBLIC_URL.rstrip('/')}/log/",
        "verifierKey": verifier_key(),
    }


def register() -> None:
    from greencert.certification.lifecycle import tree_head
    from greencert.core.projections import register_projection
    from greencert.exchange.tlog.evidence import check_evidence, prove_event
    from greencert.exchange.tlog.storage import stored_root
    from greencert.marks.keys import register_did_service
    from greencert.marks.log_evidence import register_log

    register_projection(
        "transparency log",
        catch_up_after_commit,
        rebuild,
        project_many=catch_up_many_after_commit,
    )
    tree_head.register_stored_tree(stored_root)
    register_did_service("transparency-log", did_service)
    register_log(prove_event, check_evidence)
