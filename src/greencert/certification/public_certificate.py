"""A certificate's stored public document read back for a page (``public_document`` writes it).

The document is JSON: dates and times are text in it. Pages format them with Django's date
filters, which take dates and datetimes only, so this module turns the document back into the
values the tables give: ``PublicCertificate`` carries the certificate's fields under the names
its model uses, history rows carry aware datetimes, blacklist flags carry dates.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from greencert.certification import lifecycle


@dataclass(frozen=True)
class PublicHolder:
    name: str
    credit_code: str


@dataclass(frozen=True)
class PublicBody:
    name: str
    approval_number: str


@dataclass(frozen=True)
class PublicCategory:
    code: str
    name_zh: str
    name_en: str


@dataclass(frozen=True)
class PublicStandard:
    code: str


@dataclass(frozen=True)
class PublicCertificate:
    """What a page shows of a certificate, as its public document has it."""

    pk: int
    number: str
    body_number: str
    status: str
    status_reason_code: str
    holder: PublicHolder
    body: PublicBody
    category: PublicCategory
    certification_unit: str
    products: list[dict[str, Any]]
    service_site: str
    production_site: str
    grade: str
    standard: PublicStandard | None
    issue_date: dt.date
    initial_issue_date: dt.date
    expiry_date: dt.date
    suspended_until: dt.date | None
    province_code: str
    city_code: str

    def status_label(self, language: str) -> str:
        return lifecycle.status_label(self.status).get(language)


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _required_date(document: dict[str, Any], key: str) -> dt.date:
    value = _date(document[key])
    if value is None:
        raise ValueError(f"the public document of {document['number']} has no {key}")
    return value


def _datetime(value: str) -> dt.datetime:
    # DjangoJSONEncoder writes UTC as "Z", which fromisoformat reads since Python 3.11.
    return dt.datetime.fromisoformat(value)


def read_document(body: bytes) -> dict[str, Any]:
    """The stored document with its dates and times as ``datetime`` values again: ``history``
    (``effective_at``, ``recorded_at``) and ``blacklist`` (``starts_on``, ``ends_on``)."""
    document: dict[str, Any] = json.loads(body)
    for row in document["history"]:
        row["effective_at"] = _datetime(row["effective_at"])
        row["recorded_at"] = _datetime(row["recorded_at"])
    for flag in document["blacklist"]:
        flag["starts_on"] = _date(flag["starts_on"])
        flag["ends_on"] = _date(flag["ends_on"])
    return document


def public_certificate(certificate_id: int, document: dict[str, Any]) -> PublicCertificate:
    """The certificate ``document`` (as ``read_document`` gives it) describes."""
    holder, body, category = document["holder"], document["body"], document["category"]
    standard = document["standard"]
    return PublicCertificate(
        pk=certificate_id,
        number=document["number"],
        body_number=document["body_number"],
        status=document["status"]["code"],
        status_reason_code=document["status"]["reason_code"],
        holder=PublicHolder(name=holder["name"], credit_code=holder["id"]),
        body=PublicBody(name=body["name"], approval_number=body["id"]),
        category=PublicCategory(
            code=category["code"], name_zh=category["name_zh"], name_en=category["name_en"]
        ),
        certification_unit=document["certification_unit"],
        products=document["products"],
        service_site=document["service_site"],
        production_site=document["production_site"],
        grade=document["grade"],
        standard=PublicStandard(code=standard) if standard else None,
        issue_date=_required_date(document, "issue_date"),
        initial_issue_date=_required_date(document, "initial_issue_date"),
        expiry_date=_required_date(document, "expiry_date"),
        suspended_until=_date(document["suspended_until"]),
        province_code=document["province_code"],
        city_code=document["city_code"],
    )
