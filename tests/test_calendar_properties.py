"""The calendar laws as Hypothesis properties, each also checked against the reference.

Calendars, instants and durations come from ``slaclock.strategies`` (our own
strategies, used first).  ``tests/reference.py`` walks dates one by one from the
same spec; every answer of the compiled timeline must equal the walker's to the
microsecond.  Instants are compared as integer microseconds: aware datetimes in
a DST fold never compare equal across zones (PEP 495).
"""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given, note
from hypothesis import strategies as st
from reference import DAY_US, NoWork, Reference, to_us

from slaclock import Calendar, NoWorkingTimeError
from slaclock.strategies import calendar_specs, durations, instants

US = timedelta(microseconds=1)
MAX = timedelta(hours=120)


class Case:
    """One generated calendar with its spec and the reference built from the same spec."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec
        self.calendar = Calendar.from_dict(spec)
        self.ref = Reference(spec)

    def __repr__(self) -> str:
        return f"Case({self.spec!r})"


@st.composite
def cases(draw: st.DrawFn) -> Case:
    case = Case(draw(calendar_specs()))
    note(repr(case.calendar))
    return case


def moments(case: Case) -> st.SearchStrategy[datetime]:
    return instants(case.calendar)


def plus(moment: datetime, delta: timedelta) -> datetime:
    # Aware arithmetic in a zone is wall-clock arithmetic and drops ``fold``;
    # in UTC it is real time.
    return moment.astimezone(UTC) + delta


def in_zone(moment: datetime, case: Case) -> bool:
    return moment.tzinfo == case.calendar.zone


# -- deadline ----------------------------------------------------------------------------------


@given(st.data())
def test_deadline_spends_exactly_the_duration(data: st.DataObject) -> None:
    case = data.draw(cases())
    start = data.draw(moments(case), label="start")
    duration = data.draw(durations(min_value=-MAX, max_value=MAX), label="duration")
    due = case.calendar.deadline(start, duration)
    assert case.calendar.elapsed(start, due) == duration
    assert to_us(due) == case.ref.deadline_us(to_us(start), duration // US)
    assert in_zone(due, case)


@given(st.data())
def test_deadline_is_the_earliest_instant_forwards_and_the_latest_backwards(
    data: st.DataObject,
) -> None:
    case = data.draw(cases())
    start = data.draw(moments(case), label="start")
    duration = data.draw(durations(min_value=US, max_value=MAX), label="duration")
    due = case.calendar.deadline(start, duration)
    # One microsecond earlier, less than the duration has passed.
    assert case.calendar.elapsed(start, plus(due, -US)) < duration
    back = case.calendar.deadline(start, -duration)
    # One microsecond later, less than the duration lies between it and the start.
    assert case.calendar.elapsed(plus(back, US), start) < duration
    assert case.calendar.elapsed(back, start) == duration


@given(st.data())
def test_deadline_of_zero_is_the_start(data: st.DataObject) -> None:
    case = data.draw(cases())
    start = data.draw(moments(case), label="start")
    due = case.calendar.deadline(start, timedelta(0))
    assert to_us(due) == to_us(start)
    assert in_zone(due, case)


@given(st.data())
def test_deadline_is_monotonic_in_duration_and_start(data: st.DataObject) -> None:
    case = data.draw(cases())
    first, second = sorted(
        (data.draw(moments(case)), data.draw(moments(case))), key=lambda moment: to_us(moment)
    )
    short, long = sorted(data.draw(durations(min_value=-MAX, max_value=MAX)) for _ in range(2))
    cal = case.calendar
    assert to_us(cal.deadline(first, short)) <= to_us(cal.deadline(first, long))
    assert to_us(cal.deadline(first, long)) <= to_us(cal.deadline(second, long))


# -- elapsed -----------------------------------------------------------------------------------


@given(st.data())
def test_elapsed_is_antisymmetric_and_matches_the_reference(data: st.DataObject) -> None:
    case = data.draw(cases())
    a = data.draw(moments(case), label="a")
    b = data.draw(moments(case), label="b")
    forward = case.calendar.elapsed(a, b)
    assert case.calendar.elapsed(b, a) == -forward
    assert forward // US == case.ref.elapsed_us(to_us(a), to_us(b))


@given(st.data())
def test_elapsed_is_additive(data: st.DataObject) -> None:
    case = data.draw(cases())
    a, b, c = (data.draw(moments(case), label=name) for name in "abc")
    cal = case.calendar
    assert cal.elapsed(a, b) + cal.elapsed(b, c) == cal.elapsed(a, c)


@given(st.data())
def test_elapsed_is_the_sum_of_the_periods(data: st.DataObject) -> None:
    case = data.draw(cases())
    a = data.draw(moments(case), label="a")
    # Keep the reference's walk short: periods of up to 40 days.
    b = plus(a, data.draw(durations(max_value=timedelta(days=40)), label="b - a"))
    periods = case.calendar.periods(a, b)
    pieces = [(to_us(start), to_us(end)) for start, end in periods]
    assert sum((end - start for start, end in pieces), 0) == case.calendar.elapsed(a, b) // US
    assert pieces == case.ref.merged(to_us(a), to_us(b))
    for (_, end), (start, _) in itertools.pairwise(pieces):
        assert end < start  # disjoint and not touching: touching pieces are one period
    assert all(in_zone(moment, case) for period in periods for moment in period)


# -- is_open, next_open, next_close ------------------------------------------------------------


@given(st.data())
def test_is_open_agrees_with_periods_and_the_reference(data: st.DataObject) -> None:
    case = data.draw(cases())
    at = data.draw(moments(case), label="at")
    cal = case.calendar
    is_open = cal.is_open(at)
    assert is_open == bool(cal.periods(at, plus(at, US)))
    assert is_open == case.ref.is_open_us(to_us(at))


@given(st.data())
def test_next_open_is_at_itself_when_open_else_the_next_opening(data: st.DataObject) -> None:
    case = data.draw(cases())
    at = data.draw(moments(case), label="at")
    cal = case.calendar
    opening = cal.next_open(at)
    assert in_zone(opening, case)
    assert to_us(opening) == case.ref.next_open_us(to_us(at))
    assert cal.is_open(opening)
    if cal.is_open(at):
        assert to_us(opening) == to_us(at)
    else:
        assert cal.elapsed(at, opening) == timedelta(0)


@given(st.data())
def test_next_close_agrees_with_the_reference(data: st.DataObject) -> None:
    case = data.draw(cases())
    at = data.draw(moments(case), label="at")
    try:
        expected = case.ref.next_close_us(to_us(at), horizon=400 * DAY_US)
    except NoWork:
        # Open without a break for 400 days (a 24/7 week): either it never closes
        # or it closes later than that.
        try:
            closing = case.calendar.next_close(at)
        except NoWorkingTimeError:
            return
        assert to_us(closing) > to_us(at) + 400 * DAY_US
        return
    closing = case.calendar.next_close(at)
    assert to_us(closing) == expected
    assert in_zone(closing, case)
    assert not case.calendar.is_open(closing)


# -- hours_on and day_end ----------------------------------------------------------------------


@given(st.data())
def test_hours_on_agrees_with_the_reference(data: st.DataObject) -> None:
    case = data.draw(cases())
    day = data.draw(
        st.one_of(
            st.dates(min_value=date(2024, 1, 1), max_value=date(2026, 12, 31)),
            st.sampled_from([date.fromisoformat(d) for d in case.spec.get("overrides", {})])
            if case.spec.get("overrides")
            else st.nothing(),
        ),
        label="day",
    )
    hours = case.calendar.hours_on(day)
    assert [(to_us(a), to_us(b)) for a, b in hours] == case.ref.day_intervals(day)
    assert all(in_zone(moment, case) for span in hours for moment in span)


@given(st.data())
def test_day_end_agrees_with_the_reference(data: st.DataObject) -> None:
    case = data.draw(cases())
    at = data.draw(moments(case), label="at")
    days = data.draw(st.integers(0, 3), label="days")
    expected = case.ref.day_end_us(to_us(at), days)
    end = case.calendar.add_working_days(at, days)
    assert to_us(end) == expected
    assert in_zone(end, case)
    if days == 0:
        assert to_us(case.calendar.day_end(at)) == expected


# -- the integer layer -------------------------------------------------------------------------


@given(st.data())
def test_timeline_integer_layer_agrees_with_the_datetime_layer(data: st.DataObject) -> None:
    case = data.draw(cases())
    a = data.draw(moments(case), label="a")
    b = data.draw(moments(case), label="b")
    duration = data.draw(durations(min_value=-MAX, max_value=MAX), label="duration")
    tl = case.calendar.timeline
    a_us, b_us = to_us(a), to_us(b)
    assert tl.elapsed_us(a_us, b_us) == case.calendar.elapsed(a, b) // US
    assert tl.deadline_us(a_us, duration // US) == to_us(case.calendar.deadline(a, duration))
    assert tl.is_open_us(a_us) == case.calendar.is_open(a)
    assert tl.next_open_us(a_us) == to_us(case.calendar.next_open(a))


@pytest.mark.parametrize("zone", ["Australia/Lord_Howe", "America/Santiago", "Europe/Berlin"])
@given(data=st.data())
def test_every_dst_zone_agrees_with_the_reference(zone: str, data: st.DataObject) -> None:
    # Pin the zone so each DST rule gets its own examples however the draw goes.
    case = Case(data.draw(calendar_specs(zones=[zone])))
    start = data.draw(moments(case), label="start")
    duration = data.draw(durations(min_value=-MAX, max_value=MAX), label="duration")
    assert to_us(case.calendar.deadline(start, duration)) == case.ref.deadline_us(
        to_us(start), duration // US
    )


# -- far from the generated window: long durations, distant years --------------------------------

MOSCOW_RU = {
    "tz": "Europe/Moscow",
    "week": {day: [["10:00", "18:00"]] for day in ("mon", "tue", "wed", "thu", "fri")},
    "country": {"code": "RU"},
    "pre_holiday": "PT1H",
}


@pytest.mark.parametrize(
    ("start", "hours"),
    [
        ("2024-12-27T17:00:00+03:00", 2000),  # across two New Year runs
        ("2025-06-01T00:00:00+00:00", -3000),  # backwards over 1.5 years
        ("1995-03-01T12:00:00+03:00", 500),  # old Russian data, before 2014's zone change
        ("2011-03-25T12:00:00+03:00", 100),  # Moscow moved to UTC+4 on 2011-03-27
        ("2099-12-30T12:00:00+03:00", 40),  # into the next century
    ],
)
def test_long_and_distant_deadlines_agree_with_the_reference(start: str, hours: int) -> None:
    case = Case(MOSCOW_RU)
    moment = datetime.fromisoformat(start)
    duration = timedelta(hours=hours)
    due = case.calendar.deadline(moment, duration)
    assert to_us(due) == case.ref.deadline_us(to_us(moment), duration // US)
    assert case.calendar.elapsed(moment, due) == duration
