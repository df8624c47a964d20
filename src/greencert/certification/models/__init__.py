"""Certification models: certificates, and the workflow that leads to them."""

from greencert.certification.lifecycle.models import CertificateEvent
from greencert.certification.models.certificate import Certificate
from greencert.certification.models.document import PublicDocument
from greencert.certification.models.due import DueAction
from greencert.certification.models.imports import ImportRun
from greencert.certification.models.links import Audit, SupplyChainLink
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
    "ActionReceipt",
    "Application",
    "ApplicationDocument",
    "ApplicationStep",
    "Audit",
    "Certificate",
    "CertificateEvent",
    "DueAction",
    "ImportRun",
    "Inspection",
    "Nonconformity",
    "PublicDocument",
    "Sample",
    "SupplyChainLink",
    "SurveillanceTask",
    "TestReport",
]
