"""Keeping the search index in step: the projection the action layer calls, and bulk rebuilds."""

from __future__ import annotations

import json
from collections.abc import Iterator
from itertools import chain
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.utils import timezone

from greencert.catalog.models import Category
from greencert.certification.actions import in_zone
from greencert.certification.lifecycle import EventType
from greencert.certification.models import Certificate
from greencert.core.bulk import insert_values
from greencert.parties.models import CertificationBody, Enterprise
from greencert.portal import fts
from greencert.portal.grams import document_grams, normalise
from greencert.portal.models import DocumentKind, SearchDocument
from greencert.regions.models import Region

if TYPE_CHECKING:
    from greencert.certification.models import CertificateEvent

DOCUMENT_COLUMNS = [
    "kind",
    "key",
    "body_key",
    "certificate_id",
    "enterprise_id",
    "holder_id",
    "body_id",
    "category_id",
    "province_code",
    "city_code",
    "in_pilot_zone",
    "in_demonstration_zone",
    "status",
    "grade",
    "issue_date",
    "search_text",
    "search_grams",
]


def _text(*parts: object) -> tuple[str, str]:
    text = normalise(" | ".join(str(p) for p in parts if p))
    return text, document_grams(text)


def _place(region: Region, names: dict[str, str]) -> str:
    city = names.get(region.city_code, "")
    return region.name_zh if city == region.name_zh else f"{city}{region.name_zh}"


def _product_words(products: Any) -> list[str]:
    if isinstance(products, str):
        products = json.loads(products or "[]")
    words: list[str] = []
    for product in products or []:
        words.append(str(product.get("name", "")))
        words += [str(m) for m in product.get("models", [])]
    return words


def certificate_fields(
    cert: Certificate, holder: Enterprise, body: CertificationBody, category: Category, place: str
) -> dict[str, Any]:
    text, grams = _text(
        cert.number,
        holder.name,
        holder.credit_code,
        body.name,
        body.short_name,
        category.name_zh,
        category.name_en,
        cert.certification_unit,
        *_product_words(cert.products),
        cert.service_site,
        cert.grade,
        place,
    )
    return {
        "kind": DocumentKind.CERTIFICATE,
        "key": cert.number,
        "body_key": cert.body_number,
        "holder_id": holder.pk,
        "body_id": body.pk,
        "category_id": category.pk,
        "province_code": cert.province_code,
        "city_code": cert.city_code,
        "in_pilot_zone": cert.in_pilot_zone,
        "in_demonstration_zone": cert.in_demonstration_zone,
        "status": cert.status,
        "grade": cert.grade,
        "issue_date": cert.issue_date,
        "search_text": text,
        "search_grams": grams,
    }


def _zone_fields(region: Region) -> dict[str, Any]:
    return {
        "body_key": "",
        "province_code": region.province_code,
        "city_code": region.city_code,
        "in_pilot_zone": in_zone(region, "pilot_zone"),
        "in_demonstration_zone": in_zone(region, "demonstration_zone"),
        "status": "",
        "grade": "",
    }


def enterprise_fields(enterprise: Enterprise, region: Region, place: str) -> dict[str, Any]:
    text, grams = _text(enterprise.name, enterprise.name_en, enterprise.credit_code, place)
    return {
        "kind": DocumentKind.ENTERPRISE,
        "key": enterprise.credit_code,
        "holder_id": enterprise.pk,
        **_zone_fields(region),
        "search_text": text,
        "search_grams": grams,
    }


def body_fields(body: CertificationBody, region: Region, place: str) -> dict[str, Any]:
    text, grams = _text(body.name, body.short_name, body.name_en, body.approval_number, place)
    return {
        "kind": DocumentKind.BODY,
        "key": body.approval_number,
        "body_id": body.pk,
        **_zone_fields(region),
        "search_text": text,
        "search_grams": grams,
    }


def _city_names() -> dict[str, str]:
    return dict(
        Region.objects.filter(level__in=["province", "city"]).values_list("code", "name_zh")
    )


def index_event(event: CertificateEvent) -> None:
    """Projection: bring the certificate's document (and, on issue, its holder's and body's) up to
    date with the row the action has just written, inside the action's transaction."""
    index_events([event])


def index_events(events: list[CertificateEvent]) -> None:
    """Projection of events appended together (one, or an import's batch): each certificate's
    document, and on issue its holder's and body's, brought up to date with the rows the action
    has written, a few statements for the whole batch."""
    ids = list(dict.fromkeys(event.certificate_id for event in events))
    issued = {e.certificate_id: e.certificate for e in events if e.event_type == EventType.ISSUED}
    # An issued event's certificate is the instance its action has just inserted, with its
    # holder, body and category: that is the row. Any other event's is read again, as its
    # action updated the row after loading it.
    certificates = {
        **Certificate.objects.select_related("holder", "body", "category").in_bulk(
            [pk for pk in ids if pk not in issued]
        ),
        **issued,
    }
    regions = {r.code: r for r in Region.objects.select_related("parent")}
    names = {code: r.name_zh for code, r in regions.items() if r.level in {"province", "city"}}
    # A certificate issued by this very batch has no document yet.
    documents = {
        d.certificate_id: d
        for d in SearchDocument.objects.filter(
            certificate_id__in=[pk for pk in ids if pk not in issued]
        )
    }
    holders = {cert.holder_id: cert.holder for cert in issued.values()}
    issuers = {cert.body_id: cert.body for cert in issued.values()}
    holder_documents = {
        d.enterprise_id: d
        for d in SearchDocument.objects.filter(
            kind=DocumentKind.ENTERPRISE, enterprise_id__in=list(holders)
        )
    }
    indexed_bodies = set(
        SearchDocument.objects.filter(
            kind=DocumentKind.BODY, body_id__in=list(issuers)
        ).values_list("body_id", flat=True)
    )
    changed: list[tuple[SearchDocument, dict[str, Any]]] = []
    added: list[dict[str, Any]] = []
    for pk in ids:
        cert = certificates[pk]
        fields = certificate_fields(
            cert, cert.holder, cert.body, cert.category, _place(regions[cert.site_region_id], names)
        )
        _put(documents.get(pk), fields, changed, added, certificate_id=pk)
    for pk, holder in holders.items():
        region = regions[holder.region_id]
        fields = enterprise_fields(holder, region, _place(region, names))
        _put(holder_documents.get(pk), fields, changed, added, enterprise_id=pk)
    for pk, body in issuers.items():
        if pk not in indexed_bodies:
            region = regions[body.region_id]
            added.append(body_fields(body, region, _place(region, names)))
    insert_values(SearchDocument, added)
    if changed:
        names_changed = sorted({name for _document, fields in changed for name in fields})
        SearchDocument.objects.bulk_update([d for d, _fields in changed], names_changed)


def _put(
    document: SearchDocument | None,
    fields: dict[str, Any],
    changed: list[tuple[SearchDocument, dict[str, Any]]],
    added: list[dict[str, Any]],
    **key: int,
) -> None:
    """Add a new document, or update ``document`` with ``fields`` where they differ (what
    update_or_create leaves)."""
    if document is None:
        added.append({**key, **fields})
        return
    differ = {name: v for name, v in fields.items() if getattr(document, name) != v}
    if differ:
        for name, value in differ.items():
            setattr(document, name, value)
        changed.append((document, differ))


# -- bulk ------------------------------------------------------------------------------------------
def _batches(size: int = 50_000) -> Iterator[list[tuple[Any, ...]]]:
    """Every document as rows of DOCUMENT_COLUMNS (dates as text), a batch at a time: the
    enterprises and bodies first, then the certificates, so the newest ids are certificates.

    Each batch is read in full before it is yielded: PostgreSQL's COPY holds the connection
    while it runs, so no query may run while a batch is being written.
    """
    regions = {r.code: r for r in Region.objects.select_related("parent")}
    names = {code: r.name_zh for code, r in regions.items() if r.level in {"province", "city"}}
    places: dict[str, str] = {}

    def place(code: str) -> str:
        if code not in places:
            places[code] = _place(regions[code], names)
        return places[code]

    categories = {c.pk: c for c in Category.objects.all()}
    bodies = {b.pk: b for b in CertificationBody.objects.all()}
    used_bodies = set(Certificate.objects.values_list("body_id", flat=True).distinct())
    holders: dict[int, Enterprise] = {}
    columns = [
        "id",
        "number",
        "body_number",
        "holder_id",
        "body_id",
        "category_id",
        "certification_unit",
        "products",
        "service_site",
        "grade",
        "site_region_id",
        "province_code",
        "city_code",
        "in_pilot_zone",
        "in_demonstration_zone",
        "status",
        "issue_date",
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT e.id, e.name, e.name_en, e.credit_code, e.region_id FROM parties_enterprise e "
            "WHERE EXISTS (SELECT 1 FROM certification_certificate c WHERE c.holder_id = e.id)"
        )
        for pk, name, name_en, code, region_id in cursor.fetchall():
            holders[pk] = Enterprise(
                pk=pk, name=name, name_en=name_en, credit_code=code, region_id=region_id
            )
    parties = []
    for enterprise in holders.values():
        fields = enterprise_fields(
            enterprise, regions[enterprise.region_id], place(enterprise.region_id)
        )
        fields["enterprise_id"] = enterprise.pk
        parties.append(tuple(_db(fields.get(c)) for c in DOCUMENT_COLUMNS))
    for body in bodies.values():
        if body.pk in used_bodies:
            fields = body_fields(body, regions[body.region_id], place(body.region_id))
            parties.append(tuple(_db(fields.get(c)) for c in DOCUMENT_COLUMNS))
    yield parties
    last = 0
    while True:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {', '.join(columns)} FROM certification_certificate WHERE id > %s "
                "ORDER BY id LIMIT %s",
                [last, size],
            )
            fetched = cursor.fetchall()
        if not fetched:
            break
        batch = []
        for row in fetched:
            values = dict(zip(columns, row, strict=True))
            cert = Certificate(**{k: v for k, v in values.items() if k != "id"})
            cert.pk = values["id"]
            fields = certificate_fields(
                cert,
                holders[values["holder_id"]],
                bodies[values["body_id"]],
                categories[values["category_id"]],
                place(values["site_region_id"]),
            )
            fields["certificate_id"] = cert.pk
            batch.append(tuple(_db(fields.get(c)) for c in DOCUMENT_COLUMNS))
        last = fetched[-1][0]
        yield batch


def _db(value: Any) -> Any:
    if value is None:
        return None
    return value.isoformat() if hasattr(value, "isoformat") else value


def rebuild_search_index() -> int:
    """Replace every document from the registry; returns how many. Runs in the caller's transaction.

    The engine's index is dropped for the load and built once after it: far faster than keeping it
    in step row by row.
    """
    from greencert.certification.seed import TableWriter

    with connection.cursor() as cursor:
        fts.drop(cursor.execute, connection.vendor)
        cursor.execute(f"DELETE FROM {fts.TABLE}")
    writer = TableWriter(SearchDocument, DOCUMENT_COLUMNS, timezone.now())
    if connection.vendor == "postgresql":
        for batch in _batches():  # one COPY per batch, read before it starts
            writer.write(batch)
    else:  # one load into the empty table, its indexes built after
        writer.write(chain.from_iterable(_batches()))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The loaded rows' deferred foreign-key checks must run before the index is built.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        filtered = False
        if connection.vendor == "postgresql":
            cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'btree_gin'")
            filtered = cursor.fetchone() is not None
        fts.create(cursor.execute, connection.vendor, filtered=filtered)
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    return SearchDocument.objects.count()
