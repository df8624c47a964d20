from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "greencert.governance"
    verbose_name = "协同机制 governance"
