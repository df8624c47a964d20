"""The complaint spam guard holds across server processes and against forged challenges: its key
is its own (derived from SECRET_KEY), a solved challenge is accepted once by all processes, and
the hourly limit per address is one count for all of them."""

from __future__ import annotations

import contextlib
from typing import Any

import pytest
from django.conf import settings
from django.core import signing
from django.test import RequestFactory, override_settings

from greencert.core.errors import ValidationFailed
from greencert.core.tests.shared_stores import server_process
from greencert.supervision import spamguard

pytestmark = pytest.mark.django_db
# The key every node used when GREENCERT_SECRET_KEY was unset.
OLD_PUBLIC_KEY = "greencert-insecure-development-key-change-me-in-production"


def forged(key: str | None) -> str:
    return signing.dumps({"n": "00", "b": 0}, key=key, salt=spamguard.SALT)


@pytest.mark.parametrize("key", [None, OLD_PUBLIC_KEY], ids=["secret-key", "old-public-key"])
def test_a_challenge_forged_with_difficulty_zero_is_refused(key: str | None):
    with pytest.raises(ValidationFailed) as refused:
        spamguard.check_proof(forged(key), "anything")

    assert refused.value.field == "proof"


@override_settings(GREENCERT_COMPLAINT_POW_BITS=12)
def test_a_validly_signed_challenge_below_the_nodes_difficulty_is_refused():
    weak = signing.dumps({"n": "01", "b": 0}, key=spamguard.signing_key(), salt=spamguard.SALT)

    with pytest.raises(ValidationFailed):
        spamguard.check_proof(weak, "anything")


def test_the_challenge_key_is_not_the_secret_key():
    assert spamguard.signing_key() != settings.SECRET_KEY


@override_settings(GREENCERT_COMPLAINT_POW_BITS=4)
def test_a_solved_challenge_is_accepted_once_by_all_processes(shared_store: dict[str, Any]):
    challenge = spamguard.issue_challenge()
    nonce = spamguard.solve(challenge)

    with server_process(shared_store):
        spamguard.check_proof(challenge, nonce)
    with server_process(shared_store), pytest.raises(ValidationFailed):
        spamguard.check_proof(challenge, nonce)


@override_settings(GREENCERT_COMPLAINTS_PER_HOUR=5)
def test_the_hourly_limit_is_one_count_for_all_processes(shared_store: dict[str, Any]):
    request = RequestFactory().post("/supervision/complaints/new/", REMOTE_ADDR="198.51.100.9")
    accepted = 0
    for _ in range(10):
        # Requests alternate between two processes; a refusal is not counted.
        with server_process(shared_store), contextlib.suppress(spamguard.TooManyComplaints):
            spamguard.check_rate(request)
            accepted += 1

    assert accepted == 5
