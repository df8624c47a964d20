"""Response shapes of the announcement and recognition endpoints (published in the OpenAPI document)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema


class AnnouncementSummaryOut(Schema):
    id: str = Field(examples=["2026-1"], description="year-serial: the announcement's number")
    number: str = Field(examples=["长三角绿色认证公告 2026年第1号"])
    number_en: str
    title: str
    title_en: str
    date: dt.date
    publisher: str
    published_at: dt.datetime | None
    url: str = Field(description="the public page")
    signed_url: str = Field(description="the signed file (compact JWS, typ announcement+jwt)")


class AnnouncementOut(AnnouncementSummaryOut):
    signed: str = Field(
        description="the signed announcement: an Ed25519 compact JWS over the canonical JSON of "
        "`content`, verifiable with the keys in /.well-known/did.json"
    )
    content: dict[str, Any] = Field(
        description="what was signed: number, title, date, body, publisher and each line "
        "(organisation, certificate with its status at publication)"
    )
    current_statuses: dict[str, str] = Field(
        description="registry number -> status code today, for each certificate announced"
    )


class AgreementPartyOut(Schema):
    name_zh: str
    name_en: str
    region: str | None = Field(None, description="GB/T 2260 code of a province's regulator")
    scheme: str = ""


class AgreementDocumentOut(Schema):
    title: str
    link: str


class RecognitionOut(Schema):
    certificate: str
    recognised_by: str
    since: dt.date
    ended_on: dt.date | None


class AgreementOut(Schema):
    code: str = Field(examples=["YRD-HR-2026-01"])
    title_zh: str
    title_en: str
    kind: str = Field(
        examples=["inter_provincial"], description="inter_provincial or international"
    )
    state: str = Field(examples=["in_force"], description="in_force or ended")
    starts_on: dt.date
    ends_on: dt.date | None
    ended_on: dt.date | None
    scope: list[str] = Field(description="catalog category codes")
    parties: list[AgreementPartyOut]
    documents: list[AgreementDocumentOut]
    demo: bool = Field(description="invented for the demonstration")
    recognitions: list[RecognitionOut]
