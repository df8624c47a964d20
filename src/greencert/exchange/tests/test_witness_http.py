"""The witness protocol over real HTTP on the loopback: this process's log submits to its own
witness endpoint served by a live server, and a witness that refuses connections is reported
unreachable, not raised into the log."""

from __future__ import annotations

import socket
from typing import Any

import pytest

from greencert.exchange import peers
from greencert.exchange.tlog import storage
from greencert.exchange.witness import keys, submit
from greencert.exchange.witness.models import LogCosignature

from .foreign_log import peer_entry, use_peers


@pytest.mark.django_db(transaction=True)
def test_the_log_obtains_a_cosignature_over_http(
    live_server: Any, settings: Any, tmp_path: Any, issue: Any
) -> None:
    issue()
    storage.catch_up()
    use_peers(
        settings,
        tmp_path,
        [
            peer_entry(
                "yrd-js", "320000", live_server.url, storage.verifier_key(), keys.witness_vkey()
            )
        ],
    )
    try:
        assert submit.submit_latest() == {"yrd-js": True}
        checkpoint = storage.latest_checkpoint()
        assert checkpoint is not None
        assert LogCosignature.objects.filter(checkpoint=checkpoint, peer_id="yrd-js").exists()
        stale = submit.http_post(
            f"{live_server.url}/witness/add-checkpoint", f"old 0\n\n{checkpoint.note}".encode(), 5
        )
        assert stale.status == 409
        assert stale.content_type.startswith("text/x.tlog.size")
        assert stale.body == f"{checkpoint.size}\n".encode()
    finally:
        peers.clear_cache()


def test_a_witness_refusing_connections_is_unreachable() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(submit.WitnessUnreachable):
        submit.http_post(f"http://127.0.0.1:{port}/witness/add-checkpoint", b"old 0\n\n", 1)
