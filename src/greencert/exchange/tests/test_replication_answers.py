"""Any node answers for the certificates it replicates: the certificate API and the verify page
give the status from the authoritative node's verified log, its details, its history, and say
which node is authoritative as of which checkpoint; this node never writes to them."""

from __future__ import annotations

import base64
import json

import pytest

from greencert.api.tests.contract import assert_documented
from greencert.certification.foreign import AuthoritativeElsewhere
from greencert.core.tests.fixtures import region
from greencert.exchange.replication.details import fill_details
from greencert.exchange.replication.follower import follow
from greencert.exchange.tests.body_requests import EVENTS, record
from greencert.exchange.tests.body_requests import issue as issue_request
from greencert.exchange.tests.replica_peer import HOLDER, FakePeer, js_number, js_peer, use_peers

pytestmark = pytest.mark.django_db

NUMBER = js_number(1)


@pytest.fixture
def jiangsu(settings, tmp_path):
    peer = FakePeer()
    clear = use_peers(settings, tmp_path, peer)
    peer.add(NUMBER)
    peer.add(NUMBER, "suspended", "01", "02", "S01")
    assert follow(js_peer(), peer.get).ok
    yield peer
    clear()


def test_the_api_answers_a_foreign_certificate_with_its_authority(client, jiangsu):
    response = client.get(f"/api/v1/certificates/{NUMBER}")

    assert response.status_code == 200
    answer = assert_documented(response, "get", "/api/v1/certificates/{number}")
    assert answer["number"] == NUMBER
    assert answer["status"]["code"] == "02" and answer["status"]["label_en"] == "suspended"
    assert answer["status"]["reason_code"] == "S01" and answer["status"]["label_zh"] == "暂停"
    assert [e["type"] for e in answer["history"]] == ["issued", "suspended"]
    assert answer["authority"]["node"] == "yrd-js"
    assert answer["authority"]["name_zh"] == "江苏省节点"
    assert answer["authority"]["name_en"] == "Jiangsu node"
    assert answer["authority"]["checkpoint_size"] == 2
    assert answer["authority"]["verify_url"] == f"http://js.example/verify/{NUMBER}"
    assert answer["details_verified"] is False


def test_the_api_gives_a_foreign_certificates_status_on_a_past_date(client, jiangsu):
    answer = client.get(f"/api/v1/certificates/{NUMBER}", {"at": "2025-03-01"}).json()
    assert answer["at"]["status"]["code"] == "02"
    before = client.get(f"/api/v1/certificates/{NUMBER}", {"at": "2025-02-28"}).json()
    assert before["at"]["status"] is None


def test_the_api_carries_the_verified_details(client, jiangsu):
    fill_details(js_peer(), jiangsu.get)
    jiangsu.down = True  # answering reads only what was replicated
    answer = client.get(f"/api/v1/certificates/{NUMBER}").json()
    assert answer["details_verified"] is True
    assert answer["holder"]["name"] == "苏州绿涂料有限公司"
    assert answer["body"]["name"] == "江苏绿色认证中心"


def test_an_unknown_number_is_still_not_found(client, jiangsu):
    response = client.get(f"/api/v1/certificates/{js_number(2)}")
    assert response.status_code == 404


def test_the_verify_page_names_the_authoritative_node_in_chinese(client, jiangsu):
    fill_details(js_peer(), jiangsu.get)
    response = client.get(f"/verify/{NUMBER}")
    html = response.content.decode()
    assert response.status_code == 200
    assert "暂停" in html and "该证书已暂停" in html
    assert "权威节点：江苏省节点，截至检查点 2" in html
    assert f'href="http://js.example/verify/{NUMBER}"' in html
    # The reason in words with its code as a title; the log position in words, as locally.
    assert 'title="S01">' in html and ">S01 " not in html
    assert "日志第 2 条" in html and ">#2<" not in html


def test_the_verify_page_names_the_authoritative_node_in_english(client, jiangsu):
    html = client.get(f"/verify/{NUMBER}", {"lang": "en"}).content.decode()
    assert "This certificate is suspended" in html
    assert "Authoritative node: Jiangsu node, as of checkpoint 2" in html
    assert "have not yet been received from its authoritative node" in html


def test_the_verify_page_shows_the_verified_details(client, jiangsu):
    fill_details(js_peer(), jiangsu.get)
    html = client.get(f"/verify/{NUMBER}", {"lang": "en"}).content.decode()
    assert "苏州绿涂料有限公司" in html and "JS-100" in html and "2030-02-28" in html
    assert "have not yet been received" not in html


def test_the_scan_url_opens_the_foreign_certificates_page(client, jiangsu):
    response = client.get(f"/V/{NUMBER}", follow=True)
    assert response.status_code == 200
    assert "江苏省节点" in response.content.decode()


def test_a_change_to_a_foreign_certificate_is_refused_naming_its_node(body_system, jiangsu):
    _, api = body_system
    response = record(api, NUMBER, event="revoked", reason_code="R01")
    assert response.status_code == 409
    error = assert_documented(response, "post", EVENTS)["error"]
    assert error["code"] == "authoritative_elsewhere"
    assert "江苏省节点" in error["message_zh"] and "Jiangsu node" in error["message_en"]
    assert error["authoritative_node"] == "yrd-js"


def test_issuing_in_a_province_another_node_holds_is_refused(body_system, jiangsu):
    _, api = body_system
    response = issue_request(api, site_region="320500", holder_region="320500")
    assert response.status_code == 409, response.content.decode()
    error = response.json()["error"]
    assert error["field"] == "site_region"
    assert "江苏省节点" in error["message_zh"] and "Jiangsu node" in error["message_en"]


def test_the_issuing_action_refuses_a_province_another_node_holds(issue, jiangsu):
    with pytest.raises(AuthoritativeElsewhere) as refused:
        issue(site="320500")
    assert "Jiangsu node" in refused.value.message_en
    assert issue(site=region("330500").code).province_code == "330000"


def verify_batch_request(api, **body):
    return api.post("/api/v1/verify", json.dumps(body), content_type="application/json")


def test_batch_verification_finds_a_foreign_certificate_by_number(buyer, jiangsu):
    _, api = buyer
    response = verify_batch_request(api, numbers=[NUMBER], at="2025-02-28")
    answer = assert_documented(response, "post", "/api/v1/verify")
    item = answer["results"][0]
    assert (item["result"], item["matched_by"]) == ("found", "number")
    found = item["certificates"][0]
    assert found["status"]["code"] == "02" and found["status_at"] is None
    assert found["authority"] == {
        "node": "yrd-js",
        "name_zh": "江苏省节点",
        "name_en": "Jiangsu node",
        "checkpoint_size": 2,
    }


def test_batch_verification_lists_a_holders_foreign_certificates(buyer, jiangsu):
    fill_details(js_peer(), jiangsu.get)
    _, api = buyer
    response = verify_batch_request(api, holders=[HOLDER], receipt=True)
    item = assert_documented(response, "post", "/api/v1/verify")["results"][0]
    assert [c["number"] for c in item["certificates"]] == [NUMBER]
    assert item["certificates"][0]["expiry_date"] == "2030-02-28"
    assert item["certificates"][0]["holder"]["name"] == "苏州绿涂料有限公司"
    claims = receipt_claims(response.json()["receipt"])
    assert claims["results"][0]["certificates"][0]["authoritativeNode"] == "yrd-js"


def receipt_claims(token):
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def test_search_lists_foreign_certificates_with_their_node(client, jiangsu):
    fill_details(js_peer(), jiangsu.get)
    for q in (NUMBER[:8], HOLDER, "绿涂料"):
        html = client.get("/search", {"q": q}).content.decode()
        assert f'href="/verify/{NUMBER}"' in html, q
        assert "其他省级节点的证书" in html and "权威节点：江苏省节点" in html
    english = client.get("/search", {"q": HOLDER, "lang": "en"}).content.decode()
    assert "Certificates of other provincial nodes" in english
    assert "Authoritative node: Jiangsu node" in english


def test_search_filters_apply_to_foreign_certificates(client, jiangsu):
    for params in ({"status": "01"}, {"kind": "enterprise"}, {"city": "320500"}):
        html = client.get("/search", {"q": HOLDER, **params}).content.decode()
        assert NUMBER not in html, params
    assert NUMBER in client.get("/search", {"q": HOLDER, "status": "02"}).content.decode()


def test_batch_verification_says_a_foreign_certificate_is_flagged_until_its_node_lifts_it(
    buyer, jiangsu
):
    _, api = buyer

    def blacklisted():
        response = verify_batch_request(api, numbers=[NUMBER])
        item = assert_documented(response, "post", "/api/v1/verify")["results"][0]
        return item["certificates"][0]["blacklisted"]

    assert blacklisted() is False
    jiangsu.add(NUMBER, "flagged", "02", "02", "B01")
    assert follow(js_peer(), jiangsu.get).ok
    assert blacklisted() is True
    jiangsu.add(NUMBER, "unflagged", "02", "02", "U01")
    assert follow(js_peer(), jiangsu.get).ok
    assert blacklisted() is False
