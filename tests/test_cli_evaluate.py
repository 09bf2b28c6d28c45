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


def test_no_arguments_evaluates_the_bundled_log_on_the_default_catalog(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run(capsys)
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
    # Friday evening on SLA-2: due Monday 11:30 Moscow time, answered 10:20.
    assert row(out, "INC-103")[7:12] == ["2026-11-30", "11:30", "2026-11-30", "10:20", "met"]
    # New Year eve on SLA-4: due on the first working day after the holidays, late.
    assert row(out, "INC-105")[7:9] == ["2026-01-12", "10:30"]
    assert row(out, "INC-105")[11] == "late"
    # Transferred Saturday 1 Nov 2025 counts as a working day.
    assert row(out, "INC-106")[7:9] == ["2025-11-01", "11:00"]
    # A reply exactly at due is on time; after hours past due is a breach.
    assert row(out, "INC-109")[11] == "met"
    assert row(out, "INC-110")[11:13] == ["late", "PT0S"]
    assert "INC-111 on SLA-1: third-party plugins and integrations are not covered" in out
    assert "Budget SLA-3 2026-11: used PT9H30M of PT8H, OVER by PT1H30M." in out
    assert "Times are local to the tier calendars (Europe/Moscow)." in out
    assert out.rstrip().endswith("4 breaches.")


def test_at_replays_the_log_as_of_an_instant(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--at", "2026-11-30T11:35:00+03:00")
    assert code == 0
    # INC-101 (SLA-2, opened 08:15 Monday) is not answered yet at 11:35: 1 h 35 of 2 h used, at risk.
    assert row(out, "INC-101")[9:] == ["-", "at_risk"]
    # Incidents opened after --at have no cycle yet.
    assert "INC-115" in out and "no cycle yet" in out


def test_tier_evaluates_every_incident_on_one_tier(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--tier", "SLA-4")
    assert code == 0
    tiers = {line.split()[1] for line in out.splitlines()[1:] if line.startswith("INC-")}
    assert tiers == {"SLA-4"}


def test_records_without_a_tier_fall_back_to_sla_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log = tmp_path / "log.jsonl"
    record = {
        "id": "X-1",
        "type": "failure",
        "events": [{"type": "opened", "at": "2026-11-27T17:30:00+03:00"}],
    }
    log.write_text(json.dumps(record) + "\n", encoding="utf-8")
    assert row(run(capsys, str(log))[1], "X-1")[1:4] == ["SLA-2", "1", "first"]
    assert row(run(capsys, str(log), "--tier", "SLA-1")[1], "X-1")[1:7] == [
        "SLA-1",
        "1",
        "first",
        "PT8H",
        "2026-11-27",
        "17:30",
    ]


def test_json_and_explain_outputs(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--json")
    assert code == 0
    results = [json.loads(line) for line in out.splitlines()]
    assert len(results) == 15
    assert results[2]["cycles"][0]["due"] == "2026-11-30T11:30:00+03:00"
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
    code, _, err = run(capsys, str(log))
    assert code == 1 and "incident 'G' names tier 'Gold'" in err


def test_python_dash_m_runs_the_main_job() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "slaclock", "evaluate"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "INC-103" in done.stdout and "4 breaches." in done.stdout


def test_at_budget_counts_only_work_logged_by_then(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log = tmp_path / "log.jsonl"
    record = {
        "id": "W",
        "type": "consultation",
        "tier": "SLA-3",
        "events": [
            {"type": "opened", "at": "2026-11-02T10:00:00+03:00"},
            {"type": "work_logged", "at": "2026-11-02T12:00:00+03:00", "duration": "PT2H"},
            {"type": "work_logged", "at": "2026-11-20T12:00:00+03:00", "duration": "PT9H"},
        ],
    }
    log.write_text(json.dumps(record) + "\n", encoding="utf-8")
    code, out, _ = run(capsys, str(log), "--at", "2026-11-10T12:00:00+03:00")
    assert code == 0
    assert "Budget SLA-3 2026-11: used PT2H of PT8H." in out
    code, out, _ = run(capsys, str(log))
    assert "Budget SLA-3 2026-11: used PT11H of PT8H, OVER by PT3H." in out


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


def test_budget_lines_are_per_contract_then_customer(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def line(ident: str, hours: str, **owner: str) -> str:
        record = {
            "id": ident,
            "type": "consultation",
            "tier": "SLA-3",
            **owner,
            "events": [
                {"type": "opened", "at": "2026-11-02T10:00:00+03:00"},
                {"type": "work_logged", "at": "2026-11-02T12:00:00+03:00", "duration": hours},
            ],
        }
        return json.dumps(record) + "\n"

    log = tmp_path / "log.jsonl"
    log.write_text(
        line("A", "PT5H", contract="C-1", customer="ACME")
        + line("B", "PT4H", contract="C-1", customer="ACME")
        + line("C", "PT3H", customer="Globex")
        + line("D", "PT1H"),
        encoding="utf-8",
    )
    code, out, _ = run(capsys, str(log))
    assert code == 0
    assert "Budget SLA-3 contract 'C-1' 2026-11: used PT9H of PT8H, OVER by PT1H." in out
    assert "Budget SLA-3 customer 'Globex' (no contract) 2026-11: used PT3H of PT8H." in out
    assert "Budget SLA-3 (no contract or customer) 2026-11: used PT1H of PT8H." in out
    assert "PT13H" not in out  # never pooled across contracts


def test_a_contract_named_like_a_customer_is_bad_data(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    events = [
        {"type": "opened", "at": "2026-11-02T10:00:00+03:00"},
        {"type": "work_logged", "at": "2026-11-02T12:00:00+03:00", "duration": "PT1H"},
    ]
    log = tmp_path / "log.jsonl"
    log.write_text(
        "".join(
            json.dumps({"id": i, "type": "failure", "tier": "SLA-3", **o, "events": events}) + "\n"
            for i, o in (("A", {"contract": "ACME"}), ("B", {"customer": "ACME"}))
        ),
        encoding="utf-8",
    )
    code, _, err = run(capsys, str(log))
    assert code == 1
    assert "'ACME' is the contract of incident 'A'" in err and "Traceback" not in err
