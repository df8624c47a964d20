"""The border feed: this node's own records (``BorderRecord``, append-only, gapless) and how far it
has followed and applied each peer's (``BorderFollow``, ``AppliedBorderRecord``)."""

from __future__ import annotations

from django.db import models


class BorderRecord(models.Model):
    """边界记录: one record of this node's border feed, a signed note (C2SP signed-note, under the
    log's key) holding its sequence, the hash of the previous record and the record's JSON."""

    sequence = models.BigIntegerField("序号 sequence", unique=True)
    kind = models.CharField("类型 kind", max_length=32)
    # The local row the record speaks of (a blacklist listing's id): a record is published once.
    subject_id = models.BigIntegerField("对象 subject id")
    note = models.TextField("签名注记 signed note")
    recorded_at = models.DateTimeField("记录时间 recorded at")

    class Meta:
        ordering = ["sequence"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "subject_id"], name="border_record_once")
        ]
        verbose_name = "边界记录 border record"
        verbose_name_plural = "边界记录 border feed"

    def __str__(self) -> str:
        return f"#{self.sequence} {self.kind}"


class BorderFollow(models.Model):
    """跟随边界记录: how far this node has verified and applied one peer's border feed."""

    peer_id = models.CharField("节点 peer", max_length=32, unique=True)
    size = models.BigIntegerField("已应用记录数 records applied", default=0)
    # SHA-256 (hex) of the last applied record's signed text: the next must name it.
    head = models.CharField("链头 head hash", max_length=64, blank=True)
    last_fetch_at = models.DateTimeField("最近获取 last fetch", null=True, blank=True)
    last_error = models.TextField("最近错误 last error", blank=True)
    last_error_at = models.DateTimeField("最近错误时间 last error at", null=True, blank=True)

    class Meta:
        ordering = ["peer_id"]
        verbose_name = "边界记录跟随 border feed followed"
        verbose_name_plural = "边界记录跟随 border feeds followed"

    def __str__(self) -> str:
        return f"{self.peer_id} @ {self.size}"


class AppliedBorderRecord(models.Model):
    """A peer's border record as applied here: the signed note kept as evidence."""

    peer_id = models.CharField("节点 peer", max_length=32)
    sequence = models.BigIntegerField("序号 sequence")
    kind = models.CharField("类型 kind", max_length=32)
    note = models.TextField("签名注记 signed note")
    applied_at = models.DateTimeField("应用时间 applied at")

    class Meta:
        ordering = ["peer_id", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["peer_id", "sequence"], name="border_applied_once")
        ]
        verbose_name = "已应用边界记录 applied border record"
        verbose_name_plural = "已应用边界记录 applied border records"

    def __str__(self) -> str:
        return f"{self.peer_id}#{self.sequence}"
