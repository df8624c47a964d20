"""What this node holds of the other nodes' logs: how far it has followed each (``ReplicatedLog``),
the events it applied (``ForeignEvent``, each exactly a leaf of the peer's log) and the
certificates they describe (``ForeignCertificate``), which no action of this node writes."""

from __future__ import annotations

import json
from typing import Any

from django.db import models


class ReplicatedLog(models.Model):
    """复制日志: one peer's log as far as this node has verified and applied it."""

    peer_id = models.CharField("节点 peer", max_length=32, unique=True)
    origin = models.CharField("日志来源 log origin", max_length=300)
    size = models.BigIntegerField("已应用条目数 entries applied", default=0)
    root_hash = models.BinaryField("已应用树根 root of the applied tree", max_length=32)
    # The newest checkpoint verified; ``size`` reaches its size once every entry it covers is
    # applied (a long catch-up commits in batches below it).
    checkpoint_note = models.TextField("已验证检查点 verified checkpoint (signed note)", blank=True)
    checkpoint_size = models.BigIntegerField("检查点树大小 checkpoint tree size", default=0)
    verified_at = models.DateTimeField("验证时间 checkpoint verified at", null=True, blank=True)
    # Hashes (hex) of the complete subtrees on the right edge of the applied tree, largest
    # first: the one per set bit of ``size``. A new checkpoint is verified by appending only the
    # new entries to them.
    right_edge = models.JSONField("右边界 right edge (compact range)", default=list)
    last_fetch_at = models.DateTimeField("最近获取 last fetch", null=True, blank=True)
    last_error = models.TextField("最近错误 last error", blank=True)
    last_error_at = models.DateTimeField("最近错误时间 last error at", null=True, blank=True)
    # The DID and credential keys (JWK by key id) accepted from the peer's did.json the first
    # time; a later change is refused.
    did = models.CharField("节点标识 peer DID", max_length=300, blank=True)
    credential_keys = models.JSONField("凭证密钥 accepted credential keys", default=dict)

    class Meta:
        ordering = ["peer_id"]
        verbose_name = "复制日志 replicated log"
        verbose_name_plural = "复制日志 replicated logs"

    def __str__(self) -> str:
        return f"{self.peer_id} @ {self.size}"


class ForeignEvent(models.Model):
    """外省证书事件: an event of a peer's log, stored as the exact leaf bytes (canonical JSON)."""

    peer_id = models.CharField("节点 peer", max_length=32)
    sequence = models.BigIntegerField("序号 sequence")
    certificate_number = models.CharField("证书编号 certificate number", max_length=32)
    leaf = models.TextField("日志条目 log entry (canonical JSON)")

    class Meta:
        ordering = ["peer_id", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["peer_id", "sequence"], name="foreign_event_position")
        ]
        indexes = [models.Index(fields=["certificate_number", "sequence"])]
        verbose_name = "外省证书事件 foreign event"
        verbose_name_plural = "外省证书事件 foreign events"

    def __str__(self) -> str:
        return f"{self.peer_id}#{self.sequence}"

    @property
    def event(self) -> dict[str, Any]:
        parsed: dict[str, Any] = json.loads(self.leaf)
        return parsed


class ForeignCertificate(models.Model):
    """外省证书: a certificate another node is authoritative for, as its verified log states it;
    the details its log does not carry come from the node's signed credential."""

    number = models.CharField("证书编号 certificate number", max_length=32, unique=True)
    peer_id = models.CharField("权威节点 authoritative node", max_length=32)
    status = models.CharField("状态 status", max_length=2)
    reason_code = models.CharField("原因 reason code", max_length=16, blank=True)
    holder_credit_code = models.CharField("持证人代码 holder credit code", max_length=32)
    category_code = models.CharField("类别 category code", max_length=32)
    province_code = models.CharField("省 province code", max_length=6)
    city_code = models.CharField("市 city code", max_length=6, blank=True)
    last_sequence = models.BigIntegerField("最新事件序号 last event sequence")
    status_since = models.DateTimeField("状态生效 status effective at")
    # From the verified credential: holder name, body, products, scope, dates.
    details = models.JSONField("详情 details from the signed credential", default=dict)
    details_fetched_at = models.DateTimeField("详情获取 details fetched at", null=True, blank=True)
    details_error = models.TextField("详情错误 details error", blank=True)
    # Set when an event the credential reflects (a recognition or its end) arrived after the
    # details were fetched: they are fetched again.
    details_refresh = models.BooleanField("详情待更新 details to refresh", default=False)

    class Meta:
        ordering = ["number"]
        indexes = [models.Index(fields=["peer_id", "last_sequence"])]
        verbose_name = "外省证书 foreign certificate"
        verbose_name_plural = "外省证书 foreign certificates"

    def __str__(self) -> str:
        return self.number
