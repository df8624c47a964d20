"""Who may change a certificate.

Only the body that issued a certificate changes it: its staff on the office pages, or its own
system (an API client with ``certify``). Regulators of the certificate's region do not suspend or
revoke; they record orders (责令) to the body, which carries them out through its own action
(``supervision.orders``). The system expires certificates; the blacklist's flags (联合惩戒) and
buyers' adoptions (采信) are annotations that leave the status alone. The alliance secretariat and
the node's operator (a superuser) hold no power here (``parties.permissions``).
"""

from __future__ import annotations

from greencert.certification.lifecycle import EventType
from greencert.certification.models import Certificate
from greencert.core.actors import Actor
from greencert.parties.permissions import body_ids_of, regulated_region_codes

# What the jobs record: expiry, an order's deadline passing, and what the lifecycle rules make
# due in the issuing body's queue and its deadline passing. Carrying a due action out is the
# body's own suspension or revocation (BODY_EVENTS).
SYSTEM_EVENTS = {
    EventType.EXPIRED,
    EventType.ORDER_OVERDUE,
    EventType.ACTION_DUE,
    EventType.DUE_ACTION_OVERDUE,
}
# Joint punishment (联合惩戒): the blacklist binds all four provinces, so any province's regulator
# flags a listed party's certificates wherever they were issued; the period-end job unflags them.
JOINT_EVENTS = {EventType.FLAGGED, EventType.UNFLAGGED}
# A regulator's orders to the issuing body, recorded by regulators of the certificate's region.
REGULATOR_EVENTS = {EventType.ORDERED, EventType.ORDER_WITHDRAWN}
# Events the issuing body records, by its staff or its own system.
BODY_EVENTS = {
    EventType.CHANGED,
    EventType.SURVEILLANCE_PASSED,
    EventType.SUSPENDED,
    EventType.RESTORED,
    EventType.REVOKED,
    EventType.CANCELLED,
    EventType.RENEWED,
    EventType.RECTIFIED,
}
# Only a body's own system records an expiry after the fact (an import of its history); a
# person never does: the daily job does.
BODY_SYSTEM_EVENTS = BODY_EVENTS | {EventType.EXPIRED}
# Events an API client records about a certificate, with the scope each needs.
CLIENT_EVENTS: dict[str, str] = {EventType.ADOPTED: "adoption"}


def _body_system(actor: Actor) -> int | None:
    """The body whose own system the acting API client is (``certify`` scope), if any."""
    client = actor.client
    if client is not None and client.has_scope("certify"):
        return client.body_id
    return None


def in_region(actor: Actor, certificate: Certificate) -> bool:
    """The actor regulates the certificate's site (its province, city or district)."""
    places = {certificate.province_code, certificate.city_code, certificate.site_region_id}
    return bool(regulated_region_codes(actor) & places)


def can_issue(actor: Actor, body_id: int) -> bool:
    """The body's own staff or system; whether it may issue in a category is checked apart."""
    if actor.client is not None:
        return _body_system(actor) == body_id
    return body_id in body_ids_of(actor)


def can_change(actor: Actor, certificate: Certificate, event_type: str) -> bool:
    if actor.client is not None:
        if event_type in BODY_SYSTEM_EVENTS and _body_system(actor) == certificate.body_id:
            return True
        scope = CLIENT_EVENTS.get(event_type)
        return scope is not None and actor.client.has_scope(scope)
    if actor.is_system:
        return event_type in SYSTEM_EVENTS or event_type in JOINT_EVENTS
    if event_type in JOINT_EVENTS:
        return bool(regulated_region_codes(actor))
    if event_type in REGULATOR_EVENTS:
        return in_region(actor, certificate)
    if event_type in BODY_EVENTS:
        return certificate.body_id in body_ids_of(actor)
    return False
