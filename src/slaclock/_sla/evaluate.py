"""Replaying an incident's event log on a tier: reaction cycles, resolution, breaches.

The replay works on integer microseconds and the calendar's compiled timeline
(a couple of binary searches per clock), so :func:`schedule` can run on every
ticket update and :func:`evaluate` over millions of incidents.  The rules are
DESIGN §4; the choices it leaves open are written down in
``docs/semantics-sla.md``:

* a cycle starts at ``opened`` (unless an agent opened it), and at a
  ``customer_message`` or ``reopened`` when none is running; it ends at the next
  ``agent_reply``, or at ``resolved``/``closed`` when those come first (the
  resolution is the reaction; a late one is still a breach);
* under the ``restart_on_message`` rule a customer message ends the running
  cycle as *superseded* (kept, with its own verdict) and starts a new one, which
  stays the first response while no answer has been given;
* pending pauses reaction cycles only with ``pause_reaction_when_pending``;
  pending ends at the next customer message, ``resolved`` or ``closed``;
* a clock stopped at the evaluation instant projects its due instant as if it
  resumed then.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from slaclock._calendar.instants import from_us, td_from_us, td_to_us, to_us
from slaclock._sla.incident import Incident
from slaclock._sla.result import Breach, Cycle, Evaluation, ResolutionClock, Schedule
from slaclock._sla.tier import CYCLE_RULES, Tier
from slaclock.errors import SlaclockTypeError, SlaclockValueError

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from slaclock._calendar.timeline import Timeline

__all__ = ["evaluate", "schedule"]

Span = tuple[int, int]


# --------------------------------------------------------------------------- replay


@dataclass(slots=True)
class _RawCycle:
    start: int
    first: bool
    started_by: str
    end: int | None = None
    ended_by: str | None = None


@dataclass(slots=True)
class _Replay:
    """The event log folded into integer intervals, as of the horizon."""

    horizon: int
    opened: int | None = None
    cycles: list[_RawCycle] = field(default_factory=list)
    # [start, end) intervals; end None = still going at the horizon.
    pending: list[list[int | None]] = field(default_factory=list)
    resolved: list[list[int | None]] = field(default_factory=list)
    resolved_by: str | None = None


def _replay(incident: Incident, at: int | None, *, restart: bool) -> _Replay | None:
    events = list(zip(incident._us, incident.events, strict=True))
    if at is not None:
        # Events after ``at`` are not known yet; one exactly at ``at`` is.
        events = [(t, e) for t, e in events if t <= at]
    if not events:
        return None
    state = _Replay(horizon=at if at is not None else events[-1][0])
    running: _RawCycle | None = None

    def start_cycle(t: int, by: str) -> None:
        nonlocal running
        # Still the first response while every earlier cycle was only superseded.
        first = all(c.ended_by == "superseded" for c in state.cycles)
        running = _RawCycle(start=t, first=first, started_by=by)
        state.cycles.append(running)

    def end_cycle(t: int, how: str) -> None:
        nonlocal running
        if running is not None:
            running.end, running.ended_by = t, how
            running = None

    def end_pending(t: int) -> None:
        if state.pending and state.pending[-1][1] is None:
            state.pending[-1][1] = t

    for t, event in events:
        kind = event.kind
        if kind == "opened":
            state.opened = t
            if event.by != "agent":
                start_cycle(t, "opened")
        elif kind == "customer_message":
            end_pending(t)
            if running is None:
                start_cycle(t, "customer_message")
            elif restart:
                end_cycle(t, "superseded")
                start_cycle(t, "customer_message")
        elif kind == "agent_reply":
            end_cycle(t, "agent_reply")
        elif kind == "pending":
            if not (state.pending and state.pending[-1][1] is None):
                state.pending.append([t, None])
        elif kind in ("resolved", "closed"):
            end_pending(t)
            end_cycle(t, kind)
            if not (state.resolved and state.resolved[-1][1] is None):
                state.resolved.append([t, None])
                state.resolved_by = kind
        elif kind == "reopened":
            if state.resolved and state.resolved[-1][1] is None:
                state.resolved[-1][1] = t
                state.resolved_by = None
            if running is None:
                start_cycle(t, "reopened")
    return state


def _clip(intervals: list[list[int | None]], lo: int, hi: int) -> list[Span]:
    """Intervals cut to ``[lo, hi]``; an open end runs to ``hi``."""
    out = []
    for s, e in intervals:
        assert s is not None
        end = hi if e is None else min(e, hi)
        start = max(s, lo)
        if start < end:
            out.append((start, end))
    return out


# --------------------------------------------------------------------------- flat replay


# What :func:`fold` returns, a plain tuple because it is built on every ticket update:
# (horizon, opened, cycles, pending, pending_now, resolved, resolved_since, resolved_by).
# Each cycle is ``[start, end, first, superseded]``: ``end`` is ``None`` while it runs
# at the horizon, ``first`` says it is the first response, ``superseded`` that it ended
# under the restart rule.  ``pending`` holds ``[start, end]`` spans (``end`` ``None``
# while pending at the horizon); ``resolved`` the finished resolved spans and
# ``resolved_since`` the start of an unfinished one.
Fold = tuple[
    int,
    int,
    list[list[Any]],
    list[list[int | None]],
    bool,
    list[list[int | None]],
    int | None,
    str | None,
]


def fold(
    kinds: Sequence[str], times: Sequence[int], agent_opened: bool, at: int | None, restart: bool
) -> Fold | None:
    """Replay a valid event log (kinds and instants in time order) up to ``at``.

    The rules of :func:`_replay` exactly, without an object per cycle.
    """
    if at is not None:
        # Events after ``at`` are not known yet; one exactly at ``at`` is.
        n = bisect_right(times, at)
        if not n:
            return None
        horizon = at
        if n < len(times):
            kinds, times = kinds[:n], times[:n]
    else:
        horizon = times[-1]
    cycles: list[list[Any]] = []
    pending: list[list[int | None]] = []
    resolved: list[list[int | None]] = []
    running: list[Any] | None = None
    pending_since: int | None = None
    resolved_since: int | None = None
    resolved_by: str | None = None
    answered = False
    for kind, t in zip(kinds, times, strict=True):
        if kind == "agent_reply":
            if running is not None:
                running[1] = t
                running = None
                answered = True
            continue
        if kind == "customer_message":
            if pending_since is not None:
                pending.append([pending_since, t])
                pending_since = None
            if running is not None:
                if not restart:
                    continue
                running[1] = t
                running[3] = True
        elif kind == "opened":
            if agent_opened:
                continue
        elif kind == "pending":
            if pending_since is None:
                pending_since = t
            continue
        elif kind == "resolved" or kind == "closed":
            if pending_since is not None:
                pending.append([pending_since, t])
                pending_since = None
            if running is not None:
                running[1] = t
                running = None
                answered = True
            if resolved_since is None:
                resolved_since, resolved_by = t, kind
            continue
        elif kind == "reopened":
            if resolved_since is not None:
                resolved.append([resolved_since, t])
                resolved_since = resolved_by = None
            if running is not None:
                continue
        else:  # work_logged
            continue
        # A cycle starts here: still the first response while none was answered.
        running = [t, None, not answered, False]
        cycles.append(running)
    if pending_since is not None:
        pending.append([pending_since, None])
    return (
        horizon,
        times[0],
        cycles,
        pending,
        pending_since is not None,
        resolved,
        resolved_since,
        resolved_by,
    )


@dataclass(frozen=True, slots=True)
class Plan:
    """A tier's options and targets as integers, prepared once for the hot paths."""

    tier: Tier
    timeline: Timeline
    zone: ZoneInfo
    restart: bool
    pause: bool
    reaction: int
    first_reaction: int
    resolution: int | None
    risk: tuple[int, int]  # the at-risk share as (numerator, denominator)
    # Coverage answers by (type, third_party, channel): a handful of keys per tier.
    coverage: dict[tuple[str, bool, str | None], str | None] = field(
        default_factory=dict, compare=False
    )

    @classmethod
    def of(cls, tier: Tier, *, cycle_rule: str | None = None, pause: bool | None = None) -> Plan:
        restart, pause_flag = _options(tier, cycle_rule, pause)
        return cls(
            tier,
            tier.calendar.timeline,
            tier.calendar.zone,
            restart,
            pause_flag,
            td_to_us(tier.reaction),
            td_to_us(tier.first_reaction_target),
            None if tier.resolution is None else td_to_us(tier.resolution),
            (tier.at_risk.numerator, tier.at_risk.denominator),
        )

    def covers(self, incident_type: str, third_party: bool, channel: str | None) -> str | None:
        """:meth:`Tier.covers`, remembered (call it only with a valid type and channel).

        The fast JSON reader of :mod:`slaclock.analysis` takes a hit in ``coverage``
        as proof that the type and channel are valid.
        """
        key = (incident_type, third_party, channel)
        try:
            return self.coverage[key]
        except KeyError:
            reason = self.coverage[key] = self.tier.covers(
                type=incident_type, third_party=third_party, channel=channel
            )
            return reason


_PLANS: dict[int, Plan] = {}
_UNKNOWN = "not yet asked"  # a coverage answer not in the memo yet (real ones are None or text)


def plan_of(tier: Tier) -> Plan:
    """The tier's :class:`Plan` with its own options, cached by identity (tiers are immutable)."""
    found = _PLANS.get(id(tier))
    if found is not None and found.tier is tier:
        return found
    if len(_PLANS) >= 64:  # many short-lived what-if tiers: keep the cache small
        _PLANS.clear()
    found = _PLANS[id(tier)] = Plan.of(tier)
    return found


def measure(tl: Timeline, start: int, end: int, stops: list[Span]) -> tuple[int, int]:
    """Working time a clock counted in ``[start, end]`` outside ``stops``, and the time paused.

    The same sums as :func:`_run` without looking for the due instant: one
    ``elapsed_us`` when there are no stops.
    """
    if not stops:
        return (tl.elapsed_us(start, end) if end > start else 0), 0
    used = paused = 0
    cursor = start
    for s, e in stops:
        if s > cursor:
            used += tl.elapsed_us(cursor, s)
        paused += tl.elapsed_us(max(s, cursor), e)
        cursor = max(cursor, e)
    if end > cursor:
        used += tl.elapsed_us(cursor, end)
    return used, paused


def due_of(tl: Timeline, start: int, target: int, stops: list[Span], end: int, used: int) -> int:
    """:func:`_run`'s due instant, knowing ``used`` (what :func:`measure` counted up to ``end``)."""
    if used < target:  # not reached by ``end``: projected from there
        return tl.deadline_us(end, target - used)
    if not stops:
        return tl.deadline_us(start, target) if target > 0 else start
    return _run(tl, start, target, stops, end).due


def late(tl: Timeline, start: int, target: int, stops: list[Span], end: int, used: int) -> bool:
    """``end > due`` without finding ``due`` unless ``used == target``.

    The counted time grows by at most 1 µs per µs, so more than ``target`` at
    ``end`` means the target was reached before ``end``, less means after; at
    exactly ``target`` the clock may have stopped counting (after hours, paused)
    before ``end``, and only the due instant tells.
    """
    if used != target:
        return used > target
    return end > due_of(tl, start, target, stops, end, used)


# --------------------------------------------------------------------------- clocks


@dataclass(frozen=True, slots=True)
class _Run:
    due: int
    used: int
    paused: int


def _run(tl: Timeline, start: int, target: int, stops: list[Span], end: int) -> _Run:
    """Run a clock from ``start`` to ``end``, not counting ``stops``; find when it reaches ``target``.

    ``due`` is the earliest instant at which ``target`` working time has been
    counted; when that lies past ``end`` it is projected from ``end`` as if the
    clock ran on (resumed at ``end`` if it was stopped then).
    """
    used = paused = 0
    cursor = start
    due: int | None = start if target <= 0 else None
    for s, e in stops:
        if s > cursor:
            part = tl.elapsed_us(cursor, s)
            if due is None and used + part >= target:
                due = tl.deadline_us(cursor, target - used)
            used += part
        paused += tl.elapsed_us(max(s, cursor), e)
        cursor = max(cursor, e)
    part = tl.elapsed_us(cursor, end) if end > cursor else 0
    if due is None and used + part >= target:
        due = tl.deadline_us(cursor, target - used)
    used += part
    if due is None:
        due = tl.deadline_us(end, target - used)
    return _Run(due=due, used=used, paused=paused)


def _at_risk(used: int, target: int, tier: Tier) -> bool:
    share = tier.at_risk
    return used * share.denominator >= target * share.numerator


def _threshold(target: int, tier: Tier) -> int:
    """The first whole microsecond of used time at which a clock is at risk."""
    share = tier.at_risk
    return -(-target * share.numerator // share.denominator)


# --------------------------------------------------------------------------- core


@dataclass(frozen=True, slots=True)
class _CycleState:
    raw: _RawCycle
    index: int
    target: int
    target_name: str
    stops: list[Span]
    run: _Run
    stopped: bool  # paused at the horizon, so not counting down
    breached: bool | None  # None: no verdict (open, no ``at``)


@dataclass(frozen=True, slots=True)
class _ResolutionState:
    start: int
    end: int | None
    ended_by: str | None
    target: int
    stops: list[Span]
    run: _Run
    stopped: bool
    breached: bool | None


def _options(tier: Tier, cycle_rule: str | None, pause: bool | None) -> tuple[bool, bool]:
    rule = tier.cycle_rule if cycle_rule is None else cycle_rule
    if rule not in CYCLE_RULES:
        raise SlaclockValueError(
            f"cycle_rule={rule!r}; expected one of {', '.join(map(repr, CYCLE_RULES))}"
        )
    pause_flag = tier.pause_reaction_when_pending if pause is None else pause
    if not isinstance(pause_flag, bool):
        raise SlaclockTypeError(
            f"pause_reaction_when_pending={pause!r}; expected True, False or None (the tier's)"
        )
    return rule == "restart_on_message", pause_flag


def _check_subjects(incident: object, tier: object) -> None:
    if not isinstance(incident, Incident):
        raise SlaclockTypeError(
            f"expected a slaclock.Incident, got {incident!r}; build one with Incident.from_dict"
        )
    if not isinstance(tier, Tier):
        raise SlaclockTypeError(
            f"expected a slaclock Tier, got {tier!r}; take one from a catalog, "
            "e.g. default_catalog().tiers['SLA-2']"
        )


def _core(
    incident: Incident, tier: Tier, at: int | None, *, restart: bool, pause: bool
) -> tuple[_Replay | None, list[_CycleState], _ResolutionState | None]:
    replay = _replay(incident, at, restart=restart)
    if replay is None:
        return None, [], None
    tl = tier.calendar.timeline
    pending_now = bool(replay.pending) and replay.pending[-1][1] is None
    cycles = []
    for index, raw in enumerate(replay.cycles, start=1):
        if raw.first:
            target, name = td_to_us(tier.first_reaction_target), "first_reaction"
        else:
            target, name = td_to_us(tier.reaction), "reaction"
        cycle_end = raw.end if raw.end is not None else replay.horizon
        stops = _clip(replay.pending, raw.start, cycle_end) if pause else []
        run = _run(tl, raw.start, target, stops, cycle_end)
        stopped = raw.end is None and pause and pending_now
        if raw.end is not None:
            breached: bool | None = raw.end > run.due
        elif at is not None:
            breached = at > run.due
        else:
            breached = None
        cycles.append(_CycleState(raw, index, target, name, stops, run, stopped, breached))
    resolution = None
    if tier.resolution is not None and replay.opened is not None:
        target = td_to_us(tier.resolution)
        last = replay.resolved[-1] if replay.resolved else None
        end: int | None = None
        ended_by = None
        gaps = replay.resolved
        if last is not None and last[1] is None:
            end, ended_by = last[0], replay.resolved_by
            gaps = replay.resolved[:-1]
        clock_end = end if end is not None else replay.horizon
        stops = sorted(
            _clip(replay.pending, replay.opened, clock_end) + _clip(gaps, replay.opened, clock_end)
        )
        run = _run(tl, replay.opened, target, stops, clock_end)
        if end is not None:
            res_breached: bool | None = end > run.due
        elif at is not None:
            res_breached = at > run.due
        else:
            res_breached = None
        resolution = _ResolutionState(
            replay.opened,
            end,
            ended_by,
            target,
            stops,
            run,
            end is None and pending_now,
            res_breached,
        )
    return replay, cycles, resolution


# --------------------------------------------------------------------------- public


def evaluate(
    incident: Incident,
    tier: Tier,
    *,
    at: datetime | None = None,
    cycle_rule: str | None = None,
    pause_reaction_when_pending: bool | None = None,
) -> Evaluation:
    """Replay ``incident`` on ``tier`` as of ``at``: every reaction cycle, resolution, breaches.

    Events after ``at`` are ignored; without ``at`` every event counts and open
    clocks carry no verdict.  ``cycle_rule`` and ``pause_reaction_when_pending``
    override the tier's options.

    >>> from slaclock import Incident, default_catalog
    >>> inc = Incident.from_dict({"id": "INC-7", "type": "failure", "channel": "portal",
    ...     "events": [{"type": "opened", "at": "2026-11-27T17:30:00+03:00"},
    ...                {"type": "agent_reply", "at": "2026-11-30T10:20:00+03:00"}]})
    >>> result = evaluate(inc, default_catalog().tiers["SLA-2"])
    >>> result.cycles[0].due.isoformat(), result.breached
    ('2026-11-30T11:30:00+03:00', False)
    """
    _check_subjects(incident, tier)
    restart, pause = _options(tier, cycle_rule, pause_reaction_when_pending)
    at_us = None if at is None else to_us(at, name="at")
    zone = tier.calendar.zone
    at_local = None if at is None else at.astimezone(zone)
    reason = tier.covers(
        type=incident.type, third_party=incident.third_party, channel=incident.channel
    )
    if reason is not None:
        return Evaluation(
            incident=incident.id,
            tier=tier.id,
            covered=False,
            reason=reason,
            cycles=(),
            resolution=None,
            breached=False,
            breaches=(),
            next_due=None,
            remaining=None,
            at=at_local,
        )
    _, states, res_state = _core(incident, tier, at_us, restart=restart, pause=pause)

    def local(us: int) -> datetime:
        return from_us(us, zone)

    def spans(stops: list[Span]) -> tuple[tuple[datetime, datetime], ...]:
        return tuple((local(s), local(e)) for s, e in stops)

    cycles = []
    breaches = []
    candidates: list[int] = []
    for st in states:
        raw, run = st.raw, st.run
        overdue = max(run.used - st.target, 0) if st.breached else 0
        at_risk = bool(
            raw.end is None
            and at_us is not None
            and not st.breached
            and _at_risk(run.used, st.target, tier)
        )
        status = _cycle_status(st, at_risk)
        cycles.append(
            Cycle(
                index=st.index,
                start=local(raw.start),
                due=local(run.due),
                answered=None
                if raw.end is None or raw.ended_by == "superseded"
                else local(raw.end),
                target=td_from_us(st.target),
                taken=td_from_us(run.used),
                breached=bool(st.breached),
                overdue=td_from_us(overdue),
                at_risk=at_risk,
                paused=td_from_us(run.paused),
                first=raw.first,
                status=status,
                target_name=st.target_name,
                started_by=raw.started_by,
                end=None if raw.end is None else local(raw.end),
                ended_by=raw.ended_by,
                tier=tier.id,
                pauses=spans(st.stops),
                calendar=tier.calendar,
            )
        )
        if st.breached:
            breaches.append(
                Breach(
                    at=local(run.due),
                    cycle=st.index,
                    tier=tier.id,
                    target=st.target_name,
                    duration=td_from_us(st.target),
                    late=td_from_us(overdue),
                    late_wall=(
                        None
                        if raw.end is None or raw.ended_by == "superseded"
                        else td_from_us(raw.end - run.due)
                    ),
                )
            )
        if raw.end is None and not st.stopped and not st.breached:
            candidates.append(run.due)
    resolution = None
    if res_state is not None:
        run = res_state.run
        overdue = max(run.used - res_state.target, 0) if res_state.breached else 0
        at_risk = bool(
            res_state.end is None
            and at_us is not None
            and not res_state.breached
            and _at_risk(run.used, res_state.target, tier)
        )
        resolution = ResolutionClock(
            start=local(res_state.start),
            due=local(run.due),
            resolved=None if res_state.end is None else local(res_state.end),
            target=td_from_us(res_state.target),
            used=td_from_us(run.used),
            paused=td_from_us(run.paused),
            breached=bool(res_state.breached),
            overdue=td_from_us(overdue),
            at_risk=at_risk,
            status=_clock_status(
                res_state.end is not None, res_state.breached, res_state.stopped, at_risk
            ),
            ended_by=res_state.ended_by,
            tier=tier.id,
            pauses=spans(res_state.stops),
            calendar=tier.calendar,
        )
        if res_state.breached:
            breaches.append(
                Breach(
                    at=local(run.due),
                    cycle=None,
                    tier=tier.id,
                    target="resolution",
                    duration=td_from_us(res_state.target),
                    late=td_from_us(overdue),
                    late_wall=None
                    if res_state.end is None
                    else td_from_us(res_state.end - run.due),
                )
            )
        if res_state.end is None and not res_state.stopped and not res_state.breached:
            candidates.append(run.due)
    next_due = min(candidates) if candidates else None
    remaining = None
    if next_due is not None and at_us is not None:
        remaining = td_from_us(tier.calendar.timeline.elapsed_us(at_us, next_due))
    breaches.sort(key=lambda b: (b.at, b.cycle is None, b.cycle or 0))
    return Evaluation(
        incident=incident.id,
        tier=tier.id,
        covered=True,
        reason=None,
        cycles=tuple(cycles),
        resolution=resolution,
        breached=bool(breaches),
        breaches=tuple(breaches),
        next_due=None if next_due is None else local(next_due),
        remaining=remaining,
        at=at_local,
    )


def _cycle_status(st: _CycleState, at_risk: bool) -> str:
    if st.raw.ended_by == "superseded":
        return "superseded"
    return _clock_status(st.raw.end is not None, st.breached, st.stopped, at_risk)


def _clock_status(ended: bool, breached: bool | None, stopped: bool, at_risk: bool) -> str:
    if ended:
        return "late" if breached else "met"
    if breached is None:
        return "open"
    if breached:
        return "overdue"
    if stopped:
        return "paused"
    return "at_risk" if at_risk else "running"


def schedule(incident: Incident, tier: Tier, *, at: datetime) -> Schedule:
    """What to store on a ticket update: the next due instant, its clock, the at-risk instant.

    Cheap enough for every update: it replays the log on integers and asks the
    calendar a few questions per clock, building no explanation.

    >>> from slaclock import Incident, default_catalog
    >>> from datetime import datetime, timezone
    >>> inc = Incident.from_dict({"id": "INC-8", "type": "failure", "channel": "portal",
    ...     "events": [{"type": "opened", "at": "2026-11-27T17:30:00+03:00"}]})
    >>> s = schedule(inc, default_catalog().tiers["SLA-2"],
    ...              at=datetime(2026, 11, 27, 15, 0, tzinfo=timezone.utc))
    >>> s.clock, s.next_due.isoformat(), s.at_risk_at.isoformat()
    ('first_reaction', '2026-11-30T11:30:00+03:00', '2026-11-30T11:00:00+03:00')
    """
    if not (isinstance(incident, Incident) and isinstance(tier, Tier)):
        _check_subjects(incident, tier)
    if at is None:
        raise SlaclockTypeError("schedule() needs at=, the instant of the ticket update")
    plan = _PLANS.get(id(tier))
    if plan is None or plan.tier is not tier:
        plan = plan_of(tier)
    at_us = to_us(at, name="at")
    scope = (incident.type, incident.third_party, incident.channel)
    reason = plan.coverage.get(scope, _UNKNOWN)
    if reason is _UNKNOWN:
        reason = plan.covers(*scope)
    if reason is not None:
        return _NOTHING_DUE
    log = fold(incident._kinds, incident._us, incident.events[0].by == "agent", at_us, plan.restart)
    if log is None:
        return _NOTHING_DUE
    _, opened, cycles, pending, pending_now, resolved, since, _ = log
    tl = plan.timeline
    pause = plan.pause
    breached = False
    # due, clock, start, stops, target, used of the clock to watch
    best: tuple[int, str, int, list[Span], int, int] | None = None
    stops: list[Span] = []
    # Walk back from the running cycle: once one closed cycle is late, the others'
    # verdicts change nothing, so most calls ask the calendar once or twice.
    for start, end, first, _ in reversed(cycles):
        if end is not None and breached:
            break
        target = plan.first_reaction if first else plan.reaction
        if end is not None and end - start < target:
            continue  # answered within the target on the wall clock: on time
        cycle_end = at_us if end is None else end
        if pause:
            stops = _clip(pending, start, cycle_end)
            used = measure(tl, start, cycle_end, stops)[0]
        else:  # inlined measure() and late(): this loop is the hot path
            used = tl.elapsed_us(start, cycle_end) if cycle_end > start else 0
        if used > target or (
            used == target and cycle_end > due_of(tl, start, target, stops, cycle_end, used)
        ):
            breached = True
        elif end is None and not (pause and pending_now):
            due = due_of(tl, start, target, stops, cycle_end, used)
            best = (due, "first_reaction" if first else "reaction", start, stops, target, used)
    if plan.resolution is not None:
        target = plan.resolution
        clock_end = at_us if since is None else since
        stops = _clip(pending, opened, clock_end) + _clip(resolved, opened, clock_end)
        stops.sort()
        used = measure(tl, opened, clock_end, stops)[0]
        if late(tl, opened, target, stops, clock_end, used):
            breached = True
        elif since is None and not pending_now:
            due = due_of(tl, opened, target, stops, clock_end, used)
            if best is None or due < best[0]:
                best = (due, "resolution", opened, stops, target, used)
    if best is None:
        return _BREACHED_NOTHING_DUE if breached else _NOTHING_DUE
    due, clock, start, stops, target, used = best
    threshold = _threshold(target, tier)
    if used < threshold:
        risk = tl.deadline_us(at_us, threshold - used)
    elif not stops:
        risk = tl.deadline_us(start, threshold) if threshold > 0 else start
    else:
        risk = _run(tl, start, threshold, stops, at_us).due
    zone = plan.zone
    return Schedule(
        next_due=from_us(due, zone),
        clock=clock,
        at_risk_at=from_us(risk, zone),
        breached_so_far=breached,
    )


# Schedules are immutable, so the two answers without a running clock are shared.
_NOTHING_DUE = Schedule(next_due=None, clock=None, at_risk_at=None, breached_so_far=False)
_BREACHED_NOTHING_DUE = Schedule(next_due=None, clock=None, at_risk_at=None, breached_so_far=True)
