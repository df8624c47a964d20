"""Working days on the Chinese calendar: holidays skipped, adjusted working days counted."""

from __future__ import annotations

import datetime as dt

import chinese_calendar

from greencert.core.workdays import (
    _overrides,
    add_working_days,
    is_working_day,
    working_days_between,
)
from greencert.supervision.inspections import publication_deadline


def test_the_adjusted_sunday_before_national_day_2025_is_a_working_day():
    assert is_working_day(dt.date(2025, 9, 28))


def test_counting_across_national_day_and_mid_autumn_2025():
    # Fri 26 Sep, worked Sun 28 Sep, Mon 29 and Tue 30 Sep; 1–8 Oct off; Thu 9, Fri 10, worked
    # Sat 11 Oct.
    assert add_working_days(dt.date(2025, 9, 25), 4) == dt.date(2025, 9, 30)
    assert add_working_days(dt.date(2025, 9, 25), 5) == dt.date(2025, 10, 9)
    assert add_working_days(dt.date(2025, 9, 25), 7) == dt.date(2025, 10, 11)
    assert working_days_between(dt.date(2025, 9, 30), dt.date(2025, 10, 8)) == 0


def test_twenty_working_days_from_a_draw_before_national_day_2025():
    deadline, provisional = publication_deadline(dt.date(2025, 9, 22), 20)
    assert deadline == dt.date(2025, 10, 24)
    assert not provisional


def test_the_data_file_for_2026_agrees_with_the_package():
    override = _overrides()[2026]
    for day in override.holidays:
        assert chinese_calendar.is_holiday(day), day
    for day in override.working_days:
        assert chinese_calendar.is_workday(day), day


def test_a_deadline_in_a_year_without_a_holiday_arrangement_is_provisional():
    deadline, provisional = publication_deadline(dt.date(2026, 12, 20), 20)
    assert deadline.year == 2027
    assert provisional
