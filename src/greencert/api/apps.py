from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "greencert.api"
    verbose_name = "接口 API"
