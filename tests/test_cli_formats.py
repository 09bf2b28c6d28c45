"""``--format table|json|csv`` on the calendar commands and ``sample``, and the CLI held to the library."""

from __future__ import annotations

import contextlib
import csv
import io
import json
from datetime import timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from slaclock import Incident, default_catalog, evaluate, format_duration, write_incidents
from slaclock.analysis import Summary, instant, sample_records
from slaclock.cli import main
from slaclock.strategies import incidents

START = "2026-11-27T17:30:00+03:00"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    """The output of a command that must succeed in silence."""
    code = main(list(args))
    out, err = capsys.readouterr()
    assert (code, err) == (0, "")
    return out


def test_deadline_and_elapsed_in_each_format(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "deadline", START, "PT2H") == "2026-11-30T11:30:00+03:00\n"
    out = run(capsys, "deadline", START, "2h", "--format", "json")
    assert json.loads(out) == {
        "start": START,
        "duration": "PT2H",
        "deadline": "2026-11-30T11:30:00+03:00",
    }
    out = run(capsys, "elapsed", START, "2026-11-30T11:30:00+03:00", "--format", "csv")
    assert out == ("start,end,elapsed\n2026-11-27T17:30:00+03:00,2026-11-30T11:30:00+03:00,PT2H\n")
    assert run(capsys, "elapsed", START, "2026-11-30T11:30:00+03:00") == "PT2H\n"


def test_sample_as_json_lines_an_event_table_or_a_table(
    capsys: pytest.CaptureFixture[str],
) -> None:
    records = list(sample_records(30, seed=4))
    out = run(capsys, "sample", "--incidents", "30", "--seed", "4")
    assert [json.loads(line) for line in out.splitlines()] == records
    out = run(capsys, "sample", "--incidents", "30", "--seed", "4", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == sum(len(r["events"]) for r in records)
    first = records[0]
    assert [(row["event"], row["at"]) for row in rows if row["incident"] == first["id"]] == [
        (event["type"], event["at"]) for event in first["events"]
    ]
    assert {row["tier"] for row in rows} <= set(default_catalog().tiers)
    out = run(capsys, "sample", "--incidents", "30", "--seed", "4", "--format", "table")
    lines = out.splitlines()
    assert lines[0].split() == [
        "INCIDENT",
        "TIER",
        "TYPE",
        "CHANNEL",
        "CUSTOMER",
        "CONTRACT",
        "OPENED",
        "EVENTS",
    ]
    assert len(lines) == 31 and lines[1].startswith(first["id"])


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(logs=st.lists(incidents(tier=default_catalog().tiers["SLA-3"]), min_size=1, max_size=4))
def test_evaluate_json_says_what_evaluate_says_of_each_incident(
    logs: list[Incident], tmp_path_factory: pytest.TempPathFactory
) -> None:
    # Every field of the fast path's row, as the command line writes it, against the
    # summary of the full evaluation of each incident.
    tier = default_catalog().tiers["SLA-3"]
    path = tmp_path_factory.mktemp("log") / "log.jsonl"
    unique = [incident.replace(id=f"I{n}") for n, incident in enumerate(logs)]
    write_incidents(path, unique)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["evaluate", str(path), "--tier", "SLA-3", "--format", "json"])
    assert code == 0
    written = [json.loads(line) for line in out.getvalue().splitlines()]
    expected = []
    for incident in unique:
        summary = Summary.from_evaluation(evaluate(incident, tier), incident)
        expected.append(_as_written(summary, tier.calendar.zone))
    assert written == expected


def _as_written(summary: Summary, zone: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, value in summary._asdict().items():
        if value is not None and name in (
            "opened",
            "first_due",
            "first_answered",
            "next_due",
            "resolution_due",
        ):
            value = instant(value, zone).isoformat()  # type: ignore[union-attr]
        elif value is not None and name in ("first_taken", "worst_overdue"):
            value = format_duration(timedelta(microseconds=value))
        elif isinstance(value, tuple):
            value = list(value)
        out[name] = value
    return out
