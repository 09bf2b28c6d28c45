"""Evaluate a million generated incidents streaming from JSON Lines, in bounded memory.

    python benchmarks/bench_incidents.py                 # 1,000,000 incidents, about 6 events each
    python benchmarks/bench_incidents.py --n 20000       # a quick look

Generates the file first (not timed; a fixed seed), then in a fresh process
reads it with ``slaclock.read_incidents`` and runs ``slaclock.evaluate`` on each
incident against one tier of the default catalog, keeping only counters. Prints
the wall time, incidents per second and the peak RSS of the evaluating process
(``resource.getrusage``), and the time spent reading alone, so the split is
visible. Goal (issue 4): 1,000,000 incidents in at most 10 s on one core.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

GOAL_SECONDS_PER_MILLION = 10.0


def evaluate_file(path: str, tier_id: str, *, read_only: bool) -> dict[str, float]:
    """Stream the file through evaluate() (or only read it); runs in its own process."""
    import slaclock

    tier = slaclock.default_catalog().tiers[tier_id]
    evaluate = slaclock.evaluate
    incidents = cycles = breached = 0
    t0 = time.perf_counter()
    for incident in slaclock.read_incidents(path):
        incidents += 1
        if read_only:
            continue
        result = evaluate(incident, tier)
        cycles += len(result.cycles)
        breached += result.breached
    wall = time.perf_counter() - t0
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    return {
        "incidents": incidents,
        "cycles": cycles,
        "breached": breached,
        "seconds": wall,
        "peak_rss_mib": peak_kb / 1024,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="incidents (1000000)")
    parser.add_argument("--events", type=int, default=6, help="events per incident, about (6)")
    parser.add_argument("--tier", default="SLA-2", help="tier of the default catalog (SLA-2)")
    parser.add_argument("--file", help="JSON Lines file to use (generated when missing)")
    parser.add_argument("--json", type=Path, help="also write the results here as JSON")
    parser.add_argument("--child", choices=["read", "evaluate"], help=argparse.SUPPRESS)
    opts = parser.parse_args(argv)
    if opts.child:  # the measured process: nothing but the streaming loop
        print(json.dumps(evaluate_file(opts.file, opts.tier, read_only=opts.child == "read")))
        return 0

    from _incidents import write_jsonl

    with tempfile.TemporaryDirectory() as tmp:
        path = opts.file or os.path.join(tmp, "incidents.jsonl")
        if not os.path.exists(path):
            t0 = time.perf_counter()
            size = write_jsonl(path, opts.n, events=opts.events)
            print(
                f"generated {opts.n} incidents ({size / 2**20:.0f} MiB) in "
                f"{time.perf_counter() - t0:.1f} s: {path}",
                file=sys.stderr,
            )
        runs = {}
        for mode in ("read", "evaluate"):
            out = subprocess.run(
                [sys.executable, __file__, "--child", mode, "--file", path, "--tier", opts.tier],
                check=True,
                capture_output=True,
                text=True,
            )
            runs[mode] = json.loads(out.stdout)
    ev, rd = runs["evaluate"], runs["read"]
    n = ev["incidents"]
    per_million = ev["seconds"] / n * 1e6
    print(f"# {n} incidents on {opts.tier}, streamed from JSON Lines (one core)")
    print(
        f"reading only          {rd['seconds']:8.2f} s  ({rd['seconds'] / n * 1e6:6.2f} µs each)"
        f"  peak RSS {rd['peak_rss_mib']:.0f} MiB"
    )
    print(
        f"reading + evaluate    {ev['seconds']:8.2f} s  ({ev['seconds'] / n * 1e6:6.2f} µs each)"
        f"  peak RSS {ev['peak_rss_mib']:.0f} MiB"
    )
    print(f"evaluate alone, about {ev['seconds'] - rd['seconds']:8.2f} s")
    print(f"cycles {ev['cycles']}, incidents breached {ev['breached']}")
    ok = per_million <= GOAL_SECONDS_PER_MILLION
    print(
        f"{'PASS' if ok else 'FAIL'}  1,000,000 incidents <= {GOAL_SECONDS_PER_MILLION:g} s: "
        f"{per_million:.1f} s per million"
    )
    if opts.json:
        opts.json.write_text(
            json.dumps({"runs": runs, "seconds_per_million": per_million, "ok": ok}, indent=2)
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
