"""A real browser: a body's staff cites an upstream material certificate in the office, the
public verify pages show the link both ways, the upstream's body suspends it, and the downstream
verify page flags the link while its holder is told by mail. Screenshots go to test-artifacts/.

Runs on both engines as a transactional test, like ``test_browser_workflow``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail

from greencert.certification.models import Certificate, SupplyChainLink
from greencert.core.actors import Actor
from greencert.core.tests.browser import ARTIFACTS, PASSWORD, Session
from greencert.core.tests.fixtures import in_days
from greencert.parties.factory import EnterpriseFactory
from greencert.parties.models import CertificationBody, Enterprise, Role

pytestmark = [pytest.mark.django_db(transaction=True)]


def person(make_actor: Callable[..., Actor], name: str, role: str, **scope: Any) -> Actor:
    actor = make_actor(name, role, **scope)
    actor.user.email = f"{name}@example.test"
    actor.user.is_staff = True
    actor.user.set_password(PASSWORD)
    actor.user.save()
    return actor


def test_a_supply_chain_link_is_shown_both_ways_and_flagged_when_the_upstream_is_suspended(
    live_server: Any,
    browser: Any,
    make_actor: Callable[..., Actor],
    issue: Callable[..., Certificate],
    body: CertificationBody,
    other_body: CertificationBody,
    holder: Enterprise,
) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    base = live_server.url
    maker = person(make_actor, "maker", Role.BODY_STAFF, body=body)
    supplier = person(make_actor, "supplier", Role.BODY_STAFF, body=other_body)
    person(make_actor, "holder-clerk", Role.ENTERPRISE, enterprise=holder)
    product = issue(actor=maker)
    resin = issue(body=other_body, actor=supplier, holder=EnterpriseFactory.create(name="树脂厂"))

    office = Session(browser, base, shots="links-", username="maker")
    page = office.open(f"/office/certificates/{product.number}/")
    page.click("#supply-chain-link")
    page.wait_for_url(f"**/office/certificates/{product.number}/supply-chain/")
    page.fill("#add-upstream #id_upstream", resin.body_number)
    page.select_option("#add-upstream #id_role", "raw_material")
    page.fill("#add-upstream #id_share", "40")
    page.click("#add-upstream button[type=submit]")
    page.wait_for_load_state()
    assert page.locator(".error, .form-errors").count() == 0
    assert resin.number in page.locator("#upstream-links").inner_text()
    office.shot("01-office-linked")
    office.close()
    assert SupplyChainLink.objects.filter(downstream=product, upstream=resin).exists()

    public = Session(browser, base, shots="links-", phone=True)
    page = public.open(f"/verify/{product.number}")
    upstream = page.locator("#supply-chain-upstream").inner_text()
    assert resin.number in upstream and "原材料" in upstream and "40%" in upstream
    assert "上游证书已" not in page.content()
    public.shot("02-verify-downstream")
    page = public.open(f"/verify/{resin.number}")
    assert product.number in page.locator("#supply-chain-downstream").inner_text()
    public.shot("03-verify-upstream")

    mail.outbox.clear()
    upstream_body = Session(browser, base, shots="links-", username="supplier")
    page = upstream_body.open(f"/office/certificates/{resin.number}/")
    page.click("#action-suspend summary")
    page.select_option("#action-suspend select[name=reason_code]", "S01")
    page.fill("#action-suspend input[name=until]", in_days(30).isoformat())
    page.click("#action-suspend button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("#status").inner_text().strip() == "暂停"
    upstream_body.shot("04-upstream-suspended")
    upstream_body.close()

    page = public.open(f"/verify/{product.number}")
    flagged = page.locator("#supply-chain-upstream li.flagged")
    assert flagged.count() == 1
    assert "上游证书已暂停" in flagged.inner_text()
    assert page.locator("h1#status-heading").inner_text().strip() == "有效"  # not revoked
    public.shot("05-verify-flagged")
    public.close()

    to_holder = [m for m in mail.outbox if "holder-clerk@example.test" in m.to]
    assert len(to_holder) == 1
    assert product.number in to_holder[0].subject and "上游证书暂停" in to_holder[0].subject
    assert resin.number in to_holder[0].body
    assert any("maker@example.test" in m.to for m in mail.outbox)
