"""The node's signing keys and the daily QR scan counts of each certificate's mark."""

from __future__ import annotations

from django.db import models

from greencert.core.sealing import SealedTextField


class SigningKey(models.Model):
    """签名密钥 signing key: an Ed25519 key of this node. Retired keys stay published."""

    number = models.PositiveIntegerField("序号 key number", unique=True)
    kid = models.CharField("密钥标识 key id", max_length=300, unique=True)
    private_key_pem = SealedTextField("私钥 private key (PKCS#8 PEM, encrypted at rest)")
    public_jwk = models.JSONField("公钥 public key (JWK)")
    created_at = models.DateTimeField("创建时间 created at", auto_now_add=True)
    retired_at = models.DateTimeField("停用时间 retired at", null=True, blank=True)

    class Meta:
        ordering = ["number"]
        verbose_name = "签名密钥 signing key"
        verbose_name_plural = "签名密钥 signing keys"

    def __str__(self) -> str:
        return self.kid


class MarkScan(models.Model):
    """扫码次数 mark scans: how often a certificate's QR code was opened on a day, from where.

    No personal data: only the day, the certificate and the coarse province (GB/T 2260) a front
    proxy reported, or "" when none was given.
    """

    certificate = models.ForeignKey(
        "certification.Certificate",
        on_delete=models.CASCADE,
        related_name="mark_scans",
        verbose_name="证书 certificate",
    )
    day = models.DateField("日期 day")
    region_code = models.CharField("省级地区 province (GB/T 2260)", max_length=6, blank=True)
    count = models.PositiveIntegerField("次数 count", default=0)

    class Meta:
        ordering = ["certificate", "day", "region_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["certificate", "day", "region_code"], name="mark_scan_one_row_per_day"
            )
        ]
        verbose_name = "扫码统计 mark scan count"
        verbose_name_plural = "扫码统计 mark scan counts"

    def __str__(self) -> str:
        return f"{self.certificate_id} {self.day} {self.region_code or '-'}: {self.count}"
