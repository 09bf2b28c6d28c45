"""``evaluate`` and ``schedule``: an incident's log assessed on a tier, reduced to an answer.

Both replay the log through its :class:`~slaclock._sla.lifecycle.Program` (what
the sequence of event kinds means for the clocks) and one assessment
(:func:`~slaclock._sla.assess.assess`), on integer microseconds and the
calendar's compiled timeline, so :func:`schedule` can run on every ticket update.
The rules are written down in ``docs/semantics-sla.md``.
"""

from __future__ import annotations

from datetime import datetime

from slaclock._calendar.instants import from_us, td_from_us, to_us
from slaclock._sla.assess import FULL, RESOLUTION, WATCH, assess, known
from slaclock._sla.clocks import Span, at_risk, overdue, risk_threshold, run
from slaclock._sla.incident import Incident
from slaclock._sla.plan import Plan, check_tier, options, plan_of
from slaclock._sla.result import Breach, Cycle, Evaluation, ResolutionClock, Schedule
from slaclock._sla.tier import Tier
from slaclock.errors import SlaclockTypeError, SlaclockValueError

__all__ = ["evaluate", "schedule"]


def _check_subjects(incident: object, tier: object) -> None:
    if not isinstance(incident, Incident):
        raise SlaclockTypeError(
            f"expected a slaclock.Incident, got {incident!r}; build one with Incident.from_dict"
        )
    check_tier(tier)


def _plan(tier: Tier, cycle_rule: str | None, pause: bool | None) -> Plan:
    """The tier's cached plan, or one with the options overridden."""
    restart, pause_flag = options(tier, cycle_rule, pause)
    plan = plan_of(tier)
    if (restart, pause_flag) == (plan.restart, plan.pause):
        return plan
    return Plan.of(tier, cycle_rule=cycle_rule, pause=pause)


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
    plan = _plan(tier, cycle_rule, pause_reaction_when_pending)
    at_us = None if at is None else to_us(at, name="at")
    zone = plan.zone
    try:
        at_local = None if at is None else at.astimezone(zone)
    except OverflowError:  # within a day of datetime's limits: not in the calendar's range
        raise SlaclockValueError(
            f"at {at!r} is outside the range slaclock calendars cover (years 2 to 9998)"
        ) from None
    reason = plan.covers(incident.type, incident.third_party, incident.channel)
    log = None if reason is not None else known(incident._kinds, incident._us, at_us)
    cycles: list[Cycle] = []
    resolution = None
    breaches: list[Breach] = []

    def local(us: int) -> datetime:
        return from_us(us, zone)

    def spans(stops: list[Span]) -> tuple[tuple[datetime, datetime], ...]:
        return tuple((local(s), local(e)) for s, e in stops)

    if log is not None:
        kinds, points = log
        program = plan.tables[incident.events[0].by == "agent"].get(tuple(kinds))
        assert program is not None  # an Incident's kinds are known ones
        assessed = assess(plan, program, points, at_us, FULL)
        next_due = assessed.next_due
        for (
            index,
            target,
            start,
            end,
            running,
            used,
            due,
            verdict,
            stopped,
            stops,
            paused,
        ) in assessed.clocks:
            assert due is not None  # FULL finds every due instant
            breached = bool(verdict)
            late = overdue(used, target) if breached else 0
            risky = bool(
                running and at_us is not None and not breached and at_risk(used, target, plan.risk)
            )
            if index == RESOLUTION:
                ended_by = None if running else program.resolved_by
                resolution = ResolutionClock(
                    start=local(start),
                    due=local(due),
                    resolved=None if running else local(end),
                    target=td_from_us(target),
                    used=td_from_us(used),
                    paused=td_from_us(paused),
                    breached=breached,
                    overdue=td_from_us(late),
                    at_risk=risky,
                    status=_status(not running, verdict, stopped, risky),
                    ended_by=ended_by,
                    tier=tier.id,
                    pauses=spans(stops),
                    calendar=tier.calendar,
                )
                answered = not running
            else:
                cycle = program.cycles[index]
                answered = not running and cycle.ended_by != "superseded"
                cycles.append(
                    Cycle(
                        index=index + 1,
                        start=local(start),
                        due=local(due),
                        answered=local(end) if answered else None,
                        target=td_from_us(target),
                        taken=td_from_us(used),
                        breached=breached,
                        overdue=td_from_us(late),
                        at_risk=risky,
                        paused=td_from_us(paused),
                        first=cycle.first,
                        status="superseded"
                        if cycle.ended_by == "superseded"
                        else _status(not running, verdict, stopped, risky),
                        target_name="first_reaction" if cycle.first else "reaction",
                        started_by=cycle.started_by,
                        end=None if running else local(end),
                        ended_by=cycle.ended_by,
                        tier=tier.id,
                        pauses=spans(stops),
                        calendar=tier.calendar,
                    )
                )
            if breached:
                breaches.append(
                    Breach(
                        at=local(due),
                        cycle=None if index == RESOLUTION else index + 1,
                        tier=tier.id,
                        target="resolution" if index == RESOLUTION else cycles[-1].target_name,
                        duration=td_from_us(target),
                        late=td_from_us(late),
                        late_wall=td_from_us(end - due) if answered else None,
                    )
                )
    else:
        next_due = None
    remaining = None
    if next_due is not None and at_us is not None:
        remaining = td_from_us(plan.timeline.elapsed_us(at_us, next_due))
    breaches.sort(key=lambda b: (b.at, b.cycle is None, b.cycle or 0))
    return Evaluation(
        incident=incident.id,
        tier=tier.id,
        covered=reason is None,
        reason=reason,
        cycles=tuple(cycles),
        resolution=resolution,
        breached=bool(breaches),
        breaches=tuple(breaches),
        next_due=None if next_due is None else local(next_due),
        remaining=remaining,
        at=at_local,
    )


def _status(ended: bool, breached: bool | None, stopped: bool, at_risk: bool) -> str:
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
    plan = plan_of(tier)
    at_us = to_us(at, name="at")
    if plan.covers(incident.type, incident.third_party, incident.channel) is not None:
        return _NOTHING_DUE
    log = known(incident._kinds, incident._us, at_us)
    if log is None:
        return _NOTHING_DUE
    kinds, points = log
    program = plan.tables[incident.events[0].by == "agent"].get(tuple(kinds))
    assert program is not None  # an Incident's kinds are known ones
    assessed = assess(plan, program, points, at_us, WATCH)
    best = assessed.next_clock
    if best is None:
        return _BREACHED_NOTHING_DUE if assessed.breaches else _NOTHING_DUE
    index, target, start, _, _, used, due, _, _, stops, _ = best
    assert due is not None  # WATCH finds the due instant of every running clock
    tl = plan.timeline
    threshold = risk_threshold(target, plan.risk)
    if used < threshold:
        risk = tl.deadline_us(at_us, threshold - used)
    elif not stops:
        risk = tl.deadline_us(start, threshold) if threshold > 0 else start
    else:
        risk = run(tl, start, threshold, stops, at_us)[0]
    if index == RESOLUTION:
        clock = "resolution"
    else:
        clock = "first_reaction" if program.cycles[index].first else "reaction"
    zone = plan.zone
    return Schedule(
        next_due=from_us(due, zone),
        clock=clock,
        at_risk_at=from_us(risk, zone),
        breached_so_far=assessed.breaches > 0,
    )


# Schedules are immutable, so the two answers without a running clock are shared.
_NOTHING_DUE = Schedule(next_due=None, clock=None, at_risk_at=None, breached_so_far=False)
_BREACHED_NOTHING_DUE = Schedule(next_due=None, clock=None, at_risk_at=None, breached_so_far=True)
