"""Named boundary examples for working calendars (see docs/semantics.md), each worked out by hand.

Most use the origin's Moscow calendar: Europe/Moscow (UTC+3 all year, no DST
since 2014), Monday to Friday 10:00-18:00, Russian production calendar.  The
week of 2024-11-25 (Mon) to 2024-11-29 (Fri) has no Russian holiday.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import pytest

import slaclock
from slaclock import Calendar, NoWorkingTimeError

MSK = ZoneInfo("Europe/Moscow")
NY = ZoneInfo("America/New_York")
BERLIN = ZoneInfo("Europe/Berlin")
LORD_HOWE = ZoneInfo("Australia/Lord_Howe")
SYDNEY = ZoneInfo("Australia/Sydney")
SANTIAGO = ZoneInfo("America/Santiago")
H = timedelta(hours=1)
M = timedelta(minutes=1)
US = timedelta(microseconds=1)
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")


def msk(*args: int) -> datetime:
    return datetime(*args, tzinfo=MSK)  # type: ignore[misc]


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


def in_utc(spans: tuple[tuple[datetime, datetime], ...]) -> tuple[tuple[datetime, datetime], ...]:
    # Aware datetimes in a fold never compare equal across zones (PEP 495), so
    # intervals on a fall-back day are compared in UTC.
    return tuple((a.astimezone(UTC), b.astimezone(UTC)) for a, b in spans)


def every(days: tuple[str, ...], spans: list[list[str]]) -> dict[str, list[list[str]]]:
    return {day: spans for day in days}


def calendar(tz: str, week: dict[str, Any], **extra: Any) -> Calendar:
    return Calendar.from_dict({"tz": tz, "week": week, **extra})


EVERY_DAY = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


# -- the five positions around one working day -------------------------------------------


def test_before_open_waits_for_the_opening(moscow: Calendar) -> None:
    # Tue 09:00 is closed; work starts at 10:00, so 2 h is due at 12:00.
    start = msk(2024, 11, 26, 9, 0)
    assert not moscow.is_open(start)
    assert moscow.next_open(start) == msk(2024, 11, 26, 10, 0)
    assert moscow.deadline(start, 2 * H) == msk(2024, 11, 26, 12, 0)
    assert moscow.elapsed(start, msk(2024, 11, 26, 12, 0)) == 2 * H


def test_at_open_is_open(moscow: Calendar) -> None:
    # [10:00, 18:00) includes 10:00: open, and next_open is the instant itself.
    start = msk(2024, 11, 26, 10, 0)
    assert moscow.is_open(start)
    assert not moscow.is_open(start - US)
    assert moscow.next_open(start) == start
    assert moscow.deadline(start, 2 * H) == msk(2024, 11, 26, 12, 0)
    assert moscow.deadline(start, US) == start + US


def test_inside_counts_wall_time(moscow: Calendar) -> None:
    # 13:30 + 2 h inside one interval = 15:30; elapsed is the plain difference.
    start = msk(2024, 11, 26, 13, 30)
    assert moscow.is_open(start)
    assert moscow.deadline(start, 2 * H) == msk(2024, 11, 26, 15, 30)
    assert moscow.elapsed(start, msk(2024, 11, 26, 15, 30)) == 2 * H
    assert moscow.next_close(start) == msk(2024, 11, 26, 18, 0)


def test_at_close_is_closed_and_work_ending_there_is_due_there(moscow: Calendar) -> None:
    close = msk(2024, 11, 26, 18, 0)
    assert not moscow.is_open(close)
    assert moscow.is_open(close - US)
    # 16:00 + 2 h fills the day exactly: due at 18:00 (earliest), not at Wed 10:00.
    assert moscow.deadline(msk(2024, 11, 26, 16, 0), 2 * H) == close
    assert moscow.deadline(close - US, US) == close
    # From the closing instant, 2 h runs Wed 10:00-12:00.
    assert moscow.deadline(close, 2 * H) == msk(2024, 11, 27, 12, 0)
    assert moscow.deadline(close, US) == msk(2024, 11, 27, 10, 0) + US
    assert moscow.next_open(close) == msk(2024, 11, 27, 10, 0)


def test_after_close_counts_from_the_next_morning(moscow: Calendar) -> None:
    # Tue 19:00 -> Wed 10:00 opening, + 2 h = Wed 12:00.
    start = msk(2024, 11, 26, 19, 0)
    assert moscow.deadline(start, 2 * H) == msk(2024, 11, 27, 12, 0)
    assert moscow.elapsed(start, msk(2024, 11, 27, 12, 0)) == 2 * H
    assert moscow.elapsed(start, msk(2024, 11, 27, 9, 59)) == timedelta(0)


def test_friday_evening_runs_into_monday(moscow: Calendar) -> None:
    # Fri 2024-11-29 17:00: 1 h on Friday, then Mon 2024-12-02 10:00 + 1 h.
    assert moscow.deadline(msk(2024, 11, 29, 17, 0), 2 * H) == msk(2024, 12, 2, 11, 0)
    # 200 h = 25 working days of 8 h from Mon 2024-12-02 10:00.  Sat 2024-12-28
    # works; 2024-12-30/31 and 2025-01-01..08 are off.  Counting working days:
    # Dec 2-6 (5), 9-13 (10), 16-20 (15), 23-27 (20), Sat 28 (21), Jan 9 (22),
    # Jan 10 (23), Jan 13 (24), Jan 14 (25): due Tue 2025-01-14 18:00.
    assert moscow.deadline(msk(2024, 12, 2, 10, 0), 200 * H) == msk(2025, 1, 14, 18, 0)


def test_microsecond_exactness(moscow: Calendar) -> None:
    start = msk(2024, 11, 26, 17, 59, 59, 999_999)
    assert moscow.deadline(start, US) == msk(2024, 11, 26, 18, 0)
    assert moscow.deadline(start, 2 * US) == msk(2024, 11, 27, 10, 0) + US
    assert moscow.elapsed(start, msk(2024, 11, 27, 10, 0, 0, 1)) == 2 * US


# -- zero, negative, zones -----------------------------------------------------------------


def test_zero_duration_is_the_start_even_when_closed(moscow: Calendar) -> None:
    for start in (msk(2024, 11, 30, 12, 0), msk(2024, 11, 26, 18, 0), msk(2024, 11, 26, 12, 0)):
        assert moscow.deadline(start, timedelta(0)) == start
        assert moscow.elapsed(start, start) == timedelta(0)


def test_negative_duration_counts_backwards_to_the_latest_instant(moscow: Calendar) -> None:
    # Mon 2024-12-02 11:00 back 2 h: 1 h on Monday, then Friday 18:00 back 1 h = 17:00.
    assert moscow.deadline(msk(2024, 12, 2, 11, 0), -2 * H) == msk(2024, 11, 29, 17, 0)
    # Tue 12:00 back 2 h: every instant from Mon 18:00 to Tue 10:00 has 2 h before
    # Tue 12:00; the latest is the opening, Tue 10:00.
    assert moscow.deadline(msk(2024, 11, 26, 12, 0), -2 * H) == msk(2024, 11, 26, 10, 0)
    # Tue 20:00 back 1 h = 17:00 (the closed evening costs nothing).
    assert moscow.deadline(msk(2024, 11, 26, 20, 0), -H) == msk(2024, 11, 26, 17, 0)
    assert moscow.elapsed(msk(2024, 11, 26, 12, 0), msk(2024, 11, 26, 10, 0)) == -2 * H


def test_results_are_in_the_calendar_zone_whatever_the_input_zone(moscow: Calendar) -> None:
    # 06:00 UTC is 09:00 Moscow; + 2 h working = 12:00 Moscow.
    for start in (
        utc(2024, 11, 26, 6, 0),
        datetime(2024, 11, 26, 15, 0, tzinfo=ZoneInfo("Asia/Tokyo")),
        datetime(2024, 11, 26, 1, 0, tzinfo=timezone(timedelta(hours=-5))),
    ):
        due = moscow.deadline(start, 2 * H)
        assert due == msk(2024, 11, 26, 12, 0)
        assert due.tzinfo == MSK
        assert due.utcoffset() == 3 * H
        assert moscow.deadline(start, timedelta(0)).tzinfo == MSK
        assert moscow.next_open(start).tzinfo == MSK


def test_module_level_functions_match_the_methods(moscow: Calendar) -> None:
    start = msk(2024, 11, 29, 17, 0)
    assert slaclock.deadline(moscow, start, 2 * H) == msk(2024, 12, 2, 11, 0)
    assert slaclock.elapsed(moscow, start, msk(2024, 12, 2, 11, 0)) == 2 * H


# -- across midnight -------------------------------------------------------------------------


NIGHT = calendar("UTC", every(WEEKDAYS, [["22:00", "06:00"]]))


def test_across_midnight_an_overnight_shift_belongs_to_the_day_it_starts() -> None:
    # Mon 2024-11-25 22:00 to Tue 06:00 is Monday's one interval.
    assert NIGHT.hours_on(date(2024, 11, 25)) == ((utc(2024, 11, 25, 22), utc(2024, 11, 26, 6)),)
    # Mon 23:00 + 3 h = Tue 02:00, straight through midnight.
    assert NIGHT.deadline(utc(2024, 11, 25, 23), 3 * H) == utc(2024, 11, 26, 2)
    # Mon 21:00 to Tue 07:00 holds the whole 8 h shift.
    assert NIGHT.elapsed(utc(2024, 11, 25, 21), utc(2024, 11, 26, 7)) == 8 * H
    # Friday's shift runs into Saturday morning; Saturday evening has no shift.
    assert NIGHT.is_open(utc(2024, 11, 30, 5, 59))
    assert not NIGHT.is_open(utc(2024, 11, 30, 6))
    assert not NIGHT.is_open(utc(2024, 11, 30, 23))
    # Sunday has no shift, so Monday 00:00-06:00 is closed.
    assert not NIGHT.is_open(utc(2024, 12, 2, 3))


def test_a_holiday_removes_its_own_night_shift_but_not_the_one_from_the_evening_before() -> None:
    cal = NIGHT.replace(holidays=["2024-11-26"])
    assert cal.is_open(utc(2024, 11, 26, 3))  # Monday's shift, running into the holiday
    assert not cal.is_open(utc(2024, 11, 26, 23))  # Tuesday's own shift is gone
    assert cal.is_open(utc(2024, 11, 27, 23))


def test_24_00_ends_at_the_next_midnight_and_joins_the_next_day() -> None:
    cal = calendar("UTC", {"mon": [["18:00", "24:00"]], "tue": [["00:00", "06:00"]]})
    assert cal.hours_on(date(2024, 11, 25)) == ((utc(2024, 11, 25, 18), utc(2024, 11, 26, 0)),)
    # Mon 23:00 + 2 h = Tue 01:00; the two intervals touch at midnight.
    assert cal.deadline(utc(2024, 11, 25, 23), 2 * H) == utc(2024, 11, 26, 1)
    assert cal.is_open(utc(2024, 11, 26, 0))
    # One open stretch from Mon 18:00 to Tue 06:00: it closes at 06:00, not at midnight.
    assert cal.next_close(utc(2024, 11, 25, 20)) == utc(2024, 11, 26, 6)
    assert cal.periods(utc(2024, 11, 25, 17), utc(2024, 11, 26, 12)) == (
        (utc(2024, 11, 25, 18), utc(2024, 11, 26, 6)),
    )


def test_touching_intervals_are_not_overlapping() -> None:
    cal = calendar("UTC", every(WEEKDAYS, [["09:00", "12:00"], ["12:00", "17:00"]]))
    assert cal.elapsed(utc(2024, 11, 26, 0), utc(2024, 11, 27, 0)) == 8 * H
    assert cal.is_open(utc(2024, 11, 26, 12))
    assert cal.next_close(utc(2024, 11, 26, 10)) == utc(2024, 11, 26, 17)


# -- lunch break, periods, next_close, hours_on, day_end, add_working_days -----------------


LUNCH = calendar("Europe/Moscow", every(WEEKDAYS, [["09:00", "13:00"], ["14:00", "18:00"]]))


def test_lunch_break_is_skipped() -> None:
    # Tue 12:00 + 2 h: 12:00-13:00, lunch, 14:00-15:00.
    assert LUNCH.deadline(msk(2024, 11, 26, 12, 0), 2 * H) == msk(2024, 11, 26, 15, 0)
    # Work ending at the lunch break is due at 13:00, not at 14:00.
    assert LUNCH.deadline(msk(2024, 11, 26, 12, 0), H) == msk(2024, 11, 26, 13, 0)
    assert not LUNCH.is_open(msk(2024, 11, 26, 13, 30))
    assert LUNCH.next_open(msk(2024, 11, 26, 13, 30)) == msk(2024, 11, 26, 14, 0)
    assert LUNCH.next_close(msk(2024, 11, 26, 10, 0)) == msk(2024, 11, 26, 13, 0)
    assert LUNCH.elapsed(msk(2024, 11, 26, 0, 0), msk(2024, 11, 27, 0, 0)) == 8 * H
    # Backwards from 15:00 by 2 h: 14:00-15:00, lunch, 12:00-13:00: latest is 12:00.
    assert LUNCH.deadline(msk(2024, 11, 26, 15, 0), -2 * H) == msk(2024, 11, 26, 12, 0)


def test_periods_are_the_open_intervals_clipped_to_the_range(moscow: Calendar) -> None:
    assert LUNCH.periods(msk(2024, 11, 26, 8, 0), msk(2024, 11, 26, 20, 0)) == (
        (msk(2024, 11, 26, 9, 0), msk(2024, 11, 26, 13, 0)),
        (msk(2024, 11, 26, 14, 0), msk(2024, 11, 26, 18, 0)),
    )
    assert moscow.periods(msk(2024, 11, 26, 12, 0), msk(2024, 11, 27, 11, 0)) == (
        (msk(2024, 11, 26, 12, 0), msk(2024, 11, 26, 18, 0)),
        (msk(2024, 11, 27, 10, 0), msk(2024, 11, 27, 11, 0)),
    )
    assert moscow.periods(msk(2024, 11, 30, 0, 0), msk(2024, 12, 1, 0, 0)) == ()
    assert moscow.periods(msk(2024, 11, 27, 0, 0), msk(2024, 11, 26, 0, 0)) == ()


def test_next_close_when_closed_is_the_end_of_the_next_interval(moscow: Calendar) -> None:
    assert moscow.next_close(msk(2024, 11, 26, 12, 0)) == msk(2024, 11, 26, 18, 0)
    assert moscow.next_close(msk(2024, 11, 26, 18, 0)) == msk(2024, 11, 27, 18, 0)
    assert moscow.next_close(msk(2024, 11, 29, 19, 0)) == msk(2024, 12, 2, 18, 0)


def test_hours_on_a_date(moscow: Calendar) -> None:
    assert moscow.hours_on(date(2024, 11, 26)) == ((msk(2024, 11, 26, 10), msk(2024, 11, 26, 18)),)
    assert moscow.hours_on(date(2024, 11, 30)) == ()  # Saturday
    assert moscow.hours_on(date(2024, 11, 4)) == ()  # Unity Day


def test_day_end_is_the_end_of_the_current_or_next_working_day(moscow: Calendar) -> None:
    assert moscow.day_end(msk(2024, 11, 26, 9, 0)) == msk(2024, 11, 26, 18, 0)  # before open
    assert moscow.day_end(msk(2024, 11, 26, 12, 0)) == msk(2024, 11, 26, 18, 0)  # inside
    assert moscow.day_end(msk(2024, 11, 26, 18, 0)) == msk(2024, 11, 27, 18, 0)  # at close
    assert moscow.day_end(msk(2024, 11, 30, 12, 0)) == msk(2024, 12, 2, 18, 0)  # weekend
    assert moscow.day_end(utc(2024, 11, 26, 9, 0)).tzinfo == MSK


def test_add_working_days_counts_whole_working_days(moscow: Calendar) -> None:
    assert moscow.add_working_days(msk(2024, 11, 26, 12, 0), 0) == msk(2024, 11, 26, 18, 0)
    assert moscow.add_working_days(msk(2024, 11, 26, 12, 0), 1) == msk(2024, 11, 27, 18, 0)
    # Fri 2024-11-01 + 1: Saturday 2024-11-02 is a transferred working day.
    assert moscow.add_working_days(msk(2024, 11, 1, 12, 0), 1) == msk(2024, 11, 2, 18, 0)
    # + 2: Sunday off, Monday 2024-11-04 Unity Day, so Tuesday 2024-11-05.
    assert moscow.add_working_days(msk(2024, 11, 1, 12, 0), 2) == msk(2024, 11, 5, 18, 0)


# -- holidays, transferred Saturdays, New Year ---------------------------------------------


def test_a_public_holiday_is_closed(moscow: Calendar) -> None:
    # Sat 2024-11-02 after close; Sunday; Monday 2024-11-04 Unity Day; Tuesday 10:00 + 2 h.
    assert moscow.deadline(msk(2024, 11, 2, 18, 0), 2 * H) == msk(2024, 11, 5, 12, 0)
    assert not moscow.is_open(msk(2024, 11, 4, 12, 0))


@pytest.mark.parametrize(
    "saturday", [date(2024, 4, 27), date(2024, 11, 2), date(2024, 12, 28), date(2025, 11, 1)]
)
def test_transferred_saturday_works(moscow: Calendar, saturday: date) -> None:
    noon = msk(saturday.year, saturday.month, saturday.day, 12, 0)
    assert moscow.is_open(noon)
    assert moscow.hours_on(saturday) == ((noon.replace(hour=10), noon.replace(hour=18)),)
    # Friday 17:00 + 2 h: 1 h on Friday, 1 h on the working Saturday.
    friday = noon - timedelta(days=1)
    assert moscow.deadline(friday.replace(hour=17), 2 * H) == noon.replace(hour=11)


# Distinct hours per weekday show which weekday a transferred Saturday stands in for.
DISTINCT = calendar(
    "Europe/Moscow",
    {
        "mon": [["09:00", "17:00"]],
        "tue": [["11:00", "15:00"]],
        "wed": [["10:00", "18:00"]],
        "thu": [["10:00", "18:00"]],
        "fri": [["10:00", "18:00"]],
    },
    country={"code": "RU"},
)


@pytest.mark.parametrize(
    ("saturday", "opens", "closes"),
    [
        # Sat 2024-04-27 works in place of Mon 2024-04-29: Monday hours.
        (date(2024, 4, 27), 9, 17),
        # Sat 2024-11-02 works in place of Tue 2024-04-30: Tuesday hours.
        (date(2024, 11, 2), 11, 15),
        # Sat 2024-12-28 works in place of Mon 2024-12-30: Monday hours.
        (date(2024, 12, 28), 9, 17),
        # Sat 2025-11-01 works in place of Mon 2025-11-03: Monday hours.
        (date(2025, 11, 1), 9, 17),
    ],
)
def test_transferred_saturday_works_the_hours_of_the_weekday_it_stands_in_for(
    saturday: date, opens: int, closes: int
) -> None:
    day = msk(saturday.year, saturday.month, saturday.day)
    assert DISTINCT.hours_on(saturday) == ((day.replace(hour=opens), day.replace(hour=closes)),)


def test_new_year_holidays(moscow: Calendar) -> None:
    # Sat 2024-12-28 works; Dec 29 Sun, Dec 30-31 days off, Jan 1-8 2025 holidays.
    last = msk(2024, 12, 28, 18, 0)
    assert moscow.elapsed(last, msk(2025, 1, 9, 10, 0)) == timedelta(0)
    assert moscow.deadline(last, 2 * H) == msk(2025, 1, 9, 12, 0)
    assert moscow.next_open(msk(2024, 12, 31, 12, 0)) == msk(2025, 1, 9, 10, 0)
    # Fri 2024-12-27 17:00 + 2 h: 1 h Friday, then Saturday 10:00-11:00.
    assert moscow.deadline(msk(2024, 12, 27, 17, 0), 2 * H) == msk(2024, 12, 28, 11, 0)
    # Backwards across the whole run: Jan 9 11:00 back 2 h = Sat Dec 28 17:00.
    assert moscow.deadline(msk(2025, 1, 9, 11, 0), -2 * H) == msk(2024, 12, 28, 17, 0)


# -- precedence: override > holidays list > country > weekly hours ---------------------------


def test_precedence_of_override_holidays_country_and_week(moscow: Calendar) -> None:
    cal = moscow.replace(
        holidays=["2024-11-02", "2024-11-26"],
        overrides={
            "2024-11-04": [["12:00", "14:00"]],  # override beats the country's Unity Day
            "2024-11-26": [["10:00", "11:00"]],  # override beats the holidays list
            "2024-11-27": [],  # [] closes a weekday
            "2024-11-30": [["10:00", "12:00"]],  # override opens a plain Saturday
        },
    )
    assert cal.hours_on(date(2024, 11, 4)) == ((msk(2024, 11, 4, 12), msk(2024, 11, 4, 14)),)
    assert cal.hours_on(date(2024, 11, 26)) == ((msk(2024, 11, 26, 10), msk(2024, 11, 26, 11)),)
    assert cal.hours_on(date(2024, 11, 27)) == ()
    assert cal.hours_on(date(2024, 11, 30)) == ((msk(2024, 11, 30, 10), msk(2024, 11, 30, 12)),)
    # The holidays list beats the country's transferred working Saturday.
    assert cal.hours_on(date(2024, 11, 2)) == ()
    # Country data beats the weekly hours (Tuesday 2024-11-05 is a plain weekday).
    assert cal.hours_on(date(2024, 11, 5)) == ((msk(2024, 11, 5, 10), msk(2024, 11, 5, 18)),)
    # Tue 10:30 + 2 h: 0.5 h Tue (to 11:00), Wed closed, Thu 10:00 + 1.5 h = 11:30.
    assert cal.deadline(msk(2024, 11, 26, 10, 30), 2 * H) == msk(2024, 11, 28, 11, 30)


def test_override_replaces_hours_with_new_ones(moscow: Calendar) -> None:
    cal = moscow.replace(overrides={"2024-11-26": [["08:00", "09:00"], ["20:00", "21:00"]]})
    assert cal.elapsed(msk(2024, 11, 26, 0, 0), msk(2024, 11, 27, 0, 0)) == 2 * H
    assert cal.is_open(msk(2024, 11, 26, 20, 30))
    assert not cal.is_open(msk(2024, 11, 26, 12, 0))


def test_effective_dated_weeks_replay_history_on_the_hours_in_force() -> None:
    cal = calendar(
        "Europe/Moscow",
        every(WEEKDAYS, [["10:00", "18:00"]]),
        weeks=[{"from": "2024-12-02", "week": every(WEEKDAYS, [["09:00", "17:00"]])}],
    )
    assert cal.hours_on(date(2024, 11, 29)) == ((msk(2024, 11, 29, 10), msk(2024, 11, 29, 18)),)
    assert cal.hours_on(date(2024, 12, 2)) == ((msk(2024, 12, 2, 9), msk(2024, 12, 2, 17)),)
    # Fri 17:00 + 2 h: 1 h Friday on the old hours, Monday 09:00 + 1 h on the new ones.
    assert cal.deadline(msk(2024, 11, 29, 17, 0), 2 * H) == msk(2024, 12, 2, 10, 0)


# -- pre-holiday shortening ----------------------------------------------------------------


def test_pre_holiday_shortening_is_opt_in(moscow: Calendar) -> None:
    # Thu 2024-02-22 is the working day before Defender of the Fatherland Day (Fri 23).
    assert moscow.hours_on(date(2024, 2, 22)) == ((msk(2024, 2, 22, 10), msk(2024, 2, 22, 18)),)
    short = moscow.replace(pre_holiday="PT1H")
    assert short.hours_on(date(2024, 2, 22)) == ((msk(2024, 2, 22, 10), msk(2024, 2, 22, 17)),)
    assert short.deadline(msk(2024, 2, 22, 16, 0), H) == msk(2024, 2, 22, 17, 0)
    assert not short.is_open(msk(2024, 2, 22, 17, 0))
    # Wednesday 2024-02-21 is an ordinary day.
    assert short.hours_on(date(2024, 2, 21)) == ((msk(2024, 2, 21, 10), msk(2024, 2, 21, 18)),)


def test_pre_holiday_follows_the_russian_production_calendar(moscow: Calendar) -> None:
    short = moscow.replace(pre_holiday="PT1H")
    # Sat 2024-11-02 works and the next working-weekday, Mon 2024-11-04, is Unity Day.
    assert short.hours_on(date(2024, 11, 2)) == ((msk(2024, 11, 2, 10), msk(2024, 11, 2, 17)),)
    # Fri 2025-03-07: Saturday 8 March is a holiday -> shortened.
    assert short.hours_on(date(2025, 3, 7)) == ((msk(2025, 3, 7, 10), msk(2025, 3, 7, 17)),)
    # Fri 2025-02-21: 23 February 2025 is a Sunday (no working day lost) -> not shortened.
    assert short.hours_on(date(2025, 2, 21)) == ((msk(2025, 2, 21, 10), msk(2025, 2, 21, 18)),)
    # An override is taken as given, never shortened.
    fixed = short.replace(overrides={"2024-02-22": [["10:00", "18:00"]]})
    assert fixed.hours_on(date(2024, 2, 22)) == ((msk(2024, 2, 22, 10), msk(2024, 2, 22, 18)),)


# -- daylight saving ---------------------------------------------------------------------------


def test_across_a_dst_change_new_york_office() -> None:
    cal = calendar("America/New_York", every(WEEKDAYS, [["09:00", "17:00"]]))
    # Fri 2024-03-08 16:00 EST + 2 h: 1 h Friday; clocks spring forward on Sunday;
    # Monday 09:00 EDT + 1 h = 10:00 EDT (UTC-4).
    due = cal.deadline(datetime(2024, 3, 8, 16, tzinfo=NY), 2 * H)
    assert due == datetime(2024, 3, 11, 10, tzinfo=NY)
    assert due.utcoffset() == -4 * H
    # Fri 2024-11-01 16:00 EDT + 2 h: Monday 2024-11-04 10:00 EST (UTC-5).
    due = cal.deadline(datetime(2024, 11, 1, 16, tzinfo=NY), 2 * H)
    assert due == datetime(2024, 11, 4, 10, tzinfo=NY)
    assert due.utcoffset() == -5 * H


def test_spring_forward_night_interval_holds_real_time() -> None:
    cal = calendar("America/New_York", every(EVERY_DAY, [["01:00", "04:00"]]))
    # 2024-03-10: 01:00 EST (06:00 UTC) to 04:00 EDT (08:00 UTC) = 2 h, not 3.
    day = (datetime(2024, 3, 10, tzinfo=NY), datetime(2024, 3, 11, tzinfo=NY))
    assert cal.elapsed(*day) == 2 * H
    assert cal.hours_on(date(2024, 3, 10)) == ((utc(2024, 3, 10, 6), utc(2024, 3, 10, 8)),)
    # 2024-11-03: 01:00 is ambiguous and takes the earlier instant, 01:00 EDT
    # (05:00 UTC); 04:00 EST is 09:00 UTC: 4 h.
    day = (datetime(2024, 11, 3, tzinfo=NY), datetime(2024, 11, 4, tzinfo=NY))
    assert cal.elapsed(*day) == 4 * H
    assert in_utc(cal.hours_on(date(2024, 11, 3))) == ((utc(2024, 11, 3, 5), utc(2024, 11, 3, 9)),)
    # An ordinary day holds 3 h.
    day = (datetime(2024, 3, 12, tzinfo=NY), datetime(2024, 3, 13, tzinfo=NY))
    assert cal.elapsed(*day) == 3 * H


def test_an_interval_inside_the_spring_gap_holds_nothing() -> None:
    cal = calendar("America/New_York", every(EVERY_DAY, [["02:30", "03:15"]]))
    # 02:30 does not exist on 2024-03-10 and moves forward to 03:30 EDT, after
    # 03:15 EDT: the interval is empty that day.
    assert cal.hours_on(date(2024, 3, 10)) == ()
    day = (datetime(2024, 3, 10, tzinfo=NY), datetime(2024, 3, 11, tzinfo=NY))
    assert cal.elapsed(*day) == timedelta(0)
    # The day before holds its 45 minutes; a deadline skips the empty day.
    assert cal.elapsed(datetime(2024, 3, 9, tzinfo=NY), datetime(2024, 3, 10, tzinfo=NY)) == 45 * M
    start = datetime(2024, 3, 9, 3, 15, tzinfo=NY)
    assert cal.deadline(start, 10 * M) == datetime(2024, 3, 11, 2, 40, tzinfo=NY)


def test_a_gap_boundary_moves_forward_by_the_gap() -> None:
    cal = calendar("America/New_York", every(EVERY_DAY, [["02:30", "05:00"]]))
    # 02:30 on 2024-03-10 becomes 03:30 EDT: the day holds 03:30-05:00 = 1.5 h.
    assert cal.hours_on(date(2024, 3, 10)) == (
        (datetime(2024, 3, 10, 3, 30, tzinfo=NY), datetime(2024, 3, 10, 5, tzinfo=NY)),
    )


def test_berlin_always_open_days_are_23_and_25_hours_long() -> None:
    cal = Calendar.always_open("Europe/Berlin")
    # Clocks go 02:00 -> 03:00 on 2024-03-31 and 03:00 -> 02:00 on 2024-10-27.
    spring = (datetime(2024, 3, 31, tzinfo=BERLIN), datetime(2024, 4, 1, tzinfo=BERLIN))
    autumn = (datetime(2024, 10, 27, tzinfo=BERLIN), datetime(2024, 10, 28, tzinfo=BERLIN))
    assert cal.elapsed(*spring) == 23 * H
    assert cal.elapsed(*autumn) == 25 * H
    assert cal.deadline(spring[0], 23 * H) == spring[1]


def test_berlin_overnight_shift_across_the_autumn_change() -> None:
    cal = calendar("Europe/Berlin", {"sat": [["22:00", "06:00"]]})
    # Sat 2024-10-26 22:00 CEST (20:00 UTC) to Sun 06:00 CET (05:00 UTC) = 9 h.
    assert cal.elapsed(utc(2024, 10, 26), utc(2024, 10, 28)) == 9 * H
    # In the fold 02:00-03:00 happens twice; an interval [02:00, 03:00) takes
    # the earlier 02:00 (00:00 UTC) and the only 03:00 (02:00 UTC): 2 h.
    fold = calendar("Europe/Berlin", {"sun": [["02:00", "03:00"]]})
    hours = in_utc(fold.hours_on(date(2024, 10, 27)))
    assert hours == ((utc(2024, 10, 27, 0), utc(2024, 10, 27, 2)),)


def test_lord_howe_half_hour_shift() -> None:
    cal = calendar("Australia/Lord_Howe", every(EVERY_DAY, [["01:00", "04:00"]]))
    # 2024-10-06 02:00 -> 02:30: 01:00 (+10:30) to 04:00 (+11) is 2.5 h.
    day = (datetime(2024, 10, 6, tzinfo=LORD_HOWE), datetime(2024, 10, 7, tzinfo=LORD_HOWE))
    assert cal.elapsed(*day) == 2 * H + 30 * M
    # 2024-04-07 02:00 -> 01:30: 01:00 (+11) to 04:00 (+10:30) is 3.5 h.
    day = (datetime(2024, 4, 7, tzinfo=LORD_HOWE), datetime(2024, 4, 8, tzinfo=LORD_HOWE))
    assert cal.elapsed(*day) == 3 * H + 30 * M
    always = Calendar.always_open("Australia/Lord_Howe")
    day = (datetime(2024, 10, 6, tzinfo=LORD_HOWE), datetime(2024, 10, 7, tzinfo=LORD_HOWE))
    assert always.elapsed(*day) == 23 * H + 30 * M


def test_southern_hemisphere_sydney_and_santiago() -> None:
    sydney = Calendar.always_open("Australia/Sydney")
    # Sydney springs forward on 2024-10-06 (23 h day) and falls back on 2024-04-07 (25 h).
    day = (datetime(2024, 10, 6, tzinfo=SYDNEY), datetime(2024, 10, 7, tzinfo=SYDNEY))
    assert sydney.elapsed(*day) == 23 * H
    day = (datetime(2024, 4, 7, tzinfo=SYDNEY), datetime(2024, 4, 8, tzinfo=SYDNEY))
    assert sydney.elapsed(*day) == 25 * H
    santiago = calendar("America/Santiago", {"sun": [["00:00", "02:00"]]})
    # Santiago springs forward at midnight on 2024-09-08: 00:00 does not exist and
    # moves to 01:00 (-03); the interval holds 01:00-02:00 = 1 h.
    assert santiago.hours_on(date(2024, 9, 8)) == (
        (datetime(2024, 9, 8, 1, tzinfo=SANTIAGO), datetime(2024, 9, 8, 2, tzinfo=SANTIAGO)),
    )
    # It falls back at midnight on 2024-04-07 (Sat 24:00 -03 -> Sat 23:00 -04):
    # Sunday 00:00 -04 (04:00 UTC) to 02:00 -04 (06:00 UTC) = 2 h.
    assert santiago.hours_on(date(2024, 4, 7)) == ((utc(2024, 4, 7, 4), utc(2024, 4, 7, 6)),)


# -- 24/7 and no hours -----------------------------------------------------------------------


def test_always_open_is_plain_time() -> None:
    cal = Calendar.always_open("UTC")
    start = utc(2024, 11, 30, 12, 34, 56, 789)
    assert cal.deadline(start, 5 * H) == start + 5 * H
    assert cal.deadline(start, -5 * H) == start - 5 * H
    assert cal.elapsed(start, start + 100 * H) == 100 * H
    assert cal.is_open(start)
    assert cal.next_open(start) == start


def test_a_calendar_with_no_hours_refuses_deadline_instead_of_looping() -> None:
    cal = calendar("UTC", {})
    start = utc(2024, 11, 26, 12)
    with pytest.raises(NoWorkingTimeError):
        cal.deadline(start, H)
    with pytest.raises(NoWorkingTimeError):
        cal.deadline(start, -H)
    assert cal.elapsed(start, start + 1000 * H) == timedelta(0)
    assert not cal.is_open(start)
    assert cal.deadline(start, timedelta(0)) == start


def test_finite_working_time_runs_out_with_an_error() -> None:
    # Only one override day holds 2 h; 1 h is found, 3 h never is.
    cal = calendar("UTC", {}, overrides={"2024-01-02": [["10:00", "12:00"]]})
    assert cal.deadline(utc(2024, 1, 1), H) == utc(2024, 1, 2, 11)
    with pytest.raises(NoWorkingTimeError):
        cal.deadline(utc(2024, 1, 1), 3 * H)
    with pytest.raises(NoWorkingTimeError):
        cal.deadline(utc(2024, 1, 3), H)
    assert cal.deadline(utc(2024, 1, 3), -H) == utc(2024, 1, 2, 11)


# -- year boundaries (the timeline compiles one local year at a time) -------------------------


def test_an_overnight_shift_runs_from_new_years_eve_into_january() -> None:
    cal = calendar("UTC", every(EVERY_DAY, [["22:00", "06:00"]]))
    assert cal.is_open(utc(2025, 1, 1, 3))
    # Dec 31 23:00 + 5 h: 23:00-06:00 is one stretch across the new year: Jan 1 04:00.
    assert cal.deadline(utc(2024, 12, 31, 23), 5 * H) == utc(2025, 1, 1, 4)
    assert cal.deadline(utc(2025, 1, 1, 4), -5 * H) == utc(2024, 12, 31, 23)
    assert cal.periods(utc(2024, 12, 31, 12), utc(2025, 1, 1, 12)) == (
        (utc(2024, 12, 31, 22), utc(2025, 1, 1, 6)),
    )
    assert cal.next_close(utc(2024, 12, 31, 23)) == utc(2025, 1, 1, 6)


def test_always_open_across_a_new_year_in_the_calendar_zone() -> None:
    cal = Calendar.always_open("Europe/Moscow")
    # Local new year is 21:00 UTC; a deadline may land exactly on it.
    start = msk(2024, 12, 31, 20, 0)
    assert cal.deadline(start, 4 * H) == msk(2025, 1, 1, 0, 0)
    assert cal.elapsed(msk(2023, 12, 31, 12, 0), msk(2025, 1, 1, 12, 0)) == 367 * 24 * H
