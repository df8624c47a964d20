"""``POST /witness/add-checkpoint``: the witness side of C2SP tlog-witness, every status code of
the specification, growth along consistency proofs, and the evidence of an inconsistent log."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.db import DatabaseError, transaction

from greencert.exchange import peers
from greencert.exchange.tlog import note
from greencert.exchange.witness import cosignature, keys, witness
from greencert.exchange.witness.models import HeldCheckpoint, WitnessAlert

from .foreign_log import JIANGSU_ORIGIN, ForeignLog, peer_entry, use_peers

pytestmark = pytest.mark.django_db
URL = "/witness/add-checkpoint"


@pytest.fixture
def jiangsu(settings, tmp_path):
    log = ForeignLog()
    use_peers(
        settings, tmp_path, [peer_entry("yrd-js", "320000", "http://127.0.0.1:8002", log.vkey)]
    )
    yield log
    peers.clear_cache()


def submit(client, body: bytes):
    return client.post(URL, body, content_type="text/plain")


def held() -> HeldCheckpoint:
    return HeldCheckpoint.objects.get(origin=JIANGSU_ORIGIN)


def text_of(signed: str) -> str:
    return signed.partition("\n\n")[0] + "\n"


def test_a_first_checkpoint_is_cosigned_and_held(client, jiangsu):
    answer = submit(client, jiangsu.request(0, 5))
    assert answer.status_code == 200
    body = answer.content.decode()
    assert body.startswith("\u2014 ") and body.endswith("\n")
    cosignature.verify_cosignature(text_of(jiangsu.checkpoint(5)), body, keys.witness_vkey())
    assert held().size == 5 and bytes(held().root_hash) == jiangsu.root(5)


def test_the_checkpoint_grows_along_consistency_proofs_and_never_back(client, jiangsu):
    assert submit(client, jiangsu.request(0, 5)).status_code == 200
    assert submit(client, jiangsu.request(5, 9)).status_code == 200
    assert held().size == 9
    again = submit(client, jiangsu.request(9, 9))
    assert again.status_code == 200
    assert held().size == 9
    stale = submit(client, jiangsu.request(5, 7))
    assert stale.status_code == 409
    assert stale["Content-Type"] == "text/x.tlog.size"
    assert stale.content == b"9\n"
    assert held().size == 9
    assert not WitnessAlert.objects.exists()


def test_a_cosignature_returned_verifies_with_the_note_as_the_spec_says(client, jiangsu):
    signed = jiangsu.checkpoint(5)
    answer = submit(client, jiangsu.request(0, 5, signed=signed)).content.decode()
    # The log's own key still opens the note with the cosignature appended.
    opened = note.open_checkpoint(signed + answer, note.parse_verifier_key(jiangsu.vkey))
    assert opened.size == 5


def test_an_old_size_other_than_the_held_one_is_a_conflict_naming_the_held_size(client, jiangsu):
    never_cosigned = submit(client, jiangsu.request(3, 5))
    assert never_cosigned.status_code == 409
    assert never_cosigned.content == b"0\n"
    assert never_cosigned["Content-Type"] == "text/x.tlog.size"


def test_an_old_size_above_the_checkpoint_size_is_a_bad_request(client, jiangsu):
    submit(client, jiangsu.request(0, 9))
    answer = submit(client, jiangsu.request(9, 5, proof=[]))
    assert answer.status_code == 400
    assert held().size == 9


def test_a_bad_consistency_proof_is_unprocessable_and_kept_as_evidence(client, jiangsu):
    submit(client, jiangsu.request(0, 5))
    proof = jiangsu.proof(5, 9)
    proof[0] = bytes(32)
    answer = submit(client, jiangsu.request(5, 9, proof=proof))
    assert answer.status_code == 422
    assert held().size == 5
    alert = WitnessAlert.objects.get()
    assert alert.kind == WitnessAlert.Kind.REWRITTEN
    assert (alert.held_size, alert.offered_size) == (5, 9)


def test_a_rewritten_history_is_refused_with_both_signed_notes_kept(client, jiangsu):
    held_note = jiangsu.checkpoint(5)
    submit(client, jiangsu.request(0, 5, signed=held_note))
    rewritten = ForeignLog(key=jiangsu.key, rewrite_from=3)
    offered = rewritten.checkpoint(9)
    answer = submit(client, rewritten.request(5, 9, signed=offered))
    assert answer.status_code == 422
    assert held().size == 5
    alert = WitnessAlert.objects.get()
    assert alert.kind == WitnessAlert.Kind.REWRITTEN
    assert alert.held_note == held_note
    assert alert.offered_note == offered
    assert alert.offered_proof.startswith("old 5\n")
    # Both notes are signed by the log: the evidence stands on its own.
    vkey = note.parse_verifier_key(jiangsu.vkey)
    assert note.open_checkpoint(alert.held_note, vkey).size == 5
    assert note.open_checkpoint(alert.offered_note, vkey).size == 9
    # The same refused checkpoint offered again is one piece of evidence, not two.
    submit(client, rewritten.request(5, 9, signed=offered))
    assert WitnessAlert.objects.count() == 1


def test_the_same_size_with_another_root_is_a_split_view_conflict(client, jiangsu):
    submit(client, jiangsu.request(0, 9))
    other = ForeignLog(key=jiangsu.key, rewrite_from=8)
    answer = submit(client, other.request(9, 9, proof=[]))
    assert answer.status_code == 409
    assert answer.content == b"9\n"
    alert = WitnessAlert.objects.get()
    assert alert.kind == WitnessAlert.Kind.SPLIT_VIEW
    assert bytes(held().root_hash) == jiangsu.root(9)


def test_a_checkpoint_signed_by_no_known_key_is_forbidden(client, jiangsu):
    forged = jiangsu.checkpoint(5, key=Ed25519PrivateKey.generate())
    answer = submit(client, jiangsu.request(0, 5, signed=forged))
    assert answer.status_code == 403
    assert not HeldCheckpoint.objects.exists()


def test_an_unknown_origin_is_not_found(client, jiangsu):
    stranger = ForeignLog(origin="example.org/log")
    answer = submit(client, stranger.request(0, 5))
    assert answer.status_code == 404
    assert not HeldCheckpoint.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        b"old 0\n",
        b"old x\n\n",
        b"old 01\n\norigin\n1\n",
        b"new 0\n\n",
        b"\xff\xfe",
    ],
)
def test_a_malformed_request_is_a_bad_request(client, jiangsu, body):
    assert submit(client, body).status_code == 400


def test_a_proof_line_that_is_not_a_hash_is_a_bad_request(client, jiangsu):
    body = jiangsu.request(0, 5).replace(b"old 0\n", b"old 0\nnot-a-hash\n")
    assert submit(client, body).status_code == 400


def test_a_proof_from_size_zero_must_be_empty(client, jiangsu):
    answer = submit(client, jiangsu.request(0, 5, proof=[bytes(32)]))
    assert answer.status_code == 422
    assert not HeldCheckpoint.objects.exists()


def test_only_post_is_allowed(client, jiangsu):
    assert client.get(URL).status_code == 405


def test_a_submission_that_loses_a_race_answers_409_and_never_moves_the_checkpoint_back(
    client, jiangsu, monkeypatch
):
    submit(client, jiangsu.request(0, 5))
    check = witness.proofs.verify_consistency
    raced: list[bool] = []

    def verify_while_another_lands(*args):
        # Between this submission's read and its update, another one moves the log to 9.
        if not raced:
            raced.append(True)
            assert witness.add_checkpoint(jiangsu.request(5, 9)).status == 200
        return check(*args)

    monkeypatch.setattr(witness.proofs, "verify_consistency", verify_while_another_lands)
    answer = witness.add_checkpoint(jiangsu.request(5, 7))
    assert answer.status == 409
    assert answer.body == "9\n"
    assert held().size == 9


def test_the_evidence_can_be_neither_changed_nor_deleted(client, jiangsu):
    submit(client, jiangsu.request(0, 9))
    submit(client, ForeignLog(key=jiangsu.key, rewrite_from=8).request(9, 9, proof=[]))
    with pytest.raises(DatabaseError), transaction.atomic():
        WitnessAlert.objects.update(offered_note="")
    with pytest.raises(DatabaseError), transaction.atomic():
        WitnessAlert.objects.all().delete()
    assert WitnessAlert.objects.get().offered_note.startswith(JIANGSU_ORIGIN)


def test_a_refusal_names_what_is_wrong_in_chinese_and_english(client, jiangsu):
    unknown = submit(client, ForeignLog(origin="example.org/log").request(0, 5)).content.decode()
    assert (
        "'example.org/log'" in unknown and "日志来源" in unknown and "unknown log origin" in unknown
    )
    malformed = submit(client, b"old -1\n\nx\n").content.decode()
    assert "'old -1'" in malformed and "第一行" in malformed and "the first line" in malformed
