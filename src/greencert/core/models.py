"""The certificate event log: the one source of truth every downstream view reads."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone


class Counter(models.Model):
    """A named gapless counter (see ``core.sequence``)."""

    name = models.CharField(max_length=64, primary_key=True)
    value = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "计数器 counter"
        verbose_name_plural = "计数器 counters"

    def __str__(self) -> str:
        return f"{self.name}={self.value}"


class EventType(models.TextChoices):
    ISSUED = "issued", "颁发 issued"
    CHANGED = "changed", "变更 changed"
    SURVEILLANCE_PASSED = "surveillance_passed", "监督通过 surveillance passed"
    SUSPENDED = "suspended", "暂停 suspended"
    RESTORED = "restored", "恢复 restored"
    REVOKED = "revoked", "撤销 revoked"
    CANCELLED = "cancelled", "注销 cancelled"
    EXPIRED = "expired", "过期失效 expired"
    RENEWED = "renewed", "再认证 renewed"
    RECOGNISED = "recognised", "互认 recognised"
    ADOPTED = "adopted", "采信 adopted"
    FLAGGED = "flagged", "列入黑名单提示 flagged"
    UNFLAGGED = "unflagged", "移出黑名单提示 unflagged"


class CertificateEvent(models.Model):
    """证书事件: one change to one certificate. Rows are never updated or deleted (database triggers)."""

    sequence = models.BigIntegerField(("序号 sequence"), unique=True)
    certificate = models.ForeignKey(
        "certification.Certificate",
        on_delete=models.PROTECT,
        related_name="events",
        verbose_name=("证书 certificate"),
    )
    event_type = models.CharField(("事件类型 event type"), max_length=32, choices=EventType.choices)
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
        ordering = ["sequence"]
        indexes = [models.Index(fields=["certificate", "sequence"], name="event_cert_seq_idx")]
        verbose_name = "证书事件 certificate event"
        verbose_name_plural = "证书事件 certificate events"

    def __str__(self) -> str:
        return f"#{self.sequence} {self.event_type} {self.certificate_id}"

    def as_leaf(self, certificate_number: str) -> dict[str, Any]:
        """The event as published (change feed, transparency log leaf)."""
        return {
            "sequence": self.sequence,
            "certificate": certificate_number,
            "type": self.event_type,
            "status_before": self.status_before,
            "status_after": self.status_after,
            "reason_code": self.reason_code,
            "actor": self.actor_label,
            "payload": self.payload,
            "effective_at": self.effective_at,
            "recorded_at": self.recorded_at,
        }
