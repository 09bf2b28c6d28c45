"""One-line reprs of results, readable in a terminal.

A result (an evaluation, a cycle, a schedule) holds instants, durations and
nested clocks: the dataclass repr of one evaluation runs to thousands of
characters.  Its ``repr`` here is one line in angle brackets (it is a summary,
not code to paste back) with what a person looks for first: whose clock, the
verdict, what is due next.  The fields themselves stay on the object and in
``to_dict()``; ``explain()`` gives the whole story in words.

>>> from slaclock import Incident, default_catalog, evaluate
>>> incident = Incident.from_dict({"id": "INC-7", "type": "failure", "events": [
...     {"type": "opened", "at": "2026-11-27T17:30:00+03:00"},
...     {"type": "agent_reply", "at": "2026-11-30T12:20:00+03:00"}]})
>>> result = evaluate(incident, default_catalog().tiers["SLA-2"])
>>> result
<Evaluation 'INC-7' on SLA-2: 1 cycle, breached (1 breach)>
>>> result.cycles[0]
<Cycle 1 first_reaction PT2H: 2026-11-27T17:30+03:00, due 2026-11-30T11:30+03:00, answered 2026-11-30T12:20+03:00: late by PT50M>
>>> result.breaches[0]
<Breach cycle 1 first_reaction PT2H on SLA-2: due 2026-11-30T11:30+03:00, late by PT50M (wall PT50M)>
"""

from __future__ import annotations

from datetime import datetime, timedelta

from slaclock._durations import format_duration
from slaclock._sla.result import Breach, Cycle, Evaluation, ResolutionClock, Schedule

__all__ = ["breach_line", "clock_line", "evaluation_line", "instant", "schedule_line"]


def instant(value: datetime) -> str:
    """ISO 8601 to the minute (seconds and microseconds only when not zero), offset kept."""
    if value.microsecond:
        spec = "microseconds"
    elif value.second:
        spec = "seconds"
    else:
        spec = "minutes"
    return value.isoformat(timespec=spec)


def _plural(count: int, word: str, words: str | None = None) -> str:
    return f"{count} {word if count == 1 else words or word + 's'}"


def evaluation_line(result: Evaluation) -> str:
    """``<Evaluation 'INC-7' on SLA-2 at ...: 2 cycles, breached (1 breach), next due ...>``."""
    head = f"<Evaluation {result.incident!r} on {result.tier}"
    if result.at is not None:
        head += f" at {instant(result.at)}"
    if not result.covered:
        return f"{head}: not covered ({result.reason})>"
    parts = [_plural(len(result.cycles), "cycle")]
    if result.updates:
        parts.append(_plural(len(result.updates), "update cycle"))
    if result.resolution is not None:
        parts.append(f"resolution {result.resolution.status}")
    if result.breached:
        parts.append(f"breached ({_plural(len(result.breaches), 'breach', 'breaches')})")
    if result.next_due is not None:
        parts.append(f"next due {instant(result.next_due)}")
    if result.remaining is not None:
        parts.append(f"{format_duration(result.remaining)} left")
    return f"{head}: {', '.join(parts)}>"


def _verdict(status: str, breached: bool, overdue: timedelta) -> str:
    if not (breached and overdue):
        return status
    if status in ("late", "overdue"):
        return f"{status} by {format_duration(overdue)}"
    return f"{status}, late by {format_duration(overdue)}"


def clock_line(clock: Cycle | ResolutionClock) -> str:
    """``<Cycle 2 reaction PT2H: <start>, due <due>, answered <answer>: met>`` (or the resolution clock)."""
    if isinstance(clock, Cycle):
        if clock.target_name == "update":
            head = f"<Update cycle {clock.index} {format_duration(clock.target)}"
        else:
            head = f"<Cycle {clock.index} {clock.target_name} {format_duration(clock.target)}"
        parts = [instant(clock.start), f"due {instant(clock.due)}"]
        if clock.answered is not None:
            parts.append(f"answered {instant(clock.answered)}")
        elif clock.end is not None:
            parts.append(f"{clock.ended_by} {instant(clock.end)}")
    else:
        head = f"<ResolutionClock {format_duration(clock.target)}"
        parts = [instant(clock.start), f"due {instant(clock.due)}"]
        if clock.resolved is not None:
            parts.append(f"{clock.ended_by} {instant(clock.resolved)}")
    return f"{head}: {', '.join(parts)}: {_verdict(clock.status, clock.breached, clock.overdue)}>"


def breach_line(breach: Breach) -> str:
    """``<Breach cycle 1 first_reaction PT2H on SLA-2: due ..., late by PT50M (wall PT50M)>``."""
    if breach.cycle is None:
        which = "resolution"
    elif breach.target == "update":
        which = f"update {breach.cycle}"
    else:
        which = f"cycle {breach.cycle} {breach.target}"
    text = (
        f"<Breach {which} {format_duration(breach.duration)} on {breach.tier}: "
        f"due {instant(breach.at)}, late by {format_duration(breach.late)}"
    )
    if breach.late_wall is not None:
        text += f" (wall {format_duration(breach.late_wall)})"
    return text + ">"


def schedule_line(schedule: Schedule) -> str:
    """``<Schedule reaction due ..., PT1H left, at risk from ...>`` or ``<Schedule: nothing due>``."""
    so_far = ", breached so far" if schedule.breached_so_far else ""
    if schedule.next_due is None:
        return f"<Schedule: nothing due{so_far}>"
    parts = [f"{schedule.clock} due {instant(schedule.next_due)}"]
    if schedule.remaining is not None:
        parts.append(f"{format_duration(schedule.remaining)} left")
    if schedule.overdue:
        parts.append("overdue")
    elif schedule.at_risk:
        parts.append("at risk")
    elif schedule.at_risk_at is not None:
        parts.append(f"at risk from {instant(schedule.at_risk_at)}")
    if schedule.next_check is not None:
        parts.append(f"check again {instant(schedule.next_check)}")
    return f"<Schedule {', '.join(parts)}{so_far}>"
