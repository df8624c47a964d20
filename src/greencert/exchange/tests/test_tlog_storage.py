"""The log's storage: hashes appended from the event log, never rewritten, checkpoints signed over
what is stored."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, transaction

from greencert.certification.lifecycle.tree_head import event_leaf, feed_events, tree_head
from greencert.core.merkle import tree_root
from greencert.exchange.models import LogCheckpoint, LogHash
from greencert.exchange.tlog import note, storage

pytestmark = pytest.mark.django_db


def test_catch_up_logs_every_event_and_signs_the_tree_head(issue):
    for _ in range(5):
        issue()
    logged = storage.catch_up()
    leaves = [event_leaf(e) for e in feed_events(1, logged)]
    checkpoint = storage.latest_checkpoint()
    assert logged == len(leaves) > 0
    assert checkpoint.size == logged
    assert bytes(checkpoint.root_hash) == tree_root(leaves)


def test_the_checkpoint_note_verifies_with_the_published_verifier_key(issue):
    issue()
    storage.catch_up()
    verifier = note.parse_verifier_key(storage.verifier_key())
    opened = note.open_checkpoint(storage.latest_checkpoint().note, verifier)
    assert opened.origin == "127.0.0.1:8000/log"
    assert opened.size == storage.logged_size()


def test_catch_up_in_small_batches_builds_the_same_tree(issue):
    for _ in range(4):
        issue()
    storage.catch_up(batch=3)
    leaves = [event_leaf(e) for e in feed_events(1, storage.logged_size())]
    for size in range(len(leaves) + 1):
        assert storage.stored_root(size) == tree_root(leaves[:size])


def test_catch_up_after_more_events_extends_the_stored_tree(issue):
    issue()
    first = storage.catch_up()
    issue()
    issue()
    second = storage.catch_up()
    leaves = [event_leaf(e) for e in feed_events(1, first + second)]
    assert storage.stored_root(first + second) == tree_root(leaves)
    assert list(LogCheckpoint.objects.values_list("size", flat=True)) == [first, first + second]


def test_catch_up_with_nothing_new_signs_no_new_checkpoint(issue):
    issue()
    storage.catch_up()
    assert storage.catch_up() == 0
    assert LogCheckpoint.objects.count() == 1


def test_a_stored_hash_cannot_be_rewritten(issue):
    issue()
    storage.catch_up()
    with pytest.raises(DatabaseError), transaction.atomic():
        LogHash.objects.filter(level=0, index=0).update(hash=bytes(32))


def test_a_checkpoint_cannot_be_deleted(issue):
    issue()
    storage.catch_up()
    with pytest.raises(DatabaseError), transaction.atomic():
        LogCheckpoint.objects.all().delete()


def test_the_draws_tree_head_reads_the_stored_log(issue):
    issue()
    issue()
    size = storage.catch_up()
    leaves = [event_leaf(e) for e in feed_events(1, size)]
    assert storage.stored_root(size).hex() == tree_head(leaves).root_hash
    assert storage.stored_root(size + 1) is None
