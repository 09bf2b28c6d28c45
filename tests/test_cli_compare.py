"""``slaclock compare``: one log on several scenarios, the library's comparison as printed."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from slaclock import default_catalog, format_duration
from slaclock.analysis import Scenario, compare, sample_records
from slaclock.cli import main

EXAMPLE = str(Path(__file__).parents[1] / "src" / "slaclock" / "data" / "example_incidents.jsonl")
CATALOG = default_catalog()


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    try:
        code = main(["compare", *args])
    except SystemExit as done:
        code = int(done.code or 0)
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


def as_json(value: Any, column: str) -> Any:
    """A library value as the JSON output writes it."""
    if column in ("reaction_median", "reaction_p90", "reaction_max", "used", "overage"):
        return None if value is None else format_duration(timedelta(microseconds=value))
    if isinstance(value, dict):
        return {k: format_duration(v) if isinstance(v, timedelta) else v for k, v in value.items()}
    if not isinstance(value, bool | int | float | str | type(None)):
        return str(value)  # the cost, a Decimal
    return value


def library_rows(source: Any, scenarios: list[Scenario], **options: Any) -> list[dict[str, Any]]:
    columns = compare(source, scenarios, **options).columns
    rows = [
        {name: as_json(columns[name][i], name) for name in columns}
        for i in range(len(columns["scenario"]))
    ]
    written: list[dict[str, Any]] = json.loads(json.dumps(rows))  # keys as JSON has them
    return written


def test_no_arguments_compares_the_four_tiers_on_the_bundled_sample(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run(capsys)
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0].split() == ["SLA-1", "SLA-2", "SLA-3", "SLA-4"]
    assert lines[2].split() == ["incidents", "2000", "2000", "2000", "2000"]
    assert "Sample data: 2,000 incidents" in out and "--seed 0" in out
    assert "Not covered on SLA-1:" in out and "third-party" in out
    code, out, _ = run(capsys, "--format", "json")
    rows = [json.loads(line) for line in out.splitlines()]
    records = list(sample_records(2000, seed=0))
    assert rows == library_rows(records, [Scenario(t, CATALOG.tiers[t]) for t in CATALOG.tiers])


def test_tiers_and_variations_make_one_scenario_each(capsys: pytest.CaptureFixture[str]) -> None:
    args = ("--tier", "SLA-2", "--tier", "SLA-3", "--hours", "09:00-19:00", "--reaction", "4h")
    code, out, _ = run(capsys, EXAMPLE, *args, "--format", "json")
    assert code == 0
    rows = [json.loads(line) for line in out.splitlines()]
    assert [row["scenario"] for row in rows] == [
        "SLA-2",
        "SLA-2, hours 09:00-19:00",
        "SLA-2, reaction PT4H",
        "SLA-3",
        "SLA-3, hours 09:00-19:00",
        "SLA-3, reaction PT4H",
    ]
    expected = [
        Scenario(name + suffix, CATALOG.tiers[name], **changes)
        for name in ("SLA-2", "SLA-3")
        for suffix, changes in (
            ("", dict[str, Any]()),
            (", hours 09:00-19:00", {"hours": "09:00-19:00"}),
            (", reaction PT4H", {"reaction": "PT4H"}),
        )
    ]
    assert rows == library_rows(EXAMPLE, expected)
    code, out, _ = run(capsys, EXAMPLE, *args)
    assert out.splitlines()[0].split(maxsplit=1) == [
        "SLA-2",
        out.splitlines()[0].split(maxsplit=1)[1],
    ]
    assert "SLA-2, hours 09:00-19:00" in out.splitlines()[0]


def test_as_sold_and_at_and_csv(capsys: pytest.CaptureFixture[str]) -> None:
    at = "2026-11-30T11:35:00+03:00"
    code, out, _ = run(
        capsys, EXAMPLE, "--as-sold", "--tier", "SLA-4", "--at", at, "--format", "csv"
    )
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("scenario,tier,incidents,not_opened,covered")
    from slaclock import parse_instant

    [sold, _] = library_rows(
        EXAMPLE,
        [Scenario("as sold", CATALOG), Scenario("SLA-4", CATALOG.tiers["SLA-4"])],
        at=parse_instant(at),
    )
    assert sold["not_opened"] == 3  # opened after --at
    assert lines[1].startswith(f"as sold,,{sold['incidents']},3,{sold['covered']},")
    assert sold["at_risk"] is not None and f",{sold['at_risk']}," in lines[1]
    assert lines[2].startswith("SLA-4,SLA-4,12,3,")


def test_standard_input_and_bad_lines(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    text = Path(EXAMPLE).read_text(encoding="utf-8").splitlines()
    text[3] = '{"id": "B", "type": "failure", "events": []}'
    data = ("\n".join(text) + "\n").encode()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    code, out, err = run(capsys, "-", "--tier", "SLA-2")
    assert (code, out) == (1, "")
    assert "line 4" in err and len(err.strip().splitlines()) == 1
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    code, out, err = run(capsys, "-", "--tier", "SLA-2", "--errors", "collect", "--format", "json")
    assert code == 1
    assert json.loads(out)["incidents"] == 14
    assert err.strip().splitlines()[-1] == (
        "slaclock: 1 bad line of standard input left out; 14 incidents read"
    )


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--tier", "Gold"], "no tier 'Gold'"),
        (["--tier", "SLA-2", "--tier", "SLA-2"], "given twice"),
        (["--hours", "9-19"], "expected 'HH:MM-HH:MM'"),
        (["--reaction", "soon"], "--reaction: cannot read duration 'soon'"),
        (["--reaction", "-1h"], "reaction"),
        (["--cycle-rule", "newest"], "invalid choice"),
        (["--at", "2026-11-30T11:35"], "no UTC offset"),
    ],
)
def test_bad_usage_exits_2(capsys: pytest.CaptureFixture[str], args: list[str], words: str) -> None:
    code, out, err = run(capsys, *args)
    assert (code, out) == (2, "")
    assert words in err


def test_the_readme_main_job_is_compare_with_no_arguments() -> None:
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    command = ".venv/bin/pip install . && .venv/bin/python -m slaclock compare\n"
    assert command in readme
    done = subprocess.run(
        [sys.executable, "-m", "slaclock", "compare"], capture_output=True, text=True, check=False
    )
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.split("\n", 1)[0].split() == ["SLA-1", "SLA-2", "SLA-3", "SLA-4"]
