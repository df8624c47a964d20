"""The witness's submission prefix, mounted at ``/witness/`` (C2SP tlog-witness)."""

from django.urls import path

from greencert.exchange.witness import views

app_name = "witness"

urlpatterns = [
    path("add-checkpoint", views.add_checkpoint, name="add_checkpoint"),
]
