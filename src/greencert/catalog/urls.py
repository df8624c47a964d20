from django.urls import path

from greencert.catalog import views

app_name = "catalog"

urlpatterns = [
    path("schemes/", views.scheme_list, name="schemes"),
    path("schemes/<slug:scheme_id>/", views.scheme_detail, name="scheme"),
]
