"""slaclock against its peers on one fixed-seed Moscow workload, side by side in one run.

    python benchmarks/bench_peers.py                  # everything installed (pip install -e '.[bench]')
    python benchmarks/bench_peers.py --peers none     # slaclock alone (what the smoke test runs)
    python benchmarks/bench_peers.py --n 200 --batch-n 2000 --json results.json

Prints µs per operation, ratios against slaclock, cost growth with distance,
the batch API against numpy busday + hours, every peer's disagreements with
slaclock by kind, and a PASS/FAIL line per speed goal (listed in docs/performance.md) measured here. It
installs nothing: a peer that does not import is listed with the reason.
Timings are the best of ``--repeats`` runs of the whole query list
(``time.perf_counter_ns``); converting inputs to each peer's native form and
its answers back is done outside the timed region.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
from collections import Counter
from datetime import date, datetime, timedelta
from importlib import metadata
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _peers import PEER_PACKAGES, Peer, closing_instant, load_peers, numpy_layer
from _workload import (
    HOUR_US,
    SEED,
    SPEC,
    CountryData,
    aware,
    best_ns,
    country_data,
    make_workload,
    per_op_us,
    to_us,
)

import slaclock

GOAL_DEADLINE_X = 7.0
GOAL_ELAPSED_X = 10.0
GOAL_FLAT = 1.3
GOAL_BATCH_X = 3.0
WEEK_US = 7 * 24 * HOUR_US


def machine() -> dict[str, str]:
    cpu = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "cpu": cpu,
        "nproc": str(os.cpu_count()),
        "platform": platform.platform(),
    }


def versions() -> dict[str, str]:
    out = {}
    for dist in ["slaclock", *PEER_PACKAGES]:
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            out[dist] = "-"
    return out


# -- slaclock as a contender --------------------------------------------------------------


def slaclock_contender(cal: slaclock.Calendar) -> Peer:
    return Peer(
        name="slaclock",
        note="Calendar.deadline / Calendar.elapsed on aware datetimes",
        deadline_args=lambda s, d: (aware(s), timedelta(microseconds=d)),
        deadline=cal.deadline,
        deadline_us=to_us,
        elapsed_args=lambda a, b: (aware(a), aware(b)),
        elapsed=cal.elapsed,
        elapsed_us=lambda td: (td.days * 86_400 + td.seconds) * 1_000_000 + td.microseconds,
        knows_transferred=True,
    )


# -- disagreements ------------------------------------------------------------------------


def local_days(*instants: int) -> list[date]:
    first, last = aware(min(instants)).date(), aware(max(instants)).date()
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def classify(
    peer: Peer,
    cal: slaclock.Calendar,
    data: CountryData,
    span: tuple[int, ...],
    *,
    expected: int,
    got: int | None,
    deadline: bool,
) -> str:
    """Why a peer's answer differs from slaclock's, in the first kind that explains it."""
    if got is None:
        return "no answer (raised or NaN)"
    if deadline and closing_instant(expected) and got == to_us(cal.next_open(aware(expected))):
        return "closing-time convention (next 10:00, not 18:00)"
    days = local_days(*span, expected, got) if deadline else local_days(*span)
    if not peer.knows_transferred and any(day in data.workdays for day in days):
        return "missing transferred working day"
    if peer.is_working_day is not None and any(
        peer.is_working_day(day) != bool(cal.hours_on(day)) for day in days
    ):
        return "different holiday data"
    return "other error"


def fmt_us(us: int, *, deadline: bool) -> str:
    if deadline:
        return aware(us).strftime("%a %Y-%m-%d %H:%M:%S")
    return str(timedelta(microseconds=us))


def answers_us(peer: Peer, answers: list[Any], *, deadline: bool) -> list[int | None]:
    convert = peer.deadline_us if deadline else peer.elapsed_us
    assert convert is not None
    out: list[int | None] = []
    for answer in answers:
        try:
            out.append(convert(answer))
        except (ValueError, TypeError, OverflowError):
            out.append(None)
    return out


# -- the run ------------------------------------------------------------------------------


def scalar_section(
    contenders: list[Peer],
    queries: dict[str, list[tuple[int, int]]],
    *,
    repeats: int,
) -> dict[str, dict[str, Any]]:
    """Per contender and operation: µs/op and answers in microseconds."""
    results: dict[str, dict[str, Any]] = {}
    for peer in contenders:
        row: dict[str, Any] = {}
        for op in ("deadline", "elapsed"):
            call = getattr(peer, op)
            make_args = getattr(peer, f"{op}_args")
            if call is None:
                continue
            args = [make_args(a, b) for a, b in queries[op]]
            try:
                us, answers = per_op_us(call, args, repeats=repeats)
            except Exception as exc:  # a peer that crashes is reported, not fatal
                row[op] = {"error": f"{type(exc).__name__}: {exc}"}
                continue
            row[op] = {"us": us, "answers": answers_us(peer, answers, deadline=op == "deadline")}
        results[peer.name] = row
        print(f"  timed {peer.name}", file=sys.stderr)
    return results


def growth_section(
    contenders: list[Peer],
    starts: list[int],
    *,
    repeats: int,
) -> dict[str, dict[str, float]]:
    """µs/op for a 1 h vs 200 h deadline and a 2 h vs 26-week elapsed, from the same starts."""
    cases = {
        "deadline 1 h": ("deadline", [(s, HOUR_US) for s in starts]),
        "deadline 200 h": ("deadline", [(s, 200 * HOUR_US) for s in starts]),
        "elapsed 2 h": ("elapsed", [(s, s + 2 * HOUR_US) for s in starts]),
        "elapsed 26 weeks": ("elapsed", [(s, s + 26 * WEEK_US) for s in starts]),
    }
    out: dict[str, dict[str, float]] = {}
    for peer in contenders:
        row: dict[str, float] = {}
        for label, (op, qs) in cases.items():
            call = getattr(peer, op)
            if call is None:
                continue
            args = [getattr(peer, f"{op}_args")(a, b) for a, b in qs]
            try:
                row[label], _ = per_op_us(call, args, repeats=repeats)
            except Exception:
                continue
        out[peer.name] = row
    return out


def batch_section(
    cal: slaclock.Calendar,
    data: CountryData,
    n: int,
    *,
    repeats: int,
) -> dict[str, Any]:
    """Array in, array out on ``n`` elements: slaclock's batch API against numpy busday + hours."""
    import numpy as np

    work = make_workload(n, seed=SEED + 1)
    starts = np.array([s for s, _ in work.deadline], dtype=np.int64).view("datetime64[us]")
    durations = np.array([d for _, d in work.deadline], dtype=np.int64).view("timedelta64[us]")
    e_starts = np.array([a for a, _ in work.elapsed], dtype=np.int64).view("datetime64[us]")
    e_ends = np.array([b for _, b in work.elapsed], dtype=np.int64).view("datetime64[us]")
    np_deadline, np_elapsed = numpy_layer(data)
    out: dict[str, Any] = {"n": n}
    if not hasattr(cal, "deadline_many"):
        out["missing"] = "Calendar.deadline_many is not there yet"
        return out
    cal.deadline_many(starts, durations)  # warm-up: compiles the blocks the workload touches
    cal.elapsed_many(e_starts, e_ends)
    for op, ours, theirs, a, b in (
        ("deadline", cal.deadline_many, np_deadline, starts, durations),
        ("elapsed", cal.elapsed_many, np_elapsed, e_starts, e_ends),
    ):
        ns_ours = best_ns(lambda f=ours, a=a, b=b: f(a, b), repeats=repeats)
        ns_theirs = best_ns(lambda f=theirs, a=a, b=b: f(a, b), repeats=repeats)
        mine, np_ans = ours(a, b), theirs(a, b)
        out[op] = {
            "slaclock_ns_per_elem": ns_ours / n,
            "numpy_ns_per_elem": ns_theirs / n,
            "ratio": ns_theirs / ns_ours,
            "numpy_disagreements": int((mine.view(np.int64) != np_ans.view(np.int64)).sum()),
        }
    # Equal to the scalar answers element by element (on a sample; the tests check it fully).
    sample = range(0, n, max(1, n // 500))
    scalar_mismatch = sum(
        to_us(
            cal.deadline(
                aware(int(starts[i].view(np.int64))),
                timedelta(microseconds=int(durations[i].view(np.int64))),
            )
        )
        != int(cal.deadline_many(starts[i : i + 1], durations[i : i + 1]).view(np.int64)[0])
        for i in sample
    )
    out["scalar_mismatches_in_sample"] = scalar_mismatch
    # From Python objects: lists of aware datetimes in, lists out, conversions counted.
    py_starts = [aware(s) for s, _ in work.deadline]
    py_durations = [timedelta(microseconds=d) for _, d in work.deadline]
    ns_list = best_ns(lambda: cal.deadline_many(py_starts, py_durations), repeats=repeats)

    def numpy_from_python() -> list[datetime]:
        s = np.array([to_us(x) for x in py_starts], dtype=np.int64).view("datetime64[us]")
        d = np.array([x // timedelta(microseconds=1) for x in py_durations], dtype=np.int64)
        res = np_deadline(s, d.view("timedelta64[us]")).view(np.int64)
        return [aware(int(x)) for x in res]

    ns_np_list = best_ns(numpy_from_python, repeats=repeats)
    out["deadline_from_python"] = {
        "slaclock_us_per_elem": ns_list / n / 1000,
        "numpy_us_per_elem": ns_np_list / n / 1000,
    }
    return out


def batch_sizes_section(
    cal: slaclock.Calendar, data: CountryData, sizes: list[int], *, repeats: int
) -> dict[str, Any]:
    """ns per element by array length, and calls alternating between year ranges.

    The alternating case: 6 arrays of 4,000 starts over 2015-2035 (the workload
    shifted by whole years; Moscow keeps UTC+3 throughout), called in turn, so
    every call asks for other years than the call before.
    """
    import numpy as np

    np_deadline, np_elapsed = numpy_layer(data)
    # The limit a batch is measured against: one np.searchsorted pass of the starts
    # over the openings of the years they reach.
    opens = np.array(
        [
            to_us(a)
            for a, _ in cal.periods(
                datetime(2014, 1, 1, tzinfo=aware(0).tzinfo),
                datetime(2037, 1, 1, tzinfo=aware(0).tzinfo),
            )
        ],
        dtype=np.int64,
    )
    cases: dict[str, list[tuple[Any, Any, Any, Any]]] = {}
    for n in sizes:
        work = make_workload(n, seed=SEED + 2)
        cases[f"{n:,}"] = [_arrays(work, 0)]
    work = make_workload(4000, seed=SEED + 3)
    cases["6 x 4,000 alternating years"] = [_arrays(work, years) for years in (-9, -6, -3, 0, 3, 6)]
    out: dict[str, Any] = {}
    for label, arrays in cases.items():
        row: dict[str, Any] = {}
        n = sum(a.size for a, *_ in arrays)
        for op, ours, theirs in (
            ("deadline", cal.deadline_many, np_deadline),
            ("elapsed", cal.elapsed_many, np_elapsed),
        ):
            pick = (lambda t: (t[0], t[1])) if op == "deadline" else (lambda t: (t[2], t[3]))
            pairs = [pick(t) for t in arrays]

            def run_ours(pairs: list[tuple[Any, Any]] = pairs, f: Any = ours) -> None:
                for a, b in pairs:
                    f(a, b)

            def run_theirs(pairs: list[tuple[Any, Any]] = pairs, f: Any = theirs) -> None:
                for a, b in pairs:
                    f(a, b)

            run_ours()  # warm-up: compiles the blocks the arrays touch
            ns_ours = best_ns(run_ours, repeats=repeats)
            ns_theirs = best_ns(run_theirs, repeats=repeats)
            row[op] = {
                "slaclock_ns_per_elem": ns_ours / n,
                "numpy_ns_per_elem": ns_theirs / n,
                "ratio": ns_theirs / ns_ours,
            }
        keys = [a.view(np.int64) for a, *_ in arrays]

        def search(keys: list[Any] = keys) -> None:
            for k in keys:
                np.searchsorted(opens, k)

        row["searchsorted_ns_per_elem"] = best_ns(search, repeats=repeats) / n
        out[label] = row
    return out


def _arrays(work: Any, years: int) -> tuple[Any, Any, Any, Any]:
    """The workload's arrays, every instant moved by ``years`` whole years (same wall time)."""
    import numpy as np

    shift = (date(2024 + years, 1, 1) - date(2024, 1, 1)).days * 86_400_000_000
    starts = np.array([s + shift for s, _ in work.deadline], dtype=np.int64)
    durations = np.array([d for _, d in work.deadline], dtype=np.int64)
    e_starts = np.array([a + shift for a, _ in work.elapsed], dtype=np.int64)
    e_ends = np.array([b + shift for _, b in work.elapsed], dtype=np.int64)
    return (
        starts.view("datetime64[us]"),
        durations.view("timedelta64[us]"),
        e_starts.view("datetime64[us]"),
        e_ends.view("datetime64[us]"),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=2000, help="queries per operation (2000)")
    parser.add_argument("--repeats", type=int, default=5, help="timed runs, best kept (5)")
    parser.add_argument("--growth-n", type=int, default=500, help="starts for cost growth (500)")
    parser.add_argument("--batch-n", type=int, default=20_000, help="array length (20000)")
    parser.add_argument(
        "--batch-sizes",
        default="1000,4000,20000,100000",
        help="array lengths for the ns-per-element table (1000,4000,20000,100000)",
    )
    parser.add_argument(
        "--peers",
        default="all",
        help=f"comma list from {','.join(PEER_PACKAGES)}, or 'all', or 'none' (slaclock alone)",
    )
    parser.add_argument("--json", type=Path, help="also write the results here as JSON")
    opts = parser.parse_args(argv)
    names = (
        list(PEER_PACKAGES)
        if opts.peers == "all"
        else []
        if opts.peers == "none"
        else [p.strip() for p in opts.peers.split(",") if p.strip()]
    )
    unknown = [n for n in names if n not in PEER_PACKAGES]
    if unknown:
        parser.error(f"unknown peers {unknown}; choose from {', '.join(PEER_PACKAGES)}")

    data = country_data()
    cal = slaclock.Calendar.from_dict(SPEC)
    peers, missing = load_peers(names, data)
    us_peer = slaclock_contender(cal)
    contenders = [us_peer, *peers]
    work = make_workload(opts.n)
    queries = {"deadline": work.deadline, "elapsed": work.elapsed}

    info = {
        "machine": machine(),
        "versions": versions(),
        "n": opts.n,
        "seed": SEED,
        "repeats": opts.repeats,
        "missing_peers": missing,
    }
    print("# slaclock vs peers — Moscow 10:00-18:00, Russian production calendar")
    print(
        f"machine: {info['machine']['cpu']}, {info['machine']['nproc']} cores, "
        f"Python {info['machine']['python']}"
    )
    print("versions: " + ", ".join(f"{k} {v}" for k, v in info["versions"].items()))
    print(
        f"workload: {opts.n} deadline + {opts.n} elapsed queries, seed {SEED}, "
        f"best of {opts.repeats}"
    )
    for name, why in missing.items():
        print(f"peer {name}: {why}")

    scalar = scalar_section(contenders, queries, repeats=opts.repeats)
    ref = scalar["slaclock"]
    # Disagreements with slaclock, by kind.
    disagreements: dict[str, dict[str, Any]] = {}
    for peer in peers:
        for op in ("deadline", "elapsed"):
            got = scalar[peer.name].get(op)
            if not got or "answers" not in got:
                continue
            kinds: Counter[str] = Counter()
            examples: dict[str, str] = {}
            for (a, b), exp, ans in zip(
                queries[op], ref[op]["answers"], got["answers"], strict=True
            ):
                if ans == exp:
                    continue
                kind = classify(
                    peer,
                    cal,
                    data,
                    (a, b) if op == "elapsed" else (a,),
                    expected=exp,
                    got=ans,
                    deadline=op == "deadline",
                )
                kinds[kind] += 1
                if kind not in examples:
                    what = (
                        f"+{b / HOUR_US:g} h"
                        if op == "deadline"
                        else f"→ {fmt_us(b, deadline=True)}"
                    )
                    examples[kind] = (
                        f"{fmt_us(a, deadline=True)} {what}: slaclock "
                        f"{fmt_us(exp, deadline=op == 'deadline')}, peer "
                        f"{'-' if ans is None else fmt_us(ans, deadline=op == 'deadline')}"
                    )
            got["disagreements"] = sum(kinds.values())
            disagreements.setdefault(peer.name, {})[op] = {
                "kinds": dict(kinds),
                "examples": examples,
            }

    print("\n## Scalar queries (µs per operation; x = times slower than slaclock)\n")
    print(f"| {'contender':32} | deadline µs |      x | wrong | elapsed µs |      x | wrong |")
    print(f"|{'-' * 34}|-------------|--------|-------|------------|--------|-------|")
    for peer in contenders:
        cells = []
        for op in ("deadline", "elapsed"):
            got = scalar[peer.name].get(op)
            if not got:
                cells.append(f"{'—':>{11 if op == 'deadline' else 10}} | {'':6} | {'':5}")
            elif "error" in got:
                cells.append(f"{'error':>{11 if op == 'deadline' else 10}} | {'':6} | {'':5}")
            else:
                ratio = got["us"] / ref[op]["us"]
                wrong = got.get("disagreements", 0)
                cells.append(
                    f"{got['us']:{11 if op == 'deadline' else 10}.2f} | {ratio:6.1f} | {wrong:5d}"
                )
        print(f"| {peer.name:32} | " + " | ".join(cells) + " |")
    for peer in peers:
        print(f"  {peer.name}: {peer.note}")

    print("\n## Cost growth with distance (µs per operation)\n")
    growth = growth_section(
        contenders, [s for s, _ in work.deadline[: opts.growth_n]], repeats=opts.repeats
    )
    print(f"| {'contender':32} | dl 1 h | dl 200 h | growth | el 2 h | el 26 wk | growth |")
    print(f"|{'-' * 34}|--------|----------|--------|--------|----------|--------|")
    for name, row in growth.items():

        def cell(a: str, b: str, row: dict[str, float] = row) -> str:
            if a not in row or b not in row:
                return f"{'—':>6} | {'—':>8} | {'—':>6}"
            return f"{row[a]:6.2f} | {row[b]:8.2f} | {row[b] / row[a]:5.2f}x"

        print(
            f"| {name:32} | {cell('deadline 1 h', 'deadline 200 h')} | "
            f"{cell('elapsed 2 h', 'elapsed 26 weeks')} |"
        )

    batch: dict[str, Any] = {}
    try:
        import numpy  # noqa: F401  (imported only to learn whether numpy is installed)
    except ImportError as exc:
        batch = {"missing": f"numpy not installed ({exc})"}
    else:
        batch = batch_section(cal, data, opts.batch_n, repeats=opts.repeats)
    print(f"\n## Batch: {opts.batch_n} elements, datetime64[us] in and out (ns per element)\n")
    if "missing" in batch:
        print(f"skipped: {batch['missing']}")
    else:
        print(
            "| operation | slaclock *_many | numpy busday + hours | numpy / slaclock | "
            "numpy wrong |"
        )
        print(
            "|-----------|-----------------|----------------------|------------------|"
            "-------------|"
        )
        for op in ("deadline", "elapsed"):
            b = batch[op]
            print(
                f"| {op:9} | {b['slaclock_ns_per_elem']:15.1f} | {b['numpy_ns_per_elem']:20.1f} | "
                f"{b['ratio']:15.2f}x | {b['numpy_disagreements']:11d} |"
            )
        f = batch["deadline_from_python"]
        print(
            f"\nfrom Python datetimes (conversions counted): slaclock deadline_many "
            f"{f['slaclock_us_per_elem']:.2f} µs/elem, numpy + conversions "
            f"{f['numpy_us_per_elem']:.2f} µs/elem"
        )
        print(f"batch vs scalar mismatches in a sample: {batch['scalar_mismatches_in_sample']}")
        sizes = [int(x) for x in opts.batch_sizes.split(",") if x.strip()]
        batch["by_size"] = batch_sizes_section(cal, data, sizes, repeats=opts.repeats)
        print("\n## Batch by array length (ns per element; ratio = numpy / slaclock)\n")
        print(
            "| arrays | deadline slaclock | numpy | ratio | elapsed slaclock | numpy | ratio | "
            "one searchsorted |"
        )
        print("|---|---:|---:|---:|---:|---:|---:|---:|")
        for label, row in batch["by_size"].items():
            cells = []
            for op in ("deadline", "elapsed"):
                r = row[op]
                cells += [
                    f"{r['slaclock_ns_per_elem']:.1f}",
                    f"{r['numpy_ns_per_elem']:.1f}",
                    f"{r['ratio']:.2f}x",
                ]
            cells.append(f"{row['searchsorted_ns_per_elem']:.1f}")
            print(f"| {label} | " + " | ".join(cells) + " |")

    print("\n## Disagreements with slaclock, by kind\n")
    for name, ops in disagreements.items():
        for op, d in ops.items():
            total = sum(d["kinds"].values())
            print(
                f"- {name}, {op}: {total} of {opts.n}"
                + ("" if total else " (exact on this workload)")
            )
            for kind, count in sorted(d["kinds"].items(), key=lambda kv: -kv[1]):
                print(f"    {count:5d}  {kind}; e.g. {d['examples'][kind]}")

    # The speed goals of docs/performance.md, as measured in this run.
    exact = {
        op: [
            p.name
            for p in peers
            if (g := scalar[p.name].get(op))
            and "answers" in g
            and g.get("disagreements") == 0
            and not p.name.startswith("numpy")
        ]
        for op in ("deadline", "elapsed")
    }
    goals: list[tuple[str, bool | None, str]] = []
    for op, want in (("deadline", GOAL_DEADLINE_X), ("elapsed", GOAL_ELAPSED_X)):
        if not exact[op]:
            goals.append(
                (f"scalar {op} >= {want:g}x the fastest exact peer", None, "no exact peer ran")
            )
            continue
        fastest = min(exact[op], key=lambda nm: scalar[nm][op]["us"])
        ratio = scalar[fastest][op]["us"] / ref[op]["us"]
        goals.append(
            (
                f"scalar {op} >= {want:g}x the fastest exact peer",
                ratio >= want,
                f"{ratio:.1f}x vs {fastest} ({scalar[fastest][op]['us']:.2f} µs vs "
                f"{ref[op]['us']:.2f} µs)",
            )
        )
    g = growth.get("slaclock", {})
    for a, b in (("deadline 1 h", "deadline 200 h"), ("elapsed 2 h", "elapsed 26 weeks")):
        if a in g and b in g:
            goals.append(
                (
                    f"flat cost: {b} <= {GOAL_FLAT}x {a}",
                    g[b] / g[a] <= GOAL_FLAT,
                    f"{g[b] / g[a]:.2f}x",
                )
            )
    for op in ("deadline", "elapsed"):
        if op in batch:
            r = batch[op]["ratio"]
            goals.append(
                (
                    f"batch {op} >= {GOAL_BATCH_X:g}x numpy busday + hours",
                    r >= GOAL_BATCH_X,
                    f"{r:.2f}x",
                )
            )
        if "by_size" in batch:
            worst = min(batch["by_size"].items(), key=lambda kv: kv[1][op]["ratio"])
            goals.append(
                (
                    f"batch {op} >= {GOAL_BATCH_X:g}x numpy on every array length",
                    worst[1][op]["ratio"] >= GOAL_BATCH_X,
                    f"worst {worst[1][op]['ratio']:.2f}x ({worst[0]})",
                )
            )
    print("\n## Speed goals\n")
    for label, ok, detail in goals:
        mark = "n/a " if ok is None else "PASS" if ok else "FAIL"
        print(f"{mark}  {label}: {detail}")
    print(
        "(helpdesk call and 1M incidents: benchmarks/bench_helpdesk.py, "
        "benchmarks/bench_incidents.py)"
    )

    if opts.json:
        for row in scalar.values():
            for got in row.values():
                got.pop("answers", None)
        opts.json.write_text(
            json.dumps(
                {
                    **info,
                    "scalar": scalar,
                    "growth": growth,
                    "batch": batch,
                    "disagreements": disagreements,
                    "goals": [{"goal": lbl, "ok": ok, "detail": d} for lbl, ok, d in goals],
                },
                indent=2,
                default=str,
            )
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
