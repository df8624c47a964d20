"""Actions of the alliance (长三角绿色认证联盟): applications and the membership's changes.

Anyone applies (the public form, or the secretariat for an organisation that wrote in); the
secretariat (联盟秘书处) approves or refuses, suspends, reinstates and records exits. Every change
is a conditional update of the state plus one ``MembershipChange`` row, in one transaction. A
certification body's membership also sets its ``alliance_member`` flag in the parties register.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from greencert.core.actors import Actor
from greencert.core.errors import TransitionRefused, ValidationFailed
from greencert.core.sequence import next_value
from greencert.governance.alliance_codes import labels, party_of_kind
from greencert.governance.models import AllianceMember, MembershipChange
from greencert.governance.permissions import require_secretariat
from greencert.parties.models import CertificationBody, Enterprise, Laboratory
from greencert.parties.validators import (
    require_approval_number,
    require_cma_number,
    require_valid_credit_code,
)
from greencert.regions.models import Region

OPEN_STATES = ("pending", "active", "suspended")


def _required(field: str, value: str, limit: int, zh: str, en: str) -> str:
    value = (value or "").strip()
    if not value or len(value) > limit:
        raise ValidationFailed(
            field=field,
            value=value[:40],
            expected_zh=f"{zh}（1 至 {limit} 字）",
            expected_en=f"{en} (1 to {limit} characters)",
        )
    return value


def _record(member: AllianceMember, before: str, after: str, actor: Actor, reason: str) -> None:
    MembershipChange.objects.create(
        member=member,
        state_before=before,
        state_after=after,
        actor_label=actor.label,
        reason=reason,
        at=timezone.now(),
    )


def _links(kind: str, credit_code: str, approval_number: str, cma_number: str) -> dict[str, Any]:
    """The parties row the organisation is, by the identifier its kind carries."""
    party = party_of_kind(kind)
    if party == "body":
        number = require_approval_number(approval_number)
        body = CertificationBody.objects.filter(approval_number=number).first()
        if body is None:
            raise ValidationFailed(
                field="approval_number",
                value=approval_number,
                expected_zh="国家认监委批准并已在本平台登记的认证机构的批准号",
                expected_en="the approval number of a CNCA-approved body registered here",
            )
        return {"body": body}
    if party == "laboratory" and cma_number.strip():
        number = require_cma_number(cma_number)
        laboratory = Laboratory.objects.filter(cma_number=number).first()
        if laboratory is None:
            raise ValidationFailed(
                field="cma_number",
                value=cma_number,
                expected_zh="已在本平台登记的检验检测机构的 CMA 编号，或留空",
                expected_en="the CMA number of a laboratory registered here, or nothing",
            )
        return {"laboratory": laboratory}
    if party == "enterprise":
        return {"enterprise": Enterprise.objects.filter(credit_code=credit_code).first()}
    return {}


@transaction.atomic
def apply_for_membership(
    *,
    kind: str,
    name: str,
    credit_code: str,
    region: Region,
    contact_name: str,
    contact_email: str,
    name_en: str = "",
    approval_number: str = "",
    cma_number: str = "",
    website: str = "",
    statement: str = "",
    actor: Actor | None = None,
) -> AllianceMember:
    """入盟申请: an organisation of the YRD of a kind the plan names applies; the secretariat
    decides. The public form passes no actor; the secretariat entering a letter passes itself."""
    actor = actor or Actor()
    kinds = labels("member_kinds")
    if kind not in kinds:
        raise ValidationFailed(
            field="kind",
            value=kind,
            expected_zh="可选：" + "、".join(label.zh for label in kinds.values()),
            expected_en="one of: " + ", ".join(label.en for label in kinds.values()),
        )
    code = require_valid_credit_code(credit_code)
    links = _links(kind, code, approval_number, cma_number)
    open_membership = AllianceMember.objects.filter(state__in=OPEN_STATES)
    if open_membership.filter(credit_code=code).exists() or (
        "body" in links and open_membership.filter(body=links["body"]).exists()
    ):
        raise ValidationFailed(
            field="credit_code",
            value=code,
            expected_zh="尚未入盟且无待审申请的单位（该单位已是成员或已有申请在审）",
            expected_en="an organisation that is not a member and has no pending application",
            code="already_applied",
        )
    member = AllianceMember.objects.create(
        reference=f"LM{timezone.localdate().year}-{next_value('governance.alliance'):04d}",
        kind=kind,
        name=_required("name", name, 200, "单位名称", "the organisation's name"),
        name_en=(name_en or "").strip()[:300],
        credit_code=code,
        region=region,
        province_code=region.province_code,
        website=(website or "").strip(),
        statement=(statement or "").strip()[:4000],
        contact_name=_required("contact_name", contact_name, 60, "联系人", "a contact person"),
        contact_email=_required("contact_email", contact_email, 254, "联系邮箱", "an e-mail"),
        **links,
    )
    _record(member, "", AllianceMember.State.PENDING, actor, "")
    return member


def _move(
    actor: Actor,
    member: AllianceMember,
    *,
    doing: tuple[str, str],
    from_states: tuple[str, ...],
    to_state: str,
    reason: str,
    reason_required: bool = True,
    updates: dict[str, Any] | None = None,
) -> AllianceMember:
    require_secretariat(actor, doing)
    reason = (reason or "").strip()
    if reason_required and not reason:
        raise ValidationFailed(
            field="reason",
            value="",
            expected_zh=f"{doing[0]}须写明理由",
            expected_en=f"a reason for {doing[1]}",
        )
    states = labels("member_states")
    before = member.state
    updated = 0
    if before in from_states:
        updated = AllianceMember.objects.filter(pk=member.pk, state=before).update(
            state=to_state, **(updates or {})
        )
    if not updated:
        member.refresh_from_db()
        raise TransitionRefused(
            field="state",
            value=member.state,
            expected_zh=f"{member.name}当前为「{states[member.state].zh}」，{doing[0]}须处于"
            f"「{'、'.join(states[s].zh for s in from_states)}」",
            expected_en=f"{member.name} is {states[member.state].en}; {doing[1]} needs "
            f"{' or '.join(states[s].en for s in from_states)}",
        )
    _record(member, before, to_state, actor, reason)
    member.refresh_from_db()
    if member.body_id is not None:
        CertificationBody.objects.filter(pk=member.body_id).update(
            alliance_member=to_state == AllianceMember.State.ACTIVE
        )
    return member


@transaction.atomic
def approve_membership(actor: Actor, member: AllianceMember, *, note: str = "") -> AllianceMember:
    """批准入盟."""
    return _move(
        actor,
        member,
        doing=("批准入盟申请", "approving an application"),
        from_states=("pending",),
        to_state="active",
        reason=note,
        reason_required=False,
        updates={"joined_on": timezone.localdate()},
    )


@transaction.atomic
def refuse_membership(actor: Actor, member: AllianceMember, *, reason: str) -> AllianceMember:
    """不予批准: the reason is told to the applicant."""
    return _move(
        actor,
        member,
        doing=("不予批准入盟申请", "refusing an application"),
        from_states=("pending",),
        to_state="refused",
        reason=reason,
    )


@transaction.atomic
def suspend_membership(actor: Actor, member: AllianceMember, *, reason: str) -> AllianceMember:
    """暂停成员资格."""
    return _move(
        actor,
        member,
        doing=("暂停成员资格", "suspending a membership"),
        from_states=("active",),
        to_state="suspended",
        reason=reason,
    )


@transaction.atomic
def reinstate_membership(actor: Actor, member: AllianceMember, *, reason: str) -> AllianceMember:
    """恢复成员资格."""
    return _move(
        actor,
        member,
        doing=("恢复成员资格", "reinstating a membership"),
        from_states=("suspended",),
        to_state="active",
        reason=reason,
    )


@transaction.atomic
def record_exit(actor: Actor, member: AllianceMember, *, reason: str) -> AllianceMember:
    """退出联盟 (on the member's request or by the secretariat's decision)."""
    return _move(
        actor,
        member,
        doing=("登记退出联盟", "recording an exit"),
        from_states=("active", "suspended"),
        to_state="exited",
        reason=reason,
        updates={"left_on": timezone.localdate()},
    )
