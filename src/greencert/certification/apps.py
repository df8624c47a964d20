from django.apps import AppConfig


class CertificationConfig(AppConfig):
    name = "greencert.certification"
    verbose_name = "认证实施 Certification"
