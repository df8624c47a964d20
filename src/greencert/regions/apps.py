from django.apps import AppConfig


class RegionsConfig(AppConfig):
    name = "greencert.regions"
    verbose_name = "行政区划 Regions"
