"""Who may change a certificate: the issuing body's staff, regulators of its region, the alliance."""

from __future__ import annotations

from greencert.certification.lifecycle import EventType
from greencert.certification.models import Certificate
from greencert.core.actors import Actor
from greencert.parties.permissions import body_ids_of, is_alliance_admin, regulated_region_codes

# Changes a regulator may make as joint supervision; the rest belong to the certification body.
REGULATOR_EVENTS = {EventType.SUSPENDED, EventType.REVOKED}
SYSTEM_EVENTS = {EventType.EXPIRED}
# Joint punishment (联合惩戒): the blacklist binds all four provinces, so any province's regulator
# flags a listed party's certificates wherever they were issued; the period-end job unflags them.
JOINT_EVENTS = {EventType.FLAGGED, EventType.UNFLAGGED}
# Events a body's own system (a client with ``certify``) records on the body's certificates.
BODY_SYSTEM_EVENTS = {
    EventType.SURVEILLANCE_PASSED,
    EventType.SUSPENDED,
    EventType.RESTORED,
    EventType.REVOKED,
    EventType.CANCELLED,
    EventType.CHANGED,
    EventType.RENEWED,
    EventType.EXPIRED,
}
# Events an API client records about a certificate, with the scope each needs.
CLIENT_EVENTS: dict[str, str] = {EventType.ADOPTED: "adoption"}


def _body_system(actor: Actor) -> int | None:
    """The body whose own system the acting API client is (``certify`` scope), if any."""
    client = actor.client
    if client is not None and client.has_scope("certify"):
        return client.body_id
    return None


def can_issue(actor: Actor, body_id: int) -> bool:
    """The body's own staff or system, or the alliance administrator; categories are separate."""
    if actor.client is not None:
        return _body_system(actor) == body_id
    return is_alliance_admin(actor) or body_id in body_ids_of(actor)


def can_change(actor: Actor, certificate: Certificate, event_type: str) -> bool:
    if actor.client is not None:
        if event_type in BODY_SYSTEM_EVENTS and _body_system(actor) == certificate.body_id:
            return True
        scope = CLIENT_EVENTS.get(event_type)
        return scope is not None and actor.client.has_scope(scope)
    if actor.is_system:
        return event_type in SYSTEM_EVENTS or event_type in JOINT_EVENTS
    if is_alliance_admin(actor):
        return True
    if event_type in JOINT_EVENTS:
        return bool(regulated_region_codes(actor))
    if event_type in SYSTEM_EVENTS:
        return False
    if certificate.body_id in body_ids_of(actor):
        return True
    if event_type in REGULATOR_EVENTS:
        regions = regulated_region_codes(actor)
        return bool(
            regions & {certificate.province_code, certificate.city_code, certificate.site_region_id}
        )
    return False
