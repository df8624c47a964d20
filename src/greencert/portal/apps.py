from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "greencert.portal"
    verbose_name = "门户 Portal"
