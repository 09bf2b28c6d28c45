"""A plain-text table of evaluations: what ``slaclock evaluate`` prints.

Instants are shown in each tier calendar's zone (as :func:`evaluate` returns
them), to the minute unless seconds matter; durations as ISO 8601.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from slaclock._display.text import breach_label
from slaclock._durations import format_duration
from slaclock._sla.budget import BudgetUsage
from slaclock._sla.result import Breach, Evaluation

__all__ = ["format_table"]

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
