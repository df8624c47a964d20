"""API clients, webhooks and adoption records: how procurement platforms and insurers use the registry."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from greencert.core.sealing import SealedTextField

# certify: a certification body's own system issues and changes the body's certificates; a client
# holding it is bound to that one body (``ApiClient.body``).
SCOPES = ("verify", "feed", "webhooks", "adoption", "certify")


class ApiClient(models.Model):
    """接口客户: a procurement platform, insurer or another regulator's system."""

    name = models.SlugField("名称 name", max_length=64, unique=True)
    display_name = models.CharField("显示名称 display name", max_length=200, blank=True)
    scopes = models.JSONField("权限范围 scopes", default=list)
    rate_limit_per_minute = models.PositiveIntegerField("每分钟请求上限 rate limit", default=600)
    # The certification body whose system this is; required for, and only with, ``certify``.
    body = models.ForeignKey(
        "parties.CertificationBody",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="api_clients",
        verbose_name="认证机构 certification body",
    )
    active = models.BooleanField("启用 active", default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "接口客户 API client"
        verbose_name_plural = "接口客户 API clients"

    def __str__(self) -> str:
        return self.display_name or self.name

    def has_scope(self, scope: str) -> bool:
        return self.active and scope in self.scopes


class ApiToken(models.Model):
    """A bearer token of a client. Only its SHA-256 is stored; the token is shown once."""

    client = models.ForeignKey(ApiClient, on_delete=models.CASCADE, related_name="tokens")
    prefix = models.CharField("前缀 prefix", max_length=16, unique=True)
    token_hash = models.CharField("摘要 SHA-256", max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField("过期时间 expires at", null=True, blank=True)
    revoked_at = models.DateTimeField("吊销时间 revoked at", null=True, blank=True)
    last_used_at = models.DateTimeField("最近使用 last used", null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "接口令牌 API token"
        verbose_name_plural = "接口令牌 API tokens"

    def __str__(self) -> str:
        return f"{self.client.name}:{self.prefix}"


class WebhookSubscription(models.Model):
    """订阅: where and for which events a client wants deliveries."""

    client = models.ForeignKey(ApiClient, on_delete=models.CASCADE, related_name="webhooks")
    url = models.URLField("接收地址 URL", max_length=500)
    secret = models.CharField("签名密钥 signing secret", max_length=80)
    holders = models.JSONField("持证人 holders", default=list, blank=True)
    categories = models.JSONField("类别 categories", default=list, blank=True)
    regions = models.JSONField("地区 regions", default=list, blank=True)
    event_types = models.JSONField("事件类型 event types", default=list, blank=True)
    active = models.BooleanField("启用 active", default=True)
    # Deliveries are made for events after this sequence number (the dispatcher advances it).
    cursor = models.BigIntegerField("已分发至 dispatched up to", default=0)
    # A delivery task for this subscription is queued or running until then; rounds start no
    # second one, so a slow receiver ties up one worker thread at most.
    sending_until = models.DateTimeField("发送中至 sending until", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = "推送订阅 webhook subscription"
        verbose_name_plural = "推送订阅 webhook subscriptions"

    def __str__(self) -> str:
        return f"{self.client.name} → {self.url}"


class DeliveryState(models.TextChoices):
    PENDING = "pending", "待发送 pending"
    DELIVERED = "delivered", "已送达 delivered"
    DEAD = "dead", "已停止重试 dead letter"
    CANCELLED = "cancelled", "已取消（订阅或客户已停用）cancelled: subscription or client stopped"


class WebhookDelivery(models.Model):
    """One event to one subscription, retried with backoff until delivered or parked."""

    subscription = models.ForeignKey(
        WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.ForeignKey(
        "certification.CertificateEvent", on_delete=models.PROTECT, related_name="+"
    )
    certificate_id = models.BigIntegerField()
    state = models.CharField(max_length=10, choices=DeliveryState.choices, default="pending")
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    first_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    last_status = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["subscription", "event"]
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "event"], name="delivery_once_per_event"
            )
        ]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="delivery_due_idx"),
            models.Index(
                fields=["subscription", "certificate_id", "state"], name="delivery_order_idx"
            ),
        ]
        verbose_name = "推送记录 webhook delivery"
        verbose_name_plural = "推送记录 webhook deliveries"

    def __str__(self) -> str:
        return f"{self.message_id} {self.state}"

    @property
    def message_id(self) -> str:
        return f"evt_{self.event_id}_{self.subscription_id}"


class AdoptionRecord(models.Model):
    """采信记录: a certificate adopted in a tender, an insurance policy or a green loan."""

    client = models.ForeignKey(ApiClient, on_delete=models.PROTECT, related_name="adoptions")
    certificate = models.ForeignKey(
        "certification.Certificate", on_delete=models.PROTECT, related_name="adoptions"
    )
    kind = models.CharField("类型 kind", max_length=16)
    reference = models.CharField("项目编号 tender, policy or loan reference", max_length=120)
    adopted_on = models.DateField("采信日期 adopted on")
    amount_band = models.CharField("金额区间 amount band", max_length=16)
    event_sequence = models.BigIntegerField("事件序号 event sequence")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-adopted_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["client", "certificate", "kind", "reference"], name="adoption_once"
            )
        ]
        verbose_name = "采信记录 adoption record"
        verbose_name_plural = "采信记录 adoption records"

    def __str__(self) -> str:
        return f"{self.certificate_id} {self.kind} {self.reference}"


class IdempotentRequest(models.Model):
    """幂等请求: a write a client sent with an ``Idempotency-Key``, and the answer it got.

    A retry with the same key and the same request is answered from here and writes nothing; the
    row is written in the transaction of the write it answers, so it exists exactly when the
    write does. Kept for ``idempotency.KEY_LIFETIME``.
    """

    client = models.ForeignKey(
        ApiClient, on_delete=models.CASCADE, related_name="idempotent_requests"
    )
    key = models.CharField("幂等键 idempotency key", max_length=255)
    # SHA-256 of the method, path, If-Match and the JSON body with its keys sorted.
    request_fingerprint = models.CharField("请求摘要 request fingerprint", max_length=64)
    method = models.CharField("方法 method", max_length=8)
    path = models.CharField("路径 path", max_length=300)
    status_code = models.PositiveSmallIntegerField("状态码 status code")
    # The JSON text as first sent, so a replay is the same bytes (jsonb would reorder its keys).
    response_body = models.TextField("应答 response body")
    response_headers = models.JSONField("应答头 response headers", default=dict)
    created_at = models.DateTimeField("时间 created at", db_index=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["client", "key"], name="idempotency_key_once")
        ]
        verbose_name = "幂等请求 idempotent request"
        verbose_name_plural = "幂等请求 idempotent requests"

    def __str__(self) -> str:
        return f"{self.client_id}:{self.key}"


class LogHash(models.Model):
    """透明日志哈希 a stored hash of the transparency log: the Merkle tree hash (RFC 6962) of the
    complete subtree of ``2**level`` leaves starting at leaf ``index * 2**level``. Rows are only
    ever appended (database triggers refuse changes), in the order the event log grew."""

    level = models.PositiveSmallIntegerField("层 level")
    index = models.BigIntegerField("序号 index")
    hash = models.BinaryField("哈希 hash", max_length=32)

    class Meta:
        verbose_name = "透明日志哈希 log hash"
        verbose_name_plural = "透明日志哈希 log hashes"
        constraints = [
            models.UniqueConstraint(fields=["level", "index"], name="exchange_loghash_position")
        ]

    def __str__(self) -> str:
        return f"{self.level}/{self.index}"


class LogCheckpoint(models.Model):
    """检查点 a signed checkpoint of the transparency log (C2SP tlog-checkpoint): the tree size,
    its root hash and the signed note published at ``/log/checkpoint``. Append-only."""

    size = models.BigIntegerField("树大小 tree size", unique=True)
    root_hash = models.BinaryField("根哈希 root hash", max_length=32)
    note = models.TextField("签名检查点 signed note")
    signed_at = models.DateTimeField("签名时间 signed at")

    class Meta:
        ordering = ["size"]
        verbose_name = "检查点 log checkpoint"
        verbose_name_plural = "检查点 log checkpoints"

    def __str__(self) -> str:
        return f"{self.size}"


class LogSigningKey(models.Model):
    """日志签名密钥 the Ed25519 key that signs this node's checkpoints; its name is the log's
    origin, as C2SP tlog-checkpoint asks."""

    name = models.CharField("名称 key name (log origin)", max_length=300, unique=True)
    private_key_pem = SealedTextField("私钥 private key (PKCS#8 PEM, encrypted at rest)")
    verifier_key = models.CharField("验证密钥 note verifier key", max_length=400)
    created_at = models.DateTimeField("创建时间 created at", auto_now_add=True)

    class Meta:
        verbose_name = "日志签名密钥 log signing key"
        verbose_name_plural = "日志签名密钥 log signing keys"

    def __str__(self) -> str:
        return self.verifier_key


# The witness's tables live beside its code; importing them here makes them the app's models.
from greencert.exchange.witness.models import (  # noqa: E402
    HeldCheckpoint,
    LogCosignature,
    WitnessAlert,
    WitnessKey,
)

__all__ = ["HeldCheckpoint", "LogCosignature", "WitnessAlert", "WitnessKey"]
# Replication's models live beside its code; importing them here registers them with the app.
from greencert.exchange.borders.models import (  # noqa: E402, F401
    AppliedBorderRecord,
    BorderFollow,
    BorderRecord,
)
from greencert.exchange.replication.models import (  # noqa: E402, F401
    ForeignCertificate,
    ForeignEvent,
    ReplicatedLog,
)
