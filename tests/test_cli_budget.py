"""``slaclock budget``: hours used of each tier's monthly budget, per contract, else customer."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from slaclock import budgets, default_catalog, read_incidents
from slaclock.cli import main

EXAMPLE = str(Path(__file__).parents[1] / "src" / "slaclock" / "data" / "example_incidents.jsonl")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["budget", *args])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


def line(ident: str, hours: str, at: str = "2026-11-02T12:00:00+03:00", **owner: str) -> str:
    record = {
        "id": ident,
        "type": "consultation",
        "tier": "SLA-3",
        **owner,
        "events": [
            {"type": "opened", "at": "2026-11-02T10:00:00+03:00"},
            {"type": "work_logged", "at": at, "duration": hours},
        ],
    }
    return json.dumps(record) + "\n"


def rows(out: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(out)))


def test_the_bundled_log_per_tier_and_month(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, EXAMPLE)
    assert (code, err) == (0, "")
    assert out.splitlines()[0].split() == [
        "TIER",
        "MONTH",
        "CONTRACT",
        "CUSTOMER",
        "INCIDENTS",
        "INCLUDED",
        "USED",
        "REMAINING",
        "OVERAGE",
    ]
    assert (
        "SLA-3  2026-11  -         -         2          PT8H       PT9H30M  PT0S       PT1H30M"
        in out
    )
    assert "SLA-2  2026-11  -         -         1          unlimited  PT1H30M" in out
    assert out.rstrip().endswith("3 budgets, 1 over.")


def test_month_lists_every_contract_of_the_log_even_without_work(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log = tmp_path / "log.jsonl"
    log.write_text(
        line("A", "PT5H", contract="C-1", customer="ACME")
        + line("B", "PT4H", contract="C-1", customer="ACME")
        + line("C", "PT3H", customer="Globex")
        + line("D", "PT1H")
        + line("E", "PT2H", at="2026-12-01T12:00:00+03:00", contract="C-2"),
        encoding="utf-8",
    )
    code, out, _ = run(capsys, str(log), "--month", "2026-11", "--format", "csv")
    assert code == 0
    assert [
        (r["contract"], r["customer"], r["incidents"], r["used"], r["overage"]) for r in rows(out)
    ] == [
        ("C-1", "", "2", "PT9H", "PT1H"),
        ("", "Globex", "1", "PT3H", "PT0S"),
        ("", "", "1", "PT1H", "PT0S"),
        ("C-2", "", "0", "PT0S", "PT0S"),  # no work in November
    ]
    # Without --month: each month with work, never pooled across contracts.
    code, out, _ = run(capsys, str(log), "--format", "csv")
    assert [(r["month"], r["contract"] or r["customer"] or "-") for r in rows(out)] == [
        ("2026-11", "C-1"),
        ("2026-11", "Globex"),
        ("2026-11", "-"),
        ("2026-12", "C-2"),
    ]
    assert "PT13H" not in out


def test_rows_equal_the_librarys_budgets(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, EXAMPLE, "--tier", "SLA-3", "--month", "2026-11", "--format", "json")
    assert code == 0
    tier = default_catalog().tiers["SLA-3"]
    log = list(read_incidents(EXAMPLE))
    [usage] = budgets(tier, log, month="2026-11").values()
    worked = [
        incident
        for incident in log
        if any(
            event.kind == "work_logged"
            and f"{event.at.astimezone(tier.calendar.zone):%Y-%m}" == "2026-11"
            for event in incident.events
        )
    ]
    [row] = [json.loads(text) for text in out.splitlines()]
    assert row == {
        "tier": "SLA-3",
        "month": "2026-11",
        "contract": None,
        "customer": None,
        "incidents": len(worked),
        **usage.to_dict(),
    }


def test_at_counts_only_work_logged_by_then(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log = tmp_path / "log.jsonl"
    log.write_text(
        line("W", "PT2H") + line("W2", "PT9H", at="2026-11-20T12:00:00+03:00"), encoding="utf-8"
    )
    code, out, _ = run(capsys, str(log), "--at", "2026-11-10T12:00:00+03:00", "--format", "csv")
    assert code == 0
    assert [(r["used"], r["overage"]) for r in rows(out)] == [("PT2H", "PT0S")]
    code, out, _ = run(capsys, str(log), "--format", "csv")
    assert [(r["used"], r["overage"]) for r in rows(out)] == [("PT11H", "PT3H")]


def test_a_contract_named_like_a_customer_is_bad_data(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log = tmp_path / "log.jsonl"
    log.write_text(line("A", "PT1H", contract="ACME") + line("B", "PT1H", customer="ACME"))
    code, out, err = run(capsys, str(log))
    assert (code, out) == (1, "")
    assert "'ACME' is the contract of incident 'A'" in err


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--month", "2026-13"], "cannot read month '2026-13'"),
        (["--month", "November"], "expected 'YYYY-MM'"),
        (["--tier", "Gold"], "no tier 'Gold'"),
        (["--at", "soon"], "cannot read --at 'soon'"),
    ],
)
def test_bad_usage_exits_2(capsys: pytest.CaptureFixture[str], args: list[str], words: str) -> None:
    code, out, err = run(capsys, EXAMPLE, *args)
    assert (code, out) == (2, "")
    assert words in err


def test_bad_lines_stop_or_are_collected(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log = tmp_path / "log.jsonl"
    log.write_text(
        line("A", "PT1H") + '{"id": "B", "type": "failure", "events": []}\n' + line("C", "PT2H"),
        encoding="utf-8",
    )
    code, out, err = run(capsys, str(log))
    assert (code, out) == (1, "")
    assert "line 2" in err and "incident 'B'" in err
    code, out, err = run(capsys, str(log), "--errors", "collect", "--format", "csv")
    assert code == 1
    assert [(r["incidents"], r["used"]) for r in rows(out)] == [("2", "PT3H")]
    assert err.splitlines()[-1].startswith("slaclock: 1 bad line of ")
