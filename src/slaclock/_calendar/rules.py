"""Which hours a local date has: the precedence rules of a working calendar.

For one date, in order: a per-date override; else the holidays list (closed);
else country data (a public holiday is closed, a transferred working day works
the hours of the weekday it stands in for); else the weekly hours in force on
that date.  Opt-in pre-holiday shortening then trims the last working hour(s) of
the working day before a public holiday (never of an overridden date).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from slaclock._calendar.country import country_year
from slaclock._calendar.hours import Spans, Week

__all__ = ["DayRules"]

_ONE_DAY = timedelta(days=1)
# A run of closed days longer than this is not searched for a public holiday when
# deciding pre-holiday shortening (Russia's New Year run, the longest, is ten days).
_MAX_CLOSED_RUN = 21


@dataclass(frozen=True, slots=True)
class DayRules:
    """The normalized rules of a calendar, answering "what are the hours of this date?"."""

    week: Week
    weeks: tuple[tuple[date, Week], ...]
    holidays: frozenset[date]
    overrides: Mapping[date, Spans]
    country: tuple[str, str | None] | None
    pre_holiday_us: int
    # The years the country data covers (outside them it has no days off): skipping
    # the lookup there keeps totalling far years cheap.
    country_years: tuple[int, int] = (1, 9999)

    def week_on(self, day: date) -> Week:
        """The weekly hours in force on ``day`` (the latest ``weeks`` entry starting on or before it)."""
        current = self.week
        for start, week in self.weeks:
            if start > day:
                break
            current = week
        return current

    def _country_says(self, day: date) -> tuple[str, date | None]:
        """``("holiday", None)``, ``("workday", stand_in)`` or ``("", None)`` from country data."""
        if self.country is None or not self.country_years[0] <= day.year <= self.country_years[1]:
            return "", None
        data = country_year(self.country[0], self.country[1], day.year)
        if day in data.holidays:
            return "holiday", None
        worked, instead = data.stand_in(day)
        return ("workday", instead) if worked else ("", None)

    def is_public_holiday(self, day: date) -> bool:
        """A day off by the holidays list or by country data (overrides do not count)."""
        return day in self.holidays or self._country_says(day)[0] == "holiday"

    def base_spans(self, day: date) -> Spans:
        """The date's hours before pre-holiday shortening."""
        override = self.overrides.get(day)
        if override is not None:
            return override
        if day in self.holidays:
            return ()
        said, instead = self._country_says(day)
        if said == "holiday":
            return ()
        week = self.week_on(day)
        if said == "workday":
            if instead is not None:
                return week[instead.weekday()]
            return _usual_weekday_hours(week)
        return week[day.weekday()]

    def spans(self, day: date) -> Spans:
        """The date's working intervals, after every rule."""
        spans = self.base_spans(day)
        if not spans or not self.pre_holiday_us or day in self.overrides:
            return spans
        if self._before_public_holiday(day):
            return _shorten(spans, self.pre_holiday_us)
        return spans

    def _before_public_holiday(self, day: date) -> bool:
        """Is ``day`` the last working day before a public holiday that costs a working day?

        The next day being a public holiday always counts (Russia shortens Friday
        7 March 2025 before Saturday's holiday).  Otherwise the closed days that
        follow must include a public holiday falling on a day the weekly hours
        would have worked (Saturday 2 November 2024 is shortened before Monday's
        holiday; Friday 21 February 2025 is not before Sunday's).
        """
        following = day + _ONE_DAY
        if self.is_public_holiday(following):
            return True
        for _ in range(_MAX_CLOSED_RUN):
            if self.base_spans(following):
                return False
            if self.is_public_holiday(following) and self.week_on(following)[following.weekday()]:
                return True
            following += _ONE_DAY
        return False


def _usual_weekday_hours(week: Week) -> Spans:
    """The most common non-empty Monday-to-Friday hours (earliest weekday on a tie)."""
    counts = Counter(spans for spans in week[:5] if spans)
    if not counts:
        return ()
    best = max(counts.values())
    return next(spans for spans in week[:5] if spans and counts[spans] == best)


def _shorten(spans: Spans, amount: int) -> Spans:
    """Remove ``amount`` microseconds from the end of a day's hours."""
    kept = list(spans)
    while kept and amount > 0:
        start, end = kept[-1]
        if end - start > amount:
            kept[-1] = (start, end - amount)
            amount = 0
        else:
            amount -= end - start
            kept.pop()
    return tuple(kept)
