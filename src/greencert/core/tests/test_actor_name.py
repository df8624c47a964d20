import pytest
from django.contrib.auth import get_user_model
from django.template import Context, Template
from django.utils import translation

pytestmark = pytest.mark.django_db


def render(label: str) -> str:
    with translation.override("zh-hans"):
        return Template("{% load actors %}{{ label|actor_name }}").render(Context({"label": label}))


def test_a_person_is_shown_by_name_with_the_stable_label_kept_as_a_title():
    get_user_model().objects.create_user("body-reviewer", first_name="芳", last_name="王")
    assert (
        render("user:body-reviewer")
        == '<span class="actor" title="user:body-reviewer">芳 王</span>'
    )


def test_a_person_without_a_name_is_shown_by_login_and_the_platform_in_words():
    get_user_model().objects.create_user("li")
    assert ">li<" in render("user:li")
    assert ">平台（自动处理）<" in render("system:expiry")
    assert ">浙江采购平台<" in render("client:浙江采购平台")
    assert "&lt;script&gt;" in render("client:<script>")
