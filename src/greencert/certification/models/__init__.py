"""Certification models: certificates, and the workflow that leads to them."""

from greencert.certification.models.certificate import STATUS_CHOICES, Certificate
from greencert.certification.models.workflow import (
    ActionReceipt,
    Application,
    ApplicationDocument,
    ApplicationStep,
    Inspection,
    Nonconformity,
    Sample,
    SurveillanceTask,
    TestReport,
)

__all__ = [
    "STATUS_CHOICES",
    "ActionReceipt",
    "Application",
    "ApplicationDocument",
    "ApplicationStep",
    "Certificate",
    "Inspection",
    "Nonconformity",
    "Sample",
    "SurveillanceTask",
    "TestReport",
]
