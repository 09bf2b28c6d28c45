"""The ``slaclock`` command line: calendar queries, incident evaluation, sample data.

``python -m slaclock deadline START DURATION`` and ``python -m slaclock elapsed
START END`` answer on the default catalog's Moscow calendar (or ``--calendar``
FILE / ``--catalog`` FILE with ``--calendar-name``).  Every bad input ends with a
one-line message naming the value, never a traceback: status 2 for a bad
command line (an unreadable instant or duration, an unknown tier or calendar
name), status 1 for bad or unreadable data (an incidents, calendar or catalog
file).

Only public modules are used here, so the command line shows what the library
offers every caller.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import slaclock
from slaclock import Calendar, format_duration, parse_duration
from slaclock import parse_instant as read_instant
from slaclock.errors import SlaclockError, shorten

if TYPE_CHECKING:
    from slaclock import BudgetUsage, Incident, Tier

__all__ = ["build_parser", "main"]

_T = TypeVar("_T")

Handler = Callable[[argparse.Namespace], int]


class _UsageError(Exception):
    """A bad command-line value (exit status 2), as opposed to bad data (status 1)."""


def _usage(parse: Callable[[], _T]) -> _T:
    try:
        return parse()
    except SlaclockError as error:
        raise _UsageError(str(error)) from None


def _answer(compute: Callable[[], _T]) -> _T:
    """A calendar answer for command-line values; one it cannot give is a usage error.

    An instant in year 1 or 9999, or a deadline past the years the calendars cover,
    is a value typed on the command line, refused in one line like any other.
    """
    try:
        return compute()
    except SlaclockError as error:
        raise _UsageError(str(error)) from None
    except (ValueError, OverflowError) as error:
        raise _UsageError(f"cannot answer for these instants: {error}") from None


def parse_instant(text: str, *, name: str = "instant") -> datetime:
    """An aware datetime from ISO 8601 text with an offset (``Z`` allowed); naive text is refused."""
    return read_instant(text, name=name)


def _calendar(args: argparse.Namespace) -> Calendar:
    if args.calendar_file is not None:
        return Calendar.load(args.calendar_file)
    from slaclock import default_catalog, load_catalog

    catalog = load_catalog(args.catalog) if args.catalog is not None else default_catalog()
    name = args.calendar_name or next(iter(catalog.calendars))
    if name not in catalog.calendars:
        known = ", ".join(catalog.calendars)
        raise _UsageError(f"no calendar {name!r} in the catalog; known: {known}")
    return catalog.calendars[name]


def _deadline(args: argparse.Namespace) -> int:
    start = _usage(lambda: parse_instant(args.start, name="start"))
    duration = _usage(lambda: parse_duration(args.duration, path="duration"))
    calendar = _calendar(args)
    print(_answer(lambda: calendar.deadline(start, duration)).isoformat())
    return 0


def _elapsed(args: argparse.Namespace) -> int:
    start = _usage(lambda: parse_instant(args.start, name="start"))
    end = _usage(lambda: parse_instant(args.end, name="end"))
    calendar = _calendar(args)
    print(format_duration(_answer(lambda: calendar.elapsed(start, end))))
    return 0


def _evaluate(args: argparse.Namespace) -> int:
    import json
    from importlib.resources import as_file, files

    from slaclock import (
        default_catalog,
        evaluate,
        load_catalog,
        read_incidents,
    )
    from slaclock.display import format_table
    from slaclock.errors import SlaclockValueError

    at = _usage(lambda: parse_instant(args.at, name="--at")) if args.at is not None else None
    catalog = load_catalog(args.catalog) if args.catalog is not None else default_catalog()
    if args.tier is not None and args.tier not in catalog.tiers:
        known = ", ".join(catalog.tiers)
        raise _UsageError(f"no tier {args.tier!r} in the catalog; known: {known}")
    source = files("slaclock").joinpath("data", "example_incidents.jsonl")
    with as_file(source) as example:
        path = args.file if args.file is not None else example
        try:
            # Same opening as read_incidents(path): bad bytes are one line's error.
            with open(path, encoding="utf-8", errors="surrogateescape", newline="\n") as handle:
                counted = _Counted(handle)
                reader = read_incidents(counted, vocabulary=catalog.vocabulary)  # type: ignore[arg-type]
                incidents = [(inc, counted.number) for inc in reader]
        except OSError as error:
            raise SlaclockValueError(
                f"cannot read incidents file {str(path)!r}: {error.strerror}"
            ) from None
    results = []
    by_tier: dict[str, list[Incident]] = {}
    for incident, line in incidents:
        name = args.tier or incident.tier or "SLA-2"
        if name not in catalog.tiers:
            known = ", ".join(catalog.tiers)
            named = (
                f"names tier {name!r}, which is not in the catalog"
                if incident.tier is not None
                else f"names no tier, and the catalog has no {name!r} to fall back on; "
                "add a 'tier' field or pass --tier"
            )
            raise SlaclockValueError(
                f"line {line}: incident {incident.id!r} {named}; known: {known}"
            )
        # A log that changes tier is measured on each tier in turn, from the catalog
        # (unless --tier asks for one tier, which such a log refuses).
        moves = [e.tier for e in incident.events if e.tier is not None]
        try:
            if moves and args.tier is None:
                own = incident if incident.tier == name else incident.replace(tier=name)
                results.append(evaluate(own, catalog, at=at))
            else:
                results.append(evaluate(incident, catalog.tiers[name], at=at))
        except (SlaclockError, ValueError, OverflowError) as error:
            hint = " (leave out --tier to measure it on each tier in turn)" if moves else ""
            raise SlaclockValueError(
                f"line {line}: incident {incident.id!r}: {error}{hint}"
            ) from None
        for each in dict.fromkeys([name, *moves]):  # budgets count the work on each tier
            if each in catalog.tiers:
                by_tier.setdefault(each, []).append(incident)
    budget_lines: list[tuple[str, str, BudgetUsage]] = []
    for name, group in by_tier.items():
        tier = catalog.tiers[name]
        if tier.budget is not None:
            budget_lines.extend(_budget_lines(tier, group, at))
    if args.json:
        for result in results:
            print(json.dumps(result.to_dict(), ensure_ascii=False))
    elif args.explain:
        print("\n\n".join(result.explain() for result in results))
    else:
        print(format_table(results, budgets=budget_lines))
    return 0


def _sample(args: argparse.Namespace) -> int:
    import json

    from slaclock import default_catalog, load_catalog
    from slaclock.analysis import sample_records

    catalog = load_catalog(args.catalog) if args.catalog is not None else default_catalog()
    records = _usage(lambda: sample_records(args.incidents, seed=args.seed, catalog=catalog))
    write = sys.stdout.write
    for record in records:
        write(json.dumps(record, ensure_ascii=False) + "\n")
    return 0


def _count(text: str) -> int:
    """A number of incidents as typed: 1000, 1_000 or 1,000."""
    try:
        return int(text.replace(",", "").replace("_", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a whole number of incidents, like 1000"
        ) from None


def _budget_lines(
    tier: Tier, incidents: list[Incident], at: datetime | None
) -> list[tuple[str, str, BudgetUsage]]:
    """One budget line per month with work and per contract (else customer) of a tier.

    A log that names no contract or customer gives one line per month, pooled.
    """
    from slaclock import budgets

    worked: dict[str, list[Incident]] = {}  # the incidents of each month with work
    for incident in incidents:
        for month in sorted(
            {
                f"{e.at.astimezone(tier.calendar.zone):%Y-%m}"
                for e in incident.events
                if e.kind == "work_logged"
                and (at is None or e.at.astimezone(UTC) <= at.astimezone(UTC))
            }
        ):
            worked.setdefault(month, []).append(incident)
    contracts = {incident.contract for incident in incidents}
    pooled = all(i.contract is None and i.customer is None for i in incidents)
    lines = []
    for month in sorted(worked):
        for key, usage in budgets(tier, worked[month], month=month, at=at).items():
            if key is None:
                label = tier.id if pooled else f"{tier.id} (no contract or customer)"
            elif key in contracts:
                label = f"{tier.id} contract {key!r}"
            else:
                label = f"{tier.id} customer {key!r} (no contract)"
            lines.append((label, month, usage))
    return lines


class _Counted:
    """The lines of a handle, counting them: the number of the line last read."""

    def __init__(self, handle: Iterator[str]) -> None:
        self._handle = handle
        self.number = 0

    def __iter__(self) -> Iterator[str]:
        for number, line in enumerate(self._handle, start=1):
            self.number = number
            yield line


def _add_calendar_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("calendar (default: the default catalog's Moscow calendar)")
    group.add_argument(
        "--calendar",
        dest="calendar_file",
        type=Path,
        metavar="FILE",
        help="a calendar spec in a .toml or .json file",
    )
    group.add_argument(
        "--catalog",
        type=Path,
        metavar="FILE",
        help="a catalog file; its first calendar unless --calendar-name",
    )
    group.add_argument("--calendar-name", metavar="NAME", help="a calendar of the catalog")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="slaclock",
        description="Exact SLA clocks: deadlines, elapsed business time and breaches.",
    )
    parser.add_argument("--version", action="version", version=f"slaclock {slaclock.__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    deadline = commands.add_parser(
        "deadline",
        help="when DURATION of working time after START is due",
        description="Print the earliest instant by which DURATION of working time has passed "
        "since START (negative DURATION counts backwards).",
    )
    deadline.add_argument("start", help="ISO 8601 instant with offset, e.g. 2026-11-27T17:30+03:00")
    # nargs="?": a negative duration (-PT1H) looks like an option to argparse, and
    # main() takes it from the unrecognised arguments (so "--" is not needed).
    deadline.add_argument("duration", nargs="?", help="PT2H, 2h, 1h30m, -PT1H ...")
    _add_calendar_options(deadline)
    deadline.set_defaults(handler=_deadline)

    elapsed = commands.add_parser(
        "elapsed",
        help="working time between START and END",
        description="Print the working time between two instants as an ISO 8601 duration.",
    )
    elapsed.add_argument("start", help="ISO 8601 instant with offset")
    elapsed.add_argument("end", help="ISO 8601 instant with offset")
    _add_calendar_options(elapsed)
    elapsed.set_defaults(handler=_elapsed)

    evaluate = commands.add_parser(
        "evaluate",
        help="evaluate incidents (JSON Lines) on SLA tiers: cycles, due instants, breaches",
        description="Evaluate each incident on --tier, else on the tier named in its record's 'tier' "
        "field, else SLA-2, and print a table of reaction cycles, due instants and "
        "breaches. Without FILE the bundled example log is used; without --catalog the "
        "default catalog.",
    )
    evaluate.add_argument(
        "file", nargs="?", type=Path, help="incidents as JSON Lines (default: the bundled example)"
    )
    evaluate.add_argument("--catalog", type=Path, metavar="FILE", help="a catalog .toml/.json")
    evaluate.add_argument(
        "--tier",
        metavar="ID",
        help="evaluate every incident on this tier (default: each record's own 'tier', else SLA-2)",
    )
    evaluate.add_argument("--at", metavar="INSTANT", help="evaluate as of this ISO 8601 instant")
    output = evaluate.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="one JSON result per line")
    output.add_argument("--explain", action="store_true", help="explain every clock in words")
    evaluate.set_defaults(handler=_evaluate)

    sample = commands.add_parser(
        "sample",
        help="write realistic sample incidents as JSON Lines (the same for a seed)",
        description="Write N synthetic incident records as JSON Lines to standard output: "
        "customers and contracts on the catalog's tiers, arrivals peaking in working hours, "
        "answers, pending periods, reopens, work logs. The same --seed gives the same records.",
    )
    sample.add_argument(
        "--incidents", type=_count, default=1000, metavar="N", help="how many (default 1000)"
    )
    sample.add_argument("--seed", type=int, default=0, help="the seed (default 0)")
    sample.add_argument("--catalog", type=Path, metavar="FILE", help="a catalog .toml/.json")
    sample.set_defaults(handler=_sample)

    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (0 ok, 1 bad data, 2 bad usage)."""
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if (
        args.command == "deadline"
        and args.duration is None
        and extra[:1]
        and _NEGATIVE.fullmatch(extra[0])
    ):
        args.duration = extra.pop(0)
    if extra:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    if args.command == "deadline" and args.duration is None:
        parser.error("deadline: the following arguments are required: duration")
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 2
    try:
        code = handler(args)
        sys.stdout.flush()  # a closed pipe shows here, not at exit
        return code
    except BrokenPipeError:
        # The reader left (``| head``): stop quietly, as the Python docs advise; point
        # stdout at devnull so the interpreter's own flush at exit does not fail again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141  # 128 + SIGPIPE, what a shell reports for a program ended by the pipe
    except _UsageError as error:
        print(f"slaclock: error: {error}", file=sys.stderr)
        return 2
    except SlaclockError as error:
        print(f"slaclock: error: {error}", file=sys.stderr)
        return 1
    except KeyError as error:
        print(f"slaclock: error: {error.args[0] if error.args else error}", file=sys.stderr)
        return 1
    except OSError as error:
        # A file named on the command line that cannot be read or written: say which.
        where = f"{error.filename}: " if error.filename is not None else ""
        print(f"slaclock: error: {where}{error.strerror or error}", file=sys.stderr)
        return 1
    except (ValueError, OverflowError, RecursionError) as error:
        # Whatever input a check above missed: still one line, never a traceback.
        print(f"slaclock: error: {shorten(str(error))}", file=sys.stderr)
        return 1


# A negative duration as typed: "-PT1H", "-1h30m", "-90m".
_NEGATIVE = re.compile(r"-(?:P|\d)[^=\s]*", re.IGNORECASE)
