"""Deterministic demo and benchmark data: bodies, enterprises, certificates and their full histories.

Rows are written in bulk (a million certificates in minutes), but with exactly the shape the
action layer produces: every certificate's status equals the ``status_after`` of its last event,
and sequence numbers are gapless in time order.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection, transaction

from greencert.catalog.models import Category
from greencert.certification.actions import add_years, in_zone
from greencert.certification.models import Certificate
from greencert.certification.numbers import compose
from greencert.core.models import CertificateEvent, Counter
from greencert.core.sequence import EVENT_SEQUENCE
from greencert.parties.factory import (
    BRAND_HEADS,
    KNOWN_BODIES,
    credit_code,
    enterprise_name,
    short_place,
)
from greencert.parties.models import CertificationBody, Enterprise
from greencert.regions.models import Region

SHANGHAI = ZoneInfo("Asia/Shanghai")
FIRST_ISSUE = dt.date(2019, 6, 1)
CATEGORY_WEIGHTS = {
    "coatings": 14,
    "furniture": 14,
    "wood-panels": 10,
    "textiles": 9,
    "paper": 8,
    "ceramic-tiles": 7,
    "sanitary-ceramics": 5,
    "building-glass": 4,
    "thermal-insulation": 4,
    "waterproof-sealing": 4,
    "wood-plastic": 2,
    "solar-water-heating": 2,
    "plastics": 4,
    "detergents": 3,
    "home-appliances": 3,
    "tyres": 1,
    "kitchen-bath-hardware": 1,
    "gas-appliances": 1,
    "lighting": 2,
    "express-packaging": 2,
    "rural-homestays": 3,
    "data-centres": 1,
}
TRADES = {
    "coatings": "涂料",
    "furniture": "家具",
    "wood-panels": "木业",
    "textiles": "纺织",
    "paper": "纸业",
    "ceramic-tiles": "陶瓷",
    "sanitary-ceramics": "洁具",
    "building-glass": "玻璃",
    "thermal-insulation": "保温材料",
    "waterproof-sealing": "防水材料",
    "wood-plastic": "木塑",
    "solar-water-heating": "太阳能",
    "plastics": "塑料",
    "detergents": "日化",
    "home-appliances": "电器",
    "tyres": "轮胎",
    "kitchen-bath-hardware": "五金",
    "gas-appliances": "燃气具",
    "lighting": "照明",
    "express-packaging": "包装",
    "rural-homestays": "民宿",
    "data-centres": "数据科技",
}
GRADES = {"rural-homestays": ["三钻", "四钻", "五钻"], "data-centres": ["一级", "二级"]}
BATCH = 5000


@dataclass
class PlannedEvent:
    at: dt.datetime
    cert_index: int
    event_type: str
    before: str
    after: str
    reason: str
    payload: dict[str, Any] = field(default_factory=dict)


@dataclass
class PlannedCertificate:
    index: int
    holder_id: int
    body_id: int
    category: Category
    region: Region
    unit: str
    issue: dt.date
    initial_issue: dt.date
    expiry: dt.date
    products: list[dict[str, Any]]
    service_site: str
    grade: str
    renewed_from_index: int | None = None
    status: str = "01"
    reason: str = "I01"
    suspended_until: dt.date | None = None
    number: str = ""
    events: list[PlannedEvent] = field(default_factory=list)


def _moment(rng: random.Random, day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(rng.randint(8, 17), rng.randint(0, 59)), SHANGHAI)


class DemoDataGenerator:
    """Generates ``certificates`` certificates from ``seed``; the same inputs give the same data."""

    def __init__(
        self,
        certificates: int,
        seed: int,
        today: dt.date,
        progress: Callable[[str], None] | None = None,
    ) -> None:
        self.total = certificates
        self.rng = random.Random(seed)
        self.today = today
        self.progress = progress or (lambda message: None)

    # -- parties ---------------------------------------------------------------------------------
    def _bodies(
        self, categories: list[Category], regions: dict[str, Region]
    ) -> list[CertificationBody]:
        bodies = []
        for number, name, short, region_code in KNOWN_BODIES:
            bodies.append(
                CertificationBody(
                    approval_number=number,
                    name=name,
                    short_name=short,
                    region=regions[region_code],
                    alliance_member=True,
                )
            )
        for i, province in enumerate(["310000", "320000", "330000", "340000"] * 2):
            place = short_place(regions[province].name_zh)
            bodies.append(
                CertificationBody(
                    approval_number=f"CNCA-R-{2012 + i}-{300 + 17 * i:03d}",
                    name=f"{place}{BRAND_HEADS[i * 3]}{BRAND_HEADS[i * 3 + 1]}认证有限公司",
                    short_name=f"{place}{BRAND_HEADS[i * 3]}认证",
                    region=regions[province],
                    alliance_member=i < 4,
                )
            )
        CertificationBody.objects.bulk_create(bodies)
        bodies = list(CertificationBody.objects.order_by("approval_number"))
        through = CertificationBody.categories.through
        links = []
        for i, body in enumerate(bodies):
            # Every body holds a spread of categories; together they cover the whole catalog.
            chosen = {c.pk for c in categories if self.rng.random() < 0.45}
            chosen.add(categories[i % len(categories)].pk)
            links += [through(certificationbody_id=body.pk, category_id=pk) for pk in chosen]
        through.objects.bulk_create(links)
        return bodies

    def _site(self, sites: list[tuple[Region, list[Region]]]) -> Region:
        city, children = self.rng.choice(sites)
        if city.code == "310000" or (children and self.rng.random() < 0.2):
            return self.rng.choice(children)
        return city

    def _enterprises(
        self, count: int, sites: list[tuple[Region, list[Region]]]
    ) -> list[tuple[int, Region, str]]:
        seen: set[str] = set()
        names: set[str] = set()
        rows = []
        trades = list(TRADES.values())
        for _ in range(count):
            region = self._site(sites)
            code = credit_code(self.rng, region.code)
            while code in seen:
                code = credit_code(self.rng, region.code)
            seen.add(code)
            trade = self.rng.choice(trades)
            name = enterprise_name(self.rng, short_place(region.name_zh), trade)
            while name in names:
                name = enterprise_name(self.rng, short_place(region.name_zh), trade)
                if name in names:
                    name = name.replace("有限公司", f"{self.rng.choice(BRAND_HEADS)}有限公司", 1)
            names.add(name)
            rows.append(
                Enterprise(
                    credit_code=code,
                    name=name,
                    region=region,
                    address=f"{region.name_zh}{self.rng.choice(BRAND_HEADS)}"
                    f"{self.rng.choice(['路', '大道', '街'])}{self.rng.randint(1, 999)}号",
                )
            )
        for start in range(0, len(rows), BATCH):
            Enterprise.objects.bulk_create(rows[start : start + BATCH])
        ids = dict(Enterprise.objects.values_list("credit_code", "id"))
        return [(ids[e.credit_code], e.region, e.name) for e in rows]

    # -- certificates ----------------------------------------------------------------------------
    def _products(self, category: Category, unit: str) -> tuple[list[dict[str, Any]], str]:
        if category.kind == "service":
            return [], ""
        letters = "".join(self.rng.choice("ABCDEFGHJKLMNPRSTWXYZ") for _ in range(2))
        models = [f"{letters}-{self.rng.randint(100, 9999)}" for _ in range(self.rng.randint(1, 3))]
        return [{"name": unit, "models": models}], ""

    def _history(self, cert: PlannedCertificate) -> None:
        rng = self.rng
        issue_reason = "I02" if cert.renewed_from_index is not None else "I01"
        cert.events.append(
            PlannedEvent(
                _moment(rng, cert.issue),
                cert.index,
                "issued",
                "",
                "01",
                issue_reason,
                {"expiry_date": cert.expiry.isoformat()},
            )
        )
        status, reason = "01", issue_reason
        end = min(self.today, cert.expiry)
        year = 1
        while True:
            check = add_years(cert.issue, year) - dt.timedelta(days=rng.randint(0, 40))
            if check > end or status in {"03", "04"}:
                break
            roll = rng.random()
            if status == "01" and roll < 0.06:
                until = check + dt.timedelta(days=90)
                code = rng.choice(["S01", "S03", "S04", "S06", "S07"])
                cert.events.append(
                    PlannedEvent(
                        _moment(rng, check),
                        cert.index,
                        "suspended",
                        "01",
                        "02",
                        code,
                        {"until": until.isoformat()},
                    )
                )
                status, reason = "02", code
                outcome = rng.random()
                follow = check + dt.timedelta(days=rng.randint(10, 85))
                if follow > end:
                    cert.suspended_until = until
                elif outcome < 0.6:
                    cert.events.append(
                        PlannedEvent(
                            _moment(rng, follow), cert.index, "restored", "02", "01", "T01"
                        )
                    )
                    status, reason = "01", "T01"
                else:
                    code = rng.choice(["R01", "R02", "R04"])
                    cert.events.append(
                        PlannedEvent(_moment(rng, follow), cert.index, "revoked", "02", "03", code)
                    )
                    status, reason = "03", code
            elif status == "01" and roll < 0.09:
                code = rng.choice(["C02", "C04", "C03"])
                cert.events.append(
                    PlannedEvent(_moment(rng, check), cert.index, "cancelled", "01", "04", code)
                )
                status, reason = "04", code
            elif status == "01" and roll < 0.105:
                code = rng.choice(["R03", "R05"])
                cert.events.append(
                    PlannedEvent(_moment(rng, check), cert.index, "revoked", "01", "03", code)
                )
                status, reason = "03", code
            elif status == "01":
                cert.events.append(
                    PlannedEvent(
                        _moment(rng, check), cert.index, "surveillance_passed", "01", "01", "V01"
                    )
                )
            year += 1
        if status in {"01", "02"} and cert.expiry < self.today:
            day = cert.expiry + dt.timedelta(days=1)
            cert.events.append(
                PlannedEvent(
                    dt.datetime.combine(day, dt.time.min, SHANGHAI),
                    cert.index,
                    "expired",
                    status,
                    "05",
                    "E01",
                    {"expiry_date": cert.expiry.isoformat()},
                )
            )
            status, reason = "05", "E01"
            cert.suspended_until = None
        if status != "02":
            cert.suspended_until = None
        cert.status, cert.reason = status, reason

    def plan(
        self,
        categories: list[Category],
        holders: list[tuple[int, Region, str]],
        bodies_by_category: dict[int, list[int]],
    ) -> list[PlannedCertificate]:
        rng = self.rng
        weights = [CATEGORY_WEIGHTS.get(c.code, 1) for c in categories]
        span = (self.today - FIRST_ISSUE).days
        planned: list[PlannedCertificate] = []
        while len(planned) < self.total:
            category = rng.choices(categories, weights)[0]
            holder_id, region, holder_name = rng.choice(holders)
            unit = rng.choice(category.certification_units or [category.name_zh])
            issue = FIRST_ISSUE + dt.timedelta(days=int(span * rng.random() ** 0.8))
            products, _ = self._products(category, unit)
            service_site = (
                f"{holder_name.split('有限')[0]}（{region.name_zh}）"
                if category.kind == "service"
                else ""
            )
            cert = PlannedCertificate(
                index=len(planned),
                holder_id=holder_id,
                body_id=rng.choice(bodies_by_category[category.pk]),
                category=category,
                region=region,
                unit=unit,
                issue=issue,
                initial_issue=issue,
                expiry=add_years(issue, category.validity_years) - dt.timedelta(days=1),
                products=products,
                service_site=service_site,
                grade=rng.choice(GRADES.get(category.code, [""])),
            )
            self._history(cert)
            planned.append(cert)
            # About a third of certificates reaching expiry are renewed into a successor.
            if cert.status == "05" and rng.random() < 0.35 and len(planned) < self.total:
                renewal_day = cert.expiry - dt.timedelta(days=rng.randint(5, 60))
                succ = PlannedCertificate(
                    index=len(planned),
                    holder_id=holder_id,
                    body_id=cert.body_id,
                    category=category,
                    region=region,
                    unit=unit,
                    issue=renewal_day,
                    initial_issue=cert.initial_issue,
                    expiry=add_years(renewal_day, category.validity_years) - dt.timedelta(days=1),
                    products=cert.products,
                    service_site=service_site,
                    grade=cert.grade,
                    renewed_from_index=cert.index,
                )
                self._history(succ)
                planned.append(succ)
        return planned

    # -- writing ---------------------------------------------------------------------------------
    def _number(self, planned: list[PlannedCertificate]) -> dict[str, int]:
        counters: dict[str, int] = {}
        for cert in sorted(planned, key=lambda c: (c.issue, c.index)):
            province = cert.region.province_code[:2]
            key = f"certificate-number:{province}:{cert.issue.year}"
            while True:
                counters[key] = counters.get(key, 0) + 1
                number = compose(province, cert.issue.year, counters[key])
                if number:
                    cert.number = number
                    break
        return counters

    def _certificate_rows(
        self, planned: list[PlannedCertificate], standards: dict[int, list[Any]]
    ) -> Iterator[Certificate]:
        for cert in planned:
            stds = standards.get(cert.category.pk, [])
            in_force = [s for s in stds if s.in_force_on is None or s.in_force_on <= cert.issue]
            standard = (in_force or stds or [None])[-1]
            yield Certificate(
                number=cert.number,
                holder_id=cert.holder_id,
                body_id=cert.body_id,
                category_id=cert.category.pk,
                standard=standard,
                certification_unit=cert.unit,
                products=cert.products,
                service_site=cert.service_site,
                production_site=f"{cert.region.name_zh}生产基地" if not cert.service_site else "",
                site_region=cert.region,
                province_code=cert.region.province_code,
                city_code=cert.region.city_code,
                in_pilot_zone=in_zone(cert.region, "pilot_zone"),
                in_demonstration_zone=in_zone(cert.region, "demonstration_zone"),
                initial_issue_date=cert.initial_issue,
                issue_date=cert.issue,
                expiry_date=cert.expiry,
                grade=cert.grade,
                status=cert.status,
                status_reason_code=cert.reason,
                suspended_until=cert.suspended_until,
            )

    def write(self) -> dict[str, int]:
        regions = {r.code: r for r in Region.objects.select_related("parent")}
        # Each of the 41 city-level units is equally likely; within Shanghai, one of its districts.
        cities = [r for r in regions.values() if r.level == "city" or r.code == "310000"]
        districts: dict[str, list[Region]] = {}
        for r in regions.values():
            if r.level in {"district", "county"}:
                districts.setdefault(r.city_code, []).append(r)
        sites = [(city, districts.get(city.code, [])) for city in cities]
        categories = [
            c
            for c in Category.objects.prefetch_related("standards").order_by("code")
            if c.code in CATEGORY_WEIGHTS
        ]
        standards = {c.pk: sorted(c.standards.all(), key=lambda s: s.year) for c in categories}
        self.progress("bodies")
        bodies = self._bodies(categories, regions)
        bodies_by_category: dict[int, list[int]] = {}
        for body_id, category_id in CertificationBody.categories.through.objects.values_list(
            "certificationbody_id", "category_id"
        ):
            bodies_by_category.setdefault(category_id, []).append(body_id)
        self.progress("enterprises")
        holders = self._enterprises(max(20, self.total // 4), sites)
        self.progress("plan")
        planned = self.plan(categories, holders, bodies_by_category)
        counters = self._number(planned)
        self.progress("certificates")
        rows = self._certificate_rows(planned, standards)
        batch: list[Certificate] = []
        for row in rows:
            batch.append(row)
            if len(batch) == BATCH:
                Certificate.objects.bulk_create(batch)
                batch = []
        if batch:
            Certificate.objects.bulk_create(batch)
        ids = dict(Certificate.objects.values_list("number", "id"))
        id_of = [ids[c.number] for c in planned]
        renewal_links = [
            (id_of[c.index], id_of[c.renewed_from_index])
            for c in planned
            if c.renewed_from_index is not None
        ]
        with connection.cursor() as cursor:
            cursor.executemany(
                "UPDATE certification_certificate SET renewed_from_id = %s WHERE id = %s",
                [(old, new) for new, old in renewal_links],
            )
        self.progress("events")
        events = sorted((e for c in planned for e in c.events), key=lambda e: (e.at, e.cert_index))
        last_seq = [0] * len(planned)
        buffer: list[CertificateEvent] = []
        for seq, event in enumerate(events, start=1):
            last_seq[event.cert_index] = seq
            buffer.append(
                CertificateEvent(
                    sequence=seq,
                    certificate_id=id_of[event.cert_index],
                    event_type=event.event_type,
                    status_before=event.before,
                    status_after=event.after,
                    reason_code=event.reason,
                    actor_label="system:seed",
                    payload=event.payload,
                    effective_at=event.at,
                    recorded_at=event.at,
                )
            )
            if len(buffer) == BATCH:
                CertificateEvent.objects.bulk_create(buffer)
                buffer = []
        if buffer:
            CertificateEvent.objects.bulk_create(buffer)
        with connection.cursor() as cursor:
            cursor.executemany(
                "UPDATE certification_certificate SET last_event_sequence = %s WHERE id = %s",
                [(last_seq[i], id_of[i]) for i in range(len(planned))],
            )
        counters[EVENT_SEQUENCE] = len(events)
        for name, value in counters.items():
            Counter.objects.update_or_create(name=name, defaults={"value": value})
        return {
            "certificates": len(planned),
            "events": len(events),
            "enterprises": len(holders),
            "bodies": len(bodies),
        }


def seed(
    certificates: int, seed: int, today: dt.date, progress: Callable[[str], None] | None = None
) -> dict[str, int]:
    """Write the data set in one transaction: all of it or, on any error, none of it."""
    with transaction.atomic():
        return DemoDataGenerator(certificates, seed, today, progress=progress).write()
