"""A slow, obviously-correct reference for calendar arithmetic.

It reads the same spec mapping as ``Calendar.from_dict`` and answers by walking
local dates one at a time: for each date it applies the precedence of the calendar rules
(override, then the holidays list, then country data, then the effective-dated
or base weekly hours), turns each local interval into UTC with ``zoneinfo`` and
``fold=0`` (a spring-gap boundary moves forward by the gap, a fold takes the
earlier instant), drops intervals that end up empty and takes the union.
Everything is integer microseconds since the Unix epoch (UTC).

It shares no code with ``slaclock._calendar``: the tests hold the library to
this walker, so keep it plain rather than fast.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import holidays

__all__ = ["NoWork", "Reference", "from_us", "to_us"]

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
ONE_US = timedelta(microseconds=1)
DAY_US = 86_400_000_000
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# How far the reference looks for working time before it gives up; beyond every
# date a generated spec mentions (2023-2027) by a wide margin.
HORIZON_US = 15 * 366 * DAY_US

Interval = tuple[int, int]  # [start, end) in microseconds since the epoch
Minutes = tuple[int, int]  # local [start, end) in minutes after midnight; end <= start: overnight


class NoWork(Exception):
    """The reference found not enough working time within its horizon."""


def to_us(moment: datetime) -> int:
    assert moment.tzinfo is not None, "the reference takes aware datetimes only"
    return (moment - EPOCH) // ONE_US


def from_us(value: int, zone: ZoneInfo) -> datetime:
    return (EPOCH + value * ONE_US).astimezone(zone)


def _minutes(text: str) -> int:
    hours, _, minutes = text.partition(":")
    value = int(hours) * 60 + int(minutes)
    assert 0 <= value <= 1440, text
    return value


def _intervals(pairs: Any) -> tuple[Minutes, ...]:
    return tuple((_minutes(start), _minutes(end)) for start, end in pairs)


def _day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def _week(raw: Mapping[str, Any]) -> dict[str, tuple[Minutes, ...]]:
    # A weekday missing from ``week`` is closed.
    return {day: _intervals(raw.get(day, ())) for day in WEEKDAYS}


def _entries(value: Any) -> tuple[tuple[int, ...], ...]:
    # ``special_public_holidays[year]`` is one tuple or a tuple of tuples.
    if not value:
        return ()
    if isinstance(value[0], int):
        return (tuple(value),)
    return tuple(tuple(v) for v in value)


@functools.cache
def country_year(
    code: str, subdiv: str | None, year: int
) -> tuple[frozenset[date], Mapping[date, date]]:
    """Public holidays of ``year`` and its transferred working days.

    The second item maps each transferred working day (a weekend date in
    ``weekend_workdays``) to the date whose day off it stands in for: the
    package's ``special_public_holidays`` lists ``(to_month, to_day, from_month,
    from_day[, from_year])`` per year, and the FROM date is worked in place of
    the TO date.
    """
    data = holidays.country_holidays(code, subdiv=subdiv, years=[year - 1, year, year + 1])
    closed = frozenset(day for day in data if day.year == year)
    stands_in_for: dict[date, date] = {}
    for to_year in (year - 1, year, year + 1):
        for entry in _entries(getattr(data, "special_public_holidays", {}).get(to_year, ())):
            if len(entry) < 4:
                continue  # a one-off holiday (month, day, name), not a transfer
            to_month, to_day, from_month, from_day, *from_year = entry
            from_date = date(from_year[0] if from_year else to_year, from_month, from_day)
            stands_in_for[from_date] = date(to_year, to_month, to_day)
    workdays = {}
    for day in data.weekend_workdays:
        if day.year == year:
            if day not in stands_in_for:
                raise AssertionError(f"reference: no stand-in date for {code} workday {day}")
            workdays[day] = stands_in_for[day]
    return closed, workdays


@dataclass(frozen=True)
class Reference:
    """The calendar of one spec mapping, answered by walking dates."""

    spec: Mapping[str, Any]

    @functools.cached_property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.spec["tz"])

    @functools.cached_property
    def _base_week(self) -> dict[str, tuple[Minutes, ...]]:
        return _week(self.spec.get("week") or {})

    @functools.cached_property
    def _weeks(self) -> list[tuple[date, dict[str, tuple[Minutes, ...]]]]:
        entries = [(_day(e["from"]), _week(e["week"])) for e in self.spec.get("weeks") or ()]
        return sorted(entries, key=lambda e: e[0])

    @functools.cached_property
    def _holidays(self) -> frozenset[date]:
        return frozenset(_day(d) for d in self.spec.get("holidays") or ())

    @functools.cached_property
    def _overrides(self) -> dict[date, tuple[Minutes, ...]]:
        return {_day(k): _intervals(v) for k, v in (self.spec.get("overrides") or {}).items()}

    @functools.cached_property
    def _pre_holiday_us(self) -> int:
        value = self.spec.get("pre_holiday")
        if value is None:
            return 0
        if isinstance(value, timedelta):
            return value // ONE_US
        from slaclock._durations import parse_duration  # text form only; no calendar code

        return parse_duration(value) // ONE_US

    def _country(self, day: date) -> tuple[frozenset[date], Mapping[date, date]]:
        country = self.spec.get("country")
        if not country:
            return frozenset(), {}
        return country_year(country["code"], country.get("subdiv"), day.year)

    def week_on(self, day: date) -> dict[str, tuple[Minutes, ...]]:
        """The weekly hours in force on ``day``: the latest ``weeks`` entry from on or before it."""
        week = self._base_week
        for start, entry in self._weeks:
            if start <= day:
                week = entry
        return week

    def is_public_holiday(self, day: date) -> bool:
        """A day off by the holidays list or country data (whatever an override says)."""
        return day in self._holidays or day in self._country(day)[0]

    def before_public_holiday(self, day: date) -> bool:
        """Is ``day`` shortened as the working day before a public holiday?

        The next day being a public holiday always counts (Friday 2025-03-07 before
        Saturday's 8 March); otherwise the run of closed days after ``day`` must hold
        a public holiday on a weekday the weekly hours would have worked (Saturday
        2024-11-02 before Monday 2024-11-04; not Friday 2025-02-21 before Sunday's
        23 February).
        """
        following = day + timedelta(days=1)
        if self.is_public_holiday(following):
            return True
        for _ in range(21):
            if self.local_hours(following):
                return False
            if (
                self.is_public_holiday(following)
                and self.week_on(following)[WEEKDAYS[following.weekday()]]
            ):
                return True
            following += timedelta(days=1)
        return False

    def local_hours(self, day: date) -> tuple[Minutes, ...]:
        """The date's local intervals after the precedence of the calendar rules."""
        if day in self._overrides:
            return self._overrides[day]
        if day in self._holidays:
            return ()
        closed, workdays = self._country(day)
        if day in closed:
            return ()
        if day in workdays:
            # A transferred working day works the hours of the weekday it stands in for.
            return self.week_on(day)[WEEKDAYS[workdays[day].weekday()]]
        return self.week_on(day)[WEEKDAYS[day.weekday()]]

    def _local_us(self, day: date, minutes: int) -> int:
        day += timedelta(days=minutes // 1440)  # "24:00" is the next midnight
        minutes %= 1440
        # fold=0 (the default): in a gap this uses the offset before the change, so
        # the boundary lands forward by the gap; in a fold it is the earlier instant.
        local = datetime.combine(day, time(minutes // 60, minutes % 60), tzinfo=self.zone)
        return to_us(local)

    def day_intervals(self, day: date) -> list[Interval]:
        """The date's intervals in UTC microseconds, empty ones dropped, not merged."""
        out = []
        for start, end in self.local_hours(day):
            end_day_minutes = end if end > start else end + 1440  # past midnight
            a = self._local_us(day, start)
            b = self._local_us(day, end_day_minutes)
            if b > a:
                out.append((a, b))
        shorten = out and self._pre_holiday_us and day not in self._overrides
        if shorten and self.before_public_holiday(day):
            out = self._shortened(day)
        return out

    def _shortened(self, day: date) -> list[Interval]:
        """The day's intervals with ``pre_holiday`` of local (wall-clock) hours cut from the end."""
        spans = []
        for start, end in self.local_hours(day):
            spans.append((start, end if end > start else end + 1440))
        cut = self._pre_holiday_us // 60_000_000  # specs use whole minutes
        while spans and cut > 0:
            start, end = spans.pop()
            if end - start > cut:
                spans.append((start, end - cut))
            cut -= end - start
        out = []
        for start, end in spans:
            a, b = self._local_us(day, start), self._local_us(day, end)
            if b > a:
                out.append((a, b))
        return out

    def _local_date(self, value: int) -> date:
        return from_us(value, self.zone).date()

    def merged(self, lo: int, hi: int) -> list[Interval]:
        """The union of working intervals, clipped to ``[lo, hi)``, sorted and disjoint."""
        if hi <= lo:
            return []
        # An interval starts on its date and ends by the second midnight after it,
        # so dates from two before ``lo`` to one after ``hi`` cover the window.
        first = self._local_date(lo) - timedelta(days=2)
        last = self._local_date(hi) + timedelta(days=1)
        raw: list[Interval] = []
        day = first
        while day <= last:
            raw.extend(self.day_intervals(day))
            day += timedelta(days=1)
        out: list[list[int]] = []
        for a, b in sorted(raw):
            a, b = max(a, lo), min(b, hi)
            if b <= a:
                continue
            if out and a <= out[-1][1]:
                out[-1][1] = max(out[-1][1], b)
            else:
                out.append([a, b])
        return [(a, b) for a, b in out]

    # -- the operations, in microseconds ------------------------------------

    def elapsed_us(self, a: int, b: int) -> int:
        if b < a:
            return -self.elapsed_us(b, a)
        return sum(end - start for start, end in self.merged(a, b))

    def is_open_us(self, at: int) -> bool:
        return bool(self.merged(at, at + 1))

    def _forward_windows(self, start: int) -> Iterator[list[Interval]]:
        width = 8 * DAY_US
        while width <= 2 * HORIZON_US:
            yield self.merged(start, start + width)
            width *= 2
        raise NoWork(f"no working time within the horizon after {start}")

    def _backward_windows(self, start: int) -> Iterator[list[Interval]]:
        width = 8 * DAY_US
        while width <= 2 * HORIZON_US:
            yield self.merged(start - width, start)
            width *= 2
        raise NoWork(f"no working time within the horizon before {start}")

    def deadline_us(self, start: int, duration: int) -> int:
        if duration == 0:
            return start
        if duration > 0:
            for window in self._forward_windows(start):
                left = duration
                for a, b in window:
                    if b - a >= left:
                        return a + left  # earliest: work ending at a close is due at the close
                    left -= b - a
        else:
            for window in self._backward_windows(start):
                left = -duration
                for a, b in reversed(window):
                    if b - a >= left:
                        return b - left  # latest: backwards, work starting at an open is the open
                    left -= b - a
        raise AssertionError("unreachable")

    def next_open_us(self, at: int) -> int:
        for window in self._forward_windows(at):
            if window:
                return window[0][0]
        raise AssertionError("unreachable")

    def next_close_us(self, at: int, *, horizon: int = HORIZON_US) -> int:
        """The first instant at or after ``at`` where an open stretch ends."""
        width = 8 * DAY_US
        while width <= 2 * horizon:
            window = self.merged(at, at + width)
            for _, b in window:
                if b < at + width:
                    return b
            width *= 2
        raise NoWork(f"no closing within the horizon after {at}")

    def day_end_us(self, at: int, days: int = 0) -> int:
        """The end of the ``days``-th working date after the first one that ends after ``at``."""
        day = self._local_date(at) - timedelta(days=2)
        for _ in range(HORIZON_US // DAY_US):
            ends = [b for _, b in self.day_intervals(day)]
            if ends and max(ends) > at:
                if days == 0:
                    return max(ends)
                days -= 1
            day += timedelta(days=1)
        raise NoWork(f"no working day within the horizon after {at}")

    # -- the same, on datetimes ----------------------------------------------

    def elapsed(self, start: datetime, end: datetime) -> timedelta:
        return self.elapsed_us(to_us(start), to_us(end)) * ONE_US

    def deadline(self, start: datetime, duration: timedelta) -> datetime:
        return from_us(self.deadline_us(to_us(start), duration // ONE_US), self.zone)

    def is_open(self, at: datetime) -> bool:
        return self.is_open_us(to_us(at))

    def next_open(self, at: datetime) -> datetime:
        return from_us(self.next_open_us(to_us(at)), self.zone)

    def next_close(self, at: datetime) -> datetime:
        return from_us(self.next_close_us(to_us(at)), self.zone)

    def periods(self, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
        return [
            (from_us(a, self.zone), from_us(b, self.zone))
            for a, b in self.merged(to_us(start), to_us(end))
        ]

    def day_end(self, at: datetime, days: int = 0) -> datetime:
        return from_us(self.day_end_us(to_us(at), days), self.zone)

    def hours_on(self, day: date) -> list[tuple[datetime, datetime]]:
        return [(from_us(a, self.zone), from_us(b, self.zone)) for a, b in self.day_intervals(day)]
