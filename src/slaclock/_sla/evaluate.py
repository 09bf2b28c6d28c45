"""``evaluate`` and ``schedule``: an incident's log assessed on a tier, reduced to an answer.

Both replay the log through its :class:`~slaclock._sla.lifecycle.Program` (what
the sequence of event kinds means for the clocks) and one assessment
(:func:`~slaclock._sla.assess.assess`), on integer microseconds and the
calendar's compiled timeline, so :func:`schedule` can run on every ticket update.
The rules are written down in ``docs/semantics-sla.md``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from slaclock._calendar.instants import from_us, td_from_us, to_us
from slaclock._sla.assess import FULL, RESOLUTION, UPDATE, ClockFacts, assess, known
from slaclock._sla.clocks import (
    Span,
    at_risk,
    due,
    level_threshold,
    overdue,
    reached,
    risk_threshold,
    run,
)
from slaclock._sla.incident import Incident
from slaclock._sla.plan import Plan, check_tier, options, plan_of
from slaclock._sla.result import Breach, Cycle, Evaluation, ResolutionClock, Schedule
from slaclock._sla.tier import Tier
from slaclock._sla.watch import watch
from slaclock.errors import SlaclockTypeError, SlaclockValueError, quote

__all__ = ["evaluate", "schedule"]


def _check_subjects(incident: object, tier: object) -> Tier:
    """The tier to assess ``incident`` on: ``tier`` itself, or the incident's own from a catalog."""
    if not isinstance(incident, Incident):
        raise SlaclockTypeError(
            f"expected a slaclock.Incident, got {incident!r}; build one with Incident.from_dict"
        )
    if isinstance(tier, Tier):
        return tier
    tiers = getattr(tier, "tiers", None)  # a Catalog (a higher layer: not imported here)
    if not isinstance(tiers, Mapping) or isinstance(tier, Mapping):
        return check_tier(tier)
    name = incident.tier
    if name is None:
        raise SlaclockValueError(
            f"incident {quote(incident.id)} names no tier, so a catalog cannot serve it; "
            f"give its record a 'tier' key such as 'SLA-2', or pass the Tier itself"
        )
    found = tiers.get(name)
    if not isinstance(found, Tier):
        names = ", ".join(map(repr, tiers)) or "none"
        raise SlaclockValueError(
            f"incident {quote(incident.id)} is on tier {quote(name)}, which the catalog "
            f"does not have; its tiers: {names}"
        )
    return found


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
    tier: Tier | Any,
    *,
    at: datetime | None = None,
    cycle_rule: str | None = None,
    pause_reaction_when_pending: bool | None = None,
) -> Evaluation:
    """Replay ``incident`` on ``tier`` as of ``at``: every reaction cycle, resolution, breaches.

    Events after ``at`` are ignored; without ``at`` every event counts and open
    clocks carry no verdict.  ``cycle_rule`` and ``pause_reaction_when_pending``
    override the tier's options.  Given a catalog instead of a tier, the incident
    is assessed on its own ``tier`` from the catalog.

    >>> from slaclock import Incident, default_catalog
    >>> inc = Incident.from_dict({"id": "INC-7", "type": "failure", "channel": "portal",
    ...     "events": [{"type": "opened", "at": "2026-11-27T17:30:00+03:00"},
    ...                {"type": "agent_reply", "at": "2026-11-30T10:20:00+03:00"}]})
    >>> result = evaluate(inc, default_catalog().tiers["SLA-2"])
    >>> result.cycles[0].due.isoformat(), result.breached
    ('2026-11-30T11:30:00+03:00', False)
    """
    tier = _check_subjects(incident, tier)
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
    updates: list[Cycle] = []
    resolution = None
    breaches: list[Breach] = []
    tl = plan.timeline
    levels = sorted(enumerate(plan.levels), key=lambda item: item[1])

    def local(us: int) -> datetime:
        return from_us(us, zone)

    def spans(stops: list[Span]) -> tuple[tuple[datetime, datetime], ...]:
        return tuple((local(s), local(e)) for s, e in stops)

    def escalations(
        target: int, start: int, stops: list[Span], end: int, used: int
    ) -> tuple[tuple[str, datetime], ...]:
        if not levels:
            return ()
        found = sorted((level_threshold(target, level), i) for i, level in levels)
        return tuple(
            (plan.level_names[i], local(due(tl, start, threshold, stops, end, used)))
            for threshold, i in found
        )

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
            due_us,
            verdict,
            stopped,
            stops,
            paused,
        ) in assessed.clocks:
            assert due_us is not None  # FULL finds every due instant
            breached = bool(verdict)
            late = overdue(used, target) if breached else 0
            risky = bool(
                running and at_us is not None and not breached and at_risk(used, target, plan.risk)
            )
            levels_at = escalations(target, start, stops, end, used)
            if index == RESOLUTION:
                ended_by = None if running else program.resolved_by
                resolution = ResolutionClock(
                    start=local(start),
                    due=local(due_us),
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
                    escalations=levels_at,
                )
                answered = not running
                name, number = "resolution", None
            else:
                is_update = index <= UPDATE
                cycle = program.updates[UPDATE - index] if is_update else program.cycles[index]
                answered = not running and cycle.ended_by != "superseded"
                name = "update" if is_update else "first_reaction" if cycle.first else "reaction"
                listed = updates if is_update else cycles
                number = len(listed) + 1
                listed.append(
                    Cycle(
                        index=number,
                        start=local(start),
                        due=local(due_us),
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
                        target_name=name,
                        started_by=cycle.started_by,
                        end=None if running else local(end),
                        ended_by=cycle.ended_by,
                        tier=tier.id,
                        pauses=spans(stops),
                        calendar=tier.calendar,
                        escalations=levels_at,
                    )
                )
            if breached:
                breaches.append(
                    Breach(
                        at=local(due_us),
                        cycle=number,
                        tier=tier.id,
                        target=name,
                        duration=td_from_us(target),
                        late=td_from_us(late),
                        late_wall=td_from_us(end - due_us) if answered else None,
                    )
                )
        escalated = tuple(zip(plan.level_names, assessed.reached, strict=True))
    else:
        next_due = None
        escalated = tuple((name, 0) for name in plan.level_names)
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
        updates=tuple(updates),
        escalated=escalated,
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


def schedule(
    incident: Incident,
    tier: Tier | Any,
    *,
    at: datetime,
    notify_within_hours: bool = False,
) -> Schedule:
    """What to store on a ticket update: the next due instant, its clock, when to look again.

    Cheap enough for every update: it replays the log on integers and asks the
    calendar a few questions per clock, building no explanation.  Given a
    catalog instead of a tier, the incident's own ``tier`` is used.  With
    ``notify_within_hours=True`` the notification instants (``at_risk_at``, the
    next escalation's, ``next_check``) that fall outside working time move to
    the next opening.

    >>> from slaclock import Incident, default_catalog
    >>> from datetime import datetime, timezone
    >>> inc = Incident.from_dict({"id": "INC-8", "type": "failure", "channel": "portal",
    ...     "events": [{"type": "opened", "at": "2026-11-27T17:30:00+03:00"}]})
    >>> s = schedule(inc, default_catalog().tiers["SLA-2"],
    ...              at=datetime(2026, 11, 27, 15, 0, tzinfo=timezone.utc))
    >>> s.clock, s.next_due.isoformat(), s.at_risk_at.isoformat()
    ('first_reaction', '2026-11-30T11:30:00+03:00', '2026-11-30T11:00:00+03:00')
    >>> str(s.remaining), s.overdue, s.next_check.isoformat()
    ('1:30:00', False, '2026-11-30T11:00:00+03:00')
    """
    if not (isinstance(incident, Incident) and isinstance(tier, Tier)):
        tier = _check_subjects(incident, tier)
    if at is None:
        raise SlaclockTypeError("schedule() needs at=, the instant of the ticket update")
    if not isinstance(notify_within_hours, bool):
        raise SlaclockTypeError(
            f"notify_within_hours={notify_within_hours!r}; expected True or False"
        )
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
    assessed = watch(plan, program, points, at_us)
    best = assessed.next_clock
    late = best is None
    if late:
        # Nothing runs on time: name the clock running late, if any (only a breach can be).
        best = _overdue_clock(plan, assessed.clocks, at_us) if assessed.breaches else None
        if best is None:
            return _BREACHED_NOTHING_DUE if assessed.breaches else _NOTHING_DUE
    index, target, start, _, _, used, due_us, _, _, stops, _ = best  # type: ignore[misc]
    assert due_us is not None  # WATCH finds the due instant of every running clock
    tl = plan.timeline
    threshold = risk_threshold(target, plan.risk)
    if used < threshold:
        risk = tl.deadline_us(at_us, threshold - used)
    elif not stops:
        risk = tl.deadline_us(start, threshold) if threshold > 0 else start
    else:
        risk = run(tl, start, threshold, stops, at_us)[0]
    # When the answer changes: the at-risk share crossed, the clock overdue (a
    # microsecond after its due instant, which is still on time), the next level.
    check = risk if used < threshold else None
    if not late and (check is None or due_us + 1 < check):
        check = due_us + 1
    escalation = None
    zone = plan.zone
    if plan.levels:
        ahead = [
            (level_threshold(target, level), i)
            for i, level in enumerate(plan.levels)
            if not reached(used, level_threshold(target, level))
        ]
        if ahead:
            level_at, i = min(ahead)
            instant = due(tl, start, level_at, stops, at_us, used)
            if notify_within_hours:
                instant = tl.next_open_us(instant)
            escalation = (plan.level_names[i], from_us(instant, zone))
            if check is None or instant < check:
                check = instant
    if notify_within_hours:
        risk = tl.next_open_us(risk)
        if check is not None:
            check = tl.next_open_us(check)
    if index == RESOLUTION:
        clock = "resolution"
    elif index <= UPDATE:
        clock = "update"
    else:
        clock = "first_reaction" if program.cycles[index].first else "reaction"
    risk_at = from_us(risk, zone)
    return _new(
        Schedule,
        (
            from_us(due_us, zone),
            clock,
            risk_at,
            assessed.breaches > 0,
            timedelta(0, 0, target - used),  # positional: a third cheaper than microseconds=
            not late and at_risk(used, target, plan.risk),
            late,
            escalation,
            None if check is None else risk_at if check == risk else from_us(check, zone),
        ),
    )


def _overdue_clock(plan: Plan, clocks: list[ClockFacts], at: int) -> ClockFacts | None:
    """The running, unpaused, breached clock that fell due first (the first listed on a tie).

    Its facts come back with the due instant filled in.
    """
    found = None
    for facts in clocks:
        if facts[4] and facts[7] and not facts[8]:  # running, breached, not paused
            _, target, start, _, _, used, due_us, _, _, stops, _ = facts
            if due_us is None:  # WATCH leaves out the due instant of a clock already late
                due_us = due(plan.timeline, start, target, stops, at, used)
                facts = (*facts[:6], due_us, *facts[7:])
            if found is None or due_us < found[6]:  # type: ignore[operator]
                found = facts
    return found


_new = tuple.__new__  # on every ticket update: skip the named tuple's __new__

# Schedules are immutable, so the two answers without a running clock are shared.
_NOTHING_DUE = Schedule(next_due=None, clock=None, at_risk_at=None, breached_so_far=False)
_BREACHED_NOTHING_DUE = Schedule(next_due=None, clock=None, at_risk_at=None, breached_so_far=True)
