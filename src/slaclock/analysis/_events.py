"""Event tables in: one row per event, as helpdesks export them, read into incidents.

An event table has one row per event of every incident, each row repeating the
incident's context.  :func:`read_events` reads one from a CSV file (with the
standard library's :mod:`csv`, so pandas stays optional) or from a pandas
``DataFrame`` and gives back :class:`~slaclock.Incident` values, in the order
their first rows come, ready for :func:`~slaclock.analysis.evaluate_many`,
:func:`~slaclock.analysis.clock_table` or :func:`slaclock.budgets`.

The rules (``docs/howto-tables.md`` shows each):

* Columns, by default named as in ``EVENT_COLUMNS``: ``incident`` (the id),
  ``type``, ``event`` (the event's kind) and ``at`` are required; ``channel``,
  ``third_party``, ``customer``, ``contract``, ``tier``, ``duration`` (of a
  ``work_logged`` event) and ``by`` (``agent`` on an ``opened`` row an agent
  opened) may be left out.  ``columns=`` maps these names to the table's own;
  other columns of the table are not read.
* An empty cell (in a DataFrame ``None``, ``NaN``, ``NaT`` or ``pd.NA``) means
  the value is absent: no channel, no customer, not third-party; a required
  column may not be empty.
* The rows of one incident need not be adjacent; its events are in the order of
  its rows, and must be in time order, as in any incident record.
* The context columns (``type``, ``channel``, ``third_party``, ``customer``,
  ``contract``) must say the same on every row of an incident; a row that
  differs is refused, never resolved by taking one of them.
* ``tier`` is the tier in force at the row's event: the incident's tier on its
  first row, the new tier on a ``tier_changed`` row (which must name one), and
  on every other row the tier the last change left in force; a row that says
  another is refused.
* ``at`` is ISO 8601 text with a UTC offset (the rule of incident records), or in
  a DataFrame an aware ``pandas.Timestamp`` or ``datetime``; a naive one is
  refused, never given a zone.  ``duration`` is ISO 8601 text (``PT1H30M``), or a
  ``timedelta``/``pandas.Timedelta``.  ``third_party`` is ``true``/``false`` or
  ``1``/``0`` (any case), or a bool.  ``incident`` is text (an integer in a
  DataFrame is read as its digits, as CSV gives them).
* Every refusal is an :class:`~slaclock.errors.EventTableError` naming the CSV
  file's line (the header is line 1) or the DataFrame's row label, the column,
  the incident, the value and the accepted form.
"""

from __future__ import annotations

import csv
import importlib
import numbers
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from itertools import pairwise
from os import PathLike
from pathlib import Path
from typing import IO, Any

from slaclock._sla.incident import Event, Incident, check_owner
from slaclock._sla.lifecycle import KIND_CODES
from slaclock._sla.vocabulary import DEFAULT_VOCABULARY, Vocabulary
from slaclock._timestamps import FORM, parse_instant
from slaclock.analysis._decode import Decoded
from slaclock.errors import EventTableError, IncidentError, SlaclockTypeError, quote

__all__ = ["EVENT_COLUMNS", "decoded_logs", "read_events"]

EVENT_COLUMNS = (
    "incident",
    "type",
    "channel",
    "third_party",
    "customer",
    "contract",
    "event",
    "at",
    "duration",
    "tier",
    "by",
)
"""The columns of an event table, by their default names (see :func:`read_events`)."""
_REQUIRED = ("incident", "type", "event", "at")
# The incident's context, said again on each of its rows: the record key of each.
_CONTEXT = ("type", "channel", "third_party", "customer", "contract")
_TRUE = frozenset(("true", "1"))
_FALSE = frozenset(("false", "0"))
_FLAG_FORM = "true or false (or 1 or 0), or an empty cell for false"


@dataclass(slots=True)
class _Gathered:
    """One incident's rows so far: its context (and the row that set it) and its events."""

    ident: str
    context: tuple[Any, ...]
    first: Any  # where its first row is: a line number or a row label
    tier: str | None  # the incident's tier: its first row's
    in_force: tuple[str | None, Any]  # the tier in force, and the row that set it
    events: list[Event] = field(default_factory=list)
    places: list[Any] = field(default_factory=list)  # each event's line or row label


def read_events(
    source: str | PathLike[str] | IO[str] | Any,
    *,
    columns: Mapping[str, str] | None = None,
    vocabulary: Vocabulary | None = None,
) -> list[Incident]:
    """The incidents of an event table: a CSV file (a path or an open text file) or a DataFrame.

    ``columns`` maps the names of ``EVENT_COLUMNS`` to the table's own
    (``{"incident": "Ticket", "at": "Created"}``); ``vocabulary`` is the
    catalog's (``catalog.vocabulary``) when its types and channels are not the
    origin's.  See the module docstring for every rule.

    >>> import io
    >>> table = io.StringIO(
    ...     "incident,type,channel,customer,event,at\\n"
    ...     "INC-1,failure,portal,Acme,opened,2026-11-27T17:30:00+03:00\\n"
    ...     "INC-2,consultation,phone,Globex,opened,2026-11-30T11:00:00+03:00\\n"
    ...     "INC-1,failure,portal,Acme,agent_reply,2026-11-30T10:20:00+03:00\\n")
    >>> [(i.id, i.customer, [e.kind for e in i.events]) for i in read_events(table)]
    [('INC-1', 'Acme', ['opened', 'agent_reply']), ('INC-2', 'Globex', ['opened'])]
    """
    names = _column_names(columns)
    if vocabulary is not None and not isinstance(vocabulary, Vocabulary):
        raise SlaclockTypeError(
            f"vocabulary={quote(vocabulary)}; expected a Vocabulary such as catalog.vocabulary"
        )
    if _is_frame(source):
        rows: Iterator[tuple[Any, dict[str, Any]]] = _frame_rows(source, names)
        where = "row"
    elif isinstance(source, str | PathLike):
        return _read_path(Path(source), names, vocabulary)
    elif hasattr(source, "read"):
        rows = _csv_rows(source, names)
        where = "line"
    else:
        raise SlaclockTypeError(
            f"read_events() reads a CSV file (a path or an open text file) or a pandas "
            f"DataFrame, got {quote(source)} of type {type(source).__name__}"
        )
    return _incidents(rows, names, where, vocabulary)


def _read_path(path: Path, names: dict[str, str], vocabulary: Vocabulary | None) -> list[Incident]:
    # utf-8-sig: spreadsheet programs start their CSV with a byte-order mark.
    with path.open(encoding="utf-8-sig", newline="") as handle:
        try:
            return _incidents(_csv_rows(handle, names), names, "line", vocabulary)
        except UnicodeDecodeError as exc:
            raise EventTableError(
                f"{str(path)!r} is not UTF-8 text ({exc.reason} at byte {exc.start}); "
                "save the CSV file as UTF-8"
            ) from None


def _column_names(columns: Mapping[str, str] | None) -> dict[str, str]:
    """Each column's name in the table: the default, or what ``columns`` maps it to."""
    names = {name: name for name in EVENT_COLUMNS}
    if columns is None:
        return names
    if not isinstance(columns, Mapping):
        raise SlaclockTypeError(
            f"columns={quote(columns)}; expected a mapping from slaclock's column names to "
            f"the table's, such as {{'incident': 'Ticket ID'}}"
        )
    for ours, theirs in columns.items():
        if ours not in names:
            raise EventTableError(
                f"columns= maps {quote(ours)}, which is no column of an event table; "
                f"expected some of {', '.join(map(repr, EVENT_COLUMNS))}"
            )
        if not isinstance(theirs, str) or not theirs:
            raise SlaclockTypeError(
                f"columns[{ours!r}]={quote(theirs)}; expected the table's column name (text)"
            )
        names[ours] = theirs
    taken: dict[str, str] = {}
    for ours, theirs in names.items():
        other = taken.setdefault(theirs, ours)
        if other != ours:
            raise EventTableError(
                f"columns= reads both {other!r} and {ours!r} from the column {theirs!r}; "
                "give each its own column"
            )
    return names


def _check_header(header: Iterable[Any], names: dict[str, str], where: str) -> None:
    present = set(header)
    for ours in _REQUIRED:
        if names[ours] not in present:
            found = ", ".join(map(repr, header)) or "none"
            hint = "" if names[ours] != ours else f"; name yours with columns={{{ours!r}: ...}}"
            raise EventTableError(
                f"the table has no {names[ours]!r} column (the {ours} of each event), which "
                f"is required; its columns: {found}{hint}",
                column=names[ours],
                line=1 if where == "line" else None,
            )


# --------------------------------------------------------------------------- CSV


def _csv_rows(handle: IO[str], names: dict[str, str]) -> Iterator[tuple[int, dict[str, Any]]]:
    """``(line, {column: text or None})`` per CSV row; an empty cell is ``None``."""
    reader = csv.reader(handle, strict=True)
    try:
        header = next(reader)
    except StopIteration:
        header = []
    except csv.Error as exc:
        raise EventTableError(f"cannot read the CSV header: {exc}", line=1) from None
    _check_header(header, names, "line")
    if len(set(header)) != len(header):
        twice = next(name for name in header if header.count(name) > 1)
        raise EventTableError(
            f"the header names the column {twice!r} twice; give each column one name",
            column=twice,
            line=1,
        )
    wanted = [(ours, header.index(theirs)) for ours, theirs in names.items() if theirs in header]
    while True:
        start = reader.line_num + 1  # a quoted cell may span lines: the row's first
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise EventTableError(f"cannot read this CSV row: {exc}", line=start) from None
        if not cells:
            continue  # a blank line
        if len(cells) != len(header):
            raise EventTableError(
                f"the row has {len(cells)} cells and the header {len(header)}; every row "
                "needs one cell per column (quote a cell that holds a comma)",
                line=start,
            )
        yield start, {ours: cells[index] or None for ours, index in wanted}


# --------------------------------------------------------------------------- DataFrame


def _is_frame(source: object) -> bool:
    """A pandas DataFrame, known without importing pandas."""
    kind = type(source)
    return kind.__name__ == "DataFrame" and kind.__module__.startswith("pandas")


def _frame_rows(frame: Any, names: dict[str, str]) -> Iterator[tuple[Any, dict[str, Any]]]:
    """``(row label, {column: value or None})`` per row; a missing value is ``None``."""
    pd: Any = importlib.import_module("pandas")
    header = list(frame.columns)
    _check_header(header, names, "row")
    if frame.columns.has_duplicates:
        twice = next(name for name in header if header.count(name) > 1)
        raise EventTableError(
            f"the DataFrame has two columns named {twice!r}; give each column one name",
            column=str(twice),
        )
    wanted = [(ours, theirs) for ours, theirs in names.items() if theirs in header]
    picked = frame[[theirs for _, theirs in wanted]]
    ours_names = [ours for ours, _ in wanted]
    for label, *values in picked.itertuples(index=True, name=None):
        yield (
            label,
            {
                ours: None if _missing(pd, value) else value
                for ours, value in zip(ours_names, values, strict=True)
            },
        )


def _missing(pd: Any, value: Any) -> bool:
    if value is None or value is pd.NaT or value is pd.NA:
        return True
    if isinstance(value, float | numbers.Real) and not isinstance(value, numbers.Integral):
        return bool(value != value)  # NaN
    return False


# --------------------------------------------------------------------------- incidents


def _incidents(
    rows: Iterator[tuple[Any, dict[str, Any]]],
    names: dict[str, str],
    where: str,
    vocabulary: Vocabulary | None,
) -> list[Incident]:
    def error(message: str, place: Any, ours: str | None, ident: str | None) -> EventTableError:
        column = None if ours is None else names[ours]
        if where == "line":
            return EventTableError(message, column=column, line=place, incident_id=ident)
        return EventTableError(message, column=column, row=place, incident_id=ident)

    gathered: dict[str, _Gathered] = {}
    for place, cells in rows:
        ident: str | None = None

        def fail(message: str, ours: str | None) -> EventTableError:
            return error(message, place, ours, ident)  # noqa: B023 (used at once)

        ident = _ident(cells.get("incident"), fail)
        for ours in _REQUIRED[1:]:
            if cells.get(ours) is None:
                raise fail(f"the {ours} cell is empty; every row needs one", ours)
        context = (
            _text(cells.get("type"), "type", fail),
            _text(cells.get("channel"), "channel", fail),
            _flag(cells.get("third_party"), fail),
            _text(cells.get("customer"), "customer", fail),
            _text(cells.get("contract"), "contract", fail),
        )
        tier = _text(cells.get("tier"), "tier", fail)
        one = gathered.get(ident)
        if one is None:
            one = gathered[ident] = _Gathered(ident, context, place, tier, (tier, place))
        elif context != one.context:
            k = next(k for k in range(len(_CONTEXT)) if context[k] != one.context[k])
            first = quote(one.first) if where == "row" else one.first
            raise fail(
                f"{_CONTEXT[k]} {quote(context[k])} differs from {quote(one.context[k])} on "
                f"{where} {first}, the incident's first row; an incident's context must be "
                "the same on all its rows",
                _CONTEXT[k],
            )
        event = _event(cells, fail)
        if event.kind == "tier_changed":
            one.in_force = (event.tier, place)
        elif tier != one.in_force[0]:
            since = quote(one.in_force[1]) if where == "row" else one.in_force[1]
            raise fail(
                f"tier {quote(tier)} differs from {quote(one.in_force[0])}, the tier in force "
                f"since {where} {since}; a row's tier is the tier in force at its event, "
                "and a change of tier is a 'tier_changed' row naming the new one",
                "tier",
            )
        one.events.append(event)
        one.places.append(place)
    return [_incident(one, vocabulary, error) for one in gathered.values()]


_Fail = Callable[[str, str | None], EventTableError]


def _ident(value: Any, fail: _Fail) -> str:
    if value is None:
        raise fail("the incident cell is empty; every row needs the incident's id", "incident")
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return str(int(value))  # a ticket number: the digits CSV would hold
    if not isinstance(value, str) or not value.strip():
        raise fail(f"incident id {quote(value)} must be non-empty text (or an integer)", "incident")
    return value


def _text(value: Any, what: str, fail: _Fail) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise fail(f"{what} {quote(value)} is not text; expected text or an empty cell", what)


def _flag(value: Any, fail: _Fail) -> bool:
    if value is None:
        return False
    if isinstance(value, bool) or (
        type(value).__module__ == "numpy" and type(value).__name__ in ("bool", "bool_")
    ):
        return bool(value)
    if isinstance(value, numbers.Integral) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        folded = value.strip().lower()
        if folded in _TRUE:
            return True
        if folded in _FALSE:
            return False
    raise fail(f"third_party {quote(value)} is not a flag; expected {_FLAG_FORM}", "third_party")


def _event(cells: dict[str, Any], fail: _Fail) -> Event:
    """The row's event; errors name the column."""
    at = cells["at"]
    if not isinstance(at, str | datetime):
        raise fail(f"event time {quote(at)} is not text or a timestamp; expected {FORM}", "at")
    if getattr(at, "nanosecond", 0):  # a pandas Timestamp would be cut to microseconds
        raise fail(
            f"event time {quote(at)} is not a whole number of microseconds; round it first", "at"
        )
    moment = parse_instant(at, what="event time", error=lambda message: fail(message, "at"))
    if type(moment) is not datetime:  # a pandas Timestamp: the plain datetime it stands for
        moment = moment.to_pydatetime()  # type: ignore[attr-defined]
    record: dict[str, Any] = {"type": cells["event"], "at": moment}
    if cells["event"] == "tier_changed":  # the row's tier is the new one
        record["tier"] = cells.get("tier")
    for ours in ("duration", "by"):
        if cells.get(ours) is not None:
            record[ours] = cells[ours]
    try:
        return Event.from_dict(record)
    except IncidentError as exc:
        raise fail(exc.reason, _EVENT_PATH_COLUMNS.get(exc.path, "event")) from None


def _incident(one: _Gathered, vocabulary: Vocabulary | None, error: Any) -> Incident:
    incident_type, channel, third_party, customer, contract = one.context
    tier = one.tier
    try:
        return Incident(
            id=one.ident,
            type=incident_type,
            channel=channel,
            third_party=third_party,
            events=tuple(one.events),
            tier=tier,
            customer=customer,
            contract=contract,
            vocabulary=DEFAULT_VOCABULARY if vocabulary is None else vocabulary,
        )
    except IncidentError as exc:
        index = exc.event_index
        place = one.first if index is None else one.places[index]
        ours: str | None
        if index is None:
            ours = _PATH_COLUMNS.get(exc.path.split(".")[0])
        elif index and one.events[index].at < one.events[index - 1].at:
            ours = "at"  # out of time order (aware datetimes compare as instants)
        else:  # the log's sequence of kinds
            ours = _EVENT_PATH_COLUMNS.get(exc.path.split(".")[-1], "event")
        raise error(exc.reason, place, ours, one.ident) from None


_PATH_COLUMNS = {
    "id": "incident",
    "type": "type",
    "channel": "channel",
    "third_party": "third_party",
    "customer": "customer",
    "contract": "contract",
    "tier": "tier",
}
_EVENT_PATH_COLUMNS = {
    "type": "event",
    "at": "at",
    "duration": "duration",
    "by": "by",
    "tier": "tier",
}


# --------------------------------------------------------------------------- columns


def decoded_logs(frame: Any, names: dict[str, str]) -> list[Decoded | range] | None:
    """A DataFrame's logs decoded column by column, or ``None`` when :func:`read_events` must read it.

    ``frame`` has each incident's rows together and in log order (the partition
    functions order it so).  Each column is taken out once and checked whole:
    the same rules as :func:`read_events`, read off arrays.  Where every cell is
    of the usual kind (ids, types, channels, customers and contracts text,
    ``third_party`` a bool column, ``at`` an aware timestamp column of whole
    microseconds, in time order in each incident, a duration on each
    ``work_logged`` row and nowhere else, ``by`` on an opening only, each
    incident's context and tier the same on all its rows), each incident comes
    back as a :class:`~slaclock.analysis._decode.Decoded` log, what the row
    engine of :func:`~slaclock.analysis.evaluate_jsonl` reads, and an incident
    that changes tier as the ``range`` of its row positions, for
    :func:`read_events` to read alone.  Anything else, a refusal included, gives
    ``None``: :func:`read_events` then reads the whole table, so every error is
    exactly its error, with its row label.  The log's own rules (the sequence of
    kinds, the types and channels) are the row engine's, which declines a log
    they refuse.
    """
    pd: Any = importlib.import_module("pandas")
    np: Any = importlib.import_module("numpy")
    size = len(frame)
    header = set(frame.columns)
    if not size or frame.columns.has_duplicates:
        return None
    ids = _texts(pd, frame, names["incident"], header, required=True)
    kinds = _texts(pd, frame, names["event"], header, required=True)
    types = _texts(pd, frame, names["type"], header, required=True)
    if ids is None or kinds is None or types is None:
        return None
    ident = np.array(ids, dtype=object)
    starts = np.flatnonzero(np.concatenate(([True], ident[1:] != ident[:-1])))
    owner = np.repeat(np.arange(len(starts)), np.diff(np.append(starts, size)))
    first = starts[owner]  # each row's incident's first row
    column = frame[names["at"]]
    if not isinstance(column.dtype, pd.DatetimeTZDtype) or column.isna().any():
        return None
    stamps = column.dt.tz_convert("UTC")
    unit = np.datetime_data(stamps.dtype.base)[0]
    raw = stamps.to_numpy(dtype=stamps.dtype.base).view("int64")
    if unit == "ns":
        if (raw % 1000).any():  # nanoseconds: read_events refuses them
            return None
        raw = raw // 1000
    elif unit != "us":
        raw = stamps.astype("datetime64[us, UTC]").to_numpy(dtype="datetime64[us]").view("int64")
    instants = raw.tolist()
    later = np.ones(size, dtype=bool)
    later[1:] = raw[1:] >= raw[:-1]
    if not (later | (first == np.arange(size))).all():  # out of time order in an incident
        return None
    codes = set(kinds)
    if not codes <= KIND_CODES.keys() or ("tier_changed" in codes and names["tier"] not in header):
        return None
    logged = np.array(kinds, dtype=object) == "work_logged"
    if not _durations_fit(pd, np, frame, names["duration"], header, logged):
        return None
    opener = _openers(pd, np, frame, names["by"], header, kinds, first, size)
    if opener is None:
        return None
    context: list[Any] = [types]
    for ours in ("channel", "customer", "contract", "tier"):
        values = _texts(pd, frame, names[ours], header, required=False)
        if values is None:
            return None
        context.append(values)
    if names["third_party"] in header:
        flags = frame[names["third_party"]]
        if flags.dtype != bool:
            return None
        parties: list[Any] = flags.to_numpy().tolist()
    else:
        parties = [False] * size
    context.append(parties)
    changes = (np.array(kinds, dtype=object) == "tier_changed").nonzero()[0]
    changing = set(owner[changes].tolist())
    for values in context:
        if values[0] is None and len(set(values)) == 1:
            continue  # an absent column, or one empty everywhere
        array = np.array(values, dtype=object)
        differs = np.flatnonzero(array != array[first])
        if len(differs) and (values is not context[4] or not changing.issuperset(owner[differs])):
            return None  # a context that changes, or a tier that is not the one in force
    if not _owners_fit(ids, context[2], context[3], starts):
        return None
    channels, customers, contracts, tiers = context[1:5]
    bounds = [*starts.tolist(), size]
    logs: list[Decoded | range] = []
    append = logs.append
    new = tuple.__new__
    for j, (start, stop) in enumerate(pairwise(bounds)):
        if j in changing:
            append(range(start, stop))
            continue
        name = ids[start]
        if not name.strip():
            return None
        append(
            new(
                Decoded,
                (
                    name,
                    types[start],
                    channels[start],
                    parties[start],
                    tiers[start],
                    tuple(kinds[start:stop]),
                    instants[start:stop],
                    opener[start],
                    False,  # every work_logged row has its duration
                    customers[start],
                    contracts[start],
                ),
            )
        )
    return logs


def _texts(pd: Any, frame: Any, name: str, header: set[Any], *, required: bool) -> list[Any] | None:
    """A column's cells as a list, text or ``None`` (absent column: all ``None``); else ``None``."""
    if name not in header:
        return None if required else [None] * len(frame)
    column = frame[name]
    missing = column.isna().to_numpy()
    values: list[Any] = column.to_numpy(dtype=object).tolist()
    if missing.any():
        if required:
            return None
        for k in missing.nonzero()[0].tolist():
            values[k] = None
    if not set(map(type, values)) <= _TEXT_TYPES:
        return None
    return values


_TEXT_TYPES = frozenset((str, type(None)))


def _durations_fit(pd: Any, np: Any, frame: Any, name: str, header: set[Any], logged: Any) -> bool:
    """A duration on each ``work_logged`` row (whole microseconds, not negative) and nowhere else."""
    if name not in header:
        return not logged.any()
    column = frame[name]
    present = column.notna().to_numpy()
    if (present != logged).any():
        return False
    if not logged.any():
        return True
    if not pd.api.types.is_timedelta64_dtype(column.dtype):
        return False
    unit = np.datetime_data(column.dtype)[0]
    raw = column.to_numpy()[logged].view("int64")
    if unit == "ns" and (raw % 1000).any():
        return False
    return bool((raw >= 0).all())


def _openers(
    pd: Any,
    np: Any,
    frame: Any,
    name: str,
    header: set[Any],
    kinds: list[str],
    first: Any,
    size: int,
) -> list[bool] | None:
    """Per row, whether an agent opened its incident: ``by`` only on openings, ``customer``/``agent``."""
    if name not in header:
        return [False] * size
    values = _texts(pd, frame, name, header, required=False)
    if values is None:
        return None
    given = [k for k, value in enumerate(values) if value is not None]
    if not given:
        return [False] * size
    opener = [False] * size
    for k in given:
        if first[k] != k or kinds[k] != "opened" or values[k] not in ("agent", "customer"):
            return None
        opener[k] = values[k] == "agent"
    return opener


def _owners_fit(ids: list[str], customers: list[Any], contracts: list[Any], starts: Any) -> bool:
    """Every incident's customer and contract pass ``Incident``'s check (each pair checked once)."""
    seen: set[tuple[Any, Any]] = set()
    for start in starts.tolist():
        pair = (customers[start], contracts[start])
        if pair in seen:
            continue
        try:
            check_owner(ids[start], *pair, {})
        except Exception:  # Incident words the refusal, read_events raises it
            return False
        seen.add(pair)
    return True
