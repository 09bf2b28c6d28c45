"""analysis.clock_table: one row per clock, saying exactly what evaluate() says of it."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

import slaclock
from slaclock import analysis
from slaclock._calendar.instants import to_us
from slaclock.analysis import instant
from slaclock.errors import SlaclockError

CATALOG = slaclock.default_catalog()
AT = datetime.fromisoformat("2026-06-15T12:00:00+03:00")


@pytest.fixture(scope="module")
def incidents() -> list[slaclock.Incident]:
    return analysis.sample(400, seed=21)


@pytest.mark.parametrize("at", [None, AT])
def test_rows_are_the_clocks_of_evaluate_in_order(
    incidents: list[slaclock.Incident], at: datetime | None
) -> None:
    table = analysis.clock_table(incidents, CATALOG, at=at)
    columns = table.columns
    k = 0
    for incident in incidents:
        result = slaclock.evaluate(incident, CATALOG.tiers[incident.tier or ""], at=at)
        for cycle in result.cycles:
            assert columns["incident"][k] == incident.id
            assert columns["kind"][k] == "reaction"
            assert columns["cycle"][k] == cycle.index
            assert instant(columns["start"][k]) == cycle.start
            assert instant(columns["due"][k]) == cycle.due
            assert instant(columns["end"][k]) == cycle.end
            assert timedelta(microseconds=columns["taken"][k]) == cycle.taken
            assert timedelta(microseconds=columns["overdue"][k]) == cycle.overdue
            assert columns["breached"][k] == cycle.breached
            assert columns["status"][k] == cycle.status
            assert columns["customer"][k] == incident.customer
            assert columns["contract"][k] == incident.contract
            k += 1
        if result.resolution is not None:
            assert columns["kind"][k] == "resolution"
            k += 1
    assert k == len(table)


def test_an_incident_outside_its_tiers_scope_has_no_rows(
    incidents: list[slaclock.Incident],
) -> None:
    outside = [
        i for i in incidents if not slaclock.evaluate(i, CATALOG.tiers[i.tier or ""]).covered
    ]
    assert outside  # third-party requests on SLA-1
    assert len(analysis.clock_table(outside, CATALOG)) == 0


def test_a_resolution_target_gives_one_resolution_row_per_incident(
    incidents: list[slaclock.Incident],
) -> None:
    tier = CATALOG.tiers["SLA-2"].replace(resolution=timedelta(hours=16))
    table = analysis.clock_table(incidents[:50], tier)
    covered = sum(slaclock.evaluate(i, tier).covered for i in incidents[:50])
    assert table.columns["kind"].count("resolution") == covered
    rows = [k for k, clock in enumerate(table.columns["kind"]) if clock == "resolution"]
    assert all(table.columns["cycle"][k] is None for k in rows)
    assert all(table.columns["target"][k] == 16 * 3_600_000_000 for k in rows)


def test_one_tier_for_all_and_bad_choices_named(incidents: list[slaclock.Incident]) -> None:
    table = analysis.clock_table(incidents[:30], CATALOG, tier="SLA-4")
    assert set(table.columns["tier"]) == {"SLA-4"}
    with pytest.raises(SlaclockError, match="no tier 'SLA-9'"):
        analysis.clock_table(incidents, CATALOG, tier="SLA-9")
    with pytest.raises(SlaclockError, match="names no tier"):
        analysis.clock_table([incidents[0].replace(tier=None)], CATALOG)
    with pytest.raises(SlaclockError, match=r"expected a slaclock\.Incident"):
        analysis.clock_table([{"id": "A"}], CATALOG)  # type: ignore[list-item]
    with pytest.raises(SlaclockError, match="picks a tier of a catalog"):
        analysis.clock_table(incidents, CATALOG.tiers["SLA-2"], tier="SLA-2")


def test_to_pandas_gives_timestamps_and_timedeltas(incidents: list[slaclock.Incident]) -> None:
    frame = analysis.clock_table(incidents[:100], CATALOG).to_pandas(zone="Europe/Moscow")
    assert "Europe/Moscow" in str(frame["due"].dtype)
    assert "Europe/Moscow" in str(frame["opened"].dtype)
    assert str(frame["taken"].dtype).startswith("timedelta64")
    assert (frame.loc[~frame["breached"], "overdue"] == timedelta(0)).all()
    # The analyst's question in one line: the share of late reaction cycles per tier.
    share = frame[frame["kind"] == "reaction"].groupby("tier")["breached"].mean()
    assert set(share.index) <= set(CATALOG.tiers) and ((share >= 0) & (share <= 1)).all()


@pytest.mark.parametrize("at", [None, AT])
def test_update_cycles_have_rows_of_their_own_between_reaction_and_resolution(
    incidents: list[slaclock.Incident], at: datetime | None
) -> None:
    tier = CATALOG.tiers["SLA-2"].replace(update=timedelta(hours=4), resolution=timedelta(hours=40))
    table = analysis.clock_table(incidents[:80], tier, at=at)
    columns = table.columns
    want: list[tuple[object, ...]] = []
    for incident in incidents[:80]:
        result = slaclock.evaluate(incident, tier, at=at)
        clocks = [("reaction", c) for c in result.cycles] + [("update", c) for c in result.updates]
        for kind, cycle in clocks:
            want.append((incident.id, kind, cycle.index, to_us(cycle.start), to_us(cycle.due)))
            want[-1] += (cycle.breached, cycle.status, incident.type, to_us(incident.events[0].at))
        if result.resolution is not None:
            clock = result.resolution
            want.append((incident.id, "resolution", None, to_us(clock.start), to_us(clock.due)))
            want[-1] += (clock.breached, clock.status, incident.type, to_us(incident.events[0].at))
    names = ("incident", "kind", "cycle", "start", "due", "breached", "status", "type", "opened")
    assert list(zip(*(columns[name] for name in names), strict=True)) == want
    assert columns["kind"].count("update") > 0
    updates = [k for k, kind in enumerate(columns["kind"]) if kind == "update"]
    assert all(columns["target"][k] == 4 * 3_600_000_000 for k in updates)
