"""Request and response shapes of the bodies' write API (published in the OpenAPI document).

The request fields are ``certification.intake``'s ``IssueRecord`` and ``ChangeRecord`` as a body's
system sends them; unknown fields are refused, so a misspelt field is never silently dropped.
"""

from __future__ import annotations

from typing import Annotated

from ninja import Field, Schema
from pydantic import ConfigDict

from greencert.certification.intake import CHANGE_EVENTS
from greencert.certification.schemas import CertificateDetail
from greencert.core.schemas import RegistryDate


class ProductIn(Schema):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(
        min_length=1, max_length=200, examples=["水性外墙涂料"], description="产品名称 product"
    )
    models: list[Annotated[str, Field(min_length=1, max_length=100)]] = Field(
        default_factory=list,
        max_length=500,
        examples=[["LH-200", "LH-300"]],
        description="型号 models covered",
    )


class IssueIn(Schema):
    """One certificate as the body issued it in its own system (颁发证书)."""

    model_config = ConfigDict(extra="forbid")

    body_number: str = Field(
        min_length=1,
        max_length=60,
        examples=["DMSH25GP000123"],
        description="the body's own certificate number (机构证书编号), unique within the body, "
        "in the body's format",
    )
    holder_credit_code: str = Field(
        min_length=1,
        max_length=40,
        examples=["91330500MA2B3C4D5B"],
        description="the holder's 统一社会信用代码 (GB 32100-2015, check character verified); "
        "an enterprise not yet registered is registered from this request",
    )
    holder_name: str = Field(
        "",
        max_length=200,
        examples=["湖州绿源涂料有限公司"],
        description="持证人名称: required when the holder is not registered yet",
    )
    holder_region: str = Field(
        "",
        max_length=12,
        examples=["330500"],
        description="the holder's GB/T 2260 region; default: the site's region",
    )
    holder_address: str = Field("", max_length=300, examples=["湖州市吴兴区绿色路 2 号"])
    category: str = Field(
        min_length=1,
        max_length=64,
        examples=["coatings"],
        description="catalog category code (认证类别); the body must be approved for it",
    )
    certification_unit: str = Field(
        min_length=1,
        max_length=100,
        examples=["水性外墙涂料"],
        description="认证单元: one the catalog lists for the category",
    )
    products: list[ProductIn] = Field(
        default_factory=list, max_length=200, description="产品及型号 products and their models"
    )
    production_site: str = Field(
        "",
        max_length=300,
        examples=["湖州市吴兴区绿色路 2 号"],
        description="生产场所 (product certificates); give this or service_site",
    )
    service_site: str = Field(
        "",
        max_length=300,
        examples=[""],
        description="服务场所 (service certificates); give this or production_site",
    )
    site_region: str = Field(
        min_length=1,
        max_length=12,
        examples=["330500"],
        description="the site's GB/T 2260 region code, in Shanghai, Jiangsu, Zhejiang or Anhui",
    )
    standard: str = Field(
        "",
        max_length=64,
        examples=["GB/T 35602-2017"],
        description="认证依据: a standard the catalog lists for the category, in force on the "
        "issue date; default: the edition in force then",
    )
    scheme_id: str = Field("", max_length=64, examples=["cgp-coatings"])
    scheme_version: str = Field("", max_length=32, examples=["2017.1"])
    evaluation_fingerprint: str = Field(
        "",
        max_length=80,
        examples=["sha256:6f1d0c2a9b8e7f54"],
        description="fingerprint of the evaluation the certificate rests on",
    )
    certification_mode: str = Field(
        "",
        max_length=100,
        examples=["初始检查+产品抽样检验+获证后监督"],
        description="认证模式; default: 初始检查+产品抽样检验+获证后监督",
    )
    grade: str = Field("", max_length=32, examples=[""], description="等级 (graded services)")
    issue_date: RegistryDate = Field(
        examples=["2025-06-30"], description="颁证日期, today or earlier"
    )
    expiry_date: RegistryDate | None = Field(
        None,
        examples=["2030-06-29"],
        description="有效期至; default and latest: the category's term from the issue date",
    )
    renewed_from: str = Field(
        "",
        max_length=60,
        examples=[""],
        description="再认证: the registry or body number of the body's earlier certificate this "
        "one renews; that certificate's log records `renewed`",
    )
    programme: str = Field(
        "",
        max_length=16,
        examples=[""],
        description="认证制度: `national` (国推绿色产品认证, the default) or `yrd` (长三角绿色认证, "
        "for alliance members and pilot-zone categories)",
    )
    same_audit_as: str = Field(
        "",
        max_length=60,
        examples=[""],
        description="一次认证，多张证书: the registry or body number of another of the body's "
        "certificates of the same holder issued on the same audit (under another programme)",
    )


class InspectionIn(Schema):
    """The passed on-site inspection of the new production site a change of site needs: the
    reference of the application whose inspection passed, or the inspection itself."""

    model_config = ConfigDict(extra="forbid")

    application: str = Field(
        "",
        max_length=20,
        examples=[""],
        description="the reference of the application (in this registry) whose on-site "
        "inspection of the new site passed",
    )
    inspected_on: RegistryDate | None = Field(None, examples=["2026-11-20"], description="检查日期")
    report_number: str = Field(
        "", max_length=60, examples=["JC-2026-0113"], description="检查报告编号"
    )
    inspectors: str = Field("", max_length=200, examples=["王敏、李强"], description="检查员")
    outcome: str = Field(
        "pass",
        max_length=16,
        examples=["pass"],
        description="现场检查结论: `pass`, or `conditional` (passed once corrective actions were "
        "verified)",
    )


class ChangesIn(Schema):
    """变更: the fields that change, each with its new value."""

    model_config = ConfigDict(extra="forbid")

    products: list[ProductIn] | None = Field(None, max_length=200)
    production_site: str | None = Field(None, max_length=300)
    service_site: str | None = Field(None, max_length=300)
    certification_unit: str | None = Field(None, min_length=1, max_length=100)
    grade: str | None = Field(None, max_length=32)


class EventIn(Schema):
    """One later change of a certificate, as the body recorded it."""

    model_config = ConfigDict(extra="forbid")

    event: str = Field(
        max_length=32,
        examples=["suspended"],
        description="what happened: " + ", ".join(CHANGE_EVENTS) + " (a renewal is a new "
        "certificate issued with `renewed_from`)",
        json_schema_extra={"enum": list(CHANGE_EVENTS)},
    )
    reason_code: str = Field(
        "",
        max_length=16,
        examples=["S01"],
        description="reason code (原因代码) of the event; surveillance_passed and expired have "
        "a default",
    )
    note: str = Field("", max_length=2000, examples=["监督抽样不合格"])
    until: RegistryDate | None = Field(
        None, examples=["2026-03-31"], description="suspended: the latest day of the suspension"
    )
    changes: ChangesIn | None = Field(None, description="changed: the new values")
    effective_date: RegistryDate | None = Field(
        None,
        examples=["2025-07-15"],
        description="the day the change took effect when recorded after the fact; default: now",
    )
    based_on: int | None = Field(
        None,
        ge=0,
        examples=[1234],
        description="the certificate's last event sequence the change is based on (as "
        '`If-Match: "1234"`); a certificate changed meanwhile answers 409',
    )
    order: str = Field(
        "",
        max_length=20,
        examples=["ZL33202600001"],
        description="the number of the regulator's order (责令) this change carries out: "
        "suspended or revoked as ordered, or rectified (required for rectified)",
    )
    due: str = Field(
        "",
        max_length=20,
        examples=[""],
        description="the due action (到期应处置, `GET /api/v1/due-actions`) this suspension or "
        "revocation carries out; default: the one pending on the certificate",
    )
    inspection: InspectionIn | None = Field(
        None,
        description="changed, when the production site changes (生产场所变更, reason M03): the "
        "passed on-site inspection of the new site",
    )


class CertificateWritten(CertificateDetail):
    """The certificate as `GET /api/v1/certificates/{number}` presents it, after the write."""

    body_number: str = Field(description="the body's own certificate number (机构证书编号)")
    last_event_sequence: int = Field(
        description="the sequence of its last event; also the `ETag`, and what the next change "
        "is based on"
    )
