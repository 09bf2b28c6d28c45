"""``evaluate`` and ``schedule``: an incident's log assessed on a tier, reduced to an answer.

Both replay the log through its :class:`~slaclock._sla.lifecycle.Program` (what
the sequence of event kinds means for the clocks) and one assessment
(:func:`~slaclock._sla.assess.assess`), on integer microseconds and the
calendar's compiled timeline, so :func:`schedule` can run on every ticket update.
The rules are written down in ``docs/semantics-sla.md``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

from slaclock._calendar.instants import from_us, td_from_us, to_us
from slaclock._sla.assess import (
    FULL,
    RESOLUTION,
    UPDATE,
    WATCH,
    Assessment,
    ClockFacts,
    assess,
    assess_tiers,
    known,
)
from slaclock._sla.clocks import (
    Span,
    at_risk,
    due,
    level_threshold,
    overdue,
    reached,
    risk_threshold,
)
from slaclock._sla.incident import Incident
from slaclock._sla.lifecycle import Program
from slaclock._sla.plan import Plan, check_tier, options, plan_of
from slaclock._sla.result import Breach, Cycle, Evaluation, ResolutionClock, Schedule
from slaclock._sla.tier import Tier
from slaclock._sla.watch import watch
from slaclock.errors import IncidentError, SlaclockTypeError, SlaclockValueError, quote

__all__ = ["evaluate", "evaluate_plans", "schedule"]


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


def _catalog_tiers(source: object) -> Mapping[str, Any] | None:
    """The tiers of a catalog passed for the tier (``None`` for a single tier)."""
    if isinstance(source, Tier):
        return None
    tiers = getattr(source, "tiers", None)
    return tiers if isinstance(tiers, Mapping) else None


def tier_plans(
    incident: Incident,
    program: Program,
    plan: Plan,
    tiers: Mapping[str, Any] | None,
    plan_for: Callable[[Any], Plan],
) -> list[Plan]:
    """The plan in force after each tier change of ``program``: ``plan`` (the incident's own) first.

    ``tiers`` is the catalog's mapping of tier ids (to tiers, or to plans that
    ``plan_for`` turns into ``Plan`` values); ``None`` when a single tier was
    given, which cannot measure a log that changes tier: an error says to pass
    the catalog, as it does for a tier the catalog does not have.
    """
    found = [plan]
    for position in program.changes:
        event = incident.events[position]
        name = event.tier
        where = f"'tier_changed' to {quote(name)} at {event.at.isoformat()}"
        if tiers is None:
            raise IncidentError(
                f"{where}: a log that changes tier is measured on each tier in turn, "
                "so pass the catalog instead of a single tier, e.g. evaluate(incident, catalog)",
                path=f"events.{position}.tier",
                incident_id=incident.id,
                event_index=position,
            )
        tier = tiers.get(name)  # type: ignore[arg-type]
        if tier is None:
            names = ", ".join(map(repr, tiers)) or "none"
            raise IncidentError(
                f"{where}: the catalog has no tier {quote(name)}; its tiers: {names}",
                path=f"events.{position}.tier",
                incident_id=incident.id,
                event_index=position,
            )
        found.append(plan_for(tier))
    return found


def _changing(
    incident: Incident,
    program: Program,
    plans: list[Plan],
    points: list[int],
    at: int | None,
    need: int,
) -> tuple[Assessment, list[Plan], str | None]:
    """A log that changes tier assessed on ``plans``, the plan of each clock, and why not covered.

    The reason is the last tier's, when it does not cover the incident, with the
    change it dates from.
    """
    reasons = [p.covers(incident.type, incident.third_party, incident.channel) for p in plans]
    assessed, plans_of = assess_tiers(
        plans, [reason is None for reason in reasons], program, points, at, need
    )
    reason = reasons[-1]
    if reason is not None:
        since = len(reasons) - 1
        while since and reasons[since - 1] is not None:
            since -= 1
        if since:
            event = incident.events[program.changes[since - 1]]
            reason += (
                f" (not covered since the change to tier {event.tier} at {event.at.isoformat()})"
            )
    return assessed, plans_of, reason


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
    is assessed on its own ``tier`` from the catalog; a log with ``tier_changed``
    events needs the catalog, and each clock is measured on the tier in force
    when it ended (docs/semantics-sla.md, "Tier changes mid-incident").

    >>> from slaclock import Incident, default_catalog
    >>> inc = Incident.from_dict({"id": "INC-7", "type": "failure", "channel": "portal",
    ...     "events": [{"type": "opened", "at": "2026-11-27T17:30:00+03:00"},
    ...                {"type": "agent_reply", "at": "2026-11-30T10:20:00+03:00"}]})
    >>> result = evaluate(inc, default_catalog().tiers["SLA-2"])
    >>> result.cycles[0].due.isoformat(), result.breached
    ('2026-11-30T11:30:00+03:00', False)
    """
    own = _check_subjects(incident, tier)
    plan = _plan(own, cycle_rule, pause_reaction_when_pending)
    return _evaluate(
        incident,
        plan,
        _catalog_tiers(tier),
        lambda one: _plan(one, cycle_rule, pause_reaction_when_pending),
        at,
    )


def evaluate_plans(
    incident: Incident, plan: Plan, plans: Mapping[str, Plan] | None, at: datetime | None
) -> Evaluation:
    """:func:`evaluate` on a prepared plan; ``plans``: the catalog's, for a log that changes tier.

    For the engines of ``slaclock.analysis``, whose plans carry the options already.
    """
    return _evaluate(incident, plan, plans, _same_plan, at)


def _same_plan(plan: Plan) -> Plan:
    return plan


def _evaluate(
    incident: Incident,
    plan: Plan,
    tiers: Mapping[str, Any] | None,
    plan_for: Callable[[Any], Plan],
    at: datetime | None,
) -> Evaluation:
    at_us = None if at is None else to_us(at, name="at")
    reason = plan.covers(incident.type, incident.third_party, incident.channel)
    log = known(incident._kinds, incident._us, at_us)
    plans_of: list[Plan] | None = None
    program = None
    if log is not None:
        kinds, points = log
        program = plan.tables[incident.events[0].by == "agent"].get(tuple(kinds))
        assert program is not None  # an Incident's kinds are known ones
        if program.changes:
            plans = tier_plans(incident, program, plan, tiers, plan_for)
            assessed, plans_of, reason = _changing(incident, program, plans, points, at_us, FULL)
            plan = plans[-1]  # the tier in force at the horizon
        elif reason is None:
            assessed = assess(plan, program, points, at_us, FULL)
        else:
            program = None
    tier = plan.tier
    zone = plan.zone
    try:
        at_local = None if at is None else at.astimezone(zone)
    except OverflowError:  # within a day of datetime's limits: not in the calendar's range
        raise SlaclockValueError(
            f"at {at!r} is outside the range slaclock calendars cover (years 2 to 9998)"
        ) from None
    cycles: list[Cycle] = []
    updates: list[Cycle] = []
    resolution = None
    breaches: list[Breach] = []

    def spans(stops: list[Span], zone: Any) -> tuple[tuple[datetime, datetime], ...]:
        return tuple((from_us(s, zone), from_us(e, zone)) for s, e in stops)

    def escalations(
        plan: Plan, target: int, start: int, stops: list[Span], end: int, used: int
    ) -> tuple[tuple[str, datetime], ...]:
        if not plan.levels:
            return ()
        found = sorted((level_threshold(target, level), i) for i, level in enumerate(plan.levels))
        return tuple(
            (
                plan.level_names[i],
                from_us(due(plan.timeline, start, threshold, stops, end, used), plan.zone),
            )
            for threshold, i in found
        )

    if program is not None:
        next_due = assessed.next_due
        clock_plan = plan
        for position, (
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
        ) in enumerate(assessed.clocks):
            assert due_us is not None  # FULL finds every due instant
            if plans_of is not None:
                clock_plan = plans_of[position]
            clock_tier = clock_plan.tier
            clock_zone = clock_plan.zone
            breached = bool(verdict)
            late = overdue(used, target) if breached else 0
            risky = bool(
                running
                and at_us is not None
                and not breached
                and at_risk(used, target, clock_plan.risk)
            )
            levels_at = escalations(clock_plan, target, start, stops, end, used)
            if index == RESOLUTION:
                ended_by = None if running else program.resolved_by
                resolution = ResolutionClock(
                    start=from_us(start, clock_zone),
                    due=from_us(due_us, clock_zone),
                    resolved=None if running else from_us(end, clock_zone),
                    target=td_from_us(target),
                    used=td_from_us(used),
                    paused=td_from_us(paused),
                    breached=breached,
                    overdue=td_from_us(late),
                    at_risk=risky,
                    status=_status(not running, verdict, stopped, risky),
                    ended_by=ended_by,
                    tier=clock_tier.id,
                    pauses=spans(stops, clock_zone),
                    calendar=clock_tier.calendar,
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
                        start=from_us(start, clock_zone),
                        due=from_us(due_us, clock_zone),
                        answered=from_us(end, clock_zone) if answered else None,
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
                        end=None if running else from_us(end, clock_zone),
                        ended_by=cycle.ended_by,
                        tier=clock_tier.id,
                        pauses=spans(stops, clock_zone),
                        calendar=clock_tier.calendar,
                        escalations=levels_at,
                    )
                )
            if breached:
                breaches.append(
                    Breach(
                        at=from_us(due_us, clock_zone),
                        cycle=number,
                        tier=clock_tier.id,
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
        next_due=None if next_due is None else from_us(next_due, zone),
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
    catalog instead of a tier, the incident's own ``tier`` is used (and the
    tiers its ``tier_changed`` events name: the running clocks are on the last).  With
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
    source = tier
    if not (isinstance(incident, Incident) and isinstance(tier, Tier)):
        tier = _check_subjects(incident, tier)
    if at is None:
        raise SlaclockTypeError("schedule() needs at=, the instant of the ticket update")
    if notify_within_hours is not False and notify_within_hours is not True:
        raise SlaclockTypeError(
            f"notify_within_hours={notify_within_hours!r}; expected True or False"
        )
    at_us = to_us(at, name="at")
    # Kept on the incident for the last tier asked, one look-up on the next call: the
    # tier, its plan, the program table for the log's first event, the whole log's
    # program, the scope answer (None: covered; read only where the part of the log
    # known at ``at`` changes no tier: a changing log's tiers are checked at each
    # change) and the last event's instant.
    memo = incident._memo
    entry = memo.value
    if entry is None or entry[0] is not tier:
        # Events appended by ``with_events`` to an incident asked about on this tier
        # (``memo.prior``) keep the plan, the first event (so the table) and the type,
        # channel and third_party (so the scope answer).
        prior = memo.prior  # read once: another thread may let it go meanwhile
        carried = None if prior is None else prior[0]
        if carried is not None and carried[0] is tier:
            _, plan, table, _, scope, _ = carried
        else:
            plan = plan_of(tier)
            table = plan.tables[incident.events[0].by == "agent"]
            scope = plan.covers(incident.type, incident.third_party, incident.channel)
        kinds = incident._kinds
        whole = table.known.get(kinds) or table.get(kinds)
        assert whole is not None  # an Incident's kinds are known ones
        entry = memo.value = (tier, plan, table, whole, scope, incident._us[-1])
    _, plan, table, whole, scope, last = entry
    kept = None
    if at_us >= last:  # every event known (the usual update): the whole log
        program = whole
        points = [*incident._us, at_us]
        kept = memo
    else:
        log = known(incident._kinds, incident._us, at_us)
        if log is None:
            return _NOTHING_DUE
        prefix, points = log
        found = table.get(tuple(prefix))
        assert found is not None  # an Incident's kinds are known ones
        program = found
    if program.changes:
        plans = tier_plans(incident, program, plan, _catalog_tiers(source), plan_of)
        assessed = _changing(incident, program, plans, points, at_us, WATCH)[0]
        plan = plans[-1]  # every running clock is on the tier in force at ``at``
    elif scope is not None:
        return _NOTHING_DUE
    else:
        assessed = watch(plan, program, points, at_us, kept)
    best = assessed.next_clock
    late = best is None
    if late:
        # Nothing runs on time: name the clock running late, if any (only a breach can be).
        if not assessed.breaches:
            return _NOTHING_DUE
        # (``watch``'s own path lists the running clocks first: none runs when its first
        # is ended; ``assess``, which it hands tiers with update cycles, lists them in
        # the log's order, as it does for a log that changes tier.)
        clocks = assessed.clocks
        if clocks[0][4] or program.changes or plan.update is not None:
            best = _overdue_clock(plan, clocks, at_us)
        if best is None:
            return _BREACHED_NOTHING_DUE
    index, target, start, _, _, used, due_us, _, _, stops, _ = best  # type: ignore[misc]
    assert due_us is not None  # WATCH finds the due instant of every running clock
    tl = plan.timeline
    threshold = risk_threshold(target, plan.risk)
    risk = due(tl, start, threshold, stops, at_us, used)  # the at-risk share's due instant
    # When the answer changes: the at-risk share crossed, the clock overdue (a
    # microsecond after its due instant, which is still on time), the next level.
    check = risk if used < threshold else None
    if not late and (check is None or due_us + 1 < check):
        check = due_us + 1
    escalation = None
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
            escalation = (plan.level_names[i], tl.datetime_us(instant))
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
    risk_at = tl.datetime_us(risk)  # from_us, through the year's view
    return _new(
        Schedule,
        (
            tl.datetime_us(due_us),
            clock,
            risk_at,
            assessed.breaches > 0,
            _ONE_US * (target - used),  # half the cost of timedelta(0, 0, n)
            not late and at_risk(used, target, plan.risk),
            late,
            escalation,
            None if check is None else risk_at if check == risk else tl.datetime_us(check),
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
_ONE_US = timedelta(microseconds=1)

# Schedules are immutable, so the two answers without a running clock are shared.
_NOTHING_DUE = Schedule(next_due=None, clock=None, at_risk_at=None, breached_so_far=False)
_BREACHED_NOTHING_DUE = Schedule(next_due=None, clock=None, at_risk_at=None, breached_so_far=True)
