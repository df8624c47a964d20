"""The login: wrong passwords lock the account and the address out (django-axes), passwords
follow Django's validators, and two-factor login (TOTP) asks whoever enrolled for a code and makes
regulators and bodies' decision-makers enrol when GREENCERT_REQUIRE_2FA is on."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client, override_settings
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from greencert.core.actors import Actor
from greencert.core.tests.fixtures import region
from greencert.parties.models import Role

pytestmark = pytest.mark.django_db
PASSWORD = "Lotus-pond-at-dawn-42"
REQUIRED = override_settings(GREENCERT_REQUIRE_2FA=True)


@pytest.fixture
def person(django_user_model: Any) -> Any:
    return django_user_model.objects.create_user(username="wang", password=PASSWORD)


def log_in(client: Client, username: str, password: str, code: str = "") -> Any:
    data = {"username": username, "password": password, "otp_token": code}
    return client.post("/login/?lang=en", data)


def code_of(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def enrolled(user: Any) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


def test_the_right_password_logs_in(person):
    client = Client()
    assert log_in(client, "wang", PASSWORD).status_code == 302
    assert client.get("/office/").status_code != 302


@override_settings(AXES_FAILURE_LIMIT=5)
def test_after_the_failure_limit_even_the_right_password_is_refused(person):
    client = Client()
    tries = [log_in(client, "wang", "wrong-guess").status_code for _ in range(5)]

    locked = log_in(client, "wang", PASSWORD)

    assert tries == [200, 200, 200, 200, 429]

    assert locked.status_code == 429
    assert "Logging in is paused" in locked.content.decode()
    assert "_auth_user_id" not in client.session


@override_settings(AXES_FAILURE_LIMIT=5)
def test_the_account_is_locked_for_every_address(person):
    for i in range(5):
        log_in(Client(REMOTE_ADDR=f"198.51.100.{i + 1}"), "wang", "wrong-guess")

    assert log_in(Client(REMOTE_ADDR="203.0.113.50"), "wang", PASSWORD).status_code == 429


@override_settings(AXES_FAILURE_LIMIT=5)
def test_an_address_trying_many_accounts_is_locked_out(person, django_user_model):
    django_user_model.objects.create_user(username="li", password=PASSWORD)
    client = Client(REMOTE_ADDR="198.51.100.7")
    for name in ["zhao", "qian", "sun", "zhou", "wu"]:
        log_in(client, name, "wrong-guess")

    assert log_in(client, "li", PASSWORD).status_code == 429
    assert log_in(Client(REMOTE_ADDR="198.51.100.8"), "li", PASSWORD).status_code == 302


@override_settings(AXES_FAILURE_LIMIT=5)
def test_a_right_password_before_the_limit_resets_the_count(person):
    client = Client()
    for _ in range(4):
        log_in(client, "wang", "wrong-guess")
    assert log_in(client, "wang", PASSWORD).status_code == 302
    client.post("/logout/")
    for _ in range(4):
        log_in(client, "wang", "wrong-guess")

    assert log_in(client, "wang", PASSWORD).status_code == 302


def test_the_admin_login_is_the_same_protected_login():
    response = Client().get("/admin/login/?next=/admin/")

    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/admin/"


def test_a_signed_in_person_who_is_not_staff_gets_the_form_not_a_redirect_loop(person):
    client = Client()
    client.force_login(person)

    to_admin = client.get("/admin/", follow=True)

    assert to_admin.status_code == 200
    assert to_admin.redirect_chain[-1][0] == "/login/?next=%2Fadmin%2F"
    assert b'name="password"' in to_admin.content


@pytest.mark.parametrize(
    "password", ["short1A", "12345678901234", "password12345", "wangwangwang1"]
)
def test_weak_passwords_are_refused(password: str):
    user = get_user_model()(username="wangwangwang")
    with pytest.raises(ValidationError):
        validate_password(password, user)


@pytest.mark.parametrize("password", [PASSWORD, "风吹麦浪 " * 10 + "and a long sentence after it"])
def test_a_long_uncommon_password_is_accepted(password: str):
    validate_password(password, get_user_model()(username="wang"))


def test_an_enrolled_person_needs_the_code(person):
    enrolled(person)
    client = Client()

    page = log_in(client, "wang", PASSWORD)

    assert page.status_code == 200
    assert "enter the six-digit code" in page.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_wrong_code_is_refused_naming_it(person):
    enrolled(person)
    client = Client()

    page = log_in(client, "wang", PASSWORD, code="000000")

    assert "The verification code 000000 is not right" in page.content.decode()
    assert "_auth_user_id" not in client.session


@override_settings(AXES_FAILURE_LIMIT=3)
def test_wrong_codes_count_towards_the_lock_out(person):
    device = enrolled(person)
    client = Client()
    for _ in range(3):
        log_in(client, "wang", PASSWORD, code="000000")

    assert log_in(client, "wang", PASSWORD, code=code_of(device)).status_code == 429


def test_the_right_code_logs_in_and_the_session_counts_as_verified(person):
    device = enrolled(person)
    client = Client()

    assert log_in(client, "wang", PASSWORD, code=code_of(device)).status_code == 302
    assert client.session["otp_device_id"] == device.persistent_id


@pytest.fixture
def regulator(make_actor: Callable[..., Actor]) -> Any:
    actor = make_actor("zj-regulator", Role.REGULATOR, region=region("330000"))
    actor.user.set_password(PASSWORD)
    actor.user.save()
    return actor.user


@REQUIRED
def test_a_regulator_must_enrol_before_using_the_office(regulator):
    client = Client()
    log_in(client, "zj-regulator", PASSWORD)

    response = client.get("/office/")

    assert response.status_code == 302
    assert response["Location"] == "/login/two-factor/?next=%2Foffice%2F"


@REQUIRED
@override_settings(OTP_TOTP_THROTTLE_FACTOR=0)  # no pause after the wrong code in this test
def test_enrolling_shows_a_qr_code_and_a_code_from_the_app_confirms_it(regulator):
    client = Client()
    log_in(client, "zj-regulator", PASSWORD)

    page = client.get("/login/two-factor/?next=/office/&lang=en")
    assert "<svg" in page.content.decode() and page.context["secret"]
    device = TOTPDevice.objects.get(user=regulator, confirmed=False)
    wrong = client.post("/login/two-factor/?lang=en", {"otp_token": "000000", "next": "/office/"})
    assert "The verification code 000000 is not right" in wrong.content.decode()

    done = client.post("/login/two-factor/", {"otp_token": code_of(device), "next": "/office/"})

    assert done["Location"] == "/office/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/office/").status_code == 200


@REQUIRED
def test_after_enrolling_the_regulator_logs_in_with_the_code(regulator):
    device = enrolled(regulator)
    client = Client()

    assert log_in(client, "zj-regulator", PASSWORD, code=code_of(device)).status_code == 302
    assert client.get("/office/").status_code == 200


@REQUIRED
def test_body_staff_must_enrol_too(make_actor: Callable[..., Actor], body):
    staff = make_actor("decider", Role.BODY_STAFF, body=body).user
    client = Client()
    client.force_login(staff)

    assert client.get("/office/")["Location"].startswith("/login/two-factor/")


@REQUIRED
def test_an_enterprise_user_is_not_made_to_enrol(make_actor: Callable[..., Actor], holder):
    user = make_actor("firm", Role.ENTERPRISE, enterprise=holder).user
    client = Client()
    client.force_login(user)

    assert client.get("/office/").get("Location", "").startswith("/login/two-factor/") is False


def test_without_the_setting_no_one_is_made_to_enrol(regulator):
    client = Client()
    client.force_login(regulator)

    assert client.get("/office/").status_code == 200


def test_a_code_is_accepted_once(person):
    device = enrolled(person)
    code = code_of(device)
    assert log_in(Client(), "wang", PASSWORD, code=code).status_code == 302

    again = Client()
    assert log_in(again, "wang", PASSWORD, code=code).status_code == 200
    assert "_auth_user_id" not in again.session


def test_logging_in_gives_a_new_session(person):
    client = Client()
    client.get("/login/")
    client.session.save()
    before = client.session.session_key

    log_in(client, "wang", PASSWORD)

    assert client.session.session_key != before
