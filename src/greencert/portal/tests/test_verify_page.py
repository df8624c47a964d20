"""``/verify/{number}``: the page a phone opens from the mark's QR code."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.conf import settings

from greencert.certification.numbers import compose

pytestmark = pytest.mark.django_db

STATIC = Path(__file__).resolve().parents[1] / "static" / "portal"

# status -> (label zh, label en, explanation zh, explanation en)
STATUS_PAGES = {
    "01": ("有效", "valid", "该证书有效。", "This certificate is valid."),
    "02": ("暂停", "suspended", "该证书已暂停", "This certificate is suspended"),
    "03": ("撤销", "revoked", "该证书已撤销", "This certificate has been revoked"),
    "04": ("注销", "cancelled", "该证书已注销", "This certificate has been cancelled"),
    "05": ("过期失效", "expired", "该证书已过期失效", "This certificate has expired"),
}


def status_section(html: str) -> tuple[str, str]:
    """The CSS classes of the status card and its heading."""
    section = re.search(r'<section class="([^"]*\bstatus\b[^"]*)"', html)
    heading = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S)
    assert section and heading, html
    return section.group(1), heading.group(1).strip()


def page(client, number, **params):
    response = client.get(f"/verify/{number}", params)
    return response, response.content.decode()


@pytest.mark.parametrize("status", sorted(STATUS_PAGES))
def test_each_status_has_its_own_unmistakable_page(client, certificate_in_status, status):
    certificate = certificate_in_status(status)
    response, html = page(client, certificate.number)
    assert response.status_code == 200
    classes, heading = status_section(html)
    assert f"status-{status}" in classes.split()
    assert heading == STATUS_PAGES[status][0]
    assert STATUS_PAGES[status][2] in html
    for other, texts in STATUS_PAGES.items():
        if other != status:
            assert texts[2] not in html
            assert f"status-{other}" not in html


@pytest.mark.parametrize("status", sorted(STATUS_PAGES))
def test_each_status_page_reads_in_english_with_lang_en(client, certificate_in_status, status):
    certificate = certificate_in_status(status)
    _, html = page(client, certificate.number, lang="en")
    _, heading = status_section(html)
    assert heading == STATUS_PAGES[status][1]
    assert STATUS_PAGES[status][3] in html


def test_the_page_shows_holder_body_number_and_dates(client, issued_certificate, holder, body):
    _, html = page(client, issued_certificate.number)
    assert issued_certificate.number in html
    assert holder.name in html
    assert holder.credit_code in html
    assert body.name in html
    assert body.approval_number in html
    assert "涂料" in html
    assert issued_certificate.expiry_date.isoformat() in html
    assert "GB/T 35602-2017" in html


def test_the_page_shows_the_status_history_in_order(client, certificate_in_status):
    certificate = certificate_in_status("03")  # issued, then revoked with R02
    _, html = page(client, certificate.number)
    timeline = html[html.index('class="timeline"') :]
    assert timeline.index("颁发") < timeline.index("撤销")
    # The reason in words; its code only as a title, and the log position in words too.
    assert '<span class="reason" title="R02">送检样品与实际产品不一致</span>' in timeline
    assert "R02 " not in timeline
    assert re.search(r"日志第 \d+ 条", timeline) and not re.search(r">#\d+<", timeline)
    _, html_en = page(client, certificate.number, lang="en")
    assert 'title="R02">samples submitted did not represent the product</span>' in html_en


def test_the_page_defaults_to_simplified_chinese(client, issued_certificate):
    _, html = page(client, issued_certificate.number)
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert '<html lang="zh-Hans">' in html
    assert "获证组织" in html
    assert "Holder" not in html


def test_lang_en_switches_to_english_and_the_next_page_stays_english(client, issued_certificate):
    response, html = page(client, issued_certificate.number, lang="en")
    assert '<html lang="en">' in html
    assert "Holder" in html
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    _, next_html = page(client, issued_certificate.number)
    assert '<html lang="en">' in next_html
    assert "This certificate is valid." in next_html


def test_lang_zh_hans_switches_back_to_chinese(client, issued_certificate):
    page(client, issued_certificate.number, lang="en")
    _, html = page(client, issued_certificate.number, lang="zh-hans")
    assert "该证书有效。" in html
    _, next_html = page(client, issued_certificate.number)
    assert "该证书有效。" in next_html


def test_an_unknown_number_is_answered_no_such_certificate_with_404(client, issued_certificate):
    unknown = compose("33", 2025, 9_999_998) or compose("33", 2025, 9_999_997)
    response, html = page(client, unknown)
    assert response.status_code == 404
    classes, heading = status_section(html)
    assert "status-not_found" in classes.split()
    assert heading == "查无此证"
    assert "没有这张证书的记录" in html


def test_an_unknown_number_warns_of_a_counterfeit_and_says_who_checked_when(
    client, issued_certificate, settings
):
    settings.GREENCERT_OPERATOR_ZH = "浙江省市场监督管理局"
    settings.GREENCERT_ICP_RECORD = "浙ICP备00000000号"
    unknown = compose("33", 2025, 9_999_998) or compose("33", 2025, 9_999_997)
    before = dt.datetime.now(dt.UTC).replace(microsecond=0)
    _response, html = page(client, unknown)
    warning = re.search(
        r'<div class="verdict-warning" id="counterfeit-warning".*?</div>', html, re.S
    )
    assert warning and "可能是假冒" in warning.group(0)
    assert f"/supervision/complaints/new/?certificate={unknown}" in warning.group(0)
    checked = re.search(r'<time id="checked-at" datetime="([^"]+)">', html)
    assert checked and dt.datetime.fromisoformat(checked.group(1)) >= before
    assert "北京时间" in html
    assert 'href="http://cx.cnca.cn/"' in html
    identity = re.search(r'<p class="site-identity" id="site-identity">(.*?)</p>', html, re.S)
    assert identity and "浙江省市场监督管理局" in identity.group(1)
    assert "浙ICP备00000000号" in identity.group(1)


def test_a_mistyped_number_carries_no_counterfeit_warning(client, issued_certificate):
    typo = issued_certificate.number[:-1] + ("0" if issued_certificate.number[-1] != "0" else "1")
    _response, html = page(client, typo)
    assert 'id="counterfeit-warning"' not in html


def test_a_malformed_number_is_answered_not_a_certificate_number_with_400(client):
    response, html = page(client, "HELLO-WORLD")
    assert response.status_code == 400
    classes, heading = status_section(html)
    assert "status-malformed" in classes.split()
    assert heading == "不是证书编号"


def test_a_mistyped_number_is_answered_with_the_number_it_probably_was(client, issued_certificate):
    number = issued_certificate.number
    typo = number[:10] + ("7" if number[10] != "7" else "8") + number[11:]
    response, html = page(client, typo)
    assert response.status_code == 400
    classes, heading = status_section(html)
    assert "status-mistyped" in classes.split()
    assert heading == "编号有误"
    assert f'href="/verify/{number}"' in html
    # The suggestion names the holder and the product, so the person can pick theirs.
    suggestion = html[html.index(f'href="/verify/{number}"') :].split("</li>")[0]
    assert issued_certificate.holder.name in suggestion and "涂料" in suggestion


def test_a_number_typed_with_o_for_0_opens_the_certificate(client, issued_certificate):
    number = issued_certificate.number
    typed = number[:2] + number[2:-1].replace("0", "O") + number[-1]
    response, html = page(client, typed)
    assert response.status_code == 200
    assert number in html and status_section(html)[1] == "有效"


def test_the_three_missing_answers_differ_from_each_other_in_english(client, issued_certificate):
    number = issued_certificate.number
    typo = number[:10] + ("7" if number[10] != "7" else "8") + number[11:]
    unknown = compose("33", 2025, 9_999_998) or compose("33", 2025, 9_999_997)
    headings = {status_section(page(client, n, lang="en")[1])[1] for n in (typo, "HELLO", unknown)}
    assert headings == {"Number mistyped", "Not a certificate number", "No such certificate"}


def test_a_renewed_certificate_links_to_the_certificate_that_succeeds_it(
    client, issued_certificate, issue
):
    successor = issue(reason_code="I02", renewed_from=issued_certificate)
    html = client.get(f"/verify/{issued_certificate.number}").content.decode()
    assert "已再认证" in html
    assert f'由新证书接续 <a href="/verify/{successor.number}">{successor.number}</a>' in html


# -- the issuing body's own number (机构证书编号) ----------------------------------------------------


def test_the_page_shows_the_body_number_beside_the_registry_number(client, issue):
    certificate = issue(body_number="SH-2026-GP-0042")
    _, html = page(client, certificate.number)
    card = html[: html.index("</section>")]
    assert f'<dd class="number">{certificate.number}</dd>' in card
    assert '<dd class="number">SH-2026-GP-0042</dd>' in card
    assert "机构证书编号" in card and "平台证书编号" in card
    _, html_en = page(client, certificate.number, lang="en")
    assert "Certificate number (issuing body)" in html_en
    assert "Registry number" in html_en


@pytest.mark.parametrize(
    "typed", ["SH-2026-GP-0042", "sh-2026-gp-0042", "ＳＨ－２０２６－ＧＰ－００４２"]
)
def test_the_body_number_opens_the_certificate_s_page(client, issue, typed):
    certificate = issue(body_number="SH-2026-GP-0042")
    response, html = page(client, typed)
    assert response.status_code == 200
    classes, _ = status_section(html)
    assert "status-01" in classes.split()
    assert certificate.number in html
    assert "按认证机构给出的机构证书编号查到" in html


def test_the_verify_box_takes_a_body_number(client, issue):
    certificate = issue(body_number="SH-2026-GP-0042")
    response = client.get("/", {"number": " sh-2026-gp-0042 "}, follow=True)
    assert response.status_code == 200
    assert certificate.number in response.content.decode()


def test_a_body_number_two_bodies_use_lists_both_with_body_and_link(client, sharing_a_body_number):
    response, html = page(client, "sh-2026-gp-0001")
    assert response.status_code == 200
    classes, heading = status_section(html)
    assert "status-several" in classes.split()
    assert heading == "多张证书使用此编号"
    assert "2 家认证机构各有一张证书使用此编号" in html
    choices = re.findall(r'<li class="card choice">(.*?)</li>', html, re.S)
    assert len(choices) == 2
    for choice, certificate in zip(choices, sharing_a_body_number, strict=True):
        assert certificate.body.name in choice
        assert certificate.body.approval_number in choice
        assert f'href="/verify/{certificate.number}"' in choice
        assert certificate.holder.name in choice
        assert "有效" in choice


def test_the_shared_body_number_page_reads_in_english(client, sharing_a_body_number):
    _, html = page(client, "SH-2026-GP-0001", lang="en")
    _, heading = status_section(html)
    assert heading == "Several certificates carry this number"
    assert "2 certification bodies each gave one of their certificates this number." in html


def test_a_number_that_is_neither_is_answered_not_a_certificate_number(client, issue):
    issue(body_number="SH-2026-GP-0042")
    response, html = page(client, "SH-2026-GP-0043")
    assert response.status_code == 400
    classes, _ = status_section(html)
    assert "status-malformed" in classes.split()
    assert "机构证书编号" in html


def test_a_body_number_holding_a_slash_opens_its_page_from_the_verify_box(client, issue):
    certificate = issue(body_number="SH/2026/GP-0042")
    response = client.get("/", {"number": "sh/2026/gp-0042"}, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == "/verify/sh/2026/gp-0042"
    assert certificate.number in response.content.decode()


def banner(html: str) -> str:
    """The status card at the top of the page, whole."""
    start = html.index('<section class="card status')
    return html[start : html.index("</section>", start)]


# status -> (the change at the top, its reason) for a certificate no longer valid
STATUS_CHANGES = {
    "02": ("暂停", "监督抽样检验不合格但无需撤销"),
    "03": ("撤销", "送检样品与实际产品不一致"),
    "04": ("注销", "持证人申请注销"),
    "05": ("过期失效", "证书有效期届满"),
}


@pytest.mark.parametrize("status", sorted(STATUS_CHANGES))
def test_the_top_of_the_page_says_when_and_why_the_status_changed(
    client, certificate_in_status, status
):
    certificate = certificate_in_status(status)
    last = certificate.events.order_by("-sequence").first()
    top = banner(page(client, certificate.number)[1])
    event, reason = STATUS_CHANGES[status]
    day = last.effective_at.astimezone(dt.timezone(dt.timedelta(hours=8))).date().isoformat()
    assert f"{day} {event}" in top
    assert f"原因：{reason}" in top or f"原因: {reason}" in top
    if status == "02":
        assert f"暂停至 {certificate.suspended_until.isoformat()}" in top


def test_a_valid_certificate_has_no_change_line_at_the_top(client, issued_certificate):
    assert "status-change" not in banner(page(client, issued_certificate.number)[1])


@pytest.mark.parametrize("status", sorted(STATUS_PAGES))
def test_the_status_icon_is_drawn_not_an_emoji(client, certificate_in_status, status):
    top = banner(page(client, certificate_in_status(status).number)[1])
    assert '<svg class="status-svg"' in top
    assert not any(glyph in top for glyph in "✔✖⏸")


def test_expired_and_cancelled_have_colours_of_their_own():
    css = (STATIC / "site.css").read_text()
    colour = {
        code: re.search(rf"\.status-{code} \{{ background: ([^;]+); \}}", css).group(1)
        for code in ("04", "05")
    }
    assert colour["04"] != colour["05"]
    charts = (STATIC / "charts.js").read_text()
    assert '"04": "#5f6368", "05": "#44546a"' in charts
    assert "--grey: #5f6368" in css and "--slate: #44546a" in css
