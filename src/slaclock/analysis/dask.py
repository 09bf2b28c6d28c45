"""Incident histories on Dask and Spark: partition functions, their ``meta`` and schema.

Use this module when the events do not fit one process.  The engine is Dask
(or Spark); slaclock gives it functions of one pandas DataFrame:

* :func:`summary_partition` and :func:`clock_partition` take one partition of
  an **event table** (one row per event, the columns of
  ``slaclock.analysis.EVENT_COLUMNS``; every event of an incident in the same
  partition) and return the summary table (one row per incident) or the clock
  table (one row per clock) as a DataFrame with the columns and dtypes of
  :func:`frame_meta` (the empty table's ``to_pandas()``).
* :func:`summaries` and :func:`clocks` do the ``map_partitions`` for a Dask
  DataFrame indexed by the incident id (``events.set_index("incident")``) and
  check, partition by partition, that each incident lies within its partition's
  divisions: an incident split across partitions raises a
  :class:`~slaclock.errors.PartitionError` naming the partition and the column,
  never a wrong table.
* :func:`read_jsonl` reads JSON Lines logs through ``dask.bag``, one partition
  per file.
* :func:`compare` compares scenarios over a Dask DataFrame of events (or JSON
  Lines files), exactly: each partition folds its incidents into one partial
  row per scenario (counts, an exact histogram of reaction times, spans, work
  per contract and month), partials merge in a tree, and the rows are made
  from the whole, so medians, p90 and budget overage are those of one process.
* :func:`spark_ddl` is the schema of the same tables for PySpark's
  ``mapInPandas`` (see the Spark how-to).

Rows of an incident are put in time order by ``at`` (a shuffle or ``set_index``
does not keep row order); events of different kinds at the same instant need an
``order=`` column (each event's place in its log, as :func:`event_frame` writes
``seq``), or the partition is refused.

This module imports without Dask: the partition functions need pandas only,
:func:`summaries`, :func:`clocks` and :func:`read_jsonl` need the ``dask`` extra
(``pip install 'slaclock[dask]'``).
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from os import PathLike
from typing import Any

from slaclock._sla.tier import Tier
from slaclock._sla.vocabulary import Vocabulary
from slaclock.analysis import Table
from slaclock.analysis._compare import (
    Log,
    Partial,
    Scenario,
    check_owners,
    checked_scenarios,
    columns_of,
    decode_lines,
    finish,
    log_of,
    merge,
    partial,
)
from slaclock.analysis._frames import (
    KINDS,
    Kind,
    clock_partition,
    conform,
    event_frame,
    frame_meta,
    partition_incidents,
    spark_ddl,
    summary_partition,
)
from slaclock.catalog import Catalog
from slaclock.errors import PartitionError, SlaclockError, SlaclockValueError, quote

__all__ = [
    "KINDS",
    "clock_partition",
    "clocks",
    "compare",
    "event_frame",
    "frame_meta",
    "read_jsonl",
    "spark_ddl",
    "summaries",
    "summary_partition",
]


def _dask(module: str) -> Any:
    try:
        return importlib.import_module(module)
    except ImportError:
        raise ImportError(
            f"this needs {module.split('.')[0]}; install the extra: pip install 'slaclock[dask]'"
        ) from None


def _mapped(
    kind: Kind,
    events: Any,
    catalog_or_tier: Catalog | Tier,
    options: dict[str, Any],
) -> Any:
    dd = _dask("dask.dataframe")
    if not isinstance(events, dd.DataFrame):
        single = "summary_partition" if kind == "summary" else "clock_partition"
        raise SlaclockValueError(
            f"expected a dask DataFrame of events, got {type(events).__name__}; for one pandas "
            f"DataFrame call {single}"
        )
    _check_indexed(kind, events, options.get("columns"))
    function = summary_partition if kind == "summary" else clock_partition
    with _as_declared():
        return events.map_partitions(
            function,
            catalog_or_tier,
            divisions=tuple(events.divisions),
            meta=frame_meta(kind, zone=options.get("zone", "UTC")),
            clear_divisions=True,
            **options,
        )


def _check_indexed(what: str, events: Any, columns: Mapping[str, str] | None) -> None:
    """Refuse events not indexed by incident id with known divisions (the split check needs them)."""
    ident = (columns or {}).get("incident", "incident")
    if events.index.name != ident or not events.known_divisions:
        raise SlaclockValueError(
            f"the events must be indexed by the incident id with known divisions, so that each "
            f"incident lies in one partition and slaclock can check it: "
            f"events.set_index({ident!r}) (index now {quote(events.index.name)}, divisions "
            f"{'known' if events.known_divisions else 'unknown'})"
        )


def summaries(
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
) -> Any:
    """The summary table of a Dask DataFrame of events indexed by incident id, lazily.

    ``catalog_or_tier`` and the options mean what they mean for
    :func:`slaclock.analysis.evaluate_jsonl`; ``columns`` maps the event table's
    column names, ``order`` names a column of each event's place in its log,
    ``zone`` is the zone of the instant columns.  The result's partitions are
    the events' partitions, its ``meta`` is ``frame_meta("summary", zone=zone)``.
    """
    options = {
        "tier": tier,
        "at": at,
        "cycle_rule": cycle_rule,
        "pause_reaction_when_pending": pause_reaction_when_pending,
        "columns": columns,
        "order": order,
        "zone": zone,
    }
    return _mapped("summary", events, catalog_or_tier, options)


def clocks(
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
) -> Any:
    """The clock table of a Dask DataFrame of events indexed by incident id, lazily.

    The options are those of :func:`summaries`; the ``meta`` is ``frame_meta("clocks", zone=zone)``.
    """
    options = {
        "tier": tier,
        "at": at,
        "cycle_rule": cycle_rule,
        "pause_reaction_when_pending": pause_reaction_when_pending,
        "columns": columns,
        "order": order,
        "zone": zone,
    }
    return _mapped("clocks", events, catalog_or_tier, options)


# --------------------------------------------------------------------------- JSON Lines


def read_jsonl(
    paths: str | PathLike[str] | Sequence[str | PathLike[str]],
    catalog_or_tier: Catalog | Tier,
    *,
    kind: Kind = "summary",
    tier: str | None = None,
    at: datetime | None = None,
    cycle_rule: str | None = None,
    pause_reaction_when_pending: bool | None = None,
    zone: str = "UTC",
) -> Any:
    """The summary (or ``kind="clocks"``) table of JSON Lines logs, as a Dask DataFrame.

    ``paths`` is a path, a glob pattern or a list of them, as ``dask.bag.read_text``
    takes.  Each file is one partition (a record is one line, so no incident is
    split), read with :func:`slaclock.analysis.evaluate_jsonl`'s rules; a bad line
    raises a :class:`~slaclock.errors.PartitionError` naming the file, with the
    line's own error (its line number) as the message.
    """
    if kind not in KINDS:
        raise SlaclockValueError(f"kind={quote(kind)}; expected 'summary' or 'clocks'")
    bag = _dask("dask.bag")
    dd = _dask("dask.dataframe")
    delayed = _dask("dask").delayed
    lines = bag.read_text(_paths(paths), include_path=True)
    options = {
        "kind": kind,
        "tier": tier,
        "at": at,
        "cycle_rule": cycle_rule,
        "pause": pause_reaction_when_pending,
        "zone": zone,
    }
    parts = [delayed(_jsonl_frame)(part, catalog_or_tier, **options) for part in lines.to_delayed()]
    with _as_declared():
        return dd.from_delayed(parts, meta=frame_meta(kind, zone=zone), verify_meta=True)


def _paths(paths: Any) -> str | list[str]:
    return [str(p) for p in paths] if isinstance(paths, list | tuple) else str(paths)


def _as_declared() -> Any:
    """Dask settings under which a collection keeps the declared dtypes of its meta.

    Dask turns text columns into its own string dtype unless told not to: the
    tables keep the dtypes of ``to_pandas()`` on every engine.
    """
    return _dask("dask").config.set({"dataframe.convert-string": False})


def _jsonl_frame(
    part: Iterable[tuple[str, str]],
    catalog_or_tier: Catalog | Tier,
    *,
    kind: Kind,
    tier: str | None,
    at: datetime | None,
    cycle_rule: str | None,
    pause: bool | None,
    zone: str,
) -> Any:
    """One file's table: its lines are ``(text, path)`` pairs from ``read_text(include_path=True)``."""
    from slaclock import analysis, read_incidents

    pairs = list(part)
    name = pairs[0][1] if pairs else "(empty)"
    text = [line for line, _ in pairs]
    try:
        if kind == "summary":
            table = analysis.summarize(
                analysis.evaluate_jsonl(
                    text,
                    catalog_or_tier,
                    tier=tier,
                    at=at,
                    cycle_rule=cycle_rule,
                    pause_reaction_when_pending=pause,
                )
            )
        else:
            import io

            vocabulary = getattr(catalog_or_tier, "vocabulary", None)
            incidents = read_incidents(io.StringIO("".join(text)), vocabulary=vocabulary)
            table = analysis.clock_table(
                incidents,
                catalog_or_tier,
                tier=tier,
                at=at,
                cycle_rule=cycle_rule,
                pause_reaction_when_pending=pause,
            )
    except SlaclockError as exc:
        raise PartitionError(str(exc), partition=name) from exc
    return conform(table.to_pandas(zone=zone), frame_meta(kind, zone=zone), name)


# --------------------------------------------------------------------------- compare


def compare(
    source: Any,
    scenarios: Iterable[Scenario],
    *,
    at: datetime | None = None,
    columns: Mapping[str, str] | None = None,
    order: str | None = None,
) -> Table:
    """:func:`slaclock.analysis.compare` over a Dask collection: the same table, computed.

    ``source`` is a Dask DataFrame of events indexed by incident id with known
    divisions (as for :func:`summaries`; ``columns`` and ``order`` mean what they
    mean there), or JSON Lines paths (a path, a glob or a list: one partition per
    file).  Each partition gives one partial row per scenario; the partials are
    added up in a tree, on the workers, and only they travel: the reaction
    times as an exact histogram of values (a median or a p90 cannot be made from
    partial medians, and a histogram of exact values is at most as large as the
    values and merges by adding counts), the work per contract and month as sums
    (a budget's overage is that of the month's total, whichever partitions the
    incidents were in).  Errors are :class:`~slaclock.errors.PartitionError`
    values naming the partition (a number, or the file).
    """
    dd = _dask("dask.dataframe")
    delayed = _dask("dask").delayed
    chosen = checked_scenarios(scenarios, at)
    vocabulary = chosen[0].vocabulary
    if isinstance(source, dd.DataFrame):
        _check_indexed("compare", source, columns)
        divisions = tuple(source.divisions)
        parts = [
            delayed(_events_partial)(
                part, chosen, at, columns, order, divisions, vocabulary, number
            )
            for number, part in enumerate(source.to_delayed())
        ]
    elif isinstance(source, str | PathLike | list | tuple):
        bag = _dask("dask.bag")
        lines = bag.read_text(_paths(source), include_path=True)
        parts = [
            delayed(_lines_partial)(part, chosen, at, vocabulary) for part in lines.to_delayed()
        ]
    else:
        raise SlaclockValueError(
            f"compare() source={quote(source)}; expected a dask DataFrame of events indexed by "
            "incident id, or JSON Lines paths"
        )
    if not parts:
        raise SlaclockValueError("compare() source has no partitions")
    while len(parts) > 1:  # a tree: each merge adds two partials up
        parts = [
            delayed(_merge)(*parts[k : k + 2]) if k + 1 < len(parts) else parts[k]
            for k in range(0, len(parts), 2)
        ]
    owners, partials = parts[0].compute()
    del owners  # checked while merging
    rows = [finish(scenario, part, at) for scenario, part in zip(chosen, partials, strict=True)]
    return Table(columns_of(rows))


_Folded = tuple[dict[str, tuple[bool, str]], list[Partial]]


def _fold(logs: list[Log], chosen: list[Scenario], at: datetime | None, partition: Any) -> _Folded:
    try:
        owners = check_owners({}, ((e.owner, e.contract, e.log.ident) for e in logs))
        return owners, [partial(scenario, logs, at) for scenario in chosen]
    except SlaclockError as exc:
        raise PartitionError(str(exc), partition=partition) from exc


def _events_partial(
    events: Any,
    chosen: list[Scenario],
    at: datetime | None,
    columns: Mapping[str, str] | None,
    order: str | None,
    divisions: tuple[Any, ...],
    vocabulary: Vocabulary,
    number: int,
) -> _Folded:
    incidents = partition_incidents(
        events,
        vocabulary,
        columns=columns,
        order=order,
        partition=number,
        divisions=divisions,
    )
    logs = [log_of(incident, n, False) for n, incident in enumerate(incidents, 1)]
    return _fold(logs, chosen, at, number)


def _lines_partial(
    part: Iterable[tuple[str, str]],
    chosen: list[Scenario],
    at: datetime | None,
    vocabulary: Vocabulary,
) -> _Folded:
    pairs = list(part)
    name = pairs[0][1] if pairs else "(empty)"
    try:
        logs = decode_lines((line for line, _ in pairs), vocabulary)
    except SlaclockError as exc:
        raise PartitionError(str(exc), partition=name) from exc
    return _fold(logs, chosen, at, name)


def _merge(one: _Folded, other: _Folded) -> _Folded:
    owners = check_owners(
        dict(one[0]), ((owner, c, ident) for owner, (c, ident) in other[0].items())
    )
    partials = [merge(a, b) for a, b in zip(one[1], other[1], strict=True)]
    return owners, partials
