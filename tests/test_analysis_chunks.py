"""The numpy engine of evaluate_jsonl: chunks of lines as arrays, equal to the row reader.

``tests/test_analysis.py`` runs every equality test with both engines; this file
covers what only the chunks have: timestamps read as digits (against
``datetime.fromisoformat``), bad lines found inside a chunk by splitting it, the
order of rows and errors across chunks, what the chunks leave to the row reader,
and the choice of engine.
"""

from __future__ import annotations

import json
import sys
import tracemalloc
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from test_lifecycle import kind_walks

from slaclock import (
    Catalog,
    Incident,
    IncidentError,
    SlaclockValueError,
    default_catalog,
    evaluate,
    read_incidents,
)
from slaclock._calendar.instants import to_us
from slaclock._sla.lifecycle import KIND_CODES, inert_where_allowed, log_fault
from slaclock.analysis import Summary, evaluate_jsonl
from slaclock.analysis import _numpy as chunks

CATALOG = default_catalog()
SLA2 = CATALOG.tiers["SLA-2"]
BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


def _benchmark_records(n: int, seed: int) -> list[dict[str, Any]]:
    sys.path.insert(0, str(BENCHMARKS))
    try:
        from _incidents import records
    finally:
        sys.path.remove(str(BENCHMARKS))
    return list(records(n, seed=seed))


def _outcome(lines: list[str], engine: str, **opts: Any) -> tuple[list[Summary], list[str]]:
    reader = evaluate_jsonl(lines, SLA2, errors="collect", engine=engine, **opts)  # type: ignore[arg-type]
    return list(reader), [str(error) for error in reader.errors]


# ----------------------------------------------------------------- timestamps


def _digits(width: int) -> st.SearchStrategy[str]:
    return st.integers(min_value=0, max_value=10**width - 1).map(lambda v: f"{v:0{width}d}")


# Each part usually valid, sometimes out of range, sometimes any character.
_YEAR = st.one_of(st.integers(1990, 2040).map(lambda y: f"{y:04d}"), _digits(4))
_MONTH = st.one_of(st.integers(1, 12).map(lambda m: f"{m:02d}"), _digits(2))
_DAY = st.one_of(st.integers(1, 28).map(lambda d: f"{d:02d}"), _digits(2))
_HOUR = st.one_of(st.integers(0, 23).map(lambda h: f"{h:02d}"), _digits(2))
_SIXTY = st.one_of(st.integers(0, 59).map(lambda m: f"{m:02d}"), _digits(2))
# A replaced character: often one a timestamp is made of (in the wrong place), else any.
_ANY = st.one_of(st.sampled_from("0123456789-:T.Z+ tz/|"), st.characters(codec="utf-8"))
_FRACTION = st.one_of(
    st.just(""), _digits(6).map(lambda f: "." + f), _digits(3).map(lambda f: "." + f)
)
_ZONE = st.one_of(
    st.just("Z"),
    st.tuples(st.sampled_from("+-"), _HOUR, _SIXTY).map(lambda t: f"{t[0]}{t[1]}:{t[2]}"),
)


@st.composite
def _timestamps(draw: st.DrawFn) -> tuple[str, bool]:
    """A timestamp text in one of the six forms, and whether a character was replaced."""
    text = (
        f"{draw(_YEAR)}-{draw(_MONTH)}-{draw(_DAY)}T{draw(_HOUR)}:{draw(_SIXTY)}:"
        f"{draw(_SIXTY)}{draw(_FRACTION)}{draw(_ZONE)}"
    )
    replaced = draw(st.booleans()) and draw(st.booleans())
    if replaced:
        i = draw(st.integers(0, len(text) - 1))
        text = text[:i] + draw(_ANY) + text[i + 1 :]
    return text, replaced


@st.composite
def _formatted(draw: st.DrawFn) -> tuple[str, bool]:
    """A valid instant written in one of the six forms, and then maybe one character replaced."""
    moment = draw(st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(2099, 12, 31)))
    fraction = draw(
        st.sampled_from(("", f".{moment.microsecond // 1000:03d}", f".{moment.microsecond:06d}"))
    )
    zone = draw(
        st.one_of(
            st.just("Z"),
            st.tuples(st.sampled_from("+-"), st.integers(0, 23), st.integers(0, 59)).map(
                lambda t: f"{t[0]}{t[1]:02d}:{t[2]:02d}"
            ),
        )
    )
    text = moment.strftime("%Y-%m-%dT%H:%M:%S") + fraction + zone
    replaced = draw(st.booleans())
    if replaced:
        i = draw(st.integers(0, len(text) - 1))
        text = text[:i] + draw(_ANY) + text[i + 1 :]
    return text, replaced


def _python_reads(text: str) -> datetime | None:
    """What the row reader makes of a timestamp, or None if it refuses it."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return None if moment.utcoffset() is None else moment


@given(st.lists(st.one_of(_timestamps(), _formatted()), min_size=1, max_size=60))
@example([("2024-02-29T23:59:59.999999-23:59", False), ("2023-02-29T10:00:00Z", False)])
@example([("2026-11-27t10:00:00Z", True), ("2026-11-27T10:00:00+01:60", False)])
@example([("2026-11-27T14:30:00+03:00", False)] * 3 + [("2026-11-27T14:30:00+03:0", True)])
@example([("2026-11-27T10:00:00.12:Z", True), ("2026-11-27T10:00:00.123*03:00", True)])
def test_timestamps_read_as_digits_equal_fromisoformat(drawn: list[tuple[str, bool]]) -> None:
    texts = [text for text, _ in drawn]
    us, read = chunks._instants(texts)
    for (text, replaced), value, ok in zip(drawn, us.tolist(), read.tolist(), strict=True):
        moment = _python_reads(text)
        if ok:  # read here only what Python reads, and to the same instant
            assert moment is not None and value == to_us(moment), text
        elif moment is not None and not replaced and 2 < moment.year < 9998:
            # A well-formed text Python reads is declined only for an offset's
            # minutes past 59, which Python takes and the row reader then reads.
            assert text[-1] != "Z" and int(text[-2:]) > 59, text


def test_every_form_is_read_without_the_row_reader() -> None:
    forms = [
        "2026-11-27T14:30:00+03:00",
        "2026-11-27T11:30:00Z",
        "2026-11-27T14:30:00.000000+03:00",
        "2026-11-27T11:30:00.000000Z",
        "2026-11-27T14:30:00.000+03:00",
        "2026-11-27T11:30:00.000Z",
    ]
    us, read = chunks._instants(forms)
    assert read.all() and len(set(us.tolist())) == 1
    assert us[0] == to_us(datetime(2026, 11, 27, 11, 30, tzinfo=UTC))
    # Milliseconds, as most helpdesks export them, each digit where it belongs.
    us, read = chunks._instants(["2026-11-27T14:30:00.123+03:00", "2026-11-27T11:30:00.987Z"])
    assert read.all()
    assert us.tolist() == [
        to_us(datetime(2026, 11, 27, 11, 30, 0, 123_000, tzinfo=UTC)),
        to_us(datetime(2026, 11, 27, 11, 30, 0, 987_000, tzinfo=UTC)),
    ]


# ----------------------------------------------------------------- chunks and lines


BAD_LINES = [
    "not json",
    "",
    "   ",
    "[1, 2]",
    '{"id": "X", "type": "failure", "events": []}',
    '{"id": "X", "type": "outage", "events": [{"type": "opened", "at": "2026-11-27T14:30:00Z"}]}',
    '{"id": "X", "type": "failure", "events": [{"type": "opened", "at": "2026-11-27"}]}',
    '{"id": "X", "type": "failure", "events": [{"type": "opened", "at": 5}]}',
    '{"id": "X", "type": "failure", "events": [{"type": "agent_reply", "at": "2026-11-27T14:30:00Z"}]}',
    '{"id": "X", "type": "failure", "events": [{"type": ["opened"], "at": "2026-11-27T14:30:00Z"}]}',
    '{"id": "X", "type": "failure", "priority": 1, "events": []}',
    '{"id": "X", "type": "failure", "events": [{"type": "opened", "at": "2026-11-27T14:30:00Z"}, '
    '{"type": "agent_reply", "at": "2026-11-27T14:29:00Z"}]}',
    '{"id": "X", "type": "failure", "events": [{"type": "opened", "at": "2026-11-27T14:30:00Z", '
    '"by": "robot"}]}',
    "\ufeff" + '{"id": "X", "type": "failure", "events": []}',
]


@given(
    positions=st.lists(st.tuples(st.integers(0, 60), st.sampled_from(BAD_LINES)), max_size=6),
    size=st.sampled_from([1, 3, 8, 17, 64]),
    decoder=st.sampled_from(["json", "orjson"]),
    at=st.sampled_from([None, datetime(2025, 6, 1, tzinfo=UTC)]),
)
def test_bad_lines_anywhere_give_the_row_readers_rows_and_errors(
    positions: list[tuple[int, str]], size: int, decoder: str, at: datetime | None
) -> None:
    lines = [json.dumps(r) + "\n" for r in _benchmark_records(60, seed=11)]
    for position, bad in positions:
        lines.insert(position, bad + "\n")
    old = chunks.CHUNK
    chunks.CHUNK = size
    try:
        got = _outcome(lines, "numpy", decoder=decoder, at=at)
    finally:
        chunks.CHUNK = old
    assert got == _outcome(lines, "python", decoder=decoder, at=at)


def test_a_raised_error_comes_after_the_rows_before_it() -> None:
    lines = [json.dumps(r) for r in _benchmark_records(1500, seed=5)]
    lines.insert(1100, '{"id": "B", "type": "failure", "events": []}')
    rows = []
    with pytest.raises(IncidentError, match="line 1101") as caught:
        for row in evaluate_jsonl(lines, SLA2, engine="numpy"):
            rows.append(row)
    assert caught.value.line == 1101
    assert len(rows) == 1100
    assert rows == list(evaluate_jsonl(lines[:1100], SLA2, engine="python"))


@pytest.mark.parametrize("at", [None, datetime(2025, 3, 1, tzinfo=UTC)])
@pytest.mark.parametrize("pause", [False, True])
def test_clean_logs_are_read_entirely_by_the_chunks(at: datetime | None, pause: bool) -> None:
    records = _benchmark_records(3000, seed=2)
    lines = [json.dumps(r) for r in records]
    # Clocks with stops too: a resolution clock over pending spans, and (with the
    # pause) reaction cycles that stop while pending.
    assert sum(any(e["type"] == "pending" for e in r["events"]) for r in records) > 300
    tier = SLA2.replace(resolution="PT30H", pause_reaction_when_pending=pause)
    reader = evaluate_jsonl(lines, tier, engine="numpy", at=at)
    rows = list(reader)
    assert reader.engine == "numpy"
    assert reader._rowwise == 0
    assert rows == list(evaluate_jsonl(lines, tier, engine="python", at=at))
    plain = evaluate_jsonl(lines, SLA2, engine="numpy", at=at)
    list(plain)
    assert plain._rowwise == 0
    sample = [Incident.from_dict(r) for r in records[:300]]
    assert rows[:300] == [Summary.from_evaluation(evaluate(i, tier, at=at), i) for i in sample]


def test_what_the_chunks_leave_to_the_row_reader() -> None:
    opened = {"type": "opened", "at": "2026-11-27T17:30:00+03:00"}
    reply = {"type": "agent_reply", "at": "2026-11-30T10:20:00+03:00"}
    pending = {"type": "pending", "at": "2026-11-30T10:30:00+03:00"}
    paused = SLA2.replace(pause_reaction_when_pending=True)
    cases = {
        "a space before the time": ([opened, {**reply, "at": " " + reply["at"]}], paused),
        # No reaction cycle (an agent opened it, the customer has not written), but
        # update cycles run: the row reader measures them.
        "an agent's opening on a tier with update cycles": (
            [{**opened, "by": "agent"}, reply, pending],
            SLA2.replace(update="PT4H"),
        ),
    }
    for name, (log, tier) in cases.items():
        line = json.dumps({"id": name, "type": "failure", "events": log})
        reader = evaluate_jsonl([line], tier, engine="numpy")
        [row] = list(reader)
        assert reader._rowwise == 1, name
        incident = Incident.from_dict(json.loads(line))
        assert row == Summary.from_evaluation(evaluate(incident, tier), incident), name


def _log(*steps: tuple[str, str]) -> list[dict[str, str]]:
    return [{"type": kind, "at": f"2026-{when}+03:00"} for kind, when in steps]


# Clocks that stop, each read from the arrays and equal to evaluate() with and without
# a pause while pending, a resolution target, and ``at`` before, inside and after the stops.
_STOPPING = {
    "pending before due, then answered": _log(
        ("opened", "11-27T10:00:00"),
        ("pending", "11-27T10:30:00"),
        ("customer_message", "11-27T15:00:00"),
        ("agent_reply", "11-27T17:00:00"),
    ),
    "pending after the due instant": _log(
        ("opened", "11-27T10:00:00"),
        ("pending", "11-27T13:00:00"),
        ("customer_message", "11-30T11:00:00"),
        ("agent_reply", "11-30T12:00:00"),
    ),
    "pending at the horizon": _log(
        ("opened", "11-27T17:30:00"),
        ("agent_reply", "11-30T10:20:00"),
        ("customer_message", "11-30T10:25:00"),
        ("pending", "11-30T10:30:00"),
    ),
    "two pending spans in one cycle, over a weekend": _log(
        ("opened", "11-27T16:00:00"),
        ("pending", "11-27T16:30:00"),
        ("customer_message", "11-27T17:30:00"),
        ("pending", "11-27T17:45:00"),
        ("customer_message", "11-30T10:30:00"),
        ("agent_reply", "11-30T12:00:00"),
    ),
    "resolved, reopened, resolved": _log(
        ("opened", "11-27T10:00:00"),
        ("agent_reply", "11-27T10:30:00"),
        ("pending", "11-27T11:00:00"),
        ("resolved", "11-27T12:00:00"),
        ("reopened", "11-30T10:00:00"),
        ("agent_reply", "11-30T11:00:00"),
        ("resolved", "11-30T12:00:00"),
    ),
    "pending and answered at one instant": _log(
        ("opened", "11-27T10:00:00"),
        ("pending", "11-27T11:00:00"),
        ("agent_reply", "11-27T11:00:00"),
    ),
}


@pytest.mark.parametrize("name", list(_STOPPING))
def test_clocks_with_stops_are_read_from_the_arrays(name: str) -> None:
    line = json.dumps({"id": name, "type": "failure", "events": _STOPPING[name]})
    incident = Incident.from_dict(json.loads(line))
    moments = sorted({event.at for event in incident.events})
    ats = [None, *moments, *(a + timedelta(minutes=7) for a in moments)]
    for tier in (
        SLA2.replace(pause_reaction_when_pending=True),
        SLA2.replace(resolution="PT3H"),
        SLA2.replace(pause_reaction_when_pending=True, resolution="PT2H", reaction="PT1H"),
    ):
        for at in ats:
            reader = evaluate_jsonl([line], tier, engine="numpy", at=at)
            [row] = list(reader)
            assert reader._rowwise == 0, (name, at)
            assert row == Summary.from_evaluation(evaluate(incident, tier, at=at), incident), (
                name,
                tier,
                at,
            )


def test_a_log_of_many_cycles_and_pauses_pairs_each_cycle_with_its_own_pauses() -> None:
    # A thousand cycles, each with a pause of its own: paired each with each, the
    # arrays would hold a million pairs (tens of megabytes); each with its own, a thousand.
    start = datetime(2026, 11, 2, 7, 0, tzinfo=UTC)
    events = [{"type": "opened", "at": start.isoformat()}]
    for k in range(1000):
        at = start + timedelta(minutes=20 * k)
        for kind, minutes in (("pending", 5), ("customer_message", 10), ("agent_reply", 15)):
            events.append({"type": kind, "at": (at + timedelta(minutes=minutes)).isoformat()})
    line = json.dumps({"id": "long", "type": "failure", "events": events})
    incident = Incident.from_dict(json.loads(line))
    tier = SLA2.replace(pause_reaction_when_pending=True, resolution="PT900H", update="PT1H")
    tracemalloc.start()
    try:
        reader = evaluate_jsonl([line], tier, engine="numpy")
        [row] = list(reader)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert reader._rowwise == 0
    assert row.cycles == 1000
    assert row == Summary.from_evaluation(evaluate(incident, tier), incident)
    assert peak < 8_000_000, peak


def test_openings_that_say_who_opened_are_read_from_the_arrays() -> None:
    opened = {"type": "opened", "at": "2026-11-27T17:30:00+03:00"}
    reply = {"type": "agent_reply", "at": "2026-11-30T10:20:00+03:00"}
    message = {"type": "customer_message", "at": "2026-11-30T11:00:00+03:00"}
    logs = [
        [{**opened, "by": "agent"}, message],
        [{**opened, "by": "agent"}, reply, message, {**reply, "at": "2026-11-30T12:00:00+03:00"}],
        [{**opened, "by": "customer"}, reply],
        [opened, reply, message],
    ]
    # Half of them say whom they are for: their rows carry it, from either table.
    owners = [{"customer": "acme", "contract": "ACME-1", "channel": "portal"}, {}]
    lines = [
        json.dumps({"id": str(i), "type": "failure", **owners[i % 2], "events": log})
        for i, log in enumerate(logs)
    ]
    for at in (None, datetime(2026, 11, 30, 10, 40, tzinfo=UTC)):
        reader = evaluate_jsonl(lines, SLA2, engine="numpy", at=at)
        rows = list(reader)
        assert reader._rowwise == 0
        for line, row in zip(lines, rows, strict=True):
            incident = Incident.from_dict(json.loads(line))
            assert row == Summary.from_evaluation(evaluate(incident, SLA2, at=at), incident)
        assert [row.customer for row in rows] == ["acme", None, "acme", None]
        assert [row.channel for row in rows] == ["portal", None, "portal", None]
    # An agent's opening with no customer message has no reaction clock: a blank row
    # from the arrays, unless a resolution clock runs, which the row reader measures.
    line = json.dumps({"id": "A", "type": "failure", "events": [{**opened, "by": "agent"}, reply]})
    incident = Incident.from_dict(json.loads(line))
    for tier, rowwise in ((SLA2, 0), (SLA2.replace(resolution="PT30H"), 1)):
        for at in (None, datetime(2026, 11, 30, 10, 40, tzinfo=UTC)):
            reader = evaluate_jsonl([line], tier, engine="numpy", at=at)
            [row] = list(reader)
            assert reader._rowwise == rowwise and row.cycles == 0
            assert row == Summary.from_evaluation(evaluate(incident, tier, at=at), incident)


def test_the_catalog_path_splits_a_chunk_by_tier() -> None:
    catalog = default_catalog()
    records = _benchmark_records(200, seed=9)
    tiers = [*catalog.tiers, None, "SLA-9", ""]
    lines = [json.dumps({**r, "tier": tiers[i % len(tiers)]}) for i, r in enumerate(records)]
    got = evaluate_jsonl(lines, catalog, errors="collect", engine="numpy")
    want = evaluate_jsonl(lines, catalog, errors="collect", engine="python")
    assert list(got) == list(want)
    assert [str(e) for e in got.errors] == [str(e) for e in want.errors]
    assert len(got.errors) == sum(tiers[i % len(tiers)] not in catalog.tiers for i in range(200))


def test_remembered_programs_are_forgotten_past_the_limit(fresh_programs: Any) -> None:
    tables = fresh_programs(limit=5)
    lines = [json.dumps(r) for r in _benchmark_records(400, seed=4)]
    assert list(evaluate_jsonl(lines, SLA2, engine="numpy")) == list(
        evaluate_jsonl(lines, SLA2, engine="python")
    )
    assert len(tables[False, False]._numbered) <= max(5, chunks.CHUNK)


def test_threads_sharing_the_program_table_get_their_own_rows(
    monkeypatch: pytest.MonkeyPatch, fresh_programs: Any
) -> None:
    # A tiny table is reset over and over while other threads read from it.
    fresh_programs(limit=3)
    monkeypatch.setattr(chunks, "CHUNK", 16)
    lines = [json.dumps(r) for r in _benchmark_records(400, seed=8)]
    want = list(evaluate_jsonl(lines, SLA2, engine="python"))
    with ThreadPoolExecutor(4) as pool:
        runs = list(pool.map(lambda _: list(evaluate_jsonl(lines, SLA2, engine="numpy")), range(8)))
    assert all(rows == want for rows in runs)


def test_at_risk_shares_too_big_for_int64_are_exact() -> None:
    used = np.array([2**61, 2**61, 10], dtype=np.int64)
    target = np.array([2**61 + 1, 2**61 - 1, 10], dtype=np.int64)
    share = (999_999_999, 1_000_000_000)
    assert chunks._risky(used, target, share).tolist() == [
        u * share[1] >= t * share[0] for u, t in zip(used.tolist(), target.tolist(), strict=True)
    ]
    assert chunks._risky(used[:0], target[:0], share).tolist() == []


def test_offsets_and_new_year_on_chunks_equal_evaluate() -> None:
    zones = [timezone(timedelta(hours=h, minutes=m)) for h, m in ((3, 0), (-5, -30), (14, 0))]
    start = datetime(2025, 12, 31, 16, 0, tzinfo=UTC)
    lines = []
    for i in range(90):
        zone = zones[i % 3]
        t0 = start + timedelta(hours=i)
        events = [
            {"type": "opened", "at": t0.astimezone(zone).isoformat()},
            {"type": "agent_reply", "at": (t0 + timedelta(hours=30)).astimezone(zone).isoformat()},
            {"type": "customer_message", "at": (t0 + timedelta(days=9)).isoformat()},
        ]
        lines.append(json.dumps({"id": f"N{i}", "type": "failure", "events": events}))
    reader = evaluate_jsonl(lines, SLA2, engine="numpy")
    rows = list(reader)
    assert reader._rowwise == 0
    incidents = list(read_incidents(lines))
    assert rows == [Summary.from_evaluation(evaluate(i, SLA2), i) for i in incidents]


def test_a_stray_year_goes_line_by_line_instead_of_laying_out_centuries() -> None:
    records = _benchmark_records(40, seed=6)
    stray = json.loads(json.dumps(records[7]))
    for event in stray["events"]:
        event["at"] = "0" + event["at"][1:]  # 2025 -> 0025
    records[7] = stray
    lines = [json.dumps(r) for r in records]
    reader = evaluate_jsonl(lines, SLA2, engine="numpy")
    rows = list(reader)
    assert reader._rowwise == 1
    assert rows == list(evaluate_jsonl(lines, SLA2, engine="python"))
    strayed = Incident.from_dict(stray)
    assert rows[7] == Summary.from_evaluation(evaluate(strayed, SLA2), strayed)


# ----------------------------------------------------------------- the choice of engine


def test_auto_takes_numpy_when_installed_and_python_otherwise(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert evaluate_jsonl([], SLA2).engine == "numpy"
    assert evaluate_jsonl([], SLA2, engine="python").engine == "python"
    with pytest.raises(SlaclockValueError, match="engine='rust'"):
        evaluate_jsonl([], SLA2, engine="rust")  # type: ignore[arg-type]
    monkeypatch.setitem(sys.modules, "numpy", None)  # import numpy now fails
    monkeypatch.delitem(sys.modules, "slaclock.analysis._numpy")
    assert evaluate_jsonl([], SLA2).engine == "python"
    with pytest.raises(ImportError, match=r"slaclock\[numpy\]"):
        evaluate_jsonl([], SLA2, engine="numpy")


def test_update_cycles_and_escalation_levels_are_read_from_the_arrays() -> None:
    records = _benchmark_records(1500, seed=6)
    lines = [json.dumps(r) for r in records]
    for tier in (
        SLA2.replace(update="PT3H"),
        SLA2.replace(update="PT3H", pause_reaction_when_pending=True, resolution="PT20H"),
        SLA2.replace(escalations=("50%", "100%", "-PT30M", "+PT1H")),
        SLA2.replace(update="PT2H", escalations=("75%",), resolution="PT30H"),
    ):
        for at in (None, datetime(2025, 3, 1, tzinfo=UTC)):
            reader = evaluate_jsonl(lines, tier, engine="numpy", at=at)
            rows = list(reader)
            assert reader._rowwise == 0, tier
            assert rows == list(evaluate_jsonl(lines, tier, engine="python", at=at)), tier
            if tier.escalations:
                assert {len(row.escalated) for row in rows} == {len(tier.escalations)}
                assert any(sum(row.escalated) for row in rows)
    # A catalog's chunk with tiers of each kind, each record on the tier it names.
    catalog = Catalog(
        calendars=CATALOG.calendars,
        tiers={
            "U": SLA2.replace(id="U", update="PT3H"),
            "L": SLA2.replace(id="L", escalations=("50%",)),
            "P": SLA2.replace(id="P"),
        },
    )
    named = [json.dumps({**r, "tier": "ULP"[i % 3]}) for i, r in enumerate(records)]
    reader = evaluate_jsonl(named, catalog, engine="numpy")
    rows = list(reader)
    assert reader._rowwise == 0
    assert rows == list(evaluate_jsonl(named, catalog, engine="python"))


def test_whom_an_incident_is_for_is_read_by_the_chunks() -> None:
    records = _benchmark_records(600, seed=4)
    owned = [
        {
            **r,
            "customer": f"customer {i % 7}",
            "contract": f"C-{i % 3}",
            "attributes": {"priority": f"P{i % 4}", "tags": ["vip", i], "sla": {"x": None}},
        }
        if i % 2
        else r
        for i, r in enumerate(records)
    ]
    lines = [json.dumps(r) for r in owned]
    reader = evaluate_jsonl(lines, SLA2, engine="numpy")
    rows = list(reader)
    assert reader._rowwise == 0
    plain = list(evaluate_jsonl([json.dumps(r) for r in records], SLA2, engine="numpy"))
    assert [row._replace(customer=None, contract=None) for row in rows] == plain
    assert [(row.customer, row.contract) for row in rows] == [
        (r.get("customer"), r.get("contract")) for r in owned
    ]
    assert rows == list(evaluate_jsonl(lines, SLA2, engine="python"))


def test_an_event_short_of_a_key_does_not_hide_another_with_one_too_many() -> None:
    # Regression: the chunk checked that its events' keys summed to two an event,
    # so a key missing in one record hid an agent's "by" in another, read as if the
    # customer had opened it.
    short = {
        "id": "A",
        "type": "failure",
        "events": [
            {"type": "opened", "at": "2026-11-27T10:00:00+03:00"},
            {"at": "2026-11-27T11:00:00+03:00"},
        ],
    }
    agent = {
        "id": "B",
        "type": "failure",
        "events": [
            {"type": "opened", "at": "2026-11-27T10:00:00+03:00", "by": "agent"},
            {"type": "customer_message", "at": "2026-11-27T11:00:00+03:00"},
        ],
    }
    lines = [json.dumps(short), json.dumps(agent)]
    tier = default_catalog().tiers["SLA-2"]
    rows = {
        engine: list(evaluate_jsonl(lines, tier, engine=engine, errors="collect"))
        for engine in ("python", "numpy")
    }
    assert rows["numpy"] == rows["python"]
    assert rows["numpy"][0].first_taken == 0  # the customer wrote at 11:00, the clock starts then


@pytest.mark.parametrize(
    "odd",
    [
        [  # kinds that are not text
            {"type": 5, "at": "2026-11-02T10:00:00+03:00"},
            {"type": 6, "at": "2026-11-02T11:00:00+03:00"},
        ],
        [  # work logs whose durations are numbers
            {"type": "opened", "at": "2026-11-02T10:00:00+03:00"},
            {"type": "work_logged", "at": "2026-11-02T11:00:00+03:00", "duration": 3600},
            {"type": "work_logged", "at": "2026-11-02T12:00:00+03:00", "duration": 60},
        ],
        [  # who opened it, not text, and a kind that is not text
            {"type": "opened", "at": "2026-11-02T10:00:00+03:00", "by": 1},
            {"type": 7, "at": "2026-11-02T11:00:00+03:00"},
        ],
    ],
)
def test_a_value_that_is_not_text_does_not_hide_a_key_given_twice(odd: list[Any]) -> None:
    # Regression: the chunk counted every event value as a string, so two values that
    # are not text in one line (two strings fewer) made up for a key given twice in
    # another (two strings more than its record kept), and that line was read with
    # the second "id" instead of refused.
    plain = (
        '{"id":"A","type":"failure","events":[{"type":"opened","at":"2026-11-02T10:00:00+03:00"}]}'
    )
    twice = plain.replace('"id":"A"', '"id":"B"')[:-1] + ',"id":"C"}'
    lines = [plain, twice, json.dumps({"id": "D", "type": "failure", "events": odd})]
    got = {engine: _outcome(lines, engine) for engine in ("python", "numpy")}
    assert got["numpy"] == got["python"]
    assert [row.incident for row in got["python"][0]] == ["A"]
    assert "line 2, id: the key 'id' appears twice" in got["python"][1][0]


def test_an_unknown_kind_sends_its_own_line_to_the_row_reader_not_its_chunk() -> None:
    opened = {"type": "opened", "at": "2026-11-02T10:00:00+03:00"}
    good = json.dumps({"id": "A", "type": "failure", "events": [opened]})
    odd = {"type": "escalated", "at": "2026-11-02T11:00:00+03:00"}
    lines = [good] * 20 + [json.dumps({"id": "B", "type": "failure", "events": [opened, odd]})]
    reader = evaluate_jsonl(lines, SLA2, engine="numpy", errors="collect")
    rows = list(reader)
    assert reader._rowwise == 1
    assert (rows, [str(e) for e in reader.errors]) == _outcome(lines, "python")
    assert "escalated" in str(reader.errors.errors[0])


def test_work_logs_with_their_durations_stay_in_the_chunks() -> None:
    log = {
        "id": "W",
        "type": "failure",
        "events": [
            {"type": "opened", "at": "2026-11-27T10:00:00.250+03:00"},
            {"type": "work_logged", "at": "2026-11-27T10:30:00+03:00", "duration": "PT45M"},
            {"type": "agent_reply", "at": "2026-11-27T11:00:00.125Z"},
        ],
    }
    bad = [
        {**log, "id": "X", "events": [log["events"][0], {**log["events"][1], "duration": "-PT1H"}]},
        {
            **log,
            "id": "Y",
            "events": [log["events"][0], {"type": "work_logged", "at": "2026-11-27T10:30:00Z"}],
        },
        {**log, "id": "Z", "events": [log["events"][0], {**log["events"][1], "type": "pending"}]},
    ]
    tier = default_catalog().tiers["SLA-2"]
    lines = [json.dumps(log)] * 20 + [json.dumps(record) for record in bad]
    reader = evaluate_jsonl(lines, tier, engine="numpy", errors="collect")
    rows = list(reader)
    assert reader._rowwise == 3  # only the bad three go line by line
    expected = evaluate_jsonl(lines, tier, engine="python", errors="collect")
    assert rows == list(expected)
    assert [e.line for e in reader.errors.errors] == [e.line for e in expected.errors.errors]


@given(st.lists(kind_walks(), min_size=1, max_size=6))
def test_the_chunks_leave_out_the_events_the_lifecycle_leaves_out(logs: list[list[str]]) -> None:
    codes = "".join(KIND_CODES[kind] for log in logs for kind in log)
    counts = list(map(len, logs))
    first = np.cumsum(counts) - counts
    out = chunks._left_out(codes, first, np.repeat(np.arange(len(logs)), counts)).tolist()
    for log, start in zip(logs, first.tolist(), strict=True):
        mine = out[start : start + len(log)]
        if log_fault(log) is None:
            assert mine == inert_where_allowed(log), log
        else:  # a refused log stays refused at the same event
            kept = [k for k, left in enumerate(mine) if not left]
            fault = log_fault([log[k] for k in kept])
            assert fault is not None, log
            assert (kept[fault[0]], fault[1]) == log_fault(log), log


def test_work_logs_where_the_rules_refuse_them_stay_in_the_programs() -> None:
    work = {"type": "work_logged", "at": "2026-11-27T12:00:00+03:00", "duration": "PT1H"}
    opened = {"type": "opened", "at": "2026-11-27T10:00:00+03:00"}
    closed = {"type": "closed", "at": "2026-11-27T11:00:00+03:00"}
    logs = {
        "first": [{**work, "at": "2026-11-27T09:00:00+03:00"}, opened],
        "after the closing": [opened, closed, work],
        "between": [opened, {**work, "at": "2026-11-27T10:30:00+03:00"}, closed],
    }
    lines = [
        json.dumps({"id": name, "type": "failure", "events": log}) for name, log in logs.items()
    ]
    for at in (None, datetime(2026, 11, 27, 8, 45, tzinfo=UTC)):
        reader = evaluate_jsonl(lines, SLA2, engine="numpy", errors="collect", at=at)
        rows = list(reader)
        expected = evaluate_jsonl(lines, SLA2, engine="python", errors="collect", at=at)
        assert rows == list(expected)
        assert [row.incident for row in rows] == ["between"]
        assert [str(e) for e in reader.errors.errors] == [str(e) for e in expected.errors.errors]
        first, late = map(str, reader.errors.errors)
        assert "line 1, events.0" in first and "must be 'opened', got 'work_logged'" in first
        assert "line 2, events.2" in late and "comes after 'closed'" in late


def test_every_row_of_a_chunk_carries_its_context_covered_or_not_known_or_not() -> None:
    records = _benchmark_records(300, seed=9)
    for i, record in enumerate(records):
        if i % 3 == 0:
            record["customer"], record["contract"] = f"customer {i % 5}", f"C-{i % 2}"
        if i % 4 == 0:
            record["third_party"] = True  # SLA-1 covers no third-party plugin
    lines = [json.dumps(r) for r in records]
    at = datetime.fromisoformat(records[150]["events"][0]["at"])  # later logs: nothing known
    sla1 = CATALOG.tiers["SLA-1"]
    rows = list(evaluate_jsonl(lines, sla1, engine="numpy", at=at))
    assert rows == list(evaluate_jsonl(lines, sla1, engine="python", at=at))
    incidents = [Incident.from_dict(r) for r in records]
    assert rows == [Summary.from_evaluation(evaluate(i, sla1, at=at), i) for i in incidents]
    assert {row.covered for row in rows} == {True, False}
    assert any(row.covered and row.cycles == 0 for row in rows)  # opened after ``at``
    assert [(row.customer, row.type, row.third_party) for row in rows] == [
        (i.customer, i.type, i.third_party) for i in incidents
    ]
    assert [row.opened for row in rows] == [i._us[0] for i in incidents]
