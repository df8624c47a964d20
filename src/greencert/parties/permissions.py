"""Who may do what with parties, derived from RoleAssignment rows.

Powers follow the national rules: a certification body alone certifies (its staff, or its own
system through an API client); regulators supervise in their region; the alliance secretariat
(联盟秘书处, role ``alliance_admin``) keeps the alliance's registers and has no certification or
regulatory power. A Django superuser is the node's operator (平台运维): it administers the same
registers as the secretariat (parties, API clients, signing keys) and the admin site, and is
neither a certification body nor a regulator.
"""

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


def is_operator(actor: Actor) -> bool:
    """The node's operator: a Django superuser."""
    return actor.user is not None and bool(actor.user.is_superuser)


def is_alliance_secretariat(actor: Actor) -> bool:
    """Holds the alliance secretariat's role (联盟秘书处)."""
    return any(r.role == Role.ALLIANCE_ADMIN for r in roles_of(actor))


def is_alliance_admin(actor: Actor) -> bool:
    """May administer the platform's registers (parties, API clients, signing keys): the alliance
    secretariat or the operator. Grants no certification or regulatory power."""
    return is_operator(actor) or is_alliance_secretariat(actor)


def regulated_region_codes(actor: Actor) -> set[str]:
    return {r.region_id for r in roles_of(actor) if r.role == Role.REGULATOR and r.region_id}


def body_ids_of(actor: Actor) -> set[int]:
    return {r.body_id for r in roles_of(actor) if r.role == Role.BODY_STAFF and r.body_id}


def can_manage_parties(actor: Actor) -> bool:
    return actor.is_system or is_alliance_admin(actor) or bool(regulated_region_codes(actor))
