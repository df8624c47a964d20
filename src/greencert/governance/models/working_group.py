"""Joint meetings (联席会议) of the working group, their numbered decisions and the tasks they set.

The working group's members and its rotating chair are data (``data/working_group.yaml``, read by
``governance.roster``): a member is named by its region, whose market regulator it is.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils import timezone


class JointMeeting(models.Model):
    """联席会议: drafted by the chair's regulators, numbered ``YYYY-N`` when published."""

    class State(models.TextChoices):
        DRAFT = "draft", "草稿 draft"
        PUBLISHED = "published", "已发布 published"

    # 第 N 次 of its year, given at publication so published meetings are numbered without gaps.
    number = models.CharField("会议编号 number", max_length=12, unique=True, null=True, blank=True)
    year = models.PositiveSmallIntegerField("年度 year")
    title = models.CharField("会议名称 title", max_length=200)
    held_on = models.DateField("召开日期 date")
    place = models.CharField("地点 place", max_length=200)
    chair = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="召集组长单位 convening chair",
    )
    attendees = models.ManyToManyField(
        "regions.Region", related_name="+", blank=True, verbose_name="出席成员 attendees"
    )
    agenda = models.TextField("议程 agenda", blank=True)
    minutes = models.TextField("纪要 minutes", blank=True)
    state = models.CharField(
        "状态 state", max_length=12, choices=State.choices, default=State.DRAFT
    )
    drafted_by = models.CharField("起草人 drafted by", max_length=160)
    drafted_at = models.DateTimeField("起草时间 drafted at", default=timezone.now)
    published_by = models.CharField("发布人 published by", max_length=160, blank=True)
    published_at = models.DateTimeField("发布时间 published at", null=True, blank=True)

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = "联席会议 joint meeting"
        verbose_name_plural = "联席会议 joint meetings"

    def __str__(self) -> str:
        return f"{self.number or '草稿'} {self.title}"

    @property
    def is_published(self) -> bool:
        return self.state == self.State.PUBLISHED


class Decision(models.Model):
    """决定: numbered ``YYYY-N号决定`` across the year's meetings when its meeting is published."""

    meeting = models.ForeignKey(JointMeeting, on_delete=models.CASCADE, related_name="decisions")
    position = models.PositiveSmallIntegerField("会上顺序 position")
    number = models.CharField("决定编号 number", max_length=12, unique=True, null=True, blank=True)
    title = models.CharField("标题 title", max_length=200)
    text = models.TextField("内容 text")
    documents = models.ManyToManyField(
        "governance.AllianceDocument",
        related_name="decisions",
        blank=True,
        verbose_name="相关联盟文件 alliance documents",
    )

    class Meta:
        ordering = ["meeting_id", "position"]
        verbose_name = "决定 decision"
        verbose_name_plural = "决定 decisions"
        constraints = [
            models.UniqueConstraint(fields=["meeting", "position"], name="decision_position")
        ]

    def __str__(self) -> str:
        return f"{self.number or '—'} {self.title}"


class DecisionTask(models.Model):
    """任务: what a decision asks one member to do, by when."""

    class Status(models.TextChoices):
        OPEN = "open", "进行中 open"
        DONE = "done", "已完成 done"
        OVERDUE = "overdue", "已逾期 overdue"

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="tasks")
    assignee = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="承办成员 assigned member",
    )
    description = models.TextField("任务 task")
    due_on = models.DateField("期限 due on")
    done_on = models.DateField("完成日期 done on", null=True, blank=True)
    done_by = models.CharField("完成登记人 marked done by", max_length=160, blank=True)
    done_note = models.TextField("完成情况 note", blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = "决定任务 decision task"
        verbose_name_plural = "决定任务 decision tasks"

    def __str__(self) -> str:
        return f"{self.assignee_id} · {self.due_on}"

    def status_on(self, day: dt.date) -> str:
        if self.done_on is not None:
            return self.Status.DONE
        return self.Status.OVERDUE if day > self.due_on else self.Status.OPEN

    @property
    def status(self) -> str:
        return self.status_on(timezone.localdate())


class DecisionTarget(models.Model):
    """A statistics target (统计目标) a decision aims at, named by its key: the target itself lives
    in the portal's statistics, a layer above, and is found through ``governance.targets``."""

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="targets")
    indicator = models.CharField("指标 indicator", max_length=40)
    region_code = models.CharField("地区 region (blank: the YRD)", max_length=6, blank=True)
    year = models.PositiveSmallIntegerField("目标年份 year")

    class Meta:
        verbose_name = "决定关联目标 decision target"
        verbose_name_plural = "决定关联目标 decision targets"
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "indicator", "region_code", "year"], name="decision_target"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.region_code or 'YRD'} {self.year}"
