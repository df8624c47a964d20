"""The draw's randomness comes from the event log's tree head after a time stated at commitment,
each credit risk class is sampled at its own ratio, and ``verify-draw`` names the check that
fails."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from greencert.certification.lifecycle.tree_head import event_leaf, tree_head_at
from greencert.core.actors import Actor
from greencert.core.canonical import canonical_json
from greencert.core.errors import TransitionRefused
from greencert.core.tests.fixtures import region
from greencert.exchange.actions import create_client
from greencert.exchange.feed import read_changes
from greencert.parties.factory import EnterpriseFactory
from greencert.supervision import draw, draw_log
from greencert.supervision.actions import list_on_blacklist, record_credit
from greencert.supervision.credit import credit_classes
from greencert.supervision.inspections import commit_draw, create_plan, perform_draw
from greencert.supervision.models import Inspector

pytestmark = pytest.mark.django_db


@pytest.fixture
def risky_holder(zhejiang_regulator):
    """An enterprise with two penalties: class D (信用风险高)."""
    enterprise = EnterpriseFactory.create(credit_code="91330500MA2D000001")
    for days_ago in (10, 20):
        record_credit(
            zhejiang_regulator,
            enterprise=enterprise,
            source="penalty",
            occurred_on=timezone.localdate() - dt.timedelta(days=days_ago),
            region=region("330500"),
            basis_code="PQL-2018",
            evidence="行政处罚决定书",
        )
    return enterprise


@pytest.fixture
def plan(zhejiang_regulator, issue, holder, risky_holder):
    for _ in range(4):
        issue()
        issue(holder=risky_holder)
    for i in range(4):
        Inspector.objects.create(code=f"ZJ-{i:03d}", name=f"检查员{i}", region=region("330000"))
    return create_plan(
        zhejiang_regulator,
        code="ZJ-2026-R1",
        title="涂料证书抽查",
        region=region("330000"),
        object_kind="certificate",
        object_filters={"region": "330000", "category": "coatings"},
        items=[{"code": "K01", "name": "产品抽样检验", "kind": "key", "ratio": "0.25"}],
        inspector_regions=["330000"],
    )


@pytest.fixture
def drawn(plan, zhejiang_regulator, at_draw_time):
    commit_draw(zhejiang_regulator, plan)
    at_draw_time(plan)
    perform_draw(zhejiang_regulator, plan)
    plan.refresh_from_db()
    return plan


def download(plan, tmp_path, change=None):
    document = json.loads(Client().get(f"/supervision/inspections/{plan.code}/draw.json").content)
    if change:
        change(document)
    path = tmp_path / "draw.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


def verify(*args):
    out, err = StringIO(), StringIO()
    try:
        call_command("inspections", "verify-draw", *map(str, args), stdout=out, stderr=err)
    except CommandError as exc:
        return False, out.getvalue(), err.getvalue() + str(exc)
    return True, out.getvalue(), err.getvalue()


def test_the_commitment_states_a_full_hour_at_least_half_an_hour_ahead(plan, zhejiang_regulator):
    commit_draw(zhejiang_regulator, plan)
    plan.refresh_from_db()
    stated = plan.draw_not_before
    assert stated is not None and stated.minute == stated.second == 0
    assert dt.timedelta(minutes=30) <= stated - plan.committed_at < dt.timedelta(minutes=90)


def test_the_draw_is_refused_before_the_stated_time(plan, zhejiang_regulator):
    commit_draw(zhejiang_regulator, plan)
    with pytest.raises(TransitionRefused) as refusal:
        perform_draw(zhejiang_regulator, plan)
    assert (refusal.value.field, refusal.value.code) == ("draw_not_before", "draw_too_early")
    plan.refresh_from_db()
    assert plan.state == "committed" and plan.result == []


def test_the_randomness_is_the_seed_with_the_tree_head_before_the_stated_time(drawn):
    head = tree_head_at(drawn.draw_not_before)
    assert (drawn.log_size, drawn.log_root) == (head.size, head.root_hash)
    assert head.size > 0
    assert drawn.randomness == draw.draw_randomness(drawn.seed, head.size, head.root_hash)


def test_a_leaf_is_the_canonical_json_of_the_event_as_the_feed_publishes_it(issue):
    issue()
    published = json.loads(json.dumps(read_changes(0, 10)["events"][0], default=str))
    assert event_leaf(published) == canonical_json(read_changes(0, 10)["events"][0])
    assert published["recorded_at"].endswith("Z")


def test_each_credit_class_is_sampled_at_its_own_ratio(drawn):
    strata = {row["credit_class"]: row for row in drawn.strata}
    # key item 0.25: class A at half of it, class D at four times (draw_ratios.yaml)
    assert (strata["A"]["ratio"], strata["A"]["population"], strata["A"]["drawn"]) == (
        "0.125",
        4,
        1,
    )
    assert (strata["D"]["ratio"], strata["D"]["population"], strata["D"]["drawn"]) == ("1", 4, 4)
    classes = {o["id"]: o["credit_class"] for o in drawn.object_pool}
    assert sorted(classes[c["object"]] for c in drawn.result) == ["A", "D", "D", "D", "D"]


def test_the_draw_page_shows_the_counts_by_class_and_the_publication_deadline(drawn):
    page = Client().get(f"/supervision/inspections/{drawn.code}/").content.decode()
    assert drawn.publish_by.isoformat() in page
    assert drawn.log_root in page
    assert "12.5%" in page and "100%" in page


def test_verify_draw_recomputes_the_tree_head_from_the_local_log(drawn, tmp_path):
    ok, out, _err = verify(download(drawn, tmp_path))
    assert ok
    assert "✔ log" in out and "✔ randomness" in out and "✔ draw" in out


def test_events_recorded_after_the_stated_time_do_not_change_the_verification(
    drawn, issue, tmp_path
):
    issue()
    ok, _out, _err = verify(download(drawn, tmp_path))
    assert ok


def test_verify_draw_from_an_exported_feed_file_fails_when_an_event_was_altered(drawn, tmp_path):
    events = read_changes(0, drawn.log_size + 1)["events"]
    exported = tmp_path / "events.json"
    exported.write_text(json.dumps(events, default=str), encoding="utf-8")
    assert verify(download(drawn, tmp_path), "--events", exported)[0]
    events[0]["reason_code"] = "X99"
    exported.write_text(json.dumps(events, default=str), encoding="utf-8")
    ok, _out, err = verify(download(drawn, tmp_path), "--events", exported)
    assert not ok
    assert "✖ log" in err and "failed: log" in err


def test_verify_draw_fails_on_a_swapped_seed_naming_the_commitment(drawn, tmp_path):
    path = download(drawn, tmp_path, lambda d: d.update(seed="cd" * 32))
    ok, _out, err = verify(path)
    assert not ok
    assert "✖ commitment" in err and "✖ log" not in err


def test_verify_draw_accepts_the_api_document(drawn, tmp_path):
    document = Client().get(f"/api/v1/supervision/inspections/{drawn.code}/draw").json()
    assert document["log_tree_head"] == {"size": drawn.log_size, "root_hash": drawn.log_root}
    path = tmp_path / "api-draw.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    assert verify(path)[0]


def test_a_listed_party_is_drawn_in_the_class_the_blacklist_effects_name(anhui_regulator, holder):
    assert credit_classes(enterprise_ids={holder.pk}, on=timezone.localdate()) == {
        ("enterprise", holder.pk): "A"
    }
    list_on_blacklist(anhui_regulator, enterprise=holder, basis_code="SCL-2022", facts="伪造报告")
    assert credit_classes(enterprise_ids={holder.pk}, on=timezone.localdate()) == {
        ("enterprise", holder.pk): "D"
    }


class FeedResponse:
    """What ``urlopen`` returns, from a response of the test client."""

    def __init__(self, content: bytes) -> None:
        self.content = content

    def read(self) -> bytes:
        return self.content

    def __enter__(self) -> FeedResponse:
        return self

    def __exit__(self, *exc: object) -> None:
        return None


def test_verify_draw_reads_the_log_from_a_nodes_change_feed(drawn, tmp_path, monkeypatch):
    _client, token = create_client(Actor.for_system("console"), name="auditor", scopes=["feed"])
    requested = []

    def urlopen(request, timeout):
        requested.append(request.full_url)
        path = request.full_url.removeprefix("https://node.example")
        response = Client(HTTP_AUTHORIZATION=request.get_header("Authorization")).get(path)
        assert response.status_code == 200
        return FeedResponse(response.content)

    monkeypatch.setattr(draw_log.urllib.request, "urlopen", urlopen)
    ok, out, _err = verify(
        download(drawn, tmp_path), "--feed", "https://node.example/api/v1/changes", "--token", token
    )
    assert ok and "✔ log" in out
    assert requested[0].startswith("https://node.example/api/v1/changes?after=0&limit=")


def test_a_draw_past_its_deadline_with_results_missing_is_flagged_overdue(drawn, time_machine):
    time_machine.move_to(
        dt.datetime.combine(drawn.publish_by + dt.timedelta(days=1), dt.time(4), tzinfo=dt.UTC),
        tick=False,
    )
    listing = Client().get("/supervision/inspections/").content.decode()
    page = Client().get(f"/supervision/inspections/{drawn.code}/").content.decode()
    assert 'class="overdue"' in listing
    assert "已逾期：仍有结果未公示" in page
