"""The helpdesk call against one scalar deadline, on incidents with 10 events.

    python benchmarks/bench_helpdesk.py                 # 2,000 incidents, best of 5
    python benchmarks/bench_helpdesk.py --instructions  # the same, counted by valgrind

What a helpdesk stores after a ticket update is the next due instant: that is
``slaclock.schedule(incident, tier, at=...)``. Goal: it costs at most
3x one ``Calendar.deadline`` call. Both are timed on the same fixed-seed incidents
(``at`` = one minute after the last event), with ``evaluate`` shown for scale.

``schedule`` replays on the integer instants an ``Incident`` computes once when it
is built; a helpdesk that rebuilds the incident from its database on every update
pays that too, so building the incident from its record (``Incident.from_dict``)
is timed and shown as well (not part of the goal, which is about the call).
Every answer is checked against ``evaluate`` before timing.

Seconds on a shared machine move by half from one run to the next; with
``--instructions`` the script instead counts, with ``valgrind --tool=cachegrind``,
the instructions of one warm pass of ``schedule`` over the incidents and of one of
``deadline`` over their opening instants, each minus a run that makes no call
(``PYTHONHASHSEED=0``, a full garbage collection after the set-up in every run), and
gives the ratio of the two (needs valgrind on the PATH).  A count depends on where
the objects lie in memory (up to a tenth for ``deadline``; any change of code moves
them), so every mode is counted in ``--layouts`` placements (3) and the medians are
compared, with the lowest and highest shown.
``schedule`` keeps what it derives from an incident and tier on the incident, so a
warm pass is the cost of asking again about an incident (at its next check).  It
also counts a pass after a ticket update: each incident less its last event, asked
about once, then that event appended with ``Incident.with_events`` (which hands on
what the shorter log's ended cycles came to), and a pass over copies it has not
seen at all (an incident rebuilt from its record, whose building costs far more
than the call; shown for scale).  Both the repeat call and the call after an update
are held to the goal.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from statistics import median

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _incidents import records
from _valgrind import instructions as valgrind_count
from _workload import per_op_us

import slaclock

GOAL_RATIO = 3.0

# The child valgrind counts: the benchmark's incidents, warmed once, then one pass
# of ``schedule`` or ``deadline`` (or none, the run subtracted).
_CHILD = """
import gc
import pickle
import sys
from datetime import timedelta
sys.path.insert(0, sys.argv[4])
from _incidents import records
import slaclock
mode, n, events = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
tier = slaclock.default_catalog().tiers["SLA-2"]
incidents = []
for record in records(n, events=events, seed=11):
    record["third_party"] = False
    incidents.append(slaclock.Incident.from_dict(record))
pairs = [(inc, inc.events[-1].at + timedelta(minutes=1)) for inc in incidents]
starts = [inc.events[0].at for inc in incidents]
schedule, deadline, reaction = slaclock.schedule, tier.calendar.deadline, tier.reaction
for inc, at in pairs:
    schedule(inc, tier, at=at)
for start in starts:
    deadline(start, reaction)
# Copies that schedule has not seen (an unpickled incident starts with an empty memo),
# made in every mode so that the run subtracted pays for them too.
fresh = [(pickle.loads(pickle.dumps(inc)), at) for inc, at in pairs]
# The update loop: each incident less its last event, asked about once, then that event
# appended with with_events (a ticket update applied to the incident kept in memory).
shorter = [inc.replace(events=inc.events[:-1]) for inc, _ in pairs]
for short in shorter:
    schedule(short, tier, at=short.events[-1].at + timedelta(minutes=1))
grown = [(short.with_events(inc.events[-1]), at) for short, (inc, at) in zip(shorter, pairs)]
# A full collection now, in every mode: the set-up's 100,000 new objects would otherwise
# bring one (some 50 million instructions over the whole heap) into whichever pass
# allocates the few objects more that cross the collector's threshold.
gc.collect()
gc.freeze()  # and the set-up's objects out of every later collection's walk
if mode == "schedule":
    for inc, at in pairs:
        schedule(inc, tier, at=at)
elif mode == "cold":
    for inc, at in fresh:
        schedule(inc, tier, at=at)
elif mode == "update":
    for inc, at in grown:
        schedule(inc, tier, at=at)
elif mode == "deadline":
    for start in starts:
        deadline(start, reaction)
"""


def instructions(mode: str, n: int, events: int, layout: int = 0) -> int:
    """Instructions valgrind counts for the child in ``mode``, in memory ``layout``."""
    here = str(Path(__file__).resolve().parent)
    return valgrind_count(_CHILD, mode, str(n), str(events), here, layout=layout)


_MODES = ("none", "schedule", "update", "cold", "deadline")


def count_instructions(n: int, events: int, layouts: int) -> int:
    """Print instructions per call of ``schedule`` and ``deadline`` and their ratio.

    Each mode is counted in ``layouts`` memory layouts (``_valgrind.instructions``),
    two children at a time; a layout's passes are counted against its own run that
    makes no call, and each figure is the median over the layouts.
    """
    if shutil.which("valgrind") is None:
        print("valgrind is not installed (Debian: apt install valgrind)", file=sys.stderr)
        return 2
    jobs = [(mode, layout) for layout in range(layouts) for mode in _MODES]
    with ThreadPoolExecutor(2) as pool:  # valgrind counts, so two at once change nothing
        counted = dict(
            zip(
                jobs,
                pool.map(lambda job: instructions(job[0], n, events, job[1]), jobs),
                strict=True,
            )
        )
    per: dict[str, list[float]] = {mode: [] for mode in _MODES[1:]}
    for layout in range(layouts):
        base = counted["none", layout]
        for mode, values in per.items():
            values.append((counted[mode, layout] - base) / n)
    if min(min(values) for values in per.values()) <= 0:  # drowned in the run's own noise
        print(f"too few incidents ({n}) to count a call; use --n 2000", file=sys.stderr)
        return 2
    mid = {mode: median(values) for mode, values in per.items()}

    def spread(mode: str) -> str:
        low, high = min(per[mode]), max(per[mode])
        return f"[{low:,.0f}-{high:,.0f}]" if layouts > 1 else ""

    one = mid["deadline"]
    print(
        f"# instructions per call, one warm pass over {n} incidents of {events} events, SLA-2"
        f" (median of {layouts} memory layouts, [lowest-highest])"
    )
    print(f"Calendar.deadline          {one:10,.0f}  {spread('deadline')}")
    for mode, name, note in (
        ("schedule", "slaclock.schedule(at=...)", "one deadline"),
        ("update", "  after with_events", "a ticket update"),
        ("cold", "  on an incident not seen", "rebuilt, for scale"),
    ):
        print(f"{name:26} {mid[mode]:10,.0f}  {spread(mode)}  ({mid[mode] / one:.2f}x; {note})")
    for what, mode in (("helpdesk call", "schedule"), ("call after an update", "update")):
        value = mid[mode] / one
        verdict = "PASS" if value <= GOAL_RATIO else "FAIL"
        each = ", ".join(f"{a / b:.2f}x" for a, b in zip(per[mode], per["deadline"], strict=True))
        layout_note = f" (layout by layout: {each})" if layouts > 1 else ""
        print(f"{verdict}  {what} <= {GOAL_RATIO:g}x one deadline: {value:.2f}x{layout_note}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=2000, help="incidents (2000)")
    parser.add_argument("--events", type=int, default=10, help="events per incident (10)")
    parser.add_argument("--repeats", type=int, default=5, help="timed runs, best kept (5)")
    parser.add_argument("--tier", default="SLA-2", help="tier of the default catalog (SLA-2)")
    parser.add_argument("--json", type=Path, help="also write the results here as JSON")
    parser.add_argument(
        "--instructions",
        action="store_true",
        help="count instructions with valgrind instead of timing (minutes)",
    )
    parser.add_argument(
        "--layouts",
        type=int,
        default=3,
        help="with --instructions: memory layouts counted, the median kept (3)",
    )
    opts = parser.parse_args(argv)
    if opts.layouts < 1:
        parser.error(f"--layouts {opts.layouts}: expected 1 or more")
    if opts.instructions:
        return count_instructions(opts.n, opts.events, opts.layouts)

    tier = slaclock.default_catalog().tiers[opts.tier]
    cal = tier.calendar
    incidents = []
    raw = []
    for record in records(opts.n, events=opts.events, seed=11):
        record["third_party"] = False  # every incident covered: the clocks run
        raw.append(record)
        incidents.append(slaclock.Incident.from_dict(record))
    ats = [inc.events[-1].at + timedelta(minutes=1) for inc in incidents]
    starts = [inc.events[0].at for inc in incidents]
    events = sum(len(inc.events) for inc in incidents) / len(incidents)
    wrong = 0
    for inc, at in zip(incidents, ats, strict=True):
        plan, full = slaclock.schedule(inc, tier, at=at), slaclock.evaluate(inc, tier, at=at)
        # An overdue schedule names the late clock, which evaluate's next_due skips.
        due = None if plan.overdue else plan.next_due
        wrong += (due, plan.breached_so_far) != (full.next_due, full.breached)

    schedule_us, _ = per_op_us(
        lambda inc, at: slaclock.schedule(inc, tier, at=at),
        list(zip(incidents, ats, strict=True)),
        repeats=opts.repeats,
    )
    deadline_us, _ = per_op_us(
        cal.deadline, [(s, tier.reaction) for s in starts], repeats=opts.repeats
    )
    evaluate_us, _ = per_op_us(
        lambda inc, at: slaclock.evaluate(inc, tier, at=at),
        list(zip(incidents, ats, strict=True)),
        repeats=opts.repeats,
    )
    from_dict_us, _ = per_op_us(
        lambda record, _: slaclock.Incident.from_dict(record),
        [(record, None) for record in raw],
        repeats=opts.repeats,
    )
    ratio = schedule_us / deadline_us
    print(f"# helpdesk call: {opts.n} incidents, {events:.1f} events each, {opts.tier}")
    print(f"Calendar.deadline          {deadline_us:8.2f} µs")
    print(f"slaclock.schedule(at=...)  {schedule_us:8.2f} µs  ({ratio:.1f}x one deadline)")
    print(f"slaclock.evaluate(at=...)  {evaluate_us:8.2f} µs  (for scale)")
    print(f"Incident.from_dict(record) {from_dict_us:8.2f} µs  (building the incident, for scale)")
    print(f"schedule answers differing from evaluate: {wrong}")
    ok = ratio <= GOAL_RATIO and wrong == 0
    print(
        f"{'PASS' if ok else 'FAIL'}  helpdesk call <= {GOAL_RATIO:g}x one deadline: {ratio:.1f}x"
    )
    if opts.json:
        opts.json.write_text(
            json.dumps(
                {
                    "deadline_us": deadline_us,
                    "schedule_us": schedule_us,
                    "evaluate_us": evaluate_us,
                    "from_dict_us": from_dict_us,
                    "wrong": wrong,
                    "ratio": ratio,
                    "ok": ok,
                },
                indent=2,
            )
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
