"""Request and response shapes of the adoption API (published in the OpenAPI document)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from ninja import Field, Schema
from pydantic import StringConstraints, model_validator
from pydantic_core import PydanticCustomError

from greencert.core.schemas import RegistryDate

# 统一社会信用代码 (GB 32100-2015): 18 characters of its alphabet; the check character is checked
# where the code is looked up.
CreditCode = Annotated[
    str, StringConstraints(pattern=r"^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$")
]
# GB/T 2260 region codes: six digits.
RegionCode = Annotated[str, StringConstraints(pattern=r"^[0-9]{6}$")]


class VerifyIn(Schema):
    """At least one number or holder (``minProperties`` keeps an empty object out, and the
    validator an object whose lists are both empty)."""

    model_config = {"json_schema_extra": {"minProperties": 1}}

    numbers: list[str] = Field(
        default_factory=list,
        max_length=1000,
        examples=[["GC3220250000123K", "GC3320240000185N", "DMSH25GP000123"]],
        description="certificate numbers: the registry's (GC…) or the issuing body's own "
        "(机构证书编号); up to 1,000 numbers and holders together",
    )
    holders: list[str] = Field(
        default_factory=list,
        max_length=1000,
        examples=[["91350100M000100Y43"]],
        description="holders' 统一社会信用代码; every certificate of each holder is returned",
    )
    at: RegistryDate | None = Field(
        None,
        examples=["2025-06-30"],
        description="bid date: adds each certificate's status on that date",
    )
    receipt: bool = Field(
        False,
        description="also return a signed receipt (compact JWS, `typ: receipt+jwt`) of the "
        "whole answer, checked with `greencert receipt verify`",
    )

    @model_validator(mode="after")
    def _asks_something(self) -> VerifyIn:
        if not self.numbers and not self.holders:
            raise PydanticCustomError(
                "nothing_to_verify", "at least one certificate number or holder's credit code"
            )
        return self


class StatusBrief(Schema):
    code: str = Field(examples=["01"])
    label_zh: str = Field(examples=["有效"])
    label_en: str = Field(examples=["valid"])


class PartyBrief(Schema):
    id: str
    name: str


class CategoryBrief(Schema):
    code: str
    name_zh: str
    name_en: str


class AuthorityBrief(Schema):
    node: str = Field(examples=["yrd-js"])
    name_zh: str = Field(examples=["江苏省节点"])
    name_en: str = Field(examples=["Jiangsu node"])
    checkpoint_size: int = Field(description="entries of that node's log applied here")


class VerifiedCertificate(Schema):
    number: str = Field(description="证书编号: the registry's number (GC…)")
    body_number: str = Field(
        description="机构证书编号: the number the issuing body gave the certificate"
    )
    body: PartyBrief = Field(description="the issuing body: CNCA approval number and name")
    status: StatusBrief
    status_at: StatusBrief | None = Field(
        description="status on `at`; null if not issued by then or no `at`"
    )
    holder: PartyBrief
    category: CategoryBrief
    issue_date: dt.date | None = Field(
        description="null only for a certificate of another node whose details have not arrived"
    )
    expiry_date: dt.date | None = Field(
        description="null only for a certificate of another node whose details have not arrived"
    )
    blacklisted: bool = Field(
        description="the holder or the issuing body is on the blacklist (黑名单) today"
    )
    authority: AuthorityBrief | None = Field(
        None,
        description="外省证书: the node authoritative for a certificate this node answers from "
        "its copy of that node's verified log; absent for this node's own certificates",
    )


class VerifyItem(Schema):
    query: str
    kind: str = Field(examples=["number"], description="number or holder")
    result: str = Field(
        examples=["found"],
        description="found, several (a body number more than one body gave out: every "
        "body's certificate is listed), mistyped, malformed or unknown",
    )
    matched_by: str | None = Field(
        examples=["number"],
        description="what found the certificates: number (the registry number), body_number "
        "(the issuing body's own number) or holder; null when nothing was found",
    )
    certificates: list[VerifiedCertificate]


class VerifyOut(Schema):
    as_of_sequence: int = Field(description="the event log sequence the answers were read at")
    at: dt.date | None
    results: list[VerifyItem]
    receipt: str | None = Field(None, description="the signed receipt, when asked for")


class ChangeOut(Schema):
    sequence: int
    certificate: str
    holder: str
    category: str
    province_code: str
    city_code: str
    type: str = Field(examples=["suspended"])
    status_before: str
    status_after: str
    reason_code: str
    effective_at: dt.datetime
    recorded_at: dt.datetime


class ChangesOut(Schema):
    events: list[ChangeOut]
    next_after: int = Field(description="pass as ?after= for the next page")
    latest_sequence: int = Field(
        description="the newest sequence number; caught up when next_after equals it"
    )


class WebhookIn(Schema):
    url: str = Field(
        max_length=500,
        examples=["https://buyer.example/greencert/hooks"],
        description="the receiver: a public http(s) address (https in production); internal "
        "addresses and names resolving to them are refused",
    )
    holders: list[CreditCode] = Field(
        default_factory=list,
        max_length=1000,
        examples=[["91350100M000100Y43"]],
        description="holders' 统一社会信用代码 (18 characters)",
    )
    categories: list[Annotated[str, StringConstraints(min_length=1, max_length=64)]] = Field(
        default_factory=list, max_length=1000, examples=[["coatings"]]
    )
    regions: list[RegionCode] = Field(
        default_factory=list,
        max_length=1000,
        examples=[["330000"]],
        description="province or city codes (GB/T 2260, six digits)",
    )
    event_types: list[Annotated[str, StringConstraints(min_length=1, max_length=32)]] = Field(
        default_factory=list, max_length=100, examples=[["suspended", "revoked"]]
    )
    from_sequence: int | None = Field(
        None,
        ge=0,
        strict=True,
        description="deliver events after this sequence (a whole number, not true or false); "
        "default: from now on",
    )


class WebhookOut(Schema):
    id: int
    url: str
    holders: list[str]
    categories: list[str]
    regions: list[str]
    event_types: list[str]
    active: bool
    cursor: int


class WebhookCreated(WebhookOut):
    secret: str = Field(description="HMAC-SHA256 signing secret (Standard Webhooks); shown once")


class DeadLetterOut(Schema):
    message_id: str
    sequence: int
    attempts: int
    last_status: int | None
    last_error: str


class ReplayOut(Schema):
    replayed: int


class AdoptionIn(Schema):
    certificate: str = Field(examples=["GC3220250000123K"])
    kind: str = Field(
        examples=["procurement"], description="procurement, insurance, credit or other"
    )
    reference: str = Field(
        min_length=1,
        max_length=120,
        examples=["ZJCG-2025-0456"],
        description="tender, policy or loan reference",
    )
    adopted_on: RegistryDate = Field(examples=["2025-06-30"])
    amount_band: str = Field(
        examples=["1m-10m"], description="lt-1m, 1m-10m, 10m-100m, ge-100m, undisclosed"
    )


class AdoptionOut(Schema):
    certificate: str
    kind: str
    reference: str
    adopted_on: dt.date
    amount_band: str
    event_sequence: int
