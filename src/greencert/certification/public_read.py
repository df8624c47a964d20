"""The public certificate lookup's read path, in hand-written SQL (its history: ``lifecycle.history``).

``GET /api/v1/certificates/{number}`` is the registry's busiest read: every QR scan, bid check
and insurer query ends here. Compiling the ORM's five-join ``select_related`` and the history
query costs several times more CPU than running them, so this path sends fixed SQL: one query
for the certificate with its holder, body, category, standard and site region, one for its
history. The result is the same ``Certificate`` (related objects attached as ``select_related``
attaches them) and the same history rows as the ORM path, which the tests check.

A body's own number (机构证书编号) is read the same way, by ``cert_body_number_idx``: one query
for every certificate that carries it, since two bodies may have given out the same number.

The API's answer itself is not built here: it is each certificate's public document, stored by
``certification.public_document`` and read by one indexed query (``document_by_number``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import connection, connections, router

from greencert.catalog.models import Category, Standard
from greencert.certification.models import Certificate, PublicDocument
from greencert.core.http_cache import entity_tag
from greencert.parties.models import CertificationBody, Enterprise
from greencert.regions.models import Region

# (relation, model, SQL alias, fields the public read needs, whether the relation may be empty)
_RELATED: list[tuple[str, type[Any], str, tuple[str, ...], bool]] = [
    ("holder", Enterprise, "h", ("credit_code", "name"), False),
    ("body", CertificationBody, "b", ("approval_number", "name"), False),
    ("category", Category, "k", ("code", "name_zh", "name_en"), False),
    ("standard", Standard, "s", ("number", "year"), True),
    ("site_region", Region, "r", ("name_zh", "name_en", "province_code", "city_code"), False),
]


def _certificate_sql(key: str, order: str = "") -> str:
    """The read of the certificates whose field ``key`` equals the parameter, ``order``ed."""
    cert = Certificate._meta
    where = next(f.column for f in cert.concrete_fields if f.name == key)
    columns = [f"c.{f.column}" for f in cert.concrete_fields]
    joins = []
    for name, model, alias, fields, nullable in _RELATED:
        meta = model._meta
        columns += [f"{alias}.{meta.get_field(f).column} AS {alias}_{f}" for f in fields]
        kind = "LEFT JOIN" if nullable else "JOIN"
        joins.append(f"{kind} {meta.db_table} {alias} ON {alias}.{meta.pk.column} = c.{name}_id")
    return (
        f"SELECT {', '.join(columns)} FROM {cert.db_table} c {' '.join(joins)} "
        f"WHERE c.{where} = %s{order}"
    )


CERTIFICATE_SQL = _certificate_sql("number")
# Several bodies' certificates answer in a fixed order: by the body's approval number.
BODY_NUMBER_SQL = _certificate_sql("body_number", " ORDER BY b_approval_number, c.number")


def certificate_by_number(number: str) -> Certificate | None:
    """The certificate with ``number`` and its public related objects, or None."""
    found = list(Certificate.objects.raw(CERTIFICATE_SQL, [number]))
    if not found:
        return None
    return _attach_related(found[0])


def certificates_by_body_number(body_number: str) -> list[Certificate]:
    """Every certificate a body numbered ``body_number`` (normalised), with the same related
    objects as ``certificate_by_number``; one per body at most."""
    return [_attach_related(c) for c in Certificate.objects.raw(BODY_NUMBER_SQL, [body_number])]


def _attach_related(cert: Certificate) -> Certificate:
    for name, model, alias, fields, _ in _RELATED:
        pk = getattr(cert, f"{name}_id")
        related = None
        if pk is not None:
            # Fields not selected here are deferred: reading one loads it, as with .only().
            # from_db takes the values in the model's field order.
            read = {model._meta.pk.attname: pk} | {f: getattr(cert, f"{alias}_{f}") for f in fields}
            names = [f.attname for f in model._meta.concrete_fields if f.attname in read]
            related = model.from_db(connection.alias, names, [read[n] for n in names])
        # What select_related does: the related object is cached on the instance.
        cert._state.fields_cache[name] = related
    return cert


@dataclass(frozen=True)
class StoredVersion:
    """Which version of a certificate's public document is stored: what its validators name."""

    certificate_id: int
    own_sequence: int
    version: int
    changed_at: dt.datetime


@dataclass(frozen=True)
class StoredDocument(StoredVersion):
    """A certificate's public document as stored (``certification.public_document``)."""

    body: bytes


_DOCUMENT_SQL = (
    "SELECT certificate_id, own_sequence, version, changed_at, body "
    f"FROM {PublicDocument._meta.db_table} WHERE {{key}} = %s"
)
DOCUMENT_BY_NUMBER_SQL = _DOCUMENT_SQL.format(key="number")
DOCUMENT_BY_CERTIFICATE_SQL = _DOCUMENT_SQL.format(key="certificate_id")
# The documents of the certificates a body number names: at most two read, to tell one from many.
DOCUMENT_BY_BODY_NUMBER_SQL = (
    "SELECT d.certificate_id, d.own_sequence, d.version, d.changed_at, d.body "
    f"FROM {Certificate._meta.db_table} c JOIN {PublicDocument._meta.db_table} d "
    "ON d.certificate_id = c.id WHERE c.body_number = %s LIMIT 2"
)


def _stored(sql: str, key: str | int) -> StoredDocument | None:
    # Through the router: a public read may be answered by a replica (``core.routers``).
    with connections[router.db_for_read(PublicDocument)].cursor() as cursor:
        cursor.execute(sql, [key])
        rows = cursor.fetchmany(2)
    if len(rows) != 1:
        return None
    row = rows[0]
    certificate_id, own, version, changed_at, body = row
    return StoredDocument(certificate_id, own, version, changed_at_value(changed_at), bytes(body))


VERSION_BY_NUMBER_SQL = (
    "SELECT certificate_id, own_sequence, version, changed_at "
    f"FROM {PublicDocument._meta.db_table} WHERE number = %s"
)


def version_by_number(number: str) -> StoredVersion | None:
    """The stored version of the document of registry number ``number``, without the document:
    all a conditional request needs to be answered 304."""
    with connections[router.db_for_read(PublicDocument)].cursor() as cursor:
        cursor.execute(VERSION_BY_NUMBER_SQL, [number])
        row = cursor.fetchone()
    if row is None:
        return None
    certificate_id, own, version, changed_at = row
    return StoredVersion(certificate_id, own, version, changed_at_value(changed_at))


def document_by_number(number: str) -> StoredDocument | None:
    """The stored public document of the certificate with registry number ``number``."""
    return _stored(DOCUMENT_BY_NUMBER_SQL, number)


def document_by_body_number(body_number: str) -> StoredDocument | None:
    """The stored document of the one certificate a body numbered ``body_number`` (normalised);
    None when none or several carry it (``certificates_by_body_number`` tells them apart)."""
    return _stored(DOCUMENT_BY_BODY_NUMBER_SQL, body_number)


def document_of(certificate_id: int) -> StoredDocument | None:
    return _stored(DOCUMENT_BY_CERTIFICATE_SQL, certificate_id)


def changed_at_value(value: Any) -> dt.datetime:
    """A time read by fixed SQL: SQLite gives text in UTC, PostgreSQL an aware datetime."""
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    return dt.datetime.fromisoformat(str(value)).replace(tzinfo=dt.UTC)


def certificate_validators(
    certificate: Certificate, variant: str, *, weak: bool = False
) -> tuple[str, dt.datetime]:
    """The entity tag and last change of an answer about ``certificate`` alone (its mark, its
    credential): its last event sequence and ``variant``, and when its document last changed."""
    stored = document_of(certificate.pk)
    changed = stored.changed_at if stored is not None else certificate.updated_at
    return entity_tag(certificate.last_event_sequence, variant, weak=weak), changed
