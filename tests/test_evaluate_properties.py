"""Laws of evaluation, hunted by Hypothesis over generated incident histories.

``slaclock.strategies`` has no incident strategy yet, so the histories are
generated here: valid event logs (the state rules of ``docs/semantics-sla.md``)
with gaps biased toward zero, a microsecond, and the Moscow calendar's
openings and closings, on the default catalog's tiers and on variants with a
first-reaction target, a resolution target, the pause and restart options.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from itertools import pairwise

from hypothesis import assume, given
from hypothesis import strategies as st

from slaclock import (
    Evaluation,
    Event,
    Incident,
    NoWorkingTimeError,
    Tier,
    default_catalog,
    evaluate,
    schedule,
)
from slaclock.strategies import calendars

MSK = timezone(timedelta(hours=3))
CATALOG = default_catalog()
BASE = datetime(2025, 10, 30, 9, 0, tzinfo=MSK)  # near the transferred Saturday of 1 Nov 2025

_GAPS = st.one_of(
    st.sampled_from(
        [timedelta(0), timedelta(microseconds=1), timedelta(minutes=30), timedelta(hours=1)]
    ),
    st.integers(min_value=0, max_value=4 * 24 * 60).map(lambda m: timedelta(minutes=m)),
    st.integers(min_value=0, max_value=3 * 86_400_000_000).map(lambda u: timedelta(microseconds=u)),
)


def u(moment: datetime) -> datetime:
    """In UTC: datetimes sharing one ZoneInfo compare by wall time, wrong in a DST fold."""
    return moment.astimezone(UTC)


def _next_kinds(state: str) -> list[str]:
    """The kinds a valid log may continue with in ``state``, most common first."""
    if state == "resolved":
        return ["reopened", "customer_message", "agent_reply", "closed", "work_logged"]
    return ["agent_reply", "customer_message", "pending", "resolved", "work_logged", "closed"]


@st.composite
def incidents(draw: st.DrawFn, *, start: datetime = BASE) -> Incident:
    at = start + draw(
        st.integers(min_value=0, max_value=90 * 24 * 60).map(lambda m: timedelta(minutes=m))
    )
    by = draw(st.sampled_from(["customer", "customer", "agent"]))
    events = [Event("opened", at, by=by)]
    state = "open"
    for _ in range(draw(st.integers(min_value=0, max_value=12))):
        kind = draw(st.sampled_from(_next_kinds(state)))
        at = at + draw(_GAPS)
        duration = draw(_GAPS) if kind == "work_logged" else None
        events.append(Event(kind, at, duration))
        if kind == "closed":
            break
        if kind == "pending":
            state = "pending"
        elif kind == "reopened" or (kind == "customer_message" and state == "pending"):
            state = "open"
        elif kind == "resolved":
            state = "resolved"
    zone = draw(st.sampled_from([MSK, UTC, timezone(timedelta(hours=-5))]))
    events = [Event(e.kind, e.at.astimezone(zone), e.duration, e.by) for e in events]
    return Incident(
        id=draw(st.sampled_from(["INC-1", "A", "инцидент-7"])),
        type=draw(st.sampled_from(["failure", "module_failure", "consultation"])),
        channel=draw(st.sampled_from([None, "portal", "remote", "phone"])),
        third_party=draw(st.booleans()),
        events=tuple(events),
        tier=draw(st.sampled_from([None, "SLA-2"])),
    )


@st.composite
def tiers(draw: st.DrawFn) -> Tier:
    base = CATALOG.tiers[draw(st.sampled_from(sorted(CATALOG.tiers)))]
    changes: dict[str, object] = {}
    if draw(st.booleans()):
        changes["first_reaction"] = draw(st.sampled_from(["PT30M", "PT1H", "PT4H"]))
    if draw(st.booleans()):
        changes["resolution"] = draw(st.sampled_from(["PT2H", "PT8H", "PT24H"]))
    if draw(st.booleans()):
        changes["pause_reaction_when_pending"] = True
    if draw(st.booleans()):
        changes["cycle_rule"] = "restart_on_message"
    return base.replace(**changes) if changes else base


def _covered_tier(draw: st.DrawFn) -> Tier:
    """A tier that covers every generated incident, so that clocks run."""
    tier = draw(tiers())
    return tier.replace(third_party=True, channels=("portal", "remote", "phone"))


def _instants_around(incident: Incident) -> st.SearchStrategy[datetime]:
    first, last = incident.events[0].at, incident.events[-1].at
    return st.one_of(
        st.sampled_from([e.at for e in incident.events]),
        st.integers(
            min_value=-3600, max_value=int((last - first).total_seconds()) + 5 * 86_400
        ).map(lambda s: first + timedelta(seconds=s)),
    )


def _reference_cycles(
    incident: Incident, *, restart: bool, at: datetime | None
) -> tuple[list[datetime], list[datetime]]:
    """Obviously-correct cycles: when a customer starts waiting, when an agent answers."""
    starts: list[datetime] = []
    answers: list[datetime] = []
    waiting = False
    for event in incident.events:
        if at is not None and u(event.at) > u(at):
            break
        starts_waiting = (
            (event.kind == "opened" and event.by == "customer")
            or (event.kind == "reopened" and not waiting)
            or (event.kind == "customer_message" and (not waiting or restart))
        )
        if starts_waiting:
            starts.append(event.at)
            waiting = True
        elif event.kind in ("agent_reply", "resolved", "closed"):
            if waiting and event.kind == "agent_reply":
                answers.append(event.at)
            waiting = False
    return starts, answers


def _evaluate(incident: Incident, tier: Tier, at: datetime | None = None) -> Evaluation:
    try:
        return evaluate(incident, tier, at=at)
    except NoWorkingTimeError:
        assume(False)
        raise


@given(st.data())
def test_no_cycle_is_ever_lost(data: st.DataObject) -> None:
    incident = data.draw(incidents())
    tier = _covered_tier(data.draw)
    at = data.draw(st.one_of(st.none(), _instants_around(incident)))
    result = _evaluate(incident, tier, at)
    restart = tier.cycle_rule == "restart_on_message"
    starts, answers = _reference_cycles(incident, restart=restart, at=at)
    assert [u(c.start) for c in result.cycles] == [u(s) for s in starts]
    assert [c.index for c in result.cycles] == list(range(1, len(starts) + 1))
    # Every agent reply that came while a customer waited answers exactly one cycle.
    assert [u(c.answered) for c in result.cycles if c.answered and c.ended_by == "agent_reply"] == [
        u(a) for a in answers
    ]


@given(st.data())
def test_cycles_never_overlap_and_only_the_last_is_open(data: st.DataObject) -> None:
    incident = data.draw(incidents())
    tier = _covered_tier(data.draw)
    at = data.draw(st.one_of(st.none(), _instants_around(incident)))
    cycles = _evaluate(incident, tier, at).cycles
    for earlier, later in pairwise(cycles):
        assert earlier.end is not None
        assert u(earlier.start) <= u(earlier.end) <= u(later.start)
    for cycle in cycles[:-1]:
        assert cycle.end is not None


@given(st.data())
def test_breached_exactly_when_answered_after_due(data: st.DataObject) -> None:
    incident = data.draw(incidents())
    tier = _covered_tier(data.draw)
    at = data.draw(st.one_of(st.none(), _instants_around(incident)))
    result = _evaluate(incident, tier, at)
    for cycle in result.cycles:
        if cycle.end is not None:
            assert cycle.breached == (u(cycle.end) > u(cycle.due))
            assert (cycle.answered is None) == (cycle.ended_by == "superseded")
        elif at is None:
            assert not cycle.breached and cycle.status == "open"
        else:
            assert cycle.breached == (u(at) > u(cycle.due))
        assert (cycle.overdue > timedelta(0)) <= cycle.breached
        assert not (cycle.at_risk and cycle.breached)
    assert result.breached == any(c.breached for c in result.cycles) or bool(
        result.resolution and result.resolution.breached
    )
    assert len(result.breaches) == sum(c.breached for c in result.cycles) + bool(
        result.resolution and result.resolution.breached
    )


@given(st.data())
def test_without_pauses_the_due_instant_spends_exactly_the_target(data: st.DataObject) -> None:
    incident = data.draw(incidents())
    tier = _covered_tier(data.draw).replace(pause_reaction_when_pending=False)
    calendar = tier.calendar
    for cycle in _evaluate(incident, tier).cycles:
        assert calendar.elapsed(cycle.start, cycle.due) == cycle.target
        assert sum((e - s for s, e in cycle.periods), timedelta(0)) == cycle.target


@given(st.data())
def test_pauses_push_the_due_instant_by_exactly_the_paused_time(data: st.DataObject) -> None:
    incident = data.draw(incidents())
    tier = _covered_tier(data.draw).replace(pause_reaction_when_pending=True)
    for cycle in _evaluate(incident, tier).cycles:
        counted = sum((e - s for s, e in cycle.periods), timedelta(0))
        assert counted == cycle.target


@given(st.data())
def test_a_later_at_never_unbreaches_and_never_loses_a_cycle(data: st.DataObject) -> None:
    incident = data.draw(incidents())
    tier = _covered_tier(data.draw)
    first = data.draw(_instants_around(incident))
    second = first + data.draw(_GAPS)
    early, late = _evaluate(incident, tier, first), _evaluate(incident, tier, second)
    assert len(late.cycles) >= len(early.cycles)
    for before, after in zip(early.cycles, late.cycles, strict=False):
        assert before.start == after.start and before.index == after.index
        assert after.breached or not before.breached
        if before.breached:
            assert after.due == before.due
    if early.resolution is not None and early.resolution.breached:
        assert late.resolution is not None and late.resolution.breached
    assert late.breached or not early.breached


@given(incidents())
def test_incident_to_dict_round_trips(incident: Incident) -> None:
    record = json.loads(json.dumps(incident.to_dict()))
    assert Incident.from_dict(record) == incident


@given(st.data())
def test_evaluation_to_dict_is_json_safe(data: st.DataObject) -> None:
    incident = data.draw(incidents())
    tier = data.draw(tiers())
    at = data.draw(st.one_of(st.none(), _instants_around(incident)))
    result = _evaluate(incident, tier, at)
    text = json.dumps(result.to_dict())
    assert json.loads(text)["covered"] == result.covered
    assert isinstance(result.explain(), str)


@given(st.data())
def test_schedule_agrees_with_evaluate(data: st.DataObject) -> None:
    incident = data.draw(incidents())
    tier = data.draw(tiers())
    at = data.draw(_instants_around(incident))
    result = _evaluate(incident, tier, at)
    plan = schedule(incident, tier, at=at)
    assert plan.breached_so_far == result.breached
    if plan.overdue:
        # No clock runs on time: the one running late stays named, past its due instant.
        assert result.next_due is None and plan.breached_so_far
        assert plan.next_due is not None and u(plan.next_due) < u(at)
        assert plan.remaining is not None and plan.remaining <= timedelta(0)
        return
    assert plan.next_due == result.next_due
    if plan.next_due is not None:
        assert plan.at_risk_at is not None and u(plan.at_risk_at) <= u(plan.next_due)
        assert result.remaining is not None and result.remaining >= timedelta(0)
        assert plan.remaining == result.remaining


@given(st.data())
def test_evaluation_on_generated_calendars(data: st.DataObject) -> None:
    calendar = data.draw(calendars())
    incident = data.draw(incidents())
    tier = Tier(
        id="X",
        name="Generated",
        calendar=calendar,
        reaction=timedelta(hours=2),
        third_party=True,
        resolution=timedelta(hours=5),
    )
    at = data.draw(st.one_of(st.none(), _instants_around(incident)))
    result = _evaluate(incident, tier, at)
    for cycle in result.cycles:
        if cycle.end is not None:
            assert cycle.breached == (u(cycle.end) > u(cycle.due))
        assert calendar.elapsed(cycle.start, cycle.due) == cycle.target


def _reference_pending(incident: Incident, horizon: datetime) -> list[tuple[datetime, datetime]]:
    """Pending spans: from ``pending`` to the next customer message, resolution or close."""
    spans: list[tuple[datetime, datetime]] = []
    since: datetime | None = None
    for event in incident.events:
        if u(event.at) > u(horizon):
            break
        if event.kind == "pending" and since is None:
            since = event.at
        elif event.kind in ("customer_message", "resolved", "closed") and since is not None:
            spans.append((since, event.at))
            since = None
    if since is not None:
        spans.append((since, horizon))
    return spans


@given(st.data())
def test_pause_credits_exactly_the_pending_working_time(data: st.DataObject) -> None:
    incident = data.draw(incidents())
    tier = _covered_tier(data.draw).replace(pause_reaction_when_pending=True)
    at = data.draw(_instants_around(incident))
    result = _evaluate(incident, tier, at)
    calendar = tier.calendar
    spans = _reference_pending(incident, at)
    for cycle in result.cycles:
        end = cycle.end if cycle.end is not None else at
        credited = sum(
            (
                calendar.elapsed(max(s, cycle.start, key=u), min(e, end, key=u))
                for s, e in spans
                if u(max(s, cycle.start, key=u)) < u(min(e, end, key=u))
            ),
            timedelta(0),
        )
        assert cycle.paused == credited
        assert cycle.taken + cycle.paused == calendar.elapsed(cycle.start, end)


@given(st.data())
def test_laws_hold_on_the_shared_strategies(data: st.DataObject) -> None:
    # The same laws on slaclock.strategies' tiers and incidents (any calendar, DST zones).
    from slaclock import strategies

    tier = data.draw(strategies.tiers())
    incident = data.draw(strategies.incidents(tier=tier))
    at = data.draw(st.one_of(st.none(), _instants_around(incident)))
    result = _evaluate(incident, tier, at)
    if not result.covered:
        assert result.reason and result.cycles == () and not result.breached
        return
    starts, answers = _reference_cycles(
        incident, restart=tier.cycle_rule == "restart_on_message", at=at
    )
    assert [u(c.start) for c in result.cycles] == [u(s) for s in starts]
    assert [u(c.answered) for c in result.cycles if c.answered and c.ended_by == "agent_reply"] == [
        u(a) for a in answers
    ]
    for earlier, later in pairwise(result.cycles):
        assert earlier.end is not None and u(earlier.end) <= u(later.start)
    for cycle in result.cycles:
        if cycle.end is not None:
            assert cycle.breached == (u(cycle.end) > u(cycle.due))
        if not tier.pause_reaction_when_pending:
            assert tier.calendar.elapsed(cycle.start, cycle.due) == cycle.target
    if at is not None:
        answer = schedule(incident, tier, at=at)
        if answer.overdue:
            # Nothing runs on time, so schedule names the clock running late: a
            # running, breached clock falling due at its next_due.
            assert result.next_due is None
            clocks = (*result.cycles, *result.updates)
            late = [u(c.due) for c in clocks if c.end is None and c.breached]
            resolution = result.resolution
            if resolution is not None and resolution.resolved is None and resolution.breached:
                late.append(u(resolution.due))
            assert answer.next_due is not None and u(answer.next_due) in late
        else:
            assert answer.next_due == result.next_due
