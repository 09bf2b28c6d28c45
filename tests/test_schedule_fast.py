"""The fast schedule(): the same answers as the full replay, and Incident's cached instants.

schedule() replays on the integer instants each Incident keeps, settles closed
cycles with one elapsed() each and finds deadlines only for the running clock.
The reference here is the full replay evaluate() uses (every clock run to its
due instant), from which the at-risk instant is found the long way.
"""

from __future__ import annotations

import copy
import dataclasses
import pickle
from datetime import UTC, datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from slaclock import Event, Incident, Schedule, Tier, default_catalog, evaluate, schedule
from slaclock import strategies as sst
from slaclock._calendar.instants import from_us, to_us
from slaclock._sla.assess import WATCH, assess, known
from slaclock._sla.clocks import risk_threshold, run
from slaclock._sla.plan import plan_of
from slaclock._sla.watch import watch

CATALOG = default_catalog()
MSK = timezone(timedelta(hours=3))


# The kinds that start or end a pending span.
_PENDING_MOVES = ("pending", "customer_message", "resolved", "closed")


def reference(incident: Incident, tier: Tier, at: datetime) -> Schedule:
    """schedule() as the full evaluation answers it: every clock run to its due instant."""
    result = evaluate(incident, tier, at=at)
    if not result.covered:
        return Schedule(next_due=None, clock=None, at_risk_at=None, breached_so_far=False)
    every = [*result.cycles, *result.updates]
    if result.resolution is not None:
        every.append(result.resolution)  # type: ignore[arg-type]
    overdue = False
    clocks = [c for c in every if c.status in ("running", "at_risk")]
    if not clocks:
        # Nothing runs on time: the running clock that is past due stays named, unless
        # it is paused while pending (it does not count down then).
        moves = [e.kind for e in incident.events if e.at <= at and e.kind in _PENDING_MOVES]
        pending = bool(moves) and moves[-1] == "pending"
        clocks = [
            c
            for c in every
            if c.status == "overdue"
            and not (pending and (c is result.resolution or tier.pause_reaction_when_pending))
        ]
        overdue = True
    if not clocks:
        return Schedule(None, None, None, result.breached)
    best = min(clocks, key=lambda c: to_us(c.due))  # listed first on a tie
    name = "resolution" if best is result.resolution else best.target_name  # type: ignore[union-attr]
    stops = [(to_us(s), to_us(e)) for s, e in best.pauses]
    target = best.target // timedelta(microseconds=1)
    used = (best.used if best is result.resolution else best.taken) // timedelta(microseconds=1)  # type: ignore[union-attr]
    threshold = risk_threshold(target, (tier.at_risk.numerator, tier.at_risk.denominator))
    risk = run(tier.calendar.timeline, to_us(best.start), threshold, stops, to_us(at))[0]
    checks = [risk] if used < threshold else []
    if not overdue:
        checks.append(to_us(best.due) + 1)
    zone = tier.calendar.zone
    return Schedule(
        best.due,
        name,
        from_us(risk, zone),
        result.breached,
        remaining=timedelta(microseconds=target - used),
        at_risk=best.status == "at_risk",
        overdue=overdue,
        next_check=from_us(min(checks), zone) if checks else None,
    )


def _around(incident: Incident) -> st.SearchStrategy[datetime]:
    first, last = incident.events[0].at, incident.events[-1].at
    span = int((last - first).total_seconds())
    return st.one_of(
        st.sampled_from([e.at for e in incident.events]),
        st.sampled_from([e.at + timedelta(microseconds=1) for e in incident.events]),
        st.integers(min_value=-3600, max_value=span + 5 * 86_400).map(
            lambda s: first + timedelta(seconds=s)
        ),
    )


def _tier_with_options(data: st.DataObject, **fields: object) -> Tier:
    """A generated tier on either cycle rule and pause option (and ``fields``)."""
    tier: Tier = data.draw(sst.tiers(), label="tier")
    return tier.replace(
        cycle_rule=data.draw(st.sampled_from(["oldest_unanswered", "restart_on_message"])),
        pause_reaction_when_pending=data.draw(st.booleans()),
        **fields,
    )


@given(st.data())
def test_schedule_equals_the_full_replay_for_both_rules_and_pause_options(
    data: st.DataObject,
) -> None:
    tier = _tier_with_options(data)
    incident = data.draw(sst.incidents(tier=tier), label="incident")
    at = data.draw(_around(incident), label="at")
    plan = schedule(incident, tier, at=at)
    want = reference(incident, tier, at)
    assert plan == want
    assert plan.next_due == (None if plan.next_due is None else want.next_due)
    result = evaluate(incident, tier, at=at)
    # Evaluation.next_due skips breached clocks; an overdue schedule names one only
    # when no clock runs on time.
    assert plan.next_due == result.next_due or (plan.overdue and result.next_due is None)
    assert plan.breached_so_far == result.breached
    if plan.next_due is not None:
        assert plan.at_risk_at is not None
        assert plan.at_risk_at.astimezone(UTC) <= plan.next_due.astimezone(UTC)


def _incident(*events: tuple[str, str]) -> Incident:
    return Incident.from_dict(
        {
            "id": "INC-9",
            "type": "failure",
            "channel": "portal",
            "events": [{"type": kind, "at": at} for kind, at in events],
        }
    )


SLA2 = CATALOG.tiers["SLA-2"]


def test_a_reply_at_the_due_instant_is_on_time_and_one_microsecond_later_is_late() -> None:
    # Opened Fri 17:30, 2 h: due Mon 11:30 (30 min Friday, 90 min Monday).
    on_time = _incident(
        ("opened", "2026-11-27T17:30:00+03:00"), ("agent_reply", "2026-11-30T11:30:00+03:00")
    )
    late = _incident(
        ("opened", "2026-11-27T17:30:00+03:00"), ("agent_reply", "2026-11-30T11:30:00.000001+03:00")
    )
    at = datetime(2026, 11, 30, 12, 0, tzinfo=MSK)
    assert not schedule(on_time, SLA2, at=at).breached_so_far
    assert schedule(late, SLA2, at=at).breached_so_far


def test_a_reply_after_hours_past_due_is_late_with_no_working_time_over() -> None:
    # Due Wed 18:00 exactly; answered at 19:30 the same evening: used == target, still late.
    inc = _incident(
        ("opened", "2026-11-25T16:00:00+03:00"), ("agent_reply", "2026-11-25T19:30:00+03:00")
    )
    plan = schedule(inc, SLA2, at=datetime(2026, 11, 25, 20, 0, tzinfo=MSK))
    assert plan.breached_so_far and plan.next_due is None and not plan.overdue


def test_an_open_clock_exactly_at_its_due_instant_is_not_yet_breached() -> None:
    inc = _incident(("opened", "2026-11-30T10:00:00+03:00"))
    due = datetime(2026, 11, 30, 12, 0, tzinfo=MSK)
    plan = schedule(inc, SLA2, at=due)
    assert (plan.next_due, plan.breached_so_far) == (due, False)
    assert plan.at_risk_at == datetime(2026, 11, 30, 11, 30, tzinfo=MSK)
    after = schedule(inc, SLA2, at=due + timedelta(microseconds=1))
    # Past due: still named, overdue by a microsecond of working time.
    assert after.breached_so_far and after.overdue and after.next_due == due
    assert after.remaining == -timedelta(microseconds=1) and after.next_check is None


def test_an_open_clock_due_at_closing_and_asked_after_hours_is_breached() -> None:
    inc = _incident(("opened", "2026-11-30T16:00:00+03:00"))
    plan = schedule(inc, SLA2, at=datetime(2026, 11, 30, 18, 30, tzinfo=MSK))
    assert plan.breached_so_far and plan.overdue
    # Due at closing time: no working time past due yet, so nothing is left and none is owed.
    assert plan.next_due == datetime(2026, 11, 30, 18, 0, tzinfo=MSK)
    assert plan.remaining == timedelta(0)


def test_the_at_risk_instant_already_passed_is_reported_where_it_was() -> None:
    inc = _incident(("opened", "2026-11-30T10:00:00+03:00"))
    plan = schedule(inc, SLA2, at=datetime(2026, 11, 30, 11, 45, tzinfo=MSK))
    assert plan.at_risk_at == datetime(2026, 11, 30, 11, 30, tzinfo=MSK)


# ----------------------------------------------------------------- cached instants


def test_incident_keeps_integer_instants_outside_equality_and_repr() -> None:
    inc = _incident(
        ("opened", "2026-11-27T17:30:00+03:00"), ("agent_reply", "2026-11-30T10:20:00+03:00")
    )
    assert inc._us == tuple(to_us(e.at) for e in inc.events)
    assert inc._kinds == ("opened", "agent_reply")
    assert "_us" not in repr(inc) and "_kinds" not in repr(inc)
    same = Incident.from_dict(inc.to_dict())
    assert same == inc and hash(same) == hash(inc)
    utc = dataclasses.replace(
        inc, events=tuple(dataclasses.replace(e, at=e.at.astimezone(UTC)) for e in inc.events)
    )
    assert utc._us == inc._us and utc == inc  # aware datetimes compare as instants


def test_pickle_copy_and_replace_keep_the_instants_right() -> None:
    inc = _incident(("opened", "2026-11-27T17:30:00+03:00"))
    for twin in (pickle.loads(pickle.dumps(inc)), copy.deepcopy(inc), copy.copy(inc)):
        assert twin == inc and twin._us == inc._us and twin._kinds == inc._kinds
    later = _incident(("opened", "2026-11-28T17:30:00+03:00"))
    moved = dataclasses.replace(inc, events=later.events)
    assert moved._us == later._us


def test_the_fold_ordering_uses_instants_not_wall_times() -> None:
    # 01:30 at +02:00 comes before 01:10 at +01:00 (Berlin's autumn fold).
    inc = _incident(
        ("opened", "2026-10-25T01:30:00+02:00"), ("agent_reply", "2026-10-25T01:10:00+01:00")
    )
    assert inc._us[0] < inc._us[1]


@given(st.data())
def test_the_lazy_watch_answers_what_the_watch_assessment_answers(data: st.DataObject) -> None:
    # schedule() asks watch() for the running clocks and whether any clock is late;
    # it must read the same from it as from assess() in WATCH mode.
    tier = _tier_with_options(data, update=None)
    incident = data.draw(sst.incidents(tier=tier), label="incident")
    at = to_us(data.draw(_around(incident), label="at"))
    log = known(incident._kinds, incident._us, at)
    if log is None:
        return
    kinds, points = log
    plan = plan_of(tier)
    program = plan.tables[incident.events[0].by == "agent"].get(tuple(kinds))
    assert program is not None
    lazy = watch(plan, program, points, at)
    full = assess(plan, program, points, at, WATCH)
    assert lazy.next_clock == full.next_clock
    assert lazy.next_due == full.next_due
    assert (lazy.breaches > 0) == (full.breaches > 0)
    assert lazy.at_risk == full.at_risk
    running = [f[:6] + f[7:] for f in lazy.clocks if f[4]]
    assert running == [f[:6] + f[7:] for f in full.clocks if f[4]]


# ----------------------------------------------------------------- the incident's memo


def _fresh(incident: Incident) -> Incident:
    """The same incident with an empty memo (an unpickled copy starts without one)."""
    twin: Incident = pickle.loads(pickle.dumps(incident))
    assert twin._memo.value is None
    return twin


@given(st.data())
def test_answers_on_a_remembered_incident_equal_those_on_a_fresh_copy(
    data: st.DataObject,
) -> None:
    # schedule() keeps the tier's plan, the whole log's program and the scope answer on
    # the incident; calls with other tiers and instants before, at and after the last
    # event (where the whole program does not apply) must answer as on a fresh copy.
    tiers = data.draw(st.lists(sst.tiers(), min_size=1, max_size=3), label="tiers")
    incident = data.draw(sst.incidents(tier=tiers[0]), label="incident")
    for _ in range(4):
        tier = data.draw(st.sampled_from(tiers), label="tier")
        at = data.draw(_around(incident), label="at")
        assert schedule(incident, tier, at=at) == schedule(_fresh(incident), tier, at=at)
        assert incident._memo.value is not None and incident._memo.value[0] is tier


def test_the_memo_is_never_copied_nor_part_of_the_record() -> None:
    inc = _incident(
        ("opened", "2026-11-27T17:30:00+03:00"), ("agent_reply", "2026-11-30T10:20:00+03:00")
    )
    at = datetime(2026, 11, 30, 12, 0, tzinfo=MSK)
    before = repr(inc), hash(inc)
    schedule(inc, SLA2, at=at)
    assert inc._memo.value is not None
    assert (repr(inc), hash(inc)) == before and inc == _fresh(inc)
    for twin in (pickle.loads(pickle.dumps(inc)), copy.deepcopy(inc), inc.replace(tier="SLA-2")):
        assert twin._memo.value is None
    later = inc.with_events({"type": "customer_message", "at": "2026-11-30T11:00:00+03:00"})
    assert later._memo.value is None
    assert schedule(later, SLA2, at=at).clock == "reaction"
    assert schedule(inc, SLA2, at=at).clock is None  # the earlier incident's own memo


def _after_last(incident: Incident) -> st.SearchStrategy[datetime]:
    """An instant at or after the last event (where schedule keeps the ended clocks)."""
    last = incident.events[-1].at
    return st.one_of(
        st.just(last),
        st.integers(min_value=1, max_value=10 * 86_400 * 10**6).map(
            lambda us: last + timedelta(microseconds=us)
        ),
    )


@given(st.data())
def test_an_incident_grown_by_with_events_answers_as_a_fresh_copy(data: st.DataObject) -> None:
    # with_events hands on what schedule found about the shorter log (plan, scope,
    # the verdicts of the cycles that had ended); the longer log must still answer,
    # at every instant, exactly as a copy that starts with an empty memo.
    tier = _tier_with_options(data)
    whole = data.draw(sst.incidents(tier=tier, min_events=2), label="incident")
    cuts = sorted(
        data.draw(
            st.sets(st.integers(1, len(whole.events) - 1), min_size=1, max_size=3), label="cuts"
        )
    )
    incident = whole.replace(events=whole.events[: cuts[0]])
    for start, end in zip(cuts, [*cuts[1:], len(whole.events)], strict=True):
        for _ in range(data.draw(st.integers(0, 2), label="asks")):  # 0: nothing to hand on
            at = data.draw(st.one_of(_after_last(incident), _around(incident)), label="at")
            assert schedule(incident, tier, at=at) == schedule(_fresh(incident), tier, at=at)
        incident = incident.with_events(*whole.events[start:end])
    for _ in range(2):
        at = data.draw(st.one_of(_after_last(incident), _around(incident)), label="at")
        assert schedule(incident, tier, at=at) == schedule(_fresh(incident), tier, at=at)


def test_with_events_hands_on_the_late_cycle_and_measures_only_what_the_events_end() -> None:
    # Opened Fri 17:30 and answered Tue 10:00: the first response (2 h) is late.  The
    # next cycle (a message Tue 11:00, answered Tue 11:30) ends with the appended reply.
    inc = _incident(
        ("opened", "2026-11-27T17:30:00+03:00"),
        ("agent_reply", "2026-12-01T10:00:00+03:00"),
        ("customer_message", "2026-12-01T11:00:00+03:00"),
    )
    at = datetime(2026, 12, 1, 11, 10, tzinfo=MSK)
    assert schedule(inc, SLA2, at=at).breached_so_far
    _, listed, _, late = inc._memo.ended
    assert late is not None and listed == (late,) and late[0] == 0
    later = inc.with_events({"type": "agent_reply", "at": "2026-12-01T11:30:00+03:00"})
    assert later._memo.prior == (inc._memo.value, inc._memo.ended)
    answer = schedule(later, SLA2, at=datetime(2026, 12, 1, 12, 0, tzinfo=MSK))
    assert answer == schedule(_fresh(later), SLA2, at=datetime(2026, 12, 1, 12, 0, tzinfo=MSK))
    # Handed on as it was, not measured, and the shorter log's memo let go.
    assert answer.breached_so_far and later._memo.ended is inc._memo.ended
    assert later._memo.prior is None
    # On time so far: the cycles already read are not measured again, only the new one.
    early = _incident(("opened", "2026-11-30T10:00:00+03:00")).with_events(
        {"type": "agent_reply", "at": "2026-11-30T11:00:00+03:00"}  # 1 h: on time
    )
    schedule(early, SLA2, at=datetime(2026, 11, 30, 11, 5, tzinfo=MSK))
    assert early._memo.ended[1:] == ((), early._memo.ended[2], None)
    grown = early.with_events(
        {"type": "customer_message", "at": "2026-11-30T12:00:00+03:00"},
        {"type": "agent_reply", "at": "2026-11-30T15:00:00+03:00"},  # 3 h: late
    )
    answer = schedule(grown, SLA2, at=datetime(2026, 11, 30, 15, 5, tzinfo=MSK))
    assert answer.breached_so_far
    assert answer == schedule(_fresh(grown), SLA2, at=datetime(2026, 11, 30, 15, 5, tzinfo=MSK))
    assert grown._memo.ended[3][0] == 1  # the second cycle, found after the first one kept


def test_an_overdue_update_cycle_stays_named_when_an_ended_cycle_is_listed_first() -> None:
    # Tiers with update cycles are assessed in the log's order (the reaction cycle that
    # ended comes first), so "the first clock has ended" must not mean "none runs".
    calendar = {"tz": "UTC", "week": {day: [["00:00", "24:00"]] for day in _DAYS}}
    tier = Tier.from_dict(
        {"id": "U", "name": "U", "calendar": calendar, "reaction": "PT2H", "update": "PT1S"}
    )
    opened = datetime(2025, 10, 30, 6, 0, tzinfo=UTC)
    incident = Incident(
        id="INC-1",
        type="failure",
        events=(Event("opened", opened), Event("agent_reply", opened + timedelta(seconds=1))),
    )
    s = schedule(incident, tier, at=opened + timedelta(seconds=3))
    assert (s.clock, s.overdue, s.breached_so_far) == ("update", True, True)
    assert s.next_due == opened + timedelta(seconds=2)
    assert s.remaining == timedelta(seconds=-1)


_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
