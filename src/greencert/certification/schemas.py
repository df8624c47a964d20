"""Published shapes of certificates in the API (documented in the OpenAPI document)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema

from greencert.certification.link_schemas import ProgrammeOut, SameAuditOut, SupplyChainLinkOut
from greencert.core.schemas import ErrorBody, ErrorDetail, path_text

# A certificate in a path: the registry number or the issuing body's own (机构证书编号), which a
# body may write as it likes; the lookup reads both, so only the length is bounded (a body number
# is at most 40 characters, typed with spaces and full-width characters up to twice that).
CertificateNumberPath = path_text(
    80,
    example="GC3220250000123K",
    description="the registry number (GC…) or the issuing body's own certificate number",
)


class StatusOut(Schema):
    code: str = Field(examples=["01"])
    label_zh: str = Field(examples=["有效"])
    label_en: str = Field(examples=["valid"])
    reason_code: str = Field("", examples=["S01"])
    reason_zh: str = ""
    reason_en: str = ""


class PartyOut(Schema):
    id: str = Field(description="统一社会信用代码 or CNCA approval number")
    name: str


class CategoryOut(Schema):
    code: str = Field(examples=["coatings"])
    name_zh: str
    name_en: str


class RegionOut(Schema):
    code: str
    name_zh: str
    name_en: str
    province_code: str
    city_code: str
    pilot_zone: bool
    demonstration_zone: bool


class EventOut(Schema):
    sequence: int
    type: str
    status_before: str
    status_after: str
    reason_code: str
    effective_at: dt.datetime
    recorded_at: dt.datetime


class StatusAtOut(Schema):
    date: dt.date
    status: StatusOut | None = Field(description="null when the certificate had not been issued")


class BlacklistFlagOut(Schema):
    """Why a certificate is flagged: its holder or issuing body is on the blacklist (黑名单)."""

    subject_kind: str = Field(examples=["enterprise"], description="enterprise or body")
    subject_id: str = Field(description="统一社会信用代码 or CNCA approval number")
    subject_name: str
    basis_code: str = Field(examples=["SCL-2022"])
    basis_zh: str
    basis_en: str
    facts: str
    categories: list[str] = Field(description="category codes the listing covers; empty: all")
    starts_on: dt.date
    ends_on: dt.date
    region: str = Field(description="GB/T 2260 code of the listing region")
    flagged_sequence: int = Field(description="sequence number of the FLAGGED event")


class RecognitionPartyOut(Schema):
    name_zh: str
    name_en: str


class CertificateRecognitionOut(Schema):
    """A recognition (互认) of the certificate under an agreement, from its events."""

    agreement: str = Field(examples=["YRD-HR-2026-01"], description="the agreement's code")
    title_zh: str
    title_en: str
    kind: str = Field(
        examples=["inter_provincial"], description="inter_provincial or international"
    )
    recognised_by: RecognitionPartyOut
    scope: list[str] = Field(description="category codes the agreement covers")
    since: dt.date
    ended: dt.date | None = Field(description="null while the recognition holds")
    recognised_sequence: int = Field(description="sequence number of the RECOGNISED event")


class CertificateSummary(Schema):
    number: str = Field(
        examples=["GC3220250000123K"], description="证书编号: the registry's number (GC…)"
    )
    body_number: str = Field(
        examples=["DMSH25GP000123"],
        description="机构证书编号: the number the issuing certification body gave the "
        "certificate in its own system; unique within that body, but two bodies may use the "
        "same number",
    )
    status: StatusOut
    holder: PartyOut
    body: PartyOut
    category: CategoryOut
    certification_unit: str
    issue_date: dt.date
    expiry_date: dt.date
    grade: str
    province_code: str
    city_code: str
    verify_url: str
    blacklisted: bool = Field(
        False, description="the holder or issuing body is on the blacklist (黑名单) today"
    )


class AuthorityOut(Schema):
    """The node authoritative for a replicated certificate, and the checkpoint of its log the
    copy this node answers from rests on."""

    node: str = Field(examples=["yrd-js"], description="the node's id in the peers file")
    name_zh: str = Field(examples=["江苏省节点"])
    name_en: str = Field(examples=["Jiangsu node"])
    url: str = Field(description="the node's public URL")
    verify_url: str = Field(description="the certificate's verify page on that node")
    log_origin: str = Field(examples=["127.0.0.1:8002/log"])
    checkpoint_size: int = Field(description="entries of the node's log applied here")
    checkpoint_root_hash: str = Field(description="root hash (hex) of that tree")
    verified_at: dt.datetime | None = Field(description="when its signed checkpoint was verified")


class ForeignCertificateDetail(Schema):
    """外省证书: a certificate another provincial node is authoritative for, answered from this
    node's copy of that node's verified log. Status and history come from the log; holder name,
    body, products and dates from the node's signed credential once verified
    (`details_verified`), empty until then."""

    number: str
    body_number: str
    status: StatusOut
    holder: PartyOut
    body: PartyOut
    category: CategoryOut
    certification_unit: str
    issue_date: dt.date | None
    expiry_date: dt.date | None
    grade: str
    province_code: str
    city_code: str
    verify_url: str
    products: list[dict[str, Any]]
    standard: str | None
    history: list[EventOut]
    recognitions: list[CertificateRecognitionOut] = Field(
        default_factory=list,
        description="互认 in force, as the node's signed credential states them",
    )
    details_verified: bool
    authority: AuthorityOut
    at: StatusAtOut | None = None


class CertificateDetail(CertificateSummary):
    products: list[dict[str, Any]]
    service_site: str
    production_site: str
    site_region: RegionOut
    standard: str | None
    scheme_id: str
    scheme_version: str
    evaluation_fingerprint: str
    certification_mode: str
    initial_issue_date: dt.date
    suspended_until: dt.date | None
    history: list[EventOut]
    blacklist: list[BlacklistFlagOut] = Field(default_factory=list)
    recognitions: list[CertificateRecognitionOut] = Field(default_factory=list)
    at: StatusAtOut | None = None
    programme: ProgrammeOut | None = None
    same_audit: list[SameAuditOut] = Field(
        default_factory=list, description="一次认证，多张证书: the other certificates of its audit"
    )
    upstream: list[SupplyChainLinkOut] = Field(
        default_factory=list, description="产业链: certified materials and components it cites"
    )
    downstream: list[SupplyChainLinkOut] = Field(
        default_factory=list, description="产业链: certificates citing it as upstream"
    )


class CertificateMatch(CertificateSummary):
    """One certificate a body number finds, among others of other bodies with the same number."""

    url: str = Field(
        examples=["/api/v1/certificates/GC3220250000123K"],
        description="this certificate by its registry number",
    )


class SeveralCertificatesDetail(ErrorDetail):
    matches: list[CertificateMatch] = Field(
        description="every certificate with this body number, ordered by the body's approval "
        "number; `body` tells them apart"
    )


class SeveralCertificatesBody(Schema):
    """300 Multiple Choices: the body number is used by more than one certification body."""

    error: SeveralCertificatesDetail


# The error body of every endpoint; the name under which certificate endpoints declare it.
ErrorOut = ErrorBody
