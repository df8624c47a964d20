"""API clients: hashed tokens, rotation, revocation, scopes, rate limits, the console command."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.core.cache import caches
from django.core.management import call_command
from django.test import Client

from greencert.core.actors import Actor
from greencert.core.errors import PermissionRefused, ValidationFailed
from greencert.exchange.actions import create_client, revoke_tokens, rotate_token
from greencert.exchange.models import ApiClient, ApiToken
from greencert.exchange.tests.conftest import CONSOLE

pytestmark = pytest.mark.django_db


def feed(token: str) -> int:
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}").get("/api/v1/changes").status_code


def test_only_the_tokens_hash_is_stored():
    client, token = create_client(CONSOLE, name="insurer", scopes=["feed"])
    stored = ApiToken.objects.get(client=client)
    assert token not in {stored.prefix, stored.token_hash}
    assert token.split("_")[1] == stored.prefix
    assert len(stored.token_hash) == 64


def test_a_token_opens_the_scopes_of_its_client():
    _, token = create_client(CONSOLE, name="insurer", scopes=["feed"])
    assert feed(token) == 200


def test_a_request_without_a_token_is_refused_with_a_bilingual_401():
    response = Client().get("/api/v1/changes")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert "令牌" in response.json()["error"]["message_zh"]
    assert "token" in response.json()["error"]["message_en"]


def test_a_wrong_secret_with_a_real_prefix_is_refused():
    _, token = create_client(CONSOLE, name="insurer", scopes=["feed"])
    assert feed(token[:-4] + "abcd") == 401


def test_a_client_without_the_scope_is_refused_with_403():
    _, token = create_client(CONSOLE, name="verifier", scopes=["verify"])
    response = Client(HTTP_AUTHORIZATION=f"Bearer {token}").get("/api/v1/changes")
    assert response.status_code == 403
    assert response.json()["error"]["value"] == "feed"


def test_revoked_tokens_stop_working_at_once():
    client, token = create_client(CONSOLE, name="insurer", scopes=["feed"])
    assert revoke_tokens(CONSOLE, client) == 1
    assert feed(token) == 401


def test_after_rotation_both_tokens_work_until_the_grace_period_ends():
    client, old = create_client(CONSOLE, name="insurer", scopes=["feed"])
    new = rotate_token(CONSOLE, client)
    assert feed(old) == 200
    assert feed(new) == 200
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(hours=25)):
        assert feed(old) == 401
        assert feed(new) == 200


def test_exceeding_the_rate_limit_gets_429_with_retry_after():
    _, token = create_client(CONSOLE, name="insurer", scopes=["feed"], rate_limit_per_minute=2)
    api = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert [api.get("/api/v1/changes").status_code for _ in range(2)] == [200, 200]
    response = api.get("/api/v1/changes")
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    assert "每分钟最多 2 次" in response.json()["error"]["message_zh"]


def test_one_clients_limit_leaves_other_clients_alone():
    _, busy = create_client(CONSOLE, name="insurer", scopes=["feed"], rate_limit_per_minute=1)
    _, other = create_client(CONSOLE, name="buyer", scopes=["feed"], rate_limit_per_minute=1)
    assert [feed(busy), feed(busy)] == [200, 429]
    assert feed(other) == 200


def test_the_limit_counts_every_endpoint_of_a_client_together():
    _, token = create_client(
        CONSOLE, name="insurer", scopes=["feed", "webhooks"], rate_limit_per_minute=2
    )
    api = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert api.get("/api/v1/changes").status_code == 200
    assert api.get("/api/v1/webhooks").status_code == 200
    assert api.get("/api/v1/changes").status_code == 429
    assert api.get("/api/v1/webhooks").status_code == 429


def test_the_count_lives_in_the_shared_cache():
    _, token = create_client(CONSOLE, name="insurer", scopes=["feed"], rate_limit_per_minute=1)
    assert [feed(token), feed(token)] == [200, 429]
    caches["shared"].clear()
    assert feed(token) == 200


def test_public_endpoints_are_not_counted_against_anyone(issued_certificate):
    for _ in range(5):
        assert Client().get(f"/api/v1/certificates/{issued_certificate.number}").status_code == 200


def test_unknown_scopes_are_refused_and_nothing_is_created():
    with pytest.raises(ValidationFailed) as error:
        create_client(CONSOLE, name="insurer", scopes=["feed", "admin"])
    assert error.value.value == "admin"
    assert not ApiClient.objects.exists()


def test_only_the_alliance_administrator_registers_clients(plain_user: Actor):
    with pytest.raises(PermissionRefused):
        create_client(plain_user, name="insurer", scopes=["feed"])


def test_public_verification_needs_no_token(issued_certificate):
    response = Client().get(f"/api/v1/certificates/{issued_certificate.number}")
    assert response.status_code == 200


def test_console_command_prints_a_working_token_once():
    out = io.StringIO()
    call_command("clients", "create", "pingan-insurance", "--scopes", "verify,feed", stdout=out)
    token = out.getvalue().strip().splitlines()[-1].split()[-1]
    assert token.startswith("gct_")
    assert feed(token) == 200
    listing = io.StringIO()
    call_command("clients", "list", stdout=listing)
    assert "pingan-insurance" in listing.getvalue()
    assert token not in listing.getvalue()
