"""Joint supervision (联合监督): credit records, the blacklist, random inspections, complaints.

Rows change only through ``actions``. Each subject of supervision is an enterprise or a
certification body: exactly one of the two foreign keys is set.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from greencert.supervision.codes import choices

SUBJECT = models.Q(enterprise__isnull=False, body__isnull=True) | models.Q(
    enterprise__isnull=True, body__isnull=False
)


class Subject(models.Model):
    """An enterprise or a certification body (abstract)."""

    enterprise = models.ForeignKey(
        "parties.Enterprise",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="企业 enterprise",
    )
    body = models.ForeignKey(
        "parties.CertificationBody",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="认证机构 certification body",
    )

    class Meta:
        abstract = True

    @property
    def subject(self) -> models.Model:
        return self.enterprise or self.body  # type: ignore[return-value]

    @property
    def subject_code(self) -> str:
        if self.enterprise is not None:
            return self.enterprise.credit_code
        return self.body.approval_number if self.body is not None else ""


class CreditRecord(Subject):
    """信用记录: one fact bearing on a subject's credit, with its legal basis and evidence."""

    source = models.CharField(
        "来源 source", max_length=32, choices=choices("credit_sources"), db_index=True
    )
    occurred_on = models.DateField("发生日期 occurred on")
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name="地区 region"
    )
    basis_code = models.CharField("依据 legal basis", max_length=16, choices=choices("bases"))
    evidence = models.TextField("证据 evidence")
    reference = models.CharField("关联编号 reference", max_length=64, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="记录人 recorded by",
    )
    recorded_by_label = models.CharField("记录人标识 recorded by (label)", max_length=150)
    recorded_at = models.DateTimeField("记录时间 recorded at")
    repaired_at = models.DateTimeField("修复时间 repaired at", null=True, blank=True)
    repaired_by_label = models.CharField("修复人 repaired by", max_length=150, blank=True)
    repair_reason = models.TextField("修复理由 repair reason", blank=True)
    # Set on records the certificate event log brought about (see ``credit.CREDIT_EVENTS``),
    # so rebuilding them from the log neither misses nor repeats one.
    event_sequence = models.BigIntegerField(
        "证书事件序号 event sequence", null=True, blank=True, unique=True, editable=False
    )

    class Meta:
        ordering = ["occurred_on", "id"]
        verbose_name = "信用记录 credit record"
        verbose_name_plural = "信用记录 credit records"
        constraints = [models.CheckConstraint(name="credit_record_one_subject", condition=SUBJECT)]
        indexes = [
            models.Index(fields=["enterprise", "occurred_on"], name="credit_enterprise_idx"),
            models.Index(fields=["body", "occurred_on"], name="credit_body_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.subject_code} {self.source} {self.occurred_on}"


class BlacklistEntry(Subject):
    """黑名单: a listing by a regulator of any province; it binds all four."""

    basis_code = models.CharField("依据 legal basis", max_length=16, choices=choices("bases"))
    basis_text = models.TextField("事实与理由 facts and reasons")
    categories = models.JSONField(
        "范围（认证类别，空为全部） scope: category codes, empty for all", default=list, blank=True
    )
    starts_on = models.DateField("起始日期 starts on")
    ends_on = models.DateField("截止日期 ends on")
    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="列入地区 listed in region",
    )
    listed_by_label = models.CharField("列入人 listed by", max_length=150)
    listed_at = models.DateTimeField("列入时间 listed at")
    removed_at = models.DateTimeField("移出时间 removed at", null=True, blank=True)
    removed_on = models.DateField("移出生效日期 removed on", null=True, blank=True)
    removal_kind = models.CharField(
        "移出方式 removal", max_length=16, choices=choices("blacklist_removals"), blank=True
    )
    removal_reason = models.TextField("移出理由 removal reason", blank=True)
    removed_by_label = models.CharField("移出人 removed by", max_length=150, blank=True)
    # A listing made at another provincial node and received over its signed border feed: that
    # node's id and the listing's id there (blank and null for this node's own listings).
    origin_node = models.CharField("列入节点 listing node", max_length=32, blank=True, default="")
    origin_entry = models.BigIntegerField(
        "列入节点记录号 entry at the listing node", null=True, blank=True
    )

    class Meta:
        ordering = ["-listed_at", "-id"]
        verbose_name = "黑名单 blacklist entry"
        verbose_name_plural = "黑名单 blacklist"
        constraints = [
            models.CheckConstraint(name="blacklist_one_subject", condition=SUBJECT),
            models.CheckConstraint(
                name="blacklist_period_order",
                condition=models.Q(ends_on__gte=models.F("starts_on")),
            ),
            # One open listing per subject and listing node; history stays as removed rows.
            models.UniqueConstraint(
                fields=["enterprise", "origin_node"],
                condition=models.Q(removed_at__isnull=True, enterprise__isnull=False),
                name="blacklist_one_open_per_enterprise",
            ),
            models.UniqueConstraint(
                fields=["body", "origin_node"],
                condition=models.Q(removed_at__isnull=True, body__isnull=False),
                name="blacklist_one_open_per_body",
            ),
            # A listing received from another node is applied once.
            models.UniqueConstraint(
                fields=["origin_node", "origin_entry"],
                condition=~models.Q(origin_node=""),
                name="blacklist_foreign_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject_code} {self.starts_on}–{self.ends_on}"


class EarlyRemovalApplication(models.Model):
    """提前移出申请 (信用修复): the listed party applies after the waiting period with its statement
    and evidence; the listing region's regulators approve (the listing is removed by decision) or
    refuse with reasons."""

    class State(models.TextChoices):
        SUBMITTED = "submitted", "待决定 awaiting decision"
        APPROVED = "approved", "准予提前移出 approved"
        REFUSED = "refused", "不予提前移出 refused"

    entry = models.ForeignKey(
        BlacklistEntry, on_delete=models.PROTECT, related_name="removal_applications"
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="申请人 applicant",
    )
    applicant_label = models.CharField("申请人标识 applicant (label)", max_length=150)
    statement = models.TextField("申请说明 statement")
    evidence = models.TextField("证明材料 evidence")
    submitted_at = models.DateTimeField("申请时间 submitted at")
    state = models.CharField(
        "状态 state", max_length=16, choices=State.choices, default=State.SUBMITTED
    )
    decided_by_label = models.CharField("决定人 decided by", max_length=150, blank=True)
    decided_at = models.DateTimeField("决定时间 decided at", null=True, blank=True)
    decision_reason = models.TextField("决定理由 reasons", blank=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = "提前移出申请 early removal application"
        verbose_name_plural = "提前移出申请 early removal applications"
        constraints = [
            models.UniqueConstraint(
                fields=["entry"],
                condition=models.Q(state="submitted"),
                name="early_removal_one_open_per_entry",
            )
        ]

    def __str__(self) -> str:
        return f"{self.entry_id} {self.state} {self.submitted_at:%Y-%m-%d}"


class BlacklistFlag(models.Model):
    """A certificate flagged because its holder or issuing body is listed (FLAGGED event)."""

    entry = models.ForeignKey(BlacklistEntry, on_delete=models.PROTECT, related_name="flags")
    certificate = models.ForeignKey(
        "certification.Certificate",
        on_delete=models.PROTECT,
        related_name="blacklist_flags",
        verbose_name="证书 certificate",
    )
    flagged_sequence = models.BigIntegerField("列入事件序号 flagged event")
    unflagged_sequence = models.BigIntegerField(
        "移出事件序号 unflagged event", null=True, blank=True
    )

    class Meta:
        verbose_name = "黑名单证书提示 blacklist flag"
        verbose_name_plural = "黑名单证书提示 blacklist flags"
        constraints = [
            models.UniqueConstraint(fields=["entry", "certificate"], name="blacklist_flag_once")
        ]
        indexes = [
            models.Index(
                fields=["certificate", "unflagged_sequence"], name="blacklist_flag_cert_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.certificate_id} ← {self.entry_id}"


class InspectionPlan(models.Model):
    """双随机一公开 抽查计划: items, an object pool, an inspector pool, a committed random draw."""

    class State(models.TextChoices):
        DRAFT = "draft", "草稿 draft"
        COMMITTED = "committed", "已承诺随机种子 seed committed"
        DRAWN = "drawn", "已抽取 drawn"

    code = models.CharField("计划编号 code", max_length=32, unique=True)
    title = models.CharField("名称 title", max_length=200)
    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="组织地区 organising region",
    )
    object_kind = models.CharField(
        "检查对象类型 object kind", max_length=16, choices=choices("inspection_objects")
    )
    object_filters = models.JSONField("对象筛选条件 object filters", default=dict, blank=True)
    inspector_regions = models.JSONField("检查人员地区 inspector regions", default=list, blank=True)
    inspectors_per_check = models.PositiveSmallIntegerField(
        "每对象检查人员数 inspectors per object", default=2
    )
    publish_within_days = models.PositiveSmallIntegerField(
        "结果公示时限（工作日） publish within working days", default=20
    )
    state = models.CharField(
        "状态 state", max_length=16, choices=State.choices, default=State.DRAFT
    )
    created_by_label = models.CharField("创建人 created by", max_length=150)
    created_at = models.DateTimeField("创建时间 created at")
    # Published at commitment: the frozen pools, their fingerprints and the seed's hash.
    object_pool = models.JSONField("对象名录 object pool", default=list, blank=True)
    inspector_pool = models.JSONField("检查人员名录 inspector pool", default=list, blank=True)
    fingerprints = models.JSONField("指纹 fingerprints", default=dict, blank=True)
    seed_commitment = models.CharField(
        "种子承诺（SHA-256） seed commitment", max_length=64, blank=True
    )
    committed_at = models.DateTimeField("承诺时间 committed at", null=True, blank=True)
    algorithm = models.CharField(
        "抽取算法 draw algorithm", max_length=32, default="greencert-draw-v2"
    )
    # The time stated at commitment: the draw's randomness mixes in the event log's tree head of
    # everything recorded before it, a value nobody knew when the seed was committed.
    draw_not_before = models.DateTimeField("最早抽取时间 draw not before", null=True, blank=True)
    class_factors = models.JSONField(
        "信用风险分类抽查系数 sampling factors by credit class", default=dict, blank=True
    )
    # Kept secret until the draw, then published.
    seed = models.CharField("随机种子 seed", max_length=64, blank=True)
    log_size = models.BigIntegerField("事件日志树大小 event log tree size", null=True, blank=True)
    log_root = models.CharField("事件日志树根 event log root hash", max_length=64, blank=True)
    randomness = models.CharField("抽取随机数 draw randomness", max_length=64, blank=True)
    drawn_at = models.DateTimeField("抽取时间 drawn at", null=True, blank=True)
    result = models.JSONField("抽取结果 result", default=list, blank=True)
    strata = models.JSONField("分类抽取情况 draw by credit class", default=list, blank=True)
    publish_by = models.DateField("结果公示截止日 publish results by", null=True, blank=True)
    publish_by_provisional = models.BooleanField(
        "截止日待节假日安排确认 deadline awaits the holiday arrangement", default=False
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "双随机抽查计划 random inspection plan"
        verbose_name_plural = "双随机抽查计划 random inspection plans"

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class InspectionItem(models.Model):
    """抽查事项: a general item (capped sampling ratio) or a key item (no cap)."""

    plan = models.ForeignKey(InspectionPlan, on_delete=models.CASCADE, related_name="items")
    code = models.CharField("事项编号 code", max_length=32)
    name = models.CharField("事项名称 name", max_length=200)
    kind = models.CharField("事项类型 kind", max_length=16, choices=choices("inspection_items"))
    ratio = models.DecimalField("抽查比例 sampling ratio", max_digits=5, decimal_places=4)

    class Meta:
        ordering = ["plan", "code"]
        verbose_name = "抽查事项 inspection item"
        verbose_name_plural = "抽查事项 inspection items"
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="inspection_item_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Inspector(models.Model):
    """执法检查人员: in the inspector directory, with region and declared conflicts of interest."""

    code = models.CharField("人员编号 code", max_length=32, unique=True)
    name = models.CharField("姓名 name", max_length=60)
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name="地区 region"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="账号 user",
    )
    affiliation = models.CharField(
        "所属单位代码 affiliation (credit code or approval number)", max_length=20, blank=True
    )
    conflicts = models.JSONField(
        "申报的利益冲突（信用代码或批准号） declared conflicts", default=list, blank=True
    )
    active = models.BooleanField("在册 active", default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = "检查人员 inspector"
        verbose_name_plural = "检查人员 inspectors"

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class InspectionCheck(models.Model):
    """One drawn object with its items and inspectors, and the result once recorded."""

    plan = models.ForeignKey(InspectionPlan, on_delete=models.PROTECT, related_name="checks")
    object_id = models.CharField("对象标识 object id", max_length=64)
    certificate = models.ForeignKey(
        "certification.Certificate",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    enterprise = models.ForeignKey(
        "parties.Enterprise", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    body = models.ForeignKey(
        "parties.CertificationBody",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    items = models.JSONField("检查事项 items", default=list)
    inspectors = models.JSONField("检查人员 inspectors", default=list)
    due_on = models.DateField("公示期限 publish by")
    result = models.CharField(
        "检查结果 result", max_length=16, choices=choices("inspection_results"), blank=True
    )
    findings = models.TextField("检查情况 findings", blank=True)
    recorded_by_label = models.CharField("记录人 recorded by", max_length=150, blank=True)
    published_at = models.DateTimeField("公示时间 published at", null=True, blank=True)

    class Meta:
        ordering = ["plan", "object_id"]
        verbose_name = "抽查对象 inspection check"
        verbose_name_plural = "抽查对象 inspection checks"
        constraints = [models.UniqueConstraint(fields=["plan", "object_id"], name="check_once")]

    def __str__(self) -> str:
        return f"{self.plan_id}:{self.object_id}"


class Complaint(models.Model):
    """社会监督: a public report of a suspicious mark or certificate, tracked by its code."""

    tracking_code = models.CharField("查询码 tracking code", max_length=20, unique=True)
    certificate = models.ForeignKey(
        "certification.Certificate",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
        verbose_name="证书 certificate",
    )
    typed_number = models.CharField("举报的证书编号 reported number", max_length=40, blank=True)
    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="所在省份 province",
    )
    description = models.TextField("情况描述 description")
    photo = models.FileField("照片 photo", upload_to="complaint-photos/%Y/", blank=True)
    contact = models.CharField("联系方式 contact", max_length=120, blank=True)
    state = models.CharField(
        "状态 state", max_length=16, choices=choices("complaint_states"), default="received"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="承办人 assignee",
    )
    outcome = models.CharField(
        "办理结果 outcome", max_length=16, choices=choices("complaint_outcomes"), blank=True
    )
    outcome_note = models.TextField("办理结果说明（公开） outcome note (public)", blank=True)
    received_at = models.DateTimeField("受理时间 received at")
    closed_at = models.DateTimeField("办结时间 closed at", null=True, blank=True)
    # Set when the contact was erased: at the end of its retention period, or once the complaint
    # reached the node that handles it.
    contact_erased_at = models.DateTimeField(
        "联系方式删除时间 contact erased at", null=True, blank=True
    )
    # 转交: a complaint about a certificate another provincial node is authoritative for goes to
    # that node (its id); ``delivered_at`` once it has it.
    forwarded_to = models.CharField("转交节点 forwarded to node", max_length=32, blank=True)
    delivered_at = models.DateTimeField("送达时间 delivered at", null=True, blank=True)
    delivery_attempts = models.PositiveIntegerField("送达尝试次数 delivery attempts", default=0)
    delivery_error = models.TextField("最近送达错误 last delivery error", blank=True)
    # A complaint received from another node: that node's id and its tracking code there.
    referred_from = models.CharField("转来节点 referred from node", max_length=32, blank=True)
    referred_code = models.CharField("转来查询码 tracking code there", max_length=20, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = "投诉举报 complaint"
        verbose_name_plural = "投诉举报 complaints"
        constraints = [
            models.UniqueConstraint(
                fields=["referred_from", "referred_code"],
                condition=~models.Q(referred_from=""),
                name="complaint_referral_once",
            )
        ]

    def __str__(self) -> str:
        return self.tracking_code


class ComplaintStep(models.Model):
    """One step in handling a complaint (received, assigned, investigating, closed)."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="steps")
    state_before = models.CharField("变更前 before", max_length=16, blank=True)
    state_after = models.CharField("变更后 after", max_length=16)
    actor_label = models.CharField("操作人 actor", max_length=150)
    note = models.TextField("说明 note", blank=True)
    recorded_at = models.DateTimeField("时间 recorded at")

    class Meta:
        ordering = ["recorded_at", "id"]
        verbose_name = "投诉办理步骤 complaint step"
        verbose_name_plural = "投诉办理步骤 complaint steps"

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.state_after}"


class RegulatoryOrder(models.Model):
    """责令通知: a regulator's order to the issuing body about one of its certificates — to
    suspend (责令暂停), revoke (责令撤销) or rectify (责令整改) by a deadline, citing a legal basis.

    The body carries it out through its own action, which cites the order's number; each step is
    also an event on the certificate's log (``ordered``, ``order_withdrawn``, ``order_overdue``,
    and the body's ``suspended``, ``revoked`` or ``rectified``).
    """

    number = models.CharField("通知编号 number", max_length=20, unique=True)
    kind = models.CharField("责令类型 kind", max_length=16, choices=choices("order_kinds"))
    certificate = models.ForeignKey(
        "certification.Certificate",
        on_delete=models.PROTECT,
        related_name="orders",
        verbose_name="证书 certificate",
    )
    body = models.ForeignKey(
        "parties.CertificationBody",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="发证机构 issuing body",
    )
    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="责令地区 ordering region",
    )
    reason = models.TextField("事实与理由 facts and reasons")
    basis_code = models.CharField("法律依据 legal basis", max_length=32)
    # The citation as it read when the order was made, so later edits of the data do not
    # rewrite what an order said.
    basis = models.JSONField("法律依据条文 legal basis as cited", default=dict)
    deadline = models.DateField("执行期限 deadline")
    state = models.CharField(
        "状态 state", max_length=16, choices=choices("order_states"), default="open"
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="责令人 issued by",
    )
    issued_by_label = models.CharField("责令人标识 issued by (label)", max_length=150)
    issued_on = models.DateField("责令日期 issued on")
    issued_at = models.DateTimeField("登记时间 recorded at")
    ordered_sequence = models.BigIntegerField("责令事件序号 ordered event")
    carried_out_at = models.DateTimeField("执行时间 carried out at", null=True, blank=True)
    carried_out_sequence = models.BigIntegerField(
        "执行事件序号 carried-out event", null=True, blank=True
    )
    overdue_at = models.DateTimeField("逾期记录时间 marked overdue at", null=True, blank=True)
    overdue_sequence = models.BigIntegerField("逾期事件序号 overdue event", null=True, blank=True)
    withdrawn_at = models.DateTimeField("撤回时间 withdrawn at", null=True, blank=True)
    withdrawn_sequence = models.BigIntegerField(
        "撤回事件序号 withdrawn event", null=True, blank=True
    )
    withdrawn_by_label = models.CharField("撤回人 withdrawn by", max_length=150, blank=True)
    withdrawal_reason = models.TextField("撤回理由 withdrawal reason", blank=True)

    class Meta:
        ordering = ["-issued_at", "-id"]
        verbose_name = "责令通知 regulatory order"
        verbose_name_plural = "责令通知 regulatory orders"
        constraints = [
            # One pending order of a kind per certificate; history stays as closed rows.
            models.UniqueConstraint(
                fields=["certificate", "kind"],
                condition=models.Q(state__in=["open", "overdue"]),
                name="order_one_pending_per_kind",
            )
        ]
        indexes = [
            models.Index(fields=["state", "deadline"], name="order_state_deadline_idx"),
            models.Index(fields=["body", "state"], name="order_body_state_idx"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def carried_out_late(self) -> bool:
        return self.overdue_sequence is not None and self.carried_out_sequence is not None
