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
        clocks += _ended(plan, program, points, cycles, pending, at)
    else:
        found = kept.ended  # (plan, its ended clocks): the memo is shared by threads
        if found is None or found[0] is not plan:
            found = kept.ended = (plan, _ended(plan, program, points, cycles, pending, at))
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


def _ended(
    plan: Plan,
    program: Program,
    points: list[int],
    cycles: tuple[tuple[int, int, int, int, bool], ...],
    pending: list[Span],
    at: int,
) -> Sequence[ClockFacts]:
    """The ended clocks ``watch`` lists: the first late ended reaction cycle, else the late
    ended resolution clock, else none.

    What it finds does not depend on ``at`` once every event is known: each clock
    here ended at an event, and its stops are cut at its end.  None late (the
    usual answer) is one shared empty tuple: nothing is allocated to keep.
    """
    tl = plan.timeline
    pause = plan.pause and bool(pending)
    first_target, later_target = plan.first_reaction, plan.reaction
    resolution = plan.resolution
    clocks: list[ClockFacts] = []
    index = -1
    for s, e, _, _, is_first in cycles:
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
                clocks.append(facts)
                break
            continue
        used = tl.elapsed_us(start, end)  # W at both ends, nothing else
        found = due(tl, start, target, stops, end, used) if used == target else None
        if breached(used, target, end, end if found is None else found):
            clocks.append((index, target, start, end, False, used, found, True, False, stops, 0))
            break
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
                clocks.append(facts)
    return tuple(clocks) if clocks else ()


def _folded(clocks: list[ClockFacts], at: int, plan: Plan) -> Assessment:
    breaches, worst, next_due, next_clock, risky = fold(clocks, at, plan.risk)
    return _new(
        Assessment,
        (clocks, breaches, worst, next_due, next_clock, risky, None, None, ()),
    )
