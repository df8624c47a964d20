"""Drafting and publishing announcements (公告) through the actions: who may, what is frozen,
what is signed."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.utils import timezone

from greencert.certification.actions import suspend_certificate
from greencert.certification.models import Certificate
from greencert.core.actors import Actor
from greencert.core.errors import PermissionRefused, TransitionRefused, ValidationFailed
from greencert.core.tests.fixtures import in_days
from greencert.governance.announcements import (
    draft_announcement,
    publish_announcement,
    revise_announcement,
)
from greencert.governance.models import Announcement
from greencert.governance.offline import verify_announcement
from greencert.marks.keys import public_jwks
from greencert.parties.factory import EnterpriseFactory
from greencert.parties.models import Enterprise

pytestmark = pytest.mark.django_db

TITLE = "关于发布首批长三角绿色认证获证组织名单的公告"


@pytest.fixture
def draft(jiangsu_regulator: Actor, issue: Callable[..., Certificate]) -> Announcement:
    return draft_announcement(
        jiangsu_regulator,
        title=TITLE,
        announced_on=timezone.localdate(),
        body="经认证机构认证，现将首批获证组织名单公告如下。",
        certificates=[issue(), issue()],
    )


def _trusted() -> dict[str, dict]:
    return {k["kid"]: k for k in public_jwks()["keys"]}


def test_a_draft_is_numbered_the_next_of_its_year(
    draft: Announcement, jiangsu_regulator: Actor
) -> None:
    second = draft_announcement(
        jiangsu_regulator, title="第二号", announced_on=draft.announced_on, body="正文"
    )
    assert (draft.serial, second.serial) == (1, 2)
    assert draft.number == f"长三角绿色认证公告 {draft.year}年第1号"
    assert draft.state == Announcement.State.DRAFT


def test_a_draft_lists_each_certificate_with_its_holder(draft: Announcement) -> None:
    items = list(draft.items.select_related("certificate", "enterprise"))
    assert [i.position for i in items] == [1, 2]
    assert all(i.enterprise_id == i.certificate.holder_id for i in items)


def test_organisations_without_a_certificate_are_listed_after_the_certificates(
    jiangsu_regulator: Actor, issued_certificate: Certificate
) -> None:
    other: Enterprise = EnterpriseFactory.create()
    draft = draft_announcement(
        jiangsu_regulator,
        title=TITLE,
        announced_on=timezone.localdate(),
        body="正文",
        certificates=[issued_certificate],
        enterprises=[issued_certificate.holder, other],
    )
    assert [(i.enterprise_id, i.certificate_id) for i in draft.items.all()] == [
        (issued_certificate.holder_id, issued_certificate.pk),
        (other.pk, None),
    ]


def test_only_a_provincial_regulator_drafts(
    huzhou_regulator: Actor, body_staff: Actor, alliance_admin: Actor
) -> None:
    for outsider in (huzhou_regulator, body_staff, alliance_admin):
        with pytest.raises(PermissionRefused) as refused:
            draft_announcement(
                outsider, title=TITLE, announced_on=timezone.localdate(), body="正文"
            )
        assert refused.value.field == "actor"
    assert not Announcement.objects.exists()


def test_a_certificate_that_is_not_valid_cannot_be_announced(
    jiangsu_regulator: Actor, certificate_in_status: Callable[[str], Certificate]
) -> None:
    revoked = certificate_in_status("03")
    with pytest.raises(ValidationFailed) as refused:
        draft_announcement(
            jiangsu_regulator,
            title=TITLE,
            announced_on=timezone.localdate(),
            body="正文",
            certificates=[revoked],
        )
    assert (refused.value.field, refused.value.value) == ("certificates", revoked.number)
    assert not Announcement.objects.exists()


def test_a_number_already_used_that_year_is_refused(
    draft: Announcement, jiangsu_regulator: Actor
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        draft_announcement(
            jiangsu_regulator, title="重号", announced_on=draft.announced_on, body="正文", serial=1
        )
    assert refused.value.field == "serial"


def test_publishing_freezes_and_signs_the_announcement(
    draft: Announcement, jiangsu_regulator: Actor
) -> None:
    published = publish_announcement(jiangsu_regulator, draft)
    assert published.state == Announcement.State.PUBLISHED
    assert published.publisher == "江苏省市场监督管理部门"
    assert published.published_by == jiangsu_regulator.user
    checks, payload = verify_announcement(published.signed, _trusted())
    assert all(c.ok for c in checks), checks
    assert payload == published.content
    assert payload["number"] == published.number
    assert [i["certificate"]["status"]["code"] for i in payload["items"]] == ["01", "01"]


def test_a_published_announcement_cannot_be_revised_or_published_again(
    draft: Announcement, jiangsu_regulator: Actor
) -> None:
    publish_announcement(jiangsu_regulator, draft)
    with pytest.raises(TransitionRefused):
        revise_announcement(
            jiangsu_regulator, draft, title="改", announced_on=draft.announced_on, body="改"
        )
    with pytest.raises(TransitionRefused):
        publish_announcement(jiangsu_regulator, draft)
    draft.refresh_from_db()
    assert draft.title == TITLE


def test_a_draft_can_be_revised(draft: Announcement, jiangsu_regulator: Actor) -> None:
    revised = revise_announcement(
        jiangsu_regulator,
        draft,
        title="修订后的标题",
        announced_on=draft.announced_on,
        body="新正文",
    )
    assert (revised.title, revised.body, revised.items.count()) == ("修订后的标题", "新正文", 0)


def test_only_a_provincial_regulator_publishes(
    draft: Announcement, huzhou_regulator: Actor, zhejiang_regulator: Actor
) -> None:
    with pytest.raises(PermissionRefused):
        publish_announcement(huzhou_regulator, draft)
    published = publish_announcement(zhejiang_regulator, draft)
    assert published.publisher == "浙江省市场监督管理部门"


def test_an_announcement_listing_nothing_is_not_published(jiangsu_regulator: Actor) -> None:
    empty = draft_announcement(
        jiangsu_regulator, title=TITLE, announced_on=timezone.localdate(), body="正文"
    )
    with pytest.raises(ValidationFailed) as refused:
        publish_announcement(jiangsu_regulator, empty)
    assert refused.value.field == "items"


def test_a_certificate_suspended_while_in_draft_stops_the_publication(
    draft: Announcement, jiangsu_regulator: Actor, body_staff: Actor
) -> None:
    certificate = draft.items.get(position=1).certificate
    assert certificate is not None
    suspend_certificate(body_staff, certificate, reason_code="S01", until=in_days(30))
    with pytest.raises(ValidationFailed):
        publish_announcement(jiangsu_regulator, draft)
    draft.refresh_from_db()
    assert draft.state == Announcement.State.DRAFT and not draft.signed


def test_a_tampered_announcement_does_not_verify(
    draft: Announcement, jiangsu_regulator: Actor
) -> None:
    import base64
    import json

    token = publish_announcement(jiangsu_regulator, draft).signed
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["items"] = claims["items"][:1]
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    checks, content = verify_announcement(f"{header}.{forged}.{signature}", _trusted())
    assert content is None
    assert [c.name for c in checks if c.ok is False] == ["signature"]


def test_only_a_provincial_regulator_revises_a_draft(
    draft: Announcement, huzhou_regulator: Actor
) -> None:
    with pytest.raises(PermissionRefused):
        revise_announcement(
            huzhou_regulator, draft, title="改", announced_on=draft.announced_on, body="改"
        )
    draft.refresh_from_db()
    assert draft.title == TITLE


def test_a_revision_needs_a_title_and_a_date_in_the_announcements_year(
    draft: Announcement, jiangsu_regulator: Actor
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        revise_announcement(
            jiangsu_regulator, draft, title=" ", announced_on=draft.announced_on, body="改"
        )
    assert refused.value.field == "title"
    next_year = draft.announced_on.replace(year=draft.year + 1, month=1, day=1)
    with pytest.raises(ValidationFailed) as refused:
        revise_announcement(jiangsu_regulator, draft, title="改", announced_on=next_year, body="改")
    assert refused.value.field == "announced_on"
    draft.refresh_from_db()
    assert draft.title == TITLE
