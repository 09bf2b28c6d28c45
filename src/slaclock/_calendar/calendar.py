"""The public ``Calendar``: an immutable working calendar and its business-time arithmetic."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import pairwise
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Protocol
from zoneinfo import ZoneInfo

# The batch module imports numpy only when a batch call runs: slaclock does not need it.
from slaclock._calendar import batch
from slaclock._calendar import spec as _spec
from slaclock._calendar.country import check_country, country_range
from slaclock._calendar.hours import (
    DAY_US,
    WEEKDAYS,
    Spans,
    Week,
    format_spans,
    format_time,
    format_week,
    parse_week,
)
from slaclock._calendar.instants import EPOCH, MAX_US, MIN_US, from_us, td_to_us, to_us
from slaclock._calendar.recurrence import Recurrence
from slaclock._calendar.rules import DayRules, RecurringDates
from slaclock._calendar.timeline import FIRST_YEAR, LAST_YEAR, Timeline
from slaclock._code import Printer, call_code, pretty_call, repr_html
from slaclock._durations import format_duration
from slaclock.errors import SlaclockTypeError, SlaclockValueError, SpecError, quote

if TYPE_CHECKING:
    pass

__all__ = ["Calendar", "deadline", "elapsed"]

_FULL_DAY: Spans = ((0, DAY_US),)
_ONE_US = timedelta(microseconds=1)
_MIN_S, _MAX_S = -(-MIN_US // 1_000_000), MAX_US // 1_000_000
_ZONE_RECORDS = (1800, 2100)


class _PathLike(Protocol):
    # os.PathLike's shape, spelled here so that the calendar layer needs no os.
    def __fspath__(self) -> str: ...


@dataclass(frozen=True, slots=True)
class Calendar:
    """A working calendar: a zone, weekly hours, holidays, overrides and country data.

    Build one with :meth:`from_dict` (or :meth:`from_toml`, :meth:`from_json`,
    :meth:`always_open`); the constructor takes the already-parsed parts.

    >>> cal = Calendar.from_dict({
    ...     "tz": "Europe/Moscow",
    ...     "week": {day: [["10:00", "18:00"]] for day in ("mon", "tue", "wed", "thu", "fri")},
    ...     "country": {"code": "RU"},
    ... })
    >>> from datetime import datetime, timedelta
    >>> start = datetime.fromisoformat("2026-11-27T17:30:00+03:00")   # a Friday
    >>> cal.deadline(start, timedelta(hours=2)).isoformat()
    '2026-11-30T11:30:00+03:00'
    >>> cal.elapsed(start, datetime.fromisoformat("2026-11-30T10:20:00+03:00"))
    datetime.timedelta(seconds=3000)
    """

    _repr_html_ = repr_html

    tz: str
    week: Week
    weeks: tuple[tuple[date, Week], ...] = ()
    holidays: frozenset[date] = frozenset()
    overrides: tuple[tuple[date, Spans], ...] = ()
    country: str | None = None
    subdiv: str | None = None
    pre_holiday: timedelta | None = None
    holiday_rules: tuple[Recurrence, ...] = ()
    override_rules: tuple[Recurrence, ...] = ()
    _zone: ZoneInfo = field(init=False, repr=False, compare=False, hash=False)
    _timeline: Timeline = field(init=False, repr=False, compare=False, hash=False)
    _rules: DayRules = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        zone = _spec.parse_zone(self.tz, path="tz")
        self._check_parts()
        if self.subdiv is not None and self.country is None:
            raise SpecError(f"a subdivision ({self.subdiv!r}) needs a country", path="country")
        if self.country is not None:
            check_country(self.country, self.subdiv, path="country")
        self._compile(zone)

    @classmethod
    def _from_parsed(
        cls,
        zone: ZoneInfo,
        *,
        tz: str,
        week: Week,
        weeks: tuple[tuple[date, Week], ...],
        holidays: frozenset[date],
        overrides: tuple[tuple[date, Spans], ...],
        country: str | None,
        subdiv: str | None,
        pre_holiday: timedelta | None,
        holiday_rules: tuple[Recurrence, ...] = (),
        override_rules: tuple[Recurrence, ...] = (),
    ) -> Calendar:
        """A calendar from parts the spec parser has just produced, without checking them again.

        The parser's output is valid by construction; checking it a second time
        (a format and re-parse of every part) doubled the cost of every load.
        """
        self = object.__new__(cls)
        for name, value in (
            ("tz", tz),
            ("week", week),
            ("weeks", weeks),
            ("holidays", holidays),
            ("overrides", overrides),
            ("country", country),
            ("subdiv", subdiv),
            ("pre_holiday", pre_holiday),
            ("holiday_rules", holiday_rules),
            ("override_rules", override_rules),
        ):
            object.__setattr__(self, name, value)
        self._compile(zone)
        return self

    def _compile(self, zone: ZoneInfo) -> None:
        rules = DayRules(
            week=self.week,
            weeks=self.weeks,
            holidays=self.holidays,
            overrides=MappingProxyType(dict(self.overrides)),
            country=(self.country, self.subdiv) if self.country else None,
            pre_holiday_us=td_to_us(self.pre_holiday) if self.pre_holiday else 0,
            country_years=country_range(self.country, self.subdiv) if self.country else (1, 9999),
            recurring=RecurringDates(self.holiday_rules, self.override_rules)
            if self.holiday_rules or self.override_rules
            else None,
        )
        object.__setattr__(self, "_zone", zone)
        object.__setattr__(self, "_rules", rules)
        object.__setattr__(self, "_timeline", self._make_timeline(rules, zone))

    def _check_parts(self) -> None:
        """Refuse parts that :meth:`from_dict` would not have produced (direct construction)."""

        def same(parsed: object, given: object, path: str) -> None:
            if parsed != given:
                raise SpecError(
                    f"{given!r} is not a parsed value; build calendars with Calendar.from_dict",
                    path=path,
                )

        if not isinstance(self.holidays, frozenset):
            raise SpecError(
                f"holidays must be a frozenset of dates, got {self.holidays!r}", path="holidays"
            )
        try:
            same(parse_week(format_week(self.week), path="week"), self.week, "week")
            same(_spec.parse_weeks(self._weeks_spec(), path="weeks"), self.weeks, "weeks")
            same(
                _spec.parse_holidays(sorted(self.holidays), path="holidays")[0],
                self.holidays,
                "holidays",
            )
            overrides = {day: format_spans(spans) for day, spans in self.overrides}
            same(_spec.parse_overrides(overrides, path="overrides")[0], self.overrides, "overrides")
            for name, hours in (("holiday_rules", False), ("override_rules", True)):
                rules = getattr(self, name)
                if not isinstance(rules, tuple) or not all(
                    isinstance(rule, Recurrence) and (rule.hours is not None) == hours
                    for rule in rules
                ):
                    raise SpecError(
                        f"{name} must be a tuple of Recurrence values"
                        + (" with hours" if hours else " without hours")
                        + f", got {quote(rules)}",
                        path=name,
                    )
                same(_spec.sorted_rules(list(rules)), rules, name)
        except (TypeError, ValueError, IndexError, AttributeError) as error:
            if isinstance(error, SpecError):
                raise
            raise SpecError(
                f"malformed calendar parts ({error}); build calendars with Calendar.from_dict"
            ) from error
        if self.pre_holiday is not None:
            same(
                _spec.parse_pre_holiday(self.pre_holiday, path="pre_holiday"),
                self.pre_holiday,
                "pre_holiday",
            )

    def _weeks_spec(self) -> list[dict[str, Any]]:
        return [{"from": start, "week": format_week(week)} for start, week in self.weeks]

    def _make_timeline(self, rules: DayRules, zone: ZoneInfo) -> Timeline:
        weeks = [(None, self.week), *self.weeks]
        final = weeks[-1][1]
        worked_overrides = [day for day, spans in self.overrides if spans]
        worked_rules = [rule for rule in self.override_rules if rule.hours]
        recurring = (*self.holiday_rules, *self.override_rules)
        # Forward: unbounded when the week in force at the end has hours.
        last_year: int | None = None
        if not any(final) and all(rule.last is not None for rule in worked_rules):
            candidates = [day.year + 1 for day in worked_overrides]
            candidates += [rule.last.year + 1 for rule in worked_rules if rule.last is not None]
            for (_, week), (nxt, _) in pairwise(weeks):
                if any(week) and nxt is not None:
                    candidates.append(nxt.year + 1)
            last_year = max(candidates, default=FIRST_YEAR - 1)
        # Backward: unbounded when the base week has hours.
        first_year: int | None = None
        if not any(self.week):
            candidates = [day.year for day in worked_overrides]
            candidates += [rule.first.year for rule in worked_rules]
            candidates += [start.year for start, week in self.weeks if any(week)]
            first_year = min(candidates, default=LAST_YEAR + 1)
        never_closes_after: int | None = None
        if (
            self.country is None
            and all(spans == _FULL_DAY for spans in final)
            and all(rule.last is not None for rule in recurring)
        ):
            dated = [*self.holidays, *(day for day, _ in self.overrides)]
            dated += [start for start, _ in self.weeks]
            dated += [rule.last for rule in recurring if rule.last is not None]
            never_closes_after = max((day.year + 1 for day in dated), default=FIRST_YEAR)
        # Years whose hours may depend on the date beyond its weekday: dated entries,
        # country data, and the zones' recorded transitions (the tz database records
        # them between 1800 and 2100 for every zone; outside, each zone keeps one offset
        # or repeats a rule by weekday, which tests/test_hostile_time.py checks).
        years = [day.year for day in self.holidays]
        years += [day.year for day, _ in self.overrides]
        years += [start.year for start, _ in self.weeks]
        low, high = min([_ZONE_RECORDS[0], *years]), max([_ZONE_RECORDS[1], *years])
        if recurring:  # every year a rule may fall in is irregular
            low = min(low, *(rule.first.year for rule in recurring))
            high = max(high, *(LAST_YEAR + 1 if r.last is None else r.last.year for r in recurring))
        if self.country is not None:
            first, last = country_range(self.country, self.subdiv)
            low, high = min(low, first), max(high, last)
        return Timeline(
            rules,
            zone,
            last_year=last_year,
            first_year=first_year,
            never_closes_after=never_closes_after,
            irregular=(low, high),
            # A holiday on 1 January may shorten 31 December: the year before counts too.
            dated_years=_DatedYears(
                frozenset(y for year in years for y in (year - 1, year)), rules.recurring
            ),
            within_days=all(
                e <= DAY_US
                for week in (self.week, *(w for _, w in self.weeks))
                for spans in week
                for _, e in spans
            )
            and all(e <= DAY_US for _, spans in self.overrides for _, e in spans)
            and all(e <= DAY_US for rule in self.override_rules for _, e in rule.hours or ()),
        )

    def __reduce__(self) -> tuple[Any, ...]:
        # The spec parts only: no compiled timeline travels (a worker compiles the
        # years it is asked about), and _restore hands back an equal calendar it
        # already has, with its compiled years.
        return (
            _restore,
            (
                self.tz,
                self.week,
                self.weeks,
                self.holidays,
                self.overrides,
                self.country,
                self.subdiv,
                self.pre_holiday,
                self.holiday_rules,
                self.override_rules,
            ),
        )

    # -- construction ---------------------------------------------------------------------

    @classmethod
    def from_dict(cls, spec: Mapping[str, Any], *, path: str = "") -> Calendar:
        """A calendar from its spec mapping, see docs/semantics.md (errors name the key path)."""
        if not isinstance(spec, Mapping):
            raise SpecError(
                f"expected a calendar mapping with keys {', '.join(_spec.KEYS)}, got {spec!r}",
                path=path,
            )
        _spec.check_keys(spec, path=path)

        def at(key: str) -> str:
            return f"{path}.{key}" if path else key

        tz = spec["tz"]
        zone = _spec.parse_zone(tz, path=at("tz"))
        country = subdiv = None
        if spec.get("country") is not None:
            country, subdiv = _spec.parse_country(spec["country"], path=at("country"))
        holidays, holiday_rules = _spec.parse_holidays(
            spec.get("holidays", ()), path=at("holidays")
        )
        overrides, override_rules = _spec.parse_overrides(
            spec.get("overrides", {}), path=at("overrides")
        )
        return cls._from_parsed(
            zone,
            tz=tz,
            week=parse_week(spec["week"], path=at("week")),
            weeks=_spec.parse_weeks(spec.get("weeks", ()), path=at("weeks")),
            holidays=holidays,
            overrides=overrides,
            country=country,
            subdiv=subdiv,
            pre_holiday=_spec.parse_pre_holiday(spec.get("pre_holiday"), path=at("pre_holiday")),
            holiday_rules=holiday_rules,
            override_rules=override_rules,
        )

    @classmethod
    def from_toml(cls, text: str) -> Calendar:
        """A calendar from TOML text with the keys of :meth:`from_dict` at the top level.

        Syntax errors carry the ``line``; bad values the key ``path``.
        """
        from slaclock._files import load_text

        return load_text(text, format="toml", build=cls.from_dict, what="calendar")

    @classmethod
    def from_json(cls, text: str) -> Calendar:
        """A calendar from a JSON object with the keys of :meth:`from_dict`."""
        from slaclock._files import load_text

        return load_text(text, format="json", build=cls.from_dict, what="calendar")

    @classmethod
    def load(cls, path: str | _PathLike) -> Calendar:
        """A calendar from a ``.toml`` or ``.json`` file.

        Errors are ``SpecError``: syntax errors carry the ``line`` and name the file,
        bad values carry the key ``path`` and a note naming the file.
        """
        # Reading files is the loader's business, outside the calendar layer.
        from slaclock._files import load_file

        return load_file(path, build=cls.from_dict, what="calendar", missing_is_spec_error=True)

    @classmethod
    def from_ics(cls, source: object, *, base: Calendar | Mapping[str, Any]) -> Calendar:
        """``base`` with the holidays of an iCalendar feed's all-day events added.

        ``source`` is the feed's text (a ``str`` starting ``BEGIN:VCALENDAR``) or a
        file (any other ``str``, or a path); ``base`` a calendar or its spec
        mapping, which gives the zone and the hours.  Single and multi-day events
        become dated holidays, events with an ``RRULE`` (and ``EXDATE``) recurring
        ones; timed events and what cannot be read are refused naming the line.
        See docs/howto-holiday-feeds.md.

        >>> feed = "\\r\\n".join([
        ...     "BEGIN:VCALENDAR", "VERSION:2.0", "BEGIN:VEVENT", "SUMMARY:Boxing Day",
        ...     "DTSTART;VALUE=DATE:20261226", "RRULE:FREQ=YEARLY", "END:VEVENT", "END:VCALENDAR"])
        >>> cal = Calendar.from_ics(feed, base=Calendar.always_open("Europe/London"))
        >>> cal.to_dict()["holidays"]
        [{'rrule': 'FREQ=YEARLY', 'dtstart': '2026-12-26'}]
        """
        from slaclock._files import read_ics_source

        if not isinstance(base, Calendar):
            base = cls.from_dict(base, path="base")
        feed = read_ics_source(source)
        return base.replace(
            holidays=base.holidays | feed.dates,
            holiday_rules=_spec.sorted_rules([*base.holiday_rules, *feed.rules]),
        )

    @classmethod
    def always_open(cls, tz: str = "UTC") -> Calendar:
        """A 24/7 calendar: every instant is working time.

        >>> Calendar.always_open().elapsed(
        ...     datetime.fromisoformat("2026-01-01T00:00Z"), datetime.fromisoformat("2026-01-02T06:00Z"))
        datetime.timedelta(days=1, seconds=21600)
        """
        return cls(tz=tz, week=(_FULL_DAY,) * 7)

    def to_dict(self) -> dict[str, Any]:
        """The spec mapping; ``Calendar.from_dict(cal.to_dict()) == cal``."""
        out: dict[str, Any] = {"tz": self.tz, "week": format_week(self.week)}
        if self.weeks:
            out["weeks"] = [
                {**entry, "from": entry["from"].isoformat()} for entry in self._weeks_spec()
            ]
        if self.holidays or self.holiday_rules:
            out["holidays"] = [day.isoformat() for day in sorted(self.holidays)]
            out["holidays"] += [rule.to_dict() for rule in self.holiday_rules]
        if self.override_rules:  # the list form: dated entries, then the rules
            out["overrides"] = [
                {"date": day.isoformat(), "hours": format_spans(spans)}
                for day, spans in self.overrides
            ]
            out["overrides"] += [rule.to_dict() for rule in self.override_rules]
        elif self.overrides:
            out["overrides"] = {
                day.isoformat(): format_spans(spans) for day, spans in self.overrides
            }
        if self.country is not None:
            out["country"] = {"code": self.country}
            if self.subdiv is not None:
                out["country"]["subdiv"] = self.subdiv
        if self.pre_holiday is not None:
            out["pre_holiday"] = format_duration(self.pre_holiday)
        return out

    def replace(self, **changes: Any) -> Calendar:
        """A variant with some fields changed, checked like a new calendar.

        Values are typed, as the attributes are: ``cal.replace(week=other.week)``,
        ``holidays=frozenset({date(2026, 12, 31)})``, ``pre_holiday=timedelta(hours=1)``.
        For compatibility the spec forms of :meth:`from_dict` are still read (a
        ``{"mon": [...]}`` week, a list of date strings, duration text, a country
        table; ``None`` empties an optional part, and ``country=None`` also drops the
        subdivision).  To vary a calendar by its spec, say so:
        ``Calendar.from_dict({**cal.to_dict(), "week": {...}})``.

        >>> cal = Calendar.always_open("Europe/Moscow").replace(holidays=frozenset({date(2026, 12, 31)}))
        >>> cal.is_open(datetime.fromisoformat("2026-12-31T12:00+03:00"))
        False
        >>> cal.replace(week=cal.week) == cal
        True
        """
        unknown = sorted(set(changes) - set(_FIELDS))
        if unknown:
            raise SlaclockTypeError(
                f"Calendar.replace() got unknown field(s) {', '.join(map(repr, unknown))}; "
                f"fields: {', '.join(_FIELDS)}"
            )
        typed: dict[str, Any] = {}
        for key, value in changes.items():
            parsed = _from_spec_form(key, value)
            if key == "country" and isinstance(parsed, tuple):
                typed["country"], typed["subdiv"] = parsed
            elif key in ("holidays", "overrides") and isinstance(parsed, _SpecParts):
                # The spec form holds the dated entries and the rules both.
                typed[key], typed[key[:-1] + "_rules"] = parsed.dated, parsed.rules
            else:
                typed[key] = parsed
        if "country" in changes and changes["country"] is None and "subdiv" not in changes:
            typed["subdiv"] = None
        return dataclasses.replace(self, **typed)

    def __repr__(self) -> str:
        """The code that builds this calendar again: ``Calendar.from_dict({...})``, every part shown."""
        return call_code("Calendar.from_dict", self.to_dict())

    def _repr_pretty_(self, printer: Printer, cycle: bool) -> None:
        # Hypothesis' falsifying examples and IPython: the same code, wrapped.
        pretty_call(printer, cycle, "Calendar.from_dict", self.to_dict())

    def __str__(self) -> str:
        """A one-line summary: zone, weekly hours, and how many holidays and overrides."""
        parts = [f"tz={self.tz!r}", f"week={_summarize_week(self.week)!r}"]
        if self.weeks:
            parts.append(
                "weeks=["
                + ", ".join(f"from {d.isoformat()}: {_summarize_week(w)}" for d, w in self.weeks)
                + "]"
            )
        if self.country:
            parts.append(f"country={self.country + ('-' + self.subdiv if self.subdiv else '')!r}")
        if self.holidays:
            parts.append(f"holidays={len(self.holidays)}")
        if self.holiday_rules:
            parts.append(f"holiday_rules={len(self.holiday_rules)}")
        if self.overrides:
            parts.append(f"overrides={len(self.overrides)}")
        if self.override_rules:
            parts.append(f"override_rules={len(self.override_rules)}")
        if self.pre_holiday:
            parts.append(f"pre_holiday={format_duration(self.pre_holiday)!r}")
        return f"Calendar({', '.join(parts)})"

    # -- accessors ------------------------------------------------------------------------

    @property
    def zone(self) -> ZoneInfo:
        """The calendar's time zone; every result is in it."""
        return self._zone

    @property
    def timeline(self) -> Timeline:
        """The compiled timeline (integer microseconds), for hot paths and batch work."""
        return self._timeline

    # -- queries --------------------------------------------------------------------------

    def deadline(self, start: datetime, duration: timedelta) -> datetime:
        """The earliest instant by which ``duration`` of working time has passed since ``start``.

        A negative ``duration`` counts backwards and gives the latest such instant.
        """
        if type(start) is datetime and type(duration) is timedelta:
            # The common case without integers: see Timeline.deadline_at.
            try:
                found = self._timeline.deadline_at(start, duration)
            except TypeError:  # naive: refused by name below
                found = None
            if found is not None:
                return found
        try:
            a = start - EPOCH
            d = (duration.days * 86_400 + duration.seconds) * 1_000_000 + duration.microseconds
        except (TypeError, AttributeError):
            to_us(start)
            td_to_us(duration)
            raise
        if type(duration) is not timedelta:
            td_to_us(duration)  # refuses a non-timedelta or a sub-microsecond part, naming it
        if type(a) is not timedelta:
            to_us(start)  # a pandas Timestamp: refuses nanoseconds and NaT, naming them
        us = self._timeline.deadline_us(
            (a.days * 86_400 + a.seconds) * 1_000_000 + a.microseconds, d
        )
        seconds, micros = divmod(us, 1_000_000)
        if not micros and _MIN_S <= seconds <= _MAX_S:
            return datetime.fromtimestamp(seconds, self._zone)  # exact: an int, no float rounding
        return from_us(us, self._zone)

    def elapsed(self, start: datetime, end: datetime) -> timedelta:
        """Working time between two instants (negative when ``end`` is before ``start``)."""
        if type(start) is datetime and type(end) is datetime:
            try:
                found = self._timeline.elapsed_at(start, end)
            except TypeError:  # naive: refused by name below
                found = None
            if found is not None:
                return found
        # Inlined to_us: this is the hottest call of a helpdesk (a third of its cost was calls).
        try:
            a = start - EPOCH
            b = end - EPOCH
        except TypeError:
            to_us(start)
            to_us(end, name="end")
            raise
        if type(a) is not timedelta or type(b) is not timedelta:
            to_us(start)  # pandas Timestamps: refuses nanoseconds and NaT, naming them
            to_us(end, name="end")
        return _ONE_US * self._timeline.elapsed_us(
            (a.days * 86_400 + a.seconds) * 1_000_000 + a.microseconds,
            (b.days * 86_400 + b.seconds) * 1_000_000 + b.microseconds,
        )

    def deadline_many(self, starts: Any, durations: Any) -> Any:
        """:meth:`deadline` for many starts at once (analysts' batches; numpy optional).

        Takes numpy ``datetime64[us]`` UTC instants with ``timedelta64[us]``
        durations and returns a ``datetime64[us]`` array, or sequences of aware
        datetimes and timedeltas and returns a list of aware datetimes in the
        calendar's zone.  One ``timedelta`` applies to every start.  The answers
        equal :meth:`deadline`'s element by element.

        >>> cal = Calendar.from_dict({"tz": "Europe/Moscow", "week": {"fri": [["10:00", "18:00"]]}})
        >>> starts = [datetime.fromisoformat("2026-11-27T17:30:00+03:00")]
        >>> [t.isoformat() for t in cal.deadline_many(starts, timedelta(hours=1))]
        ['2026-12-04T10:30:00+03:00']
        """
        return batch.deadline_many(self._timeline, self._zone, starts, durations)

    def elapsed_many(self, starts: Any, ends: Any) -> Any:
        """:meth:`elapsed` for many (start, end) pairs at once; arrays in, arrays out.

        numpy ``datetime64[us]`` arrays give a ``timedelta64[us]`` array; sequences
        of aware datetimes give a list of timedeltas.
        """
        return batch.elapsed_many(self._timeline, starts, ends)

    def is_open(self, at: datetime) -> bool:
        """Is ``at`` working time?  Intervals are half-open: at the closing instant it is closed."""
        return self._timeline.is_open_us(to_us(at, name="at"))

    def next_open(self, at: datetime) -> datetime:
        """``at`` itself when open, else the next opening."""
        return from_us(self._timeline.next_open_us(to_us(at, name="at")), self._zone)

    def next_close(self, at: datetime) -> datetime:
        """The end of the working interval open at ``at``, or of the next one when closed."""
        return from_us(self._timeline.next_close_us(to_us(at, name="at")), self._zone)

    def periods(self, start: datetime, end: datetime) -> tuple[tuple[datetime, datetime], ...]:
        """The working intervals within ``[start, end)``, clipped to it, in the calendar's zone."""
        zone = self._zone
        pieces = self._timeline.periods_us(to_us(start, name="start"), to_us(end, name="end"))
        return tuple((from_us(a, zone), from_us(b, zone)) for a, b in pieces)

    def hours_on(self, day: date) -> tuple[tuple[datetime, datetime], ...]:
        """The working intervals of a local date, after every rule (overnight ones end next day)."""
        if isinstance(day, datetime) or not isinstance(day, date):
            raise SlaclockTypeError(f"day must be a datetime.date, got {day!r}")
        timeline, zone = self._timeline, self._zone
        out = []
        for s, e in self._rules.spans(day):
            su, eu = timeline._local_us(day, s), timeline._local_us(day, e)
            if eu > su:
                out.append((from_us(su, zone), from_us(eu, zone)))
        return tuple(out)

    def day_end(self, at: datetime) -> datetime:
        """The end of the current working day, or of the next one when ``at`` is past its end."""
        return from_us(self._timeline.day_end_us(to_us(at, name="at")), self._zone)

    def add_working_days(self, start: datetime, days: int) -> datetime:
        """The end of the ``days``-th working day after the current one (0: :meth:`day_end`).

        For promises such as "by the end of the next working day" (``days=1``).
        """
        if isinstance(days, bool) or not isinstance(days, int):
            raise SlaclockTypeError(f"days must be an int, got {days!r}")
        if days < 0:
            raise SlaclockValueError(f"days must be 0 or more, got {days}")
        return from_us(self._timeline.day_end_us(to_us(start, name="start"), days), self._zone)


_FIELDS = (
    "tz",
    "week",
    "weeks",
    "holidays",
    "overrides",
    "country",
    "subdiv",
    "pre_holiday",
    "holiday_rules",
    "override_rules",
)


class _DatedYears:
    """The years with a dated rule (or just before one): listed ones, and where a rule falls.

    A container, so that recurring rules are expanded only for the years asked about.
    """

    __slots__ = ("_listed", "_recurring")

    def __init__(self, listed: frozenset[int], recurring: RecurringDates | None) -> None:
        self._listed = listed
        self._recurring = recurring

    def __contains__(self, year: object) -> bool:
        if year in self._listed:
            return True
        recurring = self._recurring
        if recurring is None or not isinstance(year, int):
            return False
        return any(recurring.has_dates(y) for y in (year, year + 1) if 1 <= y <= 9999)


@dataclass(frozen=True, slots=True)
class _SpecParts:
    dated: Any
    rules: tuple[Recurrence, ...]


def _from_spec_form(key: str, value: Any) -> Any:
    """``value`` itself when typed, else the typed value its spec form (as in from_dict) means."""
    if key == "week":
        return parse_week(value, path="week") if isinstance(value, Mapping) else value
    if key == "weeks":
        if value is None:
            return ()
        return value if isinstance(value, tuple) else _spec.parse_weeks(value, path="weeks")
    if key == "holidays":
        if value is None:
            return _SpecParts(frozenset(), ())
        if isinstance(value, frozenset):
            return value
        return _SpecParts(*_spec.parse_holidays(value, path="holidays"))
    if key == "overrides":
        if value is None:
            return _SpecParts((), ())
        if isinstance(value, Mapping) or (
            isinstance(value, list) and all(isinstance(entry, Mapping) for entry in value)
        ):
            return _SpecParts(*_spec.parse_overrides(value, path="overrides"))
        return value
    if key in ("holiday_rules", "override_rules") and value is None:
        return ()
    if key == "country" and isinstance(value, Mapping):
        return _spec.parse_country(value, path="country")
    if key == "pre_holiday" and isinstance(value, str):
        return _spec.parse_pre_holiday(value, path="pre_holiday")
    return value


def deadline(calendar: Calendar, start: datetime, duration: timedelta) -> datetime:
    """``calendar.deadline(start, duration)``."""
    return calendar.deadline(start, duration)


def elapsed(calendar: Calendar, start: datetime, end: datetime) -> timedelta:
    """``calendar.elapsed(start, end)``."""
    return calendar.elapsed(start, end)


def _summarize_week(week: Week) -> str:
    """``"mon-fri 10:00-18:00"``: runs of weekdays with equal hours, closed days left out."""
    groups: list[tuple[int, int, Spans]] = []
    for index, spans in enumerate(week):
        if groups and groups[-1][2] == spans and groups[-1][1] == index - 1:
            groups[-1] = (groups[-1][0], index, spans)
        else:
            groups.append((index, index, spans))
    words = []
    for first, last, spans in groups:
        if not spans:
            continue
        days = WEEKDAYS[first] if first == last else f"{WEEKDAYS[first]}-{WEEKDAYS[last]}"
        hours = ",".join(
            f"{format_time(s)}-{format_time(e if e <= DAY_US else e - DAY_US)}" for s, e in spans
        )
        words.append(f"{days} {hours}")
    return "; ".join(words) or "closed"


# Calendars unpickled in this process, by their parts: every task of a Dask graph
# unpickles its own copy of a tier, and each copy then shares one compiled timeline.
_RESTORED: dict[tuple[Any, ...], Calendar] = {}
_RESTORED_LIMIT = 64


def _restore(*parts: Any) -> Calendar:
    """The calendar of pickled parts: one already restored with equal parts, or a new one."""
    try:
        return _RESTORED[parts]
    except (KeyError, TypeError):  # TypeError: unhashable parts, refused by Calendar below
        pass
    calendar = Calendar(*parts)
    if len(_RESTORED) >= _RESTORED_LIMIT:
        _RESTORED.clear()
    _RESTORED[parts] = calendar
    return calendar
