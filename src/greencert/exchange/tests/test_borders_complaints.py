"""Complaints about a certificate reach the regulators of its province: one about a certificate
another node is authoritative for is forwarded to that node, signed node to node, retried until
delivered, filed there once, and shown here as forwarded. The complainant's contact goes only
there, and is erased here once it has arrived.

Two nodes in one process: this node is Shanghai's (``yrd-sh``) when it files and sends, and
plays Zhejiang's (``yrd-zj``) when the request reaches ``/borders/complaints``; the peers file
pins each one's log key, Shanghai's being this node's own."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.test import Client, override_settings

from greencert.core.tests.fixtures import region
from greencert.exchange import peers
from greencert.exchange.borders.referrals import deliver_referrals, sign_referral
from greencert.exchange.models import ForeignCertificate
from greencert.exchange.replication.runner import replicate
from greencert.exchange.tlog import note
from greencert.exchange.tlog.client import FetchFailed
from greencert.exchange.tlog.storage import ensure_log_key
from greencert.parties.models import Role
from greencert.supervision.complaints import file_complaint, may_see_contact, visible_complaints
from greencert.supervision.models import Complaint

pytestmark = pytest.mark.django_db
DESCRIPTION = "超市货架上的涂料标志二维码扫出来是别的企业"
PHONE = "13800138000"
ZJ_NUMBER = "GC3320250000001X"
ZJ_KEY = Ed25519PrivateKey.generate()
ZJ_ORIGIN = "zj.example/log"


@pytest.fixture
def two_nodes(settings, tmp_path):
    own = ensure_log_key().verifier_key
    zj_vkey = note.verifier_key(ZJ_ORIGIN, note.public_bytes(ZJ_KEY.public_key()))
    path = tmp_path / "peers.yaml"
    path.write_text(
        f"""- id: yrd-sh
  province_code: "310000"
  name: {{zh: 上海市节点, en: Shanghai node}}
  url: http://sh.example
  log_vkey: {own}
- id: yrd-zj
  province_code: "330000"
  name: {{zh: 浙江省节点, en: Zhejiang node}}
  url: http://zj.example
  log_vkey: {zj_vkey}
""",
        encoding="utf-8",
    )
    settings.GREENCERT_PEERS_FILE = str(path)
    settings.GREENCERT_NODE_ID = "yrd-sh"
    settings.GREENCERT_COMPLAINT_DEFAULT_PROVINCE = "310000"
    peers.clear_cache()
    ForeignCertificate.objects.create(
        number=ZJ_NUMBER,
        peer_id="yrd-zj",
        status="01",
        holder_credit_code="91330500MA2B3C4D5E",
        category_code="coatings",
        province_code="330000",
        city_code="330500",
        last_sequence=1,
        status_since=dt.datetime(2025, 3, 1, tzinfo=dt.UTC),
    )
    yield
    peers.clear_cache()


class Zhejiang:
    """The transport to Zhejiang's node: each POST is served by this process as ``yrd-zj``."""

    def __init__(self) -> None:
        self.down = False
        self.posts: list[str] = []

    def __call__(self, url: str, signed: str) -> bytes:
        assert url == "http://zj.example/borders/complaints"
        self.posts.append(signed)
        if self.down:
            raise FetchFailed(f"{url}: ConnectionError")
        with override_settings(GREENCERT_NODE_ID="yrd-zj"):
            response = Client().post(
                "/borders/complaints", data=signed.encode(), content_type="text/plain"
            )
        if response.status_code not in (200, 201):
            raise FetchFailed(f"{url}: HTTP {response.status_code}")
        return response.content


def zhejiang_peer() -> peers.Peer:
    found = peers.peer("yrd-zj")
    assert found is not None
    return found


def forwarded() -> Complaint:
    return file_complaint(certificate_number=ZJ_NUMBER, description=DESCRIPTION, contact=PHONE)


def received() -> Complaint:
    return Complaint.objects.get(referred_from="yrd-sh")


def test_a_complaint_about_another_nodes_certificate_is_forwarded_to_it(two_nodes):
    complaint = forwarded()
    assert (complaint.state, complaint.forwarded_to, complaint.region_id) == (
        "forwarded",
        "yrd-zj",
        "330000",
    )
    page = Client().get(f"/supervision/complaints/{complaint.tracking_code}/?lang=en").text
    assert "Forwarded to the regulators of Zhejiang" in page and "being delivered" in page


def test_a_forwarded_complaint_arrives_in_the_office_of_the_certificates_province(
    two_nodes, make_actor
):
    complaint = forwarded()
    zhejiang = Zhejiang()

    assert deliver_referrals(zhejiang_peer(), zhejiang) == (1, "")

    there = received()
    assert (there.referred_code, there.region_id, there.state) == (
        complaint.tracking_code,
        "330000",
        "received",
    )
    assert there.typed_number == ZJ_NUMBER and there.description == DESCRIPTION
    regulator = make_actor("zj-reg", Role.REGULATOR, region=region("330000"))
    assert there in visible_complaints(regulator)
    # Only the handler it is assigned to will see how to reach the complainant.
    assert there.contact == PHONE and not may_see_contact(regulator, there)
    # Here: delivered, the contact erased, the reporter told where it went.
    complaint.refresh_from_db()
    assert complaint.delivered_at is not None and complaint.contact == ""
    status = Client().get(f"/api/v1/supervision/complaints/{complaint.tracking_code}").json()
    assert status["forwarded_to"] == {
        "province_zh": "浙江省",
        "province_en": "Zhejiang",
        "node_zh": "浙江省节点",
        "node_en": "Zhejiang node",
        "delivered": True,
    }


def test_delivery_is_retried_until_it_succeeds_and_the_complaint_is_filed_once(two_nodes):
    complaint = forwarded()
    zhejiang = Zhejiang()
    zhejiang.down = True
    delivered, error = deliver_referrals(zhejiang_peer(), zhejiang)
    assert delivered == 0 and "ConnectionError" in error
    complaint.refresh_from_db()
    assert complaint.delivery_attempts == 1 and complaint.delivered_at is None
    assert complaint.contact == PHONE

    zhejiang.down = False
    assert deliver_referrals(zhejiang_peer(), zhejiang) == (1, "")
    # The same referral arriving again (a lost answer, a replay) files nothing new.
    with override_settings(GREENCERT_NODE_ID="yrd-zj"):
        again = Client().post(
            "/borders/complaints", data=zhejiang.posts[-1].encode(), content_type="text/plain"
        )
    assert again.status_code == 200 and again.json() == {"received": True, "new": False}
    assert Complaint.objects.filter(referred_from="yrd-sh").count() == 1
    assert deliver_referrals(zhejiang_peer(), zhejiang) == (0, "")


def test_the_replication_round_delivers_forwarded_complaints_even_when_the_log_fails(
    two_nodes, monkeypatch
):
    forwarded()
    monkeypatch.setattr(
        "greencert.exchange.replication.runner.follow", lambda peer, get: _followed(peer)
    )
    monkeypatch.setattr(
        "greencert.exchange.replication.runner.follow_borders", lambda peer, get: _bordered(peer)
    )
    results = replicate(get=lambda url: b"", post=Zhejiang())
    assert [(r.peer_id, r.complaints_delivered, r.error) for r in results] == [
        ("yrd-zj", 1, "no log in this test")
    ]
    assert received().description == DESCRIPTION


def _followed(peer):
    from greencert.exchange.replication.follower import FollowResult

    return FollowResult(peer.id, 0, 0, "no log in this test")


def _bordered(peer):
    from greencert.exchange.borders.follow import BorderResult

    return BorderResult(peer.id, 0, 0)


def post_as_zhejiang(signed: str) -> int:
    with override_settings(GREENCERT_NODE_ID="yrd-zj"):
        return (
            Client()
            .post("/borders/complaints", data=signed.encode(), content_type="text/plain")
            .status_code
        )


def test_a_referral_signed_by_a_key_not_pinned_for_its_sender_is_refused(two_nodes):
    body = {"from": "yrd-sh", "to": "yrd-zj", "tracking_code": "JB2222222222"}
    stranger = Ed25519PrivateKey.generate()
    text = f"{ensure_log_key().name}#complaint\n" + '{"from":"yrd-sh"}\n'
    assert post_as_zhejiang(note.sign_note(text, ensure_log_key().name, stranger)) == 403
    assert post_as_zhejiang(sign_referral(body).replace("yrd-zj", "yrd-ah")) == 403
    assert not Complaint.objects.exists()


def test_a_referral_meant_for_another_node_is_refused(two_nodes):
    body = {
        "from": "yrd-sh",
        "to": "yrd-ah",
        "tracking_code": "JB2222222222",
        "description": DESCRIPTION,
        "received_at": "2026-01-05T10:00:00+08:00",
    }
    assert post_as_zhejiang(sign_referral(body)) == 403
    assert not Complaint.objects.exists()


def test_a_referral_is_received_only_by_post():
    assert Client().get("/borders/complaints").status_code == 405


def test_the_contact_appears_in_no_feed_and_no_log_line(two_nodes, caplog):
    complaint = forwarded()
    zhejiang = Zhejiang()
    zhejiang.down = True
    with caplog.at_level(logging.DEBUG):
        deliver_referrals(zhejiang_peer(), zhejiang)
        feed = Client().get("/borders/feed?after=0").text
    assert PHONE not in caplog.text and PHONE not in feed
    complaint.refresh_from_db()
    assert PHONE not in complaint.delivery_error
    # It travels only inside the signed push to the node that handles the complaint.
    assert PHONE in zhejiang.posts[0]
