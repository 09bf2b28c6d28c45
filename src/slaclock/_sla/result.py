"""What an evaluation returns: reaction cycles, the resolution clock, breach records.

These are plain immutable values built by :mod:`slaclock._sla.evaluate`.  Each
clock keeps its calendar (outside equality and repr) so that it can list the
working periods that make up its target, on demand only: evaluating a million
incidents never builds those lists.  The words of ``explain()`` live in
``slaclock._display.text``, loaded when first asked for.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, NamedTuple

from slaclock._calendar.instants import to_us
from slaclock._code import Printer, pretty_short, repr_html, short_repr
from slaclock._durations import format_duration

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from slaclock._calendar.calendar import Calendar

__all__ = ["Breach", "Cycle", "Evaluation", "ResolutionClock", "Schedule"]

Interval = tuple[datetime, datetime]


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _dur(value: timedelta | None) -> str | None:
    return None if value is None else format_duration(value)


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

    An update cycle (``target_name == "update"``, in ``Evaluation.updates``) is
    the same record for the periodic-update clock.  ``escalations`` pairs each
    of the tier's escalation levels with the instant the cycle's counted time
    reaches it (projected past the end, like ``due``), in time order.

    Attributes:
        index: The cycle's number in the incident, from 1.
        start: When the customer started waiting: the ``opened``, ``customer_message``
            or ``reopened`` event that started the cycle (in the calendar's zone).
        due: When the answer falls due: ``target`` of working time after ``start``,
            later by ``paused`` when reaction clocks pause while pending.
        answered: When the cycle was answered (an ``agent_reply``, or ``resolved`` or
            ``closed`` ending it); ``None`` while open and for a superseded cycle.
        target: The working time promised: the tier's ``first_reaction`` for the first
            cycle (``reaction`` when it has none), ``reaction`` for the others.
        taken: Working time counted from ``start`` to the end (or to ``at`` while open),
            less pauses.
        breached: The target was missed: the answer came after ``due``, or the cycle is
            still open at an ``at`` after ``due``.  ``False`` while open without ``at``.
        overdue: Working time past the target when breached (at the answer, or at ``at``
            while open); zero otherwise.  A reply after hours can be late by zero.
        at_risk: Open, not breached, and ``taken`` is at or past the tier's at-risk
            share of ``target`` at ``at`` (always ``False`` without ``at``).
        paused: Working time the cycle spent paused while pending (zero unless the tier
            pauses reaction clocks while pending).
        first: The first response: no earlier cycle was answered.
        status: One word: ``"met"`` or ``"late"`` once ended; ``"superseded"`` when a
            later message restarted it; while open ``"running"``, ``"at_risk"``,
            ``"paused"`` or ``"overdue"`` as of ``at``, and ``"open"`` without ``at``.
        target_name: ``"first_reaction"`` for the first cycle, ``"reaction"`` otherwise.
        started_by: The kind of event that started it: ``"opened"``,
            ``"customer_message"`` or ``"reopened"``.
        end: When the cycle stopped: the answer, or the message that superseded it;
            ``None`` while open.
        ended_by: The kind of event at ``end`` (``"agent_reply"``, ``"resolved"``,
            ``"closed"``), ``"superseded"``, or ``None`` while open.
        tier: The id of the tier it was measured on: the tier in force when it ended
            (at the horizon while open), when the incident's log changes tier.
        pauses: The ``(start, end)`` spans during which the clock stood still.
        calendar: The tier's calendar, kept so that ``periods`` can list the working
            periods of the target; outside equality and repr.
        escalations: Each of the tier's escalation levels with the instant the
            cycle's counted time reaches it (projected past the end, like ``due``),
            in time order.
    """

    _repr_html_ = repr_html
    _repr_pretty_ = pretty_short
    __repr__ = short_repr

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
    escalations: tuple[tuple[str, datetime], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe: instants as ISO 8601 text, durations as ISO 8601 durations."""
        return {
            "index": self.index,
            "first": self.first,
            "target_name": self.target_name,
            "tier": self.tier,
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
            "escalations": [[level, when.isoformat()] for level, when in self.escalations],
        }

    def explain(self, *, zone: str | ZoneInfo | None = None) -> str:
        """How the due instant was reached and what became of the cycle, in plain words.

        ``zone`` (an IANA name or a ``ZoneInfo``) shows the instants in that zone,
        the customer's, say; by default they are in the tier calendar's zone.
        """
        # Deferred: the value layer must not load presentation until asked for words.
        from slaclock._display import text

        return text.explain_cycle(self, zone=text.reading_zone(zone))


@dataclass(frozen=True, slots=True)
class ResolutionClock(_Clock):
    """Business time from ``opened`` to ``resolved``, paused while pending and while resolved.

    A reopen continues the clock where it stopped; ``closed`` without a
    resolution stops it too (``ended_by == "closed"``).  ``escalations`` as on
    :class:`Cycle`.

    Attributes:
        start: The ``opened`` event's instant (in the calendar's zone).
        due: When resolution falls due: the tier's ``resolution`` target of working
            time after ``start``, later by every pause.
        resolved: When the clock stopped for good (``resolved`` or ``closed``, the last
            one when reopened); ``None`` while it still runs.
        target: The tier's ``resolution`` target.
        used: Working time counted from ``start`` to ``resolved`` (or to ``at`` while
            running), less pauses.
        paused: Working time spent paused (pending, or resolved before a reopen).
        breached: Resolved after ``due``, or still running at an ``at`` after ``due``.
        overdue: Working time past the target when breached; zero otherwise.
        at_risk: Running, not breached, and ``used`` is at or past the tier's at-risk
            share of ``target`` at ``at``.
        status: ``"met"`` or ``"late"`` once resolved; while running ``"running"``,
            ``"at_risk"``, ``"paused"`` or ``"overdue"`` as of ``at``; ``"open"``
            without ``at``.
        ended_by: ``"resolved"`` or ``"closed"``, the kind that stopped the clock;
            ``None`` while it runs.
        tier: The id of the tier it was measured on (as for `Cycle`).
        pauses: The ``(start, end)`` spans during which the clock stood still.
        calendar: The tier's calendar, for ``periods``; outside equality and repr.
        escalations: Each of the tier's escalation levels with the instant the
            clock's counted time reaches it, in time order.
    """

    _repr_html_ = repr_html
    _repr_pretty_ = pretty_short
    __repr__ = short_repr

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
    escalations: tuple[tuple[str, datetime], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe: instants as ISO 8601 text, durations as ISO 8601 durations."""
        return {
            "tier": self.tier,
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
            "escalations": [[level, when.isoformat()] for level, when in self.escalations],
        }

    def explain(self, *, zone: str | ZoneInfo | None = None) -> str:
        """How the resolution due instant was reached and whether it was kept (``zone``: as for cycles)."""
        from slaclock._display import text

        return text.explain_resolution(self, zone=text.reading_zone(zone))


@dataclass(frozen=True, slots=True)
class Breach:
    """A missed target, recorded automatically: when it happened and by how much.

    ``at`` is the due instant (the moment the promise was broken); ``cycle``
    the reaction cycle's index (``None`` for resolution); ``late`` the working
    time past due (at the answer, or at the evaluation instant while open);
    ``late_wall`` the clock time from due to the answer, when answered.  A reply
    after hours can be late by zero working time and still be a breach.

    Attributes:
        at: The due instant that was missed (in the calendar's zone).
        cycle: The reaction cycle's ``index``, or ``None`` for the resolution clock.
        tier: The id of the tier whose target was missed.
        target: Which target: ``"first_reaction"``, ``"reaction"`` or ``"resolution"``.
        duration: The target's working time (``Cycle.target``).
        late: Working time past due: at the answer, or at the evaluation instant while
            the clock is still open.
        late_wall: Clock (wall) time from due to the answer; ``None`` while unanswered.
    """

    _repr_html_ = repr_html
    _repr_pretty_ = pretty_short
    __repr__ = short_repr

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

    ``updates`` holds the update cycles of a tier with an ``update`` target;
    ``escalated`` pairs each of the tier's escalation levels (in the tier's
    order) with the number of clocks that reached it by the horizon.

    Attributes:
        incident: The incident's id.
        tier: The id of the tier it was evaluated on; for a log that changes tier,
            the tier in force at the horizon (every running clock is on it).
        covered: Whether the tier covers the incident (type, third-party scope,
            channel); an incident not covered has no clocks.
        reason: Why it is not covered, in words; ``None`` when covered.
        cycles: Every reaction cycle, in order (see `Cycle`).
        resolution: The resolution clock, when the tier has a ``resolution`` target.
        breached: Some target was missed: ``breaches`` is not empty.
        breaches: One record per missed target, by due instant (see `Breach`).
        next_due: The earliest due instant of a running clock not yet breached;
            ``None`` when nothing is due.
        remaining: Working time from ``at`` to ``next_due``; ``None`` without ``at``
            or without ``next_due``.
        at: The evaluation instant in the calendar's zone, or ``None`` (every event
            counts and open clocks carry no verdict).
        updates: The update cycles, in order, when the tier has an ``update`` target
            (an agent reply due every ``update`` of working time while open); ``()``
            otherwise.
        escalated: Per escalation level of the tier, in the tier's order, the level
            and how many of the incident's clocks reached it by the horizon.
    """

    _repr_html_ = repr_html
    _repr_pretty_ = pretty_short
    __repr__ = short_repr

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
    updates: tuple[Cycle, ...] = ()
    escalated: tuple[tuple[str, int], ...] = ()

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
            "updates": [cycle.to_dict() for cycle in self.updates],
            "resolution": None if self.resolution is None else self.resolution.to_dict(),
            "breaches": [breach.to_dict() for breach in self.breaches],
            "escalated": dict(self.escalated),
        }

    def explain(self, *, zone: str | ZoneInfo | None = None) -> str:
        """A plain-words account of every clock, fit to show a support agent or a customer.

        ``zone`` (an IANA name or a ``ZoneInfo``) shows every instant in that zone,
        the customer's, say; by default instants are in the tier calendar's zone.
        Lengths of time are real elapsed time either way.
        """
        from slaclock._display import text

        return text.explain_evaluation(self, zone=text.reading_zone(zone))


class Schedule(NamedTuple):
    """What a helpdesk stores on each ticket update to schedule its escalation job.

    ``next_due`` is when the running clock ``clock`` falls due (``None`` when
    no clock runs), ``at_risk_at`` when it crosses the tier's at-risk share,
    and ``breached_so_far`` whether any target was already missed.

    ``remaining`` is the working time left on that clock at ``at`` (negative
    once it is overdue); ``at_risk`` says it is at risk now; ``overdue`` that it
    is past due (it is then still named, with its due instant in ``next_due``);
    ``escalation`` is its next escalation level not yet reached, with the instant
    it falls on; ``next_check`` the earliest instant after ``at`` at which this
    answer changes without a new event (the at-risk share crossed, the clock
    overdue, the next escalation level reached), or ``None`` when it will not.

    A named tuple rather than a frozen dataclass: it is built on every ticket
    update, and a tuple is built in a tenth of the time.

    Attributes:
        next_due: When the running clock falls due, in the calendar's zone; ``None``
            when no clock runs (not covered, answered, resolved, or every running
            clock already breached).
        clock: Which clock that is: ``"first_reaction"``, ``"reaction"`` or
            ``"resolution"``; ``None`` with ``next_due``.
        at_risk_at: When that clock reaches the tier's at-risk share of its target
            (at or before ``at`` when it already has); ``None`` with ``next_due``.
        breached_so_far: Some target was already missed as of ``at``.
        remaining: Working time left on that clock at ``at``: negative once it is
            overdue; ``None`` with ``next_due``.
        at_risk: That clock is at risk at ``at`` (its at-risk share used, not yet due).
        overdue: That clock is past due at ``at``; it stays named in ``clock``, with
            its due instant in ``next_due``.
        escalation: Its next escalation level not yet reached and the instant it
            falls on, or ``None``.
        next_check: The earliest instant after ``at`` at which this answer changes
            without a new event (the at-risk share crossed, the clock overdue, the
            next escalation level reached), or ``None`` when it will not.
    """

    next_due: datetime | None
    clock: str | None
    at_risk_at: datetime | None
    breached_so_far: bool
    remaining: timedelta | None = None
    at_risk: bool = False
    overdue: bool = False
    escalation: tuple[str, datetime] | None = None
    next_check: datetime | None = None

    def _repr_html_(self) -> str | None:
        return repr_html(self)

    def __repr__(self) -> str:
        return short_repr(self)

    def _repr_pretty_(self, printer: Printer, cycle: bool) -> None:
        pretty_short(self, printer, cycle)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe: instants as ISO 8601 text, durations as ISO 8601 durations."""
        return {
            "next_due": _iso(self.next_due),
            "clock": self.clock,
            "at_risk_at": _iso(self.at_risk_at),
            "breached_so_far": self.breached_so_far,
            "remaining": _dur(self.remaining),
            "at_risk": self.at_risk,
            "overdue": self.overdue,
            "escalation": None
            if self.escalation is None
            else [self.escalation[0], self.escalation[1].isoformat()],
            "next_check": _iso(self.next_check),
        }
