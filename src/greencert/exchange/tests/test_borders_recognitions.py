"""Recognitions (结果互认) written by one node appear on the others: a ``recognised`` event in the
authoritative node's log has the certificate's details fetched again from its signed credential,
which states the recognitions in force, and the API and the verify page show them; so does a
recognition's end."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from greencert.api.tests.contract import assert_documented
from greencert.exchange.models import ForeignCertificate
from greencert.exchange.replication.details import fill_details
from greencert.exchange.replication.follower import follow
from greencert.exchange.tests.replica_peer import FakePeer, js_number, js_peer, use_peers

pytestmark = pytest.mark.django_db

NUMBER = js_number(1)
RECOGNITION = {
    "type": ["RecognitionAgreement"],
    "id": "urn:greencert:recognition:YRD-HR-2026-01",
    "name": "长三角绿色认证结果互认协议",
    "nameEn": "YRD agreement on the mutual recognition of green certification results",
    "kind": "inter_provincial",
    "recognisedBy": {"name": "浙江省市场监督管理局", "nameEn": "Zhejiang AMR"},
    "scope": ["coatings"],
    "since": "2026-01-05",
}


@dataclass
class RecognisingPeer(FakePeer):
    recognitions: list[dict[str, Any]] = field(default_factory=list)

    def credential_claims(self, number: str, holder: str | None = None) -> dict[str, Any]:
        claims = super().credential_claims(number, *([holder] if holder else []))
        if self.recognitions:
            claims["credentialSubject"]["recognitions"] = self.recognitions
        return claims


@pytest.fixture
def jiangsu(settings, tmp_path):
    peer = RecognisingPeer()
    clear = use_peers(settings, tmp_path, peer)
    peer.add(NUMBER)
    assert follow(js_peer(), peer.get).ok
    assert fill_details(js_peer(), peer.get) == 1
    yield peer
    clear()


def recognise(peer: RecognisingPeer) -> None:
    peer.recognitions = [RECOGNITION]
    peer.add(NUMBER, "recognised", "01", "01", "H01")
    assert follow(js_peer(), peer.get).ok


def test_a_recognition_on_the_authoritative_node_has_the_details_fetched_again(jiangsu):
    assert ForeignCertificate.objects.get(number=NUMBER).details["recognitions"] == []
    recognise(jiangsu)
    assert ForeignCertificate.objects.get(number=NUMBER).details_refresh is True

    assert fill_details(js_peer(), jiangsu.get) == 1

    certificate = ForeignCertificate.objects.get(number=NUMBER)
    assert certificate.details_refresh is False
    assert [r["agreement"] for r in certificate.details["recognitions"]] == ["YRD-HR-2026-01"]


def test_the_api_gives_a_foreign_certificates_recognitions(client, jiangsu):
    recognise(jiangsu)
    fill_details(js_peer(), jiangsu.get)

    response = client.get(f"/api/v1/certificates/{NUMBER}")

    assert_documented(response, "get", "/api/v1/certificates/{number}")
    assert response.json()["recognitions"] == [
        {
            "agreement": "YRD-HR-2026-01",
            "title_zh": "长三角绿色认证结果互认协议",
            "title_en": RECOGNITION["nameEn"],
            "kind": "inter_provincial",
            "recognised_by": {"name_zh": "浙江省市场监督管理局", "name_en": "Zhejiang AMR"},
            "scope": ["coatings"],
            "since": "2026-01-05",
            "ended": None,
            "recognised_sequence": 2,
        }
    ]


def test_the_verify_page_shows_a_foreign_certificates_recognitions(client, jiangsu):
    recognise(jiangsu)
    fill_details(js_peer(), jiangsu.get)
    page = client.get(f"/verify/{NUMBER}?lang=en").text
    assert RECOGNITION["nameEn"] in page and "Zhejiang AMR" in page


def test_the_end_of_a_recognition_removes_it_everywhere(client, jiangsu):
    recognise(jiangsu)
    fill_details(js_peer(), jiangsu.get)
    jiangsu.recognitions = []
    jiangsu.add(NUMBER, "recognition_ended", "01", "01", "H11")
    assert follow(js_peer(), jiangsu.get).ok

    assert fill_details(js_peer(), jiangsu.get) == 1

    assert client.get(f"/api/v1/certificates/{NUMBER}").json()["recognitions"] == []
    assert RECOGNITION["nameEn"] not in client.get(f"/verify/{NUMBER}?lang=en").text


def test_other_events_do_not_fetch_the_details_again(jiangsu):
    jiangsu.add(NUMBER, "adopted", "01", "01", "A01")
    assert follow(js_peer(), jiangsu.get).ok
    assert ForeignCertificate.objects.get(number=NUMBER).details_refresh is False
    assert fill_details(js_peer(), jiangsu.get) == 0
