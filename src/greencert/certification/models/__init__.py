"""Certification models: certificates, and the workflow that leads to them."""

from greencert.certification.models.certificate import STATUS_CHOICES, Certificate

__all__ = ["STATUS_CHOICES", "Certificate"]
