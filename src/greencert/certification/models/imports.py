"""Bulk imports (批量导入): each file a body's staff checked or imported, with its outcome."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class ImportRun(models.Model):
    """批量导入记录: one file of certificates or changes for one body — who sent it, what the
    check found, and what was imported. The office page shows it while its job runs."""

    class State(models.TextChoices):
        UPLOADED = "uploaded", "已上传 uploaded"
        CHECKING = "checking", "检查中 checking"
        CHECKED = "checked", "已检查 checked"
        IMPORTING = "importing", "导入中 importing"
        DONE = "done", "已完成 done"
        FAILED = "failed", "失败 failed"

    # Unguessable: the office page's address names it.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    body = models.ForeignKey(
        "parties.CertificationBody",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="认证机构 certification body",
    )
    kind = models.CharField(
        "导入内容 kind",
        max_length=16,
        choices=[("certificates", "证书 certificates"), ("changes", "状态变更 changes")],
    )
    file = models.FileField("文件 file", upload_to="imports/%Y/%m/", blank=True)
    file_name = models.CharField("文件名 file name", max_length=255)
    file_sha256 = models.CharField("文件 SHA-256", max_length=64)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="导入人 imported by",
    )
    actor_label = models.CharField("导入人标识 actor label", max_length=150, blank=True)
    valid_only = models.BooleanField("仅导入有效行 valid rows only", default=False)
    state = models.CharField(
        "状态 state", max_length=12, choices=State.choices, default=State.UPLOADED
    )
    rows_expected = models.PositiveIntegerField("预计行数 rows expected", null=True, blank=True)
    rows_done = models.PositiveIntegerField("已处理 rows done", default=0)
    rows_read = models.PositiveIntegerField("读取行数 rows read", default=0)
    valid = models.PositiveIntegerField("有效 valid", default=0)
    imported = models.PositiveIntegerField("已导入 imported", default=0)
    already_present = models.PositiveIntegerField("已存在 already present", default=0)
    refused = models.PositiveIntegerField("已拒绝 refused", default=0)
    problem_count = models.PositiveIntegerField("问题数 problems", default=0)
    # The first problems, for the page; the error report holds every one.
    problems = models.JSONField("问题 problems", default=list, blank=True)
    error_report = models.FileField("错误报告 error report", upload_to="imports/%Y/%m/", blank=True)
    # Outcome flags: dry_run, held_back, stopped, header_problems.
    outcome = models.JSONField("结果 outcome", default=dict, blank=True)
    failure = models.TextField("故障 failure", blank=True)
    created_at = models.DateTimeField("上传时间 uploaded at", auto_now_add=True)
    finished_at = models.DateTimeField("完成时间 finished at", null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["body", "-created_at"], name="import_run_body_idx")]
        verbose_name = "批量导入 import run"
        verbose_name_plural = "批量导入 import runs"

    def __str__(self) -> str:
        return f"{self.kind} {self.file_name} ({self.state})"
