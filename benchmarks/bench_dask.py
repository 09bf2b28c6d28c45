"""Generated incidents on a local Dask cluster: 1 and 2 workers against one process without Dask.

    python benchmarks/bench_dask.py                       # 50,000 incidents
    python benchmarks/bench_dask.py --n 10000000 --sizes 5000,20000,100000 \
        --inputs /big/disk/inputs --generate-only         # the issue's size: inputs once
    python benchmarks/bench_dask.py --n 10000000 --sizes 5000,20000,100000 \
        --inputs /big/disk/inputs --only events --timed-sizes 100000
    python benchmarks/bench_dask.py --n 2000 --sizes 500  # a smoke run

The inputs are made in blocks of the largest size, in ``--procs`` processes (2),
each block written as it is made, so memory holds one block a process, never the
whole log.  A block is made chunk by chunk (a chunk is the smallest size):
chunk ``k`` is ``analysis.sample_records(chunk, seed=1_000_000 + k)`` (one
generator per chunk, so chunks are made in any process in any order and the same
``--n``/``--sizes`` always give the same incidents, whatever the partition size
read).  Its ids ``S{seed}-000001``... are unique and sort in chunk order.  Each
block is written, not timed, as an event table (one row per event, as
``event_frame`` writes it) in Parquet, one file per partition of each size,
sorted and indexed by incident id so that Dask reads the divisions from the
files, and as one JSON Lines file (the records as generated).  With ``--inputs``
the folder keeps them, and a later run reuses every block marked done in it
(one made for more incidents serves a smaller ``--n``: its first blocks).
Then it times, each on a fresh ``LocalCluster`` (worker processes, one thread each):

* ``events``: ``analysis.dask.summaries`` over the Parquet event table, for
  each partition size (``--timed-sizes``) on 2 workers and for the best one on 1 worker;
* ``jsonl``: ``analysis.dask.read_jsonl`` over the JSON Lines files (the fast
  line engine), on 1 and 2 workers;

and, in this process without Dask, ``summary_partition`` over the event table,
one Parquet file of the largest timed size at a time, and ``evaluate_jsonl`` over
the JSON Lines files.  ``--runs`` picks the event-table runs.  The tables are
reduced on the workers (rows and breaches counted), so the client gathers nothing
large.  Memory per worker is each worker process's peak RSS (``VmHWM``).  On a
shared machine wall time says little about scaling, so each run also reports the
CPU seconds its worker processes spent (``time.process_time`` before and after, on
each worker), and incidents per CPU second.  Before timing, the Dask summary table
of the first partition is compared with one process's (any difference fails the run).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
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


SEED_BASE = 1_000_000
"""Chunk ``k`` of the inputs is ``sample(chunk, seed=SEED_BASE + k)``: its ids are
``S{SEED_BASE + k}-000001`` and on, unique across chunks and, with a seed of seven digits
each, in the same order as the chunks, so every Parquet file holds one sorted
run of ids after the previous file's (Dask reads the divisions from the files)."""


def _layout(n: int, sizes: list[int]) -> tuple[int, int]:
    """The chunk (smallest size) and block (largest size) of ``--sizes``, checked."""
    chunk, block = min(sizes), max(sizes)
    if any(size % chunk for size in sizes):
        raise SystemExit(f"--sizes {sizes}: each size must be a multiple of the smallest")
    if n <= 0 or n % block:
        raise SystemExit(f"--n {n}: expected a positive multiple of the largest size {block}")
    if chunk > 999_999:
        raise SystemExit(f"--sizes: at most 999,999 incidents a partition, got {chunk}")
    return chunk, block


def _write_block(task: tuple[Path, int, int, list[int], str | None]) -> tuple[int, int, float]:
    """Block ``index`` (``max(sizes)`` incidents, chunk by chunk): its files, then its marker.

    Each chunk is generated, turned into events and written once; a block's
    JSON Lines file is one file, its event table one Parquet file per partition of
    each size.  Files are renamed into place, then the ``done`` marker written, so
    an interrupted run leaves no half-written file under a final name.
    """
    folder, index, n, sizes, only = task
    chunk, block = min(sizes), max(sizes)
    cpu = time.process_time()
    first = index * block
    frames, rows = [], 0
    logs = folder / "jsonl" / f"part-{index:05d}.jsonl"
    partial = logs.with_suffix(".tmp")
    with partial.open("w", encoding="utf-8") as out:
        for start in range(first, min(n, first + block), chunk):
            records = list(analysis.sample_records(chunk, seed=SEED_BASE + start // chunk))
            if only != "events":
                out.writelines(json.dumps(record) + "\n" for record in records)
            if only != "jsonl":
                frame = sd.event_frame(slaclock.Incident.from_dict(r) for r in records)
                frames.append(frame.set_index("incident"))  # ids sorted, events in log order
            rows += sum(len(record["events"]) for record in records)
    partial.replace(logs)
    for size in sizes if only != "jsonl" else []:
        per = size // chunk
        for j in range(0, len(frames), per):
            target = folder / f"events-{size}" / f"part-{(first + j * chunk) // size:05d}.parquet"
            staged = target.with_suffix(".tmp")
            pd.concat(frames[j : j + per]).to_parquet(staged)
            staged.replace(target)
    (folder / "done" / f"{index:05d}").write_text(str(rows))
    return index, rows, time.process_time() - cpu


def write_inputs(
    n: int, sizes: list[int], folder: Path, only: str | None, procs: int
) -> dict[str, Any]:
    """The Parquet event tables (one per partition size) and the JSON Lines files, streamed.

    Blocks of ``max(sizes)`` incidents are made in ``procs`` processes, each
    holding one block at a time; blocks already marked done in ``folder`` (an
    earlier, interrupted or smaller run with the same ``--sizes``) are kept.
    """
    chunk, block = _layout(n, sizes)
    started = time.perf_counter()
    manifest = folder / "inputs.json"
    layout = {"chunk": chunk, "block": block, "sizes": sizes, "seed_base": SEED_BASE, "only": only}
    if manifest.exists():  # inputs of both paths serve a run of one
        known = json.loads(manifest.read_text())
        if known.get("only") is None:
            layout["only"] = only = None
        if {key: known.get(key) for key in layout} != layout:
            raise SystemExit(f"{folder} holds inputs made with {known}, not {layout}")
    else:
        for name in ("jsonl", "done", *(f"events-{size}" for size in sizes)):
            (folder / name).mkdir(parents=True, exist_ok=True)
        manifest.write_text(json.dumps(layout))
    todo = [
        (folder, index, n, sizes, only)
        for index in range(n // block)
        if not (folder / "done" / f"{index:05d}").exists()
    ]
    cpu = 0.0
    with multiprocessing.get_context("spawn").Pool(procs) as pool:
        for index, _, spent in pool.imap(_write_block, todo):
            cpu += spent
            print(f"inputs: block {index + 1} of {n // block} written", flush=True)
    rows = sum(int((folder / "done" / f"{i:05d}").read_text()) for i in range(n // block))
    return {
        "incidents": n,
        "events": rows,
        "seconds": time.perf_counter() - started,
        "cpu_seconds_written_now": cpu,
        "blocks_written_now": len(todo),
        "processes": procs,
    }


def _parts(folder: Path, name: str, n: int, size: int) -> list[str]:
    """The first ``n`` incidents' files of one input, in id order."""
    suffix = "jsonl" if name == "jsonl" else "parquet"
    return [str(folder / name / f"part-{k:05d}.{suffix}") for k in range(n // size)]


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


def check(folder: Path, n: int, size: int, catalog: Any) -> None:
    """The Dask table of the first partition equals one process's."""
    events = dd.read_parquet(
        _parts(folder, f"events-{size}", n, size), index="incident", calculate_divisions=True
    )
    if not events.known_divisions:
        raise SystemExit("the Parquet files do not give Dask their divisions")
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
        help="incidents per partition, comma-separated (each a multiple of the smallest)",
    )
    parser.add_argument(
        "--only",
        choices=("events", "jsonl"),
        help="time one path only (the other's inputs are not written)",
    )
    parser.add_argument(
        "--inputs",
        type=Path,
        help="keep the generated inputs in this folder, and reuse what it already holds",
    )
    parser.add_argument(
        "--generate-only", action="store_true", help="write the inputs, time nothing"
    )
    parser.add_argument(
        "--procs", type=int, default=2, help="processes that generate the inputs (default 2)"
    )
    parser.add_argument(
        "--runs",
        default="one,2,1",
        help="which event-table runs: 'one' (one process), '2' (2 workers at each size), "
        "'1' (1 worker at the best size); comma-separated (default all)",
    )
    parser.add_argument(
        "--timed-sizes",
        type=lambda text: [int(x) for x in text.split(",")],
        help="the partition sizes timed on 2 workers (default every one of --sizes)",
    )
    parser.add_argument("--json", type=Path, help="write the figures here as JSON")
    args = parser.parse_args(argv)
    catalog = slaclock.default_catalog()
    results: dict[str, Any] = {"cpus": os.cpu_count(), "sizes": args.sizes}
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.inputs or Path(tmp)
        results["inputs"] = write_inputs(args.n, args.sizes, folder, args.only, args.procs)
        print(f"inputs: {results['inputs']}", flush=True)
        if args.generate_only:
            return 0
        results["events"], results["jsonl"] = [], []
        runs = set(args.runs.split(","))
        if args.only != "jsonl":
            timed = args.timed_sizes or args.sizes
            if not set(timed) <= set(args.sizes):
                raise SystemExit(f"--timed-sizes {timed}: each must be one of --sizes")
            run_events(folder, args.n, timed, catalog, results, runs)
        if args.only != "events":
            run_jsonl(folder, args.n, args.sizes, catalog, results)
    print(report(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


def run_events(
    folder: Path, n: int, sizes: list[int], catalog: Any, results: dict[str, Any], runs: set[str]
) -> None:
    """The event-table path: one process, then Dask by partition size, then 1 worker."""
    check(folder, n, sizes[0], catalog)
    print("check: the Dask table of a partition equals one process's", flush=True)
    if "one" in runs:
        # One process, no Dask: each Parquet file of the largest size read and
        # evaluated in turn (the whole table of millions of incidents would not fit).
        started, cpu = time.perf_counter(), time.process_time()
        rows = breached = 0
        for path in _parts(folder, f"events-{max(sizes)}", n, max(sizes)):
            table = sd.summary_partition(pd.read_parquet(path), catalog, order="seq")
            rows, breached = rows + len(table), breached + int(table["breached"].sum())
        results["one_process_events"] = {
            "seconds": time.perf_counter() - started,
            "cpu_seconds": time.process_time() - cpu,
            "rows": rows,
            "breached": breached,
            "partition_incidents": max(sizes),
            "peak_mib": round(_peak_mib()),
        }
        print(f"events, one process: {results['one_process_events']}", flush=True)

    def events_of(size: int) -> Any:
        files = _parts(folder, f"events-{size}", n, size)
        events = dd.read_parquet(files, index="incident", calculate_divisions=True)
        return sd.summaries(events, catalog, order="seq")

    done = results["events"]
    if "2" in runs:
        for size in sizes:
            run = on_cluster(2, lambda size=size: events_of(size))
            run["partition_incidents"] = size
            done.append(run)
            print(f"events, 2 workers, {size} incidents a partition: {run}", flush=True)
    if "1" in runs:
        best = (
            min(done, key=lambda run: run["cpu_seconds"])["partition_incidents"]
            if done
            else max(sizes)
        )
        one = on_cluster(1, lambda: events_of(best))
        one["partition_incidents"] = best
        done.append(one)
        print(f"events, 1 worker, {best} incidents a partition: {one}", flush=True)


def run_jsonl(
    folder: Path, n: int, sizes: list[int], catalog: Any, results: dict[str, Any]
) -> None:
    """The JSON Lines path: one process, then Dask on 1 and 2 workers (one file a partition)."""
    files = _parts(folder, "jsonl", n, max(sizes))
    started, cpu = time.perf_counter(), time.process_time()
    rows = sum(1 for path in files for _ in analysis.evaluate_jsonl(path, catalog))
    results["one_process_jsonl"] = {
        "seconds": time.perf_counter() - started,
        "cpu_seconds": time.process_time() - cpu,
        "rows": rows,
    }
    print(f"jsonl, one process: {results['one_process_jsonl']}", flush=True)
    for workers in (1, 2):
        run = on_cluster(workers, lambda: sd.read_jsonl(files, catalog))
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
        size = f"{one['partition_incidents']:,}"
        lines.append(line("events, one process, no Dask", "-", size, one, f"{one['peak_mib']}"))
    for run in results["events"]:
        memory = ", ".join(map(str, run["worker_peak_mib"]))
        size = f"{run['partition_incidents']:,}"
        lines.append(line("events on Dask", str(run["workers"]), size, run, memory))
    one = results.get("one_process_jsonl")
    if one is not None:
        lines.append(line("JSON Lines, one process, no Dask", "-", "-", one, "-"))
    for run in results["jsonl"]:
        memory = ", ".join(map(str, run["worker_peak_mib"]))
        size = f"{run['partition_incidents']:,}"
        lines.append(line("JSON Lines on Dask", str(run["workers"]), size, run, memory))
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
