"""Due actions (到期应处置事项): what the lifecycle rules make due in the issuing body's queue."""

from __future__ import annotations

from django.db import models

DUE_STATES = (
    ("open", "待处置 open"),
    ("overdue", "逾期未处置 overdue"),
    ("carried_out", "已处置 carried out"),
    ("lapsed", "已失效 lapsed"),
)
DUE_KINDS = (("revoke", "撤销 revoke"), ("suspend", "暂停 suspend"))
DUE_CAUSES = (
    ("suspension_ran_out", "暂停期满 suspension ran out"),
    ("surveillance_failed", "监督不通过 surveillance failed"),
    ("surveillance_overdue", "年度监督逾期 surveillance overdue"),
)


class DueAction(models.Model):
    """A revocation or suspension a rule makes due (a suspension ran out without restoration;
    surveillance failed or is overdue), owed by the issuing body by ``deadline``.

    The body carries it out through its own suspension or revocation, which cites its number; a
    deadline passing is recorded once (``due_action_overdue`` on the certificate's log). A
    certificate that ends another way (cancelled, expired, revoked for another reason) leaves it
    lapsed.
    """

    number = models.CharField("编号 number", max_length=20, unique=True)
    certificate = models.ForeignKey(
        "certification.Certificate",
        on_delete=models.PROTECT,
        related_name="due_actions",
        verbose_name="证书 certificate",
    )
    body = models.ForeignKey(
        "parties.CertificationBody",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="发证机构 issuing body",
    )
    kind = models.CharField("处置 kind", max_length=16, choices=DUE_KINDS)
    cause = models.CharField("起因 cause", max_length=24, choices=DUE_CAUSES)
    # What the rule applied to, once per certificate: the suspension's event, the surveillance
    # task, or the n-th annual surveillance; a job run twice finds it and makes nothing new.
    cause_key = models.CharField("起因标识 cause key", max_length=40)
    reason_code = models.CharField("处置原因代码 reason code", max_length=8)
    # The facts the rule applied to (the suspension's last day, the surveillance that failed).
    basis = models.JSONField("依据 basis", default=dict)
    due_on = models.DateField("应处置日期 due on")
    deadline = models.DateField("处置期限 deadline")
    state = models.CharField("状态 state", max_length=16, choices=DUE_STATES, default="open")
    due_sequence = models.BigIntegerField("到期事件序号 due event", null=True, blank=True)
    overdue_at = models.DateTimeField("逾期记录时间 marked overdue at", null=True, blank=True)
    overdue_sequence = models.BigIntegerField("逾期事件序号 overdue event", null=True, blank=True)
    closed_at = models.DateTimeField("处置时间 closed at", null=True, blank=True)
    closed_sequence = models.BigIntegerField("处置事件序号 closing event", null=True, blank=True)
    created_at = models.DateTimeField("登记时间 recorded at", auto_now_add=True)

    class Meta:
        ordering = ["deadline", "id"]
        verbose_name = "到期应处置事项 due action"
        verbose_name_plural = "到期应处置事项 due actions"
        constraints = [
            models.UniqueConstraint(
                fields=["certificate", "cause_key"], name="due_action_once_per_cause"
            ),
            models.UniqueConstraint(
                fields=["certificate", "kind"],
                condition=models.Q(state__in=["open", "overdue"]),
                name="due_action_one_pending_per_kind",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "deadline"], name="due_action_state_deadline_idx"),
            models.Index(fields=["body", "state"], name="due_action_body_state_idx"),
        ]

    def __str__(self) -> str:
        return self.number
