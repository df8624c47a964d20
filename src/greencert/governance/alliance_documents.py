"""Actions on the alliance's documents (程序文件、技术文件): versions, their CNCA filing (备案), and
certificates citing them.

The plan has the alliance write its procedure and technical documents and file them with CNCA
before they apply (实施方案四（五）"牵头向国家认监委备案后实施"): so a certificate may cite only a
version that is filed and in force.
"""

from __future__ import annotations

import datetime as dt
import re

from django.db import IntegrityError, transaction
from django.utils import timezone

from greencert.certification.lifecycle import Status
from greencert.certification.models import Certificate
from greencert.core.actors import Actor
from greencert.core.errors import TransitionRefused, ValidationFailed, refuse_future_date
from greencert.governance.alliance_codes import labels
from greencert.governance.models import AllianceDocument, DocumentCitation, DocumentVersion
from greencert.governance.permissions import require_issuing_body, require_secretariat

DOCUMENT_CODE = re.compile(r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+){1,4}$")
VERSION = re.compile(r"^\d{1,3}(\.\d{1,3}){0,2}$")


@transaction.atomic
def add_document(
    actor: Actor, *, code: str, kind: str, title_zh: str, title_en: str = "", summary: str = ""
) -> AllianceDocument:
    require_secretariat(actor, ("登记联盟文件", "registering an alliance document"))
    code = code.strip().upper()
    if not DOCUMENT_CODE.match(code) or len(code) > 32:
        raise ValidationFailed(
            field="code",
            value=code,
            expected_zh="文件编号，如 YRDGC-P-001（大写字母、数字和连字符）",
            expected_en="a document code such as YRDGC-P-001 (capitals, digits and hyphens)",
        )
    kinds = labels("document_kinds")
    if kind not in kinds:
        raise ValidationFailed(
            field="kind",
            value=kind,
            expected_zh="可选：" + "、".join(label.zh for label in kinds.values()),
            expected_en="one of: " + ", ".join(label.en for label in kinds.values()),
        )
    if AllianceDocument.objects.filter(code=code).exists():
        raise ValidationFailed(
            field="code", value=code, expected_zh="未使用过的文件编号", expected_en="an unused code"
        )
    title_zh = title_zh.strip()
    if not title_zh:
        raise ValidationFailed(
            field="title_zh", value="", expected_zh="文件名称", expected_en="the document's title"
        )
    return AllianceDocument.objects.create(
        code=code,
        kind=kind,
        title_zh=title_zh[:200],
        title_en=title_en.strip()[:300],
        summary=summary.strip(),
    )


@transaction.atomic
def add_document_version(
    actor: Actor,
    document: AllianceDocument,
    *,
    version: str,
    issued_on: dt.date,
    in_force_on: dt.date,
    changes: str = "",
) -> DocumentVersion:
    """A new version, not yet filed (未备案)."""
    require_secretariat(actor, ("登记文件版本", "adding a document version"))
    version = version.strip()
    if not VERSION.match(version):
        raise ValidationFailed(
            field="version",
            value=version,
            expected_zh="版本号，如 1.0 或 2.1.3",
            expected_en="a version such as 1.0 or 2.1.3",
        )
    if in_force_on < issued_on:
        raise ValidationFailed(
            field="in_force_on",
            value=in_force_on.isoformat(),
            expected_zh=f"发布日期 {issued_on.isoformat()} 当天或以后",
            expected_en=f"on or after the issue date, {issued_on.isoformat()}",
        )
    if document.versions.filter(version=version).exists():
        raise ValidationFailed(
            field="version",
            value=version,
            expected_zh=f"{document.code} 尚未使用的版本号",
            expected_en=f"a version {document.code} does not have yet",
        )
    return DocumentVersion.objects.create(
        document=document,
        version=version,
        issued_on=issued_on,
        in_force_on=in_force_on,
        changes=changes.strip(),
        added_by=actor.label,
    )


@transaction.atomic
def record_filing(
    actor: Actor, version: DocumentVersion, *, filing_number: str, filed_on: dt.date
) -> DocumentVersion:
    """备案: the CNCA filing number and date of a version; recorded once."""
    require_secretariat(actor, ("登记认监委备案", "recording a CNCA filing"))
    filing_number = filing_number.strip()
    if not 4 <= len(filing_number) <= 40:
        raise ValidationFailed(
            field="filing_number",
            value=filing_number,
            expected_zh="国家认监委出具的备案号（4 至 40 个字符）",
            expected_en="the filing number CNCA gave (4 to 40 characters)",
        )
    refuse_future_date("filed_on", filed_on)
    if filed_on < version.issued_on:
        raise ValidationFailed(
            field="filed_on",
            value=filed_on.isoformat(),
            expected_zh=f"文件发布日期 {version.issued_on.isoformat()} 当天或以后",
            expected_en=f"on or after the version's issue date, {version.issued_on.isoformat()}",
        )
    updated = DocumentVersion.objects.filter(pk=version.pk, filing_number="").update(
        filing_number=filing_number, filed_on=filed_on
    )
    if not updated:
        version.refresh_from_db()
        raise TransitionRefused(
            field="filing_number",
            value=version.filing_number,
            expected_zh=f"{version} 尚未备案（已登记备案号 {version.filing_number}）",
            expected_en=f"a version not yet filed ({version} is filed as {version.filing_number})",
        )
    version.refresh_from_db()
    return version


@transaction.atomic
def cite_document(
    actor: Actor, certificate: Certificate, version: DocumentVersion
) -> DocumentCitation:
    """A certificate cites a version of an alliance document: its issuing body does, and only a
    version filed with CNCA and in force today."""
    require_issuing_body(actor, certificate.body_id, ("证书引用联盟文件", "citing a document"))
    if not version.is_filed:
        raise ValidationFailed(
            field="version",
            value=str(version),
            expected_zh="已向国家认监委备案的文件版本（该版本未备案，不能被证书引用）",
            expected_en="a version filed with CNCA (this version is not yet filed and cannot "
            "be cited)",
            code="not_filed",
        )
    today = timezone.localdate()
    if version.in_force_on > today:
        raise ValidationFailed(
            field="version",
            value=str(version),
            expected_zh=f"已实施的文件版本（该版本 {version.in_force_on.isoformat()} 起实施）",
            expected_en=f"a version in force (this one applies from "
            f"{version.in_force_on.isoformat()})",
            code="not_in_force",
        )
    if certificate.status in (Status.REVOKED, Status.CANCELLED):
        raise TransitionRefused(
            field="certificate",
            value=certificate.number,
            expected_zh="未被撤销或注销的证书",
            expected_en="a certificate that is not revoked or cancelled",
        )
    try:
        with transaction.atomic():
            return DocumentCitation.objects.create(
                certificate=certificate, version=version, cited_by=actor.label
            )
    except IntegrityError:
        raise ValidationFailed(
            field="version",
            value=str(version),
            expected_zh=f"证书 {certificate.number} 尚未引用的文件版本",
            expected_en=f"a version certificate {certificate.number} does not cite yet",
        ) from None
