"""The log side of the witness protocol: the node submits its checkpoints to the peers'
witnesses, keeps the cosignatures that verify under their pinned keys and serves them on
``/log/checkpoint``. Peers here are this process's own witness endpoint (through the test
client) or witnesses made in the test; no network is used."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.test import Client

from greencert.certification.models import Certificate
from greencert.exchange import peers, tasks
from greencert.exchange.tlog import audit, note, storage
from greencert.exchange.tlog.api import verify_certificate_proof
from greencert.exchange.witness import cosignature, keys, submit
from greencert.exchange.witness.models import HeldCheckpoint, LogCosignature

from .foreign_log import FakeWitness, new_witness, peer_entry, use_peers

pytestmark = pytest.mark.django_db


def loopback(url: str, body: bytes, timeout: float) -> submit.Reply:
    """The peer's witness at ``url``, served by this process's own witness endpoint."""
    answer = Client().post(urlsplit(url).path, body, content_type="text/plain")
    return submit.Reply(answer.status_code, answer["Content-Type"], answer.content)


@pytest.fixture
def logged(issue):
    issue()
    storage.catch_up()
    return storage.latest_checkpoint()


@pytest.fixture
def self_witnessing(settings, tmp_path, logged):
    """A peer whose log is this node's and whose witness is this node's own endpoint."""
    use_peers(
        settings,
        tmp_path,
        [
            peer_entry(
                "yrd-js",
                "320000",
                "http://127.0.0.1:8002",
                storage.verifier_key(),
                keys.witness_vkey(),
            )
        ],
    )
    yield peers.peer("yrd-js")
    peers.clear_cache()


@pytest.fixture
def two_witnesses(settings, tmp_path, logged):
    jiangsu, zhejiang = FakeWitness("js.example/witness"), FakeWitness("zj.example/witness")
    use_peers(
        settings,
        tmp_path,
        [
            peer_entry(
                "yrd-js",
                "320000",
                "http://js.example",
                "js.example/log+0a1b2c3d+AbCd",
                jiangsu.vkey,
            ),
            peer_entry(
                "yrd-zj",
                "330000",
                "http://zj.example",
                "zj.example/log+0a1b2c3d+AbCd",
                zhejiang.vkey,
            ),
            peer_entry("yrd-ah", "340000", "http://ah.example", "ah.example/log+0a1b2c3d+AbCd"),
        ],
    )
    witnesses = {"js.example": jiangsu, "zj.example": zhejiang}

    def post(url: str, body: bytes, timeout: float) -> submit.Reply:
        return witnesses[str(urlsplit(url).hostname)](url, body, timeout)

    yield post, jiangsu, zhejiang
    peers.clear_cache()


def test_the_log_submits_its_checkpoint_and_keeps_the_verified_cosignature(self_witnessing, logged):
    assert submit.submit_latest(loopback) == {"yrd-js": True}
    kept = LogCosignature.objects.get()
    assert kept.peer_id == "yrd-js" and kept.checkpoint == logged
    cosignature.verify_cosignature(
        submit.checkpoint_text(logged), kept.signature, keys.witness_vkey()
    )
    assert [p.id for p in submit.witnessed(logged)] == ["yrd-js"]


def test_later_checkpoints_are_submitted_with_a_proof_from_the_size_last_cosigned(
    self_witnessing, logged, issue
):
    submit.submit_latest(loopback)
    issue()
    storage.catch_up()
    newer = storage.latest_checkpoint()
    assert newer.size > logged.size
    sent = []

    def recording(url, body, timeout):
        sent.append(body.decode().split("\n", 1)[0])
        return loopback(url, body, timeout)

    assert submit.submit_latest(recording) == {"yrd-js": True}
    assert sent == [f"old {logged.size}"]
    assert HeldCheckpoint.objects.get().size == newer.size


def test_a_409_is_retried_from_the_size_the_witness_returns(self_witnessing, logged, issue):
    # The witness holds a checkpoint whose cosignature never reached the log.
    assert (
        loopback(
            "http://127.0.0.1:8002/witness/add-checkpoint", f"old 0\n\n{logged.note}".encode(), 5
        ).status
        == 200
    )
    issue()
    storage.catch_up()
    sent = []

    def recording(url, body, timeout):
        sent.append(body.decode().split("\n", 1)[0])
        return loopback(url, body, timeout)

    assert submit.submit_latest(recording) == {"yrd-js": True}
    assert sent == ["old 0", f"old {logged.size}"]


def test_a_witness_that_is_down_does_not_break_the_log_and_is_tried_again(self_witnessing, logged):
    def down(url, body, timeout):
        raise submit.WitnessUnreachable(f"{url}: connection refused")

    assert submit.submit_latest(down) == {"yrd-js": False}
    assert not LogCosignature.objects.exists()
    assert submit.submit_latest(loopback) == {"yrd-js": True}


def test_a_cosignature_under_another_key_than_the_pinned_one_is_not_kept(
    settings, tmp_path, logged
):
    impostor = FakeWitness("js.example/witness")
    _key, pinned = new_witness("js.example/witness")
    use_peers(
        settings,
        tmp_path,
        [
            peer_entry(
                "yrd-js", "320000", "http://js.example", "js.example/log+0a1b2c3d+AbCd", pinned
            )
        ],
    )
    try:
        assert submit.submit_latest(impostor) == {"yrd-js": False}
        assert not LogCosignature.objects.exists()
    finally:
        peers.clear_cache()


def test_a_checkpoint_cosigned_by_the_quorum_of_peers_is_witnessed(two_witnesses, logged, settings):
    post, _jiangsu, _zhejiang = two_witnesses
    settings.GREENCERT_WITNESS_QUORUM = 2
    assert not submit.is_witnessed(logged)
    assert submit.submit_latest(post) == {"yrd-js": True, "yrd-zj": True}
    assert sorted(p.id for p in submit.witnessed(logged)) == ["yrd-js", "yrd-zj"]
    assert submit.is_witnessed(logged)
    settings.GREENCERT_WITNESS_QUORUM = 3
    assert not submit.is_witnessed(logged)


def test_the_served_checkpoint_carries_the_cosignatures_and_still_opens_and_audits(
    two_witnesses, logged, client
):
    post, jiangsu, zhejiang = two_witnesses
    submit.submit_latest(post)
    served = client.get("/log/checkpoint").content.decode()
    assert served.startswith(logged.note)
    text = submit.checkpoint_text(logged)
    extra = cosignature.signature_lines(served[len(logged.note) :])
    assert len(extra) == 2
    assert sorted(cosignature.parse_cosignature(line).name for line in extra) == [
        jiangsu.name,
        zhejiang.name,
    ]
    vkeys = {jiangsu.name: jiangsu.vkey, zhejiang.name: zhejiang.vkey}
    for line in extra:
        vkey = vkeys[cosignature.parse_cosignature(line).name]
        assert cosignature.verify_cosignature(text, line, vkey) == 1_700_000_000
    # The existing parser and the audit read the cosigned checkpoint as before.
    assert note.open_checkpoint(served, note.parse_verifier_key(storage.verifier_key())).size == (
        logged.size
    )

    def fetch(path: str) -> bytes:
        return client.get(f"/log/{path}").content

    report = audit.audit(fetch, storage.verifier_key())
    assert report.ok, report.failures
    assert report.checkpoint_note == served


def test_a_cosignature_no_longer_verifying_under_the_pinned_key_is_not_served(
    two_witnesses, logged, client, settings, tmp_path
):
    post, _jiangsu, zhejiang = two_witnesses
    submit.submit_latest(post)
    _key, rotated = new_witness("js.example/witness")
    use_peers(
        settings,
        tmp_path,
        [
            peer_entry(
                "yrd-js", "320000", "http://js.example", "js.example/log+0a1b2c3d+AbCd", rotated
            ),
            peer_entry(
                "yrd-zj",
                "330000",
                "http://zj.example",
                "zj.example/log+0a1b2c3d+AbCd",
                zhejiang.vkey,
            ),
        ],
    )
    served = client.get("/log/checkpoint").content.decode()
    names = [
        cosignature.parse_cosignature(line).name
        for line in cosignature.signature_lines(served[len(logged.note) :])
    ]
    assert names == [zhejiang.name]


def test_the_catch_up_task_submits_the_new_checkpoint(self_witnessing, logged, issue, monkeypatch):
    monkeypatch.setattr(submit, "http_post", loopback)
    issue()
    tasks.catch_up_log.call_local()
    newest = storage.latest_checkpoint()
    assert newest.size > logged.size
    assert LogCosignature.objects.filter(checkpoint=newest, peer_id="yrd-js").exists()


def test_the_minute_task_resubmits_a_checkpoint_a_witness_missed(
    self_witnessing, logged, monkeypatch
):
    def down(url, body, timeout):
        raise submit.WitnessUnreachable(f"{url}: connection refused")

    monkeypatch.setattr(submit, "http_post", down)
    tasks.witness_checkpoint.call_local()
    assert not LogCosignature.objects.exists()
    monkeypatch.setattr(submit, "http_post", loopback)
    tasks.catch_up_log_every_minute.call_local()
    assert LogCosignature.objects.filter(checkpoint=logged, peer_id="yrd-js").exists()


def test_the_proof_api_gives_the_cosigned_checkpoint(two_witnesses, logged, client, issue):
    post, jiangsu, _zhejiang = two_witnesses
    submit.submit_latest(post)
    number = Certificate.objects.get().number
    answer = client.get(f"/api/v1/certificates/{number}/proof").json()
    assert answer["checkpoint"] == submit.cosigned_note(logged)
    assert jiangsu.name in answer["checkpoint"]
    assert verify_certificate_proof(answer, storage.verifier_key()) == []
