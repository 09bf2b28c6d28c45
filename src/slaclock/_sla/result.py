"""What an evaluation returns: reaction cycles, the resolution clock, breach records.

These are plain immutable values built by :mod:`slaclock._sla.evaluate`.  Each
clock keeps its calendar (outside equality and repr) so that it can explain
itself, listing the working periods that make up its target, on demand only:
evaluating a million incidents never builds those lists.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from slaclock._calendar.instants import to_us
from slaclock._durations import format_duration

if TYPE_CHECKING:
    from slaclock._calendar.calendar import Calendar

__all__ = ["Breach", "Cycle", "Evaluation", "ResolutionClock", "Schedule"]

Interval = tuple[datetime, datetime]

_TARGET_WORDS = {
    "first_reaction": "first reaction",
    "reaction": "reaction",
    "resolution": "resolution",
}
_STARTED_WORDS = {
    "opened": "the customer opened the incident",
    "customer_message": "a customer message",
    "reopened": "the incident was reopened",
}
_ENDED_WORDS = {
    "agent_reply": "answered by an agent",
    "resolved": "ended by the resolution (no reply before it)",
    "closed": "ended by closing the incident (no reply before it)",
    "superseded": "superseded by a newer customer message (restart rule)",
}


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _dur(value: timedelta | None) -> str | None:
    return None if value is None else format_duration(value)


def format_instant(value: datetime) -> str:
    """``Mon 2026-11-30 11:30 MSK``: a local instant as people read it (seconds when not zero)."""
    text = f"{value:%a %Y-%m-%d} {_clock_time(value)}"
    zone = value.tzname() or value.strftime("%z")
    # Zones without an abbreviation report "+03": show the full offset then.
    if zone[:1] in "+-":
        zone = "UTC" + value.strftime("%z")[:3] + ":" + value.strftime("%z")[3:]
    return f"{text} {zone}"


def _clock_time(value: datetime) -> str:
    text = value.strftime("%H:%M")
    if value.second or value.microsecond:
        text += value.strftime(":%S") + (f".{value.microsecond:06d}" if value.microsecond else "")
    return text


def _span(start: datetime, end: datetime) -> str:
    if start.date() == end.date():
        return f"{start:%a %Y-%m-%d} {_clock_time(start)}-{_clock_time(end)}"
    return f"{format_instant(start)} to {format_instant(end)}"


def _working_periods(
    calendar: Calendar, start: datetime, end: datetime, pauses: tuple[Interval, ...]
) -> tuple[Interval, ...]:
    """Working periods of ``[start, end)`` outside the pauses, in the calendar's zone."""
    from slaclock._calendar.instants import from_us

    a, b = to_us(start), to_us(end)
    cut = sorted((to_us(s), to_us(e)) for s, e in pauses)
    out: list[Interval] = []
    for lo, hi in calendar.timeline.periods_us(a, b):
        pieces = [(lo, hi)]
        for ps, pe in cut:
            next_pieces = []
            for x, y in pieces:
                if pe <= x or ps >= y:
                    next_pieces.append((x, y))
                    continue
                if x < ps:
                    next_pieces.append((x, ps))
                if pe < y:
                    next_pieces.append((pe, y))
            pieces = next_pieces
        out.extend((from_us(x, calendar.zone), from_us(y, calendar.zone)) for x, y in pieces)
    return tuple(out)


class _Clock:
    """What a reaction cycle and the resolution clock share: the periods their target consumed."""

    __slots__ = ()
    start: datetime
    due: datetime
    pauses: tuple[Interval, ...]
    calendar: Calendar | None

    @property
    def periods(self) -> tuple[Interval, ...]:
        """The working periods that make up the target: from ``start`` to ``due``, less pauses."""
        if self.calendar is None:
            return ()
        return _working_periods(self.calendar, self.start, self.due, self.pauses)


@dataclass(frozen=True, slots=True)
class Cycle(_Clock):
    """One reaction cycle: the customer waits from ``start`` until an answer.

    ``answered`` is ``None`` while the cycle is open (and for a cycle superseded
    under the restart rule, whose ``end`` is the superseding message).  ``due``
    moves later by ``paused`` only when reaction clocks pause while pending.
    ``breached`` is ``end > due`` for an ended cycle and ``at > due`` for an open
    one; without ``at`` an open cycle carries no verdict (``status == "open"``).
    """

    index: int
    start: datetime
    due: datetime
    answered: datetime | None
    target: timedelta
    taken: timedelta
    breached: bool
    overdue: timedelta
    at_risk: bool
    paused: timedelta
    first: bool
    status: str
    target_name: str
    started_by: str
    end: datetime | None
    ended_by: str | None
    tier: str
    pauses: tuple[Interval, ...] = ()
    calendar: Calendar | None = field(default=None, compare=False, repr=False)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe: instants as ISO 8601 text, durations as ISO 8601 durations."""
        return {
            "index": self.index,
            "first": self.first,
            "target_name": self.target_name,
            "target": format_duration(self.target),
            "start": self.start.isoformat(),
            "started_by": self.started_by,
            "due": self.due.isoformat(),
            "answered": _iso(self.answered),
            "end": _iso(self.end),
            "ended_by": self.ended_by,
            "status": self.status,
            "breached": self.breached,
            "taken": format_duration(self.taken),
            "overdue": format_duration(self.overdue),
            "paused": format_duration(self.paused),
            "at_risk": self.at_risk,
            "pauses": [[s.isoformat(), e.isoformat()] for s, e in self.pauses],
        }

    def explain(self) -> str:
        """How the due instant was reached and what became of the cycle, in plain words."""
        what = _TARGET_WORDS[self.target_name]
        zone = self.calendar.tz if self.calendar is not None else "its calendar"
        lines = [
            f"Cycle {self.index} ({what}) on tier {self.tier}: target "
            f"{format_duration(self.target)} of working time on the {zone} calendar.",
            f"  Started {format_instant(self.start)}: {_STARTED_WORDS[self.started_by]}.",
        ]
        lines.extend(_period_lines(self.periods, self.pauses))
        lines.append(f"  Due {format_instant(self.due)}.")
        lines.append("  " + _verdict(self))
        return "\n".join(lines)


def _period_lines(periods: tuple[Interval, ...], pauses: tuple[Interval, ...]) -> list[str]:
    lines = ["  Working time counted:" if periods else "  Working time counted: none."]
    for start, end in periods:
        lines.append(f"    {_span(start, end)}  {format_duration(end - start)}")
    for start, end in pauses:
        lines.append(f"  Paused {format_instant(start)} to {format_instant(end)}.")
    return lines


def _verdict(cycle: Cycle) -> str:
    if cycle.end is not None and cycle.ended_by is not None:
        how = _ENDED_WORDS[cycle.ended_by]
        when = f"{how} at {format_instant(cycle.end)} after {format_duration(cycle.taken)}"
        if not cycle.breached:
            return f"{when[0].upper()}{when[1:]}: on time."
        late = cycle.end - cycle.due
        return (
            f"{when[0].upper()}{when[1:]}: BREACHED, {format_duration(cycle.overdue)} of working "
            f"time ({format_duration(late)} on the clock) after the due instant."
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


@dataclass(frozen=True, slots=True)
class ResolutionClock(_Clock):
    """Business time from ``opened`` to ``resolved``, paused while pending and while resolved.

    A reopen continues the clock where it stopped; ``closed`` without a
    resolution stops it too (``ended_by == "closed"``).
    """

    start: datetime
    due: datetime
    resolved: datetime | None
    target: timedelta
    used: timedelta
    paused: timedelta
    breached: bool
    overdue: timedelta
    at_risk: bool
    status: str
    ended_by: str | None
    tier: str
    pauses: tuple[Interval, ...] = ()
    calendar: Calendar | None = field(default=None, compare=False, repr=False)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe: instants as ISO 8601 text, durations as ISO 8601 durations."""
        return {
            "target": format_duration(self.target),
            "start": self.start.isoformat(),
            "due": self.due.isoformat(),
            "resolved": _iso(self.resolved),
            "ended_by": self.ended_by,
            "status": self.status,
            "breached": self.breached,
            "used": format_duration(self.used),
            "overdue": format_duration(self.overdue),
            "paused": format_duration(self.paused),
            "at_risk": self.at_risk,
            "pauses": [[s.isoformat(), e.isoformat()] for s, e in self.pauses],
        }

    def explain(self) -> str:
        """How the resolution due instant was reached and whether it was kept."""
        zone = self.calendar.tz if self.calendar is not None else "its calendar"
        lines = [
            f"Resolution on tier {self.tier}: target {format_duration(self.target)} of working "
            f"time on the {zone} calendar, paused while pending or resolved.",
            f"  Started {format_instant(self.start)} (opened).",
        ]
        lines.extend(_period_lines(self.periods, self.pauses))
        lines.append(f"  Due {format_instant(self.due)}.")
        used = f"{format_duration(self.used)} of {format_duration(self.target)} used"
        if self.resolved is not None:
            word = "Resolved" if self.ended_by == "resolved" else "Closed unresolved"
            verdict = "BREACHED" if self.breached else "on time"
            lines.append(f"  {word} at {format_instant(self.resolved)} ({used}): {verdict}.")
        elif self.status == "open":
            lines.append(f"  Not resolved after the last event ({used}).")
        elif self.breached:
            lines.append(f"  Not resolved and BREACHED ({used}).")
        else:
            lines.append(f"  Not resolved yet ({used}{', AT RISK' if self.at_risk else ''}).")
        return "\n".join(lines)


@dataclass(frozen=True, slots=True)
class Breach:
    """A missed target, recorded automatically: when it happened and by how much.

    ``at`` is the due instant (the moment the promise was broken); ``cycle``
    the reaction cycle's index (``None`` for resolution); ``late`` the working
    time past due (at the answer, or at the evaluation instant while open);
    ``late_wall`` the clock time from due to the answer, when answered.  A reply
    after hours can be late by zero working time and still be a breach.
    """

    at: datetime
    cycle: int | None
    tier: str
    target: str
    duration: timedelta
    late: timedelta
    late_wall: timedelta | None

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe: instants as ISO 8601 text, durations as ISO 8601 durations."""
        return {
            "at": self.at.isoformat(),
            "cycle": self.cycle,
            "tier": self.tier,
            "target": self.target,
            "duration": format_duration(self.duration),
            "late": format_duration(self.late),
            "late_wall": _dur(self.late_wall),
        }


@dataclass(frozen=True, slots=True)
class Evaluation:
    """An incident replayed on a tier, as of ``at`` (or of its last event when ``at`` is None).

    ``next_due`` is the earliest due instant of a running clock not yet
    breached, and ``remaining`` the working time from ``at`` to it.
    """

    incident: str
    tier: str
    covered: bool
    reason: str | None
    cycles: tuple[Cycle, ...]
    resolution: ResolutionClock | None
    breached: bool
    breaches: tuple[Breach, ...]
    next_due: datetime | None
    remaining: timedelta | None
    at: datetime | None

    @property
    def first_response(self) -> Cycle | None:
        """The first reaction cycle (the first response), or ``None`` before any."""
        return self.cycles[0] if self.cycles else None

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe: instants as ISO 8601 text, durations as ISO 8601 durations."""
        first = self.first_response
        return {
            "incident": self.incident,
            "tier": self.tier,
            "at": _iso(self.at),
            "covered": self.covered,
            "reason": self.reason,
            "breached": self.breached,
            "next_due": _iso(self.next_due),
            "remaining": _dur(self.remaining),
            "first_response": None if first is None else first.to_dict(),
            "cycles": [cycle.to_dict() for cycle in self.cycles],
            "resolution": None if self.resolution is None else self.resolution.to_dict(),
            "breaches": [breach.to_dict() for breach in self.breaches],
        }

    def explain(self) -> str:
        """A plain-words account of every clock, fit to show a support agent or a customer."""
        when = "after its last event" if self.at is None else f"as of {format_instant(self.at)}"
        head = f"Incident {self.incident} on tier {self.tier}, {when}:"
        if not self.covered:
            return f"{head} NOT COVERED: {self.reason}. No clocks run."
        parts = [head]
        if not self.cycles:
            parts.append("No reaction cycle has started (no customer message yet).")
        parts.extend(cycle.explain() for cycle in self.cycles)
        if self.resolution is not None:
            parts.append(self.resolution.explain())
        if self.breaches:
            parts.append(f"Breaches: {len(self.breaches)}.")
            for breach in self.breaches:
                which = "resolution" if breach.cycle is None else f"cycle {breach.cycle}"
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
        if self.next_due is not None:
            left = "" if self.remaining is None else f", {format_duration(self.remaining)} left"
            parts.append(f"Next due {format_instant(self.next_due)}{left}.")
        return "\n".join(parts)


@dataclass(frozen=True, slots=True)
class Schedule:
    """What a helpdesk stores on each ticket update to schedule its escalation job.

    ``next_due`` is when the running clock ``clock`` falls due (``None`` when
    no clock runs), ``at_risk_at`` when it crosses the tier's at-risk share,
    and ``breached_so_far`` whether any target was already missed.
    """

    next_due: datetime | None
    clock: str | None
    at_risk_at: datetime | None
    breached_so_far: bool

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe: instants as ISO 8601 text."""
        return {
            "next_due": _iso(self.next_due),
            "clock": self.clock,
            "at_risk_at": _iso(self.at_risk_at),
            "breached_so_far": self.breached_so_far,
        }
