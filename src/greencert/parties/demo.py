"""Demo accounts: the people every demo command logs in as, all with one password."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model

from greencert.core.actors import Actor
from greencert.parties.models import RoleAssignment

DEMO_PASSWORD = "greencert-demo"


def demo_user(username: str, **defaults: Any) -> Any:
    """The staff account ``username`` (/admin/login/ admits staff only), made with the demo
    password the first time; ``defaults`` apply only then."""
    user, created = get_user_model().objects.get_or_create(
        username=username, defaults={"is_staff": True, **defaults}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    return user


def demo_account(username: str, role: str, **scope: Any) -> Actor:
    """A demo account holding ``role`` scoped to ``scope`` (body, enterprise, region, …)."""
    user = demo_user(username)
    RoleAssignment.objects.get_or_create(user=user, role=role, **scope)
    return Actor.for_user(user)
