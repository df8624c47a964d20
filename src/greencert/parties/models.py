"""Parties (主体): enterprises, certification bodies, laboratories and the roles people hold."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Enterprise(models.Model):
    """A certified or applying enterprise (企业), keyed by its 统一社会信用代码."""

    credit_code = models.CharField(("统一社会信用代码 credit code"), max_length=18, unique=True)
    name = models.CharField(("名称 name"), max_length=200, db_index=True)
    name_en = models.CharField(("英文名称 English name"), max_length=300, blank=True)
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=("所在地 region")
    )
    address = models.CharField(("地址 address"), max_length=300, blank=True)
    # A real code that fails the GB 32100 check is admitted only with a recorded override.
    check_override_reason = models.TextField(("校验码例外理由 check override reason"), blank=True)
    check_override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=("例外批准人 override by"),
    )
    check_override_at = models.DateTimeField(("例外时间 override at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["credit_code"]
        verbose_name = "企业 enterprise"
        verbose_name_plural = "企业 enterprises"

    def __str__(self) -> str:
        return f"{self.name} ({self.credit_code})"


class CertificationBody(models.Model):
    """A certification body (认证机构) approved by CNCA."""

    approval_number = models.CharField(("批准号 CNCA approval number"), max_length=20, unique=True)
    name = models.CharField(("名称 name"), max_length=200)
    name_en = models.CharField(("英文名称 English name"), max_length=300, blank=True)
    short_name = models.CharField(("简称 short name"), max_length=40, blank=True)
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=("所在地 region")
    )
    alliance_member = models.BooleanField(("长三角绿色认证联盟成员 alliance member"), default=False)
    categories = models.ManyToManyField(
        "catalog.Category",
        related_name="bodies",
        blank=True,
        verbose_name=("批准认证类别 authorised categories"),
    )
    logo = models.FileField(("标志 logo"), upload_to="body-logos/", blank=True)
    active = models.BooleanField(("有效 active"), default=True)

    class Meta:
        ordering = ["approval_number"]
        verbose_name = "认证机构 certification body"
        verbose_name_plural = "认证机构 certification bodies"

    def __str__(self) -> str:
        return self.short_name or self.name


class Laboratory(models.Model):
    """A testing laboratory (检验检测机构) with its CMA accreditation number."""

    cma_number = models.CharField(("CMA 编号 CMA number"), max_length=12, unique=True)
    name = models.CharField(("名称 name"), max_length=200)
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=("所在地 region")
    )

    class Meta:
        ordering = ["cma_number"]
        verbose_name = "检验检测机构 laboratory"
        verbose_name_plural = "检验检测机构 laboratories"

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    ENTERPRISE = "enterprise", "企业用户 enterprise user"
    BODY_STAFF = "body_staff", "认证机构人员 certification body staff"
    LAB_STAFF = "lab_staff", "实验室人员 laboratory staff"
    REGULATOR = "regulator", "监管人员 regulator"
    # The stored value predates the name: it is the alliance secretariat, without certification
    # or regulatory powers (parties.permissions).
    ALLIANCE_ADMIN = "alliance_admin", "联盟秘书处 alliance secretariat"


class RoleAssignment(models.Model):
    """A role a user holds, scoped to one enterprise, body, laboratory or region."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="greencert_roles"
    )
    role = models.CharField(("角色 role"), max_length=20, choices=Role.choices)
    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, null=True, blank=True)
    body = models.ForeignKey(CertificationBody, on_delete=models.CASCADE, null=True, blank=True)
    laboratory = models.ForeignKey(Laboratory, on_delete=models.CASCADE, null=True, blank=True)
    region = models.ForeignKey(
        "regions.Region", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "角色分配 role assignment"
        verbose_name_plural = "角色分配 role assignments"
        constraints = [
            models.CheckConstraint(
                name="role_scope_matches",
                condition=(
                    models.Q(role="enterprise", enterprise__isnull=False)
                    | models.Q(role="body_staff", body__isnull=False)
                    | models.Q(role="lab_staff", laboratory__isnull=False)
                    | models.Q(role="regulator", region__isnull=False)
                    | models.Q(role="alliance_admin")
                ),
            )
        ]

    def __str__(self) -> str:
        scope = self.enterprise or self.body or self.laboratory or self.region or "YRD"
        return f"{self.user} · {self.get_role_display()} · {scope}"
