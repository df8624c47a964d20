"""URL map: public portal, /api/v1, the back office (admin), the transparency log (/log/), the
witness (/witness/) and the health check."""

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, JsonResponse
from django.urls import include, path
from django.views.generic import RedirectView

from greencert.api.api import api
from greencert.portal.views import accounts
from greencert.portal.views.verify import healthz

admin.site.site_header = "长三角绿色认证一体化平台 · 管理后台"
admin.site.site_title = "greencert"
admin.site.index_title = "管理 Administration"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("api/v1/", api.urls),
    path("login/", accounts.LoginView.as_view(), name="login"),
    path("login/two-factor/", accounts.two_factor, name="two_factor"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    # One login for the site and the admin, with the lock-out and the two-factor step.
    path("admin/login/", RedirectView.as_view(pattern_name="login", query_string=True)),
    path("admin/", admin.site.urls),
    path("log/", include("greencert.exchange.tlog.urls")),
    path("witness/", include("greencert.exchange.witness.urls")),
    path("borders/", include("greencert.exchange.borders.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("office/", include("greencert.certification.urls")),
    path("supervision/", include("greencert.supervision.urls")),
    path("", include("greencert.governance.urls")),
    path("", include("greencert.marks.urls")),
    path("", include("greencert.catalog.urls")),
    path("", include("greencert.portal.urls")),
]

if settings.GREENCERT_BENCH_CONTROL:

    def bench_control(request: HttpRequest) -> JsonResponse:
        """What a request costs before any work: the benchmark's control (bench_lookup)."""
        return JsonResponse({"ok": True})

    urlpatterns.insert(0, path("bench/control", bench_control))
