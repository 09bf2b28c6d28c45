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
  ``breaches`` is then a lower bound, not a count, and ``worst`` is not promised:
  no one reads it).  ``schedule`` reads it through
  :func:`slaclock._sla.watch.watch`, which computes less for the same answer and
  takes this mode itself only for tiers with update cycles.
"""

from __future__ import annotations

import dataclasses
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
    "assess_tiers",
    "clock_facts",
    "fold",
    "known",
    "pending_spans",
    "resolution_stops",
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
    pending = pending_spans(plan, program, points) if program.pending else []
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
    first = resolution = None
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
        if verdict and not first_listed:
            late_seen = True
        if not index:
            first = facts
    if plan.update is not None:
        target = plan.update
        k = -1
        for span in program.updates:
            k += 1
            start, end = points[span.start], points[span.end]
            running = span.end == n
            if not (running or full_list) and (end - start < target or late_seen):
                continue  # answered within the target on the wall clock: on time
            facts = clock_facts(
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
        resolution = clock_facts(
            plan,
            RESOLUTION,
            plan.resolution,
            first_point,
            clock_end,
            running,
            resolution_stops(program, points, pending, clock_end),
            running and stopped_now,
            at,
            need,
            need != WATCH or running,
        )
        clocks.append(resolution)
    breaches, worst, next_due, next_clock, risky = fold(clocks, at, share)
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


def pending_spans(plan: Plan, program: Program, points: list[int]) -> list[Span]:
    """The log's pending spans as instants, where some clock stops for them (else none)."""
    if program.pending and (plan.pause or plan.resolution is not None):
        return [(points[s], points[e]) for s, e in program.pending]
    return []


def resolution_stops(
    program: Program, points: list[int], pending: list[Span], end: int
) -> list[Span]:
    """The resolution clock's stops up to ``end``: the pending spans and the resolved ones."""
    first_point = points[0]
    stops = clip(pending, first_point, end)
    if program.resolved:
        stops += clip([(points[s], points[e]) for s, e in program.resolved], first_point, end)
        stops.sort()
    return stops


def fold(
    clocks: list[ClockFacts], at: int | None, share: tuple[int, int]
) -> tuple[int, int, int | None, ClockFacts | None, bool]:
    """The verdicts every answer needs, folded once over the clocks assessed.

    Breaches, the worst working time past due, the next due instant and its
    clock (the first listed wins a tie), and whether some running clock is at
    risk: the fields of :class:`Assessment` of those names.
    """
    breaches = worst = 0
    next_due: int | None = None
    next_clock = None
    risky = False
    for facts in clocks:
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
    return breaches, worst, next_due, next_clock, risky


def clock_facts(
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


def assess_tiers(
    plans: Sequence[Plan],
    covered: Sequence[bool],
    program: Program,
    points: list[int],
    at: int | None,
    need: int,
) -> tuple[Assessment, list[Plan]]:
    """:func:`assess` for a log that changes tier: each clock on the tier it ends on.

    ``plans[k]`` is the plan in force after the program's first ``k`` tier
    changes (``plans[0]`` the incident's own), and ``covered[k]`` whether that
    tier covers the incident.  A clock that ends at position ``e`` (a running one:
    at the horizon) is measured whole, from its own start, on
    ``plans[program.segment(e)]``, and left out when that tier does not cover the
    incident.  So a cycle answered before a change keeps its verdict, a running
    one is re-targeted, and every running clock is on the last plan.  Each
    plan's clocks are assessed by :func:`assess` itself, and the answers merged:
    the clocks in the usual order (the facts' indexes are the program's), with
    the plan of each clock in the second list.
    ``reached`` counts per escalation level of the last plan, each clock on its
    own tier's levels of the same name.
    """
    last = len(plans) - 1
    assert last == len(program.changes)
    cycles: dict[int, list[int]] = {}
    updates: dict[int, list[int]] = {}
    for i, cycle in enumerate(program.cycles):
        cycles.setdefault(program.segment(cycle.end), []).append(i)
    for k, update in enumerate(program.updates):
        updates.setdefault(program.segment(update.end), []).append(k)
    ends = program.n if program.since is None else program.since
    resolution_on = program.segment(ends)
    merged: list[tuple[tuple[int, int], ClockFacts, Plan]] = []
    breaches = worst = 0
    risky = False
    best: tuple[int, tuple[int, int]] | None = None  # (next due, order) of the best clock
    best_facts: ClockFacts | None = None
    counts = dict.fromkeys(plans[last].level_names, 0)
    for k in sorted(set(cycles) | set(updates) | {resolution_on}):
        if not covered[k]:
            continue
        plan = plans[k]
        if k != resolution_on and plan.resolution is not None:
            plan = dataclasses.replace(plan, resolution=None)
        own_cycles = cycles.get(k, [])
        own_updates = updates.get(k, [])
        sub = dataclasses.replace(
            program,
            cycles=tuple(program.cycles[i] for i in own_cycles),
            updates=tuple(program.updates[j] for j in own_updates),
            changes=(),
        )
        assessed = assess(plan, sub, points, at, need)
        for facts in assessed.clocks:
            index = facts[0]
            if index >= 0:
                index = own_cycles[index]
            elif index <= UPDATE:
                index = UPDATE - own_updates[UPDATE - index]
            moved: ClockFacts = (index, *facts[1:])
            merged.append((_order(index), moved, plan))
            if facts is assessed.next_clock:
                rank = (assessed.next_due, _order(index))
                if best is None or rank < best:  # a reaction cycle wins a tie, as in assess
                    best, best_facts = rank, moved  # type: ignore[assignment]
        breaches += assessed.breaches
        worst = max(worst, assessed.worst)
        risky = risky or assessed.at_risk
        for name, count in zip(plan.level_names, assessed.reached, strict=False):
            if name in counts:
                counts[name] += count
    merged.sort(key=lambda item: item[0])
    clocks = [facts for _, facts, _ in merged]
    first = next((facts for facts in clocks if facts[0] == 0), None)
    resolution = next((facts for facts in clocks if facts[0] == RESOLUTION), None)
    reached_counts = tuple(counts.values()) if need != WATCH else ()
    assessment = _new(
        Assessment,
        (
            clocks,
            breaches,
            worst,
            None if best is None else best[0],
            best_facts,
            risky,
            first,
            resolution,
            reached_counts,
        ),
    )
    return assessment, [plan for _, _, plan in merged]


def _order(index: int) -> tuple[int, int]:
    """Where a clock's facts are listed: cycles in order, then update cycles, then resolution."""
    if index >= 0:
        return 0, index
    if index <= UPDATE:
        return 1, UPDATE - index
    return 2, 0
