"""Reading calendar spec mappings into validated parts (TOML and JSON text: ``slaclock._files``)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from itertools import pairwise
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from slaclock._calendar.country import check_country
from slaclock._calendar.hours import Spans, Week, parse_spans, parse_week
from slaclock._calendar.recurrence import Recurrence
from slaclock._durations import parse_duration
from slaclock._timestamps import zone_refusal
from slaclock.errors import SpecError, quote

__all__ = ["KEYS", "parse_date", "parse_zone"]

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
KEYS = ("tz", "week", "weeks", "holidays", "overrides", "country", "pre_holiday")


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def parse_zone(value: object, *, path: str) -> ZoneInfo:
    if not isinstance(value, str) or not value:
        raise SpecError(
            f"expected an IANA time zone name such as 'Europe/Moscow', got {value!r}", path=path
        )
    refused = zone_refusal(value)
    if refused is not None:
        raise SpecError(refused, path=path)
    try:
        return ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError, OSError) as error:
        raise SpecError(
            f"unknown time zone {value!r}; expected an IANA name such as 'Europe/Moscow' or 'UTC'",
            path=path,
        ) from error


def parse_date(value: object, *, path: str) -> date:
    """A ``date`` from a date object or ``"YYYY-MM-DD"`` text (a datetime is not a date)."""
    if isinstance(value, datetime):
        raise SpecError(f'expected a date "YYYY-MM-DD", got the datetime {value!r}', path=path)
    if isinstance(value, date):
        return value
    # YYYY-MM-DD only: date.fromisoformat also reads week dates ("2026-W48-5") and
    # other scripts' digits, forms one spec should not have besides the plain one.
    if isinstance(value, str) and _DATE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise SpecError(f'expected a date "YYYY-MM-DD", got {value!r}', path=path)


def parse_weeks(value: object, *, path: str) -> tuple[tuple[date, Week], ...]:
    if isinstance(value, str | bytes) or not isinstance(value, Sequence):
        raise SpecError(
            f'expected a list of {{"from": "YYYY-MM-DD", "week": {{...}}}} entries, got {value!r}',
            path=path,
        )
    entries: list[tuple[date, Week]] = []
    for index, entry in enumerate(value):
        where = f"{path}[{index}]"
        if not isinstance(entry, Mapping) or set(entry) != {"from", "week"}:
            raise SpecError(
                f'expected {{"from": "YYYY-MM-DD", "week": {{...}}}}, got {entry!r}', path=where
            )
        start = parse_date(entry["from"], path=f"{where}.from")
        entries.append((start, parse_week(entry["week"], path=f"{where}.week")))
    entries.sort(key=lambda item: item[0])
    for (first, _), (second, _) in pairwise(entries):
        if first == second:
            raise SpecError(f"two weekly schedules start on {first.isoformat()}", path=path)
    return tuple(entries)


_RULE_KEYS = ("rrule", "dtstart", "until", "count", "exdates")
_RULE_FORM = '{"rrule": "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=31"}'


def parse_recurrence(value: Mapping[Any, Any], *, path: str, hours: bool = False) -> Recurrence:
    """A recurring entry ``{"rrule": ..., "dtstart"?, "until"?, "count"?, "exdates"?}``.

    Override entries also take the ``"hours"`` that apply (required there).
    """
    keys = (*_RULE_KEYS, "hours") if hours else _RULE_KEYS
    for key in value:
        if key not in keys:
            raise SpecError(
                f"unknown key {quote(key)} in a recurring entry; accepted keys: {', '.join(keys)}",
                path=_join(path, str(key)),
            )
    if hours and "hours" not in value:
        raise SpecError(
            'a recurring override needs its "hours", e.g. [["10:00", "14:00"]] (or [] to close)',
            path=path,
        )
    dtstart = value.get("dtstart")
    until = value.get("until")
    count = value.get("count")
    exdates = value.get("exdates", ())
    if count is not None and (isinstance(count, bool) or not isinstance(count, int)):
        raise SpecError(
            f"expected a whole number of occurrences, got {quote(count)}", path=_join(path, "count")
        )
    if isinstance(exdates, str | bytes) or not isinstance(exdates, Sequence | set | frozenset):
        raise SpecError(
            f'expected a list of dates ["YYYY-MM-DD", ...], got {quote(exdates)}',
            path=_join(path, "exdates"),
        )
    where = _join(path, "exdates")
    try:
        return Recurrence(
            value["rrule"],
            dtstart=None if dtstart is None else parse_date(dtstart, path=_join(path, "dtstart")),
            until=None if until is None else parse_date(until, path=_join(path, "until")),
            count=count,
            exdates=frozenset(parse_date(d, path=f"{where}[{i}]") for i, d in enumerate(exdates)),
            hours=parse_spans(value["hours"], path=_join(path, "hours")) if hours else None,
        )
    except SpecError as error:
        if error.path:
            raise
        raise error.at(_join(path, "rrule")) from None


def sorted_rules(found: list[Recurrence]) -> tuple[Recurrence, ...]:
    """Rules in one order (equal calendars compare equal), a rule given twice kept once."""
    kept: dict[Recurrence, Recurrence] = {}
    for rule in found:
        kept.setdefault(rule, rule)
    return tuple(sorted(kept, key=lambda rule: repr(rule.key)))


def parse_holidays(value: object, *, path: str) -> tuple[frozenset[date], tuple[Recurrence, ...]]:
    """Dated holidays and recurring ones: ``["2026-12-30", {"rrule": ...}]``."""
    if isinstance(value, str | bytes) or not isinstance(value, Sequence | set | frozenset):
        raise SpecError(
            f'expected a list of dates ["YYYY-MM-DD", ...] or recurring entries {_RULE_FORM}, '
            f"got {value!r}",
            path=path,
        )
    days: set[date] = set()
    rules: list[Recurrence] = []
    for i, item in enumerate(value):
        if isinstance(item, Mapping):
            if "rrule" not in item:
                raise SpecError(
                    f'a holiday is a date "YYYY-MM-DD" or a recurring entry {_RULE_FORM}, '
                    f"got {quote(item)}",
                    path=f"{path}[{i}]",
                )
            rules.append(parse_recurrence(item, path=f"{path}[{i}]"))
        else:
            days.add(parse_date(item, path=f"{path}[{i}]"))
    return frozenset(days), sorted_rules(rules)


_OVERRIDE_FORM = (
    'a mapping of dates to intervals {"YYYY-MM-DD": [["10:00", "14:00"]]}, or a list of '
    '{"date": "YYYY-MM-DD", "hours": [...]} and {"rrule": "...", "hours": [...]} entries'
)


def parse_overrides(
    value: object, *, path: str
) -> tuple[tuple[tuple[date, Spans], ...], tuple[Recurrence, ...]]:
    """Dated overrides (a mapping, or ``{"date", "hours"}`` entries) and recurring ones."""
    if isinstance(value, Mapping):
        items: list[tuple[object, object, str, str]] = []
        for key, spans in value.items():
            where = _join(path, key.isoformat() if isinstance(key, date) else str(key))
            items.append((key, spans, where, where))
        rules: list[Recurrence] = []
    elif isinstance(value, Sequence) and not isinstance(value, str | bytes):
        items, rules = [], []
        for i, entry in enumerate(value):
            where = f"{path}[{i}]"
            if isinstance(entry, Mapping) and "rrule" in entry:
                rules.append(parse_recurrence(entry, path=where, hours=True))
            elif isinstance(entry, Mapping) and set(entry) == {"date", "hours"}:
                items.append((entry["date"], entry["hours"], f"{where}.date", f"{where}.hours"))
            else:
                raise SpecError(
                    'expected {"date": "YYYY-MM-DD", "hours": [["10:00", "14:00"]]} or '
                    f'{{"rrule": "...", "hours": [...]}}, got {quote(entry)}',
                    path=where,
                )
    else:
        raise SpecError(f"expected {_OVERRIDE_FORM}, got {value!r}", path=path)
    out: dict[date, Spans] = {}
    for key, spans, at_date, at_hours in items:
        day = parse_date(key, path=at_date)
        if day in out:
            raise SpecError(f"date {day.isoformat()} is overridden twice", path=at_date)
        out[day] = parse_spans(spans, path=at_hours)
    return tuple(sorted(out.items())), sorted_rules(rules)


def parse_country(value: object, *, path: str) -> tuple[str, str | None]:
    if isinstance(value, str):
        return check_country(value, None, path=path)
    if not isinstance(value, Mapping) or "code" not in value:
        raise SpecError(
            f'expected {{"code": "RU"}} (optionally with "subdiv"), got {value!r}', path=path
        )
    unknown = set(value) - {"code", "subdiv"}
    if unknown:
        raise SpecError(
            f"unknown key {sorted(unknown)[0]!r}; accepted keys: code, subdiv", path=path
        )
    return check_country(value["code"], value.get("subdiv"), path=path)


def parse_pre_holiday(value: object, *, path: str) -> timedelta | None:
    if value is None:
        return None
    amount = parse_duration(value, path=path)
    if not timedelta(0) < amount < timedelta(hours=24):
        raise SpecError(
            f"pre-holiday shortening {value!r} must be more than 0 and less than 24 hours, "
            "e.g. 'PT1H' (Russian Labour Code art. 95)",
            path=path,
        )
    return amount


def check_keys(spec: Mapping[str, Any], *, path: str) -> None:
    for key in spec:
        if key not in KEYS:
            raise SpecError(
                f"unknown calendar key {key!r}; accepted keys: {', '.join(KEYS)}",
                path=_join(path, str(key)),
            )
    if "tz" not in spec:
        raise SpecError('a calendar needs a time zone: add "tz", e.g. "Europe/Moscow"', path=path)
    if "week" not in spec:
        raise SpecError(
            'a calendar needs weekly hours: add "week", e.g. {"mon": [["10:00", "18:00"]]}',
            path=path,
        )
