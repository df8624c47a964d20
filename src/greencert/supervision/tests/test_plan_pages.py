"""The office pages where a regulator drafts a 双随机 plan and keeps the inspector directory."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client

from greencert.certification.models import Certificate
from greencert.core.actors import Actor
from greencert.core.tests.fixtures import region
from greencert.parties.factory import EnterpriseFactory
from greencert.parties.models import Enterprise
from greencert.supervision.models import InspectionCheck, InspectionPlan, Inspector

pytestmark = pytest.mark.django_db

NEW_PLAN = "/supervision/office/plans/new/"
DIRECTORY = "/supervision/office/inspectors/"


def client_for(actor: Actor | None, language: str = "en") -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    if actor is not None:
        client.force_login(actor.user)
    return client


def plan_data(**overrides: Any) -> dict[str, Any]:
    """A coatings certificate plan for Zhejiang with one general and one key item."""
    items = overrides.pop(
        "items", [("证书与标志使用", "general", "0.2"), ("产品抽样检验", "key", "1")]
    )
    data: dict[str, Any] = {
        "idempotency_key": "plan-page-test",
        "code": "ZJ-2026-P1",
        "title": "涂料证书抽查",
        "region": "330000",
        "object_kind": "certificate",
        "filter_region": "330000",
        "filter_category": "coatings",
        "filter_status": "",
        "filter_alliance_member": "",
        "inspector_regions": ["330000"],
        "inspectors_per_check": "2",
        "publish_within_days": "20",
        "items-TOTAL_FORMS": "4",
        "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "1000",
    }
    for i in range(4):
        name, kind, ratio = items[i] if i < len(items) else ("", "general", "")
        data |= {f"items-{i}-name": name, f"items-{i}-kind": kind, f"items-{i}-ratio": ratio}
    data.update(overrides)
    return data


@pytest.fixture
def certificates(issue: Callable[..., Certificate]) -> list[Certificate]:
    return [issue() for _ in range(3)]


@pytest.fixture
def directory() -> list[Inspector]:
    return [
        Inspector.objects.create(code=f"ZJ-{i:03d}", name=f"检查员{i}", region=region("330000"))
        for i in range(3)
    ]


def post_step(client: Client, plan: str, step: str) -> None:
    url = f"/supervision/office/inspections/{plan}/{step}/"
    response = client.post(url, {"idempotency_key": f"{plan}-{step}"})
    assert response.status_code == 302, response.content.decode()[:2000]


# ---------------------------------------------------------------- drafting a plan


def test_the_office_home_links_to_drafting_a_plan_and_to_the_directory(zhejiang_regulator):
    page = client_for(zhejiang_regulator).get("/supervision/office/").text
    assert f'href="{NEW_PLAN}"' in page and f'href="{DIRECTORY}"' in page


def test_the_page_offers_only_regions_in_the_regulators_scope(zhejiang_regulator):
    page = client_for(zhejiang_regulator).get(NEW_PLAN)
    assert page.status_code == 200
    region_select = page.text.split('name="region"')[1].split("</select>")[0]
    assert 'value="330000"' in region_select and 'value="330500"' in region_select
    assert 'value="310000"' not in region_select and 'value="320000"' not in region_select


def test_a_regulator_drafts_a_plan_on_the_page_then_commits_and_draws_it(
    zhejiang_regulator, certificates, directory, at_draw_time
):
    client = client_for(zhejiang_regulator)
    response = client.post(NEW_PLAN, plan_data())
    assert response.status_code == 302
    assert response["Location"] == "/supervision/office/inspections/ZJ-2026-P1/"
    plan = InspectionPlan.objects.get(code="ZJ-2026-P1")
    assert plan.state == "draft" and plan.region_id == "330000"
    assert plan.object_filters == {"region": "330000", "category": "coatings"}
    assert plan.inspector_regions == ["330000"] and plan.created_by_label == "user:zj-regulator"
    assert [(i.code, i.kind, str(i.ratio.normalize())) for i in plan.items.order_by("code")] == [
        ("G01", "general", "0.2"),
        ("K01", "key", "1"),
    ]
    post_step(client, plan.code, "commit")
    at_draw_time(plan)
    post_step(client, plan.code, "draw")
    plan.refresh_from_db()
    assert plan.state == "drawn"
    assert len(plan.object_pool) == 3
    assert InspectionCheck.objects.filter(plan=plan).count() == 3  # the key item takes all
    # The public page names what was drawn and who inspects it in words, codes beside them.
    page = Client().get(f"/supervision/inspections/{plan.code}/?lang=zh-hans").content.decode()
    assert "certificate:" not in page and "(330000)" not in page
    for certificate in certificates:
        assert certificate.holder.name in page
        assert f'href="/verify/{certificate.number}"' in page
    names = {i.name for i in directory}
    assert any(name in page for name in names)


def test_counting_the_pools_shows_what_they_hold_and_saves_nothing(
    zhejiang_regulator, certificates, directory
):
    data = plan_data(items=[], preview="1")
    response = client_for(zhejiang_regulator).post(NEW_PLAN, data)
    assert response.status_code == 200
    assert "The object pool holds 3 objects and the inspector pool 3 inspectors." in response.text
    assert not InspectionPlan.objects.exists()


def test_counting_the_pools_names_objects_short_of_unconflicted_inspectors(
    zhejiang_regulator, certificates, directory, holder
):
    Inspector.objects.filter(code__in=["ZJ-000", "ZJ-001"]).update(conflicts=[holder.credit_code])
    response = client_for(zhejiang_regulator).post(NEW_PLAN, plan_data(preview="1"))
    assert "the seed cannot be committed" in response.text
    assert certificates[0].number in response.text


def test_a_general_item_above_the_cap_is_refused_beside_its_row_and_nothing_is_created(
    zhejiang_regulator, directory
):
    data = plan_data(items=[("证书与标志使用", "general", "0.9")])
    response = client_for(zhejiang_regulator).post(NEW_PLAN, data)
    assert response.status_code == 400
    row = response.text.split('name="items-0-ratio"')[1].split("</td>")[0]
    assert "items.G01.ratio: &#x27;0.9&#x27; is not valid" in row
    assert "a sampling ratio from 0.01 to 0.20 for a general item" in row
    assert not InspectionPlan.objects.exists()


def test_the_cap_is_explained_in_chinese_on_a_chinese_page(zhejiang_regulator, directory):
    data = plan_data(items=[("证书与标志使用", "general", "0.9")])
    response = client_for(zhejiang_regulator, "zh-hans").post(NEW_PLAN, data)
    assert "字段 items.G01.ratio 的值 &#x27;0.9&#x27; 无效" in response.text
    assert "一般检查事项的抽查比例在 0.01 至 0.20 之间" in response.text


def test_a_key_item_may_sample_every_object(zhejiang_regulator, directory):
    response = client_for(zhejiang_regulator).post(
        NEW_PLAN, plan_data(items=[("产品抽样检验", "key", "1")])
    )
    assert response.status_code == 302
    assert InspectionPlan.objects.get().items.get().ratio == 1


def test_a_plan_without_items_is_refused(zhejiang_regulator, directory):
    response = client_for(zhejiang_regulator).post(NEW_PLAN, plan_data(items=[]))
    assert response.status_code == 400
    assert "items: &#x27;&#x27; is not valid; at least one item" in response.text
    assert not InspectionPlan.objects.exists()


def test_an_unknown_region_is_refused_naming_the_field(zhejiang_regulator, directory):
    response = client_for(zhejiang_regulator).post(NEW_PLAN, plan_data(region="999999"))
    assert response.status_code == 400
    assert (
        "Organising region: “999999” is not accepted — expected: the GB/T 2260 code of a "
        "Yangtze River Delta region" in response.text
    )
    assert not InspectionPlan.objects.exists()


def test_a_region_outside_the_regulators_scope_is_refused(zhejiang_regulator, directory):
    response = client_for(zhejiang_regulator).post(NEW_PLAN, plan_data(region="310000"))
    assert response.status_code == 403
    assert "region: &#x27;310000&#x27; is not valid" in response.text
    assert "must be done by a regulator of Shanghai" in response.text
    assert not InspectionPlan.objects.exists()


def test_a_filter_the_object_kind_does_not_take_is_refused_beside_it(zhejiang_regulator, directory):
    data = plan_data(object_kind="enterprise", filter_status="02")
    response = client_for(zhejiang_regulator).post(NEW_PLAN, data)
    assert response.status_code == 400
    status_field = response.text.split('name="filter_status"')[1].split("</div>")[0]
    assert "object_filters: &#x27;status&#x27; is not valid; filters: category, region" in (
        status_field
    )
    assert not InspectionPlan.objects.exists()


def test_a_used_plan_code_is_refused(zhejiang_regulator, directory):
    client = client_for(zhejiang_regulator)
    assert client.post(NEW_PLAN, plan_data()).status_code == 302
    response = client.post(NEW_PLAN, plan_data(title="again"))
    assert response.status_code == 400
    assert "code: &#x27;ZJ-2026-P1&#x27; is not valid; an unused plan code" in response.text
    assert InspectionPlan.objects.get().title == "涂料证书抽查"


@pytest.fixture(params=["anonymous", "enterprise_user", "body_staff"])
def outsider(request: pytest.FixtureRequest) -> Actor | None:
    if request.param == "anonymous":
        return None
    actor: Actor = request.getfixturevalue(request.param)
    return actor


@pytest.mark.parametrize("url", [NEW_PLAN, DIRECTORY])
def test_people_who_are_not_regulators_cannot_open_or_post_the_pages(outsider, url):
    client = client_for(outsider)
    data = plan_data() if url == NEW_PLAN else {"code": "X-1", "name": "x", "region": "330000"}
    for response in (client.get(url), client.post(url, data)):
        if outsider is None:
            assert response.status_code == 302 and response["Location"].startswith("/login/")
        else:
            assert response.status_code == 403
    assert not InspectionPlan.objects.exists() and not Inspector.objects.exists()


# ---------------------------------------------------------------- the inspector directory


def test_a_regulator_adds_an_inspector_with_declared_conflicts(zhejiang_regulator, holder):
    response = client_for(zhejiang_regulator).post(
        DIRECTORY,
        {
            "idempotency_key": "add-zj-9",
            "code": "zj-009",
            "name": "钱多多",
            "region": "330500",
            "affiliation": "",
            "conflicts": f"{holder.credit_code.lower()}，\n",
        },
    )
    assert response.status_code == 302
    inspector = Inspector.objects.get(code="ZJ-009")
    assert (inspector.name, inspector.region_id, inspector.active) == ("钱多多", "330500", True)
    assert inspector.conflicts == [holder.credit_code]


def test_a_conflict_with_an_unregistered_party_is_refused(zhejiang_regulator):
    response = client_for(zhejiang_regulator).post(
        DIRECTORY,
        {"idempotency_key": "k", "code": "ZJ-009", "name": "钱多多", "region": "330000",
         "conflicts": "91330000NOTAREALCODE"},
    )  # fmt: skip
    assert response.status_code == 400
    conflicts_field = response.text.split('name="conflicts"')[1].split("</div>")[0]
    assert "conflicts: &#x27;91330000NOTAREALCODE&#x27; is not valid" in conflicts_field
    assert not Inspector.objects.exists()


def test_a_regulator_cannot_add_an_inspector_of_another_province(zhejiang_regulator):
    response = client_for(zhejiang_regulator).post(
        DIRECTORY, {"idempotency_key": "k", "code": "SH-001", "name": "孙", "region": "310000"}
    )
    assert response.status_code == 403
    assert "region: &#x27;310000&#x27; is not valid" in response.text
    assert not Inspector.objects.exists()


def test_a_regulator_declares_a_conflict_for_an_inspector_already_listed(
    zhejiang_regulator, directory, body
):
    client = client_for(zhejiang_regulator)
    page = client.get("/supervision/office/inspectors/ZJ-001/")
    assert page.status_code == 200 and "检查员1" in page.text
    response = client.post(
        "/supervision/office/inspectors/ZJ-001/",
        {"idempotency_key": "k", "code": "ignored", "name": "检查员壹", "region": "330000",
         "conflicts": body.approval_number, "active": "on"},
    )  # fmt: skip
    assert response.status_code == 302
    inspector = Inspector.objects.get(code="ZJ-001")
    assert inspector.name == "检查员壹" and inspector.conflicts == [body.approval_number]


def test_a_regulator_does_not_see_another_provinces_inspectors(zhejiang_regulator):
    Inspector.objects.create(code="SH-001", name="孙", region=region("310000"))
    client = client_for(zhejiang_regulator)
    assert "SH-001" not in client.get(DIRECTORY).text
    assert client.get("/supervision/office/inspectors/SH-001/").status_code == 404


def test_the_draw_never_sends_an_inspector_to_an_object_they_declared_a_conflict_with(
    zhejiang_regulator, issue, holder: Enterprise, directory, at_draw_time
):
    other_holder = EnterpriseFactory.create()
    conflicted = [issue() for _ in range(4)]
    free = [issue(holder=other_holder) for _ in range(4)]
    client = client_for(zhejiang_regulator)
    added = client.post(
        DIRECTORY,
        {"idempotency_key": "k", "code": "ZJ-100", "name": "冲突人", "region": "330000",
         "conflicts": holder.credit_code},
    )  # fmt: skip
    assert added.status_code == 302
    assert client.post(NEW_PLAN, plan_data(items=[("全项", "key", "1")])).status_code == 302
    post_step(client, "ZJ-2026-P1", "commit")
    at_draw_time(InspectionPlan.objects.get())
    post_step(client, "ZJ-2026-P1", "draw")
    checks = {c.certificate_id: c.inspectors for c in InspectionCheck.objects.all()}
    assert set(checks) == {c.pk for c in conflicted + free}
    for certificate in conflicted:
        assert "ZJ-100" not in checks[certificate.pk]
        assert len(checks[certificate.pk]) == 2
    pool = InspectionPlan.objects.get().inspector_pool
    assert {"id": "ZJ-100", "conflicts": [holder.credit_code]}.items() <= next(
        i for i in pool if i["id"] == "ZJ-100"
    ).items()


def test_the_admin_still_edits_the_directory(directory, body):
    admin = get_user_model().objects.create_superuser("root", password="pw-not-used")
    client = Client()
    client.force_login(admin)
    inspector = directory[0]
    url = f"/admin/supervision/inspector/{inspector.pk}/change/"
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {"code": inspector.code, "name": "改名", "region": "330000", "affiliation": "",
         "conflicts": f'["{body.approval_number}"]', "active": "on"},
    )  # fmt: skip
    assert response.status_code == 302
    inspector.refresh_from_db()
    assert inspector.name == "改名" and inspector.conflicts == [body.approval_number]
