"""产业链上下游: citing certified upstream materials, the events it writes, what it refuses, and
the notices when an upstream certificate leaves force."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from django.core import mail

from greencert.certification import links
from greencert.certification.actions import (
    expire_due_certificates,
    revoke_certificate,
    suspend_certificate,
)
from greencert.certification.models import Certificate, SupplyChainLink
from greencert.core.actors import Actor
from greencert.core.errors import PermissionRefused, TransitionRefused, ValidationFailed
from greencert.core.tests.fixtures import LONG_AGO, events_of, in_days
from greencert.exchange.models import ApiClient
from greencert.parties.factory import EnterpriseFactory
from greencert.parties.models import CertificationBody, Enterprise, Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def supplier() -> Enterprise:
    return EnterpriseFactory.create(name="湖州树脂原料有限公司")


@pytest.fixture
def upstream(
    issue: Callable[..., Certificate],
    other_body: CertificationBody,
    other_body_staff: Actor,
    supplier: Enterprise,
) -> Certificate:
    """A material certificate of another holder, issued by another body."""
    return issue(holder=supplier, body=other_body, actor=other_body_staff)


@pytest.fixture
def downstream(issued_certificate: Certificate) -> Certificate:
    return issued_certificate


def test_linking_records_an_upstream_linked_event_that_keeps_the_status(
    body_staff: Actor, downstream: Certificate, upstream: Certificate
) -> None:
    link = links.link_upstream(
        body_staff, downstream, upstream.number, role="raw_material", share="35"
    )
    event = events_of(downstream)[-1]
    assert (event.event_type, event.status_before, event.status_after, event.reason_code) == (
        "upstream_linked",
        "01",
        "01",
        "L01",
    )
    assert event.payload == {"upstream": upstream.number, "role": "raw_material", "share": "35.00"}
    assert (link.upstream, link.role, link.share) == (upstream, "raw_material", Decimal("35.00"))
    assert link.linked_sequence == event.sequence
    downstream.refresh_from_db()
    assert downstream.last_event_sequence == event.sequence
    assert events_of(upstream)[-1].event_type == "issued"  # the upstream's log is untouched


def test_the_upstream_may_be_named_by_its_body_number(
    body_staff: Actor, downstream: Certificate, upstream: Certificate
) -> None:
    link = links.link_upstream(body_staff, downstream, upstream.body_number, role="component")
    assert link.upstream == upstream and link.share is None


def test_unlinking_records_an_upstream_unlinked_event_and_removes_the_link(
    body_staff: Actor, downstream: Certificate, upstream: Certificate
) -> None:
    links.link_upstream(body_staff, downstream, upstream.number, role="packaging")
    links.unlink_upstream(body_staff, downstream, upstream.number, reason_code="L03")
    event = events_of(downstream)[-1]
    assert (event.event_type, event.reason_code, event.status_after) == (
        "upstream_unlinked",
        "L03",
        "01",
    )
    assert event.payload == {"upstream": upstream.number, "role": "packaging"}
    assert not SupplyChainLink.objects.exists()


def test_unlinking_what_is_not_linked_is_refused(
    body_staff: Actor, downstream: Certificate, upstream: Certificate
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        links.unlink_upstream(body_staff, downstream, upstream.number)
    assert refused.value.code == "not_linked"
    assert "已关联的上游证书" in refused.value.message_zh
    assert len(events_of(downstream)) == 1


def test_a_certificate_cannot_cite_itself(body_staff: Actor, downstream: Certificate) -> None:
    with pytest.raises(ValidationFailed) as refused:
        links.link_upstream(body_staff, downstream, downstream.number, role="component")
    assert refused.value.code == "self_link"
    assert "cannot cite itself" in refused.value.message_en
    assert len(events_of(downstream)) == 1


def test_a_link_that_would_close_a_cycle_is_refused(
    body_staff: Actor,
    other_body_staff: Actor,
    downstream: Certificate,
    upstream: Certificate,
    issue: Callable[..., Certificate],
    other_body: CertificationBody,
) -> None:
    resin = issue(body=other_body, actor=other_body_staff)
    links.link_upstream(body_staff, downstream, upstream.number, role="raw_material")
    links.link_upstream(other_body_staff, upstream, resin.number, role="raw_material")
    with pytest.raises(ValidationFailed) as refused:
        links.link_upstream(other_body_staff, resin, downstream.number, role="component")
    assert refused.value.code == "cycle"
    assert "循环" in refused.value.message_zh and "cycle" in refused.value.message_en
    assert len(events_of(resin)) == 1


def test_an_unknown_number_is_refused_naming_it(body_staff: Actor, downstream: Certificate) -> None:
    with pytest.raises(ValidationFailed) as refused:
        links.link_upstream(body_staff, downstream, "NO-SUCH-CERT-1", role="component")
    assert (refused.value.field, refused.value.value, refused.value.code) == (
        "upstream",
        "NO-SUCH-CERT-1",
        "unknown_certificate",
    )
    assert len(events_of(downstream)) == 1


def test_the_same_upstream_cannot_be_cited_twice(
    body_staff: Actor, downstream: Certificate, upstream: Certificate
) -> None:
    links.link_upstream(body_staff, downstream, upstream.number, role="component")
    with pytest.raises(ValidationFailed) as refused:
        links.link_upstream(body_staff, downstream, upstream.body_number, role="packaging")
    assert refused.value.code == "already_linked"


def test_another_bodys_staff_may_not_link_a_certificate_it_did_not_issue(
    other_body_staff: Actor, downstream: Certificate, upstream: Certificate
) -> None:
    with pytest.raises(PermissionRefused) as refused:
        links.link_upstream(other_body_staff, downstream, upstream.number, role="component")
    assert "颁证机构" in refused.value.message_zh
    assert len(events_of(downstream)) == 1


@pytest.mark.parametrize("who", ["holder", "regulator", "alliance", "nobody"])
def test_only_the_issuing_body_links(
    who: str,
    enterprise_user: Actor,
    zhejiang_regulator: Actor,
    alliance_admin: Actor,
    plain_user: Actor,
    downstream: Certificate,
    upstream: Certificate,
) -> None:
    actor = {
        "holder": enterprise_user,
        "regulator": zhejiang_regulator,
        "alliance": alliance_admin,
        "nobody": plain_user,
    }[who]
    with pytest.raises(PermissionRefused):
        links.link_upstream(actor, downstream, upstream.number, role="component")


def test_the_bodys_own_system_links_its_certificates(
    body: CertificationBody, downstream: Certificate, upstream: Certificate
) -> None:
    client = ApiClient.objects.create(name="body-system", scopes=["certify"], body=body)
    links.link_upstream(Actor.for_client(client), downstream, upstream.number, role="component")
    assert events_of(downstream)[-1].actor_label == "client:body-system"


def test_an_upstream_no_longer_valid_cannot_be_cited(
    body_staff: Actor, other_body_staff: Actor, downstream: Certificate, upstream: Certificate
) -> None:
    suspend_certificate(other_body_staff, upstream, reason_code="S01", until=in_days(30))
    with pytest.raises(TransitionRefused) as refused:
        links.link_upstream(body_staff, downstream, upstream.number, role="component")
    assert refused.value.code == "upstream_not_valid"
    assert "暂停" in refused.value.message_zh


def test_a_revoked_downstream_cannot_cite_but_can_drop_its_links(
    body_staff: Actor,
    downstream: Certificate,
    upstream: Certificate,
    issue: Callable[..., Certificate],
) -> None:
    links.link_upstream(body_staff, downstream, upstream.number, role="component")
    revoke_certificate(body_staff, downstream, reason_code="R02")
    other = issue()
    with pytest.raises(TransitionRefused):
        links.link_upstream(body_staff, downstream, other.number, role="component")
    links.unlink_upstream(body_staff, downstream, upstream.number)
    assert events_of(downstream)[-1].event_type == "upstream_unlinked"


@pytest.mark.parametrize(
    ("role", "share", "field"),
    [("glue", None, "role"), ("component", "0", "share"), ("component", "120", "share")],
)
def test_unknown_roles_and_impossible_shares_are_refused(
    body_staff: Actor,
    downstream: Certificate,
    upstream: Certificate,
    role: str,
    share: str | None,
    field: str,
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        links.link_upstream(body_staff, downstream, upstream.number, role=role, share=share)
    assert refused.value.field == field
    assert len(events_of(downstream)) == 1


def test_shares_may_not_add_up_to_more_than_the_whole(
    body_staff: Actor,
    other_body_staff: Actor,
    other_body: CertificationBody,
    downstream: Certificate,
    upstream: Certificate,
    issue: Callable[..., Certificate],
) -> None:
    second = issue(body=other_body, actor=other_body_staff)
    links.link_upstream(body_staff, downstream, upstream.number, role="raw_material", share="70")
    with pytest.raises(ValidationFailed) as refused:
        links.link_upstream(body_staff, downstream, second.number, role="component", share="40")
    assert refused.value.field == "share"
    assert "70" in refused.value.message_zh


@pytest.fixture
def linked_parties(
    make_actor: Callable[..., Actor],
    body: CertificationBody,
    holder: Enterprise,
    body_staff: Actor,
    downstream: Certificate,
    upstream: Certificate,
) -> Certificate:
    """The downstream holder's user and body's staff have mail addresses; the link exists."""
    for name, role, scope in (
        ("maker", Role.ENTERPRISE, {"enterprise": holder}),
        ("auditor", Role.BODY_STAFF, {"body": body}),
    ):
        actor = make_actor(name, role, **scope)
        actor.user.email = f"{name}@example.test"
        actor.user.save()
    links.link_upstream(body_staff, downstream, upstream.number, role="raw_material")
    mail.outbox.clear()
    return upstream


@pytest.mark.django_db(transaction=True)
def test_suspending_the_upstream_tells_the_downstream_holder_and_body(
    linked_parties: Certificate, other_body_staff: Actor, downstream: Certificate
) -> None:
    suspend_certificate(other_body_staff, linked_parties, reason_code="S01", until=in_days(30))
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert sorted(message.to) == ["auditor@example.test", "maker@example.test"]
    assert downstream.number in message.subject and "上游证书暂停" in message.subject
    assert linked_parties.number in message.body
    downstream.refresh_from_db()
    assert downstream.status == "01"  # nothing is done to the downstream certificate


@pytest.mark.django_db(transaction=True)
def test_revoking_the_upstream_tells_them_too(
    linked_parties: Certificate, other_body_staff: Actor
) -> None:
    revoke_certificate(other_body_staff, linked_parties, reason_code="R03")
    assert [m.subject.split(" / ")[1] for m in mail.outbox] == ["upstream certificate revoked"]


def test_no_notice_is_sent_before_the_change_commits(
    linked_parties: Certificate, other_body_staff: Actor
) -> None:
    # In a test transaction that never commits, the on-commit notice never leaves.
    suspend_certificate(other_body_staff, linked_parties, reason_code="S01", until=in_days(30))
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_the_expiry_job_notices_too(
    issue: Callable[..., Certificate],
    body_staff: Actor,
    downstream: Certificate,
    make_actor: Callable[..., Actor],
    holder: Enterprise,
) -> None:
    clerk = make_actor("maker", Role.ENTERPRISE, enterprise=holder)
    clerk.user.email = "maker@example.test"
    clerk.user.save()
    old = issue(issue_date=LONG_AGO, holder=EnterpriseFactory.create())
    SupplyChainLink.objects.create(
        downstream=downstream, upstream=old, role="component", linked_sequence=0
    )
    mail.outbox.clear()
    assert expire_due_certificates() == 1
    assert [m.to for m in mail.outbox] == [["maker@example.test"]]


def test_the_chain_reads_both_ways_with_current_statuses(
    body_staff: Actor, other_body_staff: Actor, downstream: Certificate, upstream: Certificate
) -> None:
    links.link_upstream(body_staff, downstream, upstream.number, role="raw_material", share=40)
    suspend_certificate(other_body_staff, upstream, reason_code="S01", until=in_days(30))
    (row,) = links.chain_of(downstream)["upstream"]
    assert (row.number, row.status, row.flagged, row.share) == (
        upstream.number,
        "02",
        True,
        Decimal("40.00"),
    )
    (back,) = links.chain_of(upstream)["downstream"]
    assert (back.number, back.status, back.flagged) == (downstream.number, "01", False)
    assert links.chain_of(upstream)["upstream"] == []
