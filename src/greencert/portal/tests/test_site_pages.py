"""The site's own login, 403, 404 and 500 pages: in its look, in the reader's language."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client, RequestFactory
from django.views.defaults import server_error

pytestmark = pytest.mark.django_db


def test_an_unknown_address_gets_the_sites_404_page():
    response = Client().get("/no-such-page/")
    assert response.status_code == 404
    text = response.content.decode()
    assert "长三角绿色认证一体化平台" in text and "页面不存在" in text
    assert 'id="site-identity"' in text and 'action="/"' in text
    english = Client().get("/no-such-page/?lang=en").content.decode()
    assert "Page not found" in english


def test_a_server_fault_gets_the_sites_500_page():
    response = server_error(RequestFactory().get("/anything"))
    assert response.status_code == 500
    text = response.content.decode()
    assert "长三角绿色认证一体化平台" in text and "出错了" in text
    assert "Traceback" not in text


def test_a_page_the_account_may_not_open_gets_the_sites_403_page():
    user = get_user_model().objects.create_user("plain", password="a-long-password-1")
    client = Client()
    client.force_login(user)
    response = client.get("/supervision/office/")
    assert response.status_code == 403
    assert "无权访问" in response.content.decode()


def test_people_log_in_on_the_sites_own_page_and_come_back_where_they_were():
    get_user_model().objects.create_user("clerk", password="a-long-password-1")
    client = Client()
    response = client.get("/office/")
    assert response.status_code == 302 and response["Location"] == "/login/?next=/office/"
    page = client.get(response["Location"]).content.decode()
    assert "登录" in page and "管理后台" not in page
    wrong = client.post("/login/", {"username": "clerk", "password": "nope", "next": "/office/"})
    assert wrong.status_code == 200 and "用户名或密码不正确" in wrong.content.decode()
    right = client.post(
        "/login/", {"username": "clerk", "password": "a-long-password-1", "next": "/office/"}
    )
    assert right.status_code == 302 and right["Location"] == "/office/"
    assert client.post("/logout/").status_code == 302
    assert client.get("/office/").status_code == 302
