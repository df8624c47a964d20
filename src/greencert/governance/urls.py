"""Public pages of the plan's institutions (mounted at the site root by greencert.urls)."""

from django.urls import URLPattern

app_name = "governance"

urlpatterns: list[URLPattern] = []
