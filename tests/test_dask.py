"""slaclock.analysis.dask: partition functions over event tables, their meta and Spark schema.

The partition functions must give, partition by partition, exactly the tables
one process gives (held by a property over generated logs and tiers); bad
partitions raise a PartitionError naming the partition and the column.
"""

from __future__ import annotations

import importlib
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any
from unittest.mock import patch

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import slaclock
from slaclock import analysis, strategies
from slaclock.analysis import _frames as frames
from slaclock.analysis import dask as sd
from slaclock.analysis._frames import Kind, conform, tables
from slaclock.errors import PartitionError, SlaclockError

# The dask extra is in the test extra: these tests run in CI, never skipped.
pd: Any = importlib.import_module("pandas")
dd: Any = importlib.import_module("dask.dataframe")
delayed: Any = importlib.import_module("dask").delayed

CATALOG = slaclock.default_catalog()


@pytest.fixture(scope="module")
def incidents() -> list[slaclock.Incident]:
    return list(analysis.sample(300, seed=14))


def expected(kind: Kind, incidents: list[slaclock.Incident], source: Any, **options: Any) -> Any:
    """The one-process table of ``incidents``, in the partition functions' dtypes."""
    table = tables(
        kind,
        incidents,
        source,
        tier=options.get("tier"),
        at=options.get("at"),
        cycle_rule=options.get("cycle_rule"),
        pause=options.get("pause_reaction_when_pending"),
    )
    return conform(table.to_pandas(), sd.frame_meta(kind), 0)


def by_incident(frame: Any, kind: Kind) -> Any:
    keys = ["incident"] if kind == "summary" else ["incident", "kind", "cycle"]
    return frame.sort_values(keys, kind="stable").reset_index(drop=True)


def test_the_module_imports_without_dask() -> None:
    program = (
        "import sys\n"
        "sys.modules['dask'] = None\n"
        "from slaclock.analysis import dask as sd\n"
        "print(sd.spark_ddl('summary').split(', ')[0])\n"
        "try:\n"
        "    sd.read_jsonl('x.jsonl', None)\n"
        "except ImportError as exc:\n"
        "    print(exc)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, check=True
    )
    assert done.stdout.splitlines() == [
        "`incident` STRING",
        "this needs dask; install the extra: pip install 'slaclock[dask]'",
    ]


@pytest.mark.parametrize("kind", sd.KINDS)
def test_meta_is_the_empty_tables_frame_with_fixed_dtypes(kind: Kind) -> None:
    meta = sd.frame_meta(kind)
    fields = analysis.Summary._fields if kind == "summary" else analysis.ClockRow._fields
    assert list(meta.columns) == list(fields)
    assert len(meta) == 0
    loose = [name for name, dtype in meta.dtypes.items() if str(dtype) in ("float64", "object")]
    assert loose == (["escalated"] if kind == "summary" else [])
    moscow = sd.frame_meta(kind, zone="Europe/Moscow")
    assert str(moscow["opened"].dtype) == "datetime64[us, Europe/Moscow]"


_SPARK_OF = {
    "bool": "BOOLEAN",
    "int64": "BIGINT",
    "Int64": "BIGINT",
    "str": "STRING",
    "string": "STRING",
    "category": "STRING",
    "timedelta64[us]": "INTERVAL DAY TO SECOND",
    "datetime64[us, UTC]": "TIMESTAMP",
    "object": "ARRAY<BIGINT>",
}


@pytest.mark.parametrize("kind", sd.KINDS)
def test_the_spark_schema_comes_from_the_meta(kind: Kind) -> None:
    ddl = sd.spark_ddl(kind)
    parsed = [re.fullmatch(r"`(\w+)` (.+)", part) for part in ddl.split(", ")]
    assert all(parsed), ddl
    pairs = [(m.group(1), m.group(2)) for m in parsed if m]
    meta = sd.frame_meta(kind)
    assert [name for name, _ in pairs] == list(meta.columns)
    assert [spark for _, spark in pairs] == [_SPARK_OF[str(d)] for d in meta.dtypes]


@pytest.mark.parametrize("kind", sd.KINDS)
def test_a_partition_in_any_row_order_gives_the_one_process_table(
    kind: Kind, incidents: list[slaclock.Incident]
) -> None:
    events = sd.event_frame(incidents).sample(frac=1, random_state=3)
    made = sd.summary_partition if kind == "summary" else sd.clock_partition
    frame = made(events, CATALOG, order="seq")
    assert frame.dtypes.equals(sd.frame_meta(kind).dtypes)
    pd.testing.assert_frame_equal(
        by_incident(frame, kind), by_incident(expected(kind, incidents, CATALOG), kind)
    )


@settings(max_examples=30, deadline=None)
@given(data=st.data())
def test_partitions_of_logs_that_change_tier_equal_evaluate_on_the_catalog(
    data: st.DataObject,
) -> None:
    # The tier column is the tier in force at each event: the frame and back is the log.
    logs = data.draw(st.lists(strategies.incidents(catalog=CATALOG), min_size=1, max_size=4))
    logs = list({incident.id: incident for incident in logs}.values())  # one log per id
    events = sd.event_frame(logs)
    shuffled = events.sample(frac=1, random_state=data.draw(st.integers(0, 99)))
    summary = sd.summary_partition(shuffled, CATALOG, order="seq")
    held = analysis.read_events(events)  # the same instants, in UTC (as the frame holds them)
    assert [[(e.kind, e.at, e.tier) for e in i.events] for i in held] == [
        [(e.kind, e.at, e.tier) for e in i.events] for i in logs
    ]
    rows = [analysis.Summary.from_evaluation(slaclock.evaluate(i, CATALOG), i) for i in held]
    one = conform(analysis.summarize(rows).to_pandas(), sd.frame_meta("summary"), 0)
    pd.testing.assert_frame_equal(by_incident(summary, "summary"), by_incident(one, "summary"))


# One cell changed: to a value read_events refuses, or one it reads another way.
_CHANGES: dict[str, list[Any]] = {
    "type": ["no-such-type", "consultation", None],
    "channel": ["phone", "no-such-channel", None],
    "customer": ["Someone else", " ", None],
    "tier": ["SLA-1", "no-such-tier", None],
    "event": ["agent_reply", "bogus", "tier_changed"],
    "at": [timedelta(days=-3), timedelta(microseconds=1), None],
    "by": ["agent", "customer", "robot"],
    "duration": [timedelta(minutes=-1), timedelta(0), None],
    "third_party": [True, False],
}


def _changed(events: Any, data: st.DataObject) -> Any:
    column = data.draw(st.sampled_from(sorted(_CHANGES)))
    value = data.draw(st.sampled_from(_CHANGES[column]))
    k = data.draw(st.integers(0, len(events) - 1))
    events = events.copy()
    if column == "at":
        events.loc[events.index[k], "at"] = (
            pd.NaT if value is None else events["at"].iloc[k] + value
        )
    else:
        events.loc[events.index[k], column] = value
    return events


def _careful(events: Any, **options: Any) -> Any:
    """The partition function with the column path declined: read_events reads every row."""
    with patch.object(frames, "_fast_summaries", lambda *args, **kwargs: None):
        return sd.summary_partition(events, CATALOG, **options)


def _outcome(make: Any) -> Any:
    try:
        return make()
    except SlaclockError as exc:
        return type(exc), str(exc)


@settings(max_examples=80, deadline=None)
@given(data=st.data())
def test_the_column_path_gives_read_events_table_or_error(data: st.DataObject) -> None:
    logs = data.draw(st.lists(strategies.incidents(catalog=CATALOG), min_size=1, max_size=4))
    logs = list({incident.id: incident for incident in logs}.values())  # one log per id
    events = sd.event_frame(logs)
    at = data.draw(st.none() | st.just(logs[0].events[0].at + timedelta(hours=5)))
    ordered = frames.ordered_events(events, columns=None, order="seq", partition=0, divisions=None)
    # The partition functions' own tables always take the column path ...
    assert frames._fast_summaries(ordered, CATALOG, None, at, None, None, None) is not None
    if data.draw(st.booleans()):
        events = _changed(events, data)
    # ... and any table, a bad one too, gives what read_events gives: the table or the error.
    fast = _outcome(lambda: sd.summary_partition(events, CATALOG, at=at, order="seq"))
    careful = _outcome(lambda: _careful(events, at=at, order="seq"))
    if isinstance(careful, tuple):
        assert fast == careful
    else:
        pd.testing.assert_frame_equal(fast, careful)


@settings(max_examples=60)  # pandas frames a few times an example: a quarter second each
@given(tier=strategies.tiers(), data=st.data())
def test_partition_tables_equal_evaluate_one_incident_at_a_time(
    tier: slaclock.Tier, data: st.DataObject
) -> None:
    logs = data.draw(st.lists(strategies.incidents(tier=tier), min_size=1, max_size=4))
    logs = list({incident.id: incident for incident in logs}.values())  # one log per id
    at = data.draw(st.none() | st.just(logs[0].events[0].at + timedelta(hours=5)))
    events = sd.event_frame(logs)
    shuffled = events.sample(frac=1, random_state=data.draw(st.integers(0, 99)))
    summary = sd.summary_partition(shuffled, tier, at=at, order="seq")
    rows = [analysis.Summary.from_evaluation(slaclock.evaluate(i, tier, at=at), i) for i in logs]
    one = conform(analysis.summarize(rows).to_pandas(), sd.frame_meta("summary"), 0)
    pd.testing.assert_frame_equal(by_incident(summary, "summary"), by_incident(one, "summary"))
    clocks = sd.clock_partition(shuffled, tier, at=at, order="seq")
    pd.testing.assert_frame_equal(
        by_incident(clocks, "clocks"), by_incident(expected("clocks", logs, tier, at=at), "clocks")
    )


def test_zone_sets_the_instant_columns_zone(incidents: list[slaclock.Incident]) -> None:
    events = sd.event_frame(incidents[:20])
    frame = sd.summary_partition(events, CATALOG, zone="Europe/Moscow")
    assert str(frame["first_due"].dtype) == "datetime64[us, Europe/Moscow]"
    assert frame.dtypes.equals(sd.frame_meta("summary", zone="Europe/Moscow").dtypes)


# --------------------------------------------------------------------------- bad input


def test_a_missing_column_names_the_partition_and_the_column(
    incidents: list[slaclock.Incident],
) -> None:
    events = sd.event_frame(incidents[:5]).drop(columns=["event"])
    with pytest.raises(PartitionError) as caught:
        sd.summary_partition(events, CATALOG, partition_info={"number": 7})
    assert (caught.value.partition, caught.value.column) == (7, "event")
    assert str(caught.value).startswith("partition 7, column 'event': the events have no 'event'")


def test_a_renamed_column_is_found_through_columns(incidents: list[slaclock.Incident]) -> None:
    events = sd.event_frame(incidents[:5]).rename(columns={"incident": "Ticket"})
    frame = sd.summary_partition(events, CATALOG, columns={"incident": "Ticket"})
    assert list(frame["incident"]) == [i.id for i in incidents[:5]]


def test_a_bad_cell_keeps_its_row_and_gains_the_partition(
    incidents: list[slaclock.Incident],
) -> None:
    events = sd.event_frame(incidents[:5])
    events.loc[3, "event"] = "agent_replied"
    with pytest.raises(PartitionError) as caught:
        sd.summary_partition(events, CATALOG, partition_info={"number": 2})
    assert (caught.value.partition, caught.value.column) == (2, "event")
    assert "row 3" in str(caught.value) and "agent_replied" in str(caught.value)
    assert isinstance(caught.value.__cause__, SlaclockError)


def test_events_of_two_kinds_at_one_instant_need_an_order_column() -> None:
    incident = slaclock.Incident.from_dict(
        {
            "id": "TIE",
            "type": "failure",
            "events": [
                {"type": "opened", "at": "2026-11-27T17:30:00+03:00"},
                {"type": "agent_reply", "at": "2026-11-30T10:00:00+03:00"},
                {"type": "customer_message", "at": "2026-11-30T10:00:00+03:00"},
            ],
        }
    )
    events = sd.event_frame([incident])
    tier = CATALOG.tiers["SLA-2"]
    with pytest.raises(PartitionError, match="pass order=") as caught:
        sd.summary_partition(events, tier)
    assert caught.value.column == "at"
    reversed_rows = events.iloc[::-1]
    [cycles] = sd.summary_partition(reversed_rows, tier, order="seq")["cycles"]
    assert cycles == 2


def test_a_bad_order_column_is_refused(incidents: list[slaclock.Incident]) -> None:
    events = sd.event_frame(incidents[:3])
    with pytest.raises(PartitionError, match="order='step' names no column") as caught:
        sd.summary_partition(events, CATALOG, order="step")
    assert caught.value.column == "step"
    events["seq"] = events["seq"].astype(object)
    events.loc[1, "seq"] = "first"
    with pytest.raises(PartitionError, match="'first'"):
        sd.summary_partition(events, CATALOG, order="seq")


def test_not_a_frame_is_refused() -> None:
    with pytest.raises(PartitionError, match="expected a pandas DataFrame of events, got list"):
        sd.summary_partition([{"incident": "A"}], CATALOG)


def test_an_incident_outside_its_partitions_divisions_is_refused(
    incidents: list[slaclock.Incident],
) -> None:
    events = sd.event_frame(incidents[:10]).sort_values("incident", kind="stable")
    ids = sorted({i.id for i in incidents[:10]})
    with pytest.raises(PartitionError, match="split across partitions") as caught:
        sd.summary_partition(
            events, CATALOG, divisions=(ids[1], ids[5], ids[9]), partition_info={"number": 0}
        )
    assert (caught.value.partition, caught.value.column) == (0, "incident")
    # The upper division belongs to the next partition, but to the last one itself.
    inside = events[events["incident"].isin(ids[5:])]
    assert (
        len(
            sd.summary_partition(
                inside, CATALOG, divisions=(ids[1], ids[5], ids[9]), partition_info={"number": 1}
            )
        )
        == 5
    )
    with pytest.raises(PartitionError, match=re.escape(f"'{ids[5]}'")):
        sd.summary_partition(
            inside,
            CATALOG,
            divisions=(ids[0], ids[5], ids[9], ids[9]),
            partition_info={"number": 0},
        )


def test_a_pickled_partition_error_keeps_its_place() -> None:
    import pickle

    error = PartitionError("bad", partition="logs/a.jsonl", column="at")
    copy = pickle.loads(pickle.dumps(error))
    assert (str(copy), copy.partition, copy.column) == (str(error), "logs/a.jsonl", "at")


# --------------------------------------------------------------------------- on Dask


@pytest.fixture(scope="module")
def indexed(incidents: list[slaclock.Incident]) -> Any:
    events = sd.event_frame(incidents)
    return dd.from_pandas(events, npartitions=5).set_index("incident")


@pytest.mark.parametrize("kind", sd.KINDS)
def test_dask_tables_equal_the_one_process_tables(
    kind: Kind, indexed: Any, incidents: list[slaclock.Incident]
) -> None:
    made = sd.summaries if kind == "summary" else sd.clocks
    lazy = made(indexed, CATALOG, order="seq")
    assert lazy.npartitions == indexed.npartitions
    assert lazy._meta.dtypes.equals(sd.frame_meta(kind).dtypes)
    frame = lazy.compute(scheduler="sync")
    pd.testing.assert_frame_equal(
        by_incident(frame, kind), by_incident(expected(kind, incidents, CATALOG), kind)
    )


def test_dask_refuses_events_not_indexed_by_incident(incidents: list[slaclock.Incident]) -> None:
    events = dd.from_pandas(sd.event_frame(incidents[:20]), npartitions=2)
    with pytest.raises(SlaclockError, match=re.escape("events.set_index('incident')")):
        sd.summaries(events, CATALOG)
    shuffled = events.shuffle("incident").set_index("incident", sorted=False, divisions=None)
    if not shuffled.known_divisions:
        with pytest.raises(SlaclockError, match="divisions unknown"):
            sd.clocks(shuffled, CATALOG)
    with pytest.raises(SlaclockError, match="for one pandas DataFrame call summary_partition"):
        sd.summaries(sd.event_frame(incidents[:2]), CATALOG)


def test_dask_names_the_partition_whose_divisions_lie(incidents: list[slaclock.Incident]) -> None:
    events = sd.event_frame(incidents[:6]).set_index("incident").sort_index()
    ids = list(events.index.unique())
    # Two partitions that both hold events of ids[2], behind divisions that say otherwise.
    first, second = events.loc[ids[0] : ids[2]], events.loc[ids[2] :]
    claimed = (ids[0], ids[3], ids[5])
    lying = dd.from_delayed(
        [delayed(first.copy)(), delayed(second.copy)()], meta=events.iloc[:0], divisions=claimed
    )
    with pytest.raises(PartitionError, match="split across partitions") as caught:
        sd.summaries(lying, CATALOG, order="seq").compute(scheduler="sync")
    assert (caught.value.partition, caught.value.column) == (1, "incident")


# --------------------------------------------------------------------------- JSON Lines


def _write(path: Path, incidents: list[slaclock.Incident]) -> None:
    slaclock.write_incidents(path, incidents)


@pytest.mark.parametrize("kind", sd.KINDS)
def test_read_jsonl_gives_the_one_process_tables(
    kind: Kind, tmp_path: Path, incidents: list[slaclock.Incident]
) -> None:
    for n in range(3):
        _write(tmp_path / f"part-{n}.jsonl", incidents[n * 100 : (n + 1) * 100])
    lazy = sd.read_jsonl(str(tmp_path / "*.jsonl"), CATALOG, kind=kind)
    assert lazy.npartitions == 3
    frame = lazy.compute(scheduler="sync")
    pd.testing.assert_frame_equal(
        by_incident(frame, kind), by_incident(expected(kind, incidents, CATALOG), kind)
    )
    listed = sd.read_jsonl([tmp_path / "part-0.jsonl"], CATALOG, kind=kind)
    assert lazy.npartitions == 3 and listed.npartitions == 1


def test_read_jsonl_names_the_file_and_the_line(
    tmp_path: Path, incidents: list[slaclock.Incident]
) -> None:
    _write(tmp_path / "good.jsonl", incidents[:5])
    bad = tmp_path / "bad.jsonl"
    _write(bad, incidents[5:8])
    lines = bad.read_text().splitlines()
    lines[1] = lines[1].replace('"opened"', '"openned"')
    bad.write_text("\n".join(lines) + "\n")
    with pytest.raises(PartitionError) as caught:
        sd.read_jsonl(str(tmp_path / "*.jsonl"), CATALOG).compute(scheduler="sync")
    assert str(caught.value.partition).endswith("bad.jsonl")
    assert "line 2" in str(caught.value) and "openned" in str(caught.value)


def test_read_jsonl_refuses_an_unknown_kind() -> None:
    with pytest.raises(SlaclockError, match="kind='cycles'; expected 'summary' or 'clocks'"):
        sd.read_jsonl("x.jsonl", CATALOG, kind="cycles")  # type: ignore[arg-type]


# --------------------------------------------------------------------------- compare


def _scenarios() -> list[analysis.Scenario]:
    return [
        analysis.Scenario("as sold", CATALOG),
        analysis.Scenario("SLA-3 in 4h", CATALOG.tiers["SLA-3"], reaction="4h"),
        analysis.Scenario(
            "restart, 09-19", CATALOG, cycle_rule="restart_on_message", hours="09:00-19:00"
        ),
    ]


def test_compare_on_dask_equals_compare_in_one_process(
    indexed: Any, incidents: list[slaclock.Incident], tmp_path: Path
) -> None:
    at = incidents[150].events[0].at
    one = analysis.compare(incidents, _scenarios(), at=at)
    assert sd.compare(indexed, _scenarios(), at=at, order="seq") == one
    for n in range(4):
        _write(tmp_path / f"part-{n}.jsonl", incidents[n * 75 : (n + 1) * 75])
    assert sd.compare(str(tmp_path / "*.jsonl"), _scenarios(), at=at) == one
    assert sd.compare([tmp_path / "part-0.jsonl"], _scenarios()) == analysis.compare(
        incidents[:75], _scenarios()
    )


@given(data=st.data())
def test_partials_of_any_split_add_up_to_the_whole(data: st.DataObject) -> None:
    from slaclock.analysis._compare import finish, log_of, merge, partial

    incidents = list(analysis.sample(60, seed=data.draw(st.integers(0, 3))))
    logs = [log_of(incident, n, False) for n, incident in enumerate(incidents, 1)]
    cuts = sorted(data.draw(st.lists(st.integers(0, len(logs)), max_size=4)))
    pieces = [logs[a:b] for a, b in zip([0, *cuts], [*cuts, len(logs)], strict=True)]
    at = data.draw(st.none() | st.sampled_from([i.events[0].at for i in incidents]))
    for scenario in _scenarios():
        parts = [partial(scenario, piece, at) for piece in pieces]
        total = parts[0]
        for part in parts[1:]:
            total = merge(total, part)
        assert finish(scenario, total, at) == finish(scenario, partial(scenario, logs, at), at)


def test_compare_on_dask_refuses_what_compare_refuses(indexed: Any) -> None:
    with pytest.raises(SlaclockError, match="at least one Scenario"):
        sd.compare(indexed, [])
    with pytest.raises(SlaclockError, match="expected a dask DataFrame of events indexed"):
        sd.compare({"incident": []}, _scenarios())
    with pytest.raises(SlaclockError, match=re.escape("events.set_index('incident')")):
        sd.compare(indexed.reset_index(), _scenarios())


def test_a_name_that_is_a_contract_in_one_partition_and_a_customer_in_another(
    incidents: list[slaclock.Incident],
) -> None:
    first, second = incidents[0], incidents[-1]
    assert first.id < second.id
    a, b = first.replace(contract="Acme"), second.replace(customer="Acme", contract=None)
    events = dd.from_pandas(sd.event_frame([a, b]), npartitions=2).set_index("incident")
    assert events.npartitions == 2
    with pytest.raises(SlaclockError, match="'Acme' is the contract of incident"):
        sd.compare(events, _scenarios()[:1], order="seq")
