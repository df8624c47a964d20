"""公开证书文档: each certificate as the public reads it, kept ready as a projection of the log.

``GET /api/v1/certificates/{number}`` answers with ``body`` as stored, and the verify page and
the HTTP validators (``ETag``, ``Last-Modified``) read the same row; see
``certification.public_document`` for what keeps it in step with the event log.
"""

from __future__ import annotations

from django.db import models


class PublicDocument(models.Model):
    """The certificate's public JSON document and the versions it shows."""

    certificate = models.OneToOneField(
        "certification.Certificate",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="public_document",
        verbose_name="证书 certificate",
    )
    # Kept beside the certificate's own number so the busiest read needs no join.
    number = models.CharField("证书编号 number", max_length=32, unique=True)
    # The sequence of the certificate's own last event (what ``If-Match`` compares with) and
    # of the newest event of any certificate the document shows (same audit, supply chain).
    own_sequence = models.BigIntegerField("最新事件序号 last event")
    version = models.BigIntegerField("文档版本 document version")
    changed_at = models.DateTimeField("更新时间 changed at")
    body = models.BinaryField("文档 document (UTF-8 JSON)")

    class Meta:
        verbose_name = "公开证书文档 public certificate document"
        verbose_name_plural = "公开证书文档 public certificate documents"

    def __str__(self) -> str:
        return f"{self.number} @{self.version}"
