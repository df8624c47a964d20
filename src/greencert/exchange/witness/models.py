"""What the witness keeps (its key, the latest checkpoint it cosigned of each peer's log, the
evidence of inconsistent checkpoints) and what the log keeps of the cosignatures it obtained.
Imported by ``greencert.exchange.models`` so that the exchange app owns these tables."""

from __future__ import annotations

from django.db import models

from greencert.core.sealing import SealedTextField


class WitnessKey(models.Model):
    """见证密钥 the Ed25519 key this node cosigns peers' checkpoints with (C2SP
    tlog-cosignature); its name is the node's witness name."""

    name = models.CharField("名称 witness name", max_length=300, unique=True)
    private_key_pem = SealedTextField("私钥 private key (PKCS#8 PEM, encrypted at rest)")
    verifier_key = models.CharField("验证密钥 cosigner verifier key", max_length=400)
    created_at = models.DateTimeField("创建时间 created at", auto_now_add=True)

    class Meta:
        verbose_name = "见证密钥 witness key"
        verbose_name_plural = "见证密钥 witness keys"

    def __str__(self) -> str:
        return self.verifier_key


class HeldCheckpoint(models.Model):
    """见证检查点 the latest checkpoint of a peer's log that this node's witness verified and
    cosigned. It only ever moves forward, along a verified consistency proof."""

    origin = models.CharField("日志来源 log origin", max_length=300, unique=True)
    peer_id = models.CharField("节点 peer", max_length=32)
    size = models.BigIntegerField("树大小 tree size")
    root_hash = models.BinaryField("根哈希 root hash", max_length=32)
    note = models.TextField("签名检查点 signed note")
    cosigned_at = models.DateTimeField("联署时间 cosigned at")

    class Meta:
        ordering = ["origin"]
        verbose_name = "见证检查点 held checkpoint"
        verbose_name_plural = "见证检查点 held checkpoints"

    def __str__(self) -> str:
        return f"{self.origin} {self.size}"


class WitnessAlert(models.Model):
    """见证告警 evidence that a peer's log is inconsistent: the checkpoint the witness held and
    the signed checkpoint it refused, both kept as they were received."""

    class Kind(models.TextChoices):
        REWRITTEN = "rewritten", "历史被改写 history rewritten (consistency proof fails)"
        SPLIT_VIEW = "split_view", "分叉视图 split view (same size, another root)"

    origin = models.CharField("日志来源 log origin", max_length=300)
    peer_id = models.CharField("节点 peer", max_length=32)
    kind = models.CharField("类型 kind", max_length=16, choices=Kind.choices)
    held_size = models.BigIntegerField("所持树大小 held tree size")
    held_note = models.TextField("所持检查点 held checkpoint")
    offered_size = models.BigIntegerField("提交树大小 offered tree size")
    offered_root_hash = models.BinaryField("提交根哈希 offered root hash", max_length=32)
    offered_note = models.TextField("提交检查点 offered checkpoint")
    # The add-checkpoint request's old size and consistency proof lines, as received.
    offered_proof = models.TextField("一致性证明 consistency proof", blank=True)
    detected_at = models.DateTimeField("发现时间 detected at")

    class Meta:
        ordering = ["-detected_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["origin", "offered_size", "offered_root_hash"],
                name="witness_alert_once_per_checkpoint",
            )
        ]
        verbose_name = "见证告警 witness alert"
        verbose_name_plural = "见证告警 witness alerts"

    def __str__(self) -> str:
        return f"{self.origin} {self.kind} {self.offered_size}"


class LogCosignature(models.Model):
    """日志联署 a peer witness's cosignature on one of this node's checkpoints, verified under the
    peer's pinned witness key before it was stored."""

    checkpoint = models.ForeignKey(
        "exchange.LogCheckpoint", on_delete=models.PROTECT, related_name="cosignatures"
    )
    peer_id = models.CharField("节点 peer", max_length=32)
    signature = models.TextField("联署签名行 cosignature line")
    timestamp = models.BigIntegerField("联署时间戳 cosignature timestamp")
    received_at = models.DateTimeField("收到时间 received at")

    class Meta:
        ordering = ["checkpoint", "peer_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["checkpoint", "peer_id"], name="log_cosignature_once_per_peer"
            )
        ]
        verbose_name = "日志联署 log cosignature"
        verbose_name_plural = "日志联署 log cosignatures"

    def __str__(self) -> str:
        return f"{self.peer_id} {self.checkpoint_id}"
