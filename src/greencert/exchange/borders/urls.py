"""URLs of the border feed and forwarded complaints, mounted at ``/borders/``."""

from django.urls import path

from greencert.exchange.borders import views

app_name = "borders"

urlpatterns = [
    path("feed", views.border_feed, name="feed"),
    path("complaints", views.receive_complaint, name="complaints"),
]
