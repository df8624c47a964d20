"""The governance endpoints answer what the public pages publish, and nothing unpublished."""

from __future__ import annotations

import pytest
from django.test import Client

from greencert.core.actors import Actor
from greencert.core.tests.fixtures import region
from greencert.governance import alliance, working_group
from greencert.governance.models import JointMeeting
from greencert.governance.tests.test_alliance import apply_university

pytestmark = pytest.mark.django_db


def test_the_working_group_endpoint_names_members_and_chairs(client: Client) -> None:
    body = client.get("/api/v1/working-group").json()
    assert len(body["members"]) == 12
    assert body["members"][0] == {
        "region": "310000",
        "name_zh": "上海市市场监督管理局",
        "name_en": "Shanghai Administration for Market Regulation",
        "convening": True,
    }
    assert body["chairs"][-1]["year"] == 2021
    assert body["chairs"][-1]["confirmed"] is False


def test_meetings_and_decisions_are_listed_once_published(
    client: Client, shanghai_regulator: Actor, draft: JointMeeting
) -> None:
    decision = working_group.add_decision(
        shanghai_regulator,
        draft,
        title="对标目标",
        text="同意。",
        targets=[("valid-service-certificates", "320000", 2025)],
    )
    working_group.add_task(
        shanghai_regulator,
        decision,
        assignee=region("330500"),
        description="报送",
        due_on=draft.held_on,
    )
    assert client.get("/api/v1/working-group/meetings").json() == {
        "items": [],
        "next_cursor": None,
    }
    working_group.publish_meeting(shanghai_regulator, draft)
    meetings = client.get("/api/v1/working-group/meetings").json()["items"]
    assert [m["number"] for m in meetings] == ["2025-1"]
    assert meetings[0]["chair"] == "310000"
    one = client.get("/api/v1/working-group/decisions/2025-1").json()
    assert one["tasks"][0]["status"] == "overdue"
    assert one["targets"][0]["description_zh"].startswith("江苏省")
    assert client.get("/api/v1/working-group/meetings/2025-2").status_code == 404


def test_the_member_list_filters_and_pages(client: Client, secretariat: Actor) -> None:
    member = alliance.approve_membership(secretariat, apply_university())
    apply_university(name="复旦大学", credit_code="12100000425006117P")
    found = client.get("/api/v1/alliance/members?kind=university&province=310000").json()
    assert [m["name"] for m in found["items"]] == [member.name]
    assert found["items"][0]["state"] == "active"
    assert client.get("/api/v1/alliance/members?province=320000").json()["items"] == []
    paged = client.get("/api/v1/alliance/members?limit=1").json()
    assert paged["next_cursor"] is None and len(paged["items"]) == 1


def test_a_bad_cursor_is_refused_in_both_languages(client: Client) -> None:
    response = client.get("/api/v1/alliance/members?cursor=forged")
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "cursor"
