"""Blacklist listings across provincial borders: what this node tells the others of its own
listings and removals, and how a listing made at another node binds here.

A listing by any province's regulator binds all four (联合惩戒). The exchange publishes this
node's own listings and removals on its signed border feed (``listing_record`` and
``removal_record`` say what they carry: only what the public blacklist shows) and applies the
other nodes' with ``apply_foreign_listing`` and ``apply_foreign_removal``: the listing is kept here
with the node that made it, refuses applications and issues here, and flags this node's
certificates of the listed party; its removal lifts those flags. Both are idempotent.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from greencert.core.actors import Actor
from greencert.core.errors import TransitionRefused, ValidationFailed
from greencert.parties.models import CertificationBody, Enterprise
from greencert.regions.models import Region
from greencert.supervision.actions import _end_listing, _flag_certificates
from greencert.supervision.models import BlacklistEntry

LISTED = "blacklist_listed"
REMOVED = "blacklist_removed"


def _actor(origin_node: str) -> Actor:
    return Actor.for_system(f"blacklist@{origin_node}")


def listing_record(entry: BlacklistEntry) -> dict[str, Any]:
    """What the border feed says of one of this node's listings."""
    party: Any = entry.enterprise or entry.body
    return {
        "kind": LISTED,
        "entry": entry.pk,
        "subject": "enterprise" if entry.enterprise_id else "body",
        "subject_id": entry.subject_code,
        "subject_name": party.name,
        "subject_region": party.region_id,
        "basis_code": entry.basis_code,
        "facts": entry.basis_text,
        "categories": list(entry.categories),
        "starts_on": entry.starts_on.isoformat(),
        "ends_on": entry.ends_on.isoformat(),
        "region": entry.region_id,
        "listed_at": entry.listed_at.isoformat(),
    }


def removal_record(entry: BlacklistEntry) -> dict[str, Any]:
    """What the border feed says of the removal of one of this node's listings."""
    assert entry.removed_on is not None
    return {
        "kind": REMOVED,
        "entry": entry.pk,
        "removal": entry.removal_kind,
        "removed_on": entry.removed_on.isoformat(),
        "reason": entry.removal_reason,
    }


def _field(record: dict[str, Any], key: str) -> Any:
    if key not in record:
        raise ValidationFailed(
            field=key, value="", expected_zh=f"含 {key} 的记录", expected_en=f"a record with {key}"
        )
    return record[key]


def _region(code: Any) -> Region:
    region = Region.objects.filter(code=str(code)).first()
    if region is None:
        raise ValidationFailed(
            field="region",
            value=str(code),
            expected_zh="长三角行政区划代码",
            expected_en="a region code of the YRD",
        )
    return region


def _party(record: dict[str, Any]) -> dict[str, Any]:
    """The listed party on this node, recorded here from the listing if this node has not met it
    (an enterprise by its credit code, a body by its approval number)."""
    code = str(_field(record, "subject_id"))
    name = str(_field(record, "subject_name"))[:200]
    region = _region(_field(record, "subject_region"))
    if record.get("subject") == "enterprise":
        enterprise, _ = Enterprise.objects.get_or_create(
            credit_code=code, defaults={"name": name, "region": region}
        )
        return {"enterprise": enterprise, "body": None}
    if record.get("subject") == "body":
        body, _ = CertificationBody.objects.get_or_create(
            approval_number=code, defaults={"name": name, "region": region, "active": False}
        )
        return {"enterprise": None, "body": body}
    raise ValidationFailed(
        field="subject",
        value=str(record.get("subject")),
        expected_zh="enterprise 或 body",
        expected_en="enterprise or body",
    )


@transaction.atomic
def apply_foreign_listing(origin_node: str, record: dict[str, Any]) -> BlacklistEntry:
    """A listing made at ``origin_node``: kept here, binding here, flags this node's certificates of
    the listed party. Applying it again changes nothing."""
    origin_entry = int(_field(record, "entry"))
    found = BlacklistEntry.objects.filter(
        origin_node=origin_node, origin_entry=origin_entry
    ).first()
    if found is not None:
        return found
    entry = BlacklistEntry.objects.create(
        **_party(record),
        basis_code=str(_field(record, "basis_code")),
        basis_text=str(_field(record, "facts")),
        categories=sorted(str(c) for c in _field(record, "categories")),
        starts_on=dt.date.fromisoformat(str(_field(record, "starts_on"))),
        ends_on=dt.date.fromisoformat(str(_field(record, "ends_on"))),
        region=_region(_field(record, "region")),
        listed_by_label=_actor(origin_node).label,
        listed_at=dt.datetime.fromisoformat(str(_field(record, "listed_at"))),
        origin_node=origin_node,
        origin_entry=origin_entry,
    )
    if entry.removed_at is None and entry.ends_on >= timezone.localdate():
        _flag_certificates(_actor(origin_node), entry)
    return entry


@transaction.atomic
def apply_foreign_removal(origin_node: str, record: dict[str, Any]) -> BlacklistEntry | None:
    """The removal of a listing made at ``origin_node``: its flags here are lifted. A listing this
    node never received, or one already ended here (its period ran out), is left as it is."""
    entry = BlacklistEntry.objects.filter(
        origin_node=origin_node, origin_entry=int(_field(record, "entry"))
    ).first()
    if entry is None or entry.removed_at is not None:
        return entry
    try:
        return _end_listing(
            _actor(origin_node),
            entry,
            kind=str(_field(record, "removal")),
            reason=str(record.get("reason", "")),
            removed_on=dt.date.fromisoformat(str(_field(record, "removed_on"))),
        )
    except TransitionRefused:
        return entry  # ended meanwhile
