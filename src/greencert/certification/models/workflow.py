"""The certification workflow (认证实施): applications and the records each step leaves.

An application's ``state`` changes only through ``certification.workflow`` actions, which update it
with a conditional UPDATE and append one ``ApplicationStep`` in the same transaction.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Application(models.Model):
    """认证申请: one enterprise asks one certification body to certify one unit of a category."""

    reference = models.CharField(("申请编号 reference"), max_length=20, unique=True)
    enterprise = models.ForeignKey(
        "parties.Enterprise",
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=("申请人 applicant"),
    )
    body = models.ForeignKey(
        "parties.CertificationBody",
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=("认证机构 certification body"),
    )
    category = models.ForeignKey(
        "catalog.Category",
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=("认证类别 category"),
    )
    certification_unit = models.CharField(("认证单元 certification unit"), max_length=100)
    products = models.JSONField(("产品及型号 products and models"), default=list, blank=True)
    service_site = models.CharField(("服务场所 service site"), max_length=300, blank=True)
    production_site = models.CharField(("生产场所 production site"), max_length=300, blank=True)
    site_region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=("场所所在地 site region"),
    )
    renewal_of = models.ForeignKey(
        "certification.Certificate",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="renewal_applications",
        verbose_name=("再认证原证书 renewal of"),
    )
    state = models.CharField(("状态 state"), max_length=24, db_index=True)
    state_changed_at = models.DateTimeField("状态变更时间 state changed at")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=("申请人员 submitted by"),
    )
    # The technical reviewer (who evaluated) and the decision-maker must be different people.
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=("评价人员 reviewer"),
    )
    decider = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=("批准人员 decision-maker"),
    )
    scheme_id = models.CharField(("评价方案 scheme"), max_length=64, blank=True)
    scheme_version = models.CharField(("方案版本 scheme version"), max_length=32, blank=True)
    scheme_unit = models.CharField(("方案认证单元 scheme unit"), max_length=64, blank=True)
    evaluation_verdict = models.CharField(("评价结论 verdict"), max_length=16, blank=True)
    evaluation_grade = models.CharField(("等级 grade"), max_length=32, blank=True)
    evaluation_fingerprint = models.CharField(
        ("评价指纹 evaluation fingerprint"), max_length=80, blank=True
    )
    evaluation_result = models.JSONField(("评价结果 evaluation result"), default=dict, blank=True)
    evaluated_at = models.DateTimeField(("评价时间 evaluated at"), null=True, blank=True)
    accepted_at = models.DateTimeField(("受理时间 accepted at"), null=True, blank=True)
    approved_at = models.DateTimeField(("批准时间 approved at"), null=True, blank=True)
    decision_note = models.TextField(("决定说明 decision note"), blank=True)
    certificate = models.OneToOneField(
        "certification.Certificate",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="application",
        verbose_name=("证书 certificate"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["body", "state"], name="application_body_state_idx"),
            models.Index(fields=["enterprise", "state"], name="application_ent_state_idx"),
        ]
        verbose_name = "认证申请 application"
        verbose_name_plural = "认证申请 applications"

    def __str__(self) -> str:
        return self.reference


class ApplicationStep(models.Model):
    """申请流转记录: one transition of one application; the application's timeline."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="steps")
    transition = models.CharField(("环节 transition"), max_length=40)
    state_before = models.CharField(("之前状态 state before"), max_length=24, blank=True)
    state_after = models.CharField(("之后状态 state after"), max_length=24)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    actor_label = models.CharField(("操作人 actor"), max_length=150)
    note = models.TextField(("说明 note"), blank=True)
    payload = models.JSONField(("内容 payload"), default=dict, blank=True)
    recorded_at = models.DateTimeField("时间 recorded at")

    class Meta:
        ordering = ["recorded_at", "id"]
        verbose_name = "申请流转记录 application step"
        verbose_name_plural = "申请流转记录 application steps"

    def __str__(self) -> str:
        return f"{self.application_id} {self.transition}"


class ApplicationDocument(models.Model):
    """申请资料: a file uploaded with an application, served only to its parties."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(("资料类型 kind"), max_length=32)
    file = models.FileField(("文件 file"), upload_to="application-documents/%Y/")
    original_name = models.CharField(("原文件名 original name"), max_length=200)
    size = models.PositiveIntegerField("大小 size (bytes)")
    sha256 = models.CharField(("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField("上传时间 uploaded at")

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = "申请资料 application document"
        verbose_name_plural = "申请资料 application documents"

    def __str__(self) -> str:
        return self.original_name


class Inspection(models.Model):
    """初始检查: the document review and on-site inspection, with one of three outcomes."""

    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="inspections"
    )
    outcome = models.CharField(("检查结论 outcome"), max_length=16)
    inspected_on = models.DateField("现场检查日期 inspected on")
    inspectors = models.CharField(("检查员 inspectors"), max_length=200)
    man_days = models.DecimalField(("人日数 man-days"), max_digits=4, decimal_places=1)
    findings = models.TextField(("检查结果 findings"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField("记录时间 recorded at")

    class Meta:
        ordering = ["recorded_at", "id"]
        verbose_name = "初始检查 inspection"
        verbose_name_plural = "初始检查 inspections"

    def __str__(self) -> str:
        return f"{self.application_id} {self.outcome}"


class Nonconformity(models.Model):
    """不符合项: found in an inspection; each must be closed before the inspection can pass."""

    inspection = models.ForeignKey(
        Inspection, on_delete=models.PROTECT, related_name="nonconformities"
    )
    description = models.TextField("不符合描述 description")
    closed_at = models.DateTimeField(("关闭时间 closed at"), null=True, blank=True)
    closure_note = models.TextField(("纠正措施验证 closure note"), blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["id"]
        verbose_name = "不符合项 nonconformity"
        verbose_name_plural = "不符合项 nonconformities"

    def __str__(self) -> str:
        return self.description[:40]


class Sample(models.Model):
    """抽样记录: a sample taken for the type test and sent to a CMA laboratory."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="samples")
    laboratory = models.ForeignKey(
        "parties.Laboratory",
        on_delete=models.PROTECT,
        related_name="samples",
        verbose_name=("检验机构 laboratory"),
    )
    sample_code = models.CharField(("样品编号 sample code"), max_length=40)
    product_model = models.CharField(("产品型号 product model"), max_length=100)
    quantity = models.CharField(("抽样数量 quantity"), max_length=40)
    sampled_on = models.DateField("抽样日期 sampled on")
    sampled_at_site = models.CharField(("抽样地点 sampled at"), max_length=300)
    scheme_id = models.CharField(("检验依据方案 scheme"), max_length=64)
    scheme_version = models.CharField(("方案版本 scheme version"), max_length=32)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField("记录时间 recorded at")

    class Meta:
        ordering = ["recorded_at", "id"]
        verbose_name = "样品 sample"
        verbose_name_plural = "样品 samples"

    def __str__(self) -> str:
        return self.sample_code


class TestReport(models.Model):
    """检验报告: the values a CMA laboratory measured on a sample."""

    __test__ = False  # not a pytest test class

    sample = models.OneToOneField(Sample, on_delete=models.PROTECT, related_name="report")
    report_number = models.CharField(("报告编号 report number"), max_length=40)
    issued_on = models.DateField("报告日期 issued on")
    values = models.JSONField(("检验数据 values"), default=dict)
    conclusion = models.TextField(("检验结论 conclusion"), blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    entered_at = models.DateTimeField("录入时间 entered at")

    class Meta:
        verbose_name = "检验报告 test report"
        verbose_name_plural = "检验报告 test reports"

    def __str__(self) -> str:
        return self.report_number


class SurveillanceTask(models.Model):
    """获证后监督任务: an annual (scheduled at issue) or unannounced surveillance of a certificate."""

    certificate = models.ForeignKey(
        "certification.Certificate", on_delete=models.PROTECT, related_name="surveillance_tasks"
    )
    kind = models.CharField(("类型 kind"), max_length=16)
    due_on = models.DateField("应完成日期 due on")
    state = models.CharField(("状态 state"), max_length=16, default="scheduled", db_index=True)
    ordered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    order_reason = models.TextField(("安排原因 reason"), blank=True)
    outcome_note = models.TextField(("监督结论说明 outcome note"), blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    completed_at = models.DateTimeField(("完成时间 completed at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = "监督任务 surveillance task"
        verbose_name_plural = "监督任务 surveillance tasks"

    def __str__(self) -> str:
        return f"{self.certificate_id} {self.kind} {self.due_on}"


class ActionReceipt(models.Model):
    """幂等回执: one per submitted form, so a retried request is recognised and not applied twice."""

    key = models.CharField(("幂等键 idempotency key"), max_length=64)
    action = models.CharField(("操作 action"), max_length=40)
    actor_label = models.CharField(("操作人 actor"), max_length=150)
    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    certificate = models.ForeignKey(
        "certification.Certificate",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key"], name="action_receipt_key_unique")]
        verbose_name = "操作回执 action receipt"
        verbose_name_plural = "操作回执 action receipts"

    def __str__(self) -> str:
        return f"{self.action} {self.key}"
