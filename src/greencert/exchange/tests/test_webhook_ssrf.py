"""Webhooks reach public receivers only: no internal address in any spelling, no name resolving to
one (when registered or when delivered), no redirect followed, no port scan through dead letters."""

from __future__ import annotations

import ipaddress
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.test import override_settings

from greencert.core.errors import ValidationFailed
from greencert.exchange import webhook_targets
from greencert.exchange.actions import subscribe_webhook
from greencert.exchange.models import DeliveryState, WebhookDelivery, WebhookSubscription
from greencert.exchange.tests.receiver import Receiver
from greencert.exchange.webhook_targets import BadTarget, parse_target
from greencert.exchange.webhooks import UNREACHABLE, deliver_subscription, dispatch_all

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_task_queue")]

PUBLIC = ipaddress.ip_address("93.184.215.14")

INTERNAL_URLS = [
    "http://127.0.0.1:5432/",
    "http://127.0.0.1.:5432/",
    "http://169.254.169.254/latest/meta-data/",
    "http://localhost:6379/",
    "http://LOCALHOST./",
    "http://api.localhost/",
    "http://[::1]:6379/",
    "http://[0:0:0:0:0:0:0:1]/",
    "http://0x7f000001/",
    "http://0X7F.0.0.1/",
    "http://2130706433/",
    "http://017700000001/",
    "http://0177.0.0.1/",
    "http://127.1/",
    "http://127.0.1/",
    "http://0/",
    "http://0.0.0.0:8000/",
    "http://[::]/",
    "http://10.0.0.1/",
    "http://172.16.5.4/",
    "http://192.168.1.1/",
    "http://100.64.0.1/",
    "http://[fc00::1]/",
    "http://[fe80::1%25eth0]/",
    "http://[::ffff:127.0.0.1]/",
    "http://[::ffff:7f00:1]/",
    "http://[::ffff:169.254.169.254]/",
    "http://[64:ff9b::10.0.0.1]/",
    "http://[2002:7f00:1::]/",
    "http://224.0.0.1/",
    "http://[ff02::1]/",
    "http://240.0.0.1/",
    "http://255.255.255.255/",
    "http://198.18.0.1/",
    "https://127.0.0.1/",
]


def internal_resolver(address: str):
    def resolve(host: str, port: int) -> list[Any]:
        return [ipaddress.ip_address(address)]

    return resolve


@pytest.mark.parametrize("url", INTERNAL_URLS)
def test_an_internal_address_in_any_spelling_is_refused_naming_the_url(buyer, url):
    _, api = buyer
    response = api.post(
        "/api/v1/webhooks", json.dumps({"url": url}), content_type="application/json"
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["field"] == "url"
    assert error["value"] == url
    assert "expected a public" in error["message_en"]
    assert "应为公网地址" in error["message_zh"]
    assert not WebhookSubscription.objects.exists()


@pytest.mark.parametrize(
    ("host", "address"),
    [
        ("127.1", "127.0.0.1"),
        ("2130706433", "127.0.0.1"),
        ("0x7f000001", "127.0.0.1"),
        ("017700000001", "127.0.0.1"),
        ("0177.0.0.01", "127.0.0.1"),
        ("10.1", "10.0.0.1"),
        ("192.168.257", "192.168.1.1"),
        ("0x0a.0x00.0.1", "10.0.0.1"),
        ("::ffff:127.0.0.1", "::ffff:7f00:1"),
    ],
)
def test_every_spelling_of_an_address_is_read_as_a_resolver_reads_it(host, address):
    assert webhook_targets.address_literal(host) == ipaddress.ip_address(address)


@pytest.mark.parametrize(
    "host", ["1.2.3.4.5", "256.0.0.1", "1.2.3.0x100", "09.1.1.1", "1.2.3.4294967296"]
)
def test_a_malformed_address_is_refused_rather_than_guessed(host):
    with pytest.raises(BadTarget, match="not a valid IP address"):
        parse_target(f"http://{host}/hooks")


def test_a_name_resolving_to_an_internal_address_is_refused_when_subscribing(buyer, monkeypatch):
    client, _ = buyer
    monkeypatch.setattr(webhook_targets, "resolve", internal_resolver("10.1.2.3"))
    with pytest.raises(ValidationFailed) as refused:
        subscribe_webhook(client, url="https://hooks.buyer.example/in")
    assert refused.value.field == "url"
    assert "resolves to an internal or reserved address" in refused.value.message_en
    assert "10.1.2.3" not in refused.value.message_en


def test_a_name_that_does_not_resolve_yet_is_accepted_and_checked_at_delivery(buyer, monkeypatch):
    client, _ = buyer

    def nowhere(host: str, port: int) -> list[Any]:
        raise OSError("no such name")

    monkeypatch.setattr(webhook_targets, "resolve", nowhere)
    subscription, _ = subscribe_webhook(client, url="https://hooks.buyer.example/in")
    assert subscription.url == "https://hooks.buyer.example/in"


def test_a_public_name_and_address_are_accepted(buyer, monkeypatch):
    client, _ = buyer
    monkeypatch.setattr(webhook_targets, "resolve", internal_resolver(str(PUBLIC)))
    subscribe_webhook(client, url="https://hooks.buyer.example/in")
    subscribe_webhook(client, url=f"http://{PUBLIC}:8443/in")
    assert WebhookSubscription.objects.count() == 2


def test_a_name_that_turns_internal_after_subscribing_is_parked_without_a_request(
    buyer, issue, monkeypatch
):
    """DNS rebinding: public when registered, loopback at delivery — refused, nothing sent."""
    client, _ = buyer
    with Receiver() as receiver:
        port = int(receiver.url.rsplit(":", 1)[1].split("/")[0])
        monkeypatch.setattr(webhook_targets, "resolve", internal_resolver(str(PUBLIC)))
        subscription, _ = subscribe_webhook(
            client, url=f"http://rebinding.example:{port}/hooks", from_sequence=0
        )
        monkeypatch.setattr(webhook_targets, "resolve", internal_resolver("127.0.0.1"))
        issue()
        dispatch_all()
        deliver_subscription(subscription.pk)
        assert receiver.requests == []
    delivery = WebhookDelivery.objects.get(subscription=subscription)
    assert delivery.state == DeliveryState.DEAD
    assert "resolves to an internal or reserved address" in delivery.last_error


def test_the_request_goes_to_the_address_that_was_checked(buyer, issue, monkeypatch, settings):
    """The name is resolved once per delivery and the connection made to that address: a
    resolver answering differently the second time is never asked."""
    client, _ = buyer
    settings.GREENCERT_WEBHOOK_ALLOWED_HOSTS = ["hooks.internal"]
    answers = iter([ipaddress.ip_address("127.0.0.1"), PUBLIC])
    with Receiver() as receiver:
        port = int(receiver.url.rsplit(":", 1)[1].split("/")[0])
        subscription, _ = subscribe_webhook(
            client, url=f"http://hooks.internal:{port}/hooks", from_sequence=0
        )
        monkeypatch.setattr(webhook_targets, "resolve", lambda host, port: [next(answers)])
        issue()
        dispatch_all()
        assert deliver_subscription(subscription.pk) == 1
        [(headers, _body)] = receiver.requests
    assert headers["host"] == f"hooks.internal:{port}"


def test_an_operator_may_allow_a_named_internal_host(buyer, issue, settings):
    client, _ = buyer
    settings.GREENCERT_WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    with Receiver() as receiver:
        subscription, _ = subscribe_webhook(client, url=receiver.url, from_sequence=0)
        issue()
        dispatch_all()
        assert deliver_subscription(subscription.pk) == 1
    settings.GREENCERT_WEBHOOK_ALLOWED_HOSTS = []
    with pytest.raises(ValidationFailed):
        subscribe_webhook(client, url=receiver.url)


def test_a_subscription_whose_url_was_allowed_once_is_refused_after_the_allowance_goes(
    buyer, issue, settings
):
    client, _ = buyer
    settings.GREENCERT_WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    with Receiver() as receiver:
        subscription, _ = subscribe_webhook(client, url=receiver.url, from_sequence=0)
        settings.GREENCERT_WEBHOOK_ALLOWED_HOSTS = []
        issue()
        dispatch_all()
        deliver_subscription(subscription.pk)
        assert receiver.requests == []
    delivery = WebhookDelivery.objects.get(subscription=subscription)
    assert delivery.state == DeliveryState.DEAD
    assert "127.0.0.1 is a loopback address" in delivery.last_error


def test_production_mode_requires_https(buyer, monkeypatch):
    client, _ = buyer
    monkeypatch.setattr(webhook_targets, "resolve", internal_resolver(str(PUBLIC)))
    with override_settings(GREENCERT_PRODUCTION=True):
        with pytest.raises(ValidationFailed) as refused:
            subscribe_webhook(client, url="http://hooks.buyer.example/in")
        assert "expected an https:// URL" in refused.value.message_en
        assert "应以 https:// 开头" in refused.value.message_zh
        subscribe_webhook(client, url="https://hooks.buyer.example/in")
    subscribe_webhook(client, url="http://hooks.buyer.example/in")


def test_this_node_itself_is_refused(buyer, monkeypatch, settings):
    client, _ = buyer
    settings.GREENCERT_PUBLIC_URL = "https://registry.yrd.example"
    monkeypatch.setattr(webhook_targets, "resolve", internal_resolver(str(PUBLIC)))
    with pytest.raises(ValidationFailed, match="this node itself"):
        subscribe_webhook(client, url="https://registry.yrd.example/admin/")


def test_a_url_with_credentials_is_refused(buyer):
    client, _ = buyer
    with pytest.raises(ValidationFailed, match="no user name or password"):
        subscribe_webhook(client, url="https://user:pass@hooks.buyer.example/in")


def test_a_url_over_500_characters_is_refused_naming_its_length(buyer):
    """Refused by the schema on the API; ``check_webhook_url`` refuses it on every other path."""
    _, api = buyer
    url = "https://hooks.buyer.example/" + "a" * 500
    response = api.post(
        "/api/v1/webhooks", json.dumps({"url": url}), content_type="application/json"
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["field"] == "url"
    assert "500" in error["message_en"]
    assert not WebhookSubscription.objects.exists()


class Redirecting:
    """A receiver answering 302 to an internal target, which must not be called."""

    def __init__(self, location: str) -> None:
        self.hits = 0
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                outer.hits += 1
                self.rfile.read(int(self.headers["content-length"]))
                self.send_response(302)
                self.send_header("Location", location)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                """Quiet."""

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def test_a_redirect_is_not_followed(buyer, issue, settings):
    client, _ = buyer
    settings.GREENCERT_WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    with Receiver() as internal:
        redirecting = Redirecting(internal.url)
        try:
            subscription, _ = subscribe_webhook(client, url=redirecting.url, from_sequence=0)
            issue()
            dispatch_all()
            assert deliver_subscription(subscription.pk) == 0
        finally:
            redirecting.close()
        assert redirecting.hits == 1
        assert internal.requests == []
    delivery = WebhookDelivery.objects.get(subscription=subscription)
    assert delivery.state == DeliveryState.PENDING
    assert (delivery.last_status, delivery.last_error) == (302, "HTTP 302")


class NotHttp(BaseHTTPRequestHandler):
    """A service that is not HTTP (a Redis port, say)."""

    def handle(self) -> None:
        self.wfile.write(b"-ERR unknown command\r\n")


def test_dead_letters_read_alike_for_a_closed_port_and_a_non_http_service(buyer, issue, settings):
    """Refused, reset or answered in something else than HTTP: one wording, so the dead-letter
    list cannot tell which ports of a host are open."""
    client, _ = buyer
    settings.GREENCERT_WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    closed = subscribe_webhook(client, url="http://127.0.0.1:9/hooks", from_sequence=0)[0]
    server = ThreadingHTTPServer(("127.0.0.1", 0), NotHttp)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        other = subscribe_webhook(
            client, url=f"http://127.0.0.1:{server.server_address[1]}/", from_sequence=0
        )[0]
        issue()
        dispatch_all()
        deliver_subscription(closed.pk)
        deliver_subscription(other.pk)
    finally:
        server.shutdown()
        server.server_close()
    errors = {d.last_error for d in WebhookDelivery.objects.all()}
    assert errors == {UNREACHABLE}


def test_the_admin_form_refuses_an_internal_address_as_the_api_does(buyer):
    from greencert.exchange.admin import WebhookSubscriptionForm

    client, _ = buyer
    data = {
        "client": client.pk,
        "url": "http://169.254.169.254/latest/",
        "cursor": 0,
        "active": True,
    }
    for field in ("holders", "categories", "regions", "event_types"):
        data[field] = "[]"
    form = WebhookSubscriptionForm(data=data)
    assert not form.is_valid()
    [message] = form.errors["url"]
    assert "169.254.169.254 is a link-local address" in message
    assert "应为公网地址" in message


def test_the_subscribe_action_refuses_a_url_over_500_characters(buyer):
    client, _ = buyer
    with pytest.raises(ValidationFailed, match="at most 500 characters"):
        subscribe_webhook(client, url="https://hooks.buyer.example/" + "a" * 480)
