from django.apps import AppConfig


class PartiesConfig(AppConfig):
    name = "greencert.parties"
    verbose_name = "主体 Parties"
