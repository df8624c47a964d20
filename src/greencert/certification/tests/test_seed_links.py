"""``greencert seed_links`` makes the demo's shared audit and supply chain, once."""

from __future__ import annotations

from collections.abc import Callable
from io import StringIO

import pytest
from django.core.management import call_command

from greencert.catalog.models import Category
from greencert.certification.models import Audit, Certificate, SupplyChainLink
from greencert.parties.factory import CertificationBodyFactory, EnterpriseFactory
from greencert.parties.models import RoleAssignment

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry(
    issue: Callable[..., Certificate], furniture, coatings, make_actor, django_user_model
) -> None:
    """A demo enterprise account, a furniture certificate and two material certificates."""
    wood = Category.objects.get(code="wood-panels")
    maker = CertificationBodyFactory.create(categories=[furniture, wood, coatings])
    enterprise = EnterpriseFactory.create()
    user = django_user_model.objects.create_user(username="enterprise")
    RoleAssignment.objects.create(user=user, role="enterprise", enterprise=enterprise)
    staff = make_actor("maker-staff", "body_staff", body=maker)
    issue(body=maker, actor=staff, category=furniture, certification_unit="实木家具")
    issue(
        body=maker,
        actor=staff,
        category=wood,
        certification_unit="人造板",
        holder=EnterpriseFactory.create(),
    )
    issue(body=maker, actor=staff, holder=EnterpriseFactory.create())


def test_seed_links_makes_a_pair_and_a_flagged_chain_and_is_idempotent(registry) -> None:
    out = StringIO()
    call_command("seed_links", stdout=out)
    pair = Audit.objects.get().certificates.order_by("id")
    assert [c.programme for c in pair] == ["national", "yrd"]
    downstream = SupplyChainLink.objects.values_list("downstream__category__code", flat=True)
    assert list(downstream) == ["furniture", "furniture"]
    statuses = sorted(SupplyChainLink.objects.values_list("upstream__status", flat=True))
    assert statuses == ["01", "02"]
    assert f"/verify/{pair[0].number}" in out.getvalue()
    again = StringIO()
    call_command("seed_links", stdout=again)
    assert (Audit.objects.count(), SupplyChainLink.objects.count()) == (1, 2)
    assert again.getvalue() == out.getvalue()
