"""Alliance membership: applications, the secretariat's decisions, suspension and exit, with the
history of every change."""

from __future__ import annotations

import random

import pytest

from greencert.core.actors import Actor
from greencert.core.errors import PermissionRefused, TransitionRefused, ValidationFailed
from greencert.core.tests.fixtures import region
from greencert.governance import alliance
from greencert.governance.models import AllianceMember
from greencert.parties.factory import credit_code
from greencert.parties.models import CertificationBody

pytestmark = pytest.mark.django_db

UNIVERSITY_CODE = credit_code(random.Random(7), "310000")


def apply_university(**overrides: object) -> AllianceMember:
    fields: dict[str, object] = {
        "kind": "university",
        "name": "同济大学",
        "credit_code": UNIVERSITY_CODE,
        "region": region("310000"),
        "contact_name": "王老师",
        "contact_email": "green@example.edu.cn",
    }
    fields.update(overrides)
    return alliance.apply_for_membership(**fields)  # type: ignore[arg-type]


def test_an_application_is_pending_with_its_first_history_row() -> None:
    member = apply_university()
    assert member.state == "pending"
    assert member.reference.startswith("LM")
    assert member.province_code == "310000"
    assert [(c.state_before, c.state_after, c.actor_label) for c in member.changes.all()] == [
        ("", "pending", "anonymous")
    ]


def test_an_application_with_an_invalid_credit_code_leaves_no_trace() -> None:
    with pytest.raises(ValidationFailed) as refused:
        apply_university(credit_code=UNIVERSITY_CODE[:-1] + "0")
    assert refused.value.field == "credit_code"
    assert "统一社会信用代码" in refused.value.message_zh
    assert not AllianceMember.objects.exists()


def test_an_unknown_kind_is_refused() -> None:
    with pytest.raises(ValidationFailed) as refused:
        apply_university(kind="bank")
    assert refused.value.field == "kind"
    assert "高校" in refused.value.message_zh


def test_a_certification_body_applies_by_its_registered_approval_number(
    body: CertificationBody,
) -> None:
    with pytest.raises(ValidationFailed) as unknown:
        apply_university(kind="certification_body", approval_number="CNCA-R-2019-999")
    assert unknown.value.field == "approval_number"
    member = apply_university(kind="certification_body", approval_number=body.approval_number)
    assert member.body == body


def test_an_organisation_with_an_open_application_may_not_apply_again() -> None:
    apply_university()
    with pytest.raises(ValidationFailed) as refused:
        apply_university()
    assert refused.value.code == "already_applied"
    assert AllianceMember.objects.count() == 1


def test_the_secretariat_approves_and_the_history_says_who(secretariat: Actor) -> None:
    member = alliance.approve_membership(secretariat, apply_university(), note="材料齐全")
    assert member.state == "active"
    assert member.joined_on is not None
    last = member.changes.order_by("at", "id").reverse()[0]
    assert (last.state_before, last.state_after, last.actor_label, last.reason) == (
        "pending",
        "active",
        "user:alliance",
        "材料齐全",
    )


def test_approving_twice_is_refused(secretariat: Actor) -> None:
    member = alliance.approve_membership(secretariat, apply_university())
    with pytest.raises(TransitionRefused) as refused:
        alliance.approve_membership(secretariat, member)
    assert "成员" in refused.value.message_zh
    assert member.changes.count() == 2


@pytest.mark.parametrize("role", ["regulator", "body_staff", "nobody"])
def test_only_the_secretariat_decides_applications(
    role: str, zhejiang_regulator: Actor, body_staff: Actor, plain_user: Actor
) -> None:
    actor = {"regulator": zhejiang_regulator, "body_staff": body_staff, "nobody": plain_user}[role]
    member = apply_university()
    for act in (alliance.approve_membership, alliance.refuse_membership):
        with pytest.raises(PermissionRefused) as refused:
            act(actor, member, **({"reason": "—"} if act is alliance.refuse_membership else {}))
        assert "联盟秘书处" in refused.value.message_zh
    member.refresh_from_db()
    assert member.state == "pending"


def test_a_refusal_needs_a_reason(secretariat: Actor) -> None:
    member = apply_university()
    with pytest.raises(ValidationFailed) as refused:
        alliance.refuse_membership(secretariat, member, reason=" ")
    assert refused.value.field == "reason"
    assert alliance.refuse_membership(secretariat, member, reason="非长三角单位").state == "refused"


def test_a_refused_organisation_may_apply_again(secretariat: Actor) -> None:
    alliance.refuse_membership(secretariat, apply_university(), reason="材料不全")
    assert apply_university().state == "pending"


def test_suspension_reinstatement_and_exit_follow_the_states(secretariat: Actor) -> None:
    member = alliance.approve_membership(secretariat, apply_university())
    with pytest.raises(TransitionRefused):
        alliance.reinstate_membership(secretariat, member, reason="—")
    alliance.suspend_membership(secretariat, member, reason="未按期参加联盟活动")
    with pytest.raises(TransitionRefused):
        alliance.suspend_membership(secretariat, member, reason="再次")
    alliance.reinstate_membership(secretariat, member, reason="已整改")
    member = alliance.record_exit(secretariat, member, reason="本单位申请退出")
    assert member.state == "exited" and member.left_on is not None
    with pytest.raises(TransitionRefused):
        alliance.record_exit(secretariat, member, reason="—")
    assert [c.state_after for c in member.changes.all()] == [
        "pending",
        "active",
        "suspended",
        "active",
        "exited",
    ]


def test_a_body_members_flag_in_the_register_follows_its_membership(
    secretariat: Actor, body: CertificationBody
) -> None:
    CertificationBody.objects.filter(pk=body.pk).update(alliance_member=False)
    member = apply_university(kind="certification_body", approval_number=body.approval_number)
    alliance.approve_membership(secretariat, member)
    body.refresh_from_db()
    assert body.alliance_member is True
    alliance.suspend_membership(secretariat, member, reason="暂停")
    body.refresh_from_db()
    assert body.alliance_member is False
