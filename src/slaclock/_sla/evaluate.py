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

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from slaclock._calendar.instants import from_us, td_from_us, td_to_us, to_us
from slaclock._sla.incident import Incident
from slaclock._sla.result import Breach, Cycle, Evaluation, ResolutionClock, Schedule
from slaclock._sla.tier import CYCLE_RULES, Tier
from slaclock.errors import SlaclockTypeError, SlaclockValueError

if TYPE_CHECKING:
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
    events = [(to_us(e.at), e) for e in incident.events]
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
    _check_subjects(incident, tier)
    if at is None:
        raise SlaclockTypeError("schedule() needs at=, the instant of the ticket update")
    restart, pause = _options(tier, None, None)
    at_us = to_us(at, name="at")
    if tier.covers(type=incident.type, third_party=incident.third_party, channel=incident.channel):
        return Schedule(next_due=None, clock=None, at_risk_at=None, breached_so_far=False)
    _, states, res_state = _core(incident, tier, at_us, restart=restart, pause=pause)
    breached = any(st.breached for st in states) or bool(res_state and res_state.breached)
    best: tuple[int, str, int, list[Span], int] | None = None  # due, clock, start, stops, target
    for st in states:
        if st.raw.end is None and not st.stopped and not st.breached:
            best = (st.run.due, st.target_name, st.raw.start, st.stops, st.target)
    if (
        res_state is not None
        and res_state.end is None
        and not res_state.stopped
        and not res_state.breached
        and (best is None or res_state.run.due < best[0])
    ):
        best = (res_state.run.due, "resolution", res_state.start, res_state.stops, res_state.target)
    if best is None:
        return Schedule(next_due=None, clock=None, at_risk_at=None, breached_so_far=breached)
    due, clock, start, stops, target = best
    tl = tier.calendar.timeline
    risk = _run(tl, start, _threshold(target, tier), stops, at_us).due
    zone = tier.calendar.zone
    return Schedule(
        next_due=from_us(due, zone),
        clock=clock,
        at_risk_at=from_us(risk, zone),
        breached_so_far=breached,
    )
