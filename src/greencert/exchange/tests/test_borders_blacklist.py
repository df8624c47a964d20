"""A blacklist listing made by one province's regulator binds at every node: this node publishes
its own listings and removals on a signed, gapless border feed, and applies the other nodes' —
refusing the listed party here, flagging this node's certificates of it, lifting the flags on
removal — once each, and never a record that does not verify."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.test import Client

from greencert.certification.models import Certificate
from greencert.certification.workflow.actions import submit_application
from greencert.core.errors import PermissionRefused
from greencert.core.tests.fixtures import COATINGS_UNIT, in_days, region
from greencert.exchange.borders.feed import (
    EMPTY_HEAD,
    RecordRefused,
    feed_name,
    head_of,
    open_record,
)
from greencert.exchange.borders.follow import follow_borders
from greencert.exchange.borders.models import AppliedBorderRecord, BorderFollow, BorderRecord
from greencert.exchange.tests.border_peer import BorderPeer, feed_of
from greencert.exchange.tests.replica_peer import js_peer, use_peers
from greencert.exchange.tlog import note
from greencert.exchange.tlog.storage import ensure_log_key
from greencert.parties.models import Role
from greencert.supervision.actions import list_on_blacklist, remove_from_blacklist
from greencert.supervision.blacklist import is_certificate_flagged, is_listed
from greencert.supervision.models import BlacklistEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def jiangsu(settings, tmp_path):
    peer = BorderPeer()
    clear = use_peers(settings, tmp_path, peer)
    yield peer
    clear()


def served(after: int = 0) -> dict:
    response = Client().get(f"/borders/feed?after={after}")
    assert response.status_code == 200
    return feed_of(response.content)


def apply_for(enterprise_user, holder, body, coatings):
    return submit_application(
        enterprise_user,
        enterprise=holder,
        body=body,
        category=coatings,
        certification_unit=COATINGS_UNIT,
        site_region=region("330500"),
        products=[{"name": COATINGS_UNIT, "models": ["LH-1"]}],
        production_site="湖州",
    )


# ---------------------------------------------------------------- this node's feed


def test_own_listings_and_removals_are_published_signed_in_order(shanghai_regulator, holder, body):
    listed = list_on_blacklist(
        shanghai_regulator, enterprise=holder, basis_code="SCL-2022", facts="伪造检验报告"
    )
    remove_from_blacklist(shanghai_regulator, listed, reason="整改到位")
    list_on_blacklist(shanghai_regulator, body=body, basis_code="SCL-2022", facts="出具虚假证书")

    feed = served()
    verifier = note.parse_verifier_key(ensure_log_key().verifier_key)
    previous, bodies = EMPTY_HEAD, []
    for expected, item in enumerate(feed["records"], start=1):
        record = open_record(item["note"], verifier, sequence=expected, previous=previous)
        previous = head_of(record.text)
        bodies.append(record.body)
    assert feed["feed"] == feed_name(ensure_log_key().name) and feed["size"] == 3
    assert [(b["kind"], b.get("subject_id")) for b in bodies] == [
        ("blacklist_listed", holder.credit_code),
        ("blacklist_listed", body.approval_number),
        ("blacklist_removed", None),
    ]
    assert bodies[2]["entry"] == listed.pk and bodies[0]["region"] == "310000"
    # Published once: asking again appends nothing, and a reader starts where it stopped.
    assert served()["size"] == 3 and BorderRecord.objects.count() == 3
    assert [r["sequence"] for r in served(after=2)["records"]] == [3]


def test_the_feed_refuses_a_position_that_is_not_a_number():
    response = Client().get("/borders/feed?after=-1")
    assert response.status_code == 400 and response.json()["field"] == "after"


def test_a_listing_received_from_another_node_is_not_published_again(jiangsu, issue):
    jiangsu.lists(7, issue().holder.credit_code, "湖州绿涂料有限公司")
    follow_borders(js_peer(), jiangsu.get)
    assert BlacklistEntry.objects.filter(origin_node="yrd-js").count() == 1
    assert served()["records"] == []


# ---------------------------------------------------------------- another node's listings


def test_a_listing_made_at_another_node_refuses_the_party_here_and_flags_its_certificates(
    jiangsu, issued_certificate, holder, enterprise_user, body, coatings
):
    jiangsu.lists(7, holder.credit_code, holder.name)

    result = follow_borders(js_peer(), jiangsu.get)

    assert (result.applied, result.size, result.error) == (1, 1, "")
    assert is_listed(enterprise=holder) and is_certificate_flagged(issued_certificate)
    entry = BlacklistEntry.objects.get(origin_node="yrd-js")
    assert (entry.origin_entry, entry.region_id) == (7, "320000")
    with pytest.raises(PermissionRefused) as refusal:
        apply_for(enterprise_user, holder, body, coatings)
    assert refusal.value.code == "blacklisted" and "江苏" in refusal.value.as_dict()["message_zh"]
    # The flag is an event on this node's own log, which the other nodes replicate.
    assert issued_certificate.events.order_by("sequence").last().event_type == "flagged"


def test_the_public_blacklist_says_which_provinces_regulator_listed_it(jiangsu, holder):
    jiangsu.lists(7, holder.credit_code, holder.name)
    follow_borders(js_peer(), jiangsu.get)
    page = Client().get("/supervision/blacklist/?lang=en").text
    assert holder.credit_code in page and "Jiangsu" in page


def test_a_listed_party_this_node_never_met_is_recorded_and_refused_when_it_comes(jiangsu):
    code = "91320500MA1P2Q3R4J"
    jiangsu.lists(7, code, "苏州绿涂料有限公司", subject_region="320500")
    follow_borders(js_peer(), jiangsu.get)
    entry = BlacklistEntry.objects.get(origin_node="yrd-js")
    assert entry.enterprise.credit_code == code and entry.enterprise.name == "苏州绿涂料有限公司"
    assert is_listed(enterprise=entry.enterprise)


def test_a_removal_at_the_listing_node_lifts_the_flags_here(jiangsu, issued_certificate, holder):
    jiangsu.lists(7, holder.credit_code, holder.name)
    follow_borders(js_peer(), jiangsu.get)
    jiangsu.removes(7)

    result = follow_borders(js_peer(), jiangsu.get)

    assert (result.applied, result.size) == (1, 2)
    assert not is_listed(enterprise=holder) and not is_certificate_flagged(issued_certificate)
    entry = BlacklistEntry.objects.get(origin_node="yrd-js")
    assert entry.removal_kind == "decision" and entry.removal_reason == "整改到位"
    assert issued_certificate.events.order_by("sequence").last().event_type == "unflagged"


def test_only_the_listing_node_removes_a_listing(jiangsu, holder, make_actor):
    jiangsu.lists(7, holder.credit_code, holder.name)
    follow_borders(js_peer(), jiangsu.get)
    jiangsu_regulator_here = make_actor("js-reg", Role.REGULATOR, region=region("320000"))
    with pytest.raises(PermissionRefused) as refusal:
        remove_from_blacklist(
            jiangsu_regulator_here, BlacklistEntry.objects.get(), reason="整改到位"
        )
    assert "listed it" in refusal.value.as_dict()["message_en"]
    assert is_listed(enterprise=holder)


def test_records_are_applied_once_however_often_the_feed_is_read(jiangsu, issued_certificate):
    jiangsu.lists(7, issued_certificate.holder.credit_code, "湖州绿涂料有限公司")
    follow_borders(js_peer(), jiangsu.get)
    again = follow_borders(js_peer(), jiangsu.get)
    assert (again.applied, again.size) == (0, 1)
    assert BlacklistEntry.objects.count() == 1
    assert issued_certificate.events.filter(event_type="flagged").count() == 1
    assert AppliedBorderRecord.objects.get().sequence == 1


def test_a_listing_of_this_nodes_own_regulator_and_one_from_another_node_coexist(
    jiangsu, holder, shanghai_regulator
):
    list_on_blacklist(shanghai_regulator, enterprise=holder, basis_code="SCL-2022", facts="伪造")
    jiangsu.lists(7, holder.credit_code, holder.name)
    assert follow_borders(js_peer(), jiangsu.get).error == ""
    assert BlacklistEntry.objects.filter(enterprise=holder, removed_at__isnull=True).count() == 2


# ---------------------------------------------------------------- what is never applied


def refused(jiangsu, holder) -> str:
    result = follow_borders(js_peer(), jiangsu.get)
    assert result.applied == 0 and result.error
    assert not BlacklistEntry.objects.exists() and not is_listed(enterprise=holder)
    assert BorderFollow.objects.get(peer_id="yrd-js").last_error == result.error
    return result.error


def test_a_record_signed_by_another_key_is_not_applied(jiangsu, holder):
    jiangsu.lists(7, holder.credit_code, holder.name)
    jiangsu.replaced[1] = jiangsu.signed_records(Ed25519PrivateKey.generate())[0]
    assert "signature" in refused(jiangsu, holder)


def test_a_record_changed_after_signing_is_not_applied(jiangsu, holder):
    jiangsu.lists(7, holder.credit_code, holder.name)
    jiangsu.replaced[1] = jiangsu.signed_records()[0].replace("伪造检验报告", "无")
    assert "does not verify" in refused(jiangsu, holder)


def test_a_gap_in_the_feed_is_not_applied(jiangsu, holder):
    jiangsu.lists(6, holder.credit_code, holder.name)
    jiangsu.lists(7, "91320500MA1P2Q3R4J", "苏州绿涂料有限公司")
    jiangsu.replaced[1] = jiangsu.signed_records()[1]  # record 2 where record 1 is due
    assert "record 1 was due" in refused(jiangsu, holder)


def test_a_rewritten_feed_is_refused_after_what_was_applied(jiangsu, holder):
    jiangsu.lists(7, holder.credit_code, holder.name)
    follow_borders(js_peer(), jiangsu.get)
    # The peer's history is rewritten: another first record, then a second one chained to it.
    jiangsu.bodies[0] = dict(jiangsu.bodies[0], facts="另一事实")
    jiangsu.removes(7)
    result = follow_borders(js_peer(), jiangsu.get)
    assert result.applied == 0 and "rewritten" in result.error
    assert is_listed(enterprise=holder)


def test_a_record_of_an_unknown_kind_is_not_applied(jiangsu, holder):
    jiangsu.bodies.append({"kind": "something_else", "entry": 1})
    assert "unknown kind" in refused(jiangsu, holder)


def test_a_peer_that_is_down_is_retried_next_round(jiangsu, holder):
    jiangsu.lists(7, holder.credit_code, holder.name)
    jiangsu.down = True
    assert "connection refused" in follow_borders(js_peer(), jiangsu.get).error
    jiangsu.down = False
    assert follow_borders(js_peer(), jiangsu.get).applied == 1
    assert is_listed(enterprise=holder)


def test_open_record_refuses_another_feeds_record(jiangsu):
    jiangsu.lists(7, "91320500MA1P2Q3R4J", "苏州绿涂料有限公司")
    verifier = note.parse_verifier_key(jiangsu.vkey)
    signed = jiangsu.signed_records()[0]
    assert open_record(signed, verifier, sequence=1, previous=EMPTY_HEAD).body["entry"] == 7
    with pytest.raises(RecordRefused):
        open_record(signed.replace("#borders", "#other"), verifier, sequence=1, previous=EMPTY_HEAD)


def test_a_certificate_issued_after_the_listing_is_refused(jiangsu, issue, holder):
    jiangsu.lists(7, holder.credit_code, holder.name, ends_on=in_days(30).isoformat())
    follow_borders(js_peer(), jiangsu.get)
    with pytest.raises(PermissionRefused):
        issue()
    assert Certificate.objects.count() == 0
