"""Hours of a day: time-of-day parsing, interval lists and weeks, validated once.

A day's hours are a sorted tuple of spans ``(start, end)`` in microseconds from
that date's local midnight.  ``end`` is always after ``start``: an interval
whose end is not after its start on the clock runs past midnight, so its
``end`` is stored as the clock end plus 24 hours.  ``"24:00"`` ends at the next
midnight.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import time
from itertools import pairwise

from slaclock.errors import SpecError

__all__ = [
    "DAY_US",
    "WEEKDAYS",
    "Span",
    "Week",
    "format_spans",
    "format_time",
    "format_week",
    "parse_spans",
    "parse_time",
    "parse_week",
]

DAY_US = 86_400_000_000
HOUR_US = 3_600_000_000
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

Span = tuple[int, int]
Spans = tuple[Span, ...]
Week = tuple[Spans, Spans, Spans, Spans, Spans, Spans, Spans]

# ASCII digits only: \d and int() also read other scripts' digits (full-width "10:00").
_TIME = re.compile(r"([0-9]{1,2}):([0-9]{2})(?::([0-9]{2})(?:\.([0-9]{1,6}))?)?")
_PAIR_FORM = 'a pair of times ["HH:MM", "HH:MM"], e.g. ["10:00", "18:00"]'


def parse_time(value: object, *, path: str, end: bool = False) -> int:
    """Microseconds after midnight of ``"HH:MM"`` (or ``"HH:MM:SS"``); ``"24:00"`` only as an end."""
    if isinstance(value, time):
        if value.tzinfo is not None:
            raise SpecError(
                f"time {value!r} must not carry a time zone; the calendar has one", path=path
            )
        return (
            (value.hour * 60 + value.minute) * 60 + value.second
        ) * 1_000_000 + value.microsecond
    if not isinstance(value, str):
        raise SpecError(f'expected a time of day "HH:MM", got {value!r}', path=path)
    match = _TIME.fullmatch(value.strip())
    if not match:
        raise SpecError(f'cannot read time {value!r}; expected "HH:MM" (00:00 to 24:00)', path=path)
    hour, minute = int(match[1]), int(match[2])
    second = int(match[3] or 0)
    micro = int(((match[4] or "") + "000000")[:6])
    if minute > 59 or second > 59:
        raise SpecError(
            f'time {value!r} is not a time of day; expected "HH:MM" (00:00 to 24:00)', path=path
        )
    if hour == 24 and (minute, second, micro) == (0, 0, 0):
        if not end:
            raise SpecError(f'time {value!r} can only end an interval; start at "00:00"', path=path)
        return DAY_US
    if hour > 23:
        raise SpecError(
            f'time {value!r} is not a time of day; expected "HH:MM" (00:00 to 24:00)', path=path
        )
    return ((hour * 60 + minute) * 60 + second) * 1_000_000 + micro


def format_time(us: int) -> str:
    """``"HH:MM"`` (with seconds and microseconds only when present) for an offset in a day."""
    seconds, micro = divmod(us, 1_000_000)
    minutes, second = divmod(seconds, 60)
    hour, minute = divmod(minutes, 60)
    text = f"{hour:02d}:{minute:02d}"
    if second or micro:
        text += f":{second:02d}"
    if micro:
        text += f".{micro:06d}"
    return text


def parse_spans(value: object, *, path: str) -> Spans:
    """A day's intervals from a list of ``[start, end]`` pairs, sorted and checked for overlaps."""
    if isinstance(value, str | bytes) or not isinstance(value, Sequence):
        raise SpecError(
            f"expected a list of intervals, each {_PAIR_FORM}; got {value!r}", path=path
        )
    spans: list[Span] = []
    for index, pair in enumerate(value):
        where = f"{path}[{index}]"
        if isinstance(pair, str | bytes) or not isinstance(pair, Sequence) or len(pair) != 2:
            raise SpecError(f"expected {_PAIR_FORM}; got {pair!r}", path=where)
        start = parse_time(pair[0], path=where)
        clock_end = parse_time(pair[1], path=where, end=True)
        if clock_end == start:
            raise SpecError(
                f'interval {list(pair)!r} is empty; give a later end, or ["00:00", "24:00"] '
                "for the whole day",
                path=where,
            )
        spans.append((start, clock_end if clock_end > start else clock_end + DAY_US))
    spans.sort()
    for (s0, e0), (s1, e1) in pairwise(spans):
        if s1 < e0:
            raise SpecError(
                f"intervals {format_spans(((s0, e0),))[0]!r} and {format_spans(((s1, e1),))[0]!r} "
                "overlap; working intervals of a day must not overlap",
                path=path,
            )
    return tuple(spans)


def format_spans(spans: Spans) -> list[list[str]]:
    """The spec form of a day's intervals."""
    return [[format_time(s), format_time(e if e <= DAY_US else e - DAY_US)] for s, e in spans]


def parse_week(value: object, *, path: str) -> Week:
    """Seven days of intervals from a ``{"mon": [...], ...}`` mapping; missing days are closed."""
    if not isinstance(value, Mapping):
        raise SpecError(
            f"expected a mapping of weekdays ({', '.join(WEEKDAYS)}) to intervals; got {value!r}",
            path=path,
        )
    for key in value:
        if key not in WEEKDAYS:
            raise SpecError(
                f"unknown weekday {key!r}; expected one of {', '.join(WEEKDAYS)}", path=path
            )
    days = [
        parse_spans(value.get(key, ()), path=f"{path}.{key}" if path else key) for key in WEEKDAYS
    ]
    # An overnight interval must not run into the next weekday's first interval.
    for index, spans in enumerate(days):
        if not spans:
            continue
        spill = spans[-1][1] - DAY_US
        following = days[(index + 1) % 7]
        if spill > 0 and following and following[0][0] < spill:
            raise SpecError(
                f"the overnight interval {format_spans(spans[-1:])[0]!r} on {WEEKDAYS[index]} "
                f"overlaps {format_spans(following[:1])[0]!r} on {WEEKDAYS[(index + 1) % 7]}",
                path=path,
            )
    return (days[0], days[1], days[2], days[3], days[4], days[5], days[6])


def format_week(week: Week) -> dict[str, list[list[str]]]:
    """The spec form of a week: every weekday key, closed days as ``[]``."""
    return {key: format_spans(spans) for key, spans in zip(WEEKDAYS, week, strict=True)}
