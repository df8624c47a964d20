"""URLs of the transparency log, mounted at ``/log/``."""

from django.urls import path, re_path

from greencert.exchange.tlog import views
from greencert.exchange.witness import views as witness_views

app_name = "tlog"
INDEX = r"(?P<index>(?:x\d{3}/)*\d{3})"
PARTIAL = r"(?:\.p/(?P<width>\d{1,3}))?"

urlpatterns = [
    path("checkpoint", views.checkpoint, name="checkpoint"),
    path("vkey", views.vkey, name="vkey"),
    path("witness/", witness_views.office, name="witness"),
    re_path(rf"^tile/entries/{INDEX}{PARTIAL}$", views.entry_bundle, name="entries"),
    re_path(rf"^tile/(?P<level>0|[1-9]\d?)/{INDEX}{PARTIAL}$", views.hash_tile, name="tile"),
]
