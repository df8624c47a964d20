"""A foreign certificate's details come from its signed credential on the authoritative node,
verified under the key the peer's DID document named when it was first accepted."""

from __future__ import annotations

import pytest
from joserfc.jwk import OKPKey

from greencert.exchange.models import ForeignCertificate, ReplicatedLog
from greencert.exchange.replication.details import fill_details
from greencert.exchange.replication.follower import follow
from greencert.exchange.tests.replica_peer import FakePeer, js_number, js_peer, use_peers

pytestmark = pytest.mark.django_db


@pytest.fixture
def jiangsu(settings, tmp_path):
    peer = FakePeer()
    clear = use_peers(settings, tmp_path, peer)
    peer.add(js_number(1))
    assert follow(js_peer(), peer.get).ok
    yield peer
    clear()


def certificate():
    return ForeignCertificate.objects.get(number=js_number(1))


def test_details_come_from_a_correctly_signed_credential(jiangsu):
    assert fill_details(js_peer(), jiangsu.get) == 1

    details = certificate().details
    assert details["holder_name"] == "苏州绿涂料有限公司"
    assert details["body"] == {"id": "CNCA-R-2025-032", "name": "江苏绿色认证中心"}
    assert details["products"] == [{"name": "水性外墙涂料", "models": ["JS-100"]}]
    assert details["standard"] == "GB/T 35602-2017"
    assert (details["issue_date"], details["expiry_date"]) == ("2025-03-01", "2030-02-28")
    log = ReplicatedLog.objects.get(peer_id="yrd-js")
    assert log.did == "did:web:js.example" and list(log.credential_keys) == [
        "did:web:js.example#key-1"
    ]


def test_a_wrongly_signed_credential_is_refused(jiangsu):
    forger = OKPKey.generate_key("Ed25519")
    path = f"/api/v1/certificates/{js_number(1)}/credential"
    jiangsu.overrides[path] = jiangsu.credential(js_number(1), key=forger)

    assert fill_details(js_peer(), jiangsu.get) == 0

    refused = certificate()
    assert refused.details == {} and "signature: does not verify" in refused.details_error
    assert refused.status == "01"  # the status from the log stands


def test_a_credential_naming_another_holder_is_refused(jiangsu):
    path = f"/api/v1/certificates/{js_number(1)}/credential"
    jiangsu.overrides[path] = jiangsu.credential(js_number(1), holder="91310000000000000X")
    fill_details(js_peer(), jiangsu.get)
    assert "names another holder" in certificate().details_error


def test_a_did_document_of_another_did_is_refused(jiangsu):
    jiangsu.overrides["/.well-known/did.json"] = jiangsu.did_document().replace(
        b"did:web:js.example", b"did:web:evil.example"
    )
    assert fill_details(js_peer(), jiangsu.get) == 0
    assert "is not that of did:web:js.example" in ReplicatedLog.objects.get().last_error
    assert certificate().details == {}


def test_a_later_change_of_key_is_refused_and_recorded(jiangsu):
    jiangsu.add(js_number(2))
    jiangsu.published = 1
    fill_details(js_peer(), jiangsu.get)
    jiangsu.published = None
    follow(js_peer(), jiangsu.get)
    jiangsu.credential_key = OKPKey.generate_key("Ed25519")  # new key, new did.json

    assert fill_details(js_peer(), jiangsu.get) == 0

    log = ReplicatedLog.objects.get()
    assert "credential keys of yrd-js changed" in log.last_error
    assert ForeignCertificate.objects.get(number=js_number(2)).details == {}
