"""Who may do what with parties, derived from RoleAssignment rows."""

from __future__ import annotations

from greencert.core.actors import Actor
from greencert.parties.models import Role, RoleAssignment


def roles_of(actor: Actor) -> list[RoleAssignment]:
    if actor.user is None:
        return []
    cached = getattr(actor.user, "_greencert_roles", None)
    if cached is None:
        cached = list(
            RoleAssignment.objects.filter(user=actor.user).select_related("region", "body")
        )
        actor.user._greencert_roles = cached
    return cached


def is_alliance_admin(actor: Actor) -> bool:
    if actor.user is not None and actor.user.is_superuser:
        return True
    return any(r.role == Role.ALLIANCE_ADMIN for r in roles_of(actor))


def regulated_region_codes(actor: Actor) -> set[str]:
    return {r.region_id for r in roles_of(actor) if r.role == Role.REGULATOR and r.region_id}


def body_ids_of(actor: Actor) -> set[int]:
    return {r.body_id for r in roles_of(actor) if r.role == Role.BODY_STAFF and r.body_id}


def can_manage_parties(actor: Actor) -> bool:
    return actor.is_system or is_alliance_admin(actor) or bool(regulated_region_codes(actor))
