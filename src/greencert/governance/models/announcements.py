"""Announcements (公告) of the working group, e.g. 长三角绿色认证公告 2026年第1号."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Announcement(models.Model):
    """公告: numbered per year; a draft until published, then frozen and signed by the node."""

    class State(models.TextChoices):
        DRAFT = "draft", "草稿 draft"
        PUBLISHED = "published", "已发布 published"

    year = models.PositiveSmallIntegerField("年份 year")
    serial = models.PositiveIntegerField("序号 serial")
    title = models.CharField("标题 title", max_length=200)
    title_en = models.CharField("英文标题 English title", max_length=300, blank=True)
    announced_on = models.DateField("公告日期 date")
    body = models.TextField("正文 body text")
    state = models.CharField(
        "状态 state", max_length=16, choices=State.choices, default=State.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="起草人 drafted by",
    )
    created_at = models.DateTimeField("起草时间 drafted at", auto_now_add=True)
    # Set once, by publish_announcement, in the same UPDATE that leaves the draft state.
    publisher = models.CharField("发布单位 publisher", max_length=200, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="发布人 published by",
    )
    published_at = models.DateTimeField("发布时间 published at", null=True, blank=True)
    content = models.JSONField("签名内容 signed content", default=dict, blank=True)
    signed = models.TextField("签名文件 signed file (compact JWS)", blank=True)

    class Meta:
        ordering = ["-year", "-serial"]
        verbose_name = "公告 announcement"
        verbose_name_plural = "公告 announcements"
        constraints = [
            models.UniqueConstraint(fields=["year", "serial"], name="announcement_number_once")
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def number(self) -> str:
        return f"长三角绿色认证公告 {self.year}年第{self.serial}号"

    @property
    def number_en(self) -> str:
        return f"YRD Green Certification Announcement No. {self.serial} of {self.year}"

    @property
    def slug(self) -> str:
        return f"{self.year}-{self.serial}"

    @property
    def is_published(self) -> bool:
        return self.state == self.State.PUBLISHED


class AnnouncementItem(models.Model):
    """One line of an announcement: an organisation, with the certificate announced (if any)."""

    announcement = models.ForeignKey(
        Announcement, on_delete=models.CASCADE, related_name="items", verbose_name="公告"
    )
    position = models.PositiveIntegerField("序号 position")
    enterprise = models.ForeignKey(
        "parties.Enterprise",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="获证组织 organisation",
    )
    certificate = models.ForeignKey(
        "certification.Certificate",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="announcement_items",
        verbose_name="证书 certificate",
    )

    class Meta:
        ordering = ["announcement", "position"]
        verbose_name = "公告条目 announcement line"
        verbose_name_plural = "公告条目 announcement lines"
        constraints = [
            models.UniqueConstraint(
                fields=["announcement", "position"], name="announcement_line_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.announcement} · {self.position}"
