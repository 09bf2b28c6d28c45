"""Evaluate a million generated incidents streaming from JSON Lines, in bounded memory.

    python benchmarks/bench_incidents.py                 # 1,000,000 incidents, about 6 events each
    python benchmarks/bench_incidents.py --n 20000       # a quick look
    python benchmarks/bench_incidents.py --full          # also time read_incidents + evaluate
    python benchmarks/bench_incidents.py --realistic     # logs as helpdesks export them

``--realistic`` evaluates the records of ``slaclock.analysis.sample_records``
instead (seed 0): pending periods, reopens, work logs with durations, agents'
openings, instants in whole seconds or milliseconds with the Moscow offset or
``Z``, customers, contracts and attributes on every record, each record on the
tier it names (the four tiers of the default catalog: the reader is given the
catalog).  About 1 KiB a line where the plain workload has 400 bytes.

Generates the file first (not timed; a fixed seed), then runs each measurement in
a fresh process pinned to one CPU (``os.sched_setaffinity``), keeping only
counters, and reports its wall time and peak RSS (``resource.getrusage``):

* ``decode``: ``json.loads`` of every line and nothing else, the floor of any reader;
* ``analysis``: ``slaclock.analysis.evaluate_jsonl`` on one tier of the default
  catalog, a :class:`~slaclock.analysis.Summary` per incident: the measured path,
  with the engine and decoder it picks itself (numpy's chunks when numpy is
  installed, orjson when the ``fast`` extra is);
* ``analysis-json`` (when orjson is installed): the same with the standard
  library's json, so both decoders are reported;
* ``analysis-python`` (when numpy is installed): the same line by line, without
  numpy (``engine="python"``), what users without the extra get;
* ``full`` (with ``--full``): ``slaclock.read_incidents`` and ``slaclock.evaluate``.

Before timing, the first ``--check`` summaries are compared with ``evaluate()``'s
answers on the same incidents (any mismatch fails the run).  Goal:
1,000,000 incidents in at most 10 s on one core.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from itertools import islice
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

GOAL_SECONDS_PER_MILLION = 10.0
MODES = ("decode", "analysis", "analysis-json", "analysis-python", "full")


CATALOG = "catalog"  # --tier value: each record's own tier, from the default catalog


def write_realistic(path: str, n: int, *, seed: int = 0) -> int:
    """Write ``n`` records of ``sample_records(n, seed=seed)`` as JSON Lines; the bytes written."""
    from slaclock.analysis import sample_records

    size = 0
    with open(path, "w", encoding="utf-8") as handle:
        for record in sample_records(n, seed=seed):
            line = json.dumps(record, separators=(",", ":")) + "\n"
            handle.write(line)
            size += len(line)
    return size


def _target(tier_id: str) -> Any:
    """The catalog (``--tier catalog``) or one of its tiers."""
    import slaclock

    catalog = slaclock.default_catalog()
    return catalog if tier_id == CATALOG else catalog.tiers[tier_id]


def measure(path: str, tier_id: str, mode: str) -> dict[str, float]:
    """Stream the file through one mode; runs in its own process, on one CPU."""
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    import slaclock
    from slaclock.analysis import evaluate_jsonl

    tier = _target(tier_id)
    catalog = slaclock.default_catalog()
    incidents = cycles = breached = 0
    decoder = engine = "json"
    t0 = time.perf_counter()
    if mode == "decode":
        loads = json.loads
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                loads(line)
                incidents += 1
    elif mode.startswith("analysis"):
        reader = evaluate_jsonl(
            path,
            tier,
            decoder="json" if mode == "analysis-json" else "auto",
            engine="python" if mode == "analysis-python" else "auto",
        )
        decoder, engine = reader.decoder, reader.engine
        for row in reader:
            incidents += 1
            cycles += row.cycles
            breached += row.breached
    else:
        evaluate = slaclock.evaluate
        for incident in slaclock.read_incidents(path):
            own = tier if tier_id != CATALOG else catalog.tiers[incident.tier]
            result = evaluate(incident, own)
            incidents += 1
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
        "decoder": decoder,
        "engine": engine,
    }


def check(path: str, tier_id: str, count: int, decoder: str, engine: str) -> int:
    """How many of the first ``count`` summaries differ from evaluate()'s answers."""
    import slaclock
    from slaclock.analysis import Summary, evaluate_jsonl

    tier = _target(tier_id)
    catalog = slaclock.default_catalog()
    reader = evaluate_jsonl(path, tier, decoder=decoder, engine=engine)  # type: ignore[arg-type]
    rows = islice(reader, count)
    incidents = islice(slaclock.read_incidents(path), count)
    return sum(
        row
        != Summary.from_evaluation(
            slaclock.evaluate(
                incident, tier if tier_id != CATALOG else catalog.tiers[incident.tier]
            ),
            incident,
        )
        for row, incident in zip(rows, incidents, strict=True)
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="incidents (1000000)")
    parser.add_argument("--events", type=int, default=6, help="events per incident, about (6)")
    parser.add_argument(
        "--tier",
        help="tier of the default catalog (SLA-2; with --realistic: 'catalog', each record's own)",
    )
    parser.add_argument(
        "--realistic", action="store_true", help="analysis.sample_records' logs (seed 0)"
    )
    parser.add_argument("--file", help="JSON Lines file to use (generated when missing)")
    parser.add_argument("--check", type=int, default=2000, help="summaries checked first (2000)")
    parser.add_argument("--full", action="store_true", help="also time read_incidents + evaluate")
    parser.add_argument("--json", type=Path, help="also write the results here as JSON")
    parser.add_argument("--child", choices=MODES, help=argparse.SUPPRESS)
    opts = parser.parse_args(argv)
    if opts.child:  # the measured process: nothing but the streaming loop
        print(json.dumps(measure(opts.file, opts.tier, opts.child)))
        return 0

    from _incidents import write_jsonl

    if opts.tier is None:
        opts.tier = CATALOG if opts.realistic else "SLA-2"
    with tempfile.TemporaryDirectory() as tmp:
        path = opts.file or os.path.join(tmp, "incidents.jsonl")
        if not os.path.exists(path):
            t0 = time.perf_counter()
            if opts.realistic:
                size = write_realistic(path, opts.n)
            else:
                size = write_jsonl(path, opts.n, events=opts.events)
            print(
                f"generated {opts.n} incidents ({size / 2**20:.0f} MiB) in "
                f"{time.perf_counter() - t0:.1f} s: {path}",
                file=sys.stderr,
            )
        has_orjson = importlib.util.find_spec("orjson") is not None
        has_numpy = importlib.util.find_spec("numpy") is not None
        decoders = ["orjson", "json"] if has_orjson else ["json"]
        engines = ["numpy", "python"] if has_numpy else ["python"]
        mismatches = sum(
            check(path, opts.tier, opts.check, d, e) for d in decoders for e in engines
        )
        modes = ["decode", "analysis"]
        if has_orjson:
            modes.append("analysis-json")
        if has_numpy:
            modes.append("analysis-python")
        if opts.full:
            modes.append("full")
        runs = {}
        for mode in modes:
            out = subprocess.run(
                [sys.executable, __file__, "--child", mode, "--file", path, "--tier", opts.tier],
                check=True,
                capture_output=True,
                text=True,
                env={**os.environ, "OPENBLAS_NUM_THREADS": "1"},  # no idle thread pool either
            )
            runs[mode] = json.loads(out.stdout)
    an, dec = runs["analysis"], runs["decode"]
    n = an["incidents"]
    per_million = an["seconds"] / n * 1e6
    workload = "realistic (sample_records, seed 0)" if opts.realistic else "generated"
    on = "each record's own tier" if opts.tier == CATALOG else opts.tier
    print(f"# {n} {workload} incidents on {on}, streamed from JSON Lines (one core)")
    labels = {
        "decode": "json.loads only",
        "analysis": f"evaluate_jsonl ({an['engine']}, {an['decoder']})",
        "analysis-json": f"evaluate_jsonl ({runs.get('analysis-json', an)['engine']}, json)",
        "analysis-python": f"evaluate_jsonl (python, {an['decoder']})",
        "full": "read_incidents+evaluate",
    }
    for mode, run in runs.items():
        print(
            f"{labels[mode]:32s} {run['seconds']:8.2f} s  ({run['seconds'] / n * 1e6:6.2f} µs each)"
            f"  peak RSS {run['peak_rss_mib']:.0f} MiB"
        )
    print(f"{'beyond decoding, about':32s} {an['seconds'] - dec['seconds']:8.2f} s")
    print(f"cycles {an['cycles']}, incidents breached {an['breached']}")
    print(
        f"summaries checked against evaluate(): {opts.check} with each of "
        f"{', '.join(decoders)} on each of {', '.join(engines)}, mismatches {mismatches}"
    )
    ok = per_million <= GOAL_SECONDS_PER_MILLION and mismatches == 0
    print(
        f"{'PASS' if ok else 'FAIL'}  1,000,000 incidents <= {GOAL_SECONDS_PER_MILLION:g} s: "
        f"{per_million:.1f} s per million (engine: {an['engine']}, decoder: {an['decoder']})"
    )
    if "analysis-json" in runs:
        alone = runs["analysis-json"]["seconds"] / n * 1e6
        print(f"      with the standard library's json instead: {alone:.1f} s per million")
    if "analysis-python" in runs:
        alone = runs["analysis-python"]["seconds"] / n * 1e6
        print(f"      line by line, without numpy: {alone:.1f} s per million")
        slower = "numpy" if runs["analysis-python"]["seconds"] < an["seconds"] else "python"
        picked = "the slower" if an["engine"] == slower else "the faster"
        print(f"      engine='auto' picked {an['engine']}: {picked} engine on this workload")
    print(f"      {an['seconds'] / dec['seconds']:.2f}x decoding the JSON alone (stretch goal: 2x)")
    if opts.json:
        opts.json.write_text(
            json.dumps(
                {
                    "runs": runs,
                    "seconds_per_million": per_million,
                    "mismatches": mismatches,
                    "ok": ok,
                },
                indent=2,
            )
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
