"""Which edition of a standard is in force on a date, and which one a new certificate may cite.

An edition is in force from its ``in_force_on`` date until the day before its successor's. A
new certificate cites the edition in force on its issue date; for ``transition_months`` after a
successor comes into force (data: ``transition`` in catalog.yaml, or ``transition_default``) it
may still cite the edition replaced. Certificates already issued keep what they cite.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol, TypeVar


class Edition(Protocol):
    """What the rules read of a standard edition (``catalog.models.Standard``)."""

    number: str
    year: int
    in_force_on: dt.date | None
    transition_months: int | None

    @property
    def code(self) -> str: ...

    @property
    def superseded_by(self) -> Edition | None: ...


AnyEdition = TypeVar("AnyEdition", bound=Edition)


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def in_force_on(edition: Edition, day: dt.date) -> bool:
    """In force on ``day``: started (or its start is not recorded) and not yet replaced."""
    if edition.in_force_on is not None and edition.in_force_on > day:
        return False
    successor = edition.superseded_by
    return not (successor is not None and successor.in_force_on and successor.in_force_on <= day)


def edition_on(editions: Iterable[AnyEdition], number: str, day: dt.date) -> AnyEdition | None:
    """The edition of standard ``number`` (e.g. GB/T 35607) in force on ``day``."""
    candidates = [e for e in editions if e.number == number and in_force_on(e, day)]
    return max(candidates, key=lambda e: e.year, default=None)


def category_edition_on(editions: Iterable[AnyEdition], day: dt.date) -> AnyEdition | None:
    """A category's standard on ``day``: of its editions in force then, the latest to start."""
    candidates = [e for e in editions if in_force_on(e, day)]
    return max(
        candidates, key=lambda e: (e.in_force_on or dt.date.min, e.year, e.number), default=None
    )


def citable_until(edition: Edition) -> dt.date | None:
    """The last issue date on which a new certificate may cite ``edition``; None: no end yet."""
    successor = edition.superseded_by
    if successor is None or successor.in_force_on is None:
        return None
    months = edition.transition_months or 0
    return add_months(successor.in_force_on, months) - dt.timedelta(days=1)


@dataclass(frozen=True)
class CitationRefused:
    """Why a new certificate may not cite an edition on its issue date, and what it should cite."""

    cited: Edition
    day: dt.date
    expected: Edition | None
    not_yet_in_force: bool


def check_citation(
    edition: Edition, day: dt.date, editions: Iterable[Edition]
) -> CitationRefused | None:
    """None when a certificate issued on ``day`` may cite ``edition``; the refusal otherwise."""
    editions = list(editions)
    if edition.in_force_on is not None and edition.in_force_on > day:
        return CitationRefused(edition, day, edition_on(editions, edition.number, day), True)
    last = citable_until(edition)
    if last is None or day <= last:
        return None
    return CitationRefused(edition, day, edition_on(editions, edition.number, day), False)


def refusal_text(refused: CitationRefused) -> tuple[str, str]:
    """What was expected, in zh-hans and en, for a bilingual validation error."""
    day = refused.day.isoformat()
    expected = refused.expected.code if refused.expected else None
    if refused.not_yet_in_force:
        zh = f"颁证日期 {day} 已实施的标准版本（{refused.cited.code} 自 {refused.cited.in_force_on} 起实施）"
        en = (
            f"an edition in force on the issue date {day} ({refused.cited.code} is in force "
            f"from {refused.cited.in_force_on})"
        )
    else:
        last = citable_until(refused.cited)
        zh = f"颁证日期 {day} 有效的标准版本（{refused.cited.code} 过渡期至 {last} 结束）"
        en = (
            f"the edition in force on the issue date {day} (the transition for "
            f"{refused.cited.code} ended on {last})"
        )
    if expected:
        zh += f"：{expected}"
        en += f": {expected}"
    return zh, en
