"""Certificates (证书). Their status changes only through ``actions``, which append to the event log."""

from __future__ import annotations

from django.db import models

from greencert.certification import lifecycle


class Certificate(models.Model):
    """A green product or graded green service certificate."""

    number = models.CharField(("证书编号 number"), max_length=20, unique=True)
    # The number the issuing body gave it in its own system; unique within the body.
    body_number = models.CharField(("机构证书编号 body's certificate number"), max_length=40)
    holder = models.ForeignKey(
        "parties.Enterprise",
        on_delete=models.PROTECT,
        related_name="certificates",
        verbose_name=("持证人 holder"),
    )
    body = models.ForeignKey(
        "parties.CertificationBody",
        on_delete=models.PROTECT,
        related_name="certificates",
        verbose_name=("认证机构 certification body"),
    )
    category = models.ForeignKey(
        "catalog.Category",
        on_delete=models.PROTECT,
        related_name="certificates",
        verbose_name=("认证类别 category"),
    )
    standard = models.ForeignKey(
        "catalog.Standard",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="certificates",
        verbose_name=("认证依据 standard"),
    )
    certification_unit = models.CharField(("认证单元 certification unit"), max_length=100)
    products = models.JSONField(
        ("产品及型号 products and models"),
        default=list,
        blank=True,
        help_text=('[{"name": "...", "models": ["..."]}]'),
    )
    service_site = models.CharField(("服务场所 service site"), max_length=300, blank=True)
    production_site = models.CharField(("生产场所 production site"), max_length=300, blank=True)
    site_region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=("场所所在地 site region"),
    )
    # Copied from site_region at issue so public filters need no join; regions never move.
    province_code = models.CharField(("省级代码 province"), max_length=6, db_index=True)
    city_code = models.CharField(("地市代码 city"), max_length=6, db_index=True)
    in_pilot_zone = models.BooleanField(("先行区 pilot zone"), default=False, db_index=True)
    in_demonstration_zone = models.BooleanField(("示范区 demonstration zone"), default=False)
    scheme_id = models.CharField(("评价方案 scheme"), max_length=64, blank=True)
    scheme_version = models.CharField(("方案版本 scheme version"), max_length=32, blank=True)
    evaluation_fingerprint = models.CharField(
        ("评价指纹 evaluation fingerprint"), max_length=80, blank=True
    )
    certification_mode = models.CharField(
        ("认证模式 certification mode"),
        max_length=100,
        default="初始检查+产品抽样检验+获证后监督",
    )
    grade = models.CharField(("等级 grade"), max_length=32, blank=True)
    initial_issue_date = models.DateField("初次颁证日期 initial issue date")
    issue_date = models.DateField("本次颁证日期 issue date")
    expiry_date = models.DateField("有效期至 expiry date")
    status = models.CharField(
        ("证书状态 status"),
        max_length=2,
        choices=lifecycle.status_choices,
        default=lifecycle.Status.VALID.value,
        db_index=True,
    )
    status_reason_code = models.CharField(("状态原因 reason code"), max_length=16, blank=True)
    suspended_until = models.DateField(("暂停期限 suspended until"), null=True, blank=True)
    renewed_from = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="renewals",
        verbose_name=("再认证自 renewed from"),
    )
    # 认证制度: the programme (data/links.yaml) it was issued under, and the audit it shares with
    # the holder's certificates of other programmes, if any.
    programme = models.CharField(("认证制度 programme"), max_length=16, default="national")
    audit = models.ForeignKey(
        "certification.Audit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="certificates",
        verbose_name=("共同审核 common audit"),
    )
    last_event_sequence = models.BigIntegerField(("最新事件序号 last event"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["category", "status"], name="cert_category_status_idx"),
            models.Index(fields=["holder", "status"], name="cert_holder_status_idx"),
            models.Index(fields=["body", "status"], name="cert_body_status_idx"),
            models.Index(fields=["issue_date"], name="cert_issue_date_idx"),
            models.Index(fields=["body_number"], name="cert_body_number_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["body", "body_number"], name="cert_body_number_unique_per_body"
            )
        ]
        verbose_name = "证书 certificate"
        verbose_name_plural = "证书 certificates"

    def __str__(self) -> str:
        return self.number

    def status_label(self, language: str) -> str:
        return lifecycle.status_label(self.status).get(language)
