"""slaclock.analysis: every Summary equals what evaluate() says, on every path.

Three ways to a summary are checked against ``Summary.from_evaluation(evaluate(...))``:
``evaluate_many`` on built incidents, ``evaluate_jsonl``'s fast reader on the
records' JSON, and its careful fallback (``Incident.from_dict``) on records the
fast reader declines.  Bad lines must give exactly read_incidents' errors.
"""

from __future__ import annotations

import importlib
import io
import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta, timezone
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from slaclock import (
    Incident,
    IncidentError,
    NaiveDatetimeError,
    SlaclockTypeError,
    SlaclockValueError,
    Tier,
    default_catalog,
    evaluate,
    read_incidents,
)
from slaclock import strategies as sst
from slaclock.analysis import (
    Summary,
    Table,
    evaluate_jsonl,
    evaluate_many,
    instant,
    summarize,
)

CATALOG = default_catalog()
SLA2 = CATALOG.tiers["SLA-2"]
BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
EXAMPLE = resources.files("slaclock") / "data" / "example_incidents.jsonl"
OPTIONS = [
    (rule, pause) for rule in ("oldest_unanswered", "restart_on_message") for pause in (False, True)
]
DECODERS = ("json", "orjson")  # the test extra installs orjson: both are always tested
ENGINES = ("numpy", "python")  # and numpy: both engines are always tested


def expected(
    incident: Incident, tier: Tier, at: datetime | None, rule: str | None, pause: bool | None
) -> Summary:
    return Summary.from_evaluation(
        evaluate(incident, tier, at=at, cycle_rule=rule, pause_reaction_when_pending=pause),
        incident,
    )


def every_way(
    incidents: list[Incident], tier: Tier, at: datetime | None, rule: str | None, pause: bool | None
) -> None:
    """The three paths give evaluate()'s summary for every incident."""
    want = [expected(inc, tier, at, rule, pause) for inc in incidents]
    opts: dict[str, Any] = {"at": at, "cycle_rule": rule, "pause_reaction_when_pending": pause}
    assert list(evaluate_many(incidents, tier, **opts)) == want
    lines = [json.dumps(inc.to_dict()) + "\n" for inc in incidents]
    for engine in ENGINES:
        for decoder in DECODERS:
            assert list(evaluate_jsonl(lines, tier, decoder=decoder, engine=engine, **opts)) == want
        # The same records in a form the fast readers leave to Incident.from_dict.
        careful = [line.replace('"at": "', '"at": " ') for line in lines]
        assert list(evaluate_jsonl(careful, tier, engine=engine, **opts)) == want


def _around(incident: Incident) -> st.SearchStrategy[datetime]:
    first, last = incident.events[0].at, incident.events[-1].at
    span = int((last - first).total_seconds())
    return st.one_of(
        st.sampled_from([e.at for e in incident.events]),
        st.sampled_from([e.at - timedelta(microseconds=1) for e in incident.events]),
        st.integers(min_value=-3600, max_value=span + 5 * 86_400).map(
            lambda s: first + timedelta(seconds=s)
        ),
    )


@given(st.data())
def test_summaries_equal_evaluate_on_generated_tiers_and_incidents(data: st.DataObject) -> None:
    tier = data.draw(sst.tiers(), label="tier")
    incidents = data.draw(st.lists(sst.incidents(tier=tier), min_size=1, max_size=3))
    at = data.draw(st.one_of(st.none(), _around(incidents[0])), label="at")
    rule, pause = data.draw(st.sampled_from([(None, None), *OPTIONS]), label="options")
    every_way(incidents, tier, at, rule, pause)


@pytest.mark.parametrize(("rule", "pause"), OPTIONS)
@pytest.mark.parametrize("at", [None, "2026-11-30T11:35:00+03:00", "2026-01-12T10:00:00+03:00"])
def test_summaries_equal_evaluate_on_the_bundled_log(
    rule: str, pause: bool, at: str | None
) -> None:
    moment = None if at is None else datetime.fromisoformat(at)
    incidents = list(read_incidents(io.StringIO(EXAMPLE.read_text(encoding="utf-8"))))
    for tier in CATALOG.tiers.values():
        every_way(incidents, tier, moment, rule, pause)


@pytest.mark.parametrize("engine", ENGINES)
def test_the_catalog_picks_each_records_tier_on_the_bundled_log(engine: str) -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    rows = list(evaluate_jsonl(io.StringIO(text), CATALOG, engine=engine))  # type: ignore[arg-type]
    incidents = list(read_incidents(io.StringIO(text)))
    assert rows == [
        expected(inc, CATALOG.tiers[inc.tier or ""], None, None, None) for inc in incidents
    ]
    assert {row.tier for row in rows} == {inc.tier for inc in incidents}
    assert [row.tier for row in evaluate_jsonl(io.StringIO(text), CATALOG, tier="SLA-4")] == [
        "SLA-4"
    ] * len(incidents)


@pytest.mark.parametrize(("rule", "pause"), OPTIONS)
def test_summaries_equal_evaluate_on_the_benchmark_incidents(rule: str, pause: bool) -> None:
    sys.path.insert(0, str(BENCHMARKS))
    try:
        from _incidents import records
    finally:
        sys.path.remove(str(BENCHMARKS))
    incidents = [Incident.from_dict(r) for r in records(300, seed=3)]
    tier = SLA2.replace(resolution="PT16H")
    every_way(incidents, tier, None, rule, pause)
    at = incidents[0].events[0].at + timedelta(days=400)
    every_way(incidents, tier, at, rule, pause)


# ----------------------------------------------------------------- the fast reader's limits


def _record(**changes: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "id": "INC-1",
        "type": "failure",
        "channel": "portal",
        "third_party": False,
        "events": [
            {"type": "opened", "at": "2026-11-27T17:30:00+03:00"},
            {"type": "customer_message", "at": "2026-11-27T17:40:00+03:00"},
            {"type": "agent_reply", "at": "2026-11-30T10:20:00+03:00"},
            {"type": "pending", "at": "2026-11-30T10:30:00+03:00"},
            {"type": "resolved", "at": "2026-11-30T12:00:00+03:00"},
        ],
    }
    record.update(changes)
    return record


def _events(*pairs: tuple[str, str], **extra: Any) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = [{"type": kind, "at": at} for kind, at in pairs]
    if extra:
        out[extra.pop("index", 0)].update(extra)
    return out


def _nested(depth: int) -> dict[str, Any]:
    value: dict[str, Any] = {}
    for _ in range(depth):
        value = {"a": value}
    return value


OPENED = ("opened", "2026-11-27T17:30:00+03:00")
BAD_RECORDS = {
    "not an object": [1, 2],
    "unknown key": _record(priority="high"),
    "empty customer": _record(customer=""),
    "contract not text": _record(contract=17),
    "attributes not an object": _record(attributes=["P2"]),
    "attributes with NaN": _record(attributes={"score": float("nan")}),
    "attributes nested too deeply": _record(attributes=_nested(70)),
    "unknown key beside a customer": _record(customer="ACME", priority="high"),
    "missing id": {k: v for k, v in _record().items() if k != "id"},
    "empty id": _record(id=""),
    "unknown type": _record(type="outage"),
    "unknown channel": _record(channel="fax"),
    "third_party not a bool": _record(third_party="yes"),
    "empty tier": _record(tier=""),
    "events not a list": _record(events="none"),
    "no events": _record(events=[]),
    "first event not opened": _record(events=_events(("agent_reply", OPENED[1]))),
    "second opened": _record(events=_events(OPENED, OPENED)),
    "unknown kind": _record(events=_events(OPENED, ("escalated", OPENED[1]))),
    "kind not text": _record(
        events=[{"type": "opened", "at": OPENED[1]}, {"type": 3, "at": OPENED[1]}]
    ),
    "naive time": _record(events=_events(("opened", "2026-11-27T17:30:00"))),
    "date only": _record(events=_events(("opened", "2026-11-27"))),
    "odd separator": _record(events=_events(("opened", "2026-11-27X17:30:00+03:00"))),
    "time not text": _record(events=[{"type": "opened", "at": 1764253800}]),
    "unparseable time": _record(events=_events(("opened", "2026-11-27T25:30:00+03:00"))),
    "out of order": _record(
        events=_events(OPENED, ("agent_reply", "2026-11-27T17:29:59.999999+03:00"))
    ),
    "after closed": _record(
        events=_events(
            OPENED,
            ("closed", "2026-11-27T18:00:00+03:00"),
            ("agent_reply", "2026-11-27T18:00:00+03:00"),
        )
    ),
    "resolved twice": _record(
        events=_events(
            OPENED,
            ("resolved", "2026-11-27T18:00:00+03:00"),
            ("resolved", "2026-11-27T19:00:00+03:00"),
        )
    ),
    "reopened unresolved": _record(
        events=_events(OPENED, ("reopened", "2026-11-27T18:00:00+03:00"))
    ),
    "pending while resolved": _record(
        events=_events(
            OPENED,
            ("resolved", "2026-11-27T18:00:00+03:00"),
            ("pending", "2026-11-27T19:00:00+03:00"),
        )
    ),
    "unknown event key": _record(events=_events(OPENED, note="hi")),
    "by on a reply": _record(
        events=_events(OPENED, ("agent_reply", "2026-11-27T18:00:00+03:00"), index=1, by="agent")
    ),
    "unknown opener": _record(events=_events(OPENED, by="robot")),
    "duration on a reply": _record(
        events=_events(
            OPENED, ("agent_reply", "2026-11-27T18:00:00+03:00"), index=1, duration="PT1H"
        )
    ),
    "work without duration": _record(
        events=_events(OPENED, ("work_logged", "2026-11-27T18:00:00+03:00"))
    ),
    "work without duration, by null": _record(
        events=_events(OPENED, ("work_logged", "2026-11-27T18:00:00+03:00"), index=1, by=None)
    ),
    "work without duration beside an agent's opening": _record(
        events=_events(OPENED, ("work_logged", "2026-11-27T18:00:00+03:00"), by="agent")
    ),
    "negative work": _record(
        events=_events(
            OPENED, ("work_logged", "2026-11-27T18:00:00+03:00"), index=1, duration="-PT1H"
        )
    ),
}


def _error(line: str) -> IncidentError:
    with pytest.raises(IncidentError) as caught:
        list(read_incidents(io.StringIO("\n" + line)))
    return caught.value


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("name", sorted(BAD_RECORDS))
@pytest.mark.parametrize("at", [None, "2026-11-27T17:35:00+03:00", "2026-11-20T00:00:00Z"])
def test_a_bad_record_raises_exactly_read_incidents_error(
    name: str, at: str | None, engine: str
) -> None:
    line = json.dumps(BAD_RECORDS[name])
    want = _error(line)
    moment = None if at is None else datetime.fromisoformat(at)
    with pytest.raises(IncidentError) as caught:
        list(evaluate_jsonl(["\n", line], SLA2, at=moment, engine=engine))  # type: ignore[arg-type]
    assert str(caught.value) == str(want)
    assert (caught.value.line, caught.value.path, caught.value.event_index) == (
        2,
        want.path,
        want.event_index,
    )


@pytest.mark.parametrize("engine", ENGINES)
def test_not_json_raises_read_incidents_error(engine: Any) -> None:
    for line in ('{"id": "A", ', '{"id": "A"} trailing', "[1, 2] [3]", "  "):
        if not line.strip():
            assert list(evaluate_jsonl([line], SLA2, engine=engine)) == []
            continue
        with pytest.raises(IncidentError) as caught:
            list(evaluate_jsonl([line], SLA2, engine=engine))
        assert str(caught.value) == str(_error(line)).replace("line 2", "line 1")


@pytest.mark.parametrize("engine", ENGINES)
def test_collect_keeps_every_bad_line_and_reads_on(engine: Any) -> None:
    good = json.dumps(_record()) + "\n"
    bad = [json.dumps(BAD_RECORDS[name]) + "\n" for name in sorted(BAD_RECORDS)]
    lines = [good, *bad, "not json\n", good]
    reader = evaluate_jsonl(lines, SLA2, errors="collect", engine=engine)
    rows = list(reader)
    assert [row.incident for row in rows] == ["INC-1", "INC-1"]
    assert reader.errors.lines == tuple(range(2, len(bad) + 3))
    assert all(isinstance(err, IncidentError) for err in reader.errors)


ACCEPTED_ODDITIES = {
    "blanks around a time": _events((OPENED[0], " 2026-11-27T17:30:00+03:00 ")),
    "space separator": _events((OPENED[0], "2026-11-27 17:30:00+03:00")),
    "Z and a fraction": _events((OPENED[0], "2026-11-27T14:30:00.250Z")),
    "lowercase t": _events((OPENED[0], "2026-11-27t17:30:00+03:00")),
    "opened by an agent": _events(
        OPENED, ("customer_message", "2026-11-30T10:00:00+03:00"), by="agent"
    ),
    "opened by the customer, said": _events(OPENED, by="customer"),
    "by null": _events(OPENED, ("agent_reply", "2026-11-30T10:00:00+03:00"), index=1, by=None),
    "work logged": _events(
        OPENED, ("work_logged", "2026-11-30T10:00:00+03:00"), index=1, duration="1h30m"
    ),
    "reopened": _events(
        OPENED,
        ("resolved", "2026-11-30T10:00:00+03:00"),
        ("reopened", "2026-11-30T10:05:00+03:00"),
        ("closed", "2026-11-30T12:00:00+03:00"),
    ),
    "half-hour offset, microseconds": _events(
        ("opened", "2026-11-27T17:30:00.000001+05:30"),
        ("agent_reply", "2026-11-30T17:30:00.999999-04:30"),
    ),
}


@pytest.mark.parametrize("name", sorted(ACCEPTED_ODDITIES))
@pytest.mark.parametrize("at", [None, "2026-11-30T10:02:00+03:00"])
def test_what_from_dict_accepts_is_summarized_like_evaluate(name: str, at: str | None) -> None:
    record = _record(events=ACCEPTED_ODDITIES[name], tier="SLA-4")
    incident = Incident.from_dict(record)
    moment = None if at is None else datetime.fromisoformat(at)
    for tier in (SLA2, SLA2.replace(resolution="PT3H", pause_reaction_when_pending=True)):
        every_way([incident], tier, moment, None, None)
        for engine in ENGINES:
            rows = evaluate_jsonl([json.dumps(record)], tier, at=moment, engine=engine)  # type: ignore[arg-type]
            assert list(rows) == [expected(incident, tier, moment, None, None)]


def test_equal_instants_and_a_dst_fold_keep_their_order() -> None:
    # 2026-10-25 01:30 happens twice in Berlin: +02:00 then +01:00.
    events = _events(
        ("opened", "2026-10-25T01:30:00+02:00"),
        ("agent_reply", "2026-10-25T01:30:00+02:00"),
        ("customer_message", "2026-10-25T01:10:00+01:00"),
    )
    record = _record(events=events)
    tier = Tier(
        id="X",
        name="Berlin",
        reaction=timedelta(hours=1),
        third_party=True,
        calendar=CATALOG.calendars["moscow"].replace(tz="Europe/Berlin"),
    )
    incident = Incident.from_dict(record)
    assert list(evaluate_jsonl([json.dumps(record)], tier)) == [
        expected(incident, tier, None, None, None)
    ]


# ----------------------------------------------------------------- tiers, options, tables


def test_a_catalog_needs_a_tier_for_each_record() -> None:
    line = json.dumps(_record())
    with pytest.raises(IncidentError, match="names no tier") as caught:
        list(evaluate_jsonl([line], CATALOG))
    assert caught.value.line == 1 and caught.value.incident_id == "INC-1"
    with pytest.raises(IncidentError, match="unknown tier 'GOLD'"):
        list(evaluate_jsonl([json.dumps(_record(tier="GOLD"))], CATALOG))
    reader = evaluate_jsonl([line, json.dumps(_record(tier="SLA-1"))], CATALOG, errors="collect")
    assert [row.tier for row in reader] == ["SLA-1"] and reader.errors.lines == (1,)


def test_options_are_refused_when_wrong() -> None:
    with pytest.raises(SlaclockValueError, match="no tier 'GOLD'"):
        evaluate_jsonl([], CATALOG, tier="GOLD")
    with pytest.raises(SlaclockTypeError, match="pass the catalog"):
        evaluate_jsonl([], SLA2, tier="SLA-2")
    with pytest.raises(SlaclockTypeError, match="Catalog or Tier"):
        evaluate_jsonl([], "SLA-2")  # type: ignore[arg-type]
    with pytest.raises(SlaclockValueError, match="errors='skip'"):
        evaluate_jsonl([], SLA2, errors="skip")  # type: ignore[arg-type]
    with pytest.raises(SlaclockValueError, match="cycle_rule='newest'"):
        evaluate_jsonl([], SLA2, cycle_rule="newest")
    with pytest.raises(SlaclockTypeError, match=r"slaclock\.Incident"):
        list(evaluate_many([_record()], SLA2))  # type: ignore[list-item]
    with pytest.raises(NaiveDatetimeError, match="naive"):
        evaluate_jsonl([], SLA2, at=datetime(2026, 11, 30))


def test_an_uncovered_incident_has_its_reason_and_no_clocks() -> None:
    line = json.dumps(_record(third_party=True))
    [row] = evaluate_jsonl([line], CATALOG.tiers["SLA-1"])
    assert not row.covered and "third-party" in (row.reason or "")
    assert (row.cycles, row.breached, row.next_due, row.first_due) == (0, False, None, None)


def test_at_before_the_opening_gives_an_empty_covered_row() -> None:
    [row] = evaluate_jsonl([json.dumps(_record())], SLA2, at=datetime(2026, 1, 1, tzinfo=UTC))
    assert row.covered and row.cycles == 0 and row.first_due is None


def test_instants_read_back_as_datetimes() -> None:
    [row] = evaluate_jsonl([json.dumps(_record())], SLA2)
    msk = timezone(timedelta(hours=3))
    assert instant(row.first_due, msk) == datetime(2026, 11, 30, 11, 30, tzinfo=msk)
    assert instant(row.first_answered, msk) == datetime(2026, 11, 30, 10, 20, tzinfo=msk)
    assert row.first_taken == 50 * 60_000_000  # Fri 17:30-18:00, Mon 10:00-10:20
    assert instant(None) is None


def test_a_path_and_an_open_file_are_read_alike(tmp_path: Path) -> None:
    path = tmp_path / "incidents.jsonl"
    path.write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    by_path = list(evaluate_jsonl(path, SLA2))
    by_name = list(evaluate_jsonl(str(path), SLA2))
    with path.open(encoding="utf-8") as handle:
        by_file = list(evaluate_jsonl(handle, SLA2))
    assert by_path == by_name == by_file and len(by_path) == 15


def test_summarize_gathers_columns() -> None:
    rows = list(evaluate_jsonl(io.StringIO(EXAMPLE.read_text(encoding="utf-8")), CATALOG))
    table = summarize(rows)
    assert isinstance(table, Table) and len(table) == len(rows) == 15
    assert list(table.columns) == list(Summary._fields)
    assert table.columns["incident"] == [row.incident for row in rows]
    assert table.columns["next_due"] == [row.next_due for row in rows]
    assert "15 rows" in repr(table)
    assert len(summarize([])) == 0


def test_to_pandas_has_timestamps_and_timedeltas() -> None:
    import pandas as pd  # in the test extra: this test runs in CI

    rows = list(evaluate_jsonl(io.StringIO(EXAMPLE.read_text(encoding="utf-8")), CATALOG))
    frame = summarize(rows).to_pandas()
    assert list(frame.columns) == list(Summary._fields) and len(frame) == 15
    first = rows[0]
    assert frame["first_due"][0] == pd.Timestamp(instant(first.first_due))
    assert frame["first_taken"][0] == pd.Timedelta(microseconds=first.first_taken or 0)
    assert frame["next_due"].isna().sum() == sum(row.next_due is None for row in rows)
    assert frame["breached"].tolist() == [row.breached for row in rows]


def test_to_pandas_without_pandas_names_the_extra() -> None:
    code = (
        "import sys\n"
        "sys.modules['pandas'] = None\n"
        "from slaclock.analysis import Table\n"
        "try:\n"
        "    Table({'incident': []}).to_pandas()\n"
        "except ImportError as exc:\n"
        "    print(exc)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "slaclock[pandas]" in done.stdout


def test_import_slaclock_does_not_import_analysis() -> None:
    code = "import sys, slaclock\nprint('slaclock.analysis' in sys.modules)\n"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


# ----------------------------------------------------------------- the fast path's shortcuts


NEW_YEAR_LOGS = [
    # Open over New Year: the clocks run from one compiled year into the next.
    _events(
        ("opened", "2025-12-31T17:00:00+03:00"),
        ("agent_reply", "2026-01-12T11:00:00+03:00"),
        ("customer_message", "2026-01-12T17:30:00+03:00"),
        ("pending", "2026-01-13T09:00:00+03:00"),
        ("customer_message", "2026-01-14T12:00:00+03:00"),
    ),
    # Opened in one year, last event over a year later.
    _events(
        ("opened", "2025-06-30T12:00:00+03:00"),
        ("agent_reply", "2025-06-30T12:30:00+03:00"),
        ("customer_message", "2026-12-31T17:59:00+03:00"),
        ("resolved", "2027-01-11T10:30:00+03:00"),
    ),
    # A due instant that falls in the next year though every event is in this one.
    _events(("opened", "2026-12-31T17:30:00+03:00")),
]


@pytest.mark.parametrize(("rule", "pause"), OPTIONS)
@pytest.mark.parametrize("at", [None, "2026-01-12T17:45:00+03:00", "2027-02-01T00:00:00Z"])
def test_logs_across_new_year_equal_evaluate(rule: str, pause: bool, at: str | None) -> None:
    incidents = [
        Incident.from_dict(_record(id=f"NY-{i}", events=log)) for i, log in enumerate(NEW_YEAR_LOGS)
    ]
    moment = None if at is None else datetime.fromisoformat(at)
    for tier in (SLA2, SLA2.replace(resolution="PT40H", first_reaction="PT30M")):
        every_way(incidents, tier, moment, rule, pause)


def test_remembered_sequences_can_be_forgotten(fresh_programs: Any) -> None:
    tables = fresh_programs(limit=2)
    incidents = list(read_incidents(io.StringIO(EXAMPLE.read_text(encoding="utf-8"))))
    for rule, pause in OPTIONS:
        every_way(incidents, SLA2, None, rule, pause)
    assert all(len(table._by_kinds) <= 2 for table in tables.values())


def test_only_sequences_of_known_kinds_are_remembered(fresh_programs: Any) -> None:
    tables = fresh_programs()
    lines = [json.dumps(BAD_RECORDS[name]) for name in ("unknown kind", "resolved twice")]
    list(evaluate_jsonl(lines, SLA2, errors="collect", engine="python"))
    [remembered] = tables[False, False]._by_kinds
    assert remembered == ("opened", "resolved", "resolved")
    assert tables[False, False]._by_kinds[remembered].fault is not None


def test_a_sequence_known_to_be_bad_still_gets_its_exact_error() -> None:
    line = json.dumps(BAD_RECORDS["resolved twice"])
    for _ in range(2):  # the second time the sequence is remembered as invalid
        with pytest.raises(IncidentError) as caught:
            list(evaluate_jsonl([line], SLA2))
        assert str(caught.value) == str(_error(line)).replace("line 2", "line 1")


# ----------------------------------------------------------------- decoders


GOOD_LINE = json.dumps(_record())
TRICKY_LINES = {
    "plain": GOOD_LINE,
    "blanks around": "  " + GOOD_LINE + " \r\n",
    "duplicate key, the last wins": GOOD_LINE[:-1] + ', "type": "consultation"}',
    "duplicate key, a bad value last": GOOD_LINE[:-1] + ', "type": 7}',
    "a lone surrogate in the id": GOOD_LINE.replace('"INC-1"', '"INC-\\ud800"'),
    "an escaped id": GOOD_LINE.replace('"INC-1"', '"INC-\\u00e9\\n"'),
    "NaN": GOOD_LINE.replace("false", "NaN"),
    "a 100-digit number": GOOD_LINE.replace("false", "1" * 100),
    "a float": GOOD_LINE.replace("false", "1e400"),
    "a byte order mark": "\ufeff" + GOOD_LINE,
    "trailing text": GOOD_LINE + " x",
    "two values": GOOD_LINE + " " + GOOD_LINE,
    "a raw tab in text": GOOD_LINE.replace('"INC-1"', '"INC\t1"'),
    "not an object": "[1, 2]",
    "blank": "   ",
}


def _outcome(lines: list[str], decoder: str, engine: str) -> tuple[list[Summary], list[str]]:
    reader = evaluate_jsonl(lines, SLA2, errors="collect", decoder=decoder, engine=engine)  # type: ignore[arg-type]
    return list(reader), [str(error) for error in reader.errors]


@pytest.mark.parametrize("name", sorted(TRICKY_LINES))
def test_both_decoders_give_read_incidents_answers(name: str) -> None:
    lines = [TRICKY_LINES[name]]
    reader = read_incidents(lines, errors="collect")
    want_rows = [Summary.from_evaluation(evaluate(inc, SLA2), inc) for inc in reader]
    want = (want_rows, [str(error) for error in reader.errors])
    for engine in ENGINES:
        assert _outcome(lines, "json", engine) == want
        assert _outcome(lines, "orjson", engine) == want


def test_auto_takes_orjson_when_installed_and_json_otherwise(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert evaluate_jsonl([], SLA2).decoder == "orjson"
    assert evaluate_jsonl([], SLA2, decoder="json").decoder == "json"
    real_import = importlib.import_module

    def without_orjson(name: str, *args: Any) -> Any:
        if name == "orjson":
            raise ImportError(name)
        return real_import(name, *args)

    monkeypatch.setattr(importlib, "import_module", without_orjson)
    assert evaluate_jsonl([], SLA2).decoder == "json"
    with pytest.raises(ImportError, match=r"slaclock\[fast\]"):
        evaluate_jsonl([], SLA2, decoder="orjson")
    with pytest.raises(SlaclockValueError, match="decoder='simd'"):
        evaluate_jsonl([], SLA2, decoder="simd")  # type: ignore[arg-type]


def test_a_resolution_clock_at_risk_equals_evaluate() -> None:
    # 3.5 of 4 working hours used at ``at``, unresolved: at risk (the share is 3/4).
    log = _events(
        ("opened", "2026-11-30T10:00:00+03:00"), ("agent_reply", "2026-11-30T10:30:00+03:00")
    )
    incident = Incident.from_dict(_record(events=log))
    tier = SLA2.replace(resolution="PT4H")
    at = datetime.fromisoformat("2026-11-30T13:30:00+03:00")
    every_way([incident], tier, at, None, None)
    [row] = evaluate_many([incident], tier, at=at)
    assert row.at_risk and not row.breached


def test_zone_suffixed_times_are_read_by_the_one_timestamp_rule_and_never_cached() -> None:
    def line(ident: str, opened: str) -> str:
        events = [{"type": "opened", "at": opened}]
        return json.dumps({"id": ident, "type": "failure", "events": events})

    lines = [
        line("A", "2024-01-15T10:30:00-05:00[America/New_York]"),  # the zone's offset
        line("B", "2024-07-15T10:30:00-05:00[America/New_York]"),  # July is -04:00 there
    ]
    for engine in ("python", "numpy"):
        reader = evaluate_jsonl(lines, SLA2, errors="collect", engine=engine)  # type: ignore[arg-type]
        [row] = list(reader)
        built = Incident.from_dict(json.loads(lines[0]))
        assert row == Summary.from_evaluation(evaluate(built, SLA2), built)
        [error] = reader.errors
        assert error.line == 2 and "is not the offset of America/New_York" in str(error)
