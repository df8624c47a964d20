from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "greencert.core"
    verbose_name = "核心 Core"
