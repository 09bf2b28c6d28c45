"""Recurring dates: RFC 5545 recurrence rules for holidays and overrides, a year at a time.

A :class:`Recurrence` is one rule (``FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=31``) read
with ``dateutil.rrule``, checked once (parts, ranges, a rule that never occurs)
and expanded one calendar year at a time, never from its start onwards: each
year's expansion starts at the rule's own period that holds 1 January (the
same year, month, week or day step the rule would reach by iterating), so a
query in year 9000 costs what a query in 2026 does.  Expansions are cached.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from itertools import islice
from typing import Any

from dateutil.rrule import rrule, rrulestr

from slaclock._calendar.hours import Spans, format_spans, parse_spans
from slaclock.errors import SpecError, quote

__all__ = ["Recurrence"]

_FREQS = ("YEARLY", "MONTHLY", "WEEKLY", "DAILY")
_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_PARTS = (
    "FREQ",
    "INTERVAL",
    "COUNT",
    "UNTIL",
    "BYMONTH",
    "BYMONTHDAY",
    "BYYEARDAY",
    "BYWEEKNO",
    "BYDAY",
    "BYSETPOS",
    "WKST",
    "BYEASTER",
)
_TIME_PARTS = ("BYHOUR", "BYMINUTE", "BYSECOND")
# Parts whose absence makes dateutil take the day from the rule's start (RFC 5545 3.3.10).
_DAY_PARTS = ("BYMONTHDAY", "BYYEARDAY", "BYWEEKNO", "BYDAY", "BYEASTER")
# Which frequencies a part may go with (RFC 5545 3.3.10; BYEASTER is dateutil's own).
_ONLY_WITH = {
    "BYWEEKNO": ("YEARLY",),
    "BYYEARDAY": ("YEARLY",),
    "BYMONTHDAY": ("YEARLY", "MONTHLY", "DAILY"),
    "BYEASTER": ("YEARLY",),
}
# The bounds of each numeric list part: (lowest, highest, zero allowed).
_RANGES = {
    "BYMONTH": (1, 12, False),
    "BYMONTHDAY": (-31, 31, False),
    "BYYEARDAY": (-366, 366, False),
    "BYWEEKNO": (-53, 53, False),
    "BYSETPOS": (-366, 366, False),
    "BYEASTER": (-366, 366, True),
}
_INT = re.compile(r"[+-]?[0-9]{1,6}")
_BYDAY = re.compile(r"([+-]?[0-9]{1,2})?(MO|TU|WE|TH|FR|SA|SU)")
_UNTIL = re.compile(r"[0-9]{8}")
MAX_INTERVAL = 1_000_000
MAX_COUNT = 100_000
# The first and last dates a rule is expanded in (the calendar layer's years, with
# the neighbours its compiled years look at).
_FIRST = date(1, 1, 1)
_LAST = date(9999, 12, 31)
_FORM = 'an RFC 5545 recurrence rule for whole days, e.g. "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=31"'


@dataclass(frozen=True, slots=True)
class Recurrence:
    """A recurrence rule of dates, with its optional start, end, count and excluded dates.

    ``hours`` is ``None`` for a holiday rule and the hours that apply for an
    override rule (``()`` closes).  Equal rules compare equal however their
    parts are ordered or cased; :attr:`rule` keeps the text as given.

    >>> easter = Recurrence("FREQ=YEARLY;BYEASTER=1")      # Easter Monday
    >>> sorted(easter.dates_in(2026))
    [datetime.date(2026, 4, 6)]
    >>> Recurrence("freq=yearly;bymonthday=31;bymonth=12") == Recurrence("FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=31")
    True
    """

    rule: str = field(compare=False)
    dtstart: date | None = field(default=None, compare=False)
    until: date | None = field(default=None, compare=False)
    count: int | None = field(default=None, compare=False)
    exdates: frozenset[date] = field(default=frozenset(), compare=False)
    hours: Spans | None = field(default=None, compare=False)
    #: The rule's meaning: canonical parts, start, last date, count, exclusions, hours.
    key: tuple[Any, ...] = field(init=False, repr=False)
    #: The first occurrence, and the last one (``None``: it recurs past the covered years).
    first: date = field(init=False, repr=False, compare=False)
    last: date | None = field(init=False, repr=False, compare=False)
    _base: rrule = field(init=False, repr=False, compare=False)
    _anchor: date = field(init=False, repr=False, compare=False)
    _step: tuple[str, int, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        parts = _read_parts(self.rule)
        freq = parts["FREQ"]
        interval = int(parts.get("INTERVAL", "1"))
        _check_options(self)
        for name, given in (("UNTIL", self.until), ("COUNT", self.count)):
            if name in parts and given is not None:
                raise SpecError(
                    f"{name} is given twice, in the rule {quote(self.rule)} and as {name.lower()}"
                )
        until = _until_date(parts["UNTIL"]) if "UNTIL" in parts else self.until
        count = int(parts["COUNT"]) if "COUNT" in parts else self.count
        if count is not None and until is not None:
            raise SpecError(
                f"the rule {quote(self.rule)} has both COUNT and UNTIL; RFC 5545 allows one of them"
            )
        if count is not None and not 1 <= count <= MAX_COUNT:
            raise SpecError(
                f"COUNT must be 1 to {MAX_COUNT}, got {count}; for longer rules use UNTIL"
            )
        defaulted = freq != "DAILY" and not any(name in parts for name in _DAY_PARTS)
        if self.dtstart is None and (defaulted or interval > 1 or count is not None):
            why = (
                "it takes its day from its start"
                if defaulted
                else "it counts its occurrences from its start"
                if count is not None
                else f"INTERVAL={interval} steps from its start"
            )
            raise SpecError(f'the rule {quote(self.rule)} needs a dtstart ("YYYY-MM-DD"): {why}')
        anchor = self.dtstart if self.dtstart is not None else _FIRST
        explicit = {k: v for k, v in parts.items() if k not in ("COUNT", "UNTIL")}
        if defaulted:  # spelled out, so that a later start does not move the day
            if freq == "YEARLY":
                explicit.setdefault("BYMONTH", str(anchor.month))
            if freq in ("YEARLY", "MONTHLY"):
                explicit["BYMONTHDAY"] = str(anchor.day)
            if freq == "WEEKLY":
                explicit["BYDAY"] = _WEEKDAYS[anchor.weekday()]
        text = ";".join(f"{k}={v}" for k, v in explicit.items())
        try:
            base = rrulestr(text, dtstart=_midnight(anchor))
        except (ValueError, TypeError, OverflowError) as error:
            raise SpecError(
                f"cannot read the rule {quote(self.rule)} ({error}); expected {_FORM}"
            ) from None
        if not isinstance(base, rrule):  # pragma: no cover - one line is one rule
            raise SpecError(f"expected one rule, got {quote(self.rule)}")
        wkst = _WEEKDAYS.index(parts.get("WKST", "MO"))
        object.__setattr__(
            self, "key", (_canonical(parts), self.dtstart, until, count, self.exdates, self.hours)
        )
        object.__setattr__(self, "_base", base)
        object.__setattr__(self, "_anchor", anchor)
        object.__setattr__(self, "_step", (freq, interval, wkst))
        if "BYEASTER" not in parts and not _recurs(self):
            raise self._never()
        occurrences = iter(base.replace(until=_midnight(min(until or _LAST, _LAST))))
        if count is not None:
            found = list(islice(occurrences, count))
            occurrences = iter(found)
            object.__setattr__(self, "last", found[-1].date())
        else:
            object.__setattr__(self, "last", None if until is None else min(until, _LAST))
        # Bounded: the rule recurs, so each step finds a date within its cycle.
        first = next((t.date() for t in occurrences if t.date() not in self.exdates), None)
        if first is None:
            raise self._never()
        object.__setattr__(self, "first", first)
        if self.last is not None:
            object.__setattr__(self, "last", _last_occurrence(self))

    def _never(self) -> SpecError:
        return SpecError(
            f"the rule {quote(self.rule)} never occurs"
            + (f" from {self.dtstart.isoformat()}" if self.dtstart is not None else "")
            + (f" to {self.until.isoformat()}" if self.until is not None else "")
            + (" (every date it gives is excluded)" if self.exdates else "")
            + f"; expected {_FORM}"
        )

    def __reduce__(self) -> tuple[Any, ...]:
        return (
            Recurrence,
            (self.rule, self.dtstart, self.until, self.count, self.exdates, self.hours),
        )

    def dates_in(self, year: int) -> frozenset[date]:
        """The rule's dates in one calendar year (excluded dates left out)."""
        return _dates_in(self, year)

    def to_dict(self) -> dict[str, Any]:
        """The spec entry, with the rule text as given."""
        out: dict[str, Any] = {"rrule": self.rule}
        if self.dtstart is not None:
            out["dtstart"] = self.dtstart.isoformat()
        if self.until is not None:
            out["until"] = self.until.isoformat()
        if self.count is not None:
            out["count"] = self.count
        if self.exdates:
            out["exdates"] = [day.isoformat() for day in sorted(self.exdates)]
        if self.hours is not None:
            out["hours"] = format_spans(self.hours)
        return out

    def describe(self) -> str:
        """The rule as it reads in messages."""
        return quote(self.rule)


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day)


def _read_parts(rule: object) -> dict[str, str]:
    """The rule's parts by upper-case name, each checked on its own."""
    if not isinstance(rule, str):
        raise SpecError(f"expected {_FORM}, got {quote(rule)}")
    if rule.upper().startswith(("RRULE:", "DTSTART")) or "\n" in rule or "\r" in rule:
        raise SpecError(
            f'expected the rule\'s value alone, got {quote(rule)}: leave out "RRULE:" and give '
            'the start as "dtstart"'
        )
    parts: dict[str, str] = {}
    for piece in rule.split(";"):
        name, equals, value = piece.partition("=")
        name, value = name.strip().upper(), value.strip().upper()
        if not equals or not name or not value:
            raise SpecError(
                f"cannot read {quote(piece)} in the rule {quote(rule)}; expected {_FORM}"
            )
        if name in _TIME_PARTS:
            raise SpecError(
                f"the rule {quote(rule)} has a time part ({name}); a holiday or override is a "
                f"whole day: expected {_FORM}"
            )
        if name not in _PARTS:
            raise SpecError(
                f"unknown rule part {quote(name)} in {quote(rule)}; accepted parts: "
                + ", ".join(_PARTS)
            )
        if name in parts:
            raise SpecError(f"the rule {quote(rule)} gives {name} twice")
        parts[name] = value
        _check_value(rule, name, value)
    freq = parts.get("FREQ")
    if freq is None:
        raise SpecError(f"the rule {quote(rule)} has no FREQ; expected {_FORM}")
    for name, allowed in _ONLY_WITH.items():
        if name in parts and freq not in allowed:
            raise SpecError(
                f"the rule {quote(rule)} has {name} with FREQ={freq}; {name} goes with "
                f"FREQ={' or '.join(allowed)}"
            )
    numbered = "BYDAY" in parts and any(d[:1] in "+-0123456789" for d in parts["BYDAY"].split(","))
    if numbered and (freq not in ("YEARLY", "MONTHLY") or "BYWEEKNO" in parts):
        raise SpecError(
            f"the rule {quote(rule)} numbers its BYDAY days (like 1MO) with FREQ={freq}"
            + (" and BYWEEKNO" if "BYWEEKNO" in parts else "")
            + "; numbered days go with FREQ=MONTHLY or FREQ=YEARLY (without BYWEEKNO)"
        )
    if "BYSETPOS" in parts and not any(k.startswith("BY") and k != "BYSETPOS" for k in parts):
        raise SpecError(f"the rule {quote(rule)} has BYSETPOS without another BY part to pick from")
    return parts


def _check_value(rule: str, name: str, value: str) -> None:
    def bad(accepted: str) -> SpecError:
        return SpecError(f"{name}={value} in the rule {quote(rule)}: expected {accepted}")

    if name == "FREQ":
        if value in ("HOURLY", "MINUTELY", "SECONDLY"):
            raise SpecError(
                f"the rule {quote(rule)} repeats within a day (FREQ={value}); a holiday or "
                "override is a whole day: FREQ=YEARLY, MONTHLY, WEEKLY or DAILY"
            )
        if value not in _FREQS:
            raise bad("YEARLY, MONTHLY, WEEKLY or DAILY")
    elif name in ("INTERVAL", "COUNT"):
        top = MAX_INTERVAL if name == "INTERVAL" else MAX_COUNT
        if not value.isascii() or not value.isdigit() or not 1 <= int(value) <= top:
            raise bad(f"a whole number from 1 to {top}")
    elif name == "UNTIL":
        if not _UNTIL.fullmatch(value):
            raise bad("a date YYYYMMDD (a holiday or override is a whole day: no time part)")
        _until_date(value, rule=rule)
    elif name == "WKST":
        if value not in _WEEKDAYS:
            raise bad("a weekday: " + ", ".join(_WEEKDAYS))
    elif name == "BYDAY":
        for item in value.split(","):
            match = _BYDAY.fullmatch(item)
            if not match or (match[1] is not None and not 1 <= abs(int(match[1])) <= 53):
                raise bad("weekdays such as MO,TU or numbered ones such as 1MO or -1FR")
    else:
        low, high, zero = _RANGES[name]
        for item in value.split(","):
            if (
                not _INT.fullmatch(item)
                or not low <= int(item) <= high
                or (int(item) == 0 and not zero)
            ):
                raise bad(f"numbers from {low} to {high}" + ("" if zero else ", not 0"))


def _until_date(value: str, *, rule: str = "") -> date:
    try:
        return date(int(value[:4]), int(value[4:6]), int(value[6:]))
    except ValueError:
        raise SpecError(f"UNTIL={value} in the rule {quote(rule)} is not a date YYYYMMDD") from None


def _check_options(rec: Recurrence) -> None:
    for name in ("dtstart", "until"):
        value = getattr(rec, name)
        if value is not None and (isinstance(value, datetime) or not isinstance(value, date)):
            raise SpecError(f'{name} must be a date "YYYY-MM-DD", got {quote(value)}')
    if rec.count is not None and (isinstance(rec.count, bool) or not isinstance(rec.count, int)):
        raise SpecError(f"count must be a whole number, got {quote(rec.count)}")
    if not isinstance(rec.exdates, frozenset) or not all(
        isinstance(d, date) and not isinstance(d, datetime) for d in rec.exdates
    ):
        raise SpecError(f"exdates must be a frozenset of dates, got {quote(rec.exdates)}")
    if rec.hours is not None and parse_spans(format_spans(rec.hours), path="hours") != rec.hours:
        raise SpecError(f"hours {quote(rec.hours)} are not parsed hours")
    if rec.dtstart is not None and rec.until is not None and rec.until < rec.dtstart:
        raise SpecError(
            f"until {rec.until.isoformat()} is before dtstart {rec.dtstart.isoformat()}: "
            f"the rule {quote(rec.rule)} never occurs"
        )


def _canonical(parts: dict[str, str]) -> str:
    """The parts in one spelling: sorted, each list sorted, the defaults left out."""
    items = []
    for name, value in sorted(parts.items()):
        if name in ("COUNT", "UNTIL") or (name, value) in (("INTERVAL", "1"), ("WKST", "MO")):
            continue
        values = value.split(",")
        if name == "BYDAY":
            values = [
                d if m[1] is None else f"{int(m[1])}{m[2]}"
                for d in values
                if (m := _BYDAY.fullmatch(d))
            ]
        elif name not in ("FREQ", "WKST"):
            values = [str(int(v)) for v in values]
        items.append(f"{name}={','.join(sorted(set(values)))}")
    return ";".join(items)


def _aligned_start(rec: Recurrence, year: int) -> datetime | None:
    """Where the rule's own period holding 1 January of ``year`` starts (None: no period there)."""
    freq, interval, wkst = rec._step
    anchor = rec._anchor
    jan1 = date(year, 1, 1)
    if freq == "YEARLY":
        return _midnight(jan1) if (year - anchor.year) % interval == 0 else None
    if freq == "MONTHLY":
        first = anchor.year * 12 + anchor.month - 1
        month = first + (year * 12 - first) // interval * interval
        return datetime(month // 12, month % 12 + 1, 1)
    if freq == "WEEKLY":
        # As ordinals: the week holding 1 January of year 1 may start before it.
        week = anchor.toordinal() - (anchor.weekday() - wkst) % 7
        start = week + (jan1.toordinal() - week) // (7 * interval) * 7 * interval
        return _midnight(date.fromordinal(max(start, anchor.toordinal())))
    days = (jan1 - anchor).days // interval * interval
    return _midnight(anchor + timedelta(days=days))


@lru_cache(maxsize=8192)
def _dates_in(rec: Recurrence, year: int) -> frozenset[date]:
    anchor, last = rec._anchor, rec.last
    if not anchor.year <= year <= _LAST.year or (last is not None and year > last.year):
        return frozenset()
    jan1, dec31 = _midnight(date(year, 1, 1)), _midnight(date(year, 12, 31))
    start = _midnight(anchor) if anchor >= jan1.date() else _aligned_start(rec, year)
    if start is None:
        return frozenset()
    end = min(dec31, _midnight(last)) if last is not None else dec31
    found = rec._base.replace(dtstart=start, until=end, count=None)
    return frozenset(t.date() for t in found if t >= jan1) - rec.exdates


def _recurs(rec: Recurrence) -> bool:
    """Does the rule, unbounded, give a date at all?

    dateutil walks a rule's periods until one gives a date, up to year 9999, so
    asking a rule that never occurs for its first date walks to 9999 (seconds
    for a daily rule).  The Gregorian calendar repeats every 400 years (146097
    days, 20871 weeks, 4800 months), so a rule's dates repeat every 400 times its
    interval years: the rule is asked from its start moved on by whole 400-year
    cycles to where 9999 ends that window.  (Easter does not repeat so: BYEASTER
    rules, yearly only, are walked whole.)
    """
    _, interval, _ = rec._step
    anchor = rec._anchor
    cycles = max(0, (_LAST.year - anchor.year - 400 * interval) // 400)
    moved = anchor.replace(year=anchor.year + 400 * cycles)
    return next(iter(rec._base.replace(dtstart=_midnight(moved))), None) is not None


def _last_occurrence(rec: Recurrence) -> date:
    assert rec.last is not None
    for year in range(rec.last.year, rec.first.year - 1, -1):
        found = rec.dates_in(year)
        if found:
            return max(found)
    return rec.first  # pragma: no cover - first is an occurrence
