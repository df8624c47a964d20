from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "greencert.catalog"
    verbose_name = "统一目录 Catalog"
