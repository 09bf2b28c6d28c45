"""Which hours a local date has: the precedence rules of a working calendar.

For one date, in order: a per-date override; else a recurring override rule;
else the holidays list or a recurring holiday rule (closed); else country data (a public holiday is closed, a transferred working day works
the hours of the weekday it stands in for); else the weekly hours in force on
that date.  Opt-in pre-holiday shortening then trims the last working hour(s) of
the working day before a public holiday (never of an overridden date).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from types import MappingProxyType

from slaclock._calendar.country import country_year
from slaclock._calendar.hours import Spans, Week, format_spans
from slaclock._calendar.recurrence import Recurrence
from slaclock.errors import SpecError

__all__ = ["DayRules", "RecurringDates"]

_NO_OVERRIDES: Mapping[date, Spans] = MappingProxyType({})
# Years of expanded rules kept per calendar (a timeline keeps 64 blocks, each
# looking at its neighbours).
_YEARS_KEPT = 512


class RecurringDates:
    """The dates a calendar's recurring holiday and override rules give, a year at a time.

    Expansions are cached per year; two override rules that give one date
    different hours are refused when that year is first asked for.
    """

    __slots__ = ("_years", "holiday_rules", "override_rules")

    def __init__(
        self, holiday_rules: tuple[Recurrence, ...], override_rules: tuple[Recurrence, ...]
    ) -> None:
        self.holiday_rules = holiday_rules
        self.override_rules = override_rules
        self._years: dict[int, tuple[frozenset[date], Mapping[date, Spans]]] = {}

    def year(self, year: int) -> tuple[frozenset[date], Mapping[date, Spans]]:
        """The recurring holidays and the recurring overrides (date to hours) of ``year``."""
        found = self._years.get(year)
        if found is None:
            holidays = frozenset().union(*(rule.dates_in(year) for rule in self.holiday_rules))
            overrides: dict[date, Spans] = {}
            given: dict[date, Recurrence] = {}
            for rule in self.override_rules:
                assert rule.hours is not None
                for day in rule.dates_in(year):
                    other = given.setdefault(day, rule)
                    if other is not rule and other.hours != rule.hours:
                        raise SpecError(
                            f"the recurring overrides {other.describe()} and {rule.describe()} "
                            f"both fall on {day.isoformat()} with different hours "
                            f"({format_spans(other.hours or ())} and {format_spans(rule.hours)}); "
                            "give that date its own override",
                            path="overrides",
                        )
                    overrides[day] = rule.hours
            if len(self._years) >= _YEARS_KEPT:
                self._years.clear()
            found = self._years[year] = (
                holidays,
                MappingProxyType(overrides) if overrides else _NO_OVERRIDES,
            )
        return found

    def has_dates(self, year: int) -> bool:
        """Does any rule give a date in ``year``?"""
        holidays, overrides = self.year(year)
        return bool(holidays or overrides)


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
    recurring: RecurringDates | None = field(default=None, compare=False)

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
        """A day off by the holidays list or rules or by country data (overrides do not count)."""
        if day in self.holidays:
            return True
        recurring = self.recurring
        if recurring is not None and day in recurring.year(day.year)[0]:
            return True
        return self._country_says(day)[0] == "holiday"

    def override(self, day: date) -> Spans | None:
        """The hours a dated override or else a recurring one gives ``day``, if any."""
        override = self.overrides.get(day)
        if override is None and self.recurring is not None:
            return self.recurring.year(day.year)[1].get(day)
        return override

    def base_spans(self, day: date) -> Spans:
        """The date's hours before pre-holiday shortening."""
        recurring = self.recurring
        override = self.overrides.get(day)
        if override is not None:
            return override
        if recurring is not None:
            holidays, overrides = recurring.year(day.year)
            override = overrides.get(day)
            if override is not None:
                return override
            if day in holidays:
                return ()
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
        if not spans or not self.pre_holiday_us or self.override(day) is not None:
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
