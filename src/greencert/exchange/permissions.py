"""Who may see a certificate's adoption records: its holder, its body, regulators of its region."""

from __future__ import annotations

from greencert.certification.models import Certificate
from greencert.core.actors import Actor
from greencert.parties.models import Role
from greencert.parties.permissions import (
    body_ids_of,
    is_alliance_admin,
    regulated_region_codes,
    roles_of,
)


def can_see_adoptions(actor: Actor, certificate: Certificate) -> bool:
    if actor.user is None:
        return False
    if is_alliance_admin(actor) or certificate.body_id in body_ids_of(actor):
        return True
    if any(
        r.role == Role.ENTERPRISE and r.enterprise_id == certificate.holder_id
        for r in roles_of(actor)
    ):
        return True
    places = {certificate.province_code, certificate.city_code, certificate.site_region_id}
    return bool(regulated_region_codes(actor) & places)
