from django.apps import AppConfig


class MarksConfig(AppConfig):
    name = "greencert.marks"
    verbose_name = "统一标识 Marks"
