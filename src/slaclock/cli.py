"""The ``slaclock`` command line: calendar queries, incident evaluation, budgets, sample data.

``python -m slaclock deadline START DURATION`` and ``python -m slaclock elapsed
START END`` answer on the default catalog's Moscow calendar (or ``--calendar``
FILE / ``--catalog`` FILE with ``--calendar-name``).  ``evaluate``, ``budget``
and ``sample`` work on incident logs as JSON Lines (``-`` reads standard input).
Every command takes ``--format table|json|csv``: an aligned table for people,
JSON Lines (one object per row) or CSV (a header, then one line per row), with
instants and durations as ISO 8601 in the last two.

Every bad input ends with a one-line message naming the value, never a
traceback: status 2 for a bad command line (an unreadable instant or duration,
an unknown tier or calendar name), status 1 for bad or unreadable data (the
line named), 130 when interrupted.  ``--errors collect`` reports every bad line
of a log (on standard error, with a count at the end, status 1) and goes on.

Only public modules are used here, so the command line shows what the library
offers every caller.  ``docs/howto-cli.md`` shows every command.
"""

from __future__ import annotations

import argparse
import importlib
import io
import os
import re
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Literal, TextIO, TypeVar
from zoneinfo import ZoneInfo

import slaclock
from slaclock import Calendar, IncidentError, format_duration, parse_duration
from slaclock import parse_instant as read_instant
from slaclock.errors import SlaclockError, SlaclockValueError, shorten

if TYPE_CHECKING:
    from slaclock import Catalog, Incident, Tier
    from slaclock.analysis import Summary

__all__ = ["build_parser", "main"]

_T = TypeVar("_T")

Handler = Callable[[argparse.Namespace], int]

_FORMATS = ("table", "json", "csv")
_STDIN = "-"


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


# --------------------------------------------------------------------------- inputs


def _stdin_text() -> str:
    """All of standard input as text; bytes that are not UTF-8 are refused by the reader."""
    buffer = getattr(sys.stdin, "buffer", None)
    if buffer is None:
        return sys.stdin.read()
    return buffer.read().decode("utf-8", errors="surrogateescape")  # type: ignore[no-any-return]


def _spec_text(name: str) -> tuple[str, Literal["toml", "json"]]:
    """A catalog or calendar given as ``-``: its text and form (a JSON object opens with '{')."""
    text = _stdin_text()
    return text, "json" if text.lstrip().startswith("{") else "toml"


def _load_catalog(path: str | None) -> Catalog:
    from slaclock import default_catalog, load_catalog, load_catalog_text

    if path is None:
        return default_catalog()
    if path == _STDIN:
        text, form = _spec_text(path)
        return load_catalog_text(text, format=form, source="<stdin>")
    return load_catalog(Path(path))


def _calendar(args: argparse.Namespace) -> Calendar:
    if args.calendar_file is not None:
        if args.calendar_file == _STDIN:
            text, form = _spec_text(args.calendar_file)
            return Calendar.from_json(text) if form == "json" else Calendar.from_toml(text)
        return Calendar.load(args.calendar_file)
    catalog = _load_catalog(args.catalog)
    name = args.calendar_name or next(iter(catalog.calendars))
    if name not in catalog.calendars:
        known = ", ".join(catalog.calendars)
        raise _UsageError(f"no calendar {name!r} in the catalog; known: {known}")
    return catalog.calendars[name]


def _one_stdin(*names: str | None) -> None:
    if sum(name == _STDIN for name in names) > 1:
        raise _UsageError("standard input ('-') can be read once: give the other inputs as files")


class _Progress:
    """A progress bar on standard error for a long input: tqdm when installed, else one line.

    Shown only when standard error is a terminal, and only once ``_LONG`` characters
    have been read (a short input finishes before a bar would help); never on a pipe.
    """

    _LONG = 8 << 20  # about 13,000 incidents
    _EVERY = 1024  # lines between two looks at the bar

    def __init__(self, stream: TextIO, total: int | None) -> None:
        self._stream = stream
        self._total = total
        self._shown = _is_terminal(stream)
        self._bar: Any = None
        self._plain = False
        self._drawn = 0.0  # when the plain line was last drawn

    def lines(self, handle: Iterable[str]) -> Iterator[str]:
        """The lines of ``handle``, moving the bar as they are read."""
        read = 0
        for lines, line in enumerate(handle, start=1):
            yield line
            read += len(line)
            if self._shown and lines % self._EVERY == 0:
                self._move(read)

    def _move(self, read: int) -> None:
        if self._bar is None and not self._plain:
            if read < self._LONG:
                return
            self._start(read)
        if self._bar is not None:
            self._bar.update(read - self._bar.n)
            return
        now = time.monotonic()
        if now - self._drawn >= 0.25:
            self._drawn = now
            of = "" if not self._total else f" of {self._total / 1e6:.1f} MB"
            share = "" if not self._total else f" ({min(read / self._total, 1):.0%})"
            self._stream.write(f"\rslaclock: read {read / 1e6:.1f} MB{of}{share}\033[K")
            self._stream.flush()

    def _start(self, read: int) -> None:
        try:
            tqdm: Any = importlib.import_module("tqdm").tqdm  # the progress extra
        except ImportError:
            self._plain = True
            return
        self._bar = tqdm(
            total=self._total,
            initial=read,
            unit="B",
            unit_scale=True,
            desc="slaclock: reading",
            file=self._stream,
            leave=False,
            dynamic_ncols=True,
        )

    def clear(self) -> None:
        """Take the bar off the terminal (before a message, and at the end)."""
        if self._bar is not None:
            self._bar.close()
            self._bar = None
        elif self._plain:
            self._stream.write("\r\033[K")
            self._stream.flush()
            self._drawn = 0.0


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


class _Feed:
    """One incident log of the command line: its lines, a progress bar, and its bad lines.

    With ``--errors stop`` the first bad line raises; with ``collect`` each is
    written to standard error as it is met and counted; :meth:`status` then says
    how many, and the exit status.
    """

    def __init__(self, name: str, errors: str) -> None:
        self.name = name
        self.collect = errors == "collect"
        self.number = 0  # the number of the line last read
        self.bad_lines = 0
        self.good = 0
        self._reported = 0  # errors of the library's collection written so far
        self._handle: TextIO | None = None
        self._own = True
        self._progress: _Progress | None = None

    def __enter__(self) -> _Feed:
        total: int | None = None
        if self.name == _STDIN:
            buffer = getattr(sys.stdin, "buffer", None)
            if buffer is None:
                self._handle, self._own = sys.stdin, False
            else:
                # Same reading as a path: bad bytes are one line's error, lines end at LF.
                self._handle = io.TextIOWrapper(
                    buffer, encoding="utf-8", errors="surrogateescape", newline="\n"
                )
        else:
            try:
                self._handle = open(
                    self.name, encoding="utf-8", errors="surrogateescape", newline="\n"
                )
                size = os.fstat(self._handle.fileno()).st_size
                total = size or None
            except OSError as error:
                what = (
                    "it is a directory"
                    if isinstance(error, IsADirectoryError)
                    else error.strerror or str(error)
                )
                raise SlaclockValueError(
                    f"cannot read incidents file {self.name!r}: {what}; "
                    "expected a JSON Lines file, or '-' for standard input"
                ) from None
        self._progress = _Progress(sys.stderr, total)
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._progress is not None:
            self._progress.clear()
        handle = self._handle
        if handle is not None:
            if not self._own:
                return
            if isinstance(handle, io.TextIOWrapper) and self.name == _STDIN:
                handle.detach()  # standard input stays open for the interpreter
            else:
                handle.close()

    def lines(self) -> Iterator[str]:
        """The log's lines, counted, moving the progress bar; a directory is refused here."""
        assert self._handle is not None and self._progress is not None
        try:
            for line in self._progress.lines(self._handle):
                self.number += 1
                yield line
        except IsADirectoryError:
            raise SlaclockValueError(
                f"cannot read incidents file {self.name!r}: it is a directory; "
                "expected a JSON Lines file, or '-' for standard input"
            ) from None
        except OSError as error:
            raise SlaclockValueError(
                f"cannot read incidents file {self.name!r}: {error.strerror or error}"
            ) from None

    def incidents(self, catalog: Catalog) -> Iterator[Incident]:
        """The log's incidents, read with the catalog's vocabulary; bad lines as :meth:`bad`."""
        from slaclock import read_incidents

        # Lines of text, as a handle gives them: the reader iterates, nothing more.
        reader = read_incidents(
            self.lines(),  # type: ignore[arg-type]
            vocabulary=catalog.vocabulary,
            errors="collect" if self.collect else "raise",
        )
        for incident in reader:
            self.take(reader.errors.errors)
            yield incident
        self.take(reader.errors.errors)

    def bad(self, error: IncidentError) -> None:
        """One bad line: raised with ``--errors stop``, written and counted with ``collect``."""
        if not self.collect:
            raise error
        self.say(f"slaclock: error: {_worded(error)}")
        self.bad_lines += 1

    def take(self, collected: Sequence[IncidentError]) -> None:
        """Write the errors a library reader collected since the last call."""
        while self._reported < len(collected):
            self.bad(collected[self._reported])
            self._reported += 1

    def say(self, text: str) -> None:
        if self._progress is not None:
            self._progress.clear()
        print(text, file=sys.stderr)

    def status(self) -> int:
        """0 when every line was read; else 1, after a count of the bad lines."""
        if not self.bad_lines:
            return 0
        where = "standard input" if self.name == _STDIN else repr(self.name)
        self.say(
            f"slaclock: {_plural(self.bad_lines, 'bad line')} of {where} left out; "
            f"{_plural(self.good, 'incident')} read"
        )
        return 1


def _worded(error: SlaclockError) -> str:
    """An error as the command line words it: the library's ``tier=`` is ``--tier`` here."""
    text = str(error)
    if isinstance(error, IncidentError) and error.path == "tier":
        text = text.replace("or pass tier=", "or pass --tier ID")
    if isinstance(error, IncidentError) and text.endswith("e.g. evaluate(incident, catalog)"):
        # A log that changes tier, evaluated with --tier: the remedy in this tool's words.
        text = text.replace(
            "so pass the catalog instead of a single tier, e.g. evaluate(incident, catalog)",
            "so leave out --tier to measure it on the catalog's tiers",
        )
    return text


def _tier_named(catalog: Catalog, name: str | None) -> Tier | None:
    if name is None:
        return None
    if name not in catalog.tiers:
        raise _UsageError(f"no tier {name!r} in the catalog; known: {', '.join(catalog.tiers)}")
    return catalog.tiers[name]


def _tier_of(catalog: Catalog, incident: Incident, line: int, named: Tier | None) -> Tier:
    """The tier an incident is evaluated on: ``--tier``, else its record's own; never a guess."""
    if named is not None:
        return named
    known = ", ".join(map(repr, catalog.tiers))
    if incident.tier is None:
        raise IncidentError(
            "the record names no tier; add a 'tier' field or pass --tier ID",
            path="tier",
            line=line,
            incident_id=incident.id,
        )
    if incident.tier not in catalog.tiers:
        raise IncidentError(
            f"unknown tier {incident.tier!r}; the catalog has {known}",
            path="tier",
            line=line,
            incident_id=incident.id,
        )
    return catalog.tiers[incident.tier]


def _on_line(error: IncidentError, line: int) -> IncidentError:
    """The library's error about one incident, placed on the file line it came from."""
    return IncidentError(
        error.reason,
        path=error.path,
        line=line,
        incident_id=error.incident_id,
        event_index=error.event_index,
    )


def _money(amounts: Sequence[Any], currencies: Sequence[str | None]) -> list[object]:
    """Costs in one form across a row: whole units, or cents once any amount has them."""
    cents = any(amount is not None and amount != int(amount) for amount in amounts)
    shown: list[object] = []
    for amount, currency in zip(amounts, currencies, strict=True):
        if amount is None:
            shown.append("-")
            continue
        text = f"{amount:,.2f}" if cents else f"{int(amount):,}"
        shown.append(f"{text} {currency}" if currency else text)
    return shown


def _moves(incident: Incident) -> list[str]:
    """The tiers a log changes to, in order (``tier_changed`` events)."""
    return [event.tier for event in incident.events if event.tier is not None]


def _at(args: argparse.Namespace) -> datetime | None:
    return None if args.at is None else _usage(lambda: parse_instant(args.at, name="--at"))


# --------------------------------------------------------------------------- outputs


def _write(
    args: argparse.Namespace, columns: Sequence[str], rows: Iterable[Sequence[object]]
) -> int:
    from slaclock.display import write_rows

    return write_rows(sys.stdout, columns, rows, format=args.format)


# Which columns of the analysis rows are instants and durations (microseconds there).
_INSTANTS = frozenset(
    ("opened", "first_due", "first_answered", "next_due", "resolution_due", "start", "due", "end")
)
_DURATIONS = frozenset(("first_taken", "worst_overdue", "target", "taken", "paused", "overdue"))


class _Values:
    """Rows of microseconds (analysis rows) as instants in a zone and durations."""

    def __init__(self, names: Sequence[str]) -> None:
        from slaclock.analysis import instant

        self._instant = instant
        self._instants = [i for i, name in enumerate(names) if name in _INSTANTS]
        self._durations = [i for i, name in enumerate(names) if name in _DURATIONS]

    def of(self, row: Sequence[Any], zone: ZoneInfo) -> list[object]:
        instant = self._instant
        values = list(row)
        for i in self._instants:
            values[i] = instant(values[i], zone)
        for i in self._durations:
            if values[i] is not None:
                values[i] = timedelta(microseconds=values[i])
        return values


class _Zones:
    """Each tier's calendar zone, and the zones met, for the table's note."""

    def __init__(self, catalog: Catalog) -> None:
        self._catalog = catalog
        self._zones: dict[str, ZoneInfo] = {}
        self.met: list[str] = []

    def of(self, tier: str) -> ZoneInfo:
        zone = self._zones.get(tier)
        if zone is None:
            zone = self._zones[tier] = self._catalog.tiers[tier].calendar.zone
            if zone.key not in self.met:
                self.met.append(zone.key)
        return zone

    def note(self) -> str:
        return f"Times are local to the tier calendars ({', '.join(self.met)})." if self.met else ""


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else ('es' if word.endswith('ch') else 's')}"


# --------------------------------------------------------------------------- commands


def _deadline(args: argparse.Namespace) -> int:
    start = _usage(lambda: parse_instant(args.start, name="start"))
    duration = _usage(lambda: parse_duration(args.duration, path="duration"))
    calendar = _calendar(args)
    due = _answer(lambda: calendar.deadline(start, duration))
    if args.format == "table":
        print(due.isoformat())
    else:
        _write(args, ("start", "duration", "deadline"), [(start, duration, due)])
    return 0


def _elapsed(args: argparse.Namespace) -> int:
    start = _usage(lambda: parse_instant(args.start, name="start"))
    end = _usage(lambda: parse_instant(args.end, name="end"))
    calendar = _calendar(args)
    worked = _answer(lambda: calendar.elapsed(start, end))
    if args.format == "table":
        print(format_duration(worked))
    else:
        _write(args, ("start", "end", "elapsed"), [(start, end, worked)])
    return 0


# The summary table's columns (JSON and CSV carry every field of the summary row).
_SUMMARY_SHOWN = (
    "incident",
    "tier",
    "covered",
    "cycles",
    "breaches",
    "first_due",
    "first_answered",
    "first_taken",
    "worst_overdue",
    "next_due",
    "at_risk",
    "resolution_due",
)


def _evaluate(args: argparse.Namespace) -> int:
    if args.explain and args.format != "table":
        raise _UsageError("--explain writes words; for --format json or csv use --cycles")
    at = _at(args)
    _one_stdin(args.file, args.catalog)
    catalog = _load_catalog(args.catalog)
    named = _tier_named(catalog, args.tier)
    if args.file is None:
        from importlib.resources import as_file, files

        with as_file(files("slaclock").joinpath("data", "example_incidents.jsonl")) as example:
            return _evaluate_log(args, str(example), catalog, named, at)
    return _evaluate_log(args, args.file, catalog, named, at)


def _evaluate_log(
    args: argparse.Namespace,
    name: str,
    catalog: Catalog,
    named: Tier | None,
    at: datetime | None,
) -> int:
    with _Feed(name, args.errors) as feed:
        if args.cycles or args.explain:
            _evaluate_in_full(args, feed, catalog, named, at)
        else:
            _evaluate_fast(args, feed, catalog, at)
    return feed.status()


def _evaluate_fast(
    args: argparse.Namespace, feed: _Feed, catalog: Catalog, at: datetime | None
) -> None:
    """One summary row per incident, by ``slaclock.analysis`` (the fast path)."""
    from slaclock.analysis import Summary, evaluate_jsonl

    reader = evaluate_jsonl(
        feed.lines(),
        catalog,
        tier=args.tier,
        at=at,
        errors="collect" if feed.collect else "raise",
    )
    zones = _Zones(catalog)
    totals = {"not covered": 0, "cycles": 0, "breaches": 0, "breached": 0}
    uncovered: list[Summary] = []
    fields = Summary._fields
    shown = [fields.index(name) for name in _SUMMARY_SHOWN]
    table = args.format == "table"
    names = _SUMMARY_SHOWN if table else fields

    values = _Values(names)

    def rows() -> Iterator[list[object]]:
        for summary in reader:
            feed.take(reader.errors.errors)
            feed.good += 1
            totals["cycles"] += summary.cycles
            totals["breaches"] += summary.breaches
            totals["breached"] += summary.breached
            if not summary.covered:
                totals["not covered"] += 1
                uncovered.append(summary)
            row = tuple(summary[i] for i in shown) if table else summary
            yield values.of(row, zones.of(summary.tier))
        feed.take(reader.errors.errors)

    _write(args, names, rows())
    if table:
        lines = ["", *filter(None, [zones.note()])]
        for summary in uncovered[:_LISTED]:
            lines.append(f"Not covered: {summary.incident} on {summary.tier}: {summary.reason}.")
        if len(uncovered) > _LISTED:
            lines.append(f"... and {len(uncovered) - _LISTED:,} more not covered.")
        lines.append(
            f"{_plural(feed.good, 'incident')} ({totals['not covered']:,} not covered), "
            f"{_plural(totals['cycles'], 'cycle')}, {_plural(totals['breaches'], 'breach')} "
            f"in {_plural(totals['breached'], 'incident')}."
        )
        print("\n".join(lines))


_LISTED = 20  # incidents named in the table's notes before "... and N more"


def _evaluate_in_full(
    args: argparse.Namespace,
    feed: _Feed,
    catalog: Catalog,
    named: Tier | None,
    at: datetime | None,
) -> None:
    """Every clock of every incident, by ``slaclock.evaluate`` one incident at a time."""
    from slaclock import Evaluation, evaluate
    from slaclock.analysis import ClockRow, clock_table
    from slaclock.display import format_table

    results: list[Evaluation] = []
    zones = _Zones(catalog)
    table = args.format == "table"

    values = _Values(ClockRow._fields)

    def rows() -> Iterator[list[object]]:
        for incident in feed.incidents(catalog):
            try:
                tier = _tier_of(catalog, incident, feed.number, named)
                # A log that changes tier is measured on each tier in turn, from the
                # catalog; one --tier for all cannot measure it (the library says so).
                subject: Tier | Catalog = catalog if _moves(incident) and named is None else tier
                if table:
                    results.append(evaluate(incident, subject, at=at))
                    continue
                clocks = clock_table([incident], subject, at=at).columns
            except IncidentError as error:
                feed.bad(error if error.line is not None else _on_line(error, feed.number))
                continue
            except (SlaclockError, ValueError, OverflowError) as error:
                feed.bad(
                    IncidentError(
                        f"cannot evaluate this log: {shorten(str(error))}",
                        line=feed.number,
                        incident_id=incident.id,
                    )
                )
                continue
            feed.good += 1
            zone = zones.of(tier.id)
            for row in zip(*clocks.values(), strict=True):
                yield values.of(row, zone)

    if not table:
        _write(args, ClockRow._fields, rows())
        return
    for _ in rows():  # evaluations are gathered into results
        pass
    feed.good = len(results)
    if args.explain:
        print("\n\n".join(result.explain() for result in results))
    else:
        print(format_table(results))


def _budget(args: argparse.Namespace) -> int:
    from slaclock import budgets

    at = _at(args)
    _one_stdin(args.file, args.catalog)
    catalog = _load_catalog(args.catalog)
    named = _tier_named(catalog, args.tier)
    if args.month is not None:
        # The month's form is the library's rule: checked on no incidents at all.
        _usage(lambda: budgets(next(iter(catalog.tiers.values())), [], month=args.month))
    groups: dict[str, list[Incident]] = {}
    with _Feed(args.file, args.errors) as feed:
        for incident in feed.incidents(catalog):
            try:
                tier = _tier_of(catalog, incident, feed.number, named)
            except IncidentError as error:
                feed.bad(error)
                continue
            feed.good += 1
            # Budgets count the work logged on each tier the incident was on.
            visited = [tier.id] if named is not None else [tier.id, *_moves(incident)]
            for tier_id in dict.fromkeys(visited):
                if tier_id in catalog.tiers:
                    groups.setdefault(tier_id, []).append(incident)
    rows = [
        row
        for tier_id in sorted(groups)
        for row in _budget_rows(args, catalog.tiers[tier_id], groups[tier_id], at)
    ]
    table = args.format == "table"
    if table:
        rows = [(*row[:5], "unlimited" if row[5] is None else row[5], *row[6:]) for row in rows]
    _write(args, _BUDGET_COLUMNS, rows)
    if table:
        over = [row for row in rows if row[-1]]
        zones = sorted({catalog.tiers[t].calendar.zone.key for t in groups})
        print(
            f"\nMonths are read in the tier calendars' zones ({', '.join(zones) or '-'}); "
            "hours count per contract, else per customer."
            + ("" if at is None else f" Work logged after {at.isoformat()} does not count.")
        )
        print(f"{_plural(len(rows), 'budget')}, {len(over):,} over.")
    return feed.status()


_BUDGET_COLUMNS = (
    "tier",
    "month",
    "contract",
    "customer",
    "incidents",
    "included",
    "used",
    "remaining",
    "overage",
)


def _budget_rows(
    args: argparse.Namespace, tier: Tier, incidents: list[Incident], at: datetime | None
) -> list[tuple[object, ...]]:
    """One row per month and contract (else customer) of a tier's incidents.

    With ``--month`` every contract met has its row, even without work that month;
    without it, each month in which some work is logged.  ``incidents`` counts the
    incidents with work logged in the month.
    """
    from slaclock import budgets

    zone = tier.calendar.zone
    # Compared as instants: datetimes sharing a zone compare by wall time.
    at_utc = None if at is None else at.astimezone(UTC)
    worked: dict[str, list[Incident]] = {}  # the incidents of each month with work
    for incident in incidents:
        months = {
            f"{e.at.astimezone(zone):%Y-%m}"
            for e in incident.events
            if e.kind == "work_logged" and (at_utc is None or e.at.astimezone(UTC) <= at_utc)
        }
        for month in months:
            worked.setdefault(month, []).append(incident)
    contracts = {incident.contract for incident in incidents}
    rows: list[tuple[object, ...]] = []
    for month in [args.month] if args.month is not None else sorted(worked):
        counts: dict[str | None, int] = {}  # the incidents with work in the month
        for incident in worked.get(month, []):
            key = incident.contract if incident.contract is not None else incident.customer
            counts[key] = counts.get(key, 0) + 1
        group = incidents if args.month is not None else worked[month]
        for key, usage in budgets(tier, group, month=month, at=at).items():
            contract = key if key is not None and key in contracts else None
            customer = key if key is not None and contract is None else None
            rows.append(
                (
                    tier.id,
                    month,
                    contract,
                    customer,
                    counts.get(key, 0),
                    usage.included,
                    usage.used,
                    usage.remaining,
                    usage.overage,
                )
            )
    return rows


# --------------------------------------------------------------------------- compare

# Bundled sample data for ``slaclock compare`` without FILE: generated on the fly, the
# same records as ``slaclock sample --incidents 2000 --seed 0``.
_SAMPLE_INCIDENTS = 2000
_SAMPLE_SEED = 0

# The comparison columns that are durations (microseconds in the table).
_COMPARE_DURATIONS = frozenset(
    ("reaction_median", "reaction_p90", "reaction_max", "used", "overage")
)

# The table's rows: (label, column); the period and the cost join two columns.
_COMPARE_SHOWN = (
    ("tier", "tier"),
    ("incidents", "incidents"),
    ("not opened by --at", "not_opened"),
    ("covered", "covered"),
    ("not covered", "not_covered"),
    ("cycles", "cycles"),
    ("cycles judged", "judged_cycles"),
    ("cycles breached", "breached_cycles"),
    ("incidents breached", "breached_incidents"),
    ("compliance per cycle", "cycle_compliance"),
    ("compliance per incident", "incident_compliance"),
    ("reactions", "answered_cycles"),
    ("reaction median", "reaction_median"),
    ("reaction p90", "reaction_p90"),
    ("reaction max", "reaction_max"),
    ("at risk at --at", "at_risk"),
    ("period", "first_month"),
    ("hours used", "used"),
    ("budget overage", "overage"),
    ("contracts over budget", "overage_per_contract"),
    ("cost", "cost"),
)


def _compare(args: argparse.Namespace) -> int:
    from slaclock.analysis import Scenario, compare, sample_records

    at = _at(args)
    _one_stdin(args.file, args.catalog)
    catalog = _load_catalog(args.catalog)
    bases: list[tuple[str, Tier | Catalog]] = []
    if args.as_sold:
        bases.append(("as sold", catalog))
    for name in args.tier or ([] if args.as_sold else list(catalog.tiers)):
        tier = _tier_named(catalog, name)
        assert tier is not None
        bases.append((name, tier))
    variations: list[tuple[str, dict[str, Any]]] = [("", {})]
    for option, key in _VARIATIONS:
        for text in getattr(args, key) or []:
            value: object = text
            if key not in ("hours", "cycle_rule"):
                value = _usage(_duration_of(text, option))
                text = format_duration(value)
            variations.append((f", {option.removeprefix('--')} {text}", {key: value}))
    names = [base + suffix for base, _ in bases for suffix, _ in variations]
    if len(set(names)) < len(names):
        raise _UsageError("a tier or a variation is given twice: each scenario once")
    scenarios = _usage(
        lambda: [
            Scenario(base + suffix, subject, **changes)
            for base, subject in bases
            for suffix, changes in variations
        ]
    )
    feed: _Feed | None = None
    if args.file is None:
        records: list[Any] = list(
            sample_records(_SAMPLE_INCIDENTS, seed=_SAMPLE_SEED, catalog=catalog)
        )
    else:
        with _Feed(args.file, args.errors) as feed:
            records = list(feed.incidents(catalog))
            feed.good = len(records)
    table = compare(records, scenarios, at=at)
    columns = table.columns
    for name in _COMPARE_DURATIONS:
        columns[name] = [None if v is None else timedelta(microseconds=v) for v in columns[name]]
    if args.format != "table":
        _write(args, list(columns), zip(*columns.values(), strict=True))
    else:
        _compare_table(columns, args.file is None)
    return 0 if feed is None else feed.status()


def _duration_of(text: str, option: str) -> Callable[[], timedelta]:
    return lambda: parse_duration(text, path=option)


# The variations of ``slaclock compare``: each makes one more scenario of every base one.
_VARIATIONS = (
    ("--hours", "hours"),
    ("--reaction", "reaction"),
    ("--first-reaction", "first_reaction"),
    ("--resolution", "resolution"),
    ("--cycle-rule", "cycle_rule"),
)


def _compare_table(columns: dict[str, list[Any]], sample: bool) -> None:
    """The comparison for people: one column per scenario, one row per measure."""
    scenarios = columns["scenario"]
    count = len(scenarios)

    def measure(column: str) -> list[object]:
        values = columns[column]
        if column == "first_month":
            return [
                "-" if first is None else first if first == last else f"{first} to {last}"
                for first, last in zip(values, columns["last_month"], strict=True)
            ]
        if column == "overage_per_contract":
            return [sum(1 for hours in over.values() if hours) for over in values]
        if column == "cost":
            return _money(values, columns["currency"])
        return list(values)

    rows = [[label, *measure(column)] for label, column in _COMPARE_SHOWN if column in columns]
    _write_table(["", *scenarios], rows)
    notes = [""]
    for name, reasons in zip(scenarios, columns["not_covered_reasons"], strict=True):
        for reason, n in reasons.items():
            notes.append(f"Not covered on {name}: {_plural(n, 'incident')}: {reason}.")
    if sample:
        notes.append(
            f"Sample data: {_SAMPLE_INCIDENTS:,} incidents, the records of "
            f"'slaclock sample --incidents {_SAMPLE_INCIDENTS} --seed {_SAMPLE_SEED}'."
        )
    notes.append(f"{_plural(count, 'scenario')}; compliance is the share met of those judged.")
    print("\n".join(notes))


def _write_table(columns: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    from slaclock.display import write_rows

    write_rows(sys.stdout, columns, rows, format="table", headers=columns)


def _sample(args: argparse.Namespace) -> int:
    import json

    from slaclock.analysis import EVENT_COLUMNS, sample_records

    catalog = _load_catalog(args.catalog)
    records = _usage(lambda: sample_records(args.incidents, seed=args.seed, catalog=catalog))
    if args.format == "json":
        write = sys.stdout.write
        for record in records:
            write(json.dumps(record, ensure_ascii=False) + "\n")
    elif args.format == "csv":
        _write(args, EVENT_COLUMNS, _event_rows(records))
    else:
        _write(
            args,
            ("incident", "tier", "type", "channel", "customer", "contract", "opened", "events"),
            (
                (
                    r["id"],
                    r.get("tier"),
                    r["type"],
                    r.get("channel"),
                    r.get("customer"),
                    r.get("contract"),
                    parse_instant(r["events"][0]["at"]),
                    len(r["events"]),
                )
                for r in records
            ),
        )
    return 0


_EVENT_CONTEXT = ("type", "channel", "third_party", "customer", "contract")


def _event_rows(records: Iterable[dict[str, Any]]) -> Iterator[tuple[object, ...]]:
    """One row per event of each record (``analysis.EVENT_COLUMNS``), repeating its context.

    The tier column is the tier in force at the event, as ``analysis.read_events`` reads it.
    """
    for record in records:
        context = [record.get(key) for key in _EVENT_CONTEXT]
        tier = record.get("tier")
        for event in record["events"]:
            if event["type"] == "tier_changed":
                tier = event["tier"]
            yield (
                record["id"],
                *context,
                event["type"],
                event["at"],
                event.get("duration"),
                tier,
                event.get("by"),
            )


def _count(text: str) -> int:
    """A number of incidents as typed: 1000, 1_000 or 1,000."""
    try:
        return int(text.replace(",", "").replace("_", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a whole number of incidents, like 1000"
        ) from None


# --------------------------------------------------------------------------- the parser


def _add_calendar_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("calendar (default: the default catalog's Moscow calendar)")
    group.add_argument(
        "--calendar",
        dest="calendar_file",
        metavar="FILE",
        help="a calendar spec in a .toml or .json file ('-': standard input)",
    )
    _add_catalog_option(group, "; its first calendar unless --calendar-name")
    group.add_argument("--calendar-name", metavar="NAME", help="a calendar of the catalog")


def _add_catalog_option(parser: Any, more: str = "") -> None:
    parser.add_argument(
        "--catalog",
        metavar="FILE",
        help=f"a catalog .toml/.json file ('-': standard input){more}",
    )


def _add_format_option(parser: argparse.ArgumentParser, default: str = "table") -> None:
    parser.add_argument(
        "--format",
        choices=_FORMATS,
        default=default,
        help=f"an aligned table, JSON Lines (one object per row) or CSV (default: {default})",
    )


def _add_file(parser: argparse.ArgumentParser, default: str | None = None) -> None:
    """FILE, the incident log; with ``default``, optional (what is read without it)."""
    parser.add_argument(
        "file",
        metavar="FILE",
        nargs=None if default is None else "?",
        help="incidents as JSON Lines, '-' for standard input"
        + ("" if default is None else f" (default: {default})"),
    )


def _add_reading_options(parser: argparse.ArgumentParser) -> None:
    """--at, --errors and --format: how a log is read and what is written of it."""
    parser.add_argument("--at", metavar="INSTANT", help="as of this ISO 8601 instant")
    parser.add_argument(
        "--errors",
        choices=("stop", "collect"),
        default="stop",
        help="at a bad line: stop there (exit 1), or report it on standard error and go on "
        "(every bad line, then a count; exit 1) (default: stop)",
    )
    _add_format_option(parser)


def _add_log_options(parser: argparse.ArgumentParser, default: str | None = None) -> None:
    """FILE, --catalog, --tier and the reading options of ``evaluate`` and ``budget``."""
    _add_file(parser, default)
    _add_catalog_option(parser)
    parser.add_argument(
        "--tier",
        metavar="ID",
        help="evaluate every incident on this tier (default: each record's own 'tier')",
    )
    _add_reading_options(parser)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="slaclock",
        description="Exact SLA clocks: deadlines, elapsed business time and breaches.",
        epilog="Exit status: 0 done, 1 bad data (the line named), 2 bad usage, 130 interrupted.",
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
    _add_format_option(deadline)
    deadline.set_defaults(handler=_deadline)

    elapsed = commands.add_parser(
        "elapsed",
        help="working time between START and END",
        description="Print the working time between two instants as an ISO 8601 duration.",
    )
    elapsed.add_argument("start", help="ISO 8601 instant with offset")
    elapsed.add_argument("end", help="ISO 8601 instant with offset")
    _add_calendar_options(elapsed)
    _add_format_option(elapsed)
    elapsed.set_defaults(handler=_elapsed)

    evaluate = commands.add_parser(
        "evaluate",
        help="evaluate incidents (JSON Lines) on SLA tiers: one row per incident",
        description="Evaluate each incident on --tier, else on the tier its record's 'tier' "
        "field names, and print one row per incident: cycles, breaches, the first response, "
        "the next due instant. --cycles prints every clock instead (slower: each incident "
        "is evaluated in full); --explain explains every clock in words. Without FILE the "
        "bundled example log is used; without --catalog the default catalog.",
    )
    _add_log_options(evaluate, "the bundled example")
    view = evaluate.add_mutually_exclusive_group()
    view.add_argument(
        "--cycles",
        action="store_true",
        help="one row per reaction cycle and resolution clock, with breaches",
    )
    view.add_argument("--explain", action="store_true", help="explain every clock in words")
    evaluate.set_defaults(handler=_evaluate)

    budget = commands.add_parser(
        "budget",
        help="hours used of each tier's monthly budget, per contract (else customer)",
        description="Sum the work_logged time of the incidents per tier, month and contract "
        "(else customer) against the tier's monthly budget: included, used, remaining and "
        "overage. Months are read in the tier calendar's zone. Without --month, every month "
        "with work logged; with it, every contract of the log in that month.",
    )
    _add_log_options(budget)
    budget.add_argument("--month", metavar="YYYY-MM", help="only this month, e.g. 2026-11")
    budget.set_defaults(handler=_budget)

    compare = commands.add_parser(
        "compare",
        help="what-if: the same log on several tiers and variations, side by side",
        description="Assess one incident log on several scenarios and print one column per "
        "scenario: coverage, cycles and breaches, compliance, reaction times, hours used "
        "and budget overage, cost. Each --tier is a scenario (every incident on that tier; "
        "without --tier, each tier of the catalog); --as-sold adds each incident on its own "
        "record's tier. Each variation (--hours, --reaction, ...) adds a varied copy of "
        "every scenario. Without FILE, 2,000 sample incidents (seed 0) are compared.",
    )
    _add_file(compare, "2,000 sample incidents")
    _add_catalog_option(compare)
    compare.add_argument(
        "--tier",
        metavar="ID",
        action="append",
        help="a scenario with every incident on this tier (repeat for more)",
    )
    compare.add_argument(
        "--as-sold",
        action="store_true",
        help="a scenario with each incident on its record's own tier",
    )
    variations = compare.add_argument_group("variations (each adds a copy of every scenario)")
    variations.add_argument(
        "--hours", metavar="HH:MM-HH:MM", action="append", help="working hours, e.g. 09:00-19:00"
    )
    for option, what in (
        ("--reaction", "reaction"),
        ("--first-reaction", "first reaction"),
        ("--resolution", "resolution"),
    ):
        variations.add_argument(
            option, metavar="DURATION", action="append", help=f"the {what} target, e.g. 4h"
        )
    variations.add_argument(
        "--cycle-rule",
        choices=("oldest_unanswered", "restart_on_message"),
        action="append",
        help="which customer message a cycle runs from",
    )
    _add_reading_options(compare)
    compare.set_defaults(handler=_compare)

    sample = commands.add_parser(
        "sample",
        help="write realistic sample incidents as JSON Lines (the same for a seed)",
        description="Write N synthetic incident records as JSON Lines to standard output: "
        "customers and contracts on the catalog's tiers, arrivals peaking in working hours, "
        "answers, pending periods, reopens, work logs. The same --seed gives the same records. "
        "--format csv writes them as an event table (one row per event); table, one row "
        "per incident.",
    )
    sample.add_argument(
        "--incidents", type=_count, default=1000, metavar="N", help="how many (default 1000)"
    )
    sample.add_argument("--seed", type=int, default=0, help="the seed (default 0)")
    _add_catalog_option(sample)
    _add_format_option(sample, default="json")
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
    except KeyboardInterrupt:
        print("\nslaclock: interrupted", file=sys.stderr)
        return 130  # 128 + SIGINT
    except _UsageError as error:
        print(f"slaclock: error: {error}", file=sys.stderr)
        return 2
    except SlaclockError as error:
        print(f"slaclock: error: {_worded(error)}", file=sys.stderr)
        return 1
    except KeyError as error:
        print(f"slaclock: error: {error.args[0] if error.args else error}", file=sys.stderr)
        return 1
    except OSError as error:
        # A file named on the command line that cannot be read or written: say which.
        where = f"{error.filename}: " if error.filename is not None else ""
        print(f"slaclock: error: {where}{error.strerror or error}", file=sys.stderr)
        return 1
    except (ValueError, OverflowError, RecursionError, MemoryError) as error:
        # Whatever input a check above missed: still one line, never a traceback.
        print(f"slaclock: error: {shorten(str(error))}", file=sys.stderr)
        return 1


# A negative duration as typed: "-PT1H", "-1h30m", "-90m".
_NEGATIVE = re.compile(r"-(?:P|\d)[^=\s]*", re.IGNORECASE)
