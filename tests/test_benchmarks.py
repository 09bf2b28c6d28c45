"""Smoke runs of the benchmark scripts with tiny sizes: they run and report, nothing timed.

The peers are not in the ``test`` extra, so the peer benchmark runs in its
slaclock-only mode (numpy, which the test extra has, still drives the batch
section).  The printed PASS/FAIL lines are measurements, not assertions here.

The instruction count under valgrind takes minutes, so it is marked ``valgrind``
and left out of the default run (and CI); run it with ``pytest -m valgrind``.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


def run(script: str, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / script), *args],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_peer_benchmark_runs_slaclock_alone(tmp_path: Path) -> None:
    out = run(
        "bench_peers.py",
        *("--peers", "none", "--n", "40", "--growth-n", "10", "--batch-n", "300"),
        *("--repeats", "1", "--json", str(tmp_path / "r.json")),
    )
    assert "| slaclock " in out
    assert "## Speed goals" in out
    assert "batch vs scalar mismatches in a sample: 0" in out
    results = json.loads((tmp_path / "r.json").read_text())
    assert set(results["scalar"]["slaclock"]) == {"deadline", "elapsed"}
    assert results["batch"]["deadline"]["numpy_disagreements"] >= 0


def test_peer_benchmark_refuses_unknown_peers() -> None:
    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / "bench_peers.py"), "--peers", "nosuchpeer"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert "nosuchpeer" in done.stderr


@pytest.mark.parametrize(
    ("script", "args", "expected"),
    [
        ("bench_helpdesk.py", ("--n", "30", "--repeats", "1"), "helpdesk call <= 3x"),
        (
            "bench_incidents.py",
            (
                "--n",
                "200",
            ),
            "incidents on SLA-2",
        ),
    ],
)
def test_sla_benchmarks_run(script: str, args: tuple[str, ...], expected: str) -> None:
    assert expected in run(script, *args)


def test_realistic_incident_benchmark_checks_each_records_own_tier() -> None:
    out = run("bench_incidents.py", "--realistic", "--n", "300", "--check", "300")
    assert "300 realistic (sample_records, seed 0) incidents on each record's own tier" in out
    assert "on each of numpy, python, mismatches 0" in out
    assert "engine='auto' picked numpy" in out
    assert "decoding the JSON alone" in out


def test_incident_benchmark_checks_and_times_both_decoders_and_engines() -> None:
    out = run("bench_incidents.py", "--n", "300", "--check", "300")
    assert "with each of orjson, json on each of numpy, python, mismatches 0" in out
    assert "evaluate_jsonl (numpy, orjson)" in out
    assert "evaluate_jsonl (numpy, json)" in out
    assert "evaluate_jsonl (python, orjson)" in out
    assert "(engine: numpy, decoder: orjson)" in out


@pytest.mark.valgrind
def test_instruction_counts_are_reported_for_both_decoders_and_engines() -> None:
    # Minutes under valgrind, so outside the default run: pytest -m valgrind runs it.
    out = run("instructions_incidents.py", "--n", "30")
    counts = re.findall(r"evaluate_jsonl \((\w+), (\w+)\): ([\d,]+)", out)
    assert [(engine, decoder) for engine, decoder, _ in counts] == [
        ("numpy", "orjson"),
        ("numpy", "json"),
        ("python", "orjson"),
        ("python", "json"),
    ]
    assert all(int(count.replace(",", "")) > 1000 for _, _, count in counts)


def test_dask_benchmark_streams_its_inputs_and_reuses_them(tmp_path: Path) -> None:
    inputs = tmp_path / "inputs"
    first = run(
        "bench_dask.py",
        *("--n", "400", "--sizes", "200,400", "--inputs", str(inputs), "--generate-only"),
    )
    assert "'blocks_written_now': 1" in first
    assert sorted(p.name for p in (inputs / "events-200").iterdir()) == [
        "part-00000.parquet",
        "part-00001.parquet",
    ]
    out = run(
        "bench_dask.py",
        *("--n", "400", "--sizes", "200,400", "--inputs", str(inputs), "--only", "events"),
        *("--runs", "one,2", "--json", str(tmp_path / "r.json")),
    )
    assert "'blocks_written_now': 0" in out  # the inputs are reused, not made again
    assert "check: the Dask table of a partition equals one process's" in out
    results = json.loads((tmp_path / "r.json").read_text())
    assert results["one_process_events"]["rows"] == 400
    assert [run["rows"] for run in results["events"]] == [400, 400]
    assert "| events on Dask | 2 | 200 |" in out
