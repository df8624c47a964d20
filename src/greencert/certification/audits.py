"""一次认证，多张证书: the programmes a certificate may be issued under (``data/links.yaml``) and
the common audit several certificates of one holder and one body share.

``issue_certificates`` calls ``check_audit`` for each certificate that names an audit; the
workflow and the bodies' intake find or open the audit with ``audit_of_application`` and
``audit_to_join``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from greencert.catalog.models import Category
from greencert.certification.lifecycle.codes import Label
from greencert.certification.models import Application, Audit, Certificate
from greencert.core.errors import ValidationFailed
from greencert.parties.models import CertificationBody, Enterprise

DATA_FILE = Path(__file__).resolve().parent / "data" / "links.yaml"


@dataclass(frozen=True)
class Programme:
    """认证制度: a programme (and its mark) a certificate is issued under."""

    code: str
    label: Label
    alliance_member: bool
    pilot_category: bool
    confirmed: bool

    def open_to(self, body: CertificationBody, category: Category) -> bool:
        """Whether ``body`` may issue ``category`` certificates under this programme (its
        category authorisation is checked separately)."""
        if self.alliance_member and not body.alliance_member:
            return False
        return not (self.pilot_category and not category.pilot_zone)


@cache
def _data() -> dict:
    data: dict = yaml.safe_load(DATA_FILE.read_text(encoding="utf-8"))
    if data["default_programme"] not in data["programmes"]:
        raise ValueError("links.yaml: default_programme is not one of the programmes")
    return data


@cache
def programmes() -> dict[str, Programme]:
    return {
        code: Programme(
            code,
            Label(spec["zh"], spec["en"]),
            bool(spec["requires"].get("alliance_member")),
            bool(spec["requires"].get("pilot_category")),
            bool(spec["confirmed"]),
        )
        for code, spec in _data()["programmes"].items()
    }


def default_programme() -> str:
    return str(_data()["default_programme"])


def programme_label(code: str) -> Label:
    programme = programmes().get(code)
    return programme.label if programme else Label(code, code)


def programmes_open_to(body: CertificationBody, category: Category) -> list[Programme]:
    return [p for p in programmes().values() if p.open_to(body, category)]


def require_programme(code: str, body: CertificationBody, category: Category) -> str:
    """``code`` (empty: the default) if ``body`` may issue ``category`` under it."""
    code = code.strip() or default_programme()
    programme = programmes().get(code)
    listing_zh = "、".join(f"{p.code}（{p.label.zh}）" for p in programmes().values())
    listing_en = ", ".join(f"{p.code} ({p.label.en})" for p in programmes().values())
    if programme is None:
        raise ValidationFailed(
            field="programme",
            value=code,
            expected_zh=f"认证制度之一：{listing_zh}",
            expected_en=f"one of the programmes: {listing_en}",
            code="unknown_programme",
        )
    if not programme.open_to(body, category):
        open_ = programmes_open_to(body, category)
        raise ValidationFailed(
            field="programme",
            value=code,
            expected_zh=f"{body} 可就「{category.name_zh}」颁发的认证制度："
            + ("、".join(p.label.zh for p in open_) or "无")
            + f"（「{programme.label.zh}」"
            + ("仅限长三角绿色认证联盟成员机构" if programme.alliance_member else "")
            + ("、仅限先行区试点目录类别" if programme.pilot_category else "")
            + "）",
            expected_en=f"a programme {body} may issue {category.name_en} certificates under: "
            + (", ".join(p.label.en for p in open_) or "none")
            + f" ({programme.label.en} is open only to "
            + " and ".join(
                part
                for part, needed in (
                    ("members of the YRD green certification alliance", programme.alliance_member),
                    ("categories of the pilot-zone catalog", programme.pilot_category),
                )
                if needed
            )
            + ")",
            code="programme_not_open",
        )
    return code


def issued_payload(programme: str, same_audit_as: str) -> dict[str, str]:
    """What an ``issued`` event adds about its programme and audit: only what differs from a
    single certificate of the default programme, so those events read as before."""
    return ({"programme": programme} if programme != default_programme() else {}) | (
        {"same_audit_as": same_audit_as} if same_audit_as else {}
    )


def check_audit(
    audit: Audit,
    *,
    body: CertificationBody,
    holder: Enterprise,
    programme: str,
    taken: Iterable[str],
    given: str,
) -> None:
    """A certificate may share ``audit`` only with certificates of its own holder and body, each
    under another programme; ``taken``: the programmes the audit's certificates already have;
    ``given``: how the caller named the audit (a certificate number), for the error."""
    if audit.body_id != body.pk:
        raise other_body(body, given)
    if audit.holder_id != holder.pk:
        raise other_holder(holder, given)
    if programme in set(taken):
        label = programme_label(programme)
        raise ValidationFailed(
            field="programme",
            value=programme,
            expected_zh=f"该审核尚未颁发证书的认证制度（已有「{label.zh}」证书）",
            expected_en=f"a programme the audit has no certificate under yet "
            f"(it has a {label.en} certificate)",
            code="programme_taken",
        )


def other_body(body: CertificationBody, given: str) -> ValidationFailed:
    return ValidationFailed(
        field="same_audit_as",
        value=given,
        expected_zh=f"本机构（{body}）颁发的证书；一次审核不能跨认证机构共用",
        expected_en=f"a certificate {body} issued; bodies do not share audits",
        code="audit_of_other_body",
    )


def other_holder(holder: Enterprise, given: str) -> ValidationFailed:
    return ValidationFailed(
        field="same_audit_as",
        value=given,
        expected_zh=f"同一持证人（{holder.name}）的证书；不同持证人的证书不能共用一次审核",
        expected_en=f"a certificate of the same holder ({holder.name}); "
        "certificates of different holders cannot share an audit",
        code="audit_of_other_holder",
    )


def audit_of_application(application: Application) -> Audit:
    """The application's audit, opened the first time a certificate is issued from it."""
    audit, _created = Audit.objects.get_or_create(
        application=application,
        defaults={"body_id": application.body_id, "holder_id": application.enterprise_id},
    )
    return audit


def audit_to_join(certificate: Certificate) -> Audit:
    """The audit of ``certificate``, which another certificate is to share; opened for it if it
    had none (its own ``issued`` event stands, the joining certificate's records the sharing)."""
    if certificate.audit_id is not None:
        return Audit.objects.get(pk=certificate.audit_id)
    audit = Audit.objects.create(body_id=certificate.body_id, holder_id=certificate.holder_id)
    Certificate.objects.filter(pk=certificate.pk, audit__isnull=True).update(audit=audit)
    certificate.audit = audit
    return audit


def programmes_taken(audit: Audit) -> list[str]:
    return list(audit.certificates.values_list("programme", flat=True))


def same_audit_of(certificate: Certificate) -> list[dict[str, str]]:
    """The other certificates of ``certificate``'s audit with their programme and current status
    (one query; none when it shares no audit)."""
    if certificate.audit_id is None:
        return []
    rows = (
        Certificate.objects.filter(audit_id=certificate.audit_id)
        .exclude(pk=certificate.pk)
        .order_by("id")
        .values_list("number", "programme", "status")
    )
    return [
        {"number": number, "programme": programme, "status": status}
        for number, programme, status in rows
    ]
