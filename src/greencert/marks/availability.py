"""Only a valid certificate gets fresh marks, credentials and printable certificates."""

from __future__ import annotations

from greencert.certification import lifecycle
from greencert.certification.models import Certificate
from greencert.core.errors import UserFacingError


class CertificateNotValid(UserFacingError):
    """The certificate exists but is suspended, revoked, cancelled or expired (HTTP 410 Gone)."""

    code = "certificate_not_valid"
    http_status = 410


def require_valid(certificate: Certificate) -> None:
    if certificate.status == lifecycle.Status.VALID:
        return
    label = lifecycle.status_label(certificate.status)
    raise CertificateNotValid(
        field="status",
        value=certificate.status,
        expected_zh=(
            f"证书 {certificate.number} 当前状态为「{label.zh}」，不得使用绿色产品标识，"
            "也不再签发标识、电子证书或可验证凭证；只有「有效」证书可以获得。"
            "如需证明某日的状态，请使用核验回执（receipt）。"
        ),
        expected_en=(
            f"certificate {certificate.number} is {label.en}: the mark may not be used, and no "
            "fresh mark, printable certificate or credential is issued for it; only valid "
            "certificates get them. To prove its status on a date, ask for a receipt."
        ),
        extra={"status": certificate.status},
    )
