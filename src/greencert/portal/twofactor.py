"""Two-factor login (TOTP, django-otp): who must use it, the login form that asks for the code,
and the middleware that sends whoever must enrol to the enrolment page.

Anyone who enrolled gives a six-digit code with the password. With ``GREENCERT_REQUIRE_2FA`` on,
the roles in ``GREENCERT_2FA_ROLES`` (regulators and certification bodies' decision-makers by
default) and the node's staff cannot use the back office before they enrol.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from greencert.parties.models import RoleAssignment

# Paths a person who must still enrol may open: the enrolment page itself, leaving, the language
# switch and files the pages need.
OPEN_PREFIXES = ("/login/", "/logout/", "/i18n/", "/static/", "/healthz")


def must_use_two_factor(user: Any) -> bool:
    if not getattr(settings, "GREENCERT_REQUIRE_2FA", False) or not user.is_authenticated:
        return False
    if user.is_staff or user.is_superuser:
        return True
    roles = getattr(settings, "GREENCERT_2FA_ROLES", [])
    return RoleAssignment.objects.filter(user=user, role__in=roles).exists()


def confirmed_devices(user: Any) -> list[TOTPDevice]:
    return list(TOTPDevice.objects.filter(user=user, confirmed=True))


def verified_device(devices: list[TOTPDevice], token: str) -> TOTPDevice | None:
    """The device ``token`` is a current code of; each device's throttle slows guessing."""
    for device in devices:
        allowed, _extra = device.verify_is_allowed()
        if allowed and device.verify_token(token):
            return device
    return None


class LoginForm(AuthenticationForm):
    """User name and password, and the authenticator's code for anyone who enrolled."""

    otp_token = forms.CharField(
        label=_("Verification code"),
        required=False,
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("The user name or the password is not right. Both are case-sensitive."),
        "otp_required": _(
            "This account uses two-factor login: enter the six-digit code your authenticator "
            "app shows for greencert."
        ),
        "otp_invalid": _(
            "The verification code %(value)s is not right or has expired: enter the six-digit "
            "code your authenticator app shows now."
        ),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.otp_device: TOTPDevice | None = None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        user = self.get_user()
        if user is None:
            return cleaned
        devices = confirmed_devices(user)
        if not devices:
            return cleaned
        token = (cleaned.get("otp_token") or "").strip()
        if not token:
            raise forms.ValidationError(self.error_messages["otp_required"], code="otp_required")
        self.otp_device = verified_device(devices, token)
        if self.otp_device is None:
            # A wrong code counts towards the lock-out like a wrong password (django-axes).
            user_login_failed.send(
                sender=__name__,
                credentials={"username": cleaned.get("username")},
                request=self.request,
            )
            raise forms.ValidationError(
                self.error_messages["otp_invalid"], code="otp_invalid", params={"value": token}
            )
        return cleaned


class TwoFactorRequiredMiddleware:
    """Sends a signed-in person who must use two-factor login, and has not given a code in this
    session, to the enrolment page (which also takes a code from an enrolled device)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not getattr(settings, "GREENCERT_REQUIRE_2FA", False):
            return self.get_response(request)
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(OPEN_PREFIXES)
            and not user.is_verified()
            and must_use_two_factor(user)
        ):
            url = reverse("two_factor")
            return HttpResponseRedirect(f"{url}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
