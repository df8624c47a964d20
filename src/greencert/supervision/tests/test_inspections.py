"""双随机一公开 plans: commit, draw, publish, verify offline, results feeding credit and suspensions."""

from __future__ import annotations

import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from greencert.core.errors import PermissionRefused, TransitionRefused, ValidationFailed
from greencert.core.tests.fixtures import events_of, in_days, region
from greencert.supervision import draw
from greencert.supervision.inspections import (
    commit_draw,
    create_plan,
    perform_draw,
    published_draw,
    record_result,
)
from greencert.supervision.models import CreditRecord, InspectionCheck, Inspector, RegulatoryOrder
from greencert.supervision.presenters import draw_document

pytestmark = pytest.mark.django_db


@pytest.fixture
def directory(holder):
    """Five Zhejiang inspectors; two declared a conflict with the holder, one works for it."""
    for i in range(5):
        Inspector.objects.create(
            code=f"ZJ-{i:03d}",
            name=f"检查员{i}",
            region=region("330000"),
            conflicts=[holder.credit_code] if i < 2 else [],
            affiliation=holder.credit_code if i == 2 else "",
        )
    Inspector.objects.create(code="ZJ-100", name="检查员百", region=region("330500"))


@pytest.fixture
def plan(zhejiang_regulator, issue, directory):
    for _ in range(4):
        issue()
    return create_plan(
        zhejiang_regulator,
        code="ZJ-2026-01",
        title="涂料绿色产品认证证书抽查",
        region=region("330000"),
        object_kind="certificate",
        object_filters={"region": "330000", "category": "coatings"},
        items=[
            {"code": "G01", "name": "证书与标志使用", "kind": "general", "ratio": "0.2"},
            {"code": "K01", "name": "产品抽样检验", "kind": "key", "ratio": "0.5"},
        ],
        inspector_regions=["330000"],
    )


def test_commit_publishes_the_seeds_hash_and_pool_fingerprints_but_not_the_seed(
    plan, zhejiang_regulator
):
    commit_draw(zhejiang_regulator, plan)
    document = published_draw(plan)
    assert document["seed"] is None and document["result"] == []
    assert len(document["commitment"]) == 64
    assert document["fingerprints"]["objects"] == draw.fingerprint(document["object_pool"])
    assert len(document["object_pool"]) == 4 and len(document["inspector_pool"]) == 6


def test_the_draw_reveals_a_seed_matching_the_commitment(plan, zhejiang_regulator, at_draw_time):
    commit_draw(zhejiang_regulator, plan)
    commitment = plan.seed_commitment
    at_draw_time(plan)
    perform_draw(zhejiang_regulator, plan)
    document = published_draw(plan)
    assert draw.commitment(document["seed"]) == commitment
    assert draw.verify_published(document) == []


def test_every_object_gets_two_inspectors_none_conflicted_nor_from_its_enterprise(
    plan, zhejiang_regulator, at_draw_time
):
    commit_draw(zhejiang_regulator, plan)
    at_draw_time(plan)
    perform_draw(zhejiang_regulator, plan)
    checks = list(InspectionCheck.objects.filter(plan=plan))
    # The holder is in class A (no records), sampled at half the item's ratio (draw_ratios.yaml):
    # ceil(0.25 × 4) objects for the key item, ceil(0.1 × 4) for the general one
    assert sum("K01" in c.items for c in checks) == 1
    assert sum("G01" in c.items for c in checks) == 1
    for check in checks:
        assert len(check.inspectors) == 2
        assert not {"ZJ-000", "ZJ-001", "ZJ-002"} & set(check.inspectors)


def test_a_plan_needs_enough_unconflicted_inspectors_before_the_seed_is_committed(
    plan, zhejiang_regulator
):
    Inspector.objects.filter(code__in=["ZJ-003", "ZJ-004"]).update(active=False)
    with pytest.raises(ValidationFailed) as refusal:
        commit_draw(zhejiang_regulator, plan)
    assert refusal.value.field == "inspector_regions"
    plan.refresh_from_db()
    assert plan.state == "draft" and plan.seed_commitment == ""


def test_general_items_have_a_capped_ratio_and_key_items_do_not(zhejiang_regulator, directory):
    common: dict[str, Any] = {
        "title": "t",
        "region": region("330000"),
        "object_kind": "enterprise",
    }
    with pytest.raises(ValidationFailed) as refusal:
        create_plan(
            zhejiang_regulator, code="A", items=[{"code": "G", "kind": "general", "ratio": "0.9"}],
            **common,
        )  # fmt: skip
    assert refusal.value.field == "items.G.ratio"
    plan = create_plan(
        zhejiang_regulator, code="B", items=[{"code": "K", "kind": "key", "ratio": "1"}], **common
    )
    assert plan.items.get().ratio == 1


def test_only_regulators_of_the_plans_region_run_it(plan, shanghai_regulator, zhejiang_regulator):
    with pytest.raises(PermissionRefused):
        commit_draw(shanghai_regulator, plan)
    commit_draw(zhejiang_regulator, plan)
    with pytest.raises(TransitionRefused):
        commit_draw(zhejiang_regulator, plan)


def test_verify_draw_reruns_the_published_file_offline(
    plan, zhejiang_regulator, tmp_path, at_draw_time
):
    commit_draw(zhejiang_regulator, plan)
    at_draw_time(plan)
    perform_draw(zhejiang_regulator, plan)
    downloaded = Client().get(f"/supervision/inspections/{plan.code}/draw.json")
    assert downloaded["Content-Disposition"].endswith(f'draw-{plan.code}.json"')
    path = tmp_path / "draw.json"
    path.write_bytes(downloaded.content)
    out = StringIO()
    call_command("inspections", "verify-draw", str(path), stdout=out)
    assert "✔" in out.getvalue()
    for check in plan.result:
        assert check["object"] in out.getvalue()


def test_verify_draw_fails_on_a_tampered_pool(plan, zhejiang_regulator, tmp_path, at_draw_time):
    commit_draw(zhejiang_regulator, plan)
    at_draw_time(plan)
    perform_draw(zhejiang_regulator, plan)
    document = json.loads(Client().get(f"/supervision/inspections/{plan.code}/draw.json").content)
    document["inspector_pool"].pop()
    path = tmp_path / "draw.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("inspections", "verify-draw", str(path), stdout=StringIO(), stderr=err)
    assert "inspector_directory pool fingerprint" in err.getvalue()


def _drawn(plan, regulator, at_draw_time):
    commit_draw(regulator, plan)
    at_draw_time(plan)
    perform_draw(regulator, plan)


def test_the_public_draw_record_withholds_inspectors_declared_conflicts(
    plan, zhejiang_regulator, holder, at_draw_time
):
    _drawn(plan, zhejiang_regulator, at_draw_time)
    for url in (
        f"/supervision/inspections/{plan.code}/draw.json",
        f"/api/v1/supervision/inspections/{plan.code}/draw",
    ):
        document = json.loads(Client().get(url).content)
        assert document["inspector_conflicts"] == "withheld"
        assert all("conflicts" not in i for i in document["inspector_pool"])
        assert {"id": "ZJ-000", "name": "检查员0"}.items() <= document["inspector_pool"][0].items()
        # The holder's credit code appears only where the holder is an object or an affiliation.
        assert '"conflicts"' not in Client().get(url).text
        assert draw.verify_published(document) == []


def test_the_plans_regulator_downloads_the_record_with_conflicts_and_reruns_it_in_full(
    plan, zhejiang_regulator, shanghai_regulator, holder, at_draw_time
):
    _drawn(plan, zhejiang_regulator, at_draw_time)
    url = f"/supervision/inspections/{plan.code}/draw.json"
    regulator = Client()
    regulator.force_login(zhejiang_regulator.user)
    document = json.loads(regulator.get(url).content)
    assert "inspector_conflicts" not in document
    assert document["inspector_pool"][0]["conflicts"] == [holder.credit_code]
    assert draw.verify_published(document) == []
    elsewhere = Client()
    elsewhere.force_login(shanghai_regulator.user)
    assert "conflicts" not in json.loads(elsewhere.get(url).content)["inspector_pool"][0]


def test_a_conflicted_inspector_swapped_into_a_check_fails_the_full_rerun(
    plan, zhejiang_regulator, at_draw_time
):
    _drawn(plan, zhejiang_regulator, at_draw_time)
    full = draw_document(plan, with_conflicts=True)
    full["result"][0]["inspectors"] = ["ZJ-000", full["result"][0]["inspectors"][1]]
    assert "draw: re-running the draw gives different objects or inspectors" in (
        draw.verify_published(full)
    )


def test_the_public_rerun_refuses_an_inspector_outside_the_directory_or_tied_to_the_object(
    plan, zhejiang_regulator, at_draw_time
):
    _drawn(plan, zhejiang_regulator, at_draw_time)
    public = draw_document(plan)
    first = public["result"][0]
    first["inspectors"] = ["ZJ-002", "ZJ-999"]  # ZJ-002 works for the holder
    problems = draw.verify_published(public)
    assert problems == [
        f"draw: the inspectors of {first['object']} (ZJ-002, ZJ-999) are not 2 distinct "
        "inspectors of the directory free of ties to it"
    ]


def test_a_failed_result_is_published_enters_credit_and_orders_the_body_to_suspend(
    plan, zhejiang_regulator, holder, at_draw_time
):
    commit_draw(zhejiang_regulator, plan)
    at_draw_time(plan)
    perform_draw(zhejiang_regulator, plan)
    check = InspectionCheck.objects.filter(plan=plan).order_by("object_id")[0]
    record_result(
        zhejiang_regulator,
        check,
        result="failed",
        findings="VOC 超标",
        order_suspension_by=in_days(10),
    )
    check.refresh_from_db()
    assert check.published_at is not None
    certificate = check.certificate
    assert certificate is not None
    certificate.refresh_from_db()
    assert certificate.status == "01"  # the body suspends it, not the regulator
    order = RegulatoryOrder.objects.get(certificate=certificate)
    assert (order.kind, order.state, order.deadline) == ("suspend", "open", in_days(10))
    assert plan.code in order.reason
    last = events_of(certificate)[-1]
    assert (last.event_type, last.payload["order"]) == ("ordered", order.number)
    record = CreditRecord.objects.get(enterprise=holder, source="inspection_failed")
    assert record.reference == f"{plan.code}/{check.object_id}"
    page = Client().get(f"/supervision/inspections/{plan.code}/").text
    assert "VOC 超标" in page
    assert draw_document(plan)["checks"][0]["result"] in {"failed", ""}
    with pytest.raises(TransitionRefused):
        record_result(zhejiang_regulator, check, result="passed", findings="")


def test_a_refused_suspension_order_leaves_no_result_and_no_credit_record(
    plan, zhejiang_regulator, holder, at_draw_time
):
    commit_draw(zhejiang_regulator, plan)
    at_draw_time(plan)
    perform_draw(zhejiang_regulator, plan)
    check = InspectionCheck.objects.filter(plan=plan).order_by("object_id")[0]
    with pytest.raises(ValidationFailed):
        record_result(
            zhejiang_regulator,
            check,
            result="failed",
            findings="x",
            order_suspension_by=in_days(-1),
        )
    check.refresh_from_db()
    assert check.result == "" and not CreditRecord.objects.filter(source="inspection_failed")
