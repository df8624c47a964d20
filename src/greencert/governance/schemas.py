"""Response shapes of the governance endpoints (published in the OpenAPI document)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema

from greencert.core.schemas import path_code

# 公告 and the working group's meetings and decisions are numbered YEAR-SERIAL.
AnnouncementNumberPath = path_code(
    r"^[0-9]{4}-[0-9]{1,9}$",
    expected_zh="公告编号：年份-序号，如 2026-1",
    expected_en="an announcement number: year-serial, such as 2026-1",
    example="2026-1",
    description="the announcement's number, year-serial",
)
MeetingNumberPath = path_code(
    r"^[0-9]{4}-[0-9]{1,7}$",
    expected_zh="会议编号：年份-序号，如 2026-1",
    expected_en="a meeting number: year-serial, such as 2026-1",
    example="2026-1",
    description="the joint meeting's number, year-serial",
)
DecisionNumberPath = path_code(
    r"^[0-9]{4}-[0-9]{1,7}$",
    expected_zh="决定编号：年份-序号，如 2026-3",
    expected_en="a decision number: year-serial, such as 2026-3",
    example="2026-3",
    description="the decision's number, year-serial",
)
# 联盟文件编号, as ``alliance_documents.add_document`` accepts it.
DocumentCodePath = path_code(
    r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+){1,4}$",
    expected_zh="联盟文件编号，如 YRDGC-P-001（大写字母、数字和连字符，至多 32 位）",
    expected_en="an alliance document code such as YRDGC-P-001 (capitals, digits and hyphens, "
    "at most 32 characters)",
    example="YRDGC-P-001",
    description="the alliance document's code",
    max_length=32,
    upper=True,
)


class MemberRegulatorOut(Schema):
    region: str = Field(description="GB/T 2260 code of the region the member regulates")
    name_zh: str = Field(examples=["上海市市场监督管理局"])
    name_en: str
    convening: bool = Field(description="one of the four convening provinces (联合召集)")


class ChairOut(Schema):
    year: int
    region: str
    name_zh: str
    name_en: str
    confirmed: bool = Field(description="false: from the rotation data, not an official text")
    source: str


class WorkingGroupOut(Schema):
    members: list[MemberRegulatorOut]
    chairs: list[ChairOut] = Field(description="from the first year to this one, latest first")


class TaskOut(Schema):
    assignee: str = Field(description="region code of the assigned member")
    assignee_zh: str
    description: str
    due_on: dt.date
    status: str = Field(description="open, done or overdue")
    done_on: dt.date | None


class TargetLinkOut(Schema):
    indicator: str
    region: str = Field(description="GB/T 2260 code; empty for the whole YRD")
    year: int
    description_zh: str
    description_en: str


class DecisionOut(Schema):
    number: str = Field(examples=["2026-1"], description="YYYY-N号决定, counted across the year")
    meeting: str = Field(examples=["2026-1"])
    title: str
    text: str
    documents: list[str] = Field(description="codes of linked alliance documents")
    targets: list[TargetLinkOut]
    tasks: list[TaskOut]


class MeetingOut(Schema):
    number: str = Field(examples=["2026-1"], description="YYYY-N: the N-th published of the year")
    title: str
    held_on: dt.date
    place: str
    chair: str = Field(description="region code of the convening chair (组长单位)")
    chair_zh: str
    attendees: list[str] = Field(description="region codes of the attending members")
    agenda: str
    minutes: str
    published_at: dt.datetime | None
    decisions: list[DecisionOut]


class AllianceMemberOut(Schema):
    name: str
    name_en: str
    kind: str = Field(
        description="certification_body, testing_laboratory, industry_association, "
        "university, research_institute or enterprise"
    )
    kind_zh: str
    kind_en: str
    credit_code: str = Field(description="统一社会信用代码")
    approval_number: str | None = Field(description="CNCA approval number of a body member")
    region: str
    province: str
    state: str = Field(description="active, suspended or exited")
    joined_on: dt.date | None
    left_on: dt.date | None
    website: str


class DocumentVersionOut(Schema):
    version: str
    issued_on: dt.date
    in_force_on: dt.date
    filed: bool
    filing_number: str = Field(description="CNCA 备案号; empty when not yet filed (未备案)")
    filed_on: dt.date | None
    citable: bool = Field(description="filed and in force today: certificates may cite it")
    citations: int


class AllianceDocumentOut(Schema):
    code: str
    kind: str = Field(description="procedure (程序文件) or technical (技术文件)")
    title_zh: str
    title_en: str
    versions: list[DocumentVersionOut]


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
