"""What people see of the witness: the regulators' page and office banner, the public API, the
DID document, and ``greencert log witness-vkey|witness-status``."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from greencert.api.tests.contract import assert_documented
from greencert.exchange import peers
from greencert.exchange.tlog import storage
from greencert.exchange.witness import cosignature, keys, submit
from greencert.exchange.witness.models import WitnessAlert

from .foreign_log import FakeWitness, ForeignLog, peer_entry, use_peers

pytestmark = pytest.mark.django_db
PAGE = "/log/witness/"


@pytest.fixture
def jiangsu(settings, tmp_path):
    log = ForeignLog()
    use_peers(
        settings, tmp_path, [peer_entry("yrd-js", "320000", "http://127.0.0.1:8002", log.vkey)]
    )
    yield log
    peers.clear_cache()


def add_checkpoint(client, body: bytes) -> int:
    return client.post("/witness/add-checkpoint", body, content_type="text/plain").status_code


@pytest.fixture
def rewritten(client, jiangsu):
    """Jiangsu's log cosigned at 9 entries, then offered rewritten from entry 3 at 12."""
    assert add_checkpoint(client, jiangsu.request(0, 9)) == 200
    forged = ForeignLog(key=jiangsu.key, rewrite_from=3)
    assert add_checkpoint(client, forged.request(9, 12)) == 422
    return forged


def test_a_regulator_sees_each_peers_checkpoint_and_the_alert_with_both_notes(
    client, zhejiang_regulator, jiangsu, rewritten
):
    client.force_login(zhejiang_regulator.user)
    page = client.get(PAGE, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    html = page.content.decode()
    alert = WitnessAlert.objects.get()
    assert "History rewritten" in html
    assert "yrd-js node" in html
    assert alert.held_note.split("\n")[2] in html  # the held root hash
    assert alert.offered_note.split("\n")[2] in html  # the refused root hash
    assert "\u2014 127.0.0.1:8002/log" in html  # both notes shown with their signatures


def test_the_page_is_in_chinese_by_default(client, zhejiang_regulator, jiangsu, rewritten):
    client.force_login(zhejiang_regulator.user)
    html = client.get(PAGE, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "历史被改写" in html


def test_the_regulators_office_shows_the_alert_count(
    client, zhejiang_regulator, jiangsu, rewritten
):
    client.force_login(zhejiang_regulator.user)
    html = client.get("/supervision/office/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="office-alerts"' in html
    assert "1 witness alert" in html
    assert PAGE in html


def test_the_office_shows_no_banner_without_alerts(client, zhejiang_regulator, jiangsu):
    client.force_login(zhejiang_regulator.user)
    html = client.get("/supervision/office/").content.decode()
    assert 'id="office-alerts"' not in html


def test_an_enterprise_may_not_see_the_witness_page(client, enterprise_user, jiangsu, rewritten):
    client.force_login(enterprise_user.user)
    assert client.get(PAGE).status_code == 403


def test_an_anonymous_visitor_is_sent_to_log_in(client, jiangsu, rewritten):
    answer = client.get(PAGE)
    assert answer.status_code == 302
    assert "/login/" in answer["Location"]


def test_the_api_lists_held_checkpoints_and_evidence_publicly(client, jiangsu, rewritten):
    answer = client.get("/api/v1/witness/peers")
    assert answer.status_code == 200
    data = assert_documented(answer, "get", "/api/v1/witness/peers")
    assert data["witness_vkey"] == keys.witness_vkey()
    (peer,) = data["peers"]
    assert peer["id"] == "yrd-js" and peer["origin"] == jiangsu.origin
    assert peer["held"]["size"] == 9
    (alert,) = peer["alerts"]
    assert alert["kind"] == "rewritten"
    assert (alert["held_size"], alert["offered_size"]) == (9, 12)
    assert alert["offered_note"] == rewritten.checkpoint(12)


def test_the_did_document_lists_the_witness_key(client):
    document = client.get("/.well-known/did.json").json()
    services = {s["type"]: s for s in document["service"]}
    witness = services["TransparencyLogWitness"]
    assert witness["verifierKey"] == keys.witness_vkey()
    assert witness["serviceEndpoint"].endswith("/witness/")


def test_witness_vkey_prints_the_cosigner_key(settings):
    settings.GREENCERT_WITNESS_NAME = "127.0.0.1:8001/witness"
    out = StringIO()
    call_command("log", "witness-vkey", stdout=out)
    vkey = out.getvalue().strip()
    assert vkey.startswith("127.0.0.1:8001/witness+")
    assert cosignature.parse_cosigner_vkey(vkey).name == "127.0.0.1:8001/witness"


def test_witness_status_prints_held_checkpoints_and_alerts(jiangsu, rewritten):
    out = StringIO()
    call_command("log", "witness-status", stdout=out)
    text = out.getvalue()
    assert f"yrd-js {jiangsu.origin}: size 9" in text
    assert "1 alert(s)" in text
    assert "ALERT" in text and "rewritten" in text


def test_the_verify_page_names_the_checkpoint_and_its_cosigners(client, issue, settings, tmp_path):
    certificate = issue()
    storage.catch_up()
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
        ],
    )
    try:
        page = client.get(f"/verify/{certificate.number}", HTTP_ACCEPT_LANGUAGE="en")
        html = page.content.decode()
        assert "No other node has cosigned this checkpoint yet." in html
        js_peer, zj_peer = peers.peers()
        checkpoint = storage.latest_checkpoint()
        assert checkpoint is not None
        submit.submit_to(js_peer, checkpoint, jiangsu)
        submit.submit_to(zj_peer, checkpoint, zhejiang)
        html = client.get(
            f"/verify/{certificate.number}", HTTP_ACCEPT_LANGUAGE="en"
        ).content.decode()
        assert f"in the checkpoint of {checkpoint.size} entries" in html
        assert "Cosigned by yrd-js node, yrd-zj node · witnessed" in html
    finally:
        peers.clear_cache()
