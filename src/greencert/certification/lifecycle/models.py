"""The certificate event log: the one source of truth every downstream view reads."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from greencert.certification.lifecycle.codes import event_type_choices


class CertificateEvent(models.Model):
    """证书事件: one change to one certificate. Rows are never updated or deleted (database triggers)."""

    sequence = models.BigIntegerField(("序号 sequence"), unique=True)
    certificate = models.ForeignKey(
        "certification.Certificate",
        on_delete=models.PROTECT,
        related_name="events",
        verbose_name=("证书 certificate"),
    )
    event_type = models.CharField(
        ("事件类型 event type"), max_length=32, choices=event_type_choices
    )
    status_before = models.CharField(("变更前状态 status before"), max_length=2, blank=True)
    status_after = models.CharField(("变更后状态 status after"), max_length=2)
    reason_code = models.CharField(("原因代码 reason code"), max_length=16, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=("操作人 actor"),
    )
    actor_label = models.CharField(("操作人标识 actor label"), max_length=150)
    payload = models.JSONField(("内容 payload"), default=dict, blank=True)
    effective_at = models.DateTimeField("生效时间 effective at")
    recorded_at = models.DateTimeField(("记录时间 recorded at"), default=timezone.now)

    class Meta:
        app_label = "certification"
        ordering = ["sequence"]
        indexes = [models.Index(fields=["certificate", "sequence"], name="event_cert_seq_idx")]
        verbose_name = "证书事件 certificate event"
        verbose_name_plural = "证书事件 certificate events"

    def __str__(self) -> str:
        return f"#{self.sequence} {self.event_type} {self.certificate_id}"
