"""A small, strict reader of iCalendar (RFC 5545) holiday feeds: all-day events only.

Helpdesks (Jira Service Management, Zammad) import public holidays from ``.ics``
feeds.  This reader takes what such a feed says about days off and refuses what
it cannot take honestly:

* content lines are unfolded (RFC 5545 3.1) and may end in CRLF or LF; property
  parameters (quoted or not) are read;
* every ``VEVENT`` must be an all-day event: ``DTSTART;VALUE=DATE``, with an
  exclusive ``DTEND;VALUE=DATE`` or a ``DURATION`` in days or weeks (neither: one
  day), an ``RRULE`` (single-day events), ``EXDATE`` and ``RDATE`` of dates;
* a timed event, a ``TZID``, a changed occurrence (``RECURRENCE-ID``), ``EXRULE``,
  a ``VTODO``/``VJOURNAL``/``VFREEBUSY`` or an unknown property is refused with
  its line number, never skipped;
* descriptive properties (``SUMMARY``, ``UID``, ``DTSTAMP``, ``TRANSP``, ``X-``
  extensions...) say nothing about days off and are passed over, as are
  ``VTIMEZONE`` and ``VALARM`` components; a ``STATUS:CANCELLED`` event is not a
  holiday.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from slaclock._calendar.recurrence import Recurrence
from slaclock.errors import SlaclockTypeError, SpecError, quote

__all__ = ["FeedHolidays", "read_ics"]

_NAME = re.compile(r"[A-Za-z0-9-]+")
_DATE = re.compile(r"[0-9]{8}")
_DAYS = re.compile(r"\+?P(?:([0-9]{1,5})W|([0-9]{1,5})D)")
# Properties of an event that say nothing about which days are off.
_DESCRIPTIVE = frozenset(
    {
        "ATTACH", "ATTENDEE", "CATEGORIES", "CLASS", "COLOR", "COMMENT", "CONFERENCE",
        "CONTACT", "CREATED", "DESCRIPTION", "DTSTAMP", "GEO", "IMAGE", "LAST-MODIFIED",
        "LOCATION", "ORGANIZER", "PRIORITY", "RELATED-TO", "REQUEST-STATUS", "RESOURCES",
        "SEQUENCE", "STATUS", "SUMMARY", "TRANSP", "UID", "URL",
    }
)  # fmt: skip
_IGNORED_COMPONENTS = frozenset({"VTIMEZONE", "STANDARD", "DAYLIGHT", "VALARM"})
_REFUSED_COMPONENTS = frozenset({"VTODO", "VJOURNAL", "VFREEBUSY", "VAVAILABILITY"})


@dataclass(frozen=True, slots=True)
class FeedHolidays:
    """The days off a feed gives: dates, and recurring rules."""

    dates: frozenset[date]
    rules: tuple[Recurrence, ...]


@dataclass(slots=True)
class _Line:
    number: int
    name: str
    params: dict[str, str]
    value: str


def _lines(text: str) -> list[tuple[int, str]]:
    """Logical lines with the number of the physical line each starts on (unfolded)."""
    out: list[tuple[int, str]] = []
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw[:-1] if raw.endswith("\r") else raw
        if "\r" in line:
            raise SpecError(
                "a bare carriage return inside a line; lines end in CRLF or LF", line=number
            )
        if line[:1] in (" ", "\t"):
            if not out:
                raise SpecError("the feed starts with a continuation line", line=number)
            out[-1] = (out[-1][0], out[-1][1] + line[1:])
        elif line:
            out.append((number, line))
    return out


def _parse(number: int, text: str) -> _Line:
    """``NAME;PARAM=value;PARAM="quoted":value``."""
    match = _NAME.match(text)
    if match is None:
        raise SpecError(
            f"cannot read the content line {quote(text)}; expected NAME:value", line=number
        )
    name, pos = match[0].upper(), match.end()
    params: dict[str, str] = {}
    while pos < len(text) and text[pos] == ";":
        key = _NAME.match(text, pos + 1)
        if key is None or text[key.end() : key.end() + 1] != "=":
            raise SpecError(f"cannot read a parameter of {name} in {quote(text)}", line=number)
        pos = key.end() + 1
        values = []
        while True:
            if text[pos : pos + 1] == '"':
                end = text.find('"', pos + 1)
                if end < 0:
                    raise SpecError(f"an unclosed quote in {quote(text)}", line=number)
                values.append(text[pos + 1 : end])
                pos = end + 1
            else:
                end = pos
                while end < len(text) and text[end] not in ';:,"':
                    end += 1
                values.append(text[pos:end])
                pos = end
            if text[pos : pos + 1] != ",":
                break
            pos += 1
        params[key[0].upper()] = ",".join(values)
    if text[pos : pos + 1] != ":":
        raise SpecError(
            f"cannot read the content line {quote(text)}; expected NAME:value", line=number
        )
    return _Line(number, name, params, text[pos + 1 :])


def _dates(line: _Line) -> list[date]:
    """The dates of a DTSTART, DTEND, EXDATE or RDATE line, refusing times and zones."""
    if "TZID" in line.params or any("T" in v for v in line.value.upper().split(",")):
        raise SpecError(
            f"{line.name} {quote(line.value)} is a time"
            + (f" in {line.params['TZID']}" if "TZID" in line.params else "")
            + "; slaclock reads all-day events only (DTSTART;VALUE=DATE:YYYYMMDD)",
            line=line.number,
        )
    if line.params.get("VALUE", "DATE").upper() != "DATE":
        raise SpecError(
            f"{line.name} has VALUE={line.params['VALUE']}; expected VALUE=DATE (an all-day event)",
            line=line.number,
        )
    out = []
    for item in line.value.split(","):
        try:
            if not _DATE.fullmatch(item):
                raise ValueError
            out.append(date(int(item[:4]), int(item[4:6]), int(item[6:])))
        except ValueError:
            raise SpecError(
                f"{line.name} {quote(item)} is not a date YYYYMMDD", line=line.number
            ) from None
    return out


def _one_date(line: _Line) -> date:
    found = _dates(line)
    if len(found) != 1:
        raise SpecError(
            f"{line.name} must hold one date, got {quote(line.value)}", line=line.number
        )
    return found[0]


class _Event:
    def __init__(self, number: int) -> None:
        self.number = number
        self.props: dict[str, _Line] = {}
        self.exdates: list[date] = []
        self.rdates: list[date] = []
        self.cancelled = False

    def add(self, line: _Line) -> None:
        name = line.name
        if name in ("DTSTART", "DTEND", "DURATION", "RRULE"):
            if name in self.props:
                raise SpecError(f"the event gives {name} twice", line=line.number)
            self.props[name] = line
        elif name == "EXDATE":
            self.exdates += _dates(line)
        elif name == "RDATE":
            self.rdates += _dates(line)
        elif name in ("RECURRENCE-ID", "EXRULE"):
            what = (
                "a changed occurrence of a recurring event"
                if name == "RECURRENCE-ID"
                else "an exclusion rule"
            )
            raise SpecError(
                f"{name} ({what}) is not supported; export the feed with each holiday as its own event",
                line=line.number,
            )
        elif name == "STATUS":
            self.cancelled = line.value.upper() == "CANCELLED"
        elif name not in _DESCRIPTIVE and not name.startswith("X-"):
            raise SpecError(
                f"unknown event property {quote(name)}; slaclock reads DTSTART, DTEND, DURATION, "
                "RRULE, EXDATE and RDATE of all-day events",
                line=line.number,
            )

    def holidays(self, out_dates: set[date], out_rules: list[Recurrence]) -> None:
        start_line = self.props.get("DTSTART")
        if start_line is None:
            raise SpecError("the event has no DTSTART", line=self.number)
        start = _one_date(start_line)
        days = 1
        if "DTEND" in self.props and "DURATION" in self.props:
            raise SpecError(
                "the event has both DTEND and DURATION; give one",
                line=self.props["DURATION"].number,
            )
        if "DTEND" in self.props:
            end = _one_date(self.props["DTEND"])
            days = (end - start).days
            if days < 1:
                raise SpecError(
                    f"DTEND {end.isoformat()} is not after DTSTART {start.isoformat()} "
                    "(DTEND is exclusive: a one-day event ends the next day)",
                    line=self.props["DTEND"].number,
                )
        if "DURATION" in self.props:
            line = self.props["DURATION"]
            match = _DAYS.fullmatch(line.value.upper())
            if match is None:
                raise SpecError(
                    f"DURATION {quote(line.value)} is not whole days or weeks (P1D, P2W) "
                    "as an all-day event needs",
                    line=line.number,
                )
            days = int(match[1]) * 7 if match[1] else int(match[2])
            if days < 1:
                raise SpecError(f"DURATION {quote(line.value)} is empty", line=line.number)
        if self.cancelled:
            return
        rule_line = self.props.get("RRULE")
        if rule_line is None:
            if self.exdates:
                raise SpecError("EXDATE without an RRULE excludes nothing", line=self.number)
            out_dates.update(start + timedelta(days=k) for k in range(days))
        else:
            if days != 1:
                raise SpecError(
                    f"a recurring event of {days} days is not supported; give each day its own event",
                    line=rule_line.number,
                )
            try:
                out_rules.append(
                    Recurrence(rule_line.value, dtstart=start, exdates=frozenset(self.exdates))
                )
            except SpecError as error:
                raise SpecError(error.reason, line=rule_line.number) from None
        for extra in self.rdates:
            out_dates.update(extra + timedelta(days=k) for k in range(days))


def read_ics(text: object, *, source: str | None = None) -> FeedHolidays:
    """The holidays an iCalendar feed's all-day events give (errors name the line).

    >>> feed = read_ics(
    ...     "BEGIN:VCALENDAR\\r\\nVERSION:2.0\\r\\nBEGIN:VEVENT\\r\\nSUMMARY:New Year's Eve\\r\\n"
    ...     "DTSTART;VALUE=DATE:20261231\\r\\nDTEND;VALUE=DATE:20270101\\r\\n"
    ...     "RRULE:FREQ=YEARLY\\r\\nEND:VEVENT\\r\\nEND:VCALENDAR\\r\\n"
    ... )
    >>> [rule.rule for rule in feed.rules], sorted(feed.rules[0].dates_in(2030))
    (['FREQ=YEARLY'], [datetime.date(2030, 12, 31)])
    """
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise SpecError(f"the feed is not UTF-8 text (byte {exc.start})") from None
    if not isinstance(text, str):
        raise SlaclockTypeError(f"an iCalendar feed is text, got {type(text).__name__}")
    try:
        return _read(text.removeprefix("\ufeff"))
    except SpecError as error:
        if source is None:
            raise
        raise SpecError(f"in {source}: {error.reason}", line=error.line) from None


def _read(text: str) -> FeedHolidays:
    stack: list[tuple[str, int]] = []
    event: _Event | None = None
    dates: set[date] = set()
    rules: list[Recurrence] = []
    events = 0
    for number, raw in _lines(text):
        line = _parse(number, raw)
        if line.name in ("BEGIN", "END"):
            kind = line.value.strip().upper()
            if line.name == "BEGIN":
                if not stack and kind != "VCALENDAR":
                    raise SpecError(f"expected BEGIN:VCALENDAR, got BEGIN:{kind}", line=number)
                if kind in _REFUSED_COMPONENTS:
                    raise SpecError(
                        f"a {kind} is not a holiday; slaclock reads all-day VEVENTs", line=number
                    )
                if kind not in ("VCALENDAR", "VEVENT", *_IGNORED_COMPONENTS):
                    raise SpecError(
                        f"unknown component {quote(kind)}; slaclock reads all-day VEVENTs",
                        line=number,
                    )
                if kind == "VEVENT":
                    if event is not None:
                        raise SpecError("a VEVENT inside a VEVENT", line=number)
                    event = _Event(number)
                stack.append((kind, number))
                continue
            if not stack or stack[-1][0] != kind:
                open_ = f"BEGIN:{stack[-1][0]} (line {stack[-1][1]})" if stack else "nothing"
                raise SpecError(f"END:{kind} closes {open_}", line=number)
            stack.pop()
            if kind == "VEVENT" and event is not None:
                event.holidays(dates, rules)
                events += 1
                event = None
            continue
        if not stack:
            raise SpecError(f"{line.name} outside BEGIN:VCALENDAR ... END:VCALENDAR", line=number)
        where = stack[-1][0]
        if where in _IGNORED_COMPONENTS:
            continue
        if where == "VCALENDAR":
            if line.name == "VERSION" and line.value.strip() != "2.0":
                raise SpecError(f"VERSION {quote(line.value)}; expected iCalendar 2.0", line=number)
            if line.name == "CALSCALE" and line.value.strip().upper() != "GREGORIAN":
                raise SpecError(f"CALSCALE {quote(line.value)}; expected GREGORIAN", line=number)
            continue
        assert event is not None
        event.add(line)
    if stack:
        kind, number = stack[-1]
        raise SpecError(f"BEGIN:{kind} is never closed (END:{kind})", line=number)
    if not events:
        raise SpecError("the feed has no VEVENT: no holidays to read")
    kept: dict[Recurrence, Recurrence] = {}
    for rule in rules:
        kept.setdefault(rule, rule)
    return FeedHolidays(frozenset(dates), tuple(kept))
