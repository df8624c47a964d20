"""What the verify page shows beside a certificate's public document, and what its validators
depend on: the transparency log's newest checkpoint with its cosignatures, and the alliance
documents the certificate cites. Neither changes with the certificate's events.

Read by one fixed query on every page: compiling the two ORM aggregates it replaces cost more
CPU than the rest of the page's queries together.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import connections, router

from greencert.certification.models import PublicDocument
from greencert.certification.public_read import StoredDocument, changed_at_value
from greencert.exchange.models import LogCheckpoint
from greencert.exchange.witness.models import LogCosignature
from greencert.governance.models import DocumentCitation


@dataclass(frozen=True)
class PageState:
    """``checkpoint``: the newest checkpoint, with ``cosigned`` (how many cosignatures it has) and
    ``last_cosigned`` (when the newest arrived) set on it; ``citations``: how many documents the
    certificate cites, ``last_cited`` when it last cited one."""

    checkpoint: LogCheckpoint | None
    citations: int
    last_cited: dt.datetime | None


_CHECKPOINT_FIELDS = ("id", "size", "root_hash", "note", "signed_at")


def _state_sql(document_columns: str, source: str, where: str) -> str:
    """The page state of the certificate ``p.certificate_id`` of ``source`` names: its citations'
    aggregates as subqueries of that row, the newest checkpoint joined to it (so a log without a
    checkpoint still answers the citations), after ``document_columns``."""
    checkpoint = LogCheckpoint._meta.db_table
    cosignature = LogCosignature._meta.db_table
    citation = DocumentCitation._meta.db_table
    columns = ", ".join(f"c.{f}" for f in _CHECKPOINT_FIELDS)
    return (
        f"SELECT {document_columns}"
        f"(SELECT COUNT(*) FROM {citation} t WHERE t.certificate_id = p.certificate_id), "
        f"(SELECT MAX(t.cited_at) FROM {citation} t WHERE t.certificate_id = p.certificate_id), "
        f"{columns}, "
        f"(SELECT COUNT(*) FROM {cosignature} s WHERE s.checkpoint_id = c.id), "
        f"(SELECT MAX(s.received_at) FROM {cosignature} s WHERE s.checkpoint_id = c.id) "
        f"FROM {source} "
        f"LEFT JOIN (SELECT {', '.join(_CHECKPOINT_FIELDS)} FROM {checkpoint} "
        f"ORDER BY size DESC LIMIT 1) c ON 1 = 1{where}"
    )


# The state of a certificate by its id (one without a stored document yet).
STATE_SQL = _state_sql("", "(SELECT CAST(%s AS BIGINT) AS certificate_id) p", "")
# The stored document of a registry number with the page state beside it, in one read.
DOCUMENT_AND_STATE_SQL = _state_sql(
    "p.certificate_id, p.own_sequence, p.version, p.changed_at, p.body, ",
    f"{PublicDocument._meta.db_table} p",
    " WHERE p.number = %s",
)


def _time(value: Any) -> dt.datetime | None:
    return None if value is None else changed_at_value(value)


def document_and_state(number: str) -> tuple[StoredDocument, PageState] | None:
    """The stored document of registry number ``number`` and the page's state, by one query."""
    alias = router.db_for_read(PublicDocument)
    with connections[alias].cursor() as cursor:
        cursor.execute(DOCUMENT_AND_STATE_SQL, [number])
        row = cursor.fetchone()
    if row is None:
        return None
    certificate_id, own, version, changed_at, body, *state = row
    stored = StoredDocument(certificate_id, own, version, changed_at_value(changed_at), bytes(body))
    return stored, _state(alias, *state)


def page_state(certificate_id: int) -> PageState:
    alias = router.db_for_read(LogCheckpoint)
    with connections[alias].cursor() as cursor:
        cursor.execute(STATE_SQL, [certificate_id])
        return _state(alias, *cursor.fetchone())


def _state(
    alias: str,
    n: int,
    last_cited: Any,
    pk: int | None,
    size: int | None,
    root_hash: str | None,
    note: str | None,
    signed_at: Any,
    cosigned: int | None,
    last_cosigned: Any,
) -> PageState:
    checkpoint = None
    if pk is not None:
        checkpoint = LogCheckpoint.from_db(
            alias, list(_CHECKPOINT_FIELDS), [pk, size, root_hash, note, _time(signed_at)]
        )
        checkpoint.cosigned = cosigned  # type: ignore[attr-defined]
        checkpoint.last_cosigned = _time(last_cosigned)  # type: ignore[attr-defined]
    return PageState(checkpoint, int(n), _time(last_cited))
