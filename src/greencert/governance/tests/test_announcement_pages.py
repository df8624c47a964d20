"""The public announcement pages, the signed file, the Atom feed, the API and the verify command."""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone

from greencert.certification.actions import suspend_certificate
from greencert.certification.models import Certificate
from greencert.core.actors import Actor
from greencert.core.tests.fixtures import in_days
from greencert.governance.announcements import draft_announcement, publish_announcement
from greencert.governance.models import Announcement
from greencert.marks.keys import did_document

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def published(jiangsu_regulator: Actor, issue: Callable[..., Certificate]) -> Announcement:
    draft = draft_announcement(
        jiangsu_regulator,
        title="关于发布首批长三角绿色认证获证组织名单的公告",
        title_en="The first organisations certified under YRD green certification",
        announced_on=timezone.localdate(),
        body="现将首批获证组织名单公告如下。",
        certificates=[issue(), issue()],
    )
    return publish_announcement(jiangsu_regulator, draft)


def test_the_list_shows_published_announcements_only(
    client: Client, published: Announcement, jiangsu_regulator: Actor
) -> None:
    draft_announcement(
        jiangsu_regulator, title="尚未发布的草稿", announced_on=timezone.localdate(), body="正文"
    )
    page = client.get("/announcements/").content.decode()
    assert published.title in page
    assert "尚未发布的草稿" not in page


def test_a_draft_has_no_public_page(client: Client, jiangsu_regulator: Actor) -> None:
    draft = draft_announcement(
        jiangsu_regulator, title="草稿", announced_on=timezone.localdate(), body="正文"
    )
    assert client.get(f"/announcements/{draft.slug}/").status_code == 404
    assert client.get(f"/api/v1/announcements/{draft.slug}").status_code == 404


def test_the_page_lists_each_certificate_with_its_status(
    client: Client, published: Announcement
) -> None:
    page = client.get(f"/announcements/{published.slug}/").content.decode()
    for item in published.items.select_related("certificate", "enterprise"):
        assert item.certificate.number in page
        assert item.enterprise.name in page
    assert "有效" in page
    assert "状态已发生变化" not in page and "At publication" not in page


def test_a_certificate_suspended_after_publication_shows_both_statuses(
    client: Client, published: Announcement, body_staff: Actor
) -> None:
    certificate = published.items.get(position=1).certificate
    assert certificate is not None
    suspend_certificate(body_staff, certificate, reason_code="S01", until=in_days(30))
    page = client.get(f"/announcements/{published.slug}/?lang=en").content.decode()
    assert "Now: suspended" in page
    assert "At publication: valid" in page
    published.refresh_from_db()
    assert published.content["items"][0]["certificate"]["status"]["code"] == "01"


def test_the_signed_file_downloads_and_verifies_offline(
    client: Client, published: Announcement, tmp_path: Path
) -> None:
    response = client.get(f"/announcements/{published.slug}/announcement.jwt")
    assert response["Content-Type"] == "application/jose"
    assert f"announcement-{published.slug}.jwt" in response["Content-Disposition"]
    signed = tmp_path / "a.jwt"
    signed.write_bytes(response.content)
    keys = tmp_path / "did.json"
    keys.write_text(json.dumps(did_document()), encoding="utf-8")
    out = io.StringIO()
    call_command("announcement", "verify", str(signed), "--keys", str(keys), stdout=out)
    text = out.getvalue()
    assert "✓ signature" in text
    assert published.number in text
    assert published.items.first().certificate.number in text
    assert text.rstrip().endswith("announcement verified")


def test_the_verify_command_rejects_a_tampered_file(
    published: Announcement, tmp_path: Path
) -> None:
    header, payload, signature = published.signed.split(".")
    tampered = tmp_path / "tampered.jwt"
    tampered.write_text(f"{header}.{payload[:-4]}AAAA.{signature}", encoding="ascii")
    with pytest.raises(CommandError, match="NOT verified"):
        call_command("announcement", "verify", str(tampered), stdout=io.StringIO())


def test_the_verify_command_rejects_keys_of_another_node(
    published: Announcement, tmp_path: Path
) -> None:
    signed = tmp_path / "a.jwt"
    signed.write_text(published.signed, encoding="ascii")
    other = tmp_path / "jwks.json"
    other.write_text(
        json.dumps(
            {
                "keys": [
                    {"kty": "OKP", "crv": "Ed25519", "x": "AA", "kid": "did:web:elsewhere#key-1"}
                ]
            }
        )
    )
    with pytest.raises(CommandError, match="issuer key"):
        call_command(
            "announcement", "verify", str(signed), "--keys", str(other), stdout=io.StringIO()
        )


def test_export_writes_the_signed_file(published: Announcement, tmp_path: Path) -> None:
    output = tmp_path / "out.jwt"
    call_command("announcement", "export", published.slug, "-o", str(output), stdout=io.StringIO())
    assert output.read_text(encoding="ascii").strip() == published.signed


def test_the_atom_feed_lists_published_announcements(
    client: Client, published: Announcement
) -> None:
    response = client.get("/announcements/feed.atom")
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    assert feed.tag == f"{ATOM}feed"
    [entry] = feed.findall(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}title") == f"{published.number} {published.title}"
    link = entry.find(f"{ATOM}link")
    assert link is not None and link.get("href", "").endswith(f"/announcements/{published.slug}/")
    assert entry.findtext(f"{ATOM}author/{ATOM}name") == "江苏省市场监督管理部门"


def test_the_api_lists_and_returns_announcements(client: Client, published: Announcement) -> None:
    [summary] = client.get("/api/v1/announcements").json()
    assert summary["id"] == published.slug
    assert summary["number"] == published.number
    detail = client.get(f"/api/v1/announcements/{published.slug}").json()
    assert detail["signed"] == published.signed
    assert detail["content"]["items"][0]["certificate"]["status"]["code"] == "01"
    assert set(detail["current_statuses"].values()) == {"01"}


def test_the_office_is_for_provincial_regulators(
    client: Client, huzhou_regulator: Actor, jiangsu_regulator: Actor
) -> None:
    client.force_login(huzhou_regulator.user)
    assert client.get("/announcements/office/").status_code == 403
    client.force_login(jiangsu_regulator.user)
    assert client.get("/announcements/office/").status_code == 200


def test_the_office_form_drafts_and_publishes(
    client: Client, jiangsu_regulator: Actor, issued_certificate: Certificate
) -> None:
    client.force_login(jiangsu_regulator.user)
    response = client.post(
        "/announcements/office/",
        {
            "idempotency_key": "k1",
            "title": "首批获证组织",
            "announced_on": timezone.localdate().isoformat(),
            "body": "名单如下。",
            "certificates": f"{issued_certificate.number.lower()}\n",
        },
    )
    draft = Announcement.objects.get()
    assert response.status_code == 302
    assert draft.items.get().certificate == issued_certificate
    response = client.post(
        f"/announcements/office/{draft.slug}/publish/", {"idempotency_key": "k2"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/announcements/{draft.slug}/"
    draft.refresh_from_db()
    assert draft.is_published


def test_an_unknown_certificate_number_is_named_on_the_form(
    client: Client, jiangsu_regulator: Actor
) -> None:
    client.force_login(jiangsu_regulator.user)
    response = client.post(
        "/announcements/office/?lang=en",
        {
            "idempotency_key": "k1",
            "title": "首批获证组织",
            "announced_on": timezone.localdate().isoformat(),
            "body": "名单如下。",
            "certificates": "GC0000000000000X",
        },
    )
    assert response.status_code == 400
    assert "GC0000000000000X" in response.content.decode()
    assert not Announcement.objects.exists()


@pytest.fixture
def office_draft(jiangsu_regulator: Actor, issue: Callable[..., Certificate]) -> Announcement:
    return draft_announcement(
        jiangsu_regulator,
        title="首批获证组织",
        announced_on=timezone.localdate(),
        body="名单如下。",
        certificates=[issue()],
    )


def edit_data(**changes: str) -> dict[str, str]:
    return {
        "edit-idempotency_key": "e1",
        "edit-title": "修订后的首批获证组织",
        "edit-title_en": "The first certified organisations, revised",
        "edit-announced_on": timezone.localdate().isoformat(),
        "edit-body": "修订后的名单如下。",
        "edit-certificates": "",
        "edit-enterprises": "",
    } | changes


def test_the_draft_page_shows_the_edit_form_filled_with_the_draft(
    client: Client, jiangsu_regulator: Actor, office_draft: Announcement
) -> None:
    client.force_login(jiangsu_regulator.user)
    page = client.get(f"/announcements/office/{office_draft.slug}/").content.decode()
    assert 'id="edit-form"' in page
    assert 'value="首批获证组织"' in page
    assert office_draft.items.get().certificate.number in page


def test_the_edit_form_revises_the_draft(
    client: Client,
    jiangsu_regulator: Actor,
    office_draft: Announcement,
    issued_certificate: Certificate,
) -> None:
    client.force_login(jiangsu_regulator.user)
    response = client.post(
        f"/announcements/office/{office_draft.slug}/",
        edit_data(**{"edit-certificates": issued_certificate.number}),
    )
    assert response.status_code == 302
    assert response["Location"] == f"/announcements/office/{office_draft.slug}/"
    office_draft.refresh_from_db()
    assert office_draft.title == "修订后的首批获证组织"
    assert office_draft.body == "修订后的名单如下。"
    assert [i.certificate for i in office_draft.items.all()] == [issued_certificate]


def test_the_edit_form_shows_the_actions_refusal(
    client: Client, jiangsu_regulator: Actor, office_draft: Announcement
) -> None:
    client.force_login(jiangsu_regulator.user)
    other_year = f"{office_draft.year + 1}-01-01"
    response = client.post(
        f"/announcements/office/{office_draft.slug}/?lang=en",
        edit_data(**{"edit-announced_on": other_year}),
    )
    assert response.status_code == 400
    assert f"a date in {office_draft.year}" in response.content.decode()
    office_draft.refresh_from_db()
    assert office_draft.title == "首批获证组织"


def test_a_published_announcement_has_no_edit_form_and_refuses_an_edit(
    client: Client, jiangsu_regulator: Actor, published: Announcement
) -> None:
    client.force_login(jiangsu_regulator.user)
    page = client.get(f"/announcements/office/{published.slug}/").content.decode()
    assert 'id="edit-form"' not in page
    response = client.post(f"/announcements/office/{published.slug}/?lang=en", edit_data())
    assert response.status_code == 409
    assert "is published and frozen" in response.content.decode()
    published.refresh_from_db()
    assert published.title == "关于发布首批长三角绿色认证获证组织名单的公告"


def test_only_a_provincial_regulator_edits_a_draft(
    client: Client, huzhou_regulator: Actor, office_draft: Announcement
) -> None:
    client.force_login(huzhou_regulator.user)
    response = client.post(f"/announcements/office/{office_draft.slug}/", edit_data())
    assert response.status_code == 403
    office_draft.refresh_from_db()
    assert office_draft.title == "首批获证组织"
