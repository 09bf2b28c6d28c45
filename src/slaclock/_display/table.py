"""What the command line prints: the per-cycle table of evaluations, and rows of values.

:func:`format_table` is ``slaclock evaluate --cycles``'s table; :func:`write_rows`
writes any rows as an aligned table, JSON Lines or CSV (``--format``).

Instants are shown in each tier calendar's zone (as :func:`evaluate` returns
them), to the minute unless seconds matter; durations as ISO 8601.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, TextIO

from slaclock._display.text import breach_label
from slaclock._durations import format_duration
from slaclock._sla.budget import BudgetUsage
from slaclock._sla.result import Breach, Evaluation
from slaclock.errors import SlaclockValueError

__all__ = ["FORMATS", "format_table", "write_rows"]

_HEAD = ("INCIDENT", "TIER", "CYCLE", "TARGET", "START", "DUE", "ANSWERED", "STATUS", "LATE")
_TARGET_SHORT = {
    "first_reaction": "first",
    "reaction": "reply",
    "resolution": "resolve",
    "update": "update",
}


def _when(value: datetime | None) -> str:
    if value is None:
        return "-"
    text = value.strftime("%Y-%m-%d %H:%M")
    if value.second or value.microsecond:
        text += value.strftime(":%S")
    return text


def _breach_of(result: Evaluation, cycle: int | None, *, update: bool = False) -> Breach | None:
    # Lateness comes from the breach records only, which know when wall-clock
    # lateness has no meaning (an open or superseded cycle).
    for breach in result.breaches:
        if breach.cycle == cycle and (breach.target == "update") == update:
            return breach
    return None


def _late(breach: Breach | None) -> str:
    if breach is None:
        return ""
    text = format_duration(breach.late)
    if breach.late_wall is not None:
        text += f" ({format_duration(breach.late_wall)} wall)"
    return text


def _rows(result: Evaluation) -> list[tuple[str, ...]]:
    if not result.covered:
        return [(result.incident, result.tier, "-", "-", "-", "-", "-", "not covered", "-")]
    rows: list[tuple[str, ...]] = []
    for cycle in result.cycles:
        rows.append(
            (
                result.incident,
                result.tier,
                str(cycle.index),
                f"{_TARGET_SHORT[cycle.target_name]} {format_duration(cycle.target)}",
                _when(cycle.start),
                _when(cycle.due),
                _when(cycle.answered),
                cycle.status,
                _late(_breach_of(result, cycle.index)),
            )
        )
    for cycle in result.updates:
        rows.append(
            (
                result.incident,
                result.tier,
                f"u{cycle.index}",
                f"update {format_duration(cycle.target)}",
                _when(cycle.start),
                _when(cycle.due),
                _when(cycle.answered),
                cycle.status,
                _late(_breach_of(result, cycle.index, update=True)),
            )
        )
    if result.resolution is not None:
        res = result.resolution
        breach = _breach_of(result, None)
        rows.append(
            (
                result.incident,
                result.tier,
                "res",
                f"resolve {format_duration(res.target)}",
                _when(res.start),
                _when(res.due),
                _when(res.resolved),
                res.status,
                "" if breach is None else format_duration(breach.late),
            )
        )
    if not rows:
        rows.append((result.incident, result.tier, "-", "-", "-", "-", "-", "no cycle yet", ""))
    return rows


def _zones(results: Sequence[Evaluation]) -> list[str]:
    zones: list[str] = []
    for result in results:
        for cycle in result.cycles:
            if cycle.calendar is not None and cycle.calendar.tz not in zones:
                zones.append(cycle.calendar.tz)
    return zones


def _superseded(result: Evaluation, index: int | None) -> bool:
    return any(c.index == index and c.ended_by == "superseded" for c in result.cycles)


def format_table(
    results: Iterable[Evaluation], *, budgets: Iterable[tuple[str, str, BudgetUsage]] = ()
) -> str:
    """A table of every cycle, due instant and breach, then breaches, scope and a summary.

    ``budgets`` adds one line per ``(tier id, "YYYY-MM", usage)``.

    >>> from slaclock import Incident, default_catalog, evaluate
    >>> inc = Incident.from_dict({"id": "INC-110", "type": "failure", "events": [
    ...     {"type": "opened", "at": "2026-11-26T16:00:00+03:00"},
    ...     {"type": "agent_reply", "at": "2026-11-26T19:30:00+03:00"}]})
    >>> print(format_table([evaluate(inc, default_catalog().tiers["SLA-2"])]))
    INCIDENT  TIER   CYCLE  TARGET      START             DUE               ANSWERED          STATUS  LATE
    INC-110   SLA-2  1      first PT2H  2026-11-26 16:00  2026-11-26 18:00  2026-11-26 19:30  late    PT0S (PT1H30M wall)
    <BLANKLINE>
    Times are local to the tier calendars (Europe/Moscow).
    Breaches:
      INC-110 cycle 1 (first_reaction PT2H on SLA-2): due 2026-11-26 18:00, late by PT0S of working time, PT1H30M on the clock
    1 incident (0 not covered), 1 cycle, 1 breach.
    """
    results = list(results)
    rows = [_HEAD] + [row for result in results for row in _rows(result)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(_HEAD))]
    lines = [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]
    lines.append("")
    zones = _zones(results)
    if zones:
        lines.append(f"Times are local to the tier calendars ({', '.join(zones)}).")
    breaches = [(r, b) for r in results for b in r.breaches]
    if breaches:
        lines.append("Breaches:")
        for result, breach in breaches:
            which = breach_label(breach)
            if breach.late_wall is not None:
                wall = f", {format_duration(breach.late_wall)} on the clock"
            elif breach.target != "update" and _superseded(result, breach.cycle):
                wall = " (superseded)"
            else:
                wall = " (still open)"
            lines.append(
                f"  {result.incident} {which} ({breach.target} {format_duration(breach.duration)} "
                f"on {breach.tier}): due {_when(breach.at)}, late by "
                f"{format_duration(breach.late)} of working time{wall}"
            )
    else:
        lines.append("No breaches.")
    for result in results:
        if not result.covered:
            lines.append(f"Not covered: {result.incident} on {result.tier}: {result.reason}.")
    for tier, month, usage in budgets:
        included = "unlimited" if usage.included is None else format_duration(usage.included)
        over = f", OVER by {format_duration(usage.overage)}" if usage.overage else ""
        lines.append(
            f"Budget {tier} {month}: used {format_duration(usage.used)} of {included}{over}."
        )
    not_covered = sum(1 for r in results if not r.covered)
    cycles = sum(len(r.cycles) for r in results)

    def plural(n: int, word: str) -> str:
        return f"{n} {word}{'' if n == 1 else ('es' if word.endswith('ch') else 's')}"

    lines.append(
        f"{plural(len(results), 'incident')} ({not_covered} not covered), "
        f"{plural(cycles, 'cycle')}, {plural(len(breaches), 'breach')}."
    )
    return "\n".join(lines)


# --------------------------------------------------------------------------- rows


FORMATS = ("table", "json", "csv")


def _plain(value: object) -> object:
    """A value as JSON holds it: instants and durations as ISO 8601 text, decimals as text."""
    convert = _PLAIN.get(type(value))
    if convert is not None:
        return convert(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, timedelta):
        return format_duration(value)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, tuple | list):
        return [_plain(item) for item in value]
    if isinstance(value, Mapping):
        # Keys stay as JSON writes them (None as "null"); others become their text.
        return {
            key if key is None or isinstance(key, str | int | float) else str(key): _plain(item)
            for key, item in value.items()
        }
    return value


def _same(value: object) -> object:
    return value


# By exact type first: a table of 100,000 rows formats a million values.
_PLAIN: dict[type, Callable[[Any], object]] = {
    str: _same,
    int: _same,
    bool: _same,
    float: _same,
    type(None): _same,
    datetime: datetime.isoformat,
    timedelta: format_duration,
}


def _cell(value: object) -> str:
    """A value as a CSV cell: ISO 8601, ``true``/``false``, empty for none, JSON for lists."""
    convert = _CELL.get(type(value))
    if convert is not None:
        return convert(value)
    if isinstance(value, tuple | list | Mapping):
        return json.dumps(_plain(value), ensure_ascii=False, separators=(",", ":"))
    return str(_plain(value))


_CELL: dict[type, Callable[[Any], str]] = {
    str: str,
    int: str,
    bool: lambda value: "true" if value else "false",
    type(None): lambda _: "",
    datetime: datetime.isoformat,
    timedelta: format_duration,
}


def _minute(value: datetime) -> str:
    """``2026-11-30 11:30`` (seconds when not zero): what :func:`_when` gives, sooner."""
    text = f"{value.year:04d}-{value.month:02d}-{value.day:02d} {value.hour:02d}:{value.minute:02d}"
    return f"{text}:{value.second:02d}" if value.second or value.microsecond else text


def _fraction(value: float) -> str:
    return f"{value:.1%}" if 0 <= value <= 1 else f"{value:.4g}"


def _shown(value: object) -> str:
    """A value as the table shows it: local minutes, ISO durations, ``-`` for none."""
    convert = _SHOWN.get(type(value))
    if convert is not None:
        return convert(value)
    if isinstance(value, tuple | list):
        return ",".join(map(_shown, value)) or "-"
    if isinstance(value, Mapping):
        return "; ".join(f"{key}: {_shown(item)}" for key, item in value.items()) or "-"
    if isinstance(value, datetime):
        return _minute(value)
    return str(_plain(value))


_SHOWN: dict[type, Callable[[Any], str]] = {
    str: str,
    int: str,
    bool: lambda value: "yes" if value else "no",
    float: _fraction,
    type(None): lambda _: "-",
    datetime: _minute,
    timedelta: format_duration,
}


def write_rows(
    stream: TextIO,
    columns: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    format: str = "table",
    headers: Sequence[str] | None = None,
) -> int:
    """Write rows of values as an aligned table, JSON Lines or CSV; returns how many.

    ``columns`` names the values of each row; the table heads them with
    ``headers`` (by default the names in capitals).  ``"json"`` writes one JSON object
    per row (JSON Lines), ``"csv"`` a header and one line per row; both stream,
    row by row, and give instants as ISO 8601 with their offset and durations as
    ISO 8601 durations (``PT1H30M``), a missing value as ``null`` or an empty
    cell.  ``"table"`` gathers the rows to align them, with instants to the
    minute (seconds when they matter) in their own zone, fractions as percents,
    ``-`` for a missing value.

    >>> import sys
    >>> from datetime import datetime, timedelta, timezone
    >>> due = datetime(2026, 11, 30, 11, 30, tzinfo=timezone(timedelta(hours=3)))
    >>> rows = [("INC-1", due, timedelta(minutes=90), True), ("INC-22", None, None, False)]
    >>> columns = ("incident", "due", "late", "breached")
    >>> write_rows(sys.stdout, columns, rows)
    INCIDENT  DUE               LATE     BREACHED
    INC-1     2026-11-30 11:30  PT1H30M  yes
    INC-22    -                 -        no
    2
    >>> _ = write_rows(sys.stdout, columns, rows, format="csv")
    incident,due,late,breached
    INC-1,2026-11-30T11:30:00+03:00,PT1H30M,true
    INC-22,,,false
    >>> _ = write_rows(sys.stdout, columns, rows[:1], format="json")
    {"incident": "INC-1", "due": "2026-11-30T11:30:00+03:00", "late": "PT1H30M", "breached": true}
    """
    if format not in FORMATS:
        raise SlaclockValueError(
            f"format={format!r}; expected one of {', '.join(map(repr, FORMATS))}"
        )
    if headers is not None and len(headers) != len(columns):
        raise SlaclockValueError(
            f"headers={list(headers)!r} has {len(headers)} labels for {len(columns)} columns"
        )
    write = stream.write
    count = 0
    if format == "json":
        names = list(columns)
        for row in rows:
            record = {name: _plain(value) for name, value in zip(names, row, strict=True)}
            write(json.dumps(record, ensure_ascii=False) + "\n")
            count += 1
        return count
    if format == "csv":
        # The csv module's default dialect ends rows with CRLF, as RFC 4180 has it;
        # a plain LF reads everywhere and matches what the other formats end with.
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([_cell(value) for value in row])
            count += 1
        return count
    shown = [tuple(name.upper() for name in columns) if headers is None else tuple(headers)]
    shown.extend(tuple(map(_shown, row)) for row in rows)
    widths = [max(len(row[i]) for row in shown) for i in range(len(columns))]
    for row in shown:
        write("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() + "\n")
    return len(shown) - 1
