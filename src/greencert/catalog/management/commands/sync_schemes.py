"""``greencert sync_schemes``: list the shipped evaluation schemes in the catalog."""

from typing import Any

from django.core.management.base import BaseCommand

from greencert.catalog.models import Category, EvaluationScheme
from greencert.catalog.scheme_versions import sync_schemes


class Command(BaseCommand):
    help = "Load every shipped evaluation scheme version into the catalog."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(
            f"{sync_schemes(EvaluationScheme, Category)} scheme versions in the catalog"
        )
