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
from slaclock._sla.clocks import Span, breached, clip, due
from slaclock._sla.lifecycle import Position, Program

if TYPE_CHECKING:
    from collections.abc import Sequence

    from slaclock._sla.incident import Memo
    from slaclock._sla.plan import Plan

__all__ = ["watch"]

_new = tuple.__new__  # on every ticket update: skip the named tuple's __new__
_NONE: list[Span] = []  # no pending spans (never changed)


def watch(
    plan: Plan,
    program: Program,
    points: list[int],
    at: int,
    kept: Memo | None = None,
) -> Assessment:
    """:func:`~slaclock._sla.assess.assess` in ``WATCH`` mode, as of ``at``, computing less.

    ``points`` holds the instants of the program's ``n`` events and then ``at``.
    ``kept.ended`` keeps what the ended clocks come to (see :func:`_ended`) between
    calls on the same plan, program and events (``at`` past the last event, which
    is all that may change): ``None`` until found.
    """
    if plan.update is not None:
        return assess(plan, program, points, at, WATCH)
    # The pending spans as instants, found once some clock stops for them.
    pending = None if program.pending else _NONE
    clocks: list[ClockFacts] = []
    late = False
    cycle = program.running
    if cycle is not None:
        s, _, _, _, is_first = cycle
        start = points[s]
        stops = []
        if plan.pause and pending is None:
            pending = pending_spans(plan, program, points)
            stops = clip(pending, start, at)
        facts = clock_facts(
            plan,
            len(program.closed),
            plan.first_reaction if is_first else plan.reaction,
            start,
            at,
            True,
            stops,
            plan.pause and program.pending_now,
            at,
            WATCH,
            True,
        )
        clocks.append(facts)
        late = bool(facts[7])
    resolution = plan.resolution
    if resolution is not None and program.since is None:
        if pending is None:
            pending = pending_spans(plan, program, points)
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
    if not late:  # else the answer is known to be breached: the ended clocks change nothing
        if kept is None:
            listed = _ended(plan, program, points, pending, at)[1]
        else:
            # The memo is shared by threads, so it is replaced whole, never changed.
            found = kept.ended
            if found is None or found[0] is not plan:
                # What the log had come to before ``with_events`` appended to it, if
                # any: a log is read from left to right, so the cycles that had ended
                # then are the first cycles of this log, with the same event positions
                # and stops (a pending span that had not ended is cut at each ended
                # cycle's end either way).  Checked, their first late cycle is still
                # the first late one (the answer found then stands), and without one
                # only the cycles after them are measured.
                prior = kept.prior  # read once: another thread may let it go meanwhile
                found = None if prior is None else prior[1]
                if (
                    found is None
                    or found[0] is not plan
                    or program.closed[: len(found[2])] != found[2]
                ):
                    found = _ended(plan, program, points, pending, at)
                elif found[3] is None:
                    found = _ended(plan, program, points, pending, at, len(found[2]))
                kept.ended = found
                kept.prior = None  # taken over: the shorter log's answers may go
            listed = found[1]
        if not clocks:
            # Nothing runs: no clock is due next, and at most one is listed, late (what
            # ``fold`` would answer, without its loop and the ``worst`` no one reads).
            return _new(Assessment, ([*listed], len(listed), 0, None, None, False, None, None, ()))
        clocks += listed
    breaches, worst, next_due, next_clock, risky = fold(clocks, at, plan.risk)
    return _new(Assessment, (clocks, breaches, worst, next_due, next_clock, risky, None, None, ()))


Cycles = tuple[Position, ...]
# What ``_ended`` finds: (the plan, the ended clocks listed, the ended cycles they
# were read from, the late one of those cycles or None).  The cycles read are the
# log's ended cycles, or a first part of them when the late one was found on a
# shorter log (``Incident.with_events``) and handed on as it was.
Ended = tuple["Plan", "Sequence[ClockFacts]", Cycles, "ClockFacts | None"]


def _ended(
    plan: Plan,
    program: Program,
    points: list[int],
    pending: list[Span] | None,
    at: int,
    begin: int = 0,
) -> Ended:
    """The ended clocks ``watch`` lists, with what they were read from: the first late
    ended reaction cycle, else the late ended resolution clock, else none.

    What it finds does not depend on ``at`` once every event is known: each clock
    here ended at an event, and its stops are cut at its end.  None late (the
    usual answer) is one shared empty tuple.  The first ``begin`` ended cycles are
    known to be on time (read on a shorter log): only those after them are
    measured.  The resolution clock is measured afresh: appended events can end
    it, or reopen it.
    """
    cycles = program.closed
    if pending is None:
        pending = pending_spans(plan, program, points)
    tl = plan.timeline
    pause = plan.pause and bool(pending)
    first_target, later_target = plan.first_reaction, plan.reaction
    resolution = plan.resolution
    index = begin - 1
    for s, e, _, _, is_first in cycles[begin:] if begin else cycles:
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
                return (plan, (facts,), cycles, facts)
            continue
        used = tl.elapsed_us(start, end)  # W at both ends, nothing else
        found = due(tl, start, target, stops, end, used) if used == target else None
        if breached(used, target, end, end if found is None else found):
            facts = (index, target, start, end, False, used, found, True, False, stops, 0)
            return (plan, (facts,), cycles, facts)
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
                return (plan, (facts,), cycles, None)
    return (plan, (), cycles, None)
