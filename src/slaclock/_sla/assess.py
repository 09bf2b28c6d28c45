"""One assessment: a log's program, its instants, a plan and ``at``, turned into facts per clock.

Every SLA answer reduces from :func:`assess`: ``evaluate`` builds its
``Evaluation`` from the facts, ``schedule`` its ``Schedule``, the row engine of
``slaclock.analysis`` a ``Summary`` row (the numpy engine runs the same rules of
:mod:`slaclock._sla.clocks` over arrays of many logs at once).

A reducer says what it needs, so that nothing is asked of the calendar that no
one reads:

* ``FULL``: every clock, with its due instant, stops and paused time;
* ``ROW``: every verdict; due instants only for the first cycle listed, for
  running clocks and for the resolution clock; a cycle answered sooner than its
  target on the wall clock (on time, whatever the calendar) after the first is
  left out;
* ``WATCH``: whether any clock is late, and the running clocks with their due
  instants; every ended cycle answered sooner than its target on the wall clock
  left out, and once one ended cycle is late, the ended cycles after it (so
  ``breaches`` is then a lower bound, not a count).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from typing import TYPE_CHECKING, NamedTuple

from slaclock._sla.clocks import (
    Span,
    at_risk,
    breached,
    clip,
    due,
    level_threshold,
    measure,
    overdue,
    reached,
    run,
)
from slaclock._sla.lifecycle import Program

if TYPE_CHECKING:
    from slaclock._sla.plan import Plan

__all__ = [
    "FULL",
    "RESOLUTION",
    "ROW",
    "UPDATE",
    "WATCH",
    "Assessment",
    "ClockFacts",
    "assess",
    "known",
]

FULL, ROW, WATCH = 0, 1, 2
RESOLUTION = -1  # the ``index`` of the resolution clock's facts
UPDATE = -2  # update cycle k (from 0) has the ``index`` UPDATE - k

# One clock's facts, as a plain tuple (a million incidents are assessed in one run):
#   index     the cycle's position in ``program.cycles``, RESOLUTION, or UPDATE - k
#             for the update cycle at position k of ``program.updates``;
#   target    µs of working time it promises;
#   start     instant it started;
#   end       instant it ended, or the horizon while it runs;
#   running   not ended by the horizon;
#   used      working time counted in [start, end] outside its stops;
#   due       its due instant (None where the reducer did not need it);
#   verdict   breached or not; None for a running clock without ``at`` (no verdict yet);
#   stopped   running but paused at the horizon (pending), so not counting down;
#   stops     the pauses it skipped, as [start, end) instants;
#   paused    working time inside its stops (FULL only, else 0).
ClockFacts = tuple[
    int, int, int, int, bool, int, "int | None", "bool | None", bool, list[Span], int
]


def known(
    kinds: Sequence[str], instants: Sequence[int], at: int | None
) -> tuple[Sequence[str], list[int]] | None:
    """The kinds known as of ``at`` and their instants with the horizon appended.

    Events after ``at`` are not known yet; one exactly at ``at`` is.  Without
    ``at`` the horizon is the last event.  ``None`` when nothing is known yet.
    """
    if at is None:
        points = list(instants)
        points.append(points[-1])
        return kinds, points
    n = bisect_right(instants, at)
    if not n:
        return None
    points = list(instants[:n])
    points.append(at)
    return (kinds if n == len(kinds) else kinds[:n]), points


class Assessment(NamedTuple):
    """What one log's clocks come to as of the horizon.

    ``clocks`` lists the facts of every clock assessed, cycles in order and then
    the update cycles in order, then the resolution clock (all of them in ``FULL``;
    the other modes leave out cycles answered within their target on the wall clock,
    except ``ROW`` on a tier with escalation levels).  The rest holds for every mode: ``breaches`` counts the breached clocks and
    ``worst`` is the largest working time past due among them; ``next_due`` is the
    earliest due instant of a running clock that is neither paused nor breached,
    and ``next_clock`` that clock's facts (a reaction cycle wins a tie with the
    resolution clock); ``at_risk`` says some such clock has used its share (with
    ``at`` only); ``first`` holds the facts of the first cycle listed (not in
    ``WATCH``) and ``resolution`` those of the resolution clock; ``reached``
    counts, per escalation level of the plan, the clocks assessed that reached it
    (not in ``WATCH``).
    """

    clocks: list[ClockFacts]
    breaches: int
    worst: int
    next_due: int | None
    next_clock: ClockFacts | None
    at_risk: bool
    first: ClockFacts | None
    resolution: ClockFacts | None
    reached: tuple[int, ...]


_new = tuple.__new__  # once per incident, a million times a run: skip the named tuple's __new__


def assess(
    plan: Plan, program: Program, points: list[int], at: int | None, need: int
) -> Assessment:
    """The clocks of a covered, valid log: reaction cycles in order, then resolution.

    ``points`` holds the instants of the program's ``n`` events and then the
    horizon (``at``, or the last event's instant) at position ``n``.
    """
    tl = plan.timeline
    n = program.n
    first_point = points[0]
    horizon = points[n]
    # W, the working time since the start of a year block, turns a clock without
    # stops inside one block into a difference and its due instant into one search.
    block = tl.block_of(first_point)
    works = block.work_many(points, program.bounds) if horizon < block.end else None
    pending = (
        [(points[s], points[e]) for s, e in program.pending]
        if program.pending and (plan.pause or plan.resolution is not None)
        else []
    )
    pause = plan.pause and bool(pending)
    stopped_now = program.pending_now
    full = need == FULL
    first_listed = need != WATCH  # the first cycle listed is reported whatever it took
    levels = plan.levels if first_listed else ()
    # Counting the levels reached needs every clock, also those answered early.
    full_list = full or bool(levels)
    # Watching needs only whether some clock is late: once an ended cycle is, the
    # verdicts of the ended cycles after it change nothing.
    late_seen = False
    first_target, later_target = plan.first_reaction, plan.reaction
    share = plan.risk
    clocks: list[ClockFacts] = []
    breaches = worst = 0
    next_due: int | None = None
    next_clock = first = resolution = None
    risky = False
    stops: list[Span] = []
    index = -1
    for s, e, ws, we, is_first in program.positions:
        index += 1
        target = first_target if is_first else later_target
        start, end = points[s], points[e]
        running = e == n
        wanted = first_listed and not index
        if not (running or full_list or wanted) and (end - start < target or late_seen):
            continue  # answered within the target on the wall clock: on time
        if pause:
            stops = clip(pending, start, end)
        paused = 0
        found: int | None = None
        if full:
            found, used, paused = run(tl, start, target, stops, end)
        elif stops or works is None:
            used = measure(tl, start, end, stops)[0]
        else:
            start_work = works[ws]
            used = works[we] - start_work
            if (
                target > 0
                and start_work + target <= block.total
                and (used == target or running or wanted)
            ):
                found = block.instant_at(start_work + target)
        stopped = running and pause and stopped_now
        if running and at is None:
            verdict: bool | None = None
        else:
            if found is None and used == target:
                found = due(tl, start, target, stops, end, used)
            # ``found`` is missing only where used != target, where due does not matter.
            verdict = breached(used, target, end, end if found is None else found)
        if found is None and ((running and not verdict and not stopped) or wanted):
            found = due(tl, start, target, stops, end, used)
        facts = (index, target, start, end, running, used, found, verdict, stopped, stops, paused)
        clocks.append(facts)
        # The verdicts every answer needs, folded as each cycle is assessed (the
        # clocks after the cycles are folded below, in the same way).
        if verdict:
            breaches += 1
            late = overdue(used, target)
            if late > worst:
                worst = late
            if not first_listed:
                late_seen = True
        elif running:
            if not stopped and (next_due is None or found < next_due):  # type: ignore[operator]
                next_due, next_clock = found, facts
            if at is not None and at_risk(used, target, share):
                risky = True
        if not index:
            first = facts
    folded = len(clocks)
    if plan.update is not None:
        target = plan.update
        k = -1
        for span in program.updates:
            k += 1
            start, end = points[span.start], points[span.end]
            running = span.end == n
            if not (running or full_list) and (end - start < target or late_seen):
                continue  # answered within the target on the wall clock: on time
            facts = _clock(
                plan,
                UPDATE - k,
                target,
                start,
                end,
                running,
                clip(pending, start, end) if pause else [],
                running and pause and stopped_now,
                at,
                need,
                full or running,
            )
            clocks.append(facts)
            if facts[7] and not first_listed:
                late_seen = True
    if plan.resolution is not None:
        since = program.since
        running = since is None
        clock_end = horizon if running else points[since]  # type: ignore[index]
        stops = clip(pending, first_point, clock_end)
        if program.resolved:
            stops += clip(
                [(points[s], points[e]) for s, e in program.resolved], first_point, clock_end
            )
            stops.sort()
        resolution = _clock(
            plan,
            RESOLUTION,
            plan.resolution,
            first_point,
            clock_end,
            running,
            stops,
            running and stopped_now,
            at,
            need,
            need != WATCH or running,
        )
        clocks.append(resolution)
    # The verdicts of the update cycles and the resolution clock, folded as the cycles' were.
    for facts in clocks[folded:] if len(clocks) > folded else ():
        _, target, _, _, running, used, found, verdict, stopped, _, _ = facts
        if verdict:
            breaches += 1
            late = overdue(used, target)
            if late > worst:
                worst = late
        elif running:
            if not stopped and (next_due is None or found < next_due):  # type: ignore[operator]
                next_due, next_clock = found, facts
            if at is not None and at_risk(used, target, share):
                risky = True
    counts: tuple[int, ...] = ()
    if levels:
        counts = tuple(
            sum(reached(facts[5], level_threshold(facts[1], level)) for facts in clocks)
            for level in levels
        )
    return _new(
        Assessment,
        (clocks, breaches, worst, next_due, next_clock, risky, first, resolution, counts),
    )


def _clock(
    plan: Plan,
    index: int,
    target: int,
    start: int,
    end: int,
    running: bool,
    stops: list[Span],
    stopped: bool,
    at: int | None,
    need: int,
    want_due: bool,
) -> ClockFacts:
    """The facts of a clock measured on its stops (the resolution clock, an update cycle).

    ``want_due``: find its due instant even where the verdict does not need it.
    """
    tl = plan.timeline
    paused = 0
    found: int | None
    if need == FULL:
        found, used, paused = run(tl, start, target, stops, end)
    else:
        used = measure(tl, start, end, stops)[0]
        found = due(tl, start, target, stops, end, used) if (want_due or used == target) else None
    verdict = (
        None
        if running and at is None
        else breached(used, target, end, end if found is None else found)
    )
    return (index, target, start, end, running, used, found, verdict, stopped, stops, paused)
