"""Table.to_pandas: one dtype per column, the same for an empty table (a Dask meta), any zone."""

from __future__ import annotations

import importlib
import importlib.resources
import itertools
import zoneinfo
from datetime import timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

import slaclock
from slaclock import analysis
from slaclock.analysis import ClockRow, Summary, instant
from slaclock.errors import SlaclockTypeError, SlaclockValueError

pd: Any = importlib.import_module("pandas")  # in the test extra: these tests run in CI

CATALOG = slaclock.default_catalog()
# A tier with every kind of clock and escalation levels, so every column has values.
FULL = CATALOG.tiers["SLA-2"].replace(
    update=timedelta(hours=4), resolution=timedelta(hours=40), escalations=("50%", "100%")
)
SUMMARY_DTYPES = {
    "incident": "string",
    "tier": "string",
    "customer": "string",
    "contract": "string",
    "type": "string",
    "channel": "string",
    "third_party": "bool",
    "opened": "datetime64[us, {zone}]",
    "covered": "bool",
    "reason": "string",
    "cycles": "int64",
    "breaches": "int64",
    "breached": "bool",
    "first_due": "datetime64[us, {zone}]",
    "first_answered": "datetime64[us, {zone}]",
    "first_taken": "timedelta64[us]",
    "worst_overdue": "timedelta64[us]",
    "next_due": "datetime64[us, {zone}]",
    "at_risk": "bool",
    "resolution_due": "datetime64[us, {zone}]",
    "escalated": "object",
}
CLOCK_DTYPES = {
    **{name: SUMMARY_DTYPES[name] for name in ClockRow._fields if name in SUMMARY_DTYPES},
    "kind": "category",
    "cycle": "Int64",
    "first": "bool",
    "started_by": "category",
    "ended_by": "category",
    "start": "datetime64[us, {zone}]",
    "due": "datetime64[us, {zone}]",
    "end": "datetime64[us, {zone}]",
    "target": "timedelta64[us]",
    "taken": "timedelta64[us]",
    "paused": "timedelta64[us]",
    "overdue": "timedelta64[us]",
    "status": "category",
}


@pytest.fixture(scope="module")
def incidents() -> list[slaclock.Incident]:
    return analysis.sample(120, seed=5)


def tz_file(name: str) -> Path:
    """The zone's file in the system's tz database (or the tzdata package's)."""
    for root in zoneinfo.TZPATH:
        if (Path(root) / name).is_file():
            return Path(root) / name
    return Path(str(importlib.resources.files("tzdata.zoneinfo") / name))


def dtypes(frame: Any) -> dict[str, str]:
    return {name: str(dtype) for name, dtype in frame.dtypes.items()}


def want(table: dict[str, str], zone: str) -> dict[str, str]:
    return {name: dtype.format(zone=zone) for name, dtype in table.items()}


@pytest.mark.parametrize(
    ("zone", "name"),
    [
        (None, "UTC"),
        ("UTC", "UTC"),
        ("Europe/Moscow", "Europe/Moscow"),
        (ZoneInfo("Asia/Vladivostok"), "Asia/Vladivostok"),
    ],
)
def test_every_column_has_its_dtype_empty_or_not(
    incidents: list[slaclock.Incident], zone: str | ZoneInfo | None, name: str
) -> None:
    summaries = analysis.summarize(analysis.evaluate_many(incidents, FULL))
    clocks = analysis.clock_table(incidents, FULL)
    assert list(SUMMARY_DTYPES) == list(Summary._fields)
    assert set(CLOCK_DTYPES) == set(ClockRow._fields)
    for table, expected in ((summaries, SUMMARY_DTYPES), (clocks, CLOCK_DTYPES)):
        frame = table.to_pandas(zone=zone)
        assert dtypes(frame) == want(expected, name)
        assert len(frame) == len(table) > 0
    empty_summaries = analysis.summarize([])
    empty_clocks = analysis.clock_table([], FULL)
    assert dtypes(empty_summaries.to_pandas(zone=zone)) == want(SUMMARY_DTYPES, name)
    assert dtypes(empty_clocks.to_pandas(zone=zone)) == want(CLOCK_DTYPES, name)


def test_an_empty_table_is_a_meta_every_partition_concatenates_onto(
    incidents: list[slaclock.Incident],
) -> None:
    """What Dask does with ``meta``: partitions of any rows keep the empty frame's dtypes."""
    meta = analysis.clock_table([], FULL).to_pandas()
    parts = [
        analysis.clock_table(incidents[k : k + 30], FULL).to_pandas() for k in range(0, 120, 30)
    ]
    joined = pd.concat([meta, *parts], ignore_index=True)
    assert dtypes(joined) == dtypes(meta)
    for a, b in itertools.pairwise(parts):
        assert dtypes(a) == dtypes(b)
    summary_meta = analysis.summarize([]).to_pandas()
    summary_part = analysis.summarize(analysis.evaluate_many(incidents[:10], FULL)).to_pandas()
    assert dtypes(pd.concat([summary_meta, summary_part])) == dtypes(summary_meta)


def test_values_read_back_exactly_with_nat_and_na_where_there_is_none(
    incidents: list[slaclock.Incident],
) -> None:
    table = analysis.clock_table(incidents, FULL, at=incidents[60].events[0].at)
    frame = table.to_pandas(zone="Europe/Moscow")
    columns = table.columns
    for k in range(len(table)):
        for name in ("opened", "start", "due", "end"):
            value = columns[name][k]
            if value is None:
                assert frame[name].isna()[k]
            else:
                assert frame[name][k].to_pydatetime() == instant(value)
                assert frame[name][k].tzinfo is not None
        assert frame["taken"][k].to_pytimedelta() == timedelta(microseconds=columns["taken"][k])
        cycle = columns["cycle"][k]
        assert (frame["cycle"][k] is pd.NA) if cycle is None else frame["cycle"][k] == cycle
        assert frame["kind"][k] == columns["kind"][k]
        assert frame["status"][k] == columns["status"][k]
        ended = columns["ended_by"][k]
        assert pd.isna(frame["ended_by"][k]) if ended is None else frame["ended_by"][k] == ended
    assert set(frame["kind"]) == {"reaction", "update", "resolution"}
    assert not frame["status"].isna().any() and not frame["kind"].isna().any()


def test_local_times_are_the_same_instants(incidents: list[slaclock.Incident]) -> None:
    table = analysis.summarize(analysis.evaluate_many(incidents[:20], FULL))
    utc = table.to_pandas()
    local = table.to_pandas(zone="Europe/Moscow")
    assert (utc["opened"] == local["opened"]).all()
    assert str(local.loc[0, "opened"].tzinfo) == "Europe/Moscow"


def test_bad_zones_name_the_argument_and_the_form() -> None:
    table = analysis.summarize([])
    with pytest.raises(SlaclockValueError, match="zone"):
        table.to_pandas(zone="Mars/Olympus")
    with pytest.raises(SlaclockValueError, match="zone"):
        table.to_pandas(zone="localtime")
    with pytest.raises(SlaclockTypeError, match="IANA name"):
        table.to_pandas(zone=3)  # type: ignore[arg-type]
    with tz_file("UTC").open("rb") as handle:
        keyless = ZoneInfo.from_file(handle)
    with pytest.raises(SlaclockValueError, match="no IANA name"):
        table.to_pandas(zone=keyless)
