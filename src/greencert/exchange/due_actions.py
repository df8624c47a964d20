"""The body's queue of due actions (到期应处置) for its own system: what the lifecycle rules made
due on its certificates — a revocation once a suspension ran out, a suspension once surveillance
failed or was overdue — with the deadline. The body carries each out through
``POST /api/v1/certificates/{number}/events``, citing it in ``due``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from greencert.certification.due import PENDING, visible_due_actions
from greencert.certification.models import DueAction
from greencert.core.actors import Actor
from greencert.core.schemas import ERROR_STATUSES, ErrorBody
from greencert.exchange.auth import ClientToken

router = Router(tags=["certification bodies 认证机构写入"], auth=ClientToken("certify"))


class DueActionOut(Schema):
    number: str = Field(examples=["DQ2026000001"], description="the due action's number")
    certificate: str = Field(examples=["GC33202600000013"], description="registry number")
    body_number: str = Field(description="the body's own certificate number")
    action: str = Field(examples=["revoke"], description="`revoke` or `suspend`")
    event: str = Field(
        examples=["revoked"], description="the event that carries it out: `revoked` or `suspended`"
    )
    reason_code: str = Field(examples=["R01"], description="the reason the body's event carries")
    cause: str = Field(
        examples=["suspension_ran_out"],
        description="`suspension_ran_out`, `surveillance_failed` or `surveillance_overdue`",
    )
    basis: dict[str, Any] = Field(description="the facts the rule applied to")
    due_on: dt.date
    deadline: dt.date = Field(description="the last day to carry it out")
    state: str = Field(
        examples=["open"], description="`open`, `overdue`, `carried_out` or `lapsed`"
    )


class DueActionFilters(Schema):
    state: str = Field(
        "pending",
        pattern="^(pending|open|overdue|carried_out|lapsed|all)$",
        description="`pending` (open or overdue, the default), one state, or `all`",
    )


def _out(due: DueAction) -> dict[str, Any]:
    return {
        "number": due.number,
        "certificate": due.certificate.number,
        "body_number": due.certificate.body_number,
        "action": due.kind,
        "event": "revoked" if due.kind == "revoke" else "suspended",
        "reason_code": due.reason_code,
        "cause": due.cause,
        "basis": due.basis,
        "due_on": due.due_on,
        "deadline": due.deadline,
        "state": due.state,
    }


@router.get(
    "",
    response={200: list[DueActionOut], ERROR_STATUSES: ErrorBody},
    summary="Due actions of the body 到期应处置事项",
)
def list_due_actions(
    request: HttpRequest, filters: Query[DueActionFilters]
) -> list[dict[str, Any]]:
    """What the lifecycle rules made due on the calling body's certificates, earliest deadline
    first (at most 500): carry each out with `POST /api/v1/certificates/{number}/events`
    (`revoked` or `suspended`, with its `reason_code`, citing its number in `due`). One still
    open after its deadline is `overdue`, which the certificate's log and the regulators see."""
    actor = Actor.for_client(request.auth)  # type: ignore[attr-defined]
    dues = visible_due_actions(actor)
    if filters.state == "pending":
        dues = dues.filter(state__in=PENDING)
    elif filters.state != "all":
        dues = dues.filter(state=filters.state)
    return [_out(d) for d in dues.order_by("deadline", "id")[:500]]
