"""Registering an enterprise: its credit code must pass GB 32100, or carry a recorded override."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from greencert.core.actors import Actor
from greencert.core.errors import PermissionRefused, ValidationFailed
from greencert.parties.actions import register_enterprise
from greencert.parties.models import Enterprise, Role

pytestmark = pytest.mark.django_db

VALID_CODE = "91350100M000100Y43"
# A code found on a real business licence whose check character does not match GB 32100.
REAL_CODE_FAILING_CHECK = "91350203M0001QAY9B"


@pytest.fixture
def regulator(make_actor):
    from greencert.regions.models import Region

    return make_actor("regulator", Role.REGULATOR, region=Region.objects.get(code="330000"))


def register(actor, code, **extra):
    return register_enterprise(
        actor, credit_code=code, name="湖州绿源涂料有限公司", region_code="330500", **extra
    )


def test_a_regulator_registers_an_enterprise_with_a_valid_code_and_no_override(regulator):
    enterprise = register(regulator, "91350100m000100y43")
    assert enterprise.credit_code == VALID_CODE
    assert enterprise.region_id == "330500"
    assert enterprise.check_override_reason == ""
    assert enterprise.check_override_by is None
    assert enterprise.check_override_at is None


def test_a_wrong_check_character_is_refused_naming_the_expected_character(regulator):
    with pytest.raises(ValidationFailed) as caught:
        register(regulator, "91350100M000100Y40")
    error = caught.value
    assert error.field == "credit_code"
    assert "校验码应为 3" in error.message_zh
    assert "should be 3" in error.message_en
    assert "91350100M000100Y40" in error.message_zh
    assert "91350100M000100Y40" in error.message_en
    assert not Enterprise.objects.exists()


def test_a_real_code_failing_the_check_is_refused_without_an_override_reason(regulator):
    with pytest.raises(ValidationFailed) as caught:
        register(regulator, REAL_CODE_FAILING_CHECK)
    assert "校验码应为 9" in caught.value.message_zh
    assert "should be 9" in caught.value.message_en
    assert "例外理由" in caught.value.message_zh
    assert "override reason" in caught.value.message_en
    assert not Enterprise.objects.exists()


def test_a_blank_override_reason_counts_as_none(regulator):
    with pytest.raises(ValidationFailed):
        register(regulator, REAL_CODE_FAILING_CHECK, override_reason="   ")
    assert not Enterprise.objects.exists()


def test_a_real_code_failing_the_check_is_admitted_with_a_recorded_override(regulator):
    reason = "营业执照原件核验，登记机关确认代码如此核发"
    enterprise = register(regulator, REAL_CODE_FAILING_CHECK, override_reason=reason)
    enterprise.refresh_from_db()
    assert enterprise.credit_code == REAL_CODE_FAILING_CHECK
    assert enterprise.check_override_reason == reason
    assert enterprise.check_override_by == regulator.user
    assert enterprise.check_override_at is not None


def test_an_alliance_admin_may_make_an_override(alliance_admin):
    enterprise = register(alliance_admin, REAL_CODE_FAILING_CHECK, override_reason="执照核验")
    assert enterprise.check_override_by == alliance_admin.user


def test_a_system_actor_cannot_make_an_override():
    with pytest.raises(PermissionRefused):
        register(Actor.for_system("import"), REAL_CODE_FAILING_CHECK, override_reason="批量导入")
    assert not Enterprise.objects.exists()


def test_an_anonymous_actor_cannot_make_an_override():
    with pytest.raises(PermissionRefused):
        register(
            Actor.for_user(AnonymousUser()), REAL_CODE_FAILING_CHECK, override_reason="执照核验"
        )
    assert not Enterprise.objects.exists()


def test_a_system_actor_registers_an_enterprise_with_a_valid_code():
    enterprise = register(Actor.for_system("import"), VALID_CODE)
    assert enterprise.check_override_by is None


@pytest.mark.parametrize(
    "code",
    [
        "91350100M000100Y4",  # 17 characters
        "91350100M000100Y433",  # 19 characters
        "91350100M0001I0Y43",
        "91350100M0001O0Y43",
        "91350100M0001S0Y43",
        "91350100M0001V0Y43",
        "91350100M0001Z0Y43",
    ],
)
def test_a_structurally_invalid_code_is_refused_even_with_an_override_reason(regulator, code):
    with pytest.raises(ValidationFailed) as caught:
        register(regulator, code, override_reason="执照核验")
    assert caught.value.field == "credit_code"
    assert not Enterprise.objects.exists()


def test_a_user_without_a_managing_role_is_refused(plain_user):
    with pytest.raises(PermissionRefused):
        register(plain_user, VALID_CODE)
    assert not Enterprise.objects.exists()


def test_body_staff_may_not_register_enterprises(body_staff):
    with pytest.raises(PermissionRefused):
        register(body_staff, VALID_CODE)


def test_an_unknown_region_is_refused_naming_the_field(regulator):
    with pytest.raises(ValidationFailed) as caught:
        register_enterprise(regulator, credit_code=VALID_CODE, name="某公司", region_code="110000")
    assert caught.value.field == "region"
    assert not Enterprise.objects.exists()
