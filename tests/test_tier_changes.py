"""Tier changes mid-incident: every path held to the reference, and the boundaries by name.

A ``tier_changed`` event moves an incident to another tier of its catalog.
Each clock is measured whole, from its own start, on the tier the incident was
on when the clock ended (at the horizon while it runs); ``tests/sla_reference.py``
says so in plain code, and the property below holds ``evaluate``, ``schedule``
and both engines of ``slaclock.analysis`` equal to it on generated catalogs and
logs with tier changes (both cycle rules, both pause options, with and without
``at``).  The named tests pin the cases a helpdesk meets.
"""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from sla_reference import RefClock, RefResult, replay, schedule_fields, summary_fields, union, utc
from test_sla_reference import horizon, instants_around, same_instant, schedule_answer
from test_sla_reference import incidents as plain_incidents
from test_sla_reference import tiers as reference_tiers

from slaclock import (
    Calendar,
    Catalog,
    Cycle,
    Evaluation,
    Event,
    Incident,
    IncidentError,
    ResolutionClock,
    Tier,
    budget,
    budgets,
    default_catalog,
    evaluate,
    read_incidents,
    schedule,
    write_incidents,
)
from slaclock import strategies as sst
from slaclock.analysis import Summary, clock_table, evaluate_jsonl, evaluate_many
from slaclock.cli import main

CATALOG = default_catalog()
MSK = timezone(timedelta(hours=3))
US = timedelta(microseconds=1)
IDS = ("SLA-2", "GOLD", "T3")


# --------------------------------------------------------------------------- strategies


@st.composite
def catalogs(draw: st.DrawFn) -> Catalog:
    """Two or three tiers of the reference's kinds (calendars, targets, options, scope)."""
    count = draw(st.integers(2, 3))
    tiers = {name: draw(reference_tiers()).replace(id=name) for name in IDS[:count]}
    return Catalog(calendars={}, tiers=tiers)


@st.composite
def changing_incidents(draw: st.DrawFn, catalog: Catalog) -> Incident:
    """A reference log on one of the catalog's tiers with tier changes put in anywhere they may come."""
    base = draw(plain_incidents())
    names = list(catalog.tiers)
    events = list(base.events)
    zone = events[0].at.tzinfo
    for _ in range(draw(st.integers(1, 3))):
        # After the opening, and before a closing (nothing may follow it).
        last = len(events) - (events[-1].kind == "closed")
        position = draw(st.integers(1, last))
        before = events[position - 1].at
        after = events[position].at if position < len(events) else before + timedelta(days=3)
        span = (utc(after) - utc(before)) // US
        moment = before + draw(st.sampled_from([0, span]) | st.integers(0, span)) * US
        events.insert(
            position,
            Event("tier_changed", moment.astimezone(zone), tier=draw(st.sampled_from(names))),
        )
    return base.replace(events=tuple(events), tier=draw(st.sampled_from(names)))


def final_tier(incident: Incident, catalog: Catalog, at: datetime | None) -> Tier:
    """The tier in force at the horizon, read off the log."""
    name = incident.tier
    for event in incident.events:
        if event.kind == "tier_changed" and (at is None or utc(event.at) <= utc(at)):
            name = event.tier
    assert name is not None
    return catalog.tiers[name]


def reference(
    incident: Incident, catalog: Catalog, at: datetime | None, **options: Any
) -> RefResult:
    assert incident.tier is not None
    return replay(incident, catalog.tiers[incident.tier], at=at, catalog=catalog.tiers, **options)


# --------------------------------------------------------------------------- comparing


def _check_clock(got: Cycle | ResolutionClock, want: RefClock, what: str) -> None:
    assert got.tier == want.tier.id, what
    assert got.start.tzinfo is want.tier.calendar.zone, what
    assert same_instant(got.start, want.start), what
    assert same_instant(got.due, want.due), (what, got.due, want.due)
    assert (got.target, got.paused, got.breached, got.overdue, got.at_risk) == (
        want.target,
        want.paused,
        want.breached,
        want.overdue,
        want.at_risk,
    ), what
    assert (got.status, got.ended_by) == (want.status, want.ended_by), what
    assert union([(utc(s), utc(e)) for s, e in got.pauses]) == want.pauses, what
    assert [(level, utc(moment)) for level, moment in got.escalations] == want.escalations, what


def assert_same(result: Evaluation, ref: RefResult, tier: Tier, at: datetime | None) -> None:
    """``evaluate`` on a catalog equals the reference, each clock on its own tier."""
    assert result.tier == tier.id
    assert (result.covered, result.reason) == (ref.covered, ref.reason)
    assert same_instant(result.at, at)
    for got_list, want_list in ((result.cycles, ref.cycles), (result.updates, ref.updates)):
        assert len(got_list) == len(want_list)
        for got, want in zip(got_list, want_list, strict=True):
            what = f"{want.kind} {want.index}"
            _check_clock(got, want, what)
            assert got.index == want.index
            assert same_instant(got.end, want.end), what
            assert same_instant(got.answered, want.answered), what
            assert (got.taken, got.first, got.target_name, got.started_by) == (
                want.taken,
                want.first,
                want.target_name,
                want.started_by,
            ), what
    assert list(result.escalated) == ref.escalated
    if ref.resolution is None:
        assert result.resolution is None
    else:
        assert result.resolution is not None
        _check_clock(result.resolution, ref.resolution, "resolution")
        assert same_instant(result.resolution.resolved, ref.resolution.end)
        assert result.resolution.used == ref.resolution.taken
    assert len(result.breaches) == len(ref.breaches)
    for got_breach, want_breach in zip(result.breaches, ref.breaches, strict=True):
        assert same_instant(got_breach.at, want_breach.at)
        assert (got_breach.cycle, got_breach.tier, got_breach.target) == (
            want_breach.cycle,
            want_breach.tier,
            want_breach.target,
        )
        assert (got_breach.duration, got_breach.late, got_breach.late_wall) == (
            want_breach.duration,
            want_breach.late,
            want_breach.late_wall,
        )
    assert same_instant(result.next_due, ref.next_due)
    assert result.remaining == ref.remaining


# --------------------------------------------------------------------------- properties

_SLOW = [HealthCheck.too_slow, HealthCheck.data_too_large]


@settings(max_examples=250, suppress_health_check=_SLOW)
@given(st.data())
def test_evaluate_with_tier_changes_equals_the_reference(data: st.DataObject) -> None:
    catalog = data.draw(catalogs(), label="catalog")
    incident = data.draw(changing_incidents(catalog), label="incident")
    at = horizon(data, [incident])
    rule = data.draw(st.sampled_from([None, "oldest_unanswered", "restart_on_message"]))
    pause = data.draw(st.sampled_from([None, True, False]))
    result = evaluate(incident, catalog, at=at, cycle_rule=rule, pause_reaction_when_pending=pause)
    ref = reference(incident, catalog, at, cycle_rule=rule, pause=pause)
    assert_same(result, ref, final_tier(incident, catalog, at), at)
    # Both engines of slaclock.analysis, reading the record as JSON Lines.
    line = json.dumps(incident.to_dict(), ensure_ascii=False)
    want = Summary(**summary_fields(ref, incident, result.tier))
    for engine in ("python", "numpy"):
        rows = list(
            evaluate_jsonl(
                [line],
                catalog,
                at=at,
                cycle_rule=rule,
                pause_reaction_when_pending=pause,
                engine=engine,
            )
        )
        assert rows == [want], engine


@settings(max_examples=150, suppress_health_check=_SLOW)
@given(st.data())
def test_schedule_with_tier_changes_equals_the_reference(data: st.DataObject) -> None:
    catalog = data.draw(catalogs(), label="catalog")
    incident = data.draw(changing_incidents(catalog), label="incident")
    at = data.draw(instants_around([incident]), label="at")
    notify = data.draw(st.booleans(), label="notify_within_hours")
    assert incident.tier is not None
    got = schedule(incident, catalog, at=at, notify_within_hours=notify)
    want = schedule_fields(
        incident, catalog.tiers[incident.tier], at, notify, catalog=catalog.tiers
    )
    assert schedule_answer(got) == want
    for moment in (got.next_due, got.at_risk_at, got.next_check):
        if moment is not None:
            assert moment.tzinfo is final_tier(incident, catalog, at).calendar.zone


@settings(max_examples=60, suppress_health_check=_SLOW)
@given(st.data())
def test_the_strategies_draw_tier_changes_that_evaluate_on_their_catalog(
    data: st.DataObject,
) -> None:
    catalog = data.draw(catalogs(), label="catalog")
    incident = data.draw(sst.incidents(catalog=catalog, max_events=8), label="incident")
    assert incident.tier in catalog.tiers
    assert all(e.tier in catalog.tiers for e in incident.events if e.kind == "tier_changed")
    result = evaluate(incident, catalog)
    assert_same(
        result, reference(incident, catalog, None), final_tier(incident, catalog, None), None
    )


@settings(max_examples=40, suppress_health_check=_SLOW)
@given(sst.incidents())
def test_without_a_catalog_the_strategies_change_no_tier(incident: Incident) -> None:
    assert all(event.kind != "tier_changed" for event in incident.events)


def test_the_strategies_want_a_catalog_for_tier_changes() -> None:
    with pytest.raises(InvalidArgument, match="catalog="):
        sst.incidents(kinds=["agent_reply", "tier_changed"])


@settings(max_examples=20)
@given(sst.incidents(catalog=CATALOG, kinds=["tier_changed"], min_events=3))
def test_kinds_may_ask_for_tier_changes_alone(incident: Incident) -> None:
    assert incident.tier in CATALOG.tiers
    assert [e.kind for e in incident.events[1:]] == ["tier_changed"] * (len(incident.events) - 1)
    assert len(incident.events) >= 3


# --------------------------------------------------------------------------- named boundaries


def at_msk(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=MSK)


def log(*events: tuple[str, datetime] | tuple[str, datetime, str], **fields: Any) -> Incident:
    record = {"id": "T-1", "type": "failure", "channel": "portal", "tier": "SLA-1"} | fields
    out = []
    for kind, moment, *more in events:
        event: dict[str, Any] = {"type": kind, "at": moment.isoformat()}
        if kind == "tier_changed":
            event["tier"] = more[0]
        elif kind == "work_logged":
            event["duration"] = more[0]
        out.append(event)
    return Incident.from_dict(record | {"events": out})


def test_a_running_cycle_is_retargeted_and_an_exceeded_shorter_target_breaches_at_the_new_due() -> (
    None
):
    # Opened on SLA-1 (8 h) at 10:00; moved to SLA-2 (2 h) at 13:00, three hours in.
    inc = log(
        ("opened", at_msk(30, 10)),
        ("tier_changed", at_msk(30, 13), "SLA-2"),
        ("agent_reply", at_msk(30, 14)),
    )
    [cycle] = evaluate(inc, CATALOG).cycles
    assert (cycle.tier, cycle.target, cycle.due) == ("SLA-2", timedelta(hours=2), at_msk(30, 12))
    assert (cycle.breached, cycle.status, cycle.overdue) == (True, "late", timedelta(hours=2))
    [breach] = evaluate(inc, CATALOG).breaches
    assert (breach.at, breach.tier, breach.late_wall) == (
        at_msk(30, 12),
        "SLA-2",
        timedelta(hours=2),
    )
    # Before the change the cycle was on time on SLA-1; right after it, overdue on SLA-2.
    before = evaluate(inc, CATALOG, at=at_msk(30, 12, 59))
    assert (before.tier, before.breached, before.cycles[0].due) == ("SLA-1", False, at_msk(30, 18))
    now = schedule(inc, CATALOG, at=at_msk(30, 13, 30))
    assert (now.clock, now.overdue, now.next_due) == ("first_reaction", True, at_msk(30, 12))
    assert now.remaining == timedelta(minutes=-90)


def test_a_cycle_answered_before_the_change_keeps_its_verdict() -> None:
    inc = log(
        ("opened", at_msk(30, 10)),
        ("agent_reply", at_msk(30, 15)),  # 5 h: on time on SLA-1, late on SLA-2
        ("tier_changed", at_msk(30, 15, 30), "SLA-2"),
        ("customer_message", at_msk(30, 16)),
    )
    first, second = evaluate(inc, CATALOG).cycles
    assert (first.tier, first.status, second.tier, second.due) == (
        "SLA-1",
        "met",
        "SLA-2",
        at_msk(30, 18),
    )


def test_a_change_at_the_answers_instant_comes_after_it_in_the_log() -> None:
    # The same instant: the log's order decides, and the answer came first.
    inc = log(
        ("opened", at_msk(30, 10)),
        ("agent_reply", at_msk(30, 15)),
        ("tier_changed", at_msk(30, 15), "SLA-2"),
    )
    assert evaluate(inc, CATALOG).cycles[0].tier == "SLA-1"
    swapped = log(
        ("opened", at_msk(30, 10)),
        ("tier_changed", at_msk(30, 15), "SLA-2"),
        ("agent_reply", at_msk(30, 15)),
    )
    assert evaluate(swapped, CATALOG).cycles[0].status == "late"


def _pausing_catalog() -> Catalog:
    slow = CATALOG.tiers["SLA-1"]
    fast = CATALOG.tiers["SLA-2"].replace(
        pause_reaction_when_pending=True, resolution=timedelta(hours=16)
    )
    return Catalog(calendars=CATALOG.calendars, tiers={"SLA-1": slow, "SLA-2": fast})


def test_a_change_while_pending_measures_the_cycle_with_the_new_tiers_pauses() -> None:
    catalog = _pausing_catalog()
    inc = log(
        ("opened", at_msk(30, 10)),
        ("pending", at_msk(30, 11)),
        ("tier_changed", at_msk(30, 12), "SLA-2"),
        ("customer_message", at_msk(30, 14)),
    )
    result = evaluate(inc, catalog, at=at_msk(30, 14, 30))
    [cycle] = result.cycles
    # SLA-2 pauses while pending: 11:00-14:00 stood still, so 2 h are due at 15:00.
    assert (cycle.tier, cycle.due, cycle.paused) == ("SLA-2", at_msk(30, 15), timedelta(hours=3))
    assert (cycle.status, result.breached) == ("at_risk", False)  # 1.5 h of 2 h used
    # The resolution clock, which SLA-1 does not have, comes with the new tier.
    assert result.resolution is not None
    assert (result.resolution.tier, result.resolution.used) == (
        "SLA-2",
        timedelta(hours=1, minutes=30),
    )
    # Still pending at the horizon: the cycle is paused on SLA-2, as it would not be on SLA-1.
    paused = evaluate(inc, catalog, at=at_msk(30, 13))
    assert paused.cycles[0].status == "paused"
    assert evaluate(inc, catalog, at=at_msk(30, 11, 30)).cycles[0].status == "running"


def test_a_change_after_resolution_before_reopen() -> None:
    catalog = _pausing_catalog()
    resolved = log(
        ("opened", at_msk(30, 10)),
        ("agent_reply", at_msk(30, 11)),
        ("resolved", at_msk(30, 12)),
        ("tier_changed", at_msk(30, 13), "SLA-1"),
        tier="SLA-2",
    )
    result = evaluate(resolved, catalog)
    # Resolved on SLA-2 before the change: that clock keeps SLA-2 and its verdict.
    assert result.tier == "SLA-1"
    assert result.resolution is not None and result.resolution.tier == "SLA-2"
    assert result.resolution.status == "met"
    reopened = resolved.with_events(
        {"type": "reopened", "at": at_msk(30, 14).isoformat()},
    )
    later = evaluate(reopened, catalog, at=at_msk(30, 17))
    # Reopened on SLA-1: the new cycle is on SLA-1, and SLA-1 has no resolution target.
    assert later.resolution is None
    assert [c.tier for c in later.cycles] == ["SLA-2", "SLA-1"]
    assert later.cycles[1].due == datetime(2026, 12, 1, 14, 0, tzinfo=MSK)  # 4 h + 4 h next day


def test_a_change_to_a_tier_on_another_calendar() -> None:
    always = Calendar.from_dict(
        {
            "tz": "UTC",
            "week": {
                d: [["00:00", "24:00"]] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
            },
        }
    )
    round_the_clock = CATALOG.tiers["SLA-4"].replace(id="24x7", calendar=always)
    catalog = Catalog(calendars=CATALOG.calendars, tiers={**CATALOG.tiers, "24x7": round_the_clock})
    # Opened Friday 17:30 Moscow on SLA-1; moved at 17:45 to a 1 h target on a 24/7 UTC calendar.
    inc = log(("opened", at_msk(27, 17, 30)), ("tier_changed", at_msk(27, 17, 45), "24x7"))
    result = evaluate(inc, catalog, at=at_msk(27, 18, 45))
    [cycle] = result.cycles
    assert cycle.due == datetime(2026, 11, 27, 15, 30, tzinfo=UTC)
    assert cycle.due.tzinfo is always.zone and cycle.start.tzinfo is always.zone
    assert (cycle.status, result.breaches[0].late) == ("overdue", timedelta(minutes=15))
    assert result.at is not None and result.at.tzinfo is always.zone


def test_a_change_to_the_same_tier_changes_nothing() -> None:
    events = [
        ("opened", at_msk(30, 10)),
        ("customer_message", at_msk(30, 11)),
        ("agent_reply", at_msk(30, 17)),
        ("customer_message", at_msk(30, 17, 30)),
    ]
    plain = log(*events)
    same = log(*events[:2], ("tier_changed", at_msk(30, 12), "SLA-1"), *events[2:])
    for at in (
        None,
        at_msk(30, 11, 59),
        at_msk(30, 12),
        at_msk(30, 17, 45),
        datetime(2026, 12, 1, 9, 0, tzinfo=MSK),
    ):
        assert evaluate(same, CATALOG, at=at).to_dict() == evaluate(plain, CATALOG, at=at).to_dict()
        if at is not None:
            assert schedule(same, CATALOG, at=at) == schedule(plain, CATALOG, at=at)


def test_two_changes() -> None:
    inc = log(
        ("opened", at_msk(30, 10)),
        ("agent_reply", at_msk(30, 11)),
        ("tier_changed", at_msk(30, 11, 30), "SLA-2"),
        ("customer_message", at_msk(30, 12)),
        ("tier_changed", at_msk(30, 12, 30), "SLA-4"),
        ("agent_reply", at_msk(30, 13, 30)),  # 1.5 h: late on SLA-4's 1 h
        ("customer_message", at_msk(30, 14)),
    )
    result = evaluate(inc, CATALOG, at=at_msk(30, 14, 10))
    assert [(c.tier, c.target, c.status) for c in result.cycles] == [
        ("SLA-1", timedelta(hours=8), "met"),
        ("SLA-4", timedelta(hours=1), "late"),
        ("SLA-4", timedelta(hours=1), "running"),
    ]
    assert (result.tier, result.next_due, result.remaining) == (
        "SLA-4",
        at_msk(30, 15),
        timedelta(minutes=50),
    )
    [breach] = result.breaches
    assert (breach.tier, breach.at) == ("SLA-4", at_msk(30, 13))


def test_a_change_to_a_tier_that_does_not_cover_the_incident() -> None:
    # A third-party plugin: SLA-2 covers it, SLA-1 does not.
    inc = log(
        ("opened", at_msk(30, 10)),
        ("agent_reply", at_msk(30, 13)),  # late on SLA-2
        ("customer_message", at_msk(30, 14)),
        ("tier_changed", at_msk(30, 15), "SLA-1"),
        tier="SLA-2",
        third_party=True,
    )
    result = evaluate(inc, CATALOG)
    assert (result.covered, result.tier) == (False, "SLA-1")
    assert result.reason is not None
    assert result.reason.endswith(
        "(not covered since the change to tier SLA-1 at 2026-11-30T15:00:00+03:00)"
    )
    # The answered cycle keeps its verdict; the one running at the change is dropped.
    assert [(c.tier, c.status) for c in result.cycles] == [("SLA-2", "late")]
    assert result.breached and result.next_due is None
    assert schedule(inc, CATALOG, at=at_msk(30, 16)).next_due is None
    # And back to a covering tier: clocks that end there count again.
    back = inc.with_events(
        {"type": "tier_changed", "at": at_msk(30, 16).isoformat(), "tier": "SLA-4"}
    )
    again = evaluate(back, CATALOG)
    assert again.covered and [c.tier for c in again.cycles] == ["SLA-2", "SLA-4"]


def test_escalation_levels_follow_the_clocks_tier() -> None:
    levels = CATALOG.tiers["SLA-2"].replace(escalations=("50%", "100%"))
    catalog = Catalog(calendars=CATALOG.calendars, tiers={**CATALOG.tiers, "SLA-2": levels})
    inc = log(("opened", at_msk(30, 10)), ("tier_changed", at_msk(30, 10, 30), "SLA-2"))
    result = evaluate(inc, catalog, at=at_msk(30, 11, 30))
    assert result.cycles[0].escalations == (("50%", at_msk(30, 11)), ("100%", at_msk(30, 12)))
    assert result.escalated == (("50%", 1), ("100%", 0))
    assert schedule(inc, catalog, at=at_msk(30, 11, 30)).escalation == ("100%", at_msk(30, 12))
    # Before the change the incident was on SLA-1, which has no levels.
    assert evaluate(inc, catalog, at=at_msk(30, 10, 15)).escalated == ()


# --------------------------------------------------------------------------- errors


CHANGED = log(("opened", at_msk(30, 10)), ("tier_changed", at_msk(30, 11), "SLA-2"))


def test_a_single_tier_refuses_a_log_that_changes_tier() -> None:
    for call in (
        lambda: evaluate(CHANGED, CATALOG.tiers["SLA-1"]),
        lambda: schedule(CHANGED, CATALOG.tiers["SLA-1"], at=at_msk(30, 12)),
        lambda: list(evaluate_many([CHANGED], CATALOG.tiers["SLA-1"])),
    ):
        with pytest.raises(IncidentError, match="pass the catalog") as caught:
            call()
        assert (caught.value.incident_id, caught.value.event_index) == ("T-1", 1)
        assert "'SLA-2'" in str(caught.value)
    # Before the change is known, a single tier is enough.
    assert evaluate(CHANGED, CATALOG.tiers["SLA-1"], at=at_msk(30, 10, 30)).tier == "SLA-1"


def test_a_change_to_a_tier_the_catalog_lacks() -> None:
    bad = log(("opened", at_msk(30, 10)), ("tier_changed", at_msk(30, 11), "SLA-9"))
    with pytest.raises(IncidentError) as caught:
        evaluate(bad, CATALOG)
    message = str(caught.value)
    assert "'SLA-9'" in message and "'SLA-1', 'SLA-2', 'SLA-3', 'SLA-4'" in message
    assert (caught.value.incident_id, caught.value.event_index) == ("T-1", 1)
    assert message.startswith("events.1.tier: incident 'T-1', event 1:")
    # Read from a file, the line is named too (both engines).
    lines = [json.dumps(CHANGED.to_dict()), json.dumps(bad.to_dict())]
    for engine in ("python", "numpy"):
        with pytest.raises(IncidentError) as caught:
            list(evaluate_jsonl(lines, CATALOG, engine=engine))
        assert (caught.value.line, caught.value.event_index) == (2, 1)
        assert str(caught.value).startswith("line 2, events.1.tier: incident 'T-1', event 1:")
        reader = evaluate_jsonl(lines, CATALOG, engine=engine, errors="collect")
        assert [row.tier for row in reader] == ["SLA-2"]
        assert [error.line for error in reader.errors.errors] == [2]


@pytest.mark.parametrize(
    ("event", "wanted"),
    [
        ({"type": "tier_changed", "at": "2026-11-30T11:00:00+03:00"}, "needs the tier"),
        ({"type": "tier_changed", "at": "2026-11-30T11:00:00+03:00", "tier": ""}, "needs the tier"),
        (
            {"type": "tier_changed", "at": "2026-11-30T11:00:00+03:00", "tier": " "},
            "needs the tier",
        ),
        ({"type": "tier_changed", "at": "2026-11-30T11:00:00+03:00", "tier": 2}, "is not text"),
        (
            {"type": "agent_reply", "at": "2026-11-30T11:00:00+03:00", "tier": "SLA-2"},
            "only 'tier_changed'",
        ),
    ],
)
def test_a_bad_tier_field_is_refused_with_its_place(event: dict[str, Any], wanted: str) -> None:
    record = CHANGED.to_dict()
    record["events"][1] = event
    with pytest.raises(IncidentError, match=wanted) as caught:
        Incident.from_dict(record)
    assert caught.value.path == "events.1.tier"
    line = json.dumps(record)
    for engine in ("python", "numpy"):
        with pytest.raises(IncidentError, match=wanted) as caught:
            list(evaluate_jsonl([line], CATALOG, engine=engine))
        assert caught.value.line == 1


def test_the_log_rules_place_a_tier_change_between_opening_and_closing() -> None:
    with pytest.raises(IncidentError, match="first event must be 'opened'"):
        log(("tier_changed", at_msk(30, 9), "SLA-2"), ("opened", at_msk(30, 10)))
    with pytest.raises(IncidentError, match="comes after 'closed'"):
        log(
            ("opened", at_msk(30, 10)),
            ("closed", at_msk(30, 11)),
            ("tier_changed", at_msk(30, 12), "SLA-2"),
        )
    kinds = [
        "opened",
        "pending",
        "tier_changed",
        "resolved",
        "tier_changed",
        "reopened",
        "tier_changed",
    ]
    moments = [at_msk(30, 10 + i) for i in range(len(kinds))]
    inc = log(
        *[
            (k, m, "SLA-2") if k == "tier_changed" else (k, m)
            for k, m in zip(kinds, moments, strict=False)
        ]
    )
    assert [e.kind for e in inc.events] == kinds


# --------------------------------------------------------------------------- values and files


def test_the_event_is_lossless() -> None:
    event = Event.from_dict(
        {"type": "tier_changed", "at": "2026-11-30T11:00:00+03:00", "tier": "SLA-2"}
    )
    assert event.tier == "SLA-2" and event.kind == "tier_changed"
    assert event.to_dict() == {
        "type": "tier_changed",
        "at": "2026-11-30T11:00:00+03:00",
        "tier": "SLA-2",
    }
    assert Event.from_dict(event.to_dict()) == event
    assert repr(event) == (
        "Event.from_dict({'type': 'tier_changed', 'at': '2026-11-30T11:00:00+03:00', 'tier': 'SLA-2'})"
    )
    assert str(event) == "tier_changed at 2026-11-30T11:00:00+03:00 to SLA-2"
    assert event != event.replace(tier="SLA-4")
    assert Event("tier_changed", at_msk(30, 11), tier="SLA-2") == event
    buffer = io.StringIO()
    write_incidents(buffer, [CHANGED])
    buffer.seek(0)
    assert list(read_incidents(buffer)) == [CHANGED]
    assert Incident.from_dict(CHANGED.to_dict()) == CHANGED
    assert CHANGED.replace(events=(CHANGED.events[0], event.replace(tier="SLA-4"))) != CHANGED


def test_summary_and_clock_rows_of_a_log_that_changes_tier() -> None:
    inc = log(
        ("opened", at_msk(30, 10)),
        ("agent_reply", at_msk(30, 11)),
        ("customer_message", at_msk(30, 12)),
        ("tier_changed", at_msk(30, 12, 30), "SLA-4"),
    )
    at = at_msk(30, 13, 30)
    line = json.dumps(inc.to_dict())
    rows = list(evaluate_jsonl([line], CATALOG, at=at))
    assert rows == [Summary.from_evaluation(evaluate(inc, CATALOG, at=at), inc)]
    assert (rows[0].tier, rows[0].breaches) == ("SLA-4", 1)
    table = clock_table([inc], CATALOG, at=at)
    assert table.columns["status"] == ["met", "overdue"]


# --------------------------------------------------------------------------- budgets


def test_budgets_count_work_on_the_tier_in_force_when_it_was_logged() -> None:
    inc = log(
        ("opened", at_msk(2, 10)),
        ("work_logged", at_msk(2, 11), "PT3H"),
        ("tier_changed", at_msk(2, 12), "SLA-3"),
        ("work_logged", at_msk(2, 13), "PT2H"),
        ("tier_changed", at_msk(2, 14), "SLA-2"),
        ("work_logged", at_msk(2, 15), "PT1H"),
        contract="C-1",
    )
    on_3 = CATALOG.tiers["SLA-3"]
    assert budget(on_3, [inc], month="2026-11").used == timedelta(hours=2)
    assert budget(CATALOG.tiers["SLA-2"], [inc], month="2026-11").used == timedelta(hours=1)
    assert budget(CATALOG.tiers["SLA-1"], [inc], month="2026-11").used == timedelta(hours=3)
    assert budget(on_3, [inc], month="2026-11", at=at_msk(2, 12, 30)).used == timedelta(0)
    assert budgets(on_3, [inc], month="2026-11")["C-1"].remaining == timedelta(hours=6)
    # Without a tier of its own, the work before the first change counts for any tier.
    untied = inc.replace(tier=None)
    assert budget(on_3, [untied], month="2026-11").used == timedelta(hours=5)
    # A log that never changes tier counts whole, whatever its tier field (as before).
    steady = log(("opened", at_msk(2, 10)), ("work_logged", at_msk(2, 11), "PT3H"))
    assert budget(on_3, [steady], month="2026-11").used == timedelta(hours=3)


# --------------------------------------------------------------------------- the command line


def test_the_evaluate_command_measures_a_log_that_changes_tier_on_the_catalog(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    moved = log(
        ("opened", at_msk(2, 10)),
        ("work_logged", at_msk(2, 11), "PT3H"),
        ("tier_changed", at_msk(2, 13), "SLA-3"),
        ("work_logged", at_msk(2, 14), "PT2H"),
        ("agent_reply", at_msk(2, 15)),
        tier="SLA-1",
        contract="C-1",
    )
    path = tmp_path / "log.jsonl"
    path.write_text(json.dumps(moved.to_dict()) + "\n", encoding="utf-8")
    want = evaluate(moved, CATALOG)
    assert (want.tier, want.breached) == ("SLA-3", True)
    # The summary row (the fast path) and every clock (--cycles) are the catalog's answer.
    assert main(["evaluate", str(path), "--format", "json"]) == 0
    [row] = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert (row["incident"], row["tier"], row["breached"]) == (moved.id, "SLA-3", True)
    assert main(["evaluate", str(path), "--cycles", "--format", "json"]) == 0
    clocks = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [c["tier"] for c in clocks if c["kind"] == "reaction"] == [c.tier for c in want.cycles]
    assert main(["evaluate", str(path), "--cycles"]) == 0
    assert "SLA-3" in capsys.readouterr().out
    # The budget counts only the work logged on SLA-3 there, and SLA-1's before the change.
    assert main(["budget", str(path), "--month", "2026-11", "--format", "json"]) == 0
    budget_rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    used = {(r["tier"], r["contract"]): r["used"] for r in budget_rows}
    assert used[("SLA-3", "C-1")] == "PT2H"
    # One tier for all cannot measure it: bad data, with the line and the remedy.
    for command in (["evaluate", str(path)], ["evaluate", str(path), "--cycles"]):
        assert main([*command, "--tier", "SLA-2"]) == 1
        err = capsys.readouterr().err
        assert "line 1" in err and "leave out --tier" in err and "Traceback" not in err
