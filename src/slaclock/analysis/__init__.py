"""Evaluating many incidents at once: one light summary row per incident, and tables of them.

Use this module when you analyse thousands or millions of incidents (a month's
tickets, a what-if on another tier) and want the verdicts, not the explanations::

    from slaclock import analysis, default_catalog
    rows = analysis.evaluate_jsonl("incidents.jsonl", default_catalog())
    table = analysis.summarize(rows)          # columns; table.to_pandas() with pandas

Each :class:`Summary` holds exactly what :func:`slaclock.evaluate` would say about
the incident (the property tests compare every field), computed on integer
microseconds without building ``Evaluation`` or ``Cycle`` objects: instants are
microseconds since 1970-01-01 UTC and durations microseconds, ready for columns
(:func:`instant` turns one back into a datetime).

:func:`evaluate_jsonl` streams a JSON Lines file in bounded memory.  It decodes
each line with orjson or :mod:`json`'s C scanner and checks every record with the
rules of :meth:`slaclock.Incident.from_dict` (those on the sequence of event
kinds once per distinct sequence, whose program also fixes what the sequence
means for the clocks).  With numpy installed it does so 512 lines at a time, as
arrays (``slaclock.analysis._numpy``); otherwise line by line
(``slaclock.analysis._rows``), reading timestamps through small caches.  On anything unusual it hands the line to ``Incident.from_dict`` itself,
so a bad line raises (or, with ``errors="collect"``, records) exactly the
:class:`~slaclock.IncidentError` that :func:`slaclock.read_incidents` would,
with its line number.

This module is not imported by ``import slaclock``; import it on its own.
"""

from __future__ import annotations

import importlib
import json
import json.scanner
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import datetime
from itertools import islice, repeat
from operator import getitem, itemgetter
from os import PathLike
from typing import IO, Any, Literal
from zoneinfo import ZoneInfo

from slaclock._calendar.instants import to_us
from slaclock._calendar.spec import parse_zone
from slaclock._display.notebook import columns_html
from slaclock._jsonl import IncidentReadErrors, open_lines, parse_line
from slaclock._sla.incident import EVENT_KINDS, Incident
from slaclock._sla.plan import Plan, check_tier, plan_for
from slaclock._sla.tier import Tier
from slaclock.analysis._clocks import ClockRow, clock_rows
from slaclock.analysis._compare import Scenario, compare_columns
from slaclock.analysis._decode import MISSING, Unusual, decode
from slaclock.analysis._events import EVENT_COLUMNS, read_events
from slaclock.analysis._rows import Summary, instant, of_incident, row
from slaclock.analysis._sample import sample, sample_records
from slaclock.catalog import Catalog
from slaclock.errors import (
    IncidentError,
    SlaclockError,
    SlaclockTypeError,
    SlaclockValueError,
    compact,
    shorten,
)

__all__ = [
    "EVENT_COLUMNS",
    "ClockRow",
    "Scenario",
    "Summary",
    "SummaryReader",
    "Table",
    "clock_table",
    "compare",
    "evaluate_jsonl",
    "evaluate_many",
    "instant",
    "read_events",
    "sample",
    "sample_records",
    "summarize",
]


def _plan(tier: Tier, cycle_rule: str | None, pause_reaction_when_pending: bool | None) -> Plan:
    return plan_for(check_tier(tier), cycle_rule, pause_reaction_when_pending)


def _at_us(at: datetime | None) -> int | None:
    return None if at is None else to_us(at, name="at")


def evaluate_many(
    incidents: Iterable[Incident],
    tier: Tier,
    *,
    at: datetime | None = None,
    cycle_rule: str | None = None,
    pause_reaction_when_pending: bool | None = None,
) -> Iterator[Summary]:
    """:class:`Summary` rows of incidents already built, all on ``tier``, lazily.

    The options mean what they mean for :func:`slaclock.evaluate`.

    >>> from slaclock import Incident, default_catalog
    >>> inc = Incident.from_dict({"id": "INC-7", "type": "failure", "channel": "portal",
    ...     "events": [{"type": "opened", "at": "2026-11-27T17:30:00+03:00"},
    ...                {"type": "agent_reply", "at": "2026-11-30T12:20:00+03:00"}]})
    >>> [row] = evaluate_many([inc], default_catalog().tiers["SLA-2"])
    >>> row.breached, instant(row.first_due).isoformat(), row.worst_overdue // 60_000_000
    (True, '2026-11-30T08:30:00+00:00', 50)
    """
    plan = _plan(tier, cycle_rule, pause_reaction_when_pending)
    at_us = _at_us(at)
    for incident in incidents:
        if not isinstance(incident, Incident):
            raise SlaclockTypeError(
                f"expected a slaclock.Incident, got {incident!r}; build one with Incident.from_dict"
            )
        yield of_incident(plan, incident, at_us)


# --------------------------------------------------------------------------- JSON Lines


class SummaryReader(Iterator[Summary]):
    """A streaming iterator of :class:`Summary` rows from JSON Lines; see :func:`evaluate_jsonl`.

    ``reader.errors`` holds the bad lines met so far with ``errors="collect"``.
    """

    def __init__(
        self,
        source: str | PathLike[str] | IO[str] | Iterable[str],
        plans: Mapping[str, Plan] | Plan,
        *,
        at: int | None,
        errors: Literal["raise", "collect"],
        decoder: Literal["auto", "json", "orjson"] = "auto",
        engine: Literal["auto", "numpy", "python"] = "auto",
    ) -> None:
        self.errors = IncidentReadErrors()
        self._collect = errors == "collect"
        self._loads = _loads_of(decoder)
        #: The JSON decoder in use: ``"orjson"`` or ``"json"``.
        self.decoder = "json" if self._loads is None else "orjson"
        self._chunks = _chunks_of(engine)
        #: The engine in use: ``"numpy"`` (chunks of lines as arrays) or ``"python"`` (line by line).
        self.engine = "python" if self._chunks is None else "numpy"
        # json.loads' own C scanner, without the wrapper's checks (a third of its
        # time on a short line); what it refuses goes the careful way, through json.loads.
        self._scan: Any = json.scanner.make_scanner(json.JSONDecoder())  # type: ignore[arg-type]
        self._rowwise = 0  # lines the numpy engine left to the row reader (tests look)
        self._gen = self._read(source, plans, at)

    def __iter__(self) -> Iterator[Summary]:
        # The generator itself, which shares this reader's state: a for loop then
        # skips a Python-level __next__ per row (a few percent of a million rows).
        return self._gen

    def __next__(self) -> Summary:
        return next(self._gen)

    def _read(
        self,
        source: str | PathLike[str] | IO[str] | Iterable[str],
        plans: Mapping[str, Plan] | Plan,
        at: int | None,
    ) -> Iterator[Summary]:
        lines = self._chunked if self._chunks is not None else self._lines
        if isinstance(source, str | PathLike):
            with open_lines(source) as handle:
                yield from lines(handle, plans, at)
        else:
            yield from lines(source, plans, at)

    def _record(self, line: str) -> Any:
        """The record of one line by the fast decoder, or ``MISSING`` if it declines.

        Whether the decoder read the line as the careful reader would (no key given
        twice, no lone surrogate) is left to :func:`decode`, which counts its strings.
        """
        try:
            if self._loads is not None:
                return self._loads(line)
            record, end = self._scan(line, 0)
        except Exception:
            return MISSING
        return MISSING if line[end:].strip(_JSON_BLANKS) else record

    def _lines(
        self,
        lines: Iterable[str],
        plans: Mapping[str, Plan] | Plan,
        at: int | None,
    ) -> Iterator[Summary]:
        """The ``"python"`` engine: line by line."""
        record_of, row_of = self._record, self._row
        if not isinstance(plans, Plan):
            for number, line in enumerate(lines, start=1):
                summary = row_of(line, record_of(line), number, plans, at)
                if summary is not None:
                    yield summary
            return
        # One tier, the usual run: the usual line read here without the layers of
        # calls around it; anything else is read again by them (and, if unusual, by
        # Incident.from_dict, which words its error).
        loads, scan = self._loads, self._scan
        for number, line in enumerate(lines, start=1):
            try:
                if loads is not None:
                    record = loads(line)
                else:
                    record, end = scan(line, 0)
                    if line[end:].strip(_JSON_BLANKS):
                        raise Unusual
                summary = row(plans, decode(record, line), at)
            except Exception:
                summary = row_of(line, record_of(line), number, plans, at)
                if summary is None:
                    continue
            yield summary

    def _row(
        self, line: str, record: Any, number: int, plans: Mapping[str, Plan] | Plan, at: int | None
    ) -> Summary | None:
        """:func:`_row`; with ``errors="collect"``, ``None`` for a bad line, whose error is kept."""
        try:
            return _row(line, record, number, plans, at)
        except IncidentError as exc:
            if not self._collect:
                raise
            compact(exc)
            self.errors.errors.append(exc)
            return None

    def _chunked(
        self,
        lines: Iterable[str],
        plans: Mapping[str, Plan] | Plan,
        at: int | None,
    ) -> Iterator[Summary]:
        """The ``"numpy"`` engine: chunks of lines as arrays, what they leave line by line."""
        chunks: Any = self._chunks
        lines = iter(lines)
        number = 0  # lines before the chunk
        while chunk := list(islice(lines, chunks.CHUNK)):
            records = self._records(chunk)
            made, left = _chunk_rows(chunks, records, chunk, plans, at)
            # The chunk's records and rows are let go as soon as they are read, not
            # when the next chunk's are bound: the collector runs while a chunk is
            # decoded, and what is alive then it keeps in its oldest generation, to be
            # walked by every full collection after (a fifth of the time, on real logs).
            if not left:
                del records
                yield from made  # type: ignore[misc]
            else:
                self._rowwise += len(left)
                for j, summary in enumerate(made):
                    if summary is None:  # left to the line-by-line reader
                        summary = self._row(chunk[j], records[j], number + j + 1, plans, at)
                        if summary is None:  # a blank line, or a bad one collected
                            continue
                    yield summary
                del records
            del made
            number += len(chunk)

    def _records(self, chunk: list[str]) -> list[Any]:
        """The chunk's records by the fast decoder (``MISSING`` where it declines a line).

        Whether it read them as the careful reader would is the engine's to check.
        """
        try:
            if self._loads is not None:
                return list(map(self._loads, chunk))
            pairs = list(map(self._scan, chunk, repeat(0)))
            # The scanner raises StopIteration where it finds no value, which ends
            # map() early as if the chunk were shorter: count what came back.
            ends = map(_SECOND, pairs)
            if len(pairs) == len(chunk) and not "".join(
                map(getitem, chunk, map(slice, ends, repeat(None)))
            ).strip(_JSON_BLANKS):
                return list(map(_FIRST, pairs))
        except Exception:  # a line either declines: see which
            pass
        return list(map(self._record, chunk))


_JSON_BLANKS = " \t\n\r"  # the whitespace json.loads allows around a document
_FIRST, _SECOND = itemgetter(0), itemgetter(1)


def _row(
    line: str, record: Any, number: int, plans: Mapping[str, Plan] | Plan, at: int | None
) -> Summary | None:
    """One line's row by the row reader (``None`` for a blank line); raises its IncidentError.

    ``record`` is the line decoded by the fast decoder, ``MISSING`` if it declined.
    Anything unusual, even a blank line, goes the careful way: ``Incident.from_dict``.
    """
    try:
        if record is MISSING:
            raise Unusual
        plan = plans if isinstance(plans, Plan) else plans[record["tier"]]
        return row(plan, decode(record, line), at)
    except Exception:
        if not line.strip():
            return None
        return _careful(line, number, plans, at)


def _chunk_rows(
    chunks: Any,
    records: list[Any],
    lines: list[str],
    plans: Mapping[str, Plan] | Plan,
    at: int | None,
) -> tuple[list[Summary | None], list[int]]:
    """Rows of a chunk's records (decoded from ``lines``) by the numpy engine, and positions it left."""
    if MISSING not in records:  # a catalog's chunk too: each record on its tier, in one pass
        return chunks.rows_of(records, lines, plans, at)  # type: ignore[no-any-return]
    groups: dict[int, tuple[Plan, list[int]]] = {}
    left = []
    for j, record in enumerate(records):
        plan = plans if isinstance(plans, Plan) else _plan_named(plans, record)
        if record is MISSING or plan is None:
            left.append(j)
        else:
            groups.setdefault(id(plan), (plan, []))[1].append(j)
    out: list[Summary | None] = [None] * len(records)
    for plan, positions in groups.values():
        made, rest = chunks.rows_of(
            [records[j] for j in positions], [lines[j] for j in positions], plan, at
        )
        for j, summary in zip(positions, made, strict=True):
            out[j] = summary
        left += [positions[k] for k in rest]
    return out, left


def _plan_named(plans: Mapping[str, Plan], record: Any) -> Plan | None:
    """The plan a record's ``tier`` field names, or ``None`` (the row reader then words why)."""
    name = record.get("tier") if type(record) is dict else None
    return plans.get(name) if type(name) is str else None


_ENGINES = ("auto", "numpy", "python")


def _chunks_of(engine: str) -> Any:
    """The numpy engine's module when asked for (or for ``"auto"``, when numpy is installed)."""
    if engine not in _ENGINES:
        raise SlaclockValueError(
            f"engine={engine!r}; expected one of {', '.join(map(repr, _ENGINES))}"
        )
    if engine == "python":
        return None
    try:
        return importlib.import_module("slaclock.analysis._numpy")
    except ModuleNotFoundError as exc:
        if exc.name != "numpy":
            raise
        if engine == "numpy":
            raise ImportError(
                "engine='numpy' needs numpy; install the extra: pip install 'slaclock[numpy]'"
            ) from None
        return None


_DECODERS = ("auto", "json", "orjson")


def _loads_of(decoder: str) -> Callable[[str], Any] | None:
    """``orjson.loads`` when asked for (or for ``"auto"``, when installed); ``None`` for json.

    orjson accepts a subset of what :mod:`json` accepts (no NaN, no lone
    surrogates, no BOM) and gives the same values for everything the fast reader
    keeps (text, booleans, null, lists, objects, the last of duplicate keys); it
    reads numbers beyond 64 bits as floats, where json keeps integers, but no field
    of a record is a number, so such a line is unusual to either.  What it refuses
    goes through json.loads like any unusual line: the rows and errors are the same.
    """
    if decoder not in _DECODERS:
        raise SlaclockValueError(
            f"decoder={decoder!r}; expected one of {', '.join(map(repr, _DECODERS))}"
        )
    if decoder == "json":
        return None
    try:
        module = importlib.import_module("orjson")
    except ImportError:
        if decoder == "orjson":
            raise ImportError(
                "decoder='orjson' needs orjson; install the extra: pip install 'slaclock[fast]'"
            ) from None
        return None
    return module.loads  # type: ignore[no-any-return]


def _careful(line: str, number: int, plans: Mapping[str, Plan] | Plan, at: int | None) -> Summary:
    """A line read by ``Incident.from_dict``: its exact error, or its summary."""
    # A catalog's tiers share its vocabulary: any plan's tier tells it.
    anyone = plans if isinstance(plans, Plan) else next(iter(plans.values()), None)
    incident = parse_line(
        line, number, vocabulary=None if anyone is None else anyone.tier.vocabulary
    )
    plan = plans if isinstance(plans, Plan) else _pick(plans, incident.tier, incident.id, number)
    try:
        return of_incident(plan, incident, at, None if isinstance(plans, Plan) else plans)
    except IncidentError as exc:  # a tier change the plans cannot measure: this line's error
        raise IncidentError(
            exc.reason,
            path=exc.path,
            line=number,
            incident_id=exc.incident_id,
            event_index=exc.event_index,
        ) from None
    except (SlaclockError, ValueError, OverflowError) as exc:
        # A valid log whose clocks leave the years the calendar covers (a due instant
        # past 9998): this line's error, and the reader goes on with the next.
        raise IncidentError(
            f"cannot evaluate this log: {shorten(str(exc))}", line=number, incident_id=incident.id
        ) from None


def _pick(plans: Any, name: str | None, ident: str, number: int) -> Plan:
    if name is None:
        raise IncidentError(
            "the record names no tier; add a 'tier' field or pass tier=",
            path="tier",
            line=number,
            incident_id=ident,
        )
    try:
        return plans[name]  # type: ignore[no-any-return]
    except KeyError:
        raise IncidentError(
            f"unknown tier {name!r}; the catalog has {', '.join(map(repr, plans))}",
            path="tier",
            line=number,
            incident_id=ident,
        ) from None


def evaluate_jsonl(
    source: str | PathLike[str] | IO[str] | Iterable[str],
    catalog_or_tier: Catalog | Tier,
    *,
    tier: str | None = None,
    at: datetime | None = None,
    cycle_rule: str | None = None,
    pause_reaction_when_pending: bool | None = None,
    errors: Literal["raise", "collect"] = "raise",
    decoder: Literal["auto", "json", "orjson"] = "auto",
    engine: Literal["auto", "numpy", "python"] = "auto",
) -> SummaryReader:
    """Stream :class:`Summary` rows from JSON Lines (a path, an open file or lines of text).

    ``catalog_or_tier`` is the tier every incident is evaluated on, or a catalog:
    then each record's ``"tier"`` field picks its tier, unless ``tier`` names one
    for all.  The other options mean what they mean for :func:`slaclock.evaluate`.
    Blank lines are allowed.  With ``errors="raise"`` the first bad line raises
    the :class:`~slaclock.IncidentError` that :func:`slaclock.read_incidents`
    would (with the line number); with ``errors="collect"`` it is kept in
    ``reader.errors`` and reading goes on.  Memory stays flat: one line at a time.
    ``decoder`` picks the JSON decoder: ``"auto"`` takes orjson when it is installed
    (``pip install 'slaclock[fast]'``, about 1 µs a line faster) and the standard
    library's json otherwise; the rows and errors are the same with either.
    ``engine`` picks how lines are evaluated: ``"auto"`` takes ``"numpy"`` when numpy
    is installed (``pip install 'slaclock[numpy]'``: chunks of 512 lines as arrays,
    several times faster) and ``"python"`` (line by line) otherwise; again the rows
    and errors, and their order, are the same with either.

    >>> from slaclock import default_catalog
    >>> lines = ['{"id": "A", "type": "failure", "tier": "SLA-4", "events": ['
    ...          '{"type": "opened", "at": "2026-11-27T17:30:00+03:00"}]}',
    ...          '{"id": "B", "type": "failure", "events": []}']
    >>> reader = evaluate_jsonl(lines, default_catalog(), errors="collect")
    >>> [(row.incident, row.tier, instant(row.next_due).isoformat()) for row in reader]
    [('A', 'SLA-4', '2026-11-30T07:30:00+00:00')]
    >>> print(reader.errors.errors[0])
    line 2, events: incident 'B': an incident needs at least its 'opened' event
    """
    if errors not in ("raise", "collect"):
        raise SlaclockValueError(f"errors={errors!r}; expected 'raise' or 'collect'")
    at_us = _at_us(at)
    plans: dict[str, Plan] | Plan
    if isinstance(catalog_or_tier, Catalog):
        known = catalog_or_tier.tiers
        if tier is not None:
            if tier not in known:
                raise SlaclockValueError(
                    f"no tier {tier!r} in the catalog; known: {', '.join(known)}"
                )
            plans = _plan(known[tier], cycle_rule, pause_reaction_when_pending)
        else:
            plans = {
                name: _plan(one, cycle_rule, pause_reaction_when_pending)
                for name, one in known.items()
            }
    elif isinstance(catalog_or_tier, Tier):
        if tier is not None:
            raise SlaclockTypeError(
                f"tier={tier!r} picks a tier of a catalog; pass the catalog, or the tier alone"
            )
        plans = _plan(catalog_or_tier, cycle_rule, pause_reaction_when_pending)
    else:
        raise SlaclockTypeError(
            f"expected a slaclock Catalog or Tier, got {catalog_or_tier!r}; "
            "for example default_catalog()"
        )
    return SummaryReader(source, plans, at=at_us, errors=errors, decoder=decoder, engine=engine)


# --------------------------------------------------------------------------- tables


class Table:
    """Rows gathered into columns: one list per :class:`Summary` (or :class:`ClockRow`) field.

    ``table.columns["breached"]`` is a list; ``len(table)`` the number of rows;
    :meth:`to_pandas` a DataFrame when pandas is installed.
    """

    __slots__ = ("columns",)

    def __init__(self, columns: dict[str, list[Any]]) -> None:
        self.columns = columns

    def __len__(self) -> int:
        return len(next(iter(self.columns.values()), ()))

    def __repr__(self) -> str:
        return f"Table({len(self)} rows: {', '.join(self.columns)})"

    def _repr_html_(self) -> str:
        # Jupyter's view: head and tail rows, instants and durations in words.
        return columns_html(self.columns, instants=_INSTANT_FIELDS, durations=_DURATION_FIELDS)

    def __eq__(self, other: object) -> bool:
        # Equal columns in the same order: a table pickled to a worker and back is equal.
        if not isinstance(other, Table):
            return NotImplemented
        return list(self.columns.items()) == list(other.columns.items())

    __hash__ = None  # type: ignore[assignment]  # the columns are lists

    def to_pandas(self, *, zone: str | ZoneInfo | None = None) -> Any:
        """A ``pandas.DataFrame`` with a dtype per column that says what the column holds.

        * instants: tz-aware ``datetime64[us, zone]`` (``NaT`` where a row has
          none), in UTC for ``zone=None`` or in ``zone`` (an IANA name or a
          ``ZoneInfo``: ``zone="Europe/Moscow"`` shows local due instants);
        * durations: ``timedelta64[us]``; verdicts and flags: ``bool``; counts:
          ``int64``; a cycle's number: ``Int64`` (``<NA>`` for the resolution clock);
        * ids and names (incident, tier, customer, contract, type, channel, reason):
          ``string``; the fixed vocabularies (``kind``, ``status``, ``started_by``,
          ``ended_by``): ``category`` with every possible value as a category, so
          tables of any rows share one dtype; ``escalated``: ``object`` (tuples).

        An empty table has the same columns and dtypes (a Dask ``meta``).  Needs
        pandas (``pip install 'slaclock[pandas]'``).

        >>> from slaclock import default_catalog
        >>> line = ('{"id": "A", "type": "failure", "events": ['
        ...         '{"type": "opened", "at": "2026-11-27T17:30:00+03:00"}]}')
        >>> table = summarize(evaluate_jsonl([line], default_catalog().tiers["SLA-2"]))
        >>> frame = table.to_pandas(zone="Europe/Moscow")
        >>> str(frame.loc[0, "next_due"]), str(frame["next_due"].dtype)
        ('2026-11-30 11:30:00+03:00', 'datetime64[us, Europe/Moscow]')
        """
        checked = _zone_name(zone)
        try:
            pd: Any = importlib.import_module("pandas")
            np: Any = importlib.import_module("numpy")
        except ImportError:
            raise ImportError(
                "Table.to_pandas() needs pandas; install the extra: pip install 'slaclock[pandas]'"
            ) from None
        frame = {}
        for name, values in self.columns.items():
            kind = _COLUMN_KINDS.get(name)
            if kind == "instant":
                stamps = pd.Series(_micros(np, values).view("datetime64[us]"))
                frame[name] = stamps.dt.tz_localize("UTC").dt.tz_convert(checked)
            elif kind == "duration":
                frame[name] = pd.Series(_micros(np, values).view("timedelta64[us]"))
            elif kind in _CATEGORIES:  # a fixed vocabulary
                # Every value is one of the vocabulary's; were one not, it would become
                # a category of its own here rather than a silent NaN.
                words = _CATEGORIES[kind]
                words += tuple(sorted(set(values) - set(words) - {None}))
                frame[name] = pd.Series(values, dtype=pd.CategoricalDtype(words))
            elif kind is not None and _all_of(kind, values):
                frame[name] = pd.Series(values, dtype=kind)
            elif not values:
                frame[name] = pd.Series(values, dtype=object)
            else:  # escalated's tuples, or another table's column (compare()'s): inferred
                frame[name] = pd.Series(values)
        return pd.DataFrame(frame)


_INSTANT_FIELDS = frozenset(
    ("first_due", "first_answered", "next_due", "resolution_due", "opened", "start", "due", "end")
)
_DURATION_FIELDS = frozenset(
    ("first_taken", "worst_overdue", "target", "taken", "paused", "overdue")
) | frozenset(("reaction_median", "reaction_p90", "reaction_max", "used", "overage"))  # compare()


def _all_of(kind: str, values: list[Any]) -> bool:
    """Whether every value is of the plain ``kind`` its column name suggests.

    The kinds go by column name, and tables share names: the comparison table's
    ``covered`` and ``at_risk`` are counts, which a ``bool`` dtype would turn into
    ``True``.  A column whose values are not all of the kind is left to pandas.
    """
    if kind == "bool":
        return all(type(value) is bool for value in values)
    if kind == "int64":
        return all(type(value) is int for value in values)
    return True


def _zone_name(zone: str | ZoneInfo | None) -> str:
    """The IANA name of ``to_pandas``'s ``zone``; errors name the argument and the form."""
    if zone is None:
        return "UTC"
    if isinstance(zone, ZoneInfo):
        if not zone.key:
            raise SlaclockValueError(
                f"zone={zone!r} has no IANA name (a ZoneInfo read from a file); pass "
                "ZoneInfo('Europe/Moscow') or the name itself"
            )
        zone = zone.key
    if not isinstance(zone, str):
        raise SlaclockTypeError(
            f"zone={zone!r}; expected None (UTC), an IANA name such as 'Europe/Moscow', "
            "or a ZoneInfo"
        )
    return parse_zone(zone, path="zone").key


_NAT = -(2**63)  # numpy's NaT, as int64


def _micros(np: Any, values: list[int | None]) -> Any:
    """Integer microseconds as an int64 array, ``None`` as NaT's bit pattern."""
    return np.fromiter(
        (_NAT if value is None else value for value in values), dtype=np.int64, count=len(values)
    )


# How each column of the tables reads in pandas: a dtype, "instant", "duration", or
# the name of a fixed vocabulary in _CATEGORIES; columns not listed are objects.
_COLUMN_KINDS = {
    **dict.fromkeys(
        ("opened", "first_due", "first_answered", "next_due", "resolution_due"), "instant"
    ),
    **dict.fromkeys(("start", "due", "end"), "instant"),
    **dict.fromkeys(
        ("first_taken", "worst_overdue", "target", "taken", "paused", "overdue"), "duration"
    ),
    # compare()'s reaction times and hours
    **dict.fromkeys(
        ("reaction_median", "reaction_p90", "reaction_max", "used", "overage"), "duration"
    ),
    **dict.fromkeys(("covered", "breached", "at_risk", "third_party", "first"), "bool"),
    **dict.fromkeys(("cycles", "breaches"), "int64"),
    "cycle": "Int64",
    **dict.fromkeys(
        ("incident", "tier", "customer", "contract", "type", "channel", "reason"), "string"
    ),
    **{name: name for name in ("kind", "status", "started_by", "ended_by")},
}
_CATEGORIES = {
    "kind": ("reaction", "update", "resolution"),
    "status": ("met", "late", "superseded", "running", "at_risk", "paused", "overdue", "open"),
    "started_by": EVENT_KINDS,
    "ended_by": (*EVENT_KINDS, "superseded"),
}


def clock_table(
    incidents: Iterable[Incident],
    catalog_or_tier: Catalog | Tier,
    *,
    tier: str | None = None,
    at: datetime | None = None,
    cycle_rule: str | None = None,
    pause_reaction_when_pending: bool | None = None,
) -> Table:
    """One row per clock: each reaction cycle and resolution clock of each incident.

    ``catalog_or_tier`` and the options mean what they mean for
    :func:`evaluate_jsonl`: with a catalog each incident is evaluated on the tier
    its ``tier`` field names, unless ``tier`` names one for all.  The columns are
    the fields of :class:`ClockRow` (the incident's context, then the clock's
    start, due instant, end, target, time taken and verdict), exactly what
    :func:`slaclock.evaluate` says of each clock; an incident outside its tier's
    scope has no clocks, so no rows (its :class:`Summary` row says why).

    >>> from slaclock import Incident, default_catalog
    >>> incident = Incident.from_dict({"id": "A", "type": "failure", "tier": "SLA-4",
    ...     "customer": "Acme", "events": [
    ...     {"type": "opened", "at": "2026-11-27T17:30:00+03:00"},
    ...     {"type": "agent_reply", "at": "2026-11-30T10:15:00+03:00"},
    ...     {"type": "customer_message", "at": "2026-11-30T12:00:00+03:00"},
    ...     {"type": "agent_reply", "at": "2026-11-30T14:00:00+03:00"}]})
    >>> table = clock_table([incident], default_catalog())
    >>> table.columns["cycle"], table.columns["status"], table.columns["customer"]
    ([1, 2], ['met', 'late'], ['Acme', 'Acme'])
    >>> [taken // 60_000_000 for taken in table.columns["taken"]]  # minutes of business time
    [45, 120]
    """
    columns: list[list[Any]] = [[] for _ in ClockRow._fields]
    for clock in clock_rows(
        incidents,
        catalog_or_tier,
        tier=tier,
        at=at,
        cycle_rule=cycle_rule,
        pause_reaction_when_pending=pause_reaction_when_pending,
    ):
        for column, value in zip(columns, clock, strict=True):
            column.append(value)
    return Table(dict(zip(ClockRow._fields, columns, strict=True)))


def summarize(rows: Iterable[Summary]) -> Table:
    """Gather rows (from :func:`evaluate_jsonl` or :func:`evaluate_many`) into a :class:`Table`.

    >>> from slaclock import default_catalog
    >>> line = ('{"id": "A", "type": "failure", "events": ['
    ...         '{"type": "opened", "at": "2026-11-27T17:30:00+03:00"}]}')
    >>> table = summarize(evaluate_jsonl([line], default_catalog().tiers["SLA-2"]))
    >>> len(table), table.columns["cycles"], table.columns["breached"]
    (1, [1], [False])
    """
    columns: list[list[Any]] = [[] for _ in Summary._fields]
    for summary in rows:
        for column, value in zip(columns, summary, strict=True):
            column.append(value)
    return Table(dict(zip(Summary._fields, columns, strict=True)))


def compare(
    source: str | PathLike[str] | Iterable[Incident] | Iterable[Mapping[str, Any]],
    scenarios: Iterable[Scenario],
    *,
    at: datetime | None = None,
) -> Table:
    """One row per :class:`Scenario`: the same incident log assessed on each, side by side.

    ``source`` is a JSON Lines path, or incidents, or incident records; it is
    decoded once and assessed on every scenario (at its own ``at``, else this
    ``at``).  The columns (``docs/howto-compare.md`` defines each) count
    incidents, coverage with its reasons, cycles and breaches, compliance per
    cycle and per incident, reaction times, at-risk clocks, hours used and
    budget overage, and the cost of the period; each row says what
    :func:`slaclock.evaluate`, :func:`slaclock.budgets` and :func:`slaclock.cost`
    say one incident and one month at a time.

    >>> from slaclock import default_catalog
    >>> catalog = default_catalog()
    >>> records = sample_records(300, seed=3)
    >>> table = compare(records, [Scenario("as sold", catalog),
    ...                           Scenario("all on SLA-4", catalog.tiers["SLA-4"])])
    >>> table.columns["scenario"], table.columns["incidents"]
    (['as sold', 'all on SLA-4'], [300, 300])
    """
    return Table(compare_columns(source, scenarios, at=at))
