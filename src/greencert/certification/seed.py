"""Deterministic demo and benchmark data: bodies, enterprises, certificates and their full histories.

Rows are written in bulk (a million certificates in a few minutes on SQLite), but they are the rows
the actions would have written had each event been recorded through them at its time: each history
is planned by walking the lifecycle's transition table, events carry the payloads, actors and
times the actions give them, certificates are numbered and keyed in the order they were issued, and
the read models are rebuilt from the result. ``test_seed_replay`` replays a seeded registry through
the actions and compares the two, row by row.

Why it is written the way it is: at a million certificates and 3.6 million events, Django model
instances and ``bulk_create`` cost more than the database does. So the plan is kept compact (one
tuple per certificate, one integer per event), primary keys are reserved up front so that
``renewed_from_id`` and ``last_event_sequence`` are known before the insert, and rows go to the
database as plain tuples: ``executemany`` on SQLite, ``COPY`` on PostgreSQL.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import random
from bisect import bisect
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import accumulate
from typing import Any, NamedTuple

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection, models, transaction
from django.utils import timezone

from greencert.catalog.editions import category_edition_on
from greencert.catalog.models import Category, Standard
from greencert.certification import lifecycle
from greencert.certification.actions import EXPIRY_JOB, add_years, in_zone
from greencert.certification.body_numbers import counter_name, rule_for
from greencert.certification.demo_industries import industry, service_site
from greencert.certification.lifecycle import EventType, Status
from greencert.certification.lifecycle.log import EVENT_SEQUENCE
from greencert.certification.models import Certificate, CertificateEvent
from greencert.certification.numbers import SERIAL_DIGITS, SKIPPED_CHECKS, compose, prefix
from greencert.core.actors import Actor
from greencert.core.checkchars import MOD37_CHARSET
from greencert.core.models import Counter
from greencert.core.projections import rebuild_projections
from greencert.parties.factory import (
    BRAND_HEADS,
    BRAND_TAILS,
    DEMO_BODIES,
    credit_code,
    short_place,
)
from greencert.parties.models import CertificationBody, Enterprise, Role, RoleAssignment
from greencert.regions.models import Region

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
GRADES = {"rural-homestays": ["三钻", "四钻", "五钻"], "data-centres": ["一级", "二级"]}
BATCH = 5000
# Each body's certificates are recorded by one member of its staff, this account.
REGISTRAR_USERNAME = "registrar-{approval_number}"
# Event times are whole minutes, Beijing time: China has kept UTC+8 all year since 1991.
UTC_OFFSET_MINUTES = 8 * 60
MINUTES_PER_DAY = 24 * 60
SUSPENSION_DAYS = 90
# Reason codes a seeded history draws from, in the order it draws them. ``Steps`` checks each
# against the reason group its transition takes.
FIRST_ISSUE_REASON = "I01"
RENEWAL_ISSUE_REASON = "I02"
SUSPENSIONS = ["S01", "S03", "S04", "S06", "S07"]
RESTORATION = "T01"
REVOCATIONS_AFTER_SUSPENSION = ["R01", "R02", "R04"]
RAN_OUT = "R01"  # 暂停期满未完成整改
CANCELLATIONS = ["C02", "C04", "C03"]
REVOCATIONS = ["R03", "R05"]
SURVEILLANCE = "V01"
MODEL_LETTERS = "ABCDEFGHJKLMNPRSTWXYZ"
# An event is planned as one integer, so millions of them sort fast and take little memory:
# ((((minute * issue_minutes + issue minute) * certificates + certificate index) << POSITION_BITS
#  | position) << KIND_BITS) | kind,
# minutes counted in Beijing time, the issue minute from ``first_minute``. Sorting these integers
# is sorting by time, then by the order the certificates were issued in (which is the order the
# actions create them in, and so the order of their ids: the expiry job walks certificates by id),
# then by position in the certificate's history.
POSITION_BITS = 6
KIND_BITS = 6
MAX_EVENTS = 1 << POSITION_BITS
KIND_MASK = (1 << KIND_BITS) - 1
POSITION_AND_KIND_BITS = POSITION_BITS + KIND_BITS
# Event types whose payload the seed builds from the certificate or the event's day, and those
# whose payload is a note alone (empty: the seed records no notes).
BUILT_PAYLOADS = {EventType.ISSUED, EventType.EXPIRED, EventType.SUSPENDED, EventType.RENEWED}
NOTE_PAYLOADS = {
    EventType.RESTORED,
    EventType.REVOKED,
    EventType.CANCELLED,
    EventType.SURVEILLANCE_PASSED,
}
# The position of a predecessor's ``renewed`` event in its successor's slot: right after the
# successor's ``issued``, as ``issue_certificate`` appends them.
RENEWED_POSITION = MAX_EVENTS - 1


def working_day(day: dt.date) -> dt.date:
    """``day``, or the Friday before it when it falls on a weekend: bodies issue, inspect and
    decide on working days (only the expiry job runs on any day)."""
    weekday = day.weekday()
    return day - dt.timedelta(days=weekday - 4) if weekday > 4 else day


class Holder(NamedTuple):
    """A seeded enterprise as the plan uses it."""

    id: int
    region: Region
    name: str
    credit_code: str
    address: str  # also where it produces
    service_site: str  # where it serves, for a service category


# A certificate's planned events: (minute, kind), in the order of its history.
PlannedEvents = list[tuple[int, int]]


class PlannedCertificate(NamedTuple):
    """One certificate of the plan; dates are ordinals, ``products`` is already JSON text."""

    holder: int  # index into the enterprises
    body_id: int
    category: int  # index into the categories
    region: Region
    unit: str
    issued_at: int  # the minute its ``issued`` event is recorded
    issue: int
    initial_issue: int
    expiry: int
    products: str
    service_site: str
    grade: str
    renewed_from: int | None  # index of the predecessor in the plan
    status: str
    reason: str
    suspended_until: int | None


class Steps:
    """The transitions the plan takes, each checked once against the lifecycle's transition table
    and reason groups and numbered: an event of the plan carries only that number, its kind.

    ``rows[kind]`` is (event type, status before, status after, reason code).
    """

    def __init__(self) -> None:
        self.transitions = lifecycle.transitions()
        self.reasons = lifecycle.reasons()
        self.rows: list[tuple[str, str, str, str]] = []
        self.known: dict[tuple[str, str, str], tuple[int, str]] = {}

    def take(self, event_type: str, before: str, reason: str) -> tuple[int, str]:
        """The kind of ``event_type`` with ``reason`` from status ``before`` (a certificate not yet
        issued has the status ""), and the status it leads to."""
        found = self.known.get((event_type, before, reason))
        if found is None:
            found = self.known[event_type, before, reason] = self._check(event_type, before, reason)
        return found

    def allowed(self, status: str, event_type: str) -> bool:
        return self.transitions[event_type].allowed_from(status)

    def only_reason(self, event_type: str) -> str:
        """The reason code of an event whose group has exactly one."""
        (code,) = self.reasons[self.transitions[event_type].reason_group]
        return code

    def _check(self, event_type: str, before: str, reason: str) -> tuple[int, str]:
        transition = self.transitions[event_type]
        starts = not transition.from_statuses
        if (starts and before) or not (starts or transition.allowed_from(before)):
            raise ValueError(f"seed: {event_type} is not allowed from status {before!r}")
        if reason not in self.reasons[transition.reason_group]:
            raise ValueError(
                f"seed: reason {reason} is not in group {transition.reason_group} of {event_type}"
            )
        if len(self.rows) > KIND_MASK:
            raise RuntimeError(f"seed: more than {KIND_MASK + 1} kinds of event")
        after = transition.target(before)
        self.rows.append((EventType(event_type), before, after, reason))
        return len(self.rows) - 1, after


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
        self.now = timezone.now()
        self.steps = Steps()
        self.expiry_reason = self.steps.only_reason(EventType.EXPIRED)
        self.renewal_reason = self.steps.only_reason(EventType.RENEWED)
        # Issue minutes are counted from the first possible issue day, up to the seed day.
        first = min(FIRST_ISSUE, today)
        self.first_minute = first.toordinal() * MINUTES_PER_DAY
        self.issue_minutes = ((today - first).days + 1) * MINUTES_PER_DAY
        # Filled by ``plan``: the certificates and their events, one integer per event.
        self.planned: list[PlannedCertificate] = []
        self.event_keys: list[int] = []

    # -- parties ---------------------------------------------------------------------------------
    def _bodies(
        self, categories: list[Category], regions: dict[str, Region]
    ) -> list[CertificationBody]:
        CertificationBody.objects.bulk_create(
            CertificationBody(
                approval_number=demo.approval_number,
                name=demo.name,
                short_name=demo.short_name,
                region=regions[demo.region],
                alliance_member=demo.alliance_member,
            )
            for demo in DEMO_BODIES
        )
        bodies = list(CertificationBody.objects.order_by("approval_number"))
        scopes = {demo.approval_number: demo.categories for demo in DEMO_BODIES}
        by_code = {c.code: c.pk for c in Category.objects.all()}
        through = CertificationBody.categories.through
        through.objects.bulk_create(
            through(certificationbody_id=body.pk, category_id=by_code[code])
            for body in bodies
            for code in scopes[body.approval_number]
            if code in by_code
        )
        covered = {code for demo in DEMO_BODIES for code in demo.categories}
        uncovered = [c.code for c in categories if c.code not in covered]
        if uncovered:
            raise ValueError(f"seed: no demo body is approved for {uncovered}")
        return bodies

    def _registrars(self, bodies: list[CertificationBody]) -> dict[int, tuple[int, str]]:
        """Body id -> (user id, actor label) of the staff account that records its certificates.

        The account has no usable password: it exists so that each event names a person of the
        body entitled to record it, as events recorded through the actions do.
        """
        user_model = get_user_model()
        users = user_model.objects.bulk_create(
            user_model(
                username=REGISTRAR_USERNAME.format(approval_number=body.approval_number),
                password=make_password(None),
            )
            for body in bodies
        )
        RoleAssignment.objects.bulk_create(
            RoleAssignment(user=user, role=Role.BODY_STAFF, body=body)
            for user, body in zip(users, bodies, strict=True)
        )
        return {
            body.pk: (user.pk, Actor.for_user(user).label)
            for user, body in zip(users, bodies, strict=True)
        }

    def _site(self, sites: list[tuple[Region, list[Region]]]) -> Region:
        city, children = self.rng.choice(sites)
        if city.code == "310000" or (children and self.rng.random() < 0.2):
            return self.rng.choice(children)
        return city

    def _enterprises(
        self,
        count: int,
        sites: list[tuple[Region, list[Region]]],
        categories: list[Category],
        regions: dict[str, Region],
    ) -> tuple[list[Holder], list[list[int]]]:
        """Write at least ``count`` enterprises, each in the trade of one category, most of them
        where that trade clusters; return them, and the indexes of each category's holders."""
        rng = self.rng
        below = rng._randbelow  # type: ignore[attr-defined]
        seen: set[str] = set()
        names: set[str] = set()
        cumulative = list(accumulate(CATEGORY_WEIGHTS.get(c.code, 1) for c in categories))
        total_weight = cumulative[-1] + 0.0
        trades = [industry(c.code) for c in categories]
        clusters = [[regions[code] for code in t.clusters if code in regions] for t in trades]
        count = max(count, len(categories))
        ids = reserve_ids(Enterprise, count)
        holders: list[Holder] = []
        holders_of: list[list[int]] = [[] for _ in categories]
        rows: list[tuple[Any, ...]] = []
        # Every category has a holder: the first enterprises take one each, the most certified
        # first (the demo's enterprise account is the first with certificates); the others
        # follow the categories' weights.
        weights = list(CATEGORY_WEIGHTS)
        firsts = sorted(range(len(categories)), key=lambda c: weights.index(categories[c].code))
        for i, pk in enumerate(ids):
            c = (
                firsts[i]
                if i < len(firsts)
                else bisect(cumulative, rng.random() * total_weight, 0, len(categories) - 1)
            )
            trade = trades[c]
            near = clusters[c]
            region = near[below(len(near))] if near and rng.random() < 0.75 else self._site(sites)
            place = short_place(region.name_zh)
            code = credit_code(rng, region.code, trade.credit_kind)
            while code in seen:
                code = credit_code(rng, region.code, trade.credit_kind)
            seen.add(code)
            name = self._unique_name(place, trade.endings, names)
            address = (
                f"{region.name_zh}{BRAND_HEADS[below(len(BRAND_HEADS))]}"
                f"{BRAND_TAILS[below(len(BRAND_TAILS))]}"
                f"{trade.streets[below(len(trade.streets))]}{1 + below(999)}号"
            )
            site = service_site(categories[c].code, name, region.name_zh)
            holders_of[c].append(len(holders))
            holders.append(Holder(pk, region, name, code, address, site))
            rows.append((pk, code, name, region.pk, address))
        TableWriter(
            Enterprise, ["id", "credit_code", "name", "region_id", "address"], self.now
        ).write(rows)
        return holders, holders_of

    def _unique_name(self, place: str, endings: tuple[str, ...], names: set[str]) -> str:
        """Place, a brand of two characters (three once two keep colliding) and a trade ending;
        a brand never repeats the place (金华金华…)."""
        below = self.rng._randbelow  # type: ignore[attr-defined]
        tries = 0
        while True:
            brand = BRAND_HEADS[below(len(BRAND_HEADS))] + BRAND_TAILS[below(len(BRAND_TAILS))]
            if tries >= 4:
                brand += BRAND_TAILS[below(len(BRAND_TAILS))]
            tries += 1
            if brand[0] in place or brand[1] in place:
                continue
            name = f"{place}{brand}{endings[below(len(endings))]}"
            if name not in names:
                names.add(name)
                return name

    # -- the plan --------------------------------------------------------------------------------
    # The plan draws millions of numbers, so it calls ``Random._randbelow`` directly: it is what
    # ``randint(a, b)`` (a + _randbelow(b - a + 1)) and ``choice(s)`` (s[_randbelow(len(s))])
    # draw with, so the data are the same as with those calls, at half the cost per draw.
    def _products(self, category: Category, unit: str) -> str:
        if category.kind == "service":
            return "[]"
        below = self.rng._randbelow  # type: ignore[attr-defined]
        letters = MODEL_LETTERS[below(21)] + MODEL_LETTERS[below(21)]
        trade = industry(category.code)
        forms = trade.models.get(unit) or trade.models["*"]
        variants = trade.variants
        models = [
            forms[below(len(forms))].format(
                L=letters, n=100 + below(9900), v=variants[below(len(variants))]
            )
            for _ in range(1 + below(3))
        ]
        # The text json.dumps gives (what the JSON field stores), built directly.
        return (
            f'[{{"name": {json.dumps(unit)}, "models": {json.dumps(list(dict.fromkeys(models)))}}}]'
        )

    def _history(
        self, index: int, issue: dt.date, expiry: dt.date, renewal: bool
    ) -> tuple[PlannedEvents, str, str, int | None]:
        """Plan the certificate's events by walking the transition table; return them as
        (minute, kind) pairs, and its final status, reason and suspended-until."""
        rng = self.rng
        below = rng._randbelow  # type: ignore[attr-defined]
        known, take = self.steps.known, self.steps.take
        allowed = self.steps.allowed
        events: PlannedEvents = []
        status = reason = ""

        def moment(day: dt.date) -> int:
            """A random minute of office hours on ``day``, in minutes since 0001-01-01 (Beijing)."""
            hour = 8 + below(10)
            return day.toordinal() * MINUTES_PER_DAY + hour * 60 + below(60)

        def step(minute: int, event_type: str, code: str) -> None:
            nonlocal status, reason
            kind, after = known.get((event_type, status, code)) or take(event_type, status, code)
            events.append((minute, kind))
            if after != status:  # an event that keeps the status leaves its reason alone
                status, reason = after, code

        step(
            moment(issue), EventType.ISSUED, RENEWAL_ISSUE_REASON if renewal else FIRST_ISSUE_REASON
        )
        suspended_until: dt.date | None = None
        # Events end the day before the seed day: a moment of office hours on the seed day itself
        # could lie after the moment the seed runs.
        end = min(self.today - dt.timedelta(days=1), expiry)
        year = 1
        # Once a year, while surveillance applies, the certificate is checked.
        while True:
            check = working_day(add_years(issue, year) - dt.timedelta(days=below(41)))
            if check > end or not allowed(status, EventType.SURVEILLANCE_PASSED):
                break
            roll = rng.random()
            if roll < 0.06:
                suspended_until = check + dt.timedelta(days=SUSPENSION_DAYS)
                code = SUSPENSIONS[below(5)]
                step(moment(check), EventType.SUSPENDED, code)
                outcome = rng.random()
                follow = working_day(check + dt.timedelta(days=10 + below(76)))
                # A follow-up after the end of the data set leaves it still suspended.
                if follow <= end and outcome < 0.6:
                    # Corrective actions verified: restored, and the year's surveillance passed.
                    restored = moment(follow)
                    step(restored, EventType.RESTORED, RESTORATION)
                    step(restored + 1, EventType.SURVEILLANCE_PASSED, SURVEILLANCE)
                elif follow <= end:
                    code = REVOCATIONS_AFTER_SUSPENSION[below(3)]
                    if code == RAN_OUT:
                        # Revoked because the suspension ran out: after its last day.
                        follow = working_day(suspended_until + dt.timedelta(days=3 + below(10)))
                    if follow <= end:
                        step(moment(follow), EventType.REVOKED, code)
            elif roll < 0.09:
                code = CANCELLATIONS[below(3)]
                step(moment(check), EventType.CANCELLED, code)
            elif roll < 0.105:
                code = REVOCATIONS[below(2)]
                step(moment(check), EventType.REVOKED, code)
            else:
                step(moment(check), EventType.SURVEILLANCE_PASSED, SURVEILLANCE)
            year += 1
        if expiry < self.today and allowed(status, EventType.EXPIRED):
            # The daily expiry job, at the start of the day after the last day of validity.
            start = (expiry + dt.timedelta(days=1)).toordinal() * MINUTES_PER_DAY
            step(start, EventType.EXPIRED, self.expiry_reason)
        if len(events) >= RENEWED_POSITION:
            raise RuntimeError(
                f"certificate {index} has {len(events)} events; fewer than {RENEWED_POSITION} fit"
            )
        self._add_keys(index, events[0][0], events)
        until = (
            suspended_until.toordinal() if suspended_until and status == Status.SUSPENDED else None
        )
        return events, status, reason, until

    def _valid_through(self, events: PlannedEvents, day: dt.date) -> bool:
        """Whether a certificate with ``events`` is valid all through ``day``."""
        end = (day.toordinal() + 1) * MINUTES_PER_DAY
        kinds = self.steps.rows
        status = ""
        for minute, kind in events:
            if minute >= end:
                break
            status = kinds[kind][2]
        return status == Status.VALID and not any(
            end - MINUTES_PER_DAY <= minute < end for minute, _kind in events
        )

    def _add_keys(
        self, index: int, issued_at: int, events: PlannedEvents, first_position: int = 0
    ) -> None:
        """Append the keys of events (laid out as above POSITION_BITS) in the slot of certificate
        ``index``, which was issued at minute ``issued_at``."""
        spread = self.issue_minutes * self.total
        slot = (issued_at - self.first_minute) * self.total + index
        self.event_keys += [
            (((minute * spread + slot) * MAX_EVENTS + position) << KIND_BITS) + kind
            for position, (minute, kind) in enumerate(events, first_position)
        ]

    def _renewed(self, predecessor: PlannedEvents, successor: int, issued_at: int) -> None:
        """Plan the ``renewed`` event that issuing ``successor`` appends to its predecessor's log,
        at the same minute and right after the successor's ``issued``."""
        kinds = self.steps.rows
        status = ""
        for minute, kind in predecessor:
            if minute > issued_at:
                break
            status = kinds[kind][2]
        kind, after = self.steps.take(EventType.RENEWED, status, self.renewal_reason)
        if after != status:
            raise ValueError("seed: a renewal is planned as leaving the predecessor's status as is")
        self._add_keys(successor, issued_at, [(issued_at, kind)], RENEWED_POSITION)

    def plan(
        self,
        categories: list[Category],
        holders: list[Holder],
        holders_of: list[list[int]],
        bodies_by_category: dict[int, list[int]],
    ) -> list[PlannedCertificate]:
        rng = self.rng
        below = rng._randbelow  # type: ignore[attr-defined]
        cumulative = list(accumulate(CATEGORY_WEIGHTS.get(c.code, 1) for c in categories))
        total_weight = cumulative[-1] + 0.0
        last_category = len(categories) - 1
        units = [c.certification_units or [c.name_zh] for c in categories]
        grades = [GRADES.get(c.code, [""]) for c in categories]
        span = (self.today - FIRST_ISSUE).days
        planned = self.planned
        while len(planned) < self.total:
            # What rng.choices(categories, weights) draws, without re-accumulating the weights.
            c = bisect(cumulative, rng.random() * total_weight, 0, last_category)
            category = categories[c]
            # A certificate of the category goes to a firm of its trade.
            in_trade = holders_of[c]
            h = in_trade[below(len(in_trade))]
            holder = holders[h]
            region = holder.region
            unit = units[c][below(len(units[c]))]
            issue = working_day(FIRST_ISSUE + dt.timedelta(days=int(span * rng.random() ** 0.8)))
            if issue < FIRST_ISSUE:
                issue += dt.timedelta(days=7)
            products = self._products(category, unit)
            service_site = holder.service_site if category.kind == "service" else ""
            choices = bodies_by_category[category.pk]
            body_id = choices[below(len(choices))]
            grade = grades[c][below(len(grades[c]))]
            expiry = add_years(issue, category.validity_years) - dt.timedelta(days=1)
            index = len(planned)
            events, status, reason, until = self._history(index, issue, expiry, renewal=False)
            cert = PlannedCertificate(
                holder=h,
                body_id=body_id,
                category=c,
                region=region,
                unit=unit,
                issued_at=events[0][0],
                issue=issue.toordinal(),
                initial_issue=issue.toordinal(),
                expiry=expiry.toordinal(),
                products=products,
                service_site=service_site,
                grade=grade,
                renewed_from=None,
                status=status,
                reason=reason,
                suspended_until=until,
            )
            planned.append(cert)
            # About a third of certificates reaching expiry are renewed into a successor, if they
            # are valid on the day (a body renews no suspended certificate).
            if (
                status == Status.EXPIRED
                and rng.random() < 0.35
                and len(planned) < self.total
                and self._valid_through(
                    events, renewal_day := working_day(expiry - dt.timedelta(days=5 + below(56)))
                )
            ):
                succ_expiry = add_years(renewal_day, category.validity_years) - dt.timedelta(days=1)
                succ_events, status, reason, until = self._history(
                    index + 1, renewal_day, succ_expiry, renewal=True
                )
                issued_at = succ_events[0][0]
                self._renewed(events, index + 1, issued_at)
                planned.append(
                    cert._replace(
                        issued_at=issued_at,
                        issue=renewal_day.toordinal(),
                        expiry=succ_expiry.toordinal(),
                        renewed_from=index,
                        status=status,
                        reason=reason,
                        suspended_until=until,
                    )
                )
        return planned

    def _issue_order(self, planned: list[PlannedCertificate]) -> list[int]:
        """Plan indexes in the order the certificates were issued: the order ``issue_certificate``
        would have created them in, and so that of their ids and serial numbers."""
        stride = len(planned)
        first = self.first_minute
        slots = sorted((cert.issued_at - first) * stride + i for i, cert in enumerate(planned))
        return [slot % stride for slot in slots]

    def _numbers(
        self, planned: list[PlannedCertificate], order: list[int]
    ) -> tuple[list[str], dict[str, int]]:
        """Certificate numbers as ``allocate_number`` hands them out in issue order, per province
        and year; and the counters' values after the last."""
        series: dict[tuple[str, int], NumberSeries] = {}
        numbers = [""] * len(planned)
        for index in order:
            cert = planned[index]
            province = cert.region.province_code[:2]
            year = dt.date.fromordinal(cert.issue).year
            if (province, year) not in series:
                series[province, year] = NumberSeries(province, year)
            numbers[index] = series[province, year].next()
        counters = {f"certificate-number:{p}:{y}": s.serial for (p, y), s in series.items()}
        return numbers, counters

    def _body_numbers(
        self, planned: list[PlannedCertificate], order: list[int], bodies: list[CertificationBody]
    ) -> tuple[list[str], dict[str, int]]:
        """Each body's own numbers as ``allocate_body_number`` hands them out in issue order, per
        body and year; and the counters' values after the last."""
        approval = {b.pk: b.approval_number for b in bodies}
        serials: dict[tuple[int, int], int] = {}
        numbers = [""] * len(planned)
        for index in order:
            cert = planned[index]
            key = (cert.body_id, dt.date.fromordinal(cert.issue).year)
            serial = serials[key] = serials.get(key, 0) + 1
            numbers[index] = rule_for(approval[key[0]]).compose(approval[key[0]], key[1], serial)
        counters = {counter_name(approval[b], y): value for (b, y), value in serials.items()}
        return numbers, counters

    def _renewal_kinds(self) -> set[int]:
        return {k for k, row in enumerate(self.steps.rows) if row[0] == EventType.RENEWED}

    def _last_sequences(self) -> list[int]:
        """The sequence number of each certificate's last event; the keys are sorted already."""
        stride = self.total
        renewals = self._renewal_kinds()
        renewed_from = [cert.renewed_from for cert in self.planned]
        last_sequence = [0] * len(self.planned)
        for sequence, key in enumerate(self.event_keys, start=1):
            index = (key >> POSITION_AND_KIND_BITS) % stride
            if key & KIND_MASK in renewals:
                index = renewed_from[index]  # type: ignore[assignment]
            last_sequence[index] = sequence
        return last_sequence

    # -- writing ---------------------------------------------------------------------------------
    def _certificate_rows(
        self,
        order: list[int],
        ids: list[int],
        numbers: list[str],
        body_numbers: list[str],
        last_sequence: list[int],
        holders: list[Holder],
        categories: list[Category],
        standards: dict[int, list[Standard]],
    ) -> Iterator[tuple[Any, ...]]:
        """Certificate rows in id order, which is issue order."""
        date_text = DateText()
        moment = MomentText()
        spread = self.issue_minutes * self.total
        standard_on: dict[tuple[int, int], int | None] = {}
        zones: dict[str, tuple[bool, bool]] = {}
        planned, keys = self.planned, self.event_keys
        for index in order:
            cert = planned[index]
            category = categories[cert.category]
            key = (cert.category, cert.issue)
            if key not in standard_on:
                standard = cited_standard(
                    standards.get(category.pk, []), dt.date.fromordinal(cert.issue)
                )
                standard_on[key] = standard.pk if standard else None
            region = cert.region
            if region.pk not in zones:
                zones[region.pk] = (
                    in_zone(region, "pilot_zone"),
                    in_zone(region, "demonstration_zone"),
                )
            pilot, demonstration = zones[region.pk]
            last = last_sequence[index]
            # The actions create the row when they issue it and touch it with each later event.
            updated_at = (keys[last - 1] >> POSITION_AND_KIND_BITS) // spread
            yield (
                ids[index],
                numbers[index],
                body_numbers[index],
                holders[cert.holder][0],
                cert.body_id,
                category.pk,
                standard_on[key],
                cert.unit,
                cert.products,
                cert.service_site,
                "" if cert.service_site else holders[cert.holder].address,
                region.pk,
                region.province_code,
                region.city_code,
                pilot,
                demonstration,
                date_text[cert.initial_issue],
                date_text[cert.issue],
                date_text[cert.expiry],
                cert.grade,
                cert.status,
                cert.reason,
                None if cert.suspended_until is None else date_text[cert.suspended_until],
                None if cert.renewed_from is None else ids[cert.renewed_from],
                last,
                moment[cert.issued_at],
                moment[updated_at],
            )

    def _event_rows(
        self,
        ids: list[int],
        numbers: list[str],
        body_numbers: list[str],
        holders: list[Holder],
        categories: list[Category],
        bodies: list[CertificationBody],
        registrars: dict[int, tuple[int, str]],
    ) -> Iterator[tuple[Any, ...]]:
        """Events in time order, numbered from 1, with the payloads and actors the actions give
        them; the keys are sorted already."""
        stride = self.total
        spread = self.issue_minutes * stride
        planned = self.planned
        moment = MomentText()
        date_text = DateText()
        kinds = self.steps.rows
        # The payload each action writes for its event (certification/actions.py): a note alone
        # (``note``), or one built below for the event types in ``BUILT_PAYLOADS``.
        note = json.dumps({"note": ""})
        built = [row[0] if row[0] in BUILT_PAYLOADS else None for row in kinds]
        unknown = {row[0] for row in kinds} - BUILT_PAYLOADS - NOTE_PAYLOADS
        if unknown:
            raise ValueError(f"seed: no payload for {sorted(unknown)}")
        approval = {b.pk: json.dumps(b.approval_number) for b in bodies}
        category_code = [json.dumps(c.code) for c in categories]
        expiry_actor: tuple[int | None, str] = (None, EXPIRY_JOB.label)
        registrar_of: list[tuple[int | None, str]] = [registrars[cert.body_id] for cert in planned]
        by_day: dict[tuple[str, int], str] = {}
        for sequence, key in enumerate(self.event_keys, start=1):
            kind = key & KIND_MASK
            minute, slot = divmod(key >> POSITION_AND_KIND_BITS, spread)
            index = slot % stride
            event_type = built[kind]
            actor = registrar_of[index]
            if event_type is None:
                payload = note
            elif event_type is EventType.ISSUED:
                cert = planned[index]
                renewed_from = "" if cert.renewed_from is None else numbers[cert.renewed_from]
                payload = (
                    f'{{"holder": "{holders[cert.holder][3]}", "body": {approval[cert.body_id]}, '
                    f'"body_number": "{body_numbers[index]}", '
                    f'"category": {category_code[cert.category]}, "scheme": "", '
                    f'"evaluation_fingerprint": "", "expiry_date": "{date_text[cert.expiry]}", '
                    f'"renewed_from": "{renewed_from}"}}'
                )
            elif event_type is EventType.EXPIRED:
                actor = expiry_actor
                day = planned[index].expiry
                payload = by_day.get((event_type, day)) or by_day.setdefault(
                    (event_type, day), json.dumps({"expiry_date": date_text[day]})
                )
            elif event_type is EventType.SUSPENDED:
                day = minute // MINUTES_PER_DAY + SUSPENSION_DAYS
                payload = by_day.get((event_type, day)) or by_day.setdefault(
                    (event_type, day), json.dumps({"until": date_text[day], "note": ""})
                )
            else:  # renewed: the predecessor's event, in its successor's slot
                payload = json.dumps({"successor": numbers[index]})
                index = planned[index].renewed_from  # type: ignore[assignment]
            at = moment[minute]
            yield (sequence, ids[index], *kinds[kind], *actor, payload, at, at)

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
            for c in Category.objects.prefetch_related("standards__superseded_by").order_by("code")
            if c.code in CATEGORY_WEIGHTS
        ]
        standards = {c.pk: sorted(c.standards.all(), key=lambda s: s.year) for c in categories}
        self.progress("bodies")
        bodies = self._bodies(categories, regions)
        registrars = self._registrars(bodies)
        bodies_by_category: dict[int, list[int]] = {}
        links = CertificationBody.categories.through.objects.order_by("id")
        for body_id, category_id in links.values_list("certificationbody_id", "category_id"):
            bodies_by_category.setdefault(category_id, []).append(body_id)
        self.progress("enterprises")
        holders, holders_of = self._enterprises(
            max(20, self.total // 4), sites, categories, regions
        )
        self.progress("plan")
        planned = self.plan(categories, holders, holders_of, bodies_by_category)
        order = self._issue_order(planned)
        numbers, counters = self._numbers(planned, order)
        body_numbers, body_counters = self._body_numbers(planned, order, bodies)
        counters |= body_counters
        self.progress("sort events")
        self.event_keys.sort()
        last_sequence = self._last_sequences()
        self.progress("certificates")
        ids = [0] * len(planned)
        for index, pk in zip(order, reserve_ids(Certificate, len(planned)), strict=True):
            ids[index] = pk
        TableWriter(Certificate, CERTIFICATE_COLUMNS, self.now).write(
            self._certificate_rows(
                order, ids, numbers, body_numbers, last_sequence, holders, categories, standards
            )
        )
        del last_sequence
        self.progress("events")
        TableWriter(CertificateEvent, EVENT_COLUMNS, self.now).write(
            self._event_rows(ids, numbers, body_numbers, holders, categories, bodies, registrars)
        )
        counters[EVENT_SEQUENCE] = len(self.event_keys)
        for name, value in counters.items():
            Counter.objects.update_or_create(name=name, defaults={"value": value})
        return {
            "certificates": len(planned),
            "events": len(self.event_keys),
            "enterprises": len(holders),
            "bodies": len(bodies),
        }


CERTIFICATE_COLUMNS = [
    "id",
    "number",
    "body_number",
    "holder_id",
    "body_id",
    "category_id",
    "standard_id",
    "certification_unit",
    "products",
    "service_site",
    "production_site",
    "site_region_id",
    "province_code",
    "city_code",
    "in_pilot_zone",
    "in_demonstration_zone",
    "initial_issue_date",
    "issue_date",
    "expiry_date",
    "grade",
    "status",
    "status_reason_code",
    "suspended_until",
    "renewed_from_id",
    "last_event_sequence",
    "created_at",
    "updated_at",
]
EVENT_COLUMNS = [
    "sequence",
    "certificate_id",
    "event_type",
    "status_before",
    "status_after",
    "reason_code",
    "actor_id",
    "actor_label",
    "payload",
    "effective_at",
    "recorded_at",
]


# -- the database side -----------------------------------------------------------------------------
class DateText(dict[int, str]):
    """Date ordinal → the text both engines read as that date ('2024-10-26')."""

    def __missing__(self, ordinal: int) -> str:
        text = self[ordinal] = dt.date.fromordinal(ordinal).isoformat()
        return text


class MomentText:
    """Beijing minute (since 0001-01-01) → the UTC text the engine stores for that instant.

    It is what ``connection.ops.adapt_datetimefield_value`` gives on SQLite ('2024-10-26 09:05:00',
    UTC, naive); PostgreSQL's COPY reads the same text with an explicit '+00' offset. Minutes are
    mostly distinct, so the text is assembled from the day's and the clock's, not cached.
    """

    def __init__(self) -> None:
        suffix = "+00" if connection.vendor == "postgresql" else ""
        self.days = DateText()
        self.clocks = [f" {c // 60:02d}:{c % 60:02d}:00{suffix}" for c in range(MINUTES_PER_DAY)]

    def __getitem__(self, minute: int) -> str:
        day, clock = divmod(minute - UTC_OFFSET_MINUTES, MINUTES_PER_DAY)
        return self.days[day] + self.clocks[clock]


class NumberSeries:
    """The numbers of one province and year in serial order, as ``numbers.compose`` makes them.

    A million calls to ``compose`` cost seconds, so the MOD 37-2 check (ISO/IEC 7064) is carried
    from the fixed part and only the seven serial digits are added per number; the first number of
    every series is checked against ``compose``.
    """

    def __init__(self, province: str, year: int) -> None:
        self.head = f"{prefix()}{province}{year:04d}"
        self.state = 0
        for ch in self.head:
            self.state = ((self.state + MOD37_CHARSET.index(ch)) * 2) % 37
        self.serial = 0
        expected = next(
            number for serial in range(1, 40) if (number := compose(province, year, serial))
        )
        if self.next() != expected:
            raise RuntimeError(f"certificate numbers: {expected} expected first")
        self.serial = 0

    def next(self) -> str:
        """The next number; serials whose check character ``compose`` skips are skipped."""
        while True:
            self.serial += 1
            digits = f"{self.serial:0{SERIAL_DIGITS}d}"
            p = self.state
            for d in digits:
                p = ((p + ord(d) - 48) * 2) % 37
            check = MOD37_CHARSET[(38 - p) % 37]
            if check not in SKIPPED_CHECKS:
                return f"{self.head}{digits}{check}"


def cited_standard(editions: Sequence[Standard], issue_date: dt.date) -> Standard | None:
    """The edition a seeded certificate cites: the one in force on its issue date (none before
    any came into force)."""
    return category_edition_on(editions, issue_date)


def reserve_ids(model: type[models.Model], count: int) -> Sequence[int]:
    """``count`` unused primary keys for ``model``, ascending, that the database will not hand out."""
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [model._meta.db_table, count],
            )
            return sorted(row[0] for row in cursor.fetchall())
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")
        highest = cursor.fetchone()[0]
        if connection.vendor == "sqlite":
            # AUTOINCREMENT never reuses a key, even one whose row was deleted.
            cursor.execute(
                "SELECT seq FROM sqlite_sequence WHERE name = %s", [model._meta.db_table]
            )
            row = cursor.fetchone()
            highest = max(highest, row[0] if row else 0)
    return range(highest + 1, highest + 1 + count)


class TableWriter:
    """Appends rows to a model's table the fastest way each engine has; other columns get defaults.

    A row is a tuple of database values for ``columns`` in order: dates as 'YYYY-MM-DD', datetimes
    as the engine stores them (see ``MomentText``), JSON as text.
    """

    def __init__(self, model: type[models.Model], columns: list[str], now: dt.datetime) -> None:
        self.model = model
        fields = {f.column: f for f in model._meta.concrete_fields}
        unknown = set(columns) - set(fields)
        if unknown:
            raise ValueError(f"{model._meta.db_table} has no columns {sorted(unknown)}")
        defaults = []
        for column, f in fields.items():
            if column in columns or f.primary_key:
                continue
            auto = getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
            value = now if auto else f.get_default()
            defaults.append((column, f.get_db_prep_save(value, connection)))
        self.columns = [*columns, *(column for column, _ in defaults)]
        self.tail = tuple(value for _, value in defaults)

    def write(self, rows: Iterable[tuple[Any, ...]]) -> None:
        quote = connection.ops.quote_name
        table = quote(self.model._meta.db_table)
        columns = ", ".join(quote(c) for c in self.columns)
        tail = self.tail
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row + tail)
                return
            marks = ", ".join(["%s"] * len(self.columns))
            sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"
            with self._indexes_built_after(cursor):
                batch: list[tuple[Any, ...]] = []
                for row in rows:
                    batch.append(row + tail)
                    if len(batch) == BATCH * 10:
                        cursor.executemany(sql, batch)
                        batch = []
                if batch:
                    cursor.executemany(sql, batch)

    @contextlib.contextmanager
    def _indexes_built_after(self, cursor: Any) -> Iterator[None]:
        """Into an empty SQLite table, load first and build the indexes after: half the work.

        Index DDL is part of the transaction, so a failed load rolls back to the old indexes.
        """
        table = self.model._meta.db_table
        cursor.execute(f"SELECT 1 FROM {connection.ops.quote_name(table)} LIMIT 1")
        if cursor.fetchone() is not None:
            yield
            return
        cursor.execute(
            "SELECT name, sql FROM sqlite_master "
            "WHERE type = 'index' AND tbl_name = %s AND sql IS NOT NULL",
            [table],
        )
        indexes = cursor.fetchall()
        for name, _ in indexes:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
        yield
        for _, sql in indexes:
            cursor.execute(sql)


@contextlib.contextmanager
def bulk_load_settings() -> Iterator[None]:
    """On SQLite, settings for one big load, restored after it.

    A larger page cache and in-memory temporary storage keep index builds off the disk, and the
    sorts behind them may use every core; ``synchronous=OFF`` skips the fsyncs of the checkpoint
    that follows the commit (the load is one transaction, all or nothing, either way).
    """
    if connection.vendor != "sqlite":
        yield
        return
    wanted = {"cache_size": -262144, "threads": os.cpu_count() or 1}  # 256 MiB
    if not connection.in_atomic_block:  # these two cannot change inside a transaction
        wanted |= {"temp_store": 2, "synchronous": 0}
    with connection.cursor() as cursor:
        before = {}
        for name, value in wanted.items():
            cursor.execute(f"PRAGMA {name}")
            before[name] = int(cursor.fetchone()[0])
            cursor.execute(f"PRAGMA {name} = {int(value)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for name, value in before.items():
                cursor.execute(f"PRAGMA {name} = {value}")


def seed(
    certificates: int, seed: int, today: dt.date, progress: Callable[[str], None] | None = None
) -> dict[str, int]:
    """Write the data set in one transaction: all of it or, on any error, none of it."""
    with bulk_load_settings(), transaction.atomic():
        result = DemoDataGenerator(certificates, seed, today, progress=progress).write()
        # The rows went in without append_event, so the read models are rebuilt from them.
        rebuild_projections(progress)
        return result
