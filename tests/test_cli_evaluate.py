"""``python -m slaclock evaluate``: the README's main job on the bundled files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from slaclock.cli import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["evaluate", *args])
    out, err = capsys.readouterr()
    return code, out, err


def row(out: str, incident: str, cycle: str = "1") -> list[str]:
    """The table row's words: TARGET, START, DUE and ANSWERED take two words each."""
    for line in out.splitlines():
        cells = line.split()
        if cells[:1] == [incident] and cells[2:3] == [cycle]:
            return cells
    raise AssertionError(f"no row for {incident} cycle {cycle} in:\n{out}")


def summary(out: str, incident: str) -> dict[str, str]:
    """The summary table's row of an incident, by column."""
    lines = out.splitlines()
    for line in lines[1:]:
        if line.split()[:1] == [incident]:
            return _cells(lines[0].split(), line)
    raise AssertionError(f"no row for {incident} in:\n{out}")


def _cells(head: list[str], line: str) -> dict[str, str]:
    words = line.split()
    out: dict[str, str] = {}
    for name in head:
        word = words.pop(0)
        if len(word) == 10 and word[4:5] == "-" and words and ":" in words[0][:3]:
            word += " " + words.pop(0)  # an instant: date and time
        out[name] = word
    return out


def test_no_arguments_evaluates_the_bundled_log_on_the_fast_path(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run(capsys)
    assert code == 0 and err == ""
    assert out.splitlines()[0].split() == [
        "INCIDENT",
        "TIER",
        "COVERED",
        "CYCLES",
        "BREACHES",
        "FIRST_DUE",
        "FIRST_ANSWERED",
        "FIRST_TAKEN",
        "WORST_OVERDUE",
        "NEXT_DUE",
        "AT_RISK",
        "RESOLUTION_DUE",
    ]
    # Friday evening on SLA-2: due Monday 11:30 Moscow time, answered 10:20.
    inc103 = summary(out, "INC-103")
    assert (inc103["FIRST_DUE"], inc103["FIRST_ANSWERED"]) == (
        "2026-11-30 11:30",
        "2026-11-30 10:20",
    )
    assert inc103["BREACHES"] == "0"
    # New Year eve on SLA-4: due on the first working day after the holidays, late.
    assert summary(out, "INC-105")["FIRST_DUE"] == "2026-01-12 10:30"
    assert summary(out, "INC-105")["BREACHES"] == "1"
    # Transferred Saturday 1 Nov 2025 counts as a working day.
    assert summary(out, "INC-106")["FIRST_DUE"] == "2025-11-01 11:00"
    # A reply exactly at due is on time; after hours past due is a breach of no working time.
    assert summary(out, "INC-109")["BREACHES"] == "0"
    assert (summary(out, "INC-110")["BREACHES"], summary(out, "INC-110")["WORST_OVERDUE"]) == (
        "1",
        "PT0S",
    )
    assert summary(out, "INC-111")["COVERED"] == "no"
    assert "INC-111 on SLA-1: third-party plugins and integrations are not covered" in out
    assert "Times are local to the tier calendars (Europe/Moscow)." in out
    assert out.rstrip().endswith(
        "15 incidents (1 not covered), 16 cycles, 4 breaches in 4 incidents."
    )


def test_cycles_shows_every_clock_with_its_breaches(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "--cycles")
    assert code == 0 and err == ""
    assert out.splitlines()[0].split() == [
        "INCIDENT",
        "TIER",
        "CYCLE",
        "TARGET",
        "START",
        "DUE",
        "ANSWERED",
        "STATUS",
        "LATE",
    ]
    assert row(out, "INC-103")[7:12] == ["2026-11-30", "11:30", "2026-11-30", "10:20", "met"]
    assert row(out, "INC-105")[7:9] == ["2026-01-12", "10:30"]
    assert row(out, "INC-105")[11] == "late"
    assert row(out, "INC-106")[7:9] == ["2025-11-01", "11:00"]
    assert row(out, "INC-109")[11] == "met"
    assert row(out, "INC-110")[11:13] == ["late", "PT0S"]
    assert "INC-111 on SLA-1: third-party plugins and integrations are not covered" in out
    assert out.rstrip().endswith("4 breaches.")


def test_at_replays_the_log_as_of_an_instant(capsys: pytest.CaptureFixture[str]) -> None:
    at = ("--at", "2026-11-30T11:35:00+03:00")
    code, out, _ = run(capsys, *at)
    assert code == 0
    # INC-101 (SLA-2, opened 08:15 Monday) is not answered yet at 11:35: 1 h 35 of 2 h used, at risk.
    inc101 = summary(out, "INC-101")
    assert (inc101["FIRST_TAKEN"], inc101["AT_RISK"], inc101["NEXT_DUE"]) == (
        "PT1H35M",
        "yes",
        "2026-11-30 12:00",
    )
    # Incidents opened after --at have no cycle yet.
    assert summary(out, "INC-115")["CYCLES"] == "0"
    code, out, _ = run(capsys, "--cycles", *at)
    assert row(out, "INC-101")[9:] == ["-", "at_risk"]
    assert "INC-115" in out and "no cycle yet" in out


def test_tier_evaluates_every_incident_on_one_tier(capsys: pytest.CaptureFixture[str]) -> None:
    for view in ((), ("--cycles",)):
        code, out, _ = run(capsys, "--tier", "SLA-4", *view)
        assert code == 0
        tiers = {line.split()[1] for line in out.splitlines()[1:] if line.startswith("INC-")}
        assert tiers == {"SLA-4"}


@pytest.mark.parametrize("view", [(), ("--cycles",)])
def test_a_record_without_a_tier_needs_tier_never_a_guess(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], view: tuple[str, ...]
) -> None:
    log = tmp_path / "log.jsonl"
    record = {
        "id": "X-1",
        "type": "failure",
        "events": [{"type": "opened", "at": "2026-11-27T17:30:00+03:00"}],
    }
    log.write_text(json.dumps(record) + "\n", encoding="utf-8")
    code, out, err = run(capsys, str(log), *view)
    assert (code, out) == (1, "")
    assert "line 1" in err and "names no tier" in err and "--tier ID" in err
    code, out, _ = run(capsys, str(log), "--tier", "SLA-1", *view)
    assert code == 0 and "X-1       SLA-1" in out


def test_json_csv_and_explain_outputs(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--format", "json")
    assert code == 0
    results = [json.loads(line) for line in out.splitlines()]
    assert len(results) == 15
    assert results[2]["incident"] == "INC-103"
    assert results[2]["first_due"] == "2026-11-30T11:30:00+03:00"
    assert results[2]["first_taken"] == "PT50M" and results[2]["next_due"] is None
    code, out, _ = run(capsys, "--format", "csv")
    lines = out.splitlines()
    assert lines[0].startswith(
        "incident,tier,customer,contract,type,channel,third_party,opened,covered,reason,cycles"
    )
    assert len(lines) == 16 and lines[3].startswith(
        "INC-103,SLA-2,,,failure,portal,false,2026-11-27T17:30:00+03:00,true,,1,0,false,2026-11-30T11:30"
    )
    code, out, _ = run(capsys, "--cycles", "--format", "json")
    clocks = [json.loads(line) for line in out.splitlines()]
    assert {c["incident"] for c in clocks} == {f"INC-{n}" for n in range(101, 116)} - {"INC-111"}
    inc103 = [c for c in clocks if c["incident"] == "INC-103"]
    assert [(c["kind"], c["due"], c["status"]) for c in inc103] == [
        ("reaction", "2026-11-30T11:30:00+03:00", "met")
    ]
    code, out, _ = run(capsys, "--explain")
    assert code == 0 and "Working time counted:" in out


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--at", "2026-11-30T11:45"], "has no UTC offset"),
        (["--at", "soon"], "cannot read --at 'soon'"),
        (["--tier", "SLA-9"], "no tier 'SLA-9'"),
        (["--tier", "Gold"], "no tier 'Gold'"),
    ],
)
def test_bad_usage_exits_2_with_the_message(
    capsys: pytest.CaptureFixture[str], args: list[str], words: str
) -> None:
    code, out, err = run(capsys, *args)
    assert code == 2 and out == ""
    assert words in err and "Traceback" not in err


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["/no/such/file.jsonl"], "cannot read incidents file"),
        (["--catalog", "/no/such/catalog.toml"], "catalog.toml"),
    ],
)
def test_unreadable_data_exits_1_with_the_message(
    capsys: pytest.CaptureFixture[str], args: list[str], words: str
) -> None:
    code, out, err = run(capsys, *args)
    assert code == 1 and out == ""
    assert words in err and "Traceback" not in err


def test_bad_line_names_its_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    log = tmp_path / "log.jsonl"
    log.write_text('\n{"id": "B", "type": "failure", "events": []}\n', encoding="utf-8")
    code, _, err = run(capsys, str(log))
    assert code == 1
    assert "line 2" in err and "incident 'B'" in err


def test_record_naming_an_unknown_tier_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log = tmp_path / "log.jsonl"
    record = {
        "id": "G",
        "type": "failure",
        "tier": "Gold",
        "events": [{"type": "opened", "at": "2026-11-27T17:30:00+03:00"}],
    }
    log.write_text(json.dumps(record) + "\n", encoding="utf-8")
    for view in ((), ("--cycles",)):
        code, _, err = run(capsys, str(log), *view)
        assert code == 1 and "line 1" in err and "incident 'G': unknown tier 'Gold'" in err


def test_python_dash_m_runs_the_main_job() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "slaclock", "evaluate"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "INC-103" in done.stdout and "4 breaches in 4 incidents." in done.stdout


def test_calendar_commands_separate_bad_usage_from_bad_data(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    start = "2026-11-27T17:30:00+03:00"
    assert main(["deadline", start, "PT2H"]) == 0
    assert capsys.readouterr().out == "2026-11-30T11:30:00+03:00\n"
    for args in (
        ["deadline", "2026-11-27T17:30", "PT2H"],
        ["deadline", start, "2d"],
        ["elapsed", start, "tomorrow"],
        ["deadline", start, "PT2H", "--calendar-name", "nowhere"],
    ):
        assert main(args) == 2, args
        err = capsys.readouterr().err
        assert err.startswith("slaclock: error: ") and "Traceback" not in err
    broken = tmp_path / "broken.toml"
    broken.write_text('tz = "Mars/Olympus"\n', encoding="utf-8")
    for args in (
        ["deadline", start, "PT2H", "--calendar", str(tmp_path / "missing.toml")],
        ["deadline", start, "PT2H", "--calendar", str(broken)],
        ["elapsed", start, start, "--catalog", str(tmp_path / "missing.toml")],
    ):
        assert main(args) == 1, args
        err = capsys.readouterr().err
        assert err.startswith("slaclock: error: ") and "Traceback" not in err
