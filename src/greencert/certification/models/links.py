"""One audit, several certificates (一次认证，多张证书) and supply-chain links (产业链上下游).

Both are read models of the event log: a certificate joins an audit in its ``issued`` event, and a
link is added or removed by the ``upstream_linked`` / ``upstream_unlinked`` events of the
certificate that cites its upstream.
"""

from __future__ import annotations

from django.db import models


class Audit(models.Model):
    """共同审核: the application, inspection and evaluation several certificates of one holder,
    issued by one body under different programmes, rest on."""

    body = models.ForeignKey(
        "parties.CertificationBody",
        on_delete=models.PROTECT,
        related_name="audits",
        verbose_name="认证机构 certification body",
    )
    holder = models.ForeignKey(
        "parties.Enterprise",
        on_delete=models.PROTECT,
        related_name="audits",
        verbose_name="持证人 holder",
    )
    # The workflow's application whose initial inspection is the audit; none for certificates a
    # body recorded through its own system or an import.
    application = models.OneToOneField(
        "certification.Application",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audit",
        verbose_name="认证申请 application",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = "共同审核 common audit"
        verbose_name_plural = "共同审核 common audits"

    def __str__(self) -> str:
        return f"{self.body_id}/{self.pk}"


class SupplyChainLink(models.Model):
    """产业链链接: a certificate (downstream) cites a certified upstream material or component."""

    downstream = models.ForeignKey(
        "certification.Certificate",
        on_delete=models.PROTECT,
        related_name="upstream_links",
        verbose_name="下游证书 downstream certificate",
    )
    upstream = models.ForeignKey(
        "certification.Certificate",
        on_delete=models.PROTECT,
        related_name="downstream_links",
        verbose_name="上游证书 upstream certificate",
    )
    role = models.CharField("用途 role", max_length=32)
    share = models.DecimalField(
        "占比(%) share", max_digits=5, decimal_places=2, null=True, blank=True
    )
    linked_sequence = models.BigIntegerField("链接事件序号 linking event")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["downstream", "upstream"], name="supply_chain_link_unique"
            ),
            models.CheckConstraint(
                condition=~models.Q(downstream=models.F("upstream")),
                name="supply_chain_link_not_self",
            ),
        ]
        verbose_name = "产业链链接 supply-chain link"
        verbose_name_plural = "产业链链接 supply-chain links"

    def __str__(self) -> str:
        return f"{self.downstream_id} ← {self.upstream_id}"
