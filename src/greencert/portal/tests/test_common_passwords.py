"""Common passwords are refused wherever a password is set (OWASP ASVS 2.1.7): Django's list of
20,000 common passwords, checked locally by ``CommonPasswordValidator``. People set passwords in
the admin: their own on its password page, someone else's on the user's page."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db
PASSWORD = "Lotus-pond-at-dawn-42"
# On Django's list, at least 12 characters, not all digits and unlike the user names below: only
# the common-password check can refuse it.
COMMON = "1q2w3e4r5t6y7u"
REFUSAL = "This password is too common."


@pytest.fixture
def staff(django_user_model: Any) -> Any:
    return django_user_model.objects.create_superuser(username="chen", password=PASSWORD)


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_common_password_is_refused_when_someone_changes_their_own(staff):
    page = signed_in(staff).post(
        "/admin/password_change/?lang=en",
        {"old_password": PASSWORD, "new_password1": COMMON, "new_password2": COMMON},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert page.status_code == 200
    assert REFUSAL in page.content.decode()
    staff.refresh_from_db()
    assert staff.check_password(PASSWORD)


def test_a_common_password_is_refused_when_an_administrator_sets_one(staff, django_user_model):
    clerk = django_user_model.objects.create_user(username="zhou", password=PASSWORD)

    page = signed_in(staff).post(
        f"/admin/auth/user/{clerk.pk}/password/?lang=en",
        {"password1": COMMON, "password2": COMMON, "usable_password": "true"},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert page.status_code == 200
    assert REFUSAL in page.content.decode()
    clerk.refresh_from_db()
    assert clerk.check_password(PASSWORD)


def test_an_uncommon_password_is_accepted_there(staff):
    uncommon = "7u-lotus-6y5t4r"

    page = signed_in(staff).post(
        "/admin/password_change/",
        {"old_password": PASSWORD, "new_password1": uncommon, "new_password2": uncommon},
    )

    assert page.status_code == 302
    staff.refresh_from_db()
    assert staff.check_password(uncommon)
