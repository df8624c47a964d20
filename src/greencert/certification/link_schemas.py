"""The API's view of one audit's certificates and of supply-chain links (certificate detail)."""

from __future__ import annotations

from ninja import Field, Schema


class ProgrammeOut(Schema):
    """认证制度: the programme (and mark) the certificate was issued under."""

    code: str = Field(examples=["national"], description="national or yrd (长三角绿色认证)")
    label_zh: str = Field(examples=["国推绿色产品认证"])
    label_en: str = Field(examples=["national green product certification"])


class LinkStatusOut(Schema):
    code: str = Field(examples=["01"])
    label_zh: str
    label_en: str


class SameAuditOut(Schema):
    """Another certificate issued to the same holder by the same body on the same audit."""

    number: str
    programme: ProgrammeOut
    status: LinkStatusOut = Field(description="its current status")


class LinkRoleOut(Schema):
    code: str = Field(examples=["raw_material"], description="raw_material, component, …")
    label_zh: str
    label_en: str


class LinkCategoryOut(Schema):
    name_zh: str
    name_en: str


class SupplyChainLinkOut(Schema):
    """产业链链接: the certificate at the other end of a link, with its current status."""

    number: str
    holder: str
    category: LinkCategoryOut
    status: LinkStatusOut = Field(description="its current status")
    role: LinkRoleOut
    share: float | None = Field(None, description="its share of the product in percent, if given")
    flagged: bool = Field(
        description="the certificate no longer stands (suspended, revoked, cancelled or expired)"
    )
