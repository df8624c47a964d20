"""The bodies' write API (机构写入接口): a certification body's own system issues its certificates
and records their later changes, through the same actions as the office pages.

A client with the ``certify`` scope is bound to one body; the body of every write is the token's,
never the request's. A body sees only its own certificates: another body's certificate answers
404 exactly as an unknown number does, so the API does not reveal which numbers other bodies hold.
Every write carries an ``Idempotency-Key`` (``idempotency``).
"""

from __future__ import annotations

import re

from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Router

from greencert.certification.body_numbers import normalise_body_number
from greencert.certification.intake import (
    ChangeRecord,
    IssueRecord,
    Lookups,
    apply_change,
    find_own_certificate,
    issue_record,
)
from greencert.certification.lookup import PUBLIC_RELATED
from greencert.certification.models import Certificate
from greencert.certification.presenters import detail_dict
from greencert.certification.restrictions import flags_for
from greencert.certification.schemas import CertificateNumberPath
from greencert.core.actors import Actor
from greencert.core.errors import PermissionRefused, UserFacingError, ValidationFailed
from greencert.core.schemas import ERROR_STATUSES, ErrorBody
from greencert.exchange import idempotency
from greencert.exchange.auth import ClientToken
from greencert.exchange.body_write_schemas import CertificateWritten, EventIn, IssueIn
from greencert.exchange.idempotency import Answer, answer_once
from greencert.exchange.models import ApiClient
from greencert.parties.models import CertificationBody

router = Router(tags=["certification bodies 认证机构写入"], auth=ClientToken("certify"))

IF_MATCH_PARAMETER = {
    "in": "header",
    "name": "If-Match",
    "required": False,
    "schema": {"type": "string", "maxLength": 40},
    "example": '"1234"',
    "description": (
        "the certificate's `ETag` the change is based on (its last event sequence, quoted); "
        "409 with the current status when another change came in between. The field "
        "`based_on` says the same; given both, they must agree."
    ),
}
# The certificate's ETag: its last event sequence, then, when the certificates its document shows
# changed since, the newest of theirs (``"123"``, ``"123.130"``); a change is based on the first.
# A compressed answer carries it weak (``W/"123"``), as Django's GZipMiddleware marks it.
ENTITY_TAG = re.compile(r'(?:W/)?"(\d{1,18})(?:\.\d{1,18})?"')


class CertificateNotFound(UserFacingError):
    """Not a certificate of the calling body: unknown, or another body's (never said which)."""

    code = "not_found"
    http_status = 404


class BodyNumberTaken(UserFacingError):
    """The body already gave this number to another certificate."""

    code = "duplicate_body_number"
    http_status = 409


def _own_body(client: ApiClient) -> CertificationBody:
    if client.body is None:
        raise PermissionRefused(
            field="Authorization",
            value=client.name,
            expected_zh=f"绑定认证机构的客户（{client.name} 未绑定任何机构，"
            "请管理员以 clients create … --body CNCA-R-… 重新登记）",
            expected_en=f"a client bound to a certification body ({client.name} is bound to "
            "none; the administrator registers it again with clients create … --body CNCA-R-…)",
            code="no_body",
        )
    return client.body


def _as(kind: type[UserFacingError], exc: UserFacingError) -> UserFacingError:
    """The same refusal answered with ``kind``'s status and code."""
    return kind(
        field=exc.field,
        value=exc.value,
        expected_zh=exc.expected_zh,
        expected_en=exc.expected_en,
        extra=exc.extra,
    )


def _refusal(exc: ValidationFailed, body: CertificationBody) -> UserFacingError:
    """A record's problems as the API answers them: authorisation outranks validation (403 when
    the body is not approved for the category, listing every problem all the same), a number the
    body already used is a conflict (409), everything else 400."""
    problems = exc.extra.get("problems", [])
    refused = [p for p in problems if p["code"] == "category_not_authorised"]
    if refused:
        return PermissionRefused(
            field="category",
            value=refused[0]["value"],
            expected_zh=f"{body} 获批认证的类别（见 {body} 的认证范围）",
            expected_en=f"a category {body} is authorised for (see the body's scope of approval)",
            code="category_not_authorised",
            extra={"problems": problems},
        )
    if exc.code == "duplicate_body_number":
        return _as(BodyNumberTaken, exc)
    return exc


def _written(certificate: Certificate, status: int) -> Answer:
    """The certificate as ``GET /api/v1/certificates/{number}`` shows it, with its ETag."""
    fresh = Certificate.objects.select_related(*PUBLIC_RELATED).get(pk=certificate.pk)
    flags = flags_for(fresh)
    location = reverse("api-v1:certificate", args=[fresh.number])
    body = detail_dict(fresh) | {
        "blacklisted": bool(flags),
        "blacklist": flags,
        "last_event_sequence": fresh.last_event_sequence,
    }
    headers = {"ETag": f'"{fresh.last_event_sequence}"'}
    headers["Location" if status == 201 else "Content-Location"] = location
    return Answer(status, body, headers)


@router.post(
    "",
    response={201: CertificateWritten, ERROR_STATUSES: ErrorBody},
    summary="Issue a certificate 颁发证书",
    url_name="issue_certificate",
    openapi_extra={"parameters": [idempotency.PARAMETER]},
)
def issue_certificate(request: HttpRequest, payload: IssueIn) -> HttpResponse:
    """Register a certificate the calling body issued in its own system.

    The holder is matched by credit code, or registered from `holder_name`, `holder_region` and
    `holder_address` once the code passes its check character. Every problem of the record is
    listed at once in `error.problems` (400, or 403 when the body is not approved for the
    category); a request of the wrong shape lists its problems in `errors` (422).
    A body on the blacklist cannot issue (403); a body number the body already used is 409.
    Answers 201 with `Location` and `ETag`. A renewal (再认证) is a new certificate naming the
    one it renews in `renewed_from`.
    """
    client: ApiClient = request.auth  # type: ignore[attr-defined]
    body = _own_body(client)
    record = IssueRecord(**payload.model_dump())
    # Read before the write transaction: catalog and regions do not change with the write.
    lookups = Lookups(body)

    def write() -> Answer:
        try:
            certificate = issue_record(Actor.for_client(client), record, lookups)
        except ValidationFailed as exc:
            raise _refusal(exc, body) from None
        return _written(certificate, 201)

    try:
        return answer_once(request, client, write)
    except IntegrityError:
        # Another request (with another key) gave the number meanwhile; PostgreSQL lets the
        # second insert wait on the unique index and then refuses it.
        taken = Certificate.objects.filter(
            body=body, body_number=normalise_body_number(record.body_number)
        ).first()
        if taken is None:
            raise
        raise BodyNumberTaken(
            field="body_number",
            value=record.body_number,
            expected_zh=f"{body} 尚未使用的证书编号（已用于 {taken.number}）",
            expected_en=f"a number {body} has not used yet (it is {taken.number}'s)",
        ) from None


def _based_on(request: HttpRequest, field_value: int | None) -> int | None:
    """The sequence the change is based on, from ``If-Match`` or the field ``based_on``."""
    raw = request.headers.get("If-Match")
    header: int | None = None
    if raw is not None and raw.strip() != "*":
        match = ENTITY_TAG.fullmatch(raw.strip())
        if match is None:
            raise ValidationFailed(
                field="If-Match",
                value=raw,
                expected_zh='证书的 ETag，即带双引号的最新事件序号（如 "1234"）',
                expected_en="the certificate's ETag: its last event sequence in double quotes, "
                'e.g. "1234"',
                code="invalid_if_match",
            )
        header = int(match.group(1))
    if header is not None and field_value is not None and header != field_value:
        raise ValidationFailed(
            field="based_on",
            value=field_value,
            expected_zh=f"与 If-Match 相同的事件序号（{header}），或二者只给一个",
            expected_en=f"the same sequence as If-Match ({header}), or only one of the two",
            code="based_on_mismatch",
        )
    return header if header is not None else field_value


@router.post(
    "/{number}/events",
    response={200: CertificateWritten, ERROR_STATUSES: ErrorBody},
    summary="Record a change 记录证书变化",
    url_name="record_certificate_event",
    openapi_extra={"parameters": [idempotency.PARAMETER, IF_MATCH_PARAMETER]},
)
def record_certificate_event(
    request: HttpRequest, number: CertificateNumberPath, payload: EventIn
) -> HttpResponse:
    """Record a later change of one of the calling body's certificates.

    `{number}` is the registry number or the body's own number. Events: surveillance_passed
    (获证后监督通过), suspended (暂停, with `reason_code` and `until`), restored (恢复), revoked
    (撤销), cancelled (注销), changed (变更: new values in `changes`) and expired (过期失效, once
    the expiry date has passed). `effective_date` dates a change recorded after the fact.
    A suspension or revocation carries out the due action (`due`) pending on the certificate; a
    change of production site needs the passed on-site inspection of the new site
    (`inspection`).
    With `If-Match` or `based_on`, a certificate changed meanwhile answers 409 with its
    `current_status` and `last_event_sequence`. Another body's certificate answers 404, as an
    unknown number does. Answers 200 with the certificate and its new `ETag`.
    """
    client: ApiClient = request.auth  # type: ignore[attr-defined]
    body = _own_body(client)
    based_on = _based_on(request, payload.based_on)

    def write() -> Answer:
        try:
            certificate = find_own_certificate(body, number, field_name="number")
        except ValidationFailed as exc:
            raise _as(CertificateNotFound, exc) from None
        changes = payload.changes.model_dump(exclude_none=True) if payload.changes else {}
        changed = apply_change(
            Actor.for_client(client),
            body,
            ChangeRecord(
                certificate=certificate.number,
                event=payload.event,
                reason_code=payload.reason_code,
                note=payload.note,
                until=payload.until,
                changes=changes,
                effective_date=payload.effective_date,
                based_on=based_on,
                order=payload.order,
                due=payload.due,
                inspection=payload.inspection.model_dump(exclude_defaults=True)
                if payload.inspection
                else None,
            ),
        )
        return _written(changed, 200)

    return answer_once(request, client, write)
