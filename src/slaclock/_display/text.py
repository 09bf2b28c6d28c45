"""Plain words for the clocks of an evaluation: what ``explain()`` returns.

Lengths of time are real elapsed time, measured between instants (epoch
microseconds), never the difference of two wall-clock readings: across a DST
change the two differ by the hour the clocks moved.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from slaclock._calendar.instants import td_from_us, to_us
from slaclock._calendar.spec import parse_zone
from slaclock._durations import format_duration
from slaclock.errors import SlaclockTypeError, SpecError, quote

if TYPE_CHECKING:
    from slaclock._sla.result import Breach, Cycle, Evaluation, Interval, ResolutionClock

__all__ = [
    "breach_label",
    "explain_cycle",
    "explain_evaluation",
    "explain_resolution",
    "format_instant",
    "reading_zone",
]

Show = Callable[[datetime], str]

_TARGET_WORDS = {
    "first_reaction": "first reaction",
    "reaction": "reaction",
    "resolution": "resolution",
    "update": "periodic update",
}
_STARTED_WORDS = {
    "opened": "the customer opened the incident",
    "customer_message": "a customer message",
    "reopened": "the incident was reopened",
}
# An update cycle starts whoever opened the incident, and again at every agent reply.
_UPDATE_STARTED_WORDS = {
    "opened": "the incident was opened",
    "agent_reply": "the last agent reply",
    "reopened": "the incident was reopened",
}
_ENDED_WORDS = {
    "agent_reply": "answered by an agent",
    "resolved": "ended by the resolution (no reply before it)",
    "closed": "ended by closing the incident (no reply before it)",
    "superseded": "superseded by a newer customer message (restart rule)",
}


def format_instant(value: datetime) -> str:
    """``Mon 2026-11-30 11:30 MSK``: a local instant as people read it (seconds when not zero).

    >>> from datetime import datetime
    >>> from zoneinfo import ZoneInfo
    >>> format_instant(datetime(2026, 11, 30, 11, 30, tzinfo=ZoneInfo("Europe/Moscow")))
    'Mon 2026-11-30 11:30 MSK'
    """
    text = f"{value:%a %Y-%m-%d} {_clock_time(value)}"
    zone = value.tzname() or value.strftime("%z")
    # Zones without an abbreviation report "+03": show the full offset then.
    if zone[:1] in "+-":
        zone = "UTC" + value.strftime("%z")[:3] + ":" + value.strftime("%z")[3:]
    return f"{text} {zone}"


def reading_zone(zone: object) -> ZoneInfo | None:
    """The zone ``explain(zone=...)`` speaks in: ``None`` (the calendar's), an IANA name or a ZoneInfo."""
    if zone is None or isinstance(zone, ZoneInfo):
        return zone
    if isinstance(zone, str):
        try:
            return parse_zone(zone, path="zone")
        except SpecError as error:
            raise SpecError(error.reason, path="zone") from None
    raise SlaclockTypeError(
        f"zone must be an IANA time zone name such as 'Asia/Vladivostok' or a ZoneInfo, "
        f"got {quote(zone)}"
    )


def _shower(zone: ZoneInfo | None) -> Show:
    if zone is None:
        return format_instant
    return lambda value: format_instant(value.astimezone(zone))


def breach_label(breach: Breach) -> str:
    """Which clock a breach is of: ``"cycle 2"``, ``"update cycle 1"`` or ``"resolution"``."""
    if breach.cycle is None:
        return "resolution"
    return f"{'update cycle' if breach.target == 'update' else 'cycle'} {breach.cycle}"


def _clock_time(value: datetime) -> str:
    text = value.strftime("%H:%M")
    if value.second or value.microsecond:
        text += value.strftime(":%S") + (f".{value.microsecond:06d}" if value.microsecond else "")
    return text


def _between(start: datetime, end: datetime) -> timedelta:
    return td_from_us(to_us(end) - to_us(start))


def _span(start: datetime, end: datetime, zone: ZoneInfo | None) -> str:
    if zone is not None:
        start, end = start.astimezone(zone), end.astimezone(zone)
    if start.date() == end.date():
        return f"{start:%a %Y-%m-%d} {_clock_time(start)}-{_clock_time(end)}"
    return f"{format_instant(start)} to {format_instant(end)}"


def _period_lines(
    periods: tuple[Interval, ...], pauses: tuple[Interval, ...], zone: ZoneInfo | None
) -> list[str]:
    show = _shower(zone)
    lines = ["  Working time counted:" if periods else "  Working time counted: none."]
    for start, end in periods:
        lines.append(f"    {_span(start, end, zone)}  {format_duration(_between(start, end))}")
    for start, end in pauses:
        lines.append(f"  Paused {show(start)} to {show(end)}.")
    return lines


def _verdict(cycle: Cycle, format_instant: Show) -> str:
    if cycle.end is not None and cycle.ended_by is not None:
        how = _ENDED_WORDS[cycle.ended_by]
        when = f"{how} at {format_instant(cycle.end)} after {format_duration(cycle.taken)}"
        if not cycle.breached:
            return f"{when[0].upper()}{when[1:]}: on time."
        # A superseded cycle was never answered: its breach has no clock-time lateness.
        clock = (
            ""
            if cycle.ended_by == "superseded"
            else f" ({format_duration(_between(cycle.due, cycle.end))} on the clock)"
        )
        return (
            f"{when[0].upper()}{when[1:]}: BREACHED, {format_duration(cycle.overdue)} of working "
            f"time{clock} after the due instant."
        )
    if cycle.status == "open":
        return f"Still open after the last event ({format_duration(cycle.taken)} counted so far)."
    used = f"{format_duration(cycle.taken)} of {format_duration(cycle.target)} used"
    if cycle.breached:
        return f"Open and BREACHED: {used}, {format_duration(cycle.overdue)} past due."
    if cycle.status == "paused":
        return f"Open, paused while pending: {used}."
    if cycle.at_risk:
        return f"Open and AT RISK: {used}."
    return f"Open, on track: {used}."


def _escalation_lines(escalations: tuple[tuple[str, datetime], ...], show: Show) -> list[str]:
    if not escalations:
        return []
    levels = ", ".join(f"{level} {show(moment)}" for level, moment in escalations)
    return [f"  Escalation levels: {levels}."]


def _in_zone(zone: ZoneInfo | None) -> str:
    return "" if zone is None else f" Times in {zone.key}."


def explain_cycle(cycle: Cycle, *, zone: ZoneInfo | None = None) -> str:
    """How the cycle's due instant was reached and what became of the cycle."""
    format_instant = _shower(zone)
    what = _TARGET_WORDS[cycle.target_name]
    calendar = cycle.calendar.tz if cycle.calendar is not None else "its calendar"
    update = cycle.target_name == "update"
    started = (_UPDATE_STARTED_WORDS if update else _STARTED_WORDS)[cycle.started_by]
    lines = [
        f"{'Update cycle' if update else 'Cycle'} {cycle.index} ({what}) on tier {cycle.tier}: "
        f"target {format_duration(cycle.target)} of working time on the {calendar} calendar."
        + _in_zone(zone),
        f"  Started {format_instant(cycle.start)}: {started}.",
    ]
    lines.extend(_period_lines(cycle.periods, cycle.pauses, zone))
    lines.append(f"  Due {format_instant(cycle.due)}.")
    lines.extend(_escalation_lines(cycle.escalations, format_instant))
    lines.append("  " + _verdict(cycle, format_instant))
    return "\n".join(lines)


def explain_resolution(clock: ResolutionClock, *, zone: ZoneInfo | None = None) -> str:
    """How the resolution due instant was reached and whether it was kept."""
    format_instant = _shower(zone)
    calendar = clock.calendar.tz if clock.calendar is not None else "its calendar"
    lines = [
        f"Resolution on tier {clock.tier}: target {format_duration(clock.target)} of working "
        f"time on the {calendar} calendar, paused while pending or resolved." + _in_zone(zone),
        f"  Started {format_instant(clock.start)} (opened).",
    ]
    lines.extend(_period_lines(clock.periods, clock.pauses, zone))
    lines.append(f"  Due {format_instant(clock.due)}.")
    lines.extend(_escalation_lines(clock.escalations, format_instant))
    used = f"{format_duration(clock.used)} of {format_duration(clock.target)} used"
    if clock.resolved is not None:
        word = "Resolved" if clock.ended_by == "resolved" else "Closed unresolved"
        verdict = "BREACHED" if clock.breached else "on time"
        lines.append(f"  {word} at {format_instant(clock.resolved)} ({used}): {verdict}.")
    elif clock.status == "open":
        lines.append(f"  Not resolved after the last event ({used}).")
    elif clock.breached:
        lines.append(f"  Not resolved and BREACHED ({used}).")
    else:
        lines.append(f"  Not resolved yet ({used}{', AT RISK' if clock.at_risk else ''}).")
    return "\n".join(lines)


def explain_evaluation(result: Evaluation, *, zone: ZoneInfo | None = None) -> str:
    """A plain-words account of every clock, fit to show a support agent or a customer."""
    format_instant = _shower(zone)
    when = "after its last event" if result.at is None else f"as of {format_instant(result.at)}"
    head = f"Incident {result.incident} on tier {result.tier}, {when}:" + _in_zone(zone)
    if not result.covered:
        return f"{head} NOT COVERED: {result.reason}. No clocks run."
    parts = [head]
    if not result.cycles:
        parts.append("No reaction cycle has started (no customer message yet).")
    parts.extend(explain_cycle(cycle, zone=zone) for cycle in result.cycles)
    parts.extend(explain_cycle(cycle, zone=zone) for cycle in result.updates)
    if result.resolution is not None:
        parts.append(explain_resolution(result.resolution, zone=zone))
    if result.breaches:
        parts.append(f"Breaches: {len(result.breaches)}.")
        for breach in result.breaches:
            which = breach_label(breach)
            parts.append(
                f"  {which}: due {format_instant(breach.at)}, "
                f"{_TARGET_WORDS[breach.target]} target {format_duration(breach.duration)}, "
                f"late by {format_duration(breach.late)} of working time"
                + (
                    f" ({format_duration(breach.late_wall)} on the clock)."
                    if breach.late_wall is not None
                    else "."
                )
            )
    else:
        parts.append("No breaches.")
    if result.next_due is not None:
        left = "" if result.remaining is None else f", {format_duration(result.remaining)} left"
        parts.append(f"Next due {format_instant(result.next_due)}{left}.")
    return "\n".join(parts)
