"""No page a person reads shows an internal identifier: the words on every public page of a seeded
demo, in both languages, are checked against the patterns of the codes and keys the system keeps
for itself. Codes a professional needs (certificate numbers, credit codes, approval numbers)
stand beside words and are not among them; attributes (links, titles) are not read text."""

from __future__ import annotations

import html
import io
import re

import pytest
from django.core.management import call_command
from django.test import Client

from greencert.certification.models import Certificate
from greencert.supervision.models import BlacklistEntry, InspectionPlan

pytestmark = pytest.mark.django_db

# Internal identifiers that must never be read text (attributes may carry them).
INTERNAL = {
    "actor label": r"\b(?:user|system|client):[\w-]+",
    "drawn object key": r"\b(?:certificate|enterprise|body):[A-Z0-9]",
    "criterion comparator": r"\bone_of\b",
    "value or document id": r"\b(?:test_report|water_intake|not_detected|self_evaluation)\b",
    "scheme id with version": r"\bcgp-[a-z0-9-]+@\d",
    "log sequence as #n": r"(?<![\w&])#\d{2,}\b",
    "bilingual state pair": r"已抽取 drawn",
}


def read_text(page: str) -> str:
    """What a person reads: the body without scripts, styles and tags."""
    body = page[page.find("<body") :]
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    body = re.sub(r"<[^>]+>", " ", body)
    return html.unescape(body)


@pytest.fixture
def demo() -> list[str]:
    call_command("seed", certificates=300, seed=2021, stdout=io.StringIO())
    call_command("demo_setup", stdout=io.StringIO())
    call_command("seed_supervision", stdout=io.StringIO())
    certificates = [
        Certificate.objects.filter(status=status).order_by("id").first()
        for status in ("01", "02", "03", "04", "05")
    ]
    numbers = [c.number for c in certificates if c is not None]
    plans = [p.code for p in InspectionPlan.objects.exclude(state="draft")]
    listed = BlacklistEntry.objects.exclude(enterprise=None).first()
    pages = [
        "/",
        "/search?q=涂料",
        "/catalog/",
        "/schemes/",
        "/statistics/",
        "/open-data/",
        "/transparency-log",
        "/supervision/blacklist/",
        "/supervision/inspections/",
        "/supervision/complaints/new/",
        "/supervision/complaints/track/",
        "/working-group/",
        "/alliance/",
        "/announcements/",
        "/recognition/",
        "/login/",
        "/no-such-page/",
        *[f"/verify/{n}" for n in numbers],
        *[f"/supervision/inspections/{code}/" for code in plans],
    ]
    if listed is not None:
        pages.append(f"/supervision/credit/{listed.enterprise.credit_code}/")
    return pages


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_no_public_page_shows_an_internal_identifier(demo, language):
    client = Client()
    found = []
    for path in demo:
        separator = "&" if "?" in path else "?"
        response = client.get(f"{path}{separator}lang={language}")
        assert response.status_code in (200, 404), (path, response.status_code)
        text = read_text(response.content.decode())
        for name, pattern in INTERNAL.items():
            for match in re.finditer(pattern, text):
                start = max(match.start() - 40, 0)
                found.append(f"{path}: {name}: …{text[start : match.end() + 40]!r}…")
    assert not found, "\n".join(found)


def test_no_office_page_shows_an_internal_identifier(demo):
    from django.contrib.auth import get_user_model

    from greencert.portal.site_pages import site_pages

    call_command("seed_workflow", stdout=io.StringIO())
    office = [page for page in site_pages() if page.account]
    assert {page.account for page in office} == {"regulator-js", "body-reviewer", "enterprise"}
    users = get_user_model().objects.in_bulk([p.account for p in office], field_name="username")
    found = []
    for page, language in [(p, lang) for p in office for lang in ("zh-hans", "en")]:
        client = Client()
        client.force_login(users[page.account])
        separator = "&" if "?" in page.path else "?"
        response = client.get(f"{page.path}{separator}lang={language}")
        assert response.status_code == 200, (page.path, page.account, response.status_code)
        text = read_text(response.content.decode())
        for name, pattern in INTERNAL.items():
            for match in re.finditer(pattern, text):
                start = max(match.start() - 40, 0)
                found.append(
                    f"{page.path} ({page.account}): {name}: …{text[start : match.end() + 40]!r}…"
                )
    assert not found, "\n".join(found)
