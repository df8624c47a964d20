"""URL map: public portal, /api/v1, the back office (admin), the transparency log (/log/), the
witness (/witness/) and the health check."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from greencert.api.api import api
from greencert.portal.views.verify import healthz

admin.site.site_header = "长三角绿色认证一体化平台 · 管理后台"
admin.site.site_title = "greencert"
admin.site.index_title = "管理 Administration"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("api/v1/", api.urls),
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="portal/login.html", redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
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
