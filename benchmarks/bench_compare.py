"""Four what-if scenarios over one log against one: ``analysis.compare`` decodes once.

    python benchmarks/bench_compare.py                  # 4,000 sample incidents, 7 paired runs
    python benchmarks/bench_compare.py --instructions   # also valgrind instruction counts

Goal: ``compare(path, four scenarios)`` costs at most 2x ``compare(path, one)``,
because the log is decoded once (text to kinds and instants, work logged, owners)
and only the assessment runs per scenario.  The log is ``analysis.sample_records``
(fixed seed) written as JSON Lines; the one scenario is the catalog as sold, the
four add every incident on SLA-2, every tier on 09:00-19:00, and a 4-hour reaction
target.

Timings are paired in one run (one, then four, repeated; the best of each kept) so
that the machine's load moves both alike.  ``--instructions`` also counts the
instructions of each under ``valgrind --tool=cachegrind`` (a run that only imports
and reads the scenarios is subtracted from both), which a shared machine does not
move.  Every run's table is checked: the four-scenario table's first row is the
one-scenario row.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _valgrind import instructions as count_instructions

GOAL_RATIO = 2.0

_CHILD = """
import sys
from slaclock import default_catalog
from slaclock.analysis import Scenario, compare

path, count = sys.argv[1], int(sys.argv[2])
catalog = default_catalog()
scenarios = [
    Scenario("as sold", catalog),
    Scenario("all on SLA-2", catalog.tiers["SLA-2"]),
    Scenario("09:00-19:00", catalog, hours="09:00-19:00"),
    Scenario("reaction 4h", catalog, reaction="4h"),
][:count]
if count:
    compare(path, scenarios)
"""


def scenarios() -> list[Any]:
    from slaclock import default_catalog
    from slaclock.analysis import Scenario

    catalog = default_catalog()
    return [
        Scenario("as sold", catalog),
        Scenario("all on SLA-2", catalog.tiers["SLA-2"]),
        Scenario("09:00-19:00", catalog, hours="09:00-19:00"),
        Scenario("reaction 4h", catalog, reaction="4h"),
    ]


def instructions(path: str, count: int) -> int:
    """Instructions valgrind counts for the child comparing ``count`` scenarios."""
    return count_instructions(_CHILD, path, str(count))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=4000, help="sample incidents (4000)")
    parser.add_argument("--repeats", type=int, default=7, help="paired runs, best kept (7)")
    parser.add_argument("--instructions", action="store_true", help="also count under valgrind")
    parser.add_argument("--json", type=Path, help="also write the results here as JSON")
    opts = parser.parse_args(argv)

    from slaclock.analysis import compare, sample_records

    chosen = scenarios()
    results: dict[str, Any] = {"n": opts.n, "goal_ratio": GOAL_RATIO}
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "sample.jsonl")
        with open(path, "w", encoding="utf-8") as out:
            for record in sample_records(opts.n, seed=1):
                out.write(json.dumps(record) + "\n")
        one_s, four_s = [], []
        for _ in range(opts.repeats):
            start = time.perf_counter()
            one = compare(path, chosen[:1])
            one_s.append(time.perf_counter() - start)
            start = time.perf_counter()
            four = compare(path, chosen)
            four_s.append(time.perf_counter() - start)
            first = {name: values[0] for name, values in four.columns.items()}
            assert first == {name: values[0] for name, values in one.columns.items()}
        ratio = min(four_s) / min(one_s)
        results["seconds"] = {"one": min(one_s), "four": min(four_s), "ratio": ratio}
        print(
            f"# analysis.compare on {opts.n} sample incidents (JSON Lines), best of {opts.repeats}"
        )
        print(
            f"one scenario:   {min(one_s) * 1e3:8.1f} ms ({min(one_s) / opts.n * 1e6:.1f} µs an incident)"
        )
        print(
            f"four scenarios: {min(four_s) * 1e3:8.1f} ms ({min(four_s) / opts.n * 1e6:.1f} µs an incident)"
        )
        verdict = "PASS" if ratio <= GOAL_RATIO else "FAIL"
        print(f"four / one (seconds): {ratio:.2f}x, goal at most {GOAL_RATIO:.0f}x: {verdict}")
        if opts.instructions:
            if shutil.which("valgrind") is None:
                print("valgrind is not installed (Debian: apt install valgrind)", file=sys.stderr)
                return 2
            base = instructions(path, 0)
            counted = {count: instructions(path, count) - base for count in (1, 4)}
            by_count = counted[4] / counted[1]
            results["instructions"] = {"one": counted[1], "four": counted[4], "ratio": by_count}
            verdict = "PASS" if by_count <= GOAL_RATIO else "FAIL"
            print(f"one scenario:   {counted[1] / opts.n:,.0f} instructions an incident")
            print(f"four scenarios: {counted[4] / opts.n:,.0f} instructions an incident")
            print(f"four / one (instructions): {by_count:.2f}x, goal at most 2x: {verdict}")
    if opts.json is not None:
        opts.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
