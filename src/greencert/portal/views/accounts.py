"""Log in (password, and the authenticator's code for whoever enrolled) and enrol in two-factor
login with an authenticator app (TOTP, RFC 6238)."""

from __future__ import annotations

import base64
from typing import Any

import segno
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from greencert.portal.twofactor import LoginForm, confirmed_devices, verified_device


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "portal/login.html"
    redirect_authenticated_user = True

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        # The admin sends a signed-in person who is not staff here; sending them back would loop,
        # so they get the form, to sign in with an account that may use the admin.
        user: Any = request.user
        admin = reverse("admin:index")
        if (
            user.is_authenticated
            and not user.is_staff
            and self.get_redirect_url().startswith(admin)
        ):
            self.redirect_authenticated_user = False
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form: LoginForm) -> HttpResponse:  # type: ignore[override]
        response = super().form_valid(form)
        if form.otp_device is not None:
            otp_login(self.request, form.otp_device)
        return response


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _grouped(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@never_cache
@sensitive_post_parameters("otp_token")
@login_required
def two_factor(request: HttpRequest) -> HttpResponse:
    """``/login/two-factor/``: enrol an authenticator app (scan the QR code, confirm with a code),
    or give a code from the one already enrolled."""
    user: Any = request.user  # django-otp's middleware gives it is_verified()
    enrolled = confirmed_devices(user)
    if enrolled and user.is_verified():
        return render(request, "portal/two_factor.html", {"done": True})
    device: TOTPDevice | None = None
    if not enrolled:
        device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    error = ""
    token = request.POST.get("otp_token", "").strip() if request.method == "POST" else ""
    if request.method == "POST":
        matched = verified_device(enrolled or ([device] if device else []), token)
        if matched is not None:
            if not matched.confirmed:
                matched.confirmed = True
                matched.save(update_fields=["confirmed"])
            otp_login(request, matched)
            return HttpResponseRedirect(_next_url(request))
        error = token
    context: dict[str, Any] = {
        "enrolled": bool(enrolled),
        "error": error,
        "next": _next_url(request),
    }
    if device is not None:
        secret = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
        context["qr_svg"] = segno.make(device.config_url, error="m").svg_inline(
            scale=5, dark="#1f2d27", omitsize=False
        )
        context["secret"] = _grouped(secret)
    return render(request, "portal/two_factor.html", context)
