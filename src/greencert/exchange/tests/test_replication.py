"""Following a peer's log: only entries its signed checkpoint covers, checked one by one and
against the root, are applied; every refusal applies nothing and says why."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from greencert.core.canonical import canonical_json
from greencert.core.merkle import tree_root
from greencert.exchange import tasks
from greencert.exchange.models import ForeignCertificate, ForeignEvent, ReplicatedLog
from greencert.exchange.replication import checkpoints, runner
from greencert.exchange.replication.follower import follow
from greencert.exchange.replication.runner import replicate
from greencert.exchange.tests.replica_peer import FakePeer, js_number, js_peer, use_peers
from greencert.exchange.tlog.tiles import encode_bundle

pytestmark = pytest.mark.django_db


@pytest.fixture
def jiangsu(settings, tmp_path):
    peer = FakePeer()
    clear = use_peers(settings, tmp_path, peer)
    yield peer
    clear()


def state():
    return ReplicatedLog.objects.get(peer_id="yrd-js")


def test_a_peer_log_is_applied_with_its_certificates_and_exact_leaves(jiangsu):
    first, second = js_number(1), js_number(2)
    jiangsu.add(first)
    jiangsu.add(second)
    jiangsu.add(first, "suspended", "01", "02", "S01")

    result = follow(js_peer(), jiangsu.get)

    assert (result.ok, result.applied, result.size) == (True, 3, 3)
    log = state()
    assert log.size == 3 and bytes(log.root_hash) == tree_root(jiangsu.leaves())
    assert log.checkpoint_note == jiangsu.checkpoint() and log.last_error == ""
    stored = [e.leaf.encode() for e in ForeignEvent.objects.order_by("sequence")]
    assert stored == jiangsu.leaves()
    suspended = ForeignCertificate.objects.get(number=first)
    assert (suspended.status, suspended.reason_code, suspended.last_sequence) == ("02", "S01", 3)
    assert (
        suspended.peer_id == "yrd-js"
        and suspended.holder_credit_code == jiangsu.events[0]["holder"]
    )
    assert ForeignCertificate.objects.get(number=second).status == "01"


def test_the_log_grows_in_steps_reading_only_the_new_entries(jiangsu):
    for serial in range(1, 4):
        jiangsu.add(js_number(serial))
    assert follow(js_peer(), jiangsu.get).applied == 3
    for serial in range(4, 301):  # across the first full bundle into a partial one
        jiangsu.add(js_number(serial))
    jiangsu.requests.clear()

    assert follow(js_peer(), jiangsu.get).applied == 297

    assert jiangsu.requests == [
        "http://js.example/log/checkpoint",
        "http://js.example/log/tile/entries/000",
        "http://js.example/log/tile/entries/001.p/44",
    ]
    jiangsu.add(js_number(1), "revoked", "01", "03", "R01")
    assert follow(js_peer(), jiangsu.get).applied == 1
    assert follow(js_peer(), jiangsu.get).applied == 0
    log = state()
    assert log.size == 301 and bytes(log.root_hash) == tree_root(jiangsu.leaves())
    assert ForeignEvent.objects.count() == 301
    assert ForeignCertificate.objects.count() == 300
    assert ForeignCertificate.objects.get(number=js_number(1)).status == "03"


def test_a_long_catch_up_is_verified_whole_then_committed_in_batches(jiangsu):
    for serial in range(1, 601):
        jiangsu.add(js_number(serial))

    result = follow(js_peer(), jiangsu.get, batch=256)

    assert (result.ok, result.applied) == (True, 600)
    assert bytes(state().root_hash) == tree_root(jiangsu.leaves())
    assert ForeignEvent.objects.count() == 600


def test_a_peer_that_was_down_catches_up_when_it_returns(jiangsu):
    jiangsu.add(js_number(1))
    follow(js_peer(), jiangsu.get)
    jiangsu.down = True
    jiangsu.add(js_number(2))

    down = follow(js_peer(), jiangsu.get)

    assert not down.ok and "connection refused" in state().last_error
    jiangsu.down = False
    back = follow(js_peer(), jiangsu.get)
    assert (back.ok, back.applied, back.size) == (True, 1, 2)
    assert state().last_error == ""


def test_a_peer_that_is_down_does_not_stop_the_round(jiangsu):
    jiangsu.down = True
    results = replicate(get=jiangsu.get)
    assert [(r.peer_id, r.ok) for r in results] == [("yrd-js", False)]


def applies_nothing(jiangsu, expected_error):
    """Follow the peer and check nothing new was applied and the error was recorded."""
    before = (ForeignEvent.objects.count(), list(ForeignCertificate.objects.values()))
    held = state() if ReplicatedLog.objects.exists() else None
    result = follow(js_peer(), jiangsu.get)
    assert not result.ok
    assert expected_error in result.error and expected_error in state().last_error
    assert (ForeignEvent.objects.count(), list(ForeignCertificate.objects.values())) == before
    if held is not None:
        after = state()
        assert (after.size, bytes(after.root_hash), after.checkpoint_note) == (
            held.size,
            bytes(held.root_hash),
            held.checkpoint_note,
        )


def test_a_checkpoint_signed_by_another_key_applies_nothing(jiangsu):
    jiangsu.add(js_number(1))
    jiangsu.key = FakePeer().key
    applies_nothing(jiangsu, "carries no signature")


def test_entries_that_do_not_hash_to_the_root_apply_nothing(jiangsu):
    jiangsu.add(js_number(1))
    jiangsu.add(js_number(2))
    follow(js_peer(), jiangsu.get)
    jiangsu.add(js_number(3))
    signed = jiangsu.checkpoint()
    jiangsu.events[2]["status_after"] = "02"  # served entries differ from those signed
    jiangsu.overrides["/log/checkpoint"] = signed.encode()
    applies_nothing(jiangsu, "do not hash to its checkpoint's root")


def test_a_rewritten_history_applies_nothing(jiangsu):
    jiangsu.add(js_number(1))
    jiangsu.add(js_number(2))
    follow(js_peer(), jiangsu.get)
    jiangsu.events[0]["status_after"] = "03"  # entry 0 rewritten, then the log grows
    jiangsu.add(js_number(3))
    applies_nothing(jiangsu, "do not hash to its checkpoint's root")


def test_a_smaller_checkpoint_than_the_one_held_applies_nothing(jiangsu):
    jiangsu.add(js_number(1))
    jiangsu.add(js_number(2))
    follow(js_peer(), jiangsu.get)
    jiangsu.published = 1
    applies_nothing(jiangsu, "shrank from 2 to 1 entries")
    # Both signed checkpoints are kept as evidence, and regulators see the alert.
    from greencert.exchange.witness.models import WitnessAlert

    alert = WitnessAlert.objects.get()
    assert (alert.peer_id, alert.kind, alert.held_size, alert.offered_size) == (
        "yrd-js",
        "rewritten",
        2,
        1,
    )
    follow(js_peer(), jiangsu.get)
    assert WitnessAlert.objects.count() == 1  # the same checkpoint is recorded once


def test_a_checkpoint_of_the_same_size_with_another_root_applies_nothing(jiangsu):
    jiangsu.add(js_number(1))
    follow(js_peer(), jiangsu.get)
    jiangsu.overrides["/log/checkpoint"] = jiangsu.checkpoint(1, b"\x07" * 32).encode()
    applies_nothing(jiangsu, "signed two different trees of 1 entries")
    from greencert.exchange.witness.models import WitnessAlert

    alert = WitnessAlert.objects.get()
    assert alert.kind == "split_view" and alert.offered_note.endswith("\n")
    assert alert.held_note != alert.offered_note


def tampered_bundle(jiangsu, entries):
    jiangsu.overrides["/log/tile/entries/000.p/" + str(len(jiangsu.events))] = encode_bundle(
        entries
    )


def test_a_gap_in_the_sequence_applies_nothing(jiangsu):
    jiangsu.add(js_number(1))
    jiangsu.add(js_number(2))
    leaves = jiangsu.leaves()
    skipped = dict(jiangsu.events[1], sequence=3)
    tampered_bundle(jiangsu, [leaves[0], canonical_json(skipped)])
    applies_nothing(jiangsu, "entry 1 has sequence 3 where 2 belongs")


@pytest.mark.parametrize(
    ("entry", "error"),
    [
        (b"not json", "sequence None where 2 belongs"),
        (lambda e: canonical_json(e | {"extra": 1}), "exactly the fields of a feed event"),
        (lambda e: json.dumps(e, indent=1).encode(), "not in canonical JSON"),
        (lambda e: canonical_json(e | {"status_after": "09"}), "status_after '09' is unknown"),
        (lambda e: canonical_json(e | {"effective_at": "soon"}), "'soon' is not a time"),
    ],
)
def test_a_malformed_entry_applies_nothing(jiangsu, entry, error):
    jiangsu.add(js_number(1))
    jiangsu.add(js_number(2))
    bad = entry(jiangsu.events[1]) if callable(entry) else entry
    tampered_bundle(jiangsu, [jiangsu.leaves()[0], bad])
    applies_nothing(jiangsu, error)


def test_a_bundle_with_too_few_entries_applies_nothing(jiangsu):
    jiangsu.add(js_number(1))
    jiangsu.add(js_number(2))
    tampered_bundle(jiangsu, jiangsu.leaves()[:1])
    applies_nothing(jiangsu, "1 entries where 2 belong")


def test_events_about_another_provinces_certificates_are_kept_but_not_shown(jiangsu):
    jiangsu.add(js_number(1))
    jiangsu.add("GC3320250000001X", province_code="330000")
    assert follow(js_peer(), jiangsu.get).applied == 2
    assert list(ForeignCertificate.objects.values_list("number", flat=True)) == [js_number(1)]
    assert ForeignEvent.objects.count() == 2


class TestCheckCheckpoint:
    def test_a_first_or_larger_checkpoint_grows(self, jiangsu):
        jiangsu.add(js_number(1))
        first = jiangsu.checkpoint()
        assert checkpoints.check_checkpoint(js_peer(), None, first).verdict == checkpoints.GROWS
        jiangsu.add(js_number(2))
        check = checkpoints.check_checkpoint(js_peer(), first, jiangsu.checkpoint())
        assert (check.verdict, check.held.size, check.offered.size) == ("grows", 1, 2)

    def test_the_same_checkpoint_is_the_same(self, jiangsu):
        jiangsu.add(js_number(1))
        same = jiangsu.checkpoint()
        assert checkpoints.check_checkpoint(js_peer(), same, same).verdict == checkpoints.SAME

    def test_a_smaller_or_forked_checkpoint_is_inconsistent(self, jiangsu):
        jiangsu.add(js_number(1))
        jiangsu.add(js_number(2))
        held = jiangsu.checkpoint()
        smaller = checkpoints.check_checkpoint(js_peer(), held, jiangsu.checkpoint(1))
        forked = checkpoints.check_checkpoint(js_peer(), held, jiangsu.checkpoint(2, b"\0" * 32))
        assert (smaller.verdict, forked.verdict) == ("inconsistent", "inconsistent")
        assert not smaller.consistent and "shrank" in smaller.reason
        assert "two different trees" in forked.reason

    def test_a_checkpoint_under_another_key_or_origin_is_refused(self, jiangsu):
        jiangsu.add(js_number(1))
        other = FakePeer(events=jiangsu.events)
        with pytest.raises(checkpoints.CheckpointRefused, match="no signature"):
            checkpoints.check_checkpoint(js_peer(), None, other.checkpoint())


def test_the_periodic_replication_is_off_without_peers():
    tasks.schedule_replication_rounds.call_local()
    assert not ReplicatedLog.objects.exists()


def test_the_periodic_replication_is_off_at_zero_seconds(jiangsu, settings, monkeypatch):
    monkeypatch.setattr(runner, "http_getter", lambda: jiangsu.get)
    settings.GREENCERT_REPLICATE_SECONDS = 0
    jiangsu.add(js_number(1))
    tasks.schedule_replication_rounds.call_local()
    assert not ReplicatedLog.objects.exists()


def test_the_periodic_replication_follows_the_peers(jiangsu, settings, monkeypatch):
    monkeypatch.setattr(runner, "http_getter", lambda: jiangsu.get)
    settings.GREENCERT_REPLICATE_SECONDS = 30
    jiangsu.add(js_number(1))
    tasks.schedule_replication_rounds.call_local()
    assert state().size == 1
    assert ForeignCertificate.objects.get().number == js_number(1)


def test_the_replicate_command_runs_one_round(jiangsu, monkeypatch):
    monkeypatch.setattr(runner, "http_getter", lambda: jiangsu.get)
    jiangsu.add(js_number(1))
    out = io.StringIO()
    call_command("replicate", "--once", stdout=out)
    assert "yrd-js: applied 1, 1 entries in all" in out.getvalue()
    jiangsu.down = True
    with pytest.raises(CommandError, match="1 peer"):
        call_command("replicate", "--once", stdout=io.StringIO())
    with pytest.raises(CommandError, match="yrd-zz"):
        call_command("replicate", "--once", "--peer", "yrd-zz")


def test_the_replicate_command_needs_peers():
    with pytest.raises(CommandError, match="no peers to follow"):
        call_command("replicate", "--once")


def test_applied_events_are_never_changed_or_removed(jiangsu):
    from django.db import DatabaseError, transaction

    jiangsu.add(js_number(1))
    follow(js_peer(), jiangsu.get)
    for change in (
        lambda: ForeignEvent.objects.update(leaf="{}"),
        lambda: ForeignEvent.objects.all().delete(),
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            change()
    assert ForeignEvent.objects.get().leaf.encode() == jiangsu.leaves()[0]


WITNESS_PEERS = """- id: yrd-zj
  province_code: "330000"
  name: {{zh: 浙江省节点, en: Zhejiang node}}
  url: http://zj.example
  log_vkey: zj.example/log+0a1b2c3d+AbCd
  witness_vkey: {zj}
- id: yrd-ah
  province_code: "340000"
  name: {{zh: 安徽省节点, en: Anhui node}}
  url: http://ah.example
  log_vkey: ah.example/log+0a1b2c3d+AbCd
  witness_vkey: {ah}
"""


def test_new_entries_wait_for_a_checkpoint_their_witnesses_cosigned(settings, tmp_path):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from greencert.exchange.replication.models import ForeignCertificate
    from greencert.exchange.tlog.note import public_bytes
    from greencert.exchange.witness import cosignature

    keys = {name: Ed25519PrivateKey.generate() for name in ("zj", "ah")}
    vkeys = {
        name: cosignature.cosigner_vkey(f"{name}.example/witness", public_bytes(k.public_key()))
        for name, k in keys.items()
    }
    peer = FakePeer()
    clear = use_peers(settings, tmp_path, peer, WITNESS_PEERS.format(**vkeys))
    settings.GREENCERT_REPLICATE_WITNESSED_ONLY = True
    try:
        peer.add(js_number(1))
        result = follow(js_peer(), peer.get)
        assert not result.ok and "cosigned by 0 of the 2 witnesses" in result.error
        assert not ForeignCertificate.objects.exists()

        signed = peer.checkpoint()
        text = signed.partition("\n\n")[0] + "\n"

        def cosigned_by(name: str, key: Ed25519PrivateKey) -> str:
            return cosignature.cosign(text, f"{name}.example/witness", key, 1_700_000_000)

        one = signed + cosigned_by("zj", keys["zj"])
        forged = one + cosigned_by("ah", Ed25519PrivateKey.generate())  # not Anhui's key
        for note_text in (one, forged):
            peer.overrides["/log/checkpoint"] = note_text.encode()
            result = follow(js_peer(), peer.get)
            assert "cosigned by 1 of the 2 witnesses needed (yrd-zj)" in result.error
            assert not ForeignCertificate.objects.exists()

        peer.overrides["/log/checkpoint"] = (one + cosigned_by("ah", keys["ah"])).encode()
        result = follow(js_peer(), peer.get)
        assert (result.ok, result.applied) == (True, 1)
        assert ForeignCertificate.objects.get().number == js_number(1)
    finally:
        clear()
