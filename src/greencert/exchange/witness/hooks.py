"""The witness in the node's DID document (its cosigner key) and its alerts on the regulators'
office page."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils.translation import ngettext

from greencert.core.actors import Actor
from greencert.supervision.office_alerts import OfficeAlert


def did_service(did: str) -> dict[str, Any]:
    from greencert.exchange.witness.keys import witness_vkey

    return {
        "id": f"{did}#witness",
        "type": "TransparencyLogWitness",
        "serviceEndpoint": f"{settings.GREENCERT_PUBLIC_URL.rstrip('/')}/witness/",
        "verifierKey": witness_vkey(),
    }


def witness_alerts(actor: Actor) -> list[OfficeAlert]:
    from greencert.exchange.witness.status import alert_count

    count = alert_count()
    if not count:
        return []
    text = ngettext(
        "%(count)d witness alert: a node offered a checkpoint inconsistent with its log's history",
        "%(count)d witness alerts: nodes offered checkpoints inconsistent with their logs' history",
        count,
    ) % {"count": count}
    return [OfficeAlert(text=text, url=reverse("tlog:witness"))]


def register() -> None:
    from greencert.marks.keys import register_did_service
    from greencert.supervision.office_alerts import register_office_alerts

    register_did_service("witness", did_service)
    register_office_alerts("witness", witness_alerts)
