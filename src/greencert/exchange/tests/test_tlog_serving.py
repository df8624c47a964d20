"""/log/ serves the log as C2SP tlog-tiles; the proof endpoint; auditing a node's log."""

from __future__ import annotations

import base64
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test import Client

from greencert.certification.lifecycle.tree_head import event_leaf, feed_events
from greencert.certification.models import CertificateEvent
from greencert.core.merkle import leaf_hash
from greencert.exchange import tasks
from greencert.exchange.models import LogCheckpoint
from greencert.exchange.tlog import audit, hooks, note, storage
from greencert.exchange.tlog.api import verify_certificate_proof
from greencert.exchange.tlog.tiles import WIDTH, decode_bundle, split_hashes

pytestmark = pytest.mark.django_db


def fetcher(client: Client):
    def fetch(path: str) -> bytes:
        response = client.get(f"/log/{path}")
        if response.status_code != 200:
            raise audit.FetchFailed(f"{path}: {response.status_code}")
        return response.content

    return fetch


def test_the_checkpoint_is_a_signed_note_of_the_tree(client, grown_log):
    response = client.get("/log/checkpoint")
    verifier = note.parse_verifier_key(client.get("/log/vkey").content.decode())
    checkpoint = note.open_checkpoint(response.content.decode(), verifier)
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert checkpoint.size == 300
    assert "immutable" not in response["Cache-Control"]


def test_a_full_tile_holds_256_leaf_hashes_and_is_immutable(client, grown_log):
    response = client.get("/log/tile/0/000")
    leaves = [leaf_hash(event_leaf(e)) for e in feed_events(1, WIDTH)]
    assert split_hashes(response.content) == leaves
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"


def test_a_partial_tile_is_short_lived(client, grown_log):
    response = client.get("/log/tile/0/001.p/44")
    leaves = [leaf_hash(event_leaf(e)) for e in feed_events(257, 300)]
    assert split_hashes(response.content) == leaves
    assert response["Cache-Control"] == "public, max-age=1"


def test_a_level_1_tile_holds_the_hash_of_each_full_level_0_tile(client, grown_log):
    response = client.get("/log/tile/1/000.p/1")
    assert split_hashes(response.content) == [storage.stored_root(WIDTH)]


def test_tiles_beyond_the_checkpoint_are_not_served(client, grown_log):
    assert client.get("/log/tile/0/001").status_code == 404
    assert client.get("/log/tile/0/001.p/45").status_code == 404
    assert client.get("/log/tile/entries/002.p/1").status_code == 404


def test_entry_bundles_hold_the_change_feeds_canonical_json(client, grown_log):
    entries = decode_bundle(client.get("/log/tile/entries/001.p/44").content)
    assert entries == [event_leaf(e) for e in feed_events(257, 300)]
    assert json.loads(entries[0])["sequence"] == 257


def test_the_log_serves_no_session_cookie(client, grown_log):
    assert not client.get("/log/checkpoint").cookies


def test_the_vkey_is_listed_in_the_did_document(client, grown_log):
    did = client.get("/.well-known/did.json").json()
    services = {s["type"]: s for s in did["service"]}
    assert services["TransparencyLog"]["verifierKey"] == storage.verifier_key()


def test_the_log_command_prints_the_vkey(capsys, grown_log):
    call_command("log", "vkey")
    assert capsys.readouterr().out.strip() == storage.verifier_key()


def test_a_commit_that_appends_events_asks_the_worker_for_one_catch_up(
    django_capture_on_commit_callbacks, issue, monkeypatch
):
    asked = []
    monkeypatch.setattr(hooks, "worker_runs_tasks", lambda: True)
    monkeypatch.setattr(tasks, "catch_up_log", lambda: asked.append(True))
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        issue()
        issue()
    assert asked == [True]


def test_the_workers_catch_up_signs_a_checkpoint_of_the_committed_events(issue):
    issue()
    tasks.catch_up_log.call_local()
    assert storage.latest_checkpoint().size == CertificateEvent.objects.count()


def test_the_proof_endpoint_gives_proofs_that_verify_offline(client, grown_log):
    answer = client.get(f"/api/v1/certificates/{grown_log.number}/proof").json()
    assert len(answer["events"]) == 300
    assert answer["tree_size"] == 300
    assert verify_certificate_proof(answer, storage.verifier_key()) == []


def test_a_proof_for_an_altered_event_does_not_verify(client, grown_log):
    answer = client.get(f"/api/v1/certificates/{grown_log.number}/proof").json()
    answer["events"][3]["event"]["status_after"] = "03"
    assert verify_certificate_proof(answer, storage.verifier_key()) == [
        "event 4: inclusion proof fails"
    ]


def test_events_after_the_checkpoint_are_counted_not_proven(client, grown_log, body_staff):
    from greencert.certification.actions import suspend_certificate
    from greencert.core.tests.fixtures import in_days

    suspend_certificate(body_staff, grown_log, reason_code="S01", until=in_days(9))
    answer = client.get(f"/api/v1/certificates/{grown_log.number}/proof").json()
    assert answer["events_not_yet_logged"] == 1


def test_an_unknown_certificate_has_no_proof(client, db):
    assert client.get("/api/v1/certificates/GC-NOPE/proof").status_code in (400, 404)


def test_the_audit_passes_on_an_intact_log(client, grown_log):
    report = audit.audit(fetcher(client), storage.verifier_key())
    assert report.failures == []
    assert report.size == 300


def test_the_audit_checks_consistency_with_an_earlier_checkpoint(client, grown_log, issue):
    earlier = client.get("/log/checkpoint").content.decode()
    issue()
    storage.catch_up()
    report = audit.audit(fetcher(client), storage.verifier_key(), since=earlier)
    assert report.failures == []
    assert any(line.startswith("consistency") for line in report.checked)


def test_the_audit_fails_on_an_event_rewritten_behind_the_applications_back(client, grown_log):
    table = CertificateEvent._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"DROP TRIGGER {table}_append_only ON {table}")
        else:
            cursor.execute(f"DROP TRIGGER {table}_no_update")
        cursor.execute(f"UPDATE {table} SET status_after = '03' WHERE sequence = 5")
    report = audit.audit(fetcher(client), storage.verifier_key())
    assert "tile/0/000: hash 4 is not the hash of the served entries below it" in report.failures
    assert "tree head: the entries' root hash is not the checkpoint's" in report.failures


def test_the_audit_fails_on_a_checkpoint_that_is_not_consistent(client, grown_log):
    key = storage.ensure_log_key()
    forged = note.sign_note(
        note.Checkpoint(key.name, 2, bytes(32)).text(),
        key.name,
        storage._private_key(key.private_key_pem),
    )
    report = audit.audit(fetcher(client), storage.verifier_key(), since=forged)
    assert report.failures == [
        "consistency: the earlier checkpoint of 2 entries is not a prefix of this log "
        "(history rewritten)"
    ]


def test_the_audit_fails_on_a_checkpoint_signed_by_another_key(client, grown_log):
    other = note.verifier_key(storage.origin(), bytes(32))
    report = audit.audit(fetcher(client), other)
    assert report.failures[0].startswith("checkpoint:")


def test_the_audit_command_fails_when_the_log_cannot_be_read(grown_log, capsys):
    # A CommandError is what makes the console command exit with status 1.
    with pytest.raises(CommandError, match="failed 1 checks"):
        call_command("log", "audit", "http://127.0.0.1:9/log", "--vkey", storage.verifier_key())
    assert "FAILED  checkpoint:" in capsys.readouterr().out


def test_checkpoints_only_grow(grown_log, issue):
    issue()
    storage.catch_up()
    sizes = list(LogCheckpoint.objects.order_by("signed_at", "pk").values_list("size", flat=True))
    assert sizes == sorted(sizes)
    assert base64.b64encode(bytes(LogCheckpoint.objects.last().root_hash))
