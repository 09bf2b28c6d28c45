"""Event frames in, summary and clock frames out: the pandas side of ``slaclock.analysis.dask``.

Everything here needs pandas and nothing else: a Dask or Spark worker calls
:func:`summary_partition` or :func:`clock_partition` on one pandas DataFrame of
events and gets back a DataFrame whose columns and dtypes are those of
:func:`frame_meta`, the empty table's ``to_pandas()`` (so a column added to the
tables flows through to every engine).  The Spark schema is derived from the
same meta (:func:`spark_ddl`).
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, Literal

from slaclock._calendar.instants import td_to_us, to_us
from slaclock._sla.incident import Incident
from slaclock._sla.plan import Plan, plan_for
from slaclock._sla.tier import Tier
from slaclock._sla.vocabulary import Vocabulary
from slaclock._timestamps import parse_instant
from slaclock.analysis import (
    ClockRow,
    Summary,
    Table,
    clock_table,
    evaluate_many,
    summarize,
)
from slaclock.analysis._events import EVENT_COLUMNS, decoded_logs, read_events
from slaclock.analysis._rows import of_incident, row
from slaclock.catalog import Catalog
from slaclock.errors import PartitionError, SlaclockError, SlaclockValueError, quote

__all__ = [
    "KINDS",
    "clock_partition",
    "event_frame",
    "frame_meta",
    "spark_ddl",
    "summary_partition",
]

Kind = Literal["summary", "clocks"]
KINDS: tuple[Kind, ...] = ("summary", "clocks")
"""The tables a partition function returns: ``"summary"`` (one row per incident) or
``"clocks"`` (one row per clock of each incident)."""
_FIELDS: dict[str, Any] = {"summary": Summary, "clocks": ClockRow}


def _pandas() -> Any:
    try:
        return importlib.import_module("pandas")
    except ImportError:
        raise ImportError(
            "slaclock.analysis.dask works on pandas DataFrames; install the extra: "
            "pip install 'slaclock[dask]'"
        ) from None


def _kind(kind: object) -> Kind:
    if kind not in KINDS:
        raise SlaclockValueError(f"kind={quote(kind)}; expected 'summary' or 'clocks'")
    return kind


def frame_meta(kind: Kind = "summary", *, zone: str = "UTC") -> Any:
    """The empty DataFrame a partition function's output is like: columns and dtypes.

    It is the empty table's ``to_pandas(zone=zone)``, so it is exactly what the
    tables give, and what ``dask.dataframe`` wants as ``meta``.
    """
    row = _FIELDS[_kind(kind)]
    meta = Table({name: [] for name in row._fields}).to_pandas(zone=zone)
    # A column that the table leaves to pandas' inference (float64 when empty) gets
    # the dtype of its field's declared type, the one a full partition infers.
    for name, dtype in meta.dtypes.items():
        if str(dtype) in ("float64", "object"):
            meta[name] = meta[name].astype(_declared_dtype(_declared(kind, name)))
    return meta


def _declared(kind: Kind, name: str) -> str:
    """The declared type of a row field, as text (``"int | None"``)."""
    annotation = _FIELDS[kind].__annotations__.get(name)
    return str(getattr(annotation, "__forward_arg__", annotation))


def _declared_dtype(declared: str) -> str:
    if declared.startswith("tuple"):
        return "object"
    base, _, optional = declared.partition(" | ")
    if base == "str":
        return "str"
    if base == "bool":
        return "bool"
    if base == "int":
        return "Int64" if optional else "int64"
    raise SlaclockValueError(f"no pandas dtype for a field declared {declared!r}")


# --------------------------------------------------------------------------- Spark

# The Spark SQL type of each pandas dtype the tables use (by dtype kind and name).
_SPARK_TYPES = {
    "bool": "BOOLEAN",
    "boolean": "BOOLEAN",
    "int64": "BIGINT",
    "Int64": "BIGINT",
    "string": "STRING",
    "str": "STRING",
    "category": "STRING",
    "timedelta64[us]": "INTERVAL DAY TO SECOND",
}


def _spark_type(kind: Kind, name: str, dtype: Any) -> str:
    text = str(dtype)
    if text.startswith("datetime64["):
        return "TIMESTAMP"
    if text in _SPARK_TYPES:
        return _SPARK_TYPES[text]
    declared = _declared(kind, name)
    if text == "object" and declared.startswith("tuple[int"):
        return "ARRAY<BIGINT>"
    raise SlaclockValueError(
        f"no Spark type for column {name!r} of dtype {text} (declared {declared!r})"
    )


def spark_ddl(kind: Kind = "summary") -> str:
    """The Spark schema of a partition function's output, as a DDL string for ``mapInPandas``.

    Derived from :func:`frame_meta`: the same columns, in the same order.
    Instants are ``TIMESTAMP`` (Spark shows them in its session zone), durations
    ``INTERVAL DAY TO SECOND``, counts ``BIGINT``, the per-level escalation counts
    ``ARRAY<BIGINT>``.

    >>> spark_ddl("clocks").split(", ")[:3]
    ['`incident` STRING', '`tier` STRING', '`customer` STRING']
    """
    meta = frame_meta(kind)
    return ", ".join(
        f"`{name}` {_spark_type(kind, name, dtype)}" for name, dtype in meta.dtypes.items()
    )


# --------------------------------------------------------------------------- events out


def event_frame(incidents: Iterable[Incident]) -> Any:
    """An event table (one row per event) of incidents: what the partition functions read.

    The columns are those of ``EVENT_COLUMNS`` plus ``seq``, each event's place in
    its incident's log (pass ``order="seq"`` to the partition functions after a
    shuffle, which does not keep row order).  Instants are UTC timestamps.
    """
    pd = _pandas()
    columns: dict[str, list[Any]] = {name: [] for name in (*EVENT_COLUMNS, "seq")}
    at, duration = columns["at"], columns["duration"]
    for incident in incidents:
        context = (
            incident.id,
            incident.type,
            incident.channel,
            incident.third_party,
            incident.customer,
            incident.contract,
        )
        tier = incident.tier  # the tier in force at each event, as read_events reads it
        for seq, event in enumerate(incident.events):
            if event.kind == "tier_changed":
                tier = event.tier
            for name, value in zip(EVENT_COLUMNS[:6], context, strict=True):
                columns[name].append(value)
            columns["event"].append(event.kind)
            at.append(to_us(event.at))
            duration.append(None if event.duration is None else td_to_us(event.duration))
            columns["tier"].append(tier)
            columns["by"].append(event.by)
            columns["seq"].append(seq)
    # Instants and durations go in as whole microseconds, converted once a column
    # (far faster than pandas reading datetime objects one by one).
    columns["at"] = pd.Series(at, dtype="int64").astype("datetime64[us]").dt.tz_localize("UTC")
    columns["duration"] = pd.Series(duration, dtype="Int64").astype("timedelta64[us]")
    frame = pd.DataFrame(columns)
    frame["third_party"] = frame["third_party"].astype(bool)
    frame["seq"] = frame["seq"].astype("int64")
    return frame


# --------------------------------------------------------------------------- partitions


def summary_partition(
    events: Any,
    catalog_or_tier: Catalog | Tier,
    *,
    tier: str | None = None,
    at: datetime | None = None,
    cycle_rule: str | None = None,
    pause_reaction_when_pending: bool | None = None,
    columns: Mapping[str, str] | None = None,
    order: str | None = None,
    zone: str = "UTC",
    divisions: Sequence[Any] | None = None,
    partition_info: Mapping[str, Any] | None = None,
) -> Any:
    """The summary table (one row per incident) of one DataFrame of events, as a DataFrame.

    See :mod:`slaclock.analysis.dask` for the rules; the result has exactly the
    columns and dtypes of ``frame_meta("summary", zone=zone)``.
    """
    return _partition(
        "summary",
        events,
        catalog_or_tier,
        tier=tier,
        at=at,
        cycle_rule=cycle_rule,
        pause=pause_reaction_when_pending,
        columns=columns,
        order=order,
        zone=zone,
        divisions=divisions,
        partition_info=partition_info,
    )


def clock_partition(
    events: Any,
    catalog_or_tier: Catalog | Tier,
    *,
    tier: str | None = None,
    at: datetime | None = None,
    cycle_rule: str | None = None,
    pause_reaction_when_pending: bool | None = None,
    columns: Mapping[str, str] | None = None,
    order: str | None = None,
    zone: str = "UTC",
    divisions: Sequence[Any] | None = None,
    partition_info: Mapping[str, Any] | None = None,
) -> Any:
    """The clock table (one row per clock of each incident) of one DataFrame of events.

    The columns and dtypes are those of ``frame_meta("clocks", zone=zone)``.
    """
    return _partition(
        "clocks",
        events,
        catalog_or_tier,
        tier=tier,
        at=at,
        cycle_rule=cycle_rule,
        pause=pause_reaction_when_pending,
        columns=columns,
        order=order,
        zone=zone,
        divisions=divisions,
        partition_info=partition_info,
    )


def _partition(
    kind: Kind,
    events: Any,
    catalog_or_tier: Catalog | Tier,
    *,
    tier: str | None,
    at: datetime | None,
    cycle_rule: str | None,
    pause: bool | None,
    columns: Mapping[str, str] | None,
    order: str | None,
    zone: str,
    divisions: Sequence[Any] | None,
    partition_info: Mapping[str, Any] | None,
) -> Any:
    name = _name(partition_info)
    vocabulary = catalog_or_tier.vocabulary if isinstance(catalog_or_tier, Catalog | Tier) else None
    ordered = ordered_events(
        events, columns=columns, order=order, partition=name, divisions=divisions
    )
    table = None
    if kind == "summary":  # the usual table, column by column, by the row engine
        table = _fast_summaries(ordered, catalog_or_tier, tier, at, cycle_rule, pause, columns)
    try:
        if table is None:
            table = tables(
                kind,
                _read(ordered, columns, vocabulary, name),
                catalog_or_tier,
                tier=tier,
                at=at,
                cycle_rule=cycle_rule,
                pause=pause,
            )
    except PartitionError:
        raise
    except SlaclockError as exc:
        raise PartitionError(str(exc), partition=name) from exc
    return conform(table.to_pandas(zone=zone), frame_meta(kind, zone=zone), name)


def _name(partition_info: Mapping[str, Any] | None) -> Any:
    """The partition's name in messages: its number in a Dask collection, else ``0``."""
    if partition_info is None:
        return 0
    return partition_info.get("number", 0)


def conform(frame: Any, meta: Any, partition: Any) -> Any:
    """``frame`` with exactly the columns and dtypes of ``meta`` (a broken promise raises)."""
    if list(frame.columns) != list(meta.columns):
        raise PartitionError(
            f"the table's columns {list(frame.columns)} are not the declared {list(meta.columns)}",
            partition=partition,
        )
    frame = frame.astype(meta.dtypes.to_dict())
    frame.index = range(len(frame))
    return frame


def tables(
    kind: Kind,
    incidents: list[Incident],
    catalog_or_tier: Catalog | Tier,
    *,
    tier: str | None,
    at: datetime | None,
    cycle_rule: str | None,
    pause: bool | None,
) -> Table:
    """The summary or clock :class:`Table` of incidents on a tier, or on their catalog tiers."""
    if kind == "clocks":
        return clock_table(
            incidents,
            catalog_or_tier,
            tier=tier,
            at=at,
            cycle_rule=cycle_rule,
            pause_reaction_when_pending=pause,
        )
    if isinstance(catalog_or_tier, Tier) or tier is not None:
        one = (
            catalog_or_tier if isinstance(catalog_or_tier, Tier) else _named(catalog_or_tier, tier)
        )
        return summarize(
            evaluate_many(
                incidents, one, at=at, cycle_rule=cycle_rule, pause_reaction_when_pending=pause
            )
        )
    # A catalog: each incident on the tier it names (a log that changes tier on each
    # tier in turn, from the catalog's plans), the rows in the incidents' order.
    plans = {
        name: plan_for(one, cycle_rule, pause) for name, one in _catalog(catalog_or_tier).items()
    }
    at_us = None if at is None else to_us(at, name="at")
    rows = []
    for incident in incidents:
        if incident.tier is None:
            raise SlaclockValueError(
                f"incident {quote(incident.id)} names no tier; fill the 'tier' column or pass tier="
            )
        if incident.tier not in plans:
            _named(catalog_or_tier, incident.tier)  # raises, naming the catalog's tiers
        rows.append(of_incident(plans[incident.tier], incident, at_us, plans))
    return summarize(rows)


def _catalog(catalog: Catalog) -> Mapping[str, Tier]:
    if not isinstance(catalog, Catalog):
        _named(catalog, None)  # raises, naming the accepted form
    return catalog.tiers


def _named(catalog: Catalog, name: str | None) -> Tier:
    if not isinstance(catalog, Catalog):
        raise SlaclockValueError(
            f"expected a slaclock Catalog or Tier, got {quote(catalog)}; for example default_catalog()"
        )
    try:
        return catalog.tiers[name]  # type: ignore[index]
    except KeyError:
        raise SlaclockValueError(
            f"no tier {quote(name)} in the catalog; known: {', '.join(catalog.tiers)}"
        ) from None


def partition_incidents(
    events: Any,
    vocabulary: Vocabulary | None,
    *,
    columns: Mapping[str, str] | None,
    order: str | None,
    partition: Any,
    divisions: Sequence[Any] | None,
) -> list[Incident]:
    """The incidents of one partition's events, checked against the partition's divisions.

    Rows are put in time order within each incident (a shuffle does not keep row
    order): by ``order`` when given, else by ``at``, keeping the partition's order
    between events at the same instant only when they are of the same kind.
    """
    ordered = ordered_events(
        events, columns=columns, order=order, partition=partition, divisions=divisions
    )
    return _read(ordered, columns, vocabulary, partition)


def _read(
    ordered: Any, columns: Mapping[str, str] | None, vocabulary: Vocabulary | None, partition: Any
) -> list[Incident]:
    """:func:`read_events` of a partition's ordered events; its errors name the partition."""
    try:
        return read_events(ordered, columns=columns, vocabulary=vocabulary)
    except SlaclockError as exc:
        raise PartitionError(
            str(exc), partition=partition, column=getattr(exc, "column", None)
        ) from exc


def ordered_events(
    events: Any,
    *,
    columns: Mapping[str, str] | None,
    order: str | None,
    partition: Any,
    divisions: Sequence[Any] | None,
) -> Any:
    """One partition's events checked (columns, divisions) and ordered: each incident's rows
    together, in first-row order, and in log order (see :func:`partition_incidents`)."""
    pd = _pandas()
    if not isinstance(events, pd.DataFrame):
        raise PartitionError(
            f"expected a pandas DataFrame of events, got {type(events).__name__}",
            partition=partition,
        )
    names = _names(columns)
    ident = names["incident"]
    if events.index.name == ident and ident not in events.columns:
        events = events.reset_index()  # set_index on the incident id: its values are the index
    for ours in ("incident", "type", "event", "at"):
        if names[ours] not in events.columns:
            raise PartitionError(
                f"the events have no {names[ours]!r} column (the {ours} of each event), which is "
                f"required; columns: {', '.join(map(repr, events.columns)) or 'none'}",
                partition=partition,
                column=names[ours],
            )
    if order is not None and order not in events.columns:
        raise PartitionError(
            f"order={order!r} names no column of the events; columns: "
            f"{', '.join(map(repr, events.columns))}",
            partition=partition,
            column=order,
        )
    if divisions is not None:
        _check_divisions(events[ident], divisions, partition, ident)
    return _in_time_order(pd, events, ident, names["at"], names["event"], order, partition)


def _names(columns: Mapping[str, str] | None) -> dict[str, str]:
    names = {name: name for name in EVENT_COLUMNS}
    names.update(columns or {})
    return names


def _fast_summaries(
    ordered: Any,
    catalog_or_tier: Catalog | Tier,
    tier: str | None,
    at: datetime | None,
    cycle_rule: str | None,
    pause: bool | None,
    columns: Mapping[str, str] | None,
) -> Table | None:
    """The summary table of ordered events by the row engine, or ``None`` to take the careful way.

    The logs come from :func:`~slaclock.analysis._events.decoded_logs` (the columns
    checked whole) and each row from the row engine that ``evaluate_jsonl`` uses;
    a log that changes tier is read alone by :func:`read_events` and measured as
    :func:`tables` measures it.  Anything the fast readers decline, an error
    included, gives ``None``: the caller then reads the whole partition with
    :func:`read_events`, which words the error, so both ways give the same table
    or the same error.
    """
    if columns is not None and (
        not isinstance(columns, Mapping) or not set(columns) <= set(EVENT_COLUMNS)
    ):
        return None  # read_events words what is wrong with the mapping
    plans: dict[str, Plan] | None = None
    single: Plan | None = None
    try:
        if isinstance(catalog_or_tier, Tier):
            if tier is not None:
                return None
            single = plan_for(catalog_or_tier, cycle_rule, pause)
        elif isinstance(catalog_or_tier, Catalog) and tier is None:
            plans = {
                name: plan_for(one, cycle_rule, pause)
                for name, one in catalog_or_tier.tiers.items()
            }
        elif isinstance(catalog_or_tier, Catalog) and tier in catalog_or_tier.tiers:
            single = plan_for(catalog_or_tier.tiers[tier], cycle_rule, pause)
        else:
            return None
        at_us = None if at is None else to_us(at, name="at")
    except SlaclockError:
        return None
    logs = decoded_logs(ordered, _names(columns))
    if logs is None:
        return None
    vocabulary = catalog_or_tier.vocabulary
    rows: list[Summary] = []
    append = rows.append
    try:
        for log in logs:
            if type(log) is range:  # a log that changes tier: read alone, the careful way
                [incident] = read_events(
                    ordered.iloc[log.start : log.stop], columns=columns, vocabulary=vocabulary
                )
                plan = single if plans is None else plans[incident.tier]  # type: ignore[index]
                append(of_incident(plan, incident, at_us, plans))  # type: ignore[arg-type]
            else:
                plan = single if plans is None else plans[log.tier]  # type: ignore[index]
                append(row(plan, log, at_us))  # type: ignore[arg-type]
    except Exception:  # declined, or an error that read_events words
        return None
    return summarize(rows)


def _check_divisions(ids: Any, divisions: Sequence[Any], partition: Any, column: str) -> None:
    """Every id of partition ``partition`` lies within its divisions, so in no other partition."""
    if not len(ids):
        return
    number = int(partition)
    low, high = divisions[number], divisions[number + 1]
    last = number + 2 == len(divisions)
    values = ids.astype(str) if ids.dtype != object else ids
    smallest, largest = values.min(), values.max()
    if smallest < low or largest > high or (not last and largest == high):
        bad = smallest if smallest < low else largest
        raise PartitionError(
            f"incident {quote(bad)} lies outside this partition's divisions "
            f"[{quote(low)}, {quote(high)}{']' if last else ')'}: its events may be split "
            "across partitions; set_index on the incident id so that each incident is whole",
            partition=partition,
            column=column,
        )


def _in_time_order(
    pd: Any, events: Any, ident: str, at: str, kind: str, order: str | None, partition: Any
) -> Any:
    np = importlib.import_module("numpy")
    codes = pd.factorize(events[ident].astype(str), sort=False)[0]
    if order is not None:
        key = pd.to_numeric(events[order], errors="coerce")
        if key.isna().any():
            bad = events[order][key.isna()].iloc[0]
            raise PartitionError(
                f"order column {order!r} holds {quote(bad)}; expected each event's place "
                "in its incident, a number",
                partition=partition,
                column=order,
            )
        positions = np.lexsort((key.to_numpy(), codes))
        return events.iloc[positions]
    instants = _instant_keys(pd, events[at])
    if instants is None:  # a value read_events will refuse with its row: leave the order
        return events
    positions = np.lexsort((instants, codes))
    ordered = events.iloc[positions]
    same = (codes[positions][1:] == codes[positions][:-1]) & (
        instants[positions][1:] == instants[positions][:-1]
    )
    if same.any():
        kinds = ordered[kind].to_numpy()
        clash = same & (kinds[1:] != kinds[:-1])
        if clash.any():
            j = int(np.flatnonzero(clash)[0])
            raise PartitionError(
                f"incident {quote(ordered[ident].iloc[j])} has a {quote(kinds[j])} and a "
                f"{quote(kinds[j + 1])} event at the same instant "
                f"{quote(str(ordered[at].iloc[j]))}, and a shuffle does not keep row order; "
                "give each event its place in its incident in a column and pass order=",
                partition=partition,
                column=at,
            )
    return ordered


def _instant_keys(pd: Any, values: Any) -> Any:
    """UTC microseconds of each ``at`` value (numpy int64), or ``None`` if one is unreadable."""
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        if values.isna().any():
            return None
        return values.dt.tz_convert("UTC").astype("datetime64[us, UTC]").astype("int64").to_numpy()
    keys = []
    cache: dict[Any, int] = {}
    for value in values:
        found = cache.get(value) if isinstance(value, str) else None
        if found is None:
            try:
                stamp = parse_instant(value) if isinstance(value, str) else value
                found = int(pd.Timestamp(stamp).tz_convert("UTC").value // 1000)
            except (SlaclockError, ValueError, TypeError, AttributeError):
                return None
            if isinstance(value, str):
                cache[value] = found
        keys.append(found)
    return importlib.import_module("numpy").array(keys, dtype="int64")
