"""A slow, obviously-correct replay of an incident's event log on a tier.

This module is the yardstick the SLA property tests hold every public path to
(``evaluate``, ``schedule``, ``analysis.evaluate_many``, ``analysis.evaluate_jsonl``).
It shares no code with ``slaclock._sla``: from the library it uses only the
tier's public attributes and its calendar's ``elapsed(a, b)`` and
``deadline(start, d)``, which are themselves held to a calendar reference.
Instants are handled as aware UTC datetimes, durations as timedeltas.

The rules, as this module implements them
=========================================

Horizon.  Events after ``at`` are not known yet; an event exactly at ``at`` is
known.  With ``at`` the horizon is ``at``; without it the horizon is the last
event, and open clocks get no verdict (not breached, status ``"open"``).  When
no event is known (``at`` before ``opened``) there are no clocks at all.

Scope.  ``tier.covers(type=, third_party=, channel=)`` gives a reason when the
incident is outside the tier: then it is "not covered" and nothing runs.

Reaction cycles.  A cycle starts at ``opened`` (unless ``by == "agent"``), and
at a ``customer_message`` or ``reopened`` when no cycle is running.  A running
cycle ends at the next ``agent_reply`` (``ended_by="agent_reply"``), or at
``resolved`` / ``closed`` (``ended_by`` is that kind).  Under the
``restart_on_message`` rule a customer message during a running cycle ends it as
``superseded`` and starts a new cycle at the same instant.  An agent reply when
no cycle runs does nothing.  A cycle is *first* (target
``first_reaction_target``, named ``first_reaction``) while no earlier cycle was
ended other than by being superseded; otherwise its target is ``reaction``.
``answered`` is the end, except for a superseded cycle (``None``) or an open one.

Pending.  Pending runs from ``pending`` until the next ``customer_message``,
``resolved`` or ``closed`` (an agent reply does not end it; a second
``pending`` while pending changes nothing).  It pauses reaction cycles only
with the pause option (the tier's ``pause_reaction_when_pending`` unless the
``pause`` argument says otherwise).

Resolution clock (only when the tier has a ``resolution`` target).  It runs from
``opened``.  The incident is *resolved* from ``resolved`` or ``closed`` until
``reopened``.  The clock ends at the start of the last resolved span that is not
finished (``ended_by`` is the kind that started it); it is paused during every
pending interval and every finished resolved span.

A clock's numbers.  A clock has a start, an end (its own end, or the horizon
while it is open), a target and pauses (intervals, cut to the clock's span).
The *running segments* are the parts of ``[start, end]`` outside the pauses.
``taken`` is the working time (``Calendar.elapsed``) of the running segments,
``paused`` the working time of the pauses.  The *due* instant is the earliest
instant at which the working time counted in the running segments reaches the
target: walk the segments in order; in the first one where the running total
reaches the target, due = ``Calendar.deadline(segment start, target - total
before it)``; a zero target is due at the start.  If the target is not reached
by the end, due is projected from the end as if the clock resumed then:
``Calendar.deadline(end, target - taken)``.

So a pause that starts after the due instant changes neither the due instant
nor the breach, and the time it pauses is not in ``taken`` (nor in ``overdue``
and ``Breach.late``): only the time the clock ran counts.

Verdicts.  An ended clock is breached when its end is after its due instant
(an end exactly at due is on time).  An open clock is breached when ``at`` is
given and is after its due instant; without ``at`` it has no verdict.
``overdue = max(taken - target, 0)`` when breached, else 0.  ``at_risk``: open,
``at`` given, not breached, and ``taken / target >= tier.at_risk``.  An open
clock is *stopped* when it is paused at the horizon (a reaction cycle only with
the pause option; the resolution clock whenever pending is running at the
horizon).  Status: ``superseded`` for a superseded cycle; otherwise ended →
``late`` if breached else ``met``; open without verdict → ``open``; open and
breached → ``overdue``; stopped → ``paused``; at risk → ``at_risk``; else
``running``.

Breaches.  One per breached clock: at its due instant, the cycle's index
(``None`` for resolution), the tier's id, the target's name and duration,
``late = overdue`` and ``late_wall = end - due`` when the clock ended with an
answer or a resolution (``None`` while open or when superseded).  Sorted by
(instant, resolution after cycles, cycle index).

Update cycles (only when the tier has an ``update`` target).  While the
incident is open (from ``opened`` or ``reopened`` until ``resolved`` or
``closed``), one update cycle runs: it starts at the opening (whoever opened),
at a reopen, and again at every agent reply that ended the one before; it ends
at the next agent reply or at ``resolved`` / ``closed`` (``ended_by``).  Its
target is ``update``; it pauses while pending exactly as reaction cycles do;
its verdicts, status and breach (target name ``"update"``, ``cycle`` its index
among the update cycles) are those of any clock.

Escalation levels (the tier's ``escalations``, canonical text).  A level is a
share ``"N%"`` of a clock's target, rounded up to a whole microsecond, or an
offset ``"+PT..."`` / ``"-PT..."`` added to the target; below zero it is zero.
Its instant on a clock is found by the due instant's walk with that threshold
in place of the target; a clock has reached it when ``taken >= threshold``.
Every clock lists (level, instant) in order of threshold (the tier's order on a
tie); ``escalated`` counts, per level in the tier's order, the clocks (cycles,
update cycles, resolution) that reached it.

Next due.  The earliest due instant among open clocks that are neither stopped
nor breached; ``remaining = Calendar.elapsed(at, next_due)`` when ``at`` is
given.  ``schedule``'s clock is that clock (a cycle before the resolution clock
on a tie), and its at-risk instant is when the clock's counted time first
reaches the at-risk share of its target, rounded up to a whole microsecond
(found by the same walk as the due instant, with that smaller target).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from fractions import Fraction
from typing import Any

ZERO = timedelta(0)
US = timedelta(microseconds=1)


def utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


@dataclass
class RefClock:
    """One clock (a reaction cycle or the resolution clock), in plain data."""

    kind: str  # "cycle" or "resolution"
    start: datetime
    end: datetime | None  # its own end; None while open at the horizon
    ended_by: str | None
    target: timedelta
    target_name: str
    pauses: list[tuple[datetime, datetime]]
    # Computed:
    due: datetime = field(default=None)  # type: ignore[assignment]
    taken: timedelta = ZERO
    paused: timedelta = ZERO
    breached: bool = False
    overdue: timedelta = ZERO
    at_risk: bool = False
    stopped: bool = False
    status: str = ""
    escalations: list[tuple[str, datetime]] = field(default_factory=list)
    # Cycles only:
    index: int | None = None
    first: bool = False
    started_by: str | None = None

    @property
    def answered(self) -> datetime | None:
        if self.end is None or self.ended_by == "superseded":
            return None
        return self.end

    @property
    def open(self) -> bool:
        return self.end is None


@dataclass
class RefBreach:
    at: datetime
    cycle: int | None
    tier: str
    target: str
    duration: timedelta
    late: timedelta
    late_wall: timedelta | None


@dataclass
class RefResult:
    covered: bool
    reason: str | None
    cycles: list[RefClock]
    resolution: RefClock | None
    breaches: list[RefBreach]
    next_due: datetime | None
    remaining: timedelta | None
    next_clock: RefClock | None  # the clock next_due belongs to
    updates: list[RefClock] = field(default_factory=list)
    escalated: list[tuple[str, int]] = field(default_factory=list)
    everything: list[RefClock] = field(default_factory=list)

    @property
    def breached(self) -> bool:
        return bool(self.breaches)


# --------------------------------------------------------------------------- intervals


def cut(intervals: list[tuple[datetime, datetime | None]], lo: datetime, hi: datetime) -> list:
    """``intervals`` (an open end runs to ``hi``) cut to ``[lo, hi]``, empty ones dropped."""
    out = []
    for s, e in intervals:
        e = hi if e is None else min(e, hi)
        s = max(s, lo)
        if s < e:
            out.append((s, e))
    return out


def union(intervals: list[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    """Sorted, overlapping or touching intervals merged."""
    out: list[list[datetime]] = []
    for s, e in sorted(intervals):
        if out and s <= out[-1][1]:
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([s, e])
    return [(s, e) for s, e in out]


def running_segments(start: datetime, end: datetime, pauses: list) -> list:
    """The parts of ``[start, end]`` outside ``pauses`` (merged, inside the span)."""
    segments = []
    cursor = start
    for s, e in pauses:
        if s > cursor:
            segments.append((cursor, s))
        cursor = max(cursor, e)
    if end > cursor:
        segments.append((cursor, end))
    return segments


def due_instant(calendar: Any, start: datetime, end: datetime, pauses: list, target: timedelta):
    """Earliest instant the running segments count ``target``; else projected from ``end``."""
    if target <= ZERO:
        return start
    total = ZERO
    for a, b in running_segments(start, end, pauses):
        here = calendar.elapsed(a, b)
        if total + here >= target:
            return utc(calendar.deadline(a, target - total))
        total += here
    return utc(calendar.deadline(end, target - total))


# --------------------------------------------------------------------------- the replay


def replay(
    incident: Any,
    tier: Any,
    at: datetime | None = None,
    cycle_rule: str | None = None,
    pause: bool | None = None,
) -> RefResult:
    """The reference verdicts of ``incident`` on ``tier`` as of ``at`` (see the module rules)."""
    reason = tier.covers(
        type=incident.type, third_party=incident.third_party, channel=incident.channel
    )
    zeros = [(level, 0) for level in tier.escalations]
    if reason is not None:
        return RefResult(False, reason, [], None, [], None, None, None, escalated=zeros)
    rule = tier.cycle_rule if cycle_rule is None else cycle_rule
    restart = rule == "restart_on_message"
    pause_cycles = tier.pause_reaction_when_pending if pause is None else pause
    calendar = tier.calendar
    at = None if at is None else utc(at)

    events = [(e.kind, utc(e.at), e.by) for e in incident.events]
    known = [e for e in events if at is None or e[1] <= at]
    if not known:
        return RefResult(True, None, [], None, [], None, None, None, escalated=zeros)
    horizon = at if at is not None else known[-1][1]

    # 1. Fold the log into cycles, pending intervals and resolved spans.
    cycles: list[dict[str, Any]] = []
    pending: list[list[Any]] = []  # [start, end or None]
    resolved: list[list[Any]] = []  # [start, end or None, kind that started it]
    opened = known[0][1]

    def running() -> dict[str, Any] | None:
        return cycles[-1] if cycles and cycles[-1]["end"] is None else None

    def start_cycle(t: datetime, by: str) -> None:
        first = all(c["ended_by"] == "superseded" for c in cycles)
        cycles.append({"start": t, "end": None, "ended_by": None, "first": first, "by": by})

    def end_cycle(t: datetime, how: str) -> None:
        cycle = running()
        if cycle is not None:
            cycle["end"], cycle["ended_by"] = t, how

    def end_pending(t: datetime) -> None:
        if pending and pending[-1][1] is None:
            pending[-1][1] = t

    updates: list[dict[str, Any]] = []  # the update cycles

    def update_running() -> dict[str, Any] | None:
        return updates[-1] if updates and updates[-1]["end"] is None else None

    def end_update(t: datetime, how: str) -> bool:
        cycle = update_running()
        if cycle is not None:
            cycle["end"], cycle["ended_by"] = t, how
        return cycle is not None

    def start_update(t: datetime, by: str) -> None:
        updates.append({"start": t, "end": None, "ended_by": None, "by": by})

    for kind, t, by in known:
        if kind == "opened":
            start_update(t, "opened")
            if by != "agent":
                start_cycle(t, "opened")
        elif kind == "customer_message":
            end_pending(t)
            if running() is None:
                start_cycle(t, "customer_message")
            elif restart:
                end_cycle(t, "superseded")
                start_cycle(t, "customer_message")
        elif kind == "agent_reply":
            end_cycle(t, "agent_reply")
            if end_update(t, "agent_reply"):  # only while open is an update cycle running
                start_update(t, "agent_reply")
        elif kind == "pending":
            if not (pending and pending[-1][1] is None):
                pending.append([t, None])
        elif kind in ("resolved", "closed"):
            end_pending(t)
            end_cycle(t, kind)
            end_update(t, kind)
            if not (resolved and resolved[-1][1] is None):
                resolved.append([t, None, kind])
        elif kind == "reopened":
            if resolved and resolved[-1][1] is None:
                resolved[-1][1] = t
            if running() is None:
                start_cycle(t, "reopened")
            start_update(t, "reopened")
        # work_logged: no effect on any clock
    pending_now = bool(pending) and pending[-1][1] is None
    pending_spans = [(s, e) for s, e in pending]

    # 2. The clocks.
    clocks: list[RefClock] = []
    for index, c in enumerate(cycles, start=1):
        end = c["end"] if c["end"] is not None else horizon
        clocks.append(
            RefClock(
                kind="cycle",
                start=c["start"],
                end=c["end"],
                ended_by=c["ended_by"],
                target=tier.first_reaction_target if c["first"] else tier.reaction,
                target_name="first_reaction" if c["first"] else "reaction",
                pauses=union(cut(pending_spans, c["start"], end)) if pause_cycles else [],
                index=index,
                first=c["first"],
                started_by=c["by"],
                stopped=c["end"] is None and pause_cycles and pending_now,
            )
        )
    update_clocks: list[RefClock] = []
    if tier.update is not None:
        for index, c in enumerate(updates, start=1):
            end = c["end"] if c["end"] is not None else horizon
            update_clocks.append(
                RefClock(
                    kind="update",
                    start=c["start"],
                    end=c["end"],
                    ended_by=c["ended_by"],
                    target=tier.update,
                    target_name="update",
                    pauses=union(cut(pending_spans, c["start"], end)) if pause_cycles else [],
                    index=index,
                    started_by=c["by"],
                    stopped=c["end"] is None and pause_cycles and pending_now,
                )
            )
    resolution = None
    if tier.resolution is not None:
        last_open = resolved[-1] if resolved and resolved[-1][1] is None else None
        end_res = None if last_open is None else last_open[0]
        finished = [(s, e) for s, e, _ in resolved if e is not None]
        clock_end = end_res if end_res is not None else horizon
        resolution = RefClock(
            kind="resolution",
            start=opened,
            end=end_res,
            ended_by=None if last_open is None else last_open[2],
            target=tier.resolution,
            target_name="resolution",
            pauses=union(cut(pending_spans + finished, opened, clock_end)),
            stopped=end_res is None and pending_now,
        )

    everything = clocks + update_clocks + ([resolution] if resolution is not None else [])
    levels = [(text, parse_level(text)) for text in tier.escalations]
    reached_counts = [0] * len(levels)
    for clock in everything:
        end = clock.end if clock.end is not None else horizon
        segments = running_segments(clock.start, end, clock.pauses)
        clock.taken = sum((calendar.elapsed(a, b) for a, b in segments), ZERO)
        clock.paused = sum((calendar.elapsed(a, b) for a, b in clock.pauses), ZERO)
        clock.due = due_instant(calendar, clock.start, end, clock.pauses, clock.target)
        if clock.end is not None:
            clock.breached = clock.end > clock.due
        elif at is not None:
            clock.breached = at > clock.due
        else:
            clock.breached = False
        clock.overdue = max(clock.taken - clock.target, ZERO) if clock.breached else ZERO
        share = Fraction(tier.at_risk)
        clock.at_risk = bool(
            clock.open
            and at is not None
            and not clock.breached
            and Fraction(clock.taken // US) >= share * (clock.target // US)
        )
        thresholds = [
            (level_threshold(clock.target, level), i) for i, (_, level) in enumerate(levels)
        ]
        clock.escalations = [
            (levels[i][0], due_instant(calendar, clock.start, end, clock.pauses, threshold))
            for threshold, i in sorted(thresholds)
        ]
        for threshold, i in thresholds:
            if clock.taken >= threshold:
                reached_counts[i] += 1
        if clock.ended_by == "superseded":
            clock.status = "superseded"
        elif not clock.open:
            clock.status = "late" if clock.breached else "met"
        elif at is None:
            clock.status = "open"
        elif clock.breached:
            clock.status = "overdue"
        elif clock.stopped:
            clock.status = "paused"
        elif clock.at_risk:
            clock.status = "at_risk"
        else:
            clock.status = "running"

    # 3. Breaches, next due.
    breaches = []
    for clock in everything:
        if clock.breached:
            if clock.kind == "resolution":
                wall = None if clock.end is None else clock.end - clock.due
            else:
                wall = None if clock.answered is None else clock.answered - clock.due
            breaches.append(
                RefBreach(
                    at=clock.due,
                    cycle=clock.index,
                    tier=tier.id,
                    target=clock.target_name,
                    duration=clock.target,
                    late=clock.overdue,
                    late_wall=wall,
                )
            )
    breaches.sort(key=lambda b: (b.at, b.cycle is None, b.cycle or 0))
    candidates = [c for c in everything if c.open and not c.stopped and not c.breached]
    next_clock = None
    for clock in candidates:  # cycles come first, so a cycle wins a tie
        if next_clock is None or clock.due < next_clock.due:
            next_clock = clock
    next_due = None if next_clock is None else next_clock.due
    remaining = None
    if next_due is not None and at is not None:
        remaining = calendar.elapsed(at, next_due)
    return RefResult(
        True,
        None,
        clocks,
        resolution,
        breaches,
        next_due,
        remaining,
        next_clock,
        updates=update_clocks,
        escalated=[(text, reached_counts[i]) for i, (text, _) in enumerate(levels)],
        everything=everything,
    )


def parse_level(text: str) -> tuple[Fraction, timedelta]:
    """A canonical level as (share of the target, offset): ``"50%"`` or ``"-PT30M"``."""
    if text.endswith("%"):
        return Fraction(text[:-1]) / 100, ZERO
    sign = -1 if text[0] == "-" else 1
    match = re.fullmatch(r"PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?", text[1:])
    assert match is not None, text
    hours, minutes, seconds = (Fraction(g or 0) for g in match.groups())
    us = (hours * 3600 + minutes * 60 + seconds) * 1_000_000
    assert us.denominator == 1, text
    return Fraction(0), sign * timedelta(microseconds=int(us))


def level_threshold(target: timedelta, level: tuple[Fraction, timedelta]) -> timedelta:
    """The counted time at which a clock of ``target`` reaches ``level`` (never below zero)."""
    share, offset = level
    value = timedelta(microseconds=math.ceil(share * (target // US))) if share else target
    return max(value + offset, ZERO)


def at_risk_instant(tier: Any, clock: RefClock, at: datetime) -> datetime:
    """When ``clock`` (open as of ``at``) first counts the at-risk share of its target."""
    target_us = clock.target // US
    threshold = timedelta(microseconds=math.ceil(Fraction(tier.at_risk) * target_us))
    return due_instant(tier.calendar, clock.start, utc(at), clock.pauses, threshold)


def to_us(moment: datetime) -> int:
    return (utc(moment) - datetime(1970, 1, 1, tzinfo=UTC)) // US


def summary_fields(result: RefResult, incident: Any, tier_id: str) -> dict[str, Any]:
    """The fields of ``slaclock.analysis.Summary``, computed from the reference alone.

    The context columns are the incident's own fields (the opened instant its first event's).
    """
    first = result.cycles[0] if result.cycles else None
    resolution = result.resolution
    return {
        "incident": incident.id,
        "tier": tier_id,
        "customer": incident.customer,
        "contract": incident.contract,
        "type": incident.type,
        "channel": incident.channel,
        "third_party": incident.third_party,
        "opened": to_us(incident.events[0].at),
        "covered": result.covered,
        "reason": result.reason,
        "cycles": len(result.cycles),
        "breaches": len(result.breaches),
        "breached": result.breached,
        "first_due": None if first is None else to_us(first.due),
        "first_answered": None
        if first is None or first.answered is None
        else to_us(first.answered),
        "first_taken": None if first is None else first.taken // US,
        "worst_overdue": max((b.late // US for b in result.breaches), default=0),
        "next_due": None if result.next_due is None else to_us(result.next_due),
        "at_risk": any(c.at_risk for c in result.everything),
        "resolution_due": None if resolution is None else to_us(resolution.due),
        "escalated": tuple(count for _, count in result.escalated),
    }


def schedule_fields(
    incident: Any, tier: Any, at: datetime, notify_within_hours: bool = False
) -> dict[str, Any]:
    """What ``schedule`` answers, from the reference alone (instants in UTC).

    The clock named is the next one due (``next_clock``); when no clock is, the
    open, unpaused, breached clock that fell due first (then ``overdue``).  Its
    next level is the lowest threshold it has not reached; ``next_check`` is the
    earliest of the at-risk instant (when not yet reached), a microsecond after
    due (when not overdue) and that level's instant; with ``notify_within_hours``
    the notification instants move to the calendar's next opening.
    """
    ref = replay(incident, tier, at=at)
    at = utc(at)
    clock, late = ref.next_clock, False
    if clock is None:
        for candidate in ref.everything:
            usable = candidate.open and not candidate.stopped and candidate.breached
            if usable and (clock is None or candidate.due < clock.due):
                clock = candidate
        late = clock is not None
    if clock is None:
        return {
            "next_due": None,
            "clock": None,
            "at_risk_at": None,
            "breached_so_far": ref.breached,
            "remaining": None,
            "at_risk": False,
            "overdue": False,
            "escalation": None,
            "next_check": None,
        }
    calendar = tier.calendar

    def notify(moment: datetime) -> datetime:
        return utc(calendar.next_open(moment)) if notify_within_hours else moment

    risk_threshold = timedelta(
        microseconds=math.ceil(Fraction(tier.at_risk) * (clock.target // US))
    )
    risk = at_risk_instant(tier, clock, at)
    checks = []
    if clock.taken < risk_threshold:
        checks.append(risk)
    if not late:
        checks.append(clock.due + US)
    escalation = None
    ahead = [
        (level_threshold(clock.target, parse_level(text)), i, text)
        for i, text in enumerate(tier.escalations)
        if clock.taken < level_threshold(clock.target, parse_level(text))
    ]
    if ahead:
        threshold, _, text = min(ahead)
        moment = notify(due_instant(calendar, clock.start, at, clock.pauses, threshold))
        escalation = (text, moment)
        checks.append(moment)
    return {
        "next_due": clock.due,
        "clock": clock.target_name,
        "at_risk_at": notify(risk),
        "breached_so_far": ref.breached,
        "remaining": clock.target - clock.taken,
        "at_risk": clock.at_risk,
        "overdue": late,
        "escalation": escalation,
        "next_check": notify(min(checks)) if checks else None,
    }
