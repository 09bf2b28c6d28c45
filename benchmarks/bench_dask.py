"""Generated incidents on a local Dask cluster: 1 and 2 workers against one process without Dask.

    python benchmarks/bench_dask.py                       # 50,000 incidents (about 10 minutes here)
    python benchmarks/bench_dask.py --n 10000000          # the size the issue names
    python benchmarks/bench_dask.py --n 2000 --sizes 500  # a smoke run

Generates ``--n`` incidents with ``slaclock.analysis.sample`` (a fixed seed) and
writes them twice, not timed: as an event table (one row per event) in Parquet
partitions of each ``--sizes`` incidents, sorted and indexed by incident id so
that Dask knows the divisions; and as JSON Lines files of the largest size.
Then it times, each on a fresh ``LocalCluster`` (worker processes, one thread each):

* ``events``: ``analysis.dask.summaries`` over the Parquet event table, for
  each partition size on 2 workers and for the best size on 1 worker;
* ``jsonl``: ``analysis.dask.read_jsonl`` over the JSON Lines files (the fast
  line engine), on 1 and 2 workers;

and, in this process without Dask, ``summary_partition`` over the whole event
table read from Parquet, and ``evaluate_jsonl`` over the JSON Lines files.  The
tables are reduced on the workers (rows and breaches counted), so the client
gathers nothing large.  Memory per worker is each worker process's peak RSS
(``VmHWM``).  On a shared machine wall time says little about scaling, so each run
also reports the CPU seconds its worker processes spent (``time.process_time``
before and after, on each worker), and incidents per CPU second.  Before timing, the Dask summary table of the first
partition is compared with one process's (any difference fails the run).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import dask.dataframe as dd
import distributed
import pandas as pd

import slaclock
from slaclock import analysis
from slaclock.analysis import dask as sd


def _peak_mib() -> float:
    """This process's peak resident memory, MiB.

    Linux's ``VmHWM`` where there is one: ``getrusage``'s ``ru_maxrss`` survives
    ``exec``, so a worker process started from a large client would report the
    client's peak.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def write_inputs(n: int, sizes: list[int], folder: Path, only: str | None) -> dict[str, Any]:
    """The Parquet event tables (one per partition size) and the JSON Lines files."""
    started = time.perf_counter()
    incidents = list(analysis.sample(n, seed=2026))
    rows = sum(len(incident.events) for incident in incidents)
    if only != "jsonl":
        events = sd.event_frame(incidents).sort_values(["incident", "seq"], kind="stable")
        events = events.set_index("incident")
        for size in sizes:
            parts = max(1, -(-n // size))
            target = folder / f"events-{size}"
            dd.from_pandas(events, npartitions=parts, sort=True).to_parquet(target)
        del events
    biggest = max(sizes)
    logs = folder / "jsonl"
    logs.mkdir()
    for k in range(0, n, biggest):
        slaclock.write_incidents(
            logs / f"part-{k // biggest:05d}.jsonl", incidents[k : k + biggest]
        )
    return {"incidents": n, "events": rows, "seconds": time.perf_counter() - started}


def _cluster(workers: int) -> Any:
    return distributed.LocalCluster(
        n_workers=workers,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        memory_limit="4GiB",
    )


def _reduced(frame: Any) -> tuple[int, int]:
    counted = (
        frame.map_partitions(
            lambda part: pd.DataFrame(
                {"rows": [len(part)], "breached": [int(part["breached"].sum())]}
            ),
            meta=pd.DataFrame(
                {"rows": pd.Series([], dtype="int64"), "breached": pd.Series([], dtype="int64")}
            ),
        )
        .sum()
        .compute()
    )
    return int(counted["rows"]), int(counted["breached"])


def on_cluster(workers: int, make: Any) -> dict[str, Any]:
    with _cluster(workers) as cluster, distributed.Client(cluster) as client:
        before = client.run(time.process_time)  # and the workers are up before the clock
        started = time.perf_counter()
        rows, breached = _reduced(make())
        seconds = time.perf_counter() - started
        after = client.run(time.process_time)
        peaks = client.run(_peak_mib)
    return {
        "workers": workers,
        "seconds": seconds,
        "cpu_seconds": sum(after[w] - before[w] for w in after),
        "rows": rows,
        "breached": breached,
        "worker_peak_mib": sorted(round(v) for v in peaks.values()),
    }


def check(folder: Path, size: int, catalog: Any) -> None:
    """The Dask table of the first partition equals one process's."""
    events = dd.read_parquet(folder / f"events-{size}", index="incident", calculate_divisions=True)
    first = events.partitions[0]
    got = sd.summaries(first, catalog, order="seq").compute(scheduler="sync")
    frame = first.compute()
    one = sd.summary_partition(frame, catalog, order="seq")
    pd.testing.assert_frame_equal(got.reset_index(drop=True), one.reset_index(drop=True))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=50_000, help="incidents to generate")
    parser.add_argument(
        "--sizes",
        type=lambda text: [int(x) for x in text.split(",")],
        default=[2_500, 10_000, 25_000],
        help="incidents per partition, comma-separated",
    )
    parser.add_argument(
        "--only",
        choices=("events", "jsonl"),
        help="time one path only (the other's inputs are not written)",
    )
    parser.add_argument("--json", type=Path, help="write the figures here as JSON")
    args = parser.parse_args(argv)
    catalog = slaclock.default_catalog()
    results: dict[str, Any] = {"cpus": os.cpu_count()}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        results["inputs"] = write_inputs(args.n, args.sizes, folder, args.only)
        print(f"inputs: {results['inputs']}", flush=True)
        results["events"], results["jsonl"] = [], []
        if args.only != "jsonl":
            run_events(folder, args.sizes, catalog, results)
        if args.only != "events":
            run_jsonl(folder, args.sizes, catalog, results)
    print(report(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


def run_events(folder: Path, sizes: list[int], catalog: Any, results: dict[str, Any]) -> None:
    """The event-table path: one process, then Dask by partition size, then 1 worker."""
    check(folder, sizes[0], catalog)
    print("check: the Dask table of a partition equals one process's", flush=True)
    frame = pd.read_parquet(folder / f"events-{max(sizes)}")
    started, cpu = time.perf_counter(), time.process_time()
    table = sd.summary_partition(frame, catalog, order="seq")
    results["one_process_events"] = {
        "seconds": time.perf_counter() - started,
        "cpu_seconds": time.process_time() - cpu,
        "rows": len(table),
        "peak_mib": round(_peak_mib()),
    }
    del frame, table
    print(f"events, one process: {results['one_process_events']}", flush=True)

    def events_of(size: int) -> Any:
        events = dd.read_parquet(
            folder / f"events-{size}", index="incident", calculate_divisions=True
        )
        return sd.summaries(events, catalog, order="seq")

    runs = results["events"]
    for size in sizes:
        run = on_cluster(2, lambda size=size: events_of(size))
        run["partition_incidents"] = size
        runs.append(run)
        print(f"events, 2 workers, {size} incidents a partition: {run}", flush=True)
    best = min(runs, key=lambda run: run["cpu_seconds"])["partition_incidents"]
    one = on_cluster(1, lambda: events_of(best))
    one["partition_incidents"] = best
    runs.append(one)
    print(f"events, 1 worker, {best} incidents a partition: {one}", flush=True)


def run_jsonl(folder: Path, sizes: list[int], catalog: Any, results: dict[str, Any]) -> None:
    """The JSON Lines path: one process, then Dask on 1 and 2 workers (one file a partition)."""
    files = sorted((folder / "jsonl").glob("*.jsonl"))
    started, cpu = time.perf_counter(), time.process_time()
    rows = sum(1 for path in files for _ in analysis.evaluate_jsonl(path, catalog))
    results["one_process_jsonl"] = {
        "seconds": time.perf_counter() - started,
        "cpu_seconds": time.process_time() - cpu,
        "rows": rows,
    }
    print(f"jsonl, one process: {results['one_process_jsonl']}", flush=True)
    pattern = str(folder / "jsonl" / "*.jsonl")
    for workers in (1, 2):
        run = on_cluster(workers, lambda: sd.read_jsonl(pattern, catalog))
        run["partition_incidents"] = max(sizes)
        results["jsonl"].append(run)
        print(f"jsonl, {workers} worker(s): {run}", flush=True)


def report(results: dict[str, Any]) -> str:
    n = results["inputs"]["incidents"]
    lines = [
        f"## {n:,} incidents ({results['inputs']['events']:,} events), {results['cpus']} CPUs",
        "",
        "| path | workers | incidents a partition | wall s | CPU s | incidents per CPU s "
        "| peak RSS per worker (MiB) |",
        "|---|---|---|---|---|---|---|",
    ]

    def line(path: str, workers: str, size: str, run: dict[str, Any], memory: str) -> str:
        return (
            f"| {path} | {workers} | {size} | {run['seconds']:.1f} | {run['cpu_seconds']:.1f} | "
            f"{n / run['cpu_seconds']:,.0f} | {memory} |"
        )

    one = results.get("one_process_events")
    if one is not None:
        lines.append(line("events, one process, no Dask", "-", "all", one, f"{one['peak_mib']}"))
    for run in results["events"]:
        memory = ", ".join(map(str, run["worker_peak_mib"]))
        size = f"{run['partition_incidents']:,}"
        lines.append(line("events on Dask", str(run["workers"]), size, run, memory))
    lines.append(
        line("JSON Lines, one process, no Dask", "-", "-", results["one_process_jsonl"], "-")
    )
    for run in results["jsonl"]:
        memory = ", ".join(map(str, run["worker_peak_mib"]))
        size = f"{run['partition_incidents']:,}"
        lines.append(line("JSON Lines on Dask", str(run["workers"]), size, run, memory))
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
