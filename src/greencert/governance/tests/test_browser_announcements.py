"""A real browser: a provincial regulator drafts and publishes an announcement in the office, the
public finds it, downloads its signed file, and ``greencert announcement verify`` accepts that file
offline and rejects a tampered copy; a recognised certificate's verify page shows the recognition.
Screenshots go to test-artifacts/ (git-ignored). Runs on both engines (a transactional test)."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from greencert.certification.models import Certificate
from greencert.core.actors import Actor
from greencert.governance.models import Announcement, RecognitionAgreement
from greencert.governance.recognition import recognise_certificate

ARTIFACTS = Path.cwd() / "test-artifacts"
PASSWORD = "browser-test-pw"
TITLE = "关于发布首批长三角绿色认证获证组织名单的公告"

pytestmark = [pytest.mark.django_db(transaction=True)]


def _context(browser: Any, phone: bool = False) -> Any:
    viewport = {"width": 375, "height": 812} if phone else {"width": 1366, "height": 900}
    return browser.new_context(viewport=viewport, locale="zh-CN", accept_downloads=True)


def _shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_a_published_announcement_verifies_offline(
    live_server: Any,
    browser: Any,
    jiangsu_regulator: Actor,
    issue: Callable[..., Certificate],
    tmp_path: Path,
) -> None:
    user = jiangsu_regulator.user
    user.is_staff = True
    user.set_password(PASSWORD)
    user.save()
    certificates = [issue(), issue()]
    base = live_server.url

    office = _context(browser).new_page()
    office.goto(f"{base}/login/?next=/announcements/office/")
    office.fill("#id_username", user.username)
    office.fill("#id_password", PASSWORD)
    office.click("form.step-form button[type=submit]")
    office.wait_for_url(f"{base}/announcements/office/")
    office.fill("#id_title", TITLE)
    office.fill("#id_announced_on", timezone.localdate().isoformat())
    office.fill("#id_body", "现将首批长三角绿色认证获证组织名单公告如下。")
    office.fill("#id_certificates", "\n".join(c.number for c in certificates))
    _shot(office, "announce-01-draft")
    office.click("#announcement-form button[type=submit]")
    office.wait_for_url("**/announcements/office/*/")
    assert not office.locator(".error, .form-errors").all_inner_texts()
    office.click("#publish-form button[type=submit]")
    office.wait_for_url("**/announcements/*-*/")
    announcement = Announcement.objects.get()
    assert announcement.is_published

    public = _context(browser, phone=True).new_page()
    public.goto(f"{base}/announcements/")
    public.click(f"text={TITLE}")
    public.wait_for_url(f"**/announcements/{announcement.slug}/")
    page_text = public.inner_text("main")
    for certificate in certificates:
        assert certificate.number in page_text
    assert public.evaluate("document.documentElement.scrollWidth") <= 375
    _shot(public, "announce-02-public")
    with public.expect_download() as download_info:
        public.click("#signed-download")
    signed = tmp_path / download_info.value.suggested_filename
    download_info.value.save_as(signed)
    keys = tmp_path / "did.json"
    keys.write_text(public.request.get(f"{base}/.well-known/did.json").text(), encoding="utf-8")

    out = io.StringIO()
    call_command("announcement", "verify", str(signed), "--keys", str(keys), stdout=out)
    assert "announcement verified" in out.getvalue()
    assert TITLE in out.getvalue()

    header, payload, signature = signed.read_text(encoding="ascii").strip().split(".")
    claims = json.loads(_b64decode(payload))
    claims["items"][0]["certificate"]["status"]["code"] = "02"
    tampered = tmp_path / "tampered.jwt"
    tampered.write_text(f"{header}.{_b64encode(claims)}.{signature}", encoding="ascii")
    with pytest.raises(CommandError, match="NOT verified"):
        call_command(
            "announcement", "verify", str(tampered), "--keys", str(keys), stdout=io.StringIO()
        )


def test_a_recognised_certificate_s_verify_page_shows_the_recognition(
    live_server: Any,
    browser: Any,
    jiangsu_regulator: Actor,
    agreement: RecognitionAgreement,
    issued_certificate: Certificate,
) -> None:
    recognise_certificate(jiangsu_regulator, agreement, issued_certificate)
    page = _context(browser, phone=True).new_page()
    page.goto(f"{live_server.url}/verify/{issued_certificate.number}")
    section = page.locator("section.recognition-flag")
    assert agreement.title_zh in section.inner_text()
    assert "江苏省市场监督管理局" in section.inner_text()
    _shot(page, "announce-03-recognised")
    section.locator("a").first.click()
    page.wait_for_url(f"**/recognition/{agreement.code}/")
    assert issued_certificate.number in page.inner_text("main")


def _b64decode(part: str) -> bytes:
    import base64

    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def _b64encode(data: dict[str, Any]) -> str:
    import base64

    raw = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
