"""``schedule``'s assessment: the running clocks, and whether any clock is late, lazily.

A ticket update needs the clock that falls due next (its due instant, what it
has used) and whether some clock has already breached, nothing about the
cycles that ended on time.  :func:`watch` answers what
:func:`~slaclock._sla.assess.assess` answers in ``WATCH`` mode, asking the
calendar only for what that needs:

* the running clocks first (a reaction cycle still open, the resolution clock),
  each measured by the shared :func:`~slaclock._sla.assess.clock_facts`;
* then, only while no clock is known to be late, the ended reaction cycles in
  order, each skipped without a calendar question when it was answered sooner
  than its target on the wall clock, and none after the first late one;
* no working-time function for instants that no clock reads.

Its ``clocks`` are the running clocks and at most one late ended cycle, and
``breaches`` counts those (``WATCH`` promises a lower bound only: whether it is
zero is what ``schedule`` reads).  Tiers with update cycles take
``assess`` itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from slaclock._sla.assess import (
    RESOLUTION,
    WATCH,
    Assessment,
    ClockFacts,
    assess,
    clock_facts,
    fold,
    pending_spans,
    resolution_stops,
)
from slaclock._sla.clocks import Span, breached, clip, due, overdue
from slaclock._sla.lifecycle import Program

if TYPE_CHECKING:
    from collections.abc import Sequence

    from slaclock._sla.incident import Memo
    from slaclock._sla.plan import Plan

__all__ = ["watch"]

_new = tuple.__new__  # on every ticket update: skip the named tuple's __new__


def watch(
    plan: Plan,
    program: Program,
    points: list[int],
    at: int,
    kept: Memo | None = None,
) -> Assessment:
    """:func:`~slaclock._sla.assess.assess` in ``WATCH`` mode, as of ``at``, computing less.

    ``points`` holds the instants of the program's ``n`` events and then ``at``.
    ``kept.ended`` keeps, with the plan, what the ended clocks come to (see
    :func:`_ended`) between calls on the same plan, program and events (``at``
    past the last event, which is all that may change): ``None`` until found.
    """
    if plan.update is not None:
        return assess(plan, program, points, at, WATCH)
    n = program.n
    pending = pending_spans(plan, program, points) if program.pending else []
    pause = plan.pause and bool(pending)
    first_target, later_target = plan.first_reaction, plan.reaction
    clocks: list[ClockFacts] = []
    late = False
    cycles = program.positions
    # Cycles follow one another, so only the last can still run.
    if cycles and cycles[-1][1] == n:
        s, _, _, _, is_first = cycles[-1]
        cycles = cycles[:-1]
        start = points[s]
        facts = clock_facts(
            plan,
            len(cycles),
            first_target if is_first else later_target,
            start,
            at,
            True,
            clip(pending, start, at) if pause else [],
            pause and program.pending_now,
            at,
            WATCH,
            True,
        )
        clocks.append(facts)
        late = bool(facts[7])
    resolution = plan.resolution
    if resolution is not None and program.since is None:
        facts = clock_facts(
            plan,
            RESOLUTION,
            resolution,
            points[0],
            at,
            True,
            resolution_stops(program, points, pending, at),
            program.pending_now,
            at,
            WATCH,
            True,
        )
        clocks.append(facts)
        late = late or bool(facts[7])
    if late:  # the answer is known to be breached: the ended clocks change nothing
        return _folded(clocks, at, plan)
    running = bool(clocks)
    if kept is None:
        clocks += _ended(plan, program, points, cycles, pending, at)[0]
    else:
        # (plan, its ended clocks, the cycles they were read from, the late one of
        # those): the memo is shared by threads, so it is replaced whole, never changed.
        found = kept.ended
        if found is None or found[0] is not plan:
            prior = None if kept.prior is None else kept.prior[1]
            if prior is not None and prior[0] is not plan:
                prior = None
            listed, late_cycle = _ended(plan, program, points, cycles, pending, at, prior)
            found = kept.ended = (plan, listed, cycles, late_cycle)
        clocks += found[1]
    if running:
        return _folded(clocks, at, plan)
    # Nothing runs: no clock is due next, and at most one is listed, late (what
    # ``fold`` would answer, without its loop).
    if not clocks:
        return _new(Assessment, (clocks, 0, 0, None, None, False, None, None, ()))
    facts = clocks[0]
    worst = overdue(facts[5], facts[1])
    return _new(Assessment, (clocks, 1, worst, None, None, False, None, None, ()))


Cycles = tuple[tuple[int, int, int, int, bool], ...]


def _ended(
    plan: Plan,
    program: Program,
    points: list[int],
    cycles: Cycles,
    pending: list[Span],
    at: int,
    prior: tuple[Plan, Sequence[ClockFacts], Cycles, ClockFacts | None] | None = None,
) -> tuple[Sequence[ClockFacts], ClockFacts | None]:
    """The ended clocks ``watch`` lists: the first late ended reaction cycle, else the late
    ended resolution clock, else none; and that late cycle, if any.

    What it finds does not depend on ``at`` once every event is known: each clock
    here ended at an event, and its stops are cut at its end.  None late (the
    usual answer) is one shared empty tuple: nothing is allocated to keep.

    ``prior`` is what this found for the log before events were appended to it
    (``Incident.with_events``).  A log is read from left to right, so the cycles
    that had ended then are the first cycles of the longer log, with the same
    event positions and the same stops (a pending span that had not ended is cut
    at each ended cycle's end either way).  When they are (checked), their first
    late cycle is still the first late one, and without one only the cycles after
    them are measured.  The resolution clock is measured afresh: appended events
    can end it, or reopen it.
    """
    begin = 0
    if prior is not None:
        _, _, before, late = prior
        if cycles[: len(before)] == before:
            if late is not None:
                return (late,), late
            begin = len(before)
    tl = plan.timeline
    pause = plan.pause and bool(pending)
    first_target, later_target = plan.first_reaction, plan.reaction
    resolution = plan.resolution
    index = begin - 1
    for s, e, _, _, is_first in cycles[begin:]:
        index += 1
        target = first_target if is_first else later_target
        start, end = points[s], points[e]
        if end - start < target:
            continue  # answered within the target on the wall clock: on time
        stops = clip(pending, start, end) if pause else []
        if stops:
            facts = clock_facts(
                plan, index, target, start, end, False, stops, False, at, WATCH, False
            )
            if facts[7]:
                return (facts,), facts
            continue
        used = tl.elapsed_us(start, end)  # W at both ends, nothing else
        found = due(tl, start, target, stops, end, used) if used == target else None
        if breached(used, target, end, end if found is None else found):
            facts = (index, target, start, end, False, used, found, True, False, stops, 0)
            return (facts,), facts
    else:
        since = program.since
        if resolution is not None and since is not None:
            end = points[since]
            facts = clock_facts(
                plan,
                RESOLUTION,
                resolution,
                points[0],
                end,
                False,
                resolution_stops(program, points, pending, end),
                False,
                at,
                WATCH,
                False,
            )
            if facts[7]:
                return (facts,), None
    return (), None


def _folded(clocks: list[ClockFacts], at: int, plan: Plan) -> Assessment:
    breaches, worst, next_due, next_clock, risky = fold(clocks, at, plan.risk)
    return _new(
        Assessment,
        (clocks, breaches, worst, next_due, next_clock, risky, None, None, ()),
    )
