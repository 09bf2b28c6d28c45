"""Values that travel: every public value pickles and unpickles equal, and a copy is as fast.

A Dask or Spark worker receives calendars, tiers, catalogs and incidents
pickled, and sends results and tables back the same way.  A copy must be equal,
answer the same, carry no compiled timeline, and find the caches its original
filled (they are keyed by value).
"""

from __future__ import annotations

import pickle
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import slaclock
from slaclock import analysis, strategies
from slaclock._sla import plan as plan_module
from slaclock._sla.plan import Plan, plan_for, plan_of

Tier = slaclock.Tier


def _copy(value: Any) -> Any:
    return pickle.loads(pickle.dumps(value))


def _values() -> dict[str, Any]:
    catalog = slaclock.default_catalog()
    tier = catalog.tiers["SLA-3"]
    incidents = list(analysis.sample(20, seed=3))
    incident = next(i for i in incidents if slaclock.evaluate(i, tier).cycles)
    result = slaclock.evaluate(incident, tier)
    at = incident.events[-1].at
    rows = list(analysis.evaluate_many(incidents, tier))
    clocks = analysis.clock_table(incidents, catalog)
    return {
        "calendar": tier.calendar,
        "tier": tier,
        "catalog": catalog,
        "incident": incident,
        "event": incident.events[0],
        "attributes": incident.attributes,
        "evaluation": result,
        "cycle": result.cycles[0],
        "breach": slaclock.evaluate(incidents[0], catalog.tiers["SLA-4"]).breaches
        or result.cycles[0],
        "schedule": slaclock.schedule(incident, tier, at=at),
        "budget": slaclock.budget(tier, incidents, month="2026-11"),
        "cost": slaclock.cost(tier, used=timedelta(hours=9)),
        "price": tier.price,
        "vocabulary": tier.vocabulary,
        "summary": rows[0],
        "summary table": analysis.summarize(rows),
        "clock table": clocks,
        "clock row": analysis.ClockRow(*(column[0] for column in clocks.columns.values())),
    }


@pytest.mark.parametrize("name", list(_values()))
def test_every_public_value_pickles_and_unpickles_equal(name: str) -> None:
    value = _values()[name]
    copy = _copy(value)
    assert copy == value
    assert type(copy) is type(value)


def test_an_error_keeps_its_place_when_it_travels() -> None:
    # Exceptions compare by identity: the message and the place are what must travel.
    error = slaclock.IncidentError("bad", line=3, path="events.0.at", incident_id="INC-1")
    copy = _copy(error)
    assert (str(copy), copy.line, copy.path) == (str(error), error.line, error.path)


def test_tables_differ_when_a_value_or_the_column_order_differs() -> None:
    table = analysis.Table({"incident": ["A"], "cycles": [1]})
    assert table != analysis.Table({"incident": ["A"], "cycles": [2]})
    assert table != analysis.Table({"cycles": [1], "incident": ["A"]})
    assert table != {"incident": ["A"], "cycles": [1]}


def test_a_pickled_calendar_carries_no_compiled_timeline() -> None:
    calendar = slaclock.default_catalog().tiers["SLA-2"].calendar
    before = len(pickle.dumps(calendar))
    start = datetime(2001, 1, 1, tzinfo=UTC)
    for year in range(30):  # compile thirty years of blocks
        calendar.deadline(start + timedelta(days=365 * year), timedelta(hours=3))
    assert calendar.timeline.compiled >= 25  # (blocks are shared by alike years)
    assert len(pickle.dumps(calendar)) == before < 1_000


def test_a_calendar_unpickled_in_a_new_process_compiles_lazily() -> None:
    calendar = slaclock.default_catalog().tiers["SLA-2"].calendar
    calendar.deadline(datetime(2026, 11, 27, 15, tzinfo=UTC), timedelta(hours=2))
    program = (
        "import pickle, sys\n"
        "from datetime import datetime, timedelta, UTC\n"
        "cal = pickle.loads(sys.stdin.buffer.read())\n"
        "before = cal.timeline.compiled\n"
        "due = cal.deadline(datetime(2026, 11, 27, 15, tzinfo=UTC), timedelta(hours=2))\n"
        "print(before, cal.timeline.compiled, due.isoformat())\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", program],
        input=pickle.dumps(calendar),
        capture_output=True,
        check=True,
    )
    before, after, due = done.stdout.decode().split()
    assert (before, after) == ("0", "1")
    expected = calendar.deadline(datetime(2026, 11, 27, 15, tzinfo=UTC), timedelta(hours=2))
    assert due == expected.isoformat()


def test_a_calendar_unpickled_twice_shares_one_compiled_timeline() -> None:
    calendar = slaclock.Calendar.from_dict(
        {"tz": "Asia/Tokyo", "week": {"mon": [["09:00", "12:00"]]}, "holidays": ["2026-01-05"]}
    )
    data = pickle.dumps(calendar)
    first, second = pickle.loads(data), pickle.loads(data)
    assert first == calendar
    assert first.timeline is second.timeline


def test_a_pickled_tier_hits_the_plan_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    # A tier no other test uses, so that its plans are built here.
    calendar = slaclock.Calendar.from_dict({"tz": "UTC", "week": {"tue": [["08:00", "16:00"]]}})
    tier = slaclock.default_catalog().tiers["SLA-1"].replace(name="Copy", calendar=calendar)
    built: list[Tier] = []
    real = Plan.of.__func__  # type: ignore[attr-defined]

    def counting(cls: type[Plan], tier: Tier, /, **options: Any) -> Plan:
        built.append(tier)
        return real(cls, tier, **options)  # type: ignore[no-any-return]

    monkeypatch.setattr(Plan, "of", classmethod(counting))
    incidents = list(analysis.sample(5, seed=11))
    rows = list(analysis.evaluate_many(incidents, tier, cycle_rule="restart_on_message"))
    evaluated = [slaclock.evaluate(i, tier) for i in incidents]
    assert len(built) == 2  # the tier's own plan and the one with the rule overridden
    copy = _copy(tier)
    assert copy is not tier and copy == tier
    copied_rows = list(
        analysis.evaluate_many(_copy(incidents), copy, cycle_rule="restart_on_message")
    )
    assert [slaclock.evaluate(i, copy) for i in _copy(incidents)] == evaluated
    assert copied_rows == rows
    assert len(built) == 2  # both found by value: no plan built for the copy
    assert plan_of(copy).timeline is plan_of(tier).timeline


def test_plans_with_options_are_cached_by_value_and_bounded() -> None:
    tier = slaclock.default_catalog().tiers["SLA-2"]
    plan = plan_for(tier, "restart_on_message", True)
    assert plan_for(_copy(tier), "restart_on_message", True) is plan
    assert (plan.restart, plan.pause) == (True, True)
    assert plan_for(tier, None, None) is plan_of(tier)
    for n in range(plan_module._LIMIT + 5):
        plan_for(tier.replace(name=f"what-if {n}"), "restart_on_message", None)
    assert len(plan_module._BY_OPTIONS) <= plan_module._LIMIT


@given(
    tier=strategies.tiers(),
    data=st.data(),
)
def test_pickled_values_are_equal_and_answer_the_same(tier: Tier, data: st.DataObject) -> None:
    incident = data.draw(strategies.incidents(tier=tier))
    catalog = data.draw(strategies.catalogs())
    event = data.draw(strategies.events())
    for value in (tier, tier.calendar, incident, catalog, event):
        assert _copy(value) == value
    at = data.draw(st.none() | st.just(incident.events[-1].at + timedelta(hours=1)))
    result = slaclock.evaluate(incident, tier, at=at)
    copied = slaclock.evaluate(_copy(incident), _copy(tier), at=at)
    assert copied == result
    assert _copy(result) == result
    [row] = analysis.evaluate_many([_copy(incident)], _copy(tier), at=at)
    assert row == analysis.Summary.from_evaluation(result, incident)
    start = incident.events[0].at
    assert _copy(tier.calendar).elapsed(start, start + timedelta(days=9)) == (
        tier.calendar.elapsed(start, start + timedelta(days=9))
    )
