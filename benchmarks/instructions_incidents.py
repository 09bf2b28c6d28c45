"""Instructions an incident in ``slaclock.analysis.evaluate_jsonl``, counted by valgrind.

    python benchmarks/instructions_incidents.py            # 10,000 incidents, each engine and decoder
    python benchmarks/instructions_incidents.py --n 2000   # quicker
    python benchmarks/instructions_incidents.py --n 1000 --engines python --decoders orjson --parts
    python benchmarks/instructions_incidents.py --n 1000 --realistic --tiers pause,update,levels
    python benchmarks/instructions_incidents.py --realistic --stretch 20000:60000 --engines numpy

Seconds on a shared machine move by 10% and more from one hour to the next; the
number of instructions a pass executes does not, so this is the measure to compare
two versions of the reader with.  For each engine (numpy's chunks, line by line)
and decoder (orjson, json) the script runs the reader
twice under ``valgrind --tool=cachegrind`` on the same fixed-seed incidents (the
workload of ``bench_incidents.py``): once warming the caches, once warming them
and then reading everything again, with ``PYTHONHASHSEED=0``.  The difference,
divided by the number of incidents, is the cost of one warm pass an incident.
``--engines`` and ``--decoders`` pick what to count; ``--parts`` also counts, for
each decoder, a pass that only decodes the JSON and one that also runs the line
engine's ``decode`` (text to kinds and instants), so the JSON, ``decode`` and the
row with its assessment each get a figure of their own.  ``--realistic`` counts the
records of ``slaclock.analysis.sample_records`` instead (pending periods, reopens,
work logs, owners; seed 0), and ``--tiers`` counts SLA-2 as it is (``plain``) and
with the options that give its clocks more to do: ``pause``
(``pause_reaction_when_pending``), ``resolution`` (a PT40H resolution target),
``update`` (PT8H update cycles) and ``levels`` (escalations at 50% and 100%).
``--stretch LO:HI`` counts a stretch of one cold pass instead, as a real run meets
it (programs compiled as new sequences come, caches filling): each record on its
own tier of the default catalog, the difference of a run that reads the first
``LO`` records and one that reads the first ``HI``, divided by ``HI - LO``.

Needs valgrind on the PATH (Debian's ``valgrind`` package); it installs nothing.
Its smoke test in ``tests/test_benchmarks.py`` is marked ``valgrind`` and left out
of a plain ``pytest`` run and CI (it takes minutes): ``pytest -m valgrind`` runs it.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _valgrind import instructions as count_instructions

_CHILD = """
import sys
import slaclock
from slaclock.analysis import evaluate_jsonl

path, engine, decoder, passes = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
catalog = slaclock.default_catalog()
tier = catalog.tiers["SLA-2"]
tier = {
    "plain": tier,
    "pause": tier.replace(pause_reaction_when_pending=True),
    "resolution": tier.replace(resolution="PT40H"),
    "update": tier.replace(update="PT8H"),
    "levels": tier.replace(escalations=("50%", "100%")),
    "catalog": catalog,
}[sys.argv[5]]
lines = open(path, encoding="utf-8").readlines()[: int(sys.argv[6])]
if engine in ("loads", "decode"):  # the parts: the JSON only, or the JSON and decode
    import json.scanner
    from slaclock.analysis._decode import decode
    if decoder == "json":  # json's own C scanner, as the engines call it
        scan = json.scanner.make_scanner(json.JSONDecoder())
        loads = lambda line: scan(line, 0)[0]
    else:
        loads = __import__("orjson").loads
    for _ in range(passes):
        if engine == "loads":
            for line in lines:
                loads(line)
        else:
            for line in lines:
                decode(loads(line), line)
else:
    for _ in range(passes):
        for row in evaluate_jsonl(lines, tier, engine=engine, decoder=decoder):
            pass
"""


TIERS = ("plain", "pause", "resolution", "update", "levels")


def instructions(
    path: str, engine: str, decoder: str, passes: int, tier: str = "plain", lines: int = -1
) -> int:
    """Instructions valgrind counts for ``passes`` passes over the file (its first ``lines``)."""
    return count_instructions(_CHILD, path, engine, decoder, str(passes), tier, str(lines))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=10_000, help="incidents (10000)")
    parser.add_argument(
        "--engines", default="numpy,python", help="engines to count, of numpy,python (both)"
    )
    parser.add_argument(
        "--decoders", default="orjson,json", help="decoders to count, of orjson,json (both)"
    )
    parser.add_argument(
        "--parts",
        action="store_true",
        help="also count the JSON alone and the JSON with decode, per decoder",
    )
    parser.add_argument(
        "--realistic",
        action="store_true",
        help="analysis.sample_records' logs (seed 0) instead of the plain workload",
    )
    parser.add_argument(
        "--tiers",
        default="plain",
        help=f"SLA-2 as it is and with options, of {','.join(TIERS)} (plain)",
    )
    parser.add_argument(
        "--stretch",
        metavar="LO:HI",
        help="with --realistic: records LO to HI of one cold pass, each on its catalog tier",
    )
    opts = parser.parse_args(argv)
    stretch = _stretch(parser, opts.stretch) if opts.stretch else None
    if stretch is not None and not opts.realistic:
        parser.error("--stretch counts the realistic records: give --realistic too")
    asked_tiers = _choices(parser, "--tiers", opts.tiers, TIERS)
    asked_engines = _choices(parser, "--engines", opts.engines, ("numpy", "python"))
    asked_decoders = _choices(parser, "--decoders", opts.decoders, ("orjson", "json"))
    if shutil.which("valgrind") is None:
        print("valgrind is not installed (Debian: apt install valgrind)", file=sys.stderr)
        return 2
    from _incidents import write_jsonl

    installed = {name: importlib.util.find_spec(name) is not None for name in ("numpy", "orjson")}
    decoders = [name for name in asked_decoders if name == "json" or installed[name]]
    engines = [name for name in asked_engines if name == "python" or installed[name]]
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "incidents.jsonl")
        if opts.realistic:
            from bench_incidents import write_realistic

            write_realistic(path, opts.n if stretch is None else stretch[1])
        else:
            write_jsonl(path, opts.n)
        if stretch is not None:
            lo, hi = stretch
            print(f"# instructions an incident, records {lo} to {hi} of one cold pass, catalog")
            for engine in engines:
                for decoder in decoders:
                    one = instructions(path, engine, decoder, 1, "catalog", lo)
                    two = instructions(path, engine, decoder, 1, "catalog", hi)
                    print(f"evaluate_jsonl ({engine}, {decoder}): {(two - one) / (hi - lo):,.0f}")
            return 0
        workload = "sample_records' " if opts.realistic else ""
        print(
            f"# instructions an incident, one warm pass over {opts.n} {workload}incidents on SLA-2"
        )
        for tier in asked_tiers:
            for engine in engines:
                for decoder in decoders:
                    one = instructions(path, engine, decoder, 1, tier)
                    two = instructions(path, engine, decoder, 2, tier)
                    where = "" if tier == "plain" else f", {tier}"
                    print(
                        f"evaluate_jsonl ({engine}, {decoder}{where}): {(two - one) / opts.n:,.0f}"
                    )
        if opts.parts:
            for decoder in decoders:
                for part, what in (("loads", "the JSON alone"), ("decode", "the JSON and decode")):
                    one = instructions(path, part, decoder, 1)
                    two = instructions(path, part, decoder, 2)
                    print(f"{what} ({decoder}): {(two - one) / opts.n:,.0f}")
    return 0


def _stretch(parser: argparse.ArgumentParser, text: str) -> tuple[int, int]:
    """``LO:HI`` as two record counts, ``0 <= LO < HI``; anything else is an error."""
    lo, _, hi = text.partition(":")
    if lo.strip().isdigit() and hi.strip().isdigit() and int(lo) < int(hi):
        return int(lo), int(hi)
    parser.error(f"--stretch {text!r}: expected LO:HI, two record counts with LO < HI")


def _choices(
    parser: argparse.ArgumentParser, option: str, text: str, known: tuple[str, ...]
) -> list[str]:
    """The names of a comma-separated option, in the known order; an unknown one is an error."""
    names = [name.strip() for name in text.split(",") if name.strip()]
    unknown = [name for name in names if name not in known]
    if unknown or not names:
        parser.error(f"{option} {text!r}: expected names among {', '.join(known)}")
    return [name for name in known if name in names]


if __name__ == "__main__":
    raise SystemExit(main())
