"""analysis.compare: every scenario's row equals evaluate(), budgets() and cost() one at a time.

The reference below folds the answers of the public one-incident functions in the
plainest way, with the definitions of ``docs/howto-compare.md`` written out again;
``compare`` (one decoding, the lifecycle core per scenario) must agree on generated
tiers and logs, on the sample data, from records, incidents and a file alike.
"""

from __future__ import annotations

import json
import pickle
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from slaclock import (
    Calendar,
    Catalog,
    Incident,
    IncidentError,
    SlaclockError,
    SlaclockTypeError,
    SlaclockValueError,
    Tier,
    budgets,
    cost,
    default_catalog,
    evaluate,
)
from slaclock import strategies as sst
from slaclock.analysis import Scenario, Table, compare, sample, sample_records

CATALOG = default_catalog()
SLA2, SLA3 = CATALOG.tiers["SLA-2"], CATALOG.tiers["SLA-3"]


def _month(moment: datetime, tier: Tier) -> str:
    return moment.astimezone(tier.calendar.zone).strftime("%Y-%m")


def _months(first: str, last: str) -> list[str]:
    out = [first]
    while out[-1] < last:
        year, month = map(int, out[-1].split("-"))
        out.append(f"{year + month // 12:04d}-{month % 12 + 1:02d}")
    return out


def _percentile(values: list[timedelta], percent: int) -> timedelta | None:
    """The smallest value with at least ``percent``% of the values at or below it."""
    for value in sorted(values):
        if sum(v <= value for v in values) * 100 >= percent * len(values):
            return value
    return None


def reference(incidents: list[Incident], scenario: Scenario, at: datetime | None) -> dict[str, Any]:
    """The comparison row, from evaluate(), budgets() and cost() one incident and month at a time."""
    at = scenario.at if scenario.at is not None else at
    subject = scenario.tier_or_catalog
    opened = [i for i in incidents if at is None or i.events[0].at <= at]
    by_tier: dict[str, list[Incident]] = {}
    results = []
    for incident in opened:
        key = incident.tier if isinstance(subject, Catalog) else subject.id
        assert key is not None
        tier = scenario.tiers[key]
        by_tier.setdefault(tier.id, []).append(incident)
        results.append(
            evaluate(
                incident,
                tier,
                at=at,
                cycle_rule=scenario.cycle_rule,
                pause_reaction_when_pending=scenario.pause_reaction_when_pending,
            )
        )
    covered = [r for r in results if r.covered]
    cycles = [c for r in covered for c in r.cycles]
    judged = [c for c in cycles if c.status != "open"]
    late = [c for c in cycles if c.breached]
    taken = [c.taken for c in cycles if c.answered is not None]
    breached = [r for r in covered if r.breached]
    per_month: Counter[str] = Counter()
    per_owner: dict[str | None, timedelta] = {}
    overage = timedelta(0)
    amount: Decimal | None = Decimal(0)
    months_seen: set[str] = set()
    currencies: set[str] = set()
    for tier_id, group in by_tier.items():
        tier = scenario.tiers[tier_id]
        known = [e.at for i in group for e in i.events if at is None or e.at <= at]
        months = _months(_month(min(known), tier), _month(max(known), tier))
        months_seen.update(months)
        for month in months:
            for owner, usage in budgets(tier, group, month=month, at=at).items():
                per_month[month] += usage.used // timedelta(microseconds=1)
                overage += usage.overage
                if usage.included is not None:
                    per_owner[owner] = per_owner.get(owner, timedelta(0)) + usage.overage
                price = tier.price
                unpriced = price is None or not (price.is_free or price.per in ("month", "year"))
                if unpriced or amount is None:
                    amount = None
                else:
                    priced = cost(tier, used=usage.used, period="month", prorate=True)
                    amount += priced.amount
                    currencies.add(priced.currency)
    reasons = Counter(r.reason for r in results if not r.covered)
    us = timedelta(microseconds=1)
    return {
        "scenario": scenario.name,
        "tier": None if isinstance(subject, Catalog) else subject.id,
        "incidents": len(opened),
        "not_opened": len(incidents) - len(opened),
        "covered": len(covered),
        "not_covered": len(results) - len(covered),
        "not_covered_reasons": dict(reasons),
        "cycles": len(cycles),
        "judged_cycles": len(judged),
        "breached_cycles": len(late),
        "breached_incidents": len(breached),
        "cycle_compliance": (len(judged) - len(late)) / len(judged) if judged else None,
        "incident_compliance": (len(covered) - len(breached)) / len(covered) if covered else None,
        "answered_cycles": len(taken),
        "reaction_median": None if not taken else _percentile(taken, 50) // us,  # type: ignore[operator]
        "reaction_p90": None if not taken else _percentile(taken, 90) // us,  # type: ignore[operator]
        "reaction_max": None if not taken else max(taken) // us,
        "at_risk": None if at is None else sum(at_risk(r) for r in covered),
        "first_month": min(months_seen, default=None),
        "last_month": max(months_seen, default=None),
        "used": sum(per_month.values()),
        "used_per_month": {m: per_month[m] * us for m in sorted(per_month)},
        "overage": overage // us,
        "overage_per_contract": per_owner,
        "cost": None if len(currencies) > 1 else amount,
        "currency": None if amount is None or len(currencies) > 1 else next(iter(currencies), None),
    }


def at_risk(result: Any) -> bool:
    """``Summary.at_risk``: some open clock has used its share."""
    return (
        any(c.at_risk for c in result.cycles)
        or any(c.at_risk for c in result.updates)
        or (result.resolution is not None and result.resolution.at_risk)
    )


def rows(table: Table) -> list[dict[str, Any]]:
    return [{name: values[i] for name, values in table.columns.items()} for i in range(len(table))]


def check(incidents: list[Incident], scenarios: list[Scenario], at: datetime | None) -> None:
    want = [reference(incidents, scenario, at) for scenario in scenarios]
    got = rows(compare(incidents, scenarios, at=at))
    for mine, theirs in zip(got, want, strict=True):
        assert mine == theirs
    assert rows(compare([i.to_dict() for i in incidents], scenarios, at=at)) == got


@given(st.data())
def test_each_scenario_equals_evaluate_one_incident_at_a_time(data: st.DataObject) -> None:
    tier = data.draw(sst.tiers(), label="tier")
    incidents = data.draw(st.lists(sst.incidents(tier=tier), min_size=0, max_size=4))
    instants: list[datetime | None] = [e.at for i in incidents for e in i.events]
    at = data.draw(st.none() | st.sampled_from(instants or [None]), label="at")
    hours = st.sampled_from([1, 2, 4, 8]).map(lambda h: timedelta(hours=h))
    variants = [
        Scenario("as is", tier),
        Scenario(
            "varied",
            tier,
            reaction=data.draw(st.none() | hours, label="reaction"),
            first_reaction=data.draw(st.none() | hours, label="first_reaction"),
            cycle_rule=data.draw(
                st.sampled_from([None, "oldest_unanswered", "restart_on_message"]), label="rule"
            ),
            pause_reaction_when_pending=data.draw(st.sampled_from([None, True, False])),
        ),
    ]
    check(incidents, variants, at)


@given(st.data())
def test_a_catalog_scenario_equals_evaluate_on_each_records_tier(data: st.DataObject) -> None:
    catalog = data.draw(sst.catalogs(max_tiers=3), label="catalog")
    keys = list(catalog.tiers)
    incidents = [
        incident.replace(tier=key)
        for key in data.draw(st.lists(st.sampled_from(keys), max_size=4), label="tiers")
        for incident in [data.draw(sst.incidents(tier=catalog.tiers[key]))]
    ]
    instants: list[datetime | None] = [e.at for i in incidents for e in i.events]
    at = data.draw(st.none() | st.sampled_from(instants or [None]), label="at")
    check(incidents, [Scenario("as sold", catalog), Scenario("4 h", catalog, reaction="4h")], at)


def test_the_sample_on_the_catalog_and_each_tier_equals_evaluate() -> None:
    incidents = sample(400, seed=5)
    scenarios = [
        Scenario("as sold", CATALOG),
        Scenario("09-19", CATALOG, hours="09:00-19:00"),
        *(Scenario(key, tier) for key, tier in CATALOG.tiers.items()),
        Scenario("SLA-3 4h", SLA3, reaction="4h", resolution="PT40H"),
    ]
    check(incidents, scenarios, None)
    check(incidents, scenarios[:3], datetime(2026, 6, 15, 12, tzinfo=UTC))


def test_a_file_gives_the_rows_of_its_records(tmp_path: Path) -> None:
    records = list(sample_records(300, seed=9))
    path = tmp_path / "log.jsonl"
    lines = [json.dumps(r) for r in records]
    lines[7] = lines[7].replace('"at": "', '"at": " ')  # one line the fast decoder leaves
    path.write_text("\n".join(lines[:150]) + "\n\n" + "\n".join(lines[150:]) + "\n")
    scenarios = [Scenario("as sold", CATALOG), Scenario("SLA-2", SLA2)]
    assert rows(compare(path, scenarios)) == rows(compare(records, scenarios))
    assert rows(compare(str(path), scenarios)) == rows(compare(sample(300, seed=9), scenarios))


def test_the_columns_are_stable_and_to_pandas_types_them() -> None:
    table = compare(sample(60, seed=1), [Scenario("as sold", CATALOG)])
    assert list(table.columns) == [
        "scenario", "tier", "incidents", "not_opened", "covered", "not_covered",
        "not_covered_reasons", "cycles", "judged_cycles", "breached_cycles",
        "breached_incidents", "cycle_compliance", "incident_compliance", "answered_cycles",
        "reaction_median", "reaction_p90", "reaction_max", "at_risk", "first_month",
        "last_month", "used", "used_per_month", "overage", "overage_per_contract", "cost",
        "currency",
    ]  # fmt: skip
    assert len(table) == 1
    frame = table.to_pandas()
    assert str(frame["reaction_median"].dtype).startswith("timedelta64")
    assert frame.loc[0, "scenario"] == "as sold"


def test_a_catalog_scenario_needs_each_records_tier() -> None:
    record = sample_records(1, seed=1).__next__()
    del record["tier"]
    with pytest.raises(IncidentError, match="names no tier"):
        compare([record], [Scenario("as sold", CATALOG)])
    record["tier"] = "SLA-9"
    with pytest.raises(IncidentError, match="unknown tier 'SLA-9'"):
        compare([record], [Scenario("as sold", CATALOG)])
    assert compare([record], [Scenario("on SLA-2", SLA2)]).columns["incidents"] == [1]


@pytest.mark.parametrize(
    ("changes", "error", "words"),
    [
        ({"reaction": "soon"}, SlaclockValueError, "reaction='soon'; expected a positive"),
        ({"reaction": timedelta(0)}, SlaclockValueError, "reaction=datetime.timedelta(0)"),
        ({"first_reaction": 4}, SlaclockValueError, "first_reaction=4; expected"),
        ({"hours": "9 to 5"}, SlaclockValueError, "hours='9 to 5'"),
        ({"hours": "09:00-25:00"}, SlaclockValueError, "expected 'HH:MM-HH:MM'"),
        ({"hours": 9}, SlaclockValueError, "hours=9"),
        ({"calendar": "moscow"}, SlaclockTypeError, "calendar='moscow'; expected a slaclock"),
        ({"cycle_rule": "newest"}, SlaclockValueError, "cycle_rule='newest'"),
        ({"pause_reaction_when_pending": "yes"}, SlaclockTypeError, "pause_reaction_when"),
        ({"at": datetime(2026, 1, 1)}, SlaclockError, "naive"),
    ],
)
def test_a_bad_variation_names_its_argument(
    changes: dict[str, Any], error: type[Exception], words: str
) -> None:
    with pytest.raises(error) as caught:
        Scenario("what if", SLA2, **changes)
    assert words in str(caught.value)
    assert "'what if'" in str(caught.value) or "naive" in str(caught.value)


def test_bad_scenarios_and_sources_are_refused_clearly() -> None:
    with pytest.raises(SlaclockValueError, match="non-empty name"):
        Scenario("", SLA2)
    with pytest.raises(SlaclockTypeError, match="tier_or_catalog='SLA-2'; expected a slaclock"):
        Scenario("x", "SLA-2")  # type: ignore[arg-type]
    with pytest.raises(SlaclockValueError, match="at least one Scenario"):
        compare([], [])
    with pytest.raises(SlaclockTypeError, match="scenarios item 1"):
        compare([], [SLA2])  # type: ignore[list-item]
    with pytest.raises(SlaclockTypeError, match=r"expected a list of analysis\.Scenario"):
        compare([], Scenario("x", SLA2))  # type: ignore[arg-type]
    with pytest.raises(SlaclockValueError, match="share the name"):
        compare([], [Scenario("x", SLA2), Scenario("x", SLA3)])
    with pytest.raises(SlaclockTypeError, match="source item 2 is 42"):
        compare([sample(1)[0], 42], [Scenario("x", SLA2)])  # type: ignore[arg-type]
    with pytest.raises(SlaclockTypeError, match="expected a JSON Lines path"):
        compare(42, [Scenario("x", SLA2)])  # type: ignore[arg-type]
    with pytest.raises(IncidentError, match="source item 1"):
        compare([{"id": "A"}], [Scenario("x", SLA2)])


def test_a_bad_line_is_named_by_its_number(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps(next(sample_records(1))) + "\n" + '{"id": "B"}\n')
    with pytest.raises(IncidentError) as caught:
        compare(path, [Scenario("x", SLA2)])
    assert caught.value.line == 2


def test_hours_vary_every_tier_and_keep_closed_days_closed() -> None:
    scenario = Scenario("09-19", CATALOG, hours="09:00-19:00")
    for key, tier in scenario.tiers.items():
        assert tier.calendar_name == "moscow"
        week = tier.calendar.week
        assert week[0] == ((9 * 3600 * 10**6, 19 * 3600 * 10**6),) and week[5] == ()
        assert (
            tier.replace(calendar=CATALOG.tiers[key].calendar, calendar_name="moscow")
            == (CATALOG.tiers[key])
        )
    weekends = Scenario("7 days", SLA2, hours={d: [["10:00", "18:00"]] for d in ("sat", "sun")})
    assert weekends.tiers["SLA-2"].calendar.week[0] == ()
    own = Scenario("own", SLA2, calendar=Calendar.always_open("Europe/Moscow"), hours="08:00-20:00")
    assert own.tiers["SLA-2"].calendar.week[6] == ((8 * 3600 * 10**6, 20 * 3600 * 10**6),)


def test_contract_and_customer_sharing_a_name_are_refused_as_budgets_does() -> None:
    one, two = sample(2, seed=2)
    clash = [
        one.replace(contract="Acme", customer=None),
        two.replace(contract=None, customer="Acme"),
    ]
    with pytest.raises(SlaclockValueError, match="'Acme' is the contract of incident"):
        compare(clash, [Scenario("x", SLA3)])
    with pytest.raises(SlaclockValueError, match="'Acme' is the contract of incident"):
        budgets(SLA3, clash, month="2026-01")


def test_catalog_replace_calendars_puts_every_tier_on_new_hours_in_one_call() -> None:
    moscow = CATALOG.calendars["moscow"]
    longer = moscow.replace(
        week={d: [["09:00", "19:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}
    )
    what_if = CATALOG.replace(calendars={"moscow": longer})
    assert all(tier.calendar == longer for tier in what_if.tiers.values())
    assert [Scenario("x", what_if).tiers[k] for k in what_if.tiers] == list(
        Scenario("x", CATALOG, hours="09:00-19:00").tiers.values()
    )


def test_the_benchmark_runs_and_checks_its_tables(tmp_path: Path) -> None:
    script = Path(__file__).resolve().parent.parent / "benchmarks" / "bench_compare.py"
    done = subprocess.run(
        [sys.executable, str(script), "--n", "60", "--repeats", "1", "--json", str(tmp_path / "r")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "four / one (seconds):" in done.stdout
    assert json.loads((tmp_path / "r").read_text())["seconds"]["ratio"] > 0


def test_a_scenario_shows_itself_in_one_short_line() -> None:
    shown = repr(Scenario("09-19", CATALOG, hours="09:00-19:00", reaction="4h"))
    assert shown == (
        "Scenario('09-19', <Catalog of SLA-1, SLA-2, SLA-3, SLA-4>, reaction='4h', "
        "hours='09:00-19:00')"
    )
    assert repr(Scenario("x", SLA2)) == "Scenario('x', <Tier SLA-2 Enterprise>)"


def test_a_scenario_is_an_immutable_value() -> None:
    scenario = Scenario("09-19", CATALOG, hours="09:00-19:00", reaction="4h")
    again = pickle.loads(pickle.dumps(scenario))
    assert again == scenario and hash(again) == hash(scenario) and again.tiers == scenario.tiers
    with pytest.raises(AttributeError):
        scenario.name = "other"  # type: ignore[misc]
    with pytest.raises(TypeError):
        scenario.tiers["SLA-2"] = SLA2  # type: ignore[index]


# --------------------------------------------------------------------------- tier changes

MOVED = Incident.from_dict(
    {
        "id": "T-1",
        "type": "failure",
        "tier": "SLA-1",
        "contract": "C-1",
        "events": [
            {"type": "opened", "at": "2026-11-02T10:00:00+03:00"},
            {"type": "tier_changed", "at": "2026-11-02T13:00:00+03:00", "tier": "SLA-4"},
            {"type": "agent_reply", "at": "2026-11-02T15:00:00+03:00"},
        ],
    }
)


def test_a_catalog_scenario_refuses_a_log_that_changes_tier_rather_than_ignore_the_change() -> None:
    with pytest.raises(SlaclockError) as caught:
        compare([MOVED], [Scenario("as sold", CATALOG)])
    message = str(caught.value)
    assert "'as sold'" in message and "'T-1'" in message and "source item 1" in message
    assert "evaluate(incident, catalog)" in message
    # Known only after `at`, the change is not in the log yet: the scenario measures it.
    before = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)  # 12:30 in Moscow, before the change
    table = compare([MOVED], [Scenario("as sold", CATALOG)], at=before)
    assert table.columns["incidents"] == [1]


def test_a_tier_scenario_puts_a_log_that_changes_tier_on_that_tier_for_its_whole_life() -> None:
    sla2 = CATALOG.tiers["SLA-2"]
    table = compare([MOVED], [Scenario("all on SLA-2", sla2)])
    steady = MOVED.replace(events=[e for e in MOVED.events if e.kind != "tier_changed"])
    want = evaluate(steady, sla2)
    assert table.columns["breached_incidents"] == [int(want.breached)]
    assert table.columns["breached_cycles"] == [len(want.breaches)]
