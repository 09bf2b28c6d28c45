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
kinds once per distinct sequence, which also fixes what the sequence means for
the clocks).  With numpy installed it does so 512 lines at a time, as arrays
(``slaclock._chunks``); otherwise line by line, reading timestamps through small
caches.  On anything unusual it hands the line to ``Incident.from_dict`` itself,
so a bad line raises (or, with ``errors="collect"``, records) exactly the
:class:`~slaclock.IncidentError` that :func:`slaclock.read_incidents` would,
with its line number.

This module is not imported by ``import slaclock``; import it on its own.
"""

from __future__ import annotations

import importlib
import json
import json.scanner
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from itertools import islice, repeat
from operator import getitem, itemgetter
from os import PathLike
from pathlib import Path
from typing import IO, Any, Literal, NamedTuple

from slaclock._calendar.instants import from_us, td_to_us, to_us
from slaclock._durations import parse_duration
from slaclock._jsonl import IncidentReadErrors
from slaclock._jsonl import parse_line as _parse_line
from slaclock._sla.evaluate import Plan, _clip, due_of, fold, measure
from slaclock._sla.incident import (
    CHANNELS,
    EVENT_KINDS,
    INCIDENT_TYPES,
    Incident,
    log_fault,
)
from slaclock._sla.result import Evaluation
from slaclock._sla.tier import Tier
from slaclock.catalog import Catalog
from slaclock.errors import IncidentError, SlaclockTypeError, SlaclockValueError

__all__ = [
    "Summary",
    "SummaryReader",
    "Table",
    "evaluate_jsonl",
    "evaluate_many",
    "instant",
    "summarize",
]


class Summary(NamedTuple):
    """One incident's verdicts on one tier, as plain numbers (a row of a :class:`Table`).

    Instants (``first_due``, ``first_answered``, ``next_due``, ``resolution_due``)
    are microseconds since 1970-01-01 UTC, durations (``first_taken``,
    ``worst_overdue``) microseconds; ``None`` where :func:`slaclock.evaluate` has
    ``None``.  A named tuple rather than a dataclass because a million of them
    are built in one run.

    * ``cycles``, ``breaches``, ``breached``: counts and the overall verdict;
    * ``first_due``, ``first_answered``, ``first_taken``: the first response
      (``Evaluation.first_response``): its due instant, answer and business time;
    * ``worst_overdue``: the largest working time past due among the breaches (0 without);
    * ``next_due``: the earliest due instant of a running clock not yet breached;
    * ``at_risk``: some open clock has used its tier's at-risk share (only with ``at``);
    * ``resolution_due``: the resolution clock's due instant, when the tier has one.
    """

    incident: str
    tier: str
    covered: bool
    reason: str | None
    cycles: int
    breaches: int
    breached: bool
    first_due: int | None
    first_answered: int | None
    first_taken: int | None
    worst_overdue: int
    next_due: int | None
    at_risk: bool
    resolution_due: int | None

    @classmethod
    def from_evaluation(cls, result: Evaluation) -> Summary:
        """The summary of a full :func:`slaclock.evaluate` result (what the fast paths compute)."""
        first = result.first_response
        resolution = result.resolution
        return cls(
            incident=result.incident,
            tier=result.tier,
            covered=result.covered,
            reason=result.reason,
            cycles=len(result.cycles),
            breaches=len(result.breaches),
            breached=result.breached,
            first_due=None if first is None else to_us(first.due),
            first_answered=None
            if first is None or first.answered is None
            else to_us(first.answered),
            first_taken=None if first is None else td_to_us(first.taken),
            worst_overdue=max((td_to_us(b.late) for b in result.breaches), default=0),
            next_due=None if result.next_due is None else to_us(result.next_due),
            at_risk=any(c.at_risk for c in result.cycles)
            or (resolution is not None and resolution.at_risk),
            resolution_due=None if resolution is None else to_us(resolution.due),
        )


def instant(us: int | None, zone: tzinfo = UTC) -> datetime | None:
    """A summary's instant as an aware datetime in ``zone`` (UTC by default).

    >>> instant(1_795_789_800_000_000).isoformat()
    '2026-11-27T14:30:00+00:00'
    """
    return None if us is None else from_us(us, zone)


# --------------------------------------------------------------------------- the core
#
# The meaning of an event log for the clocks (which events start and end reaction
# cycles, pauses and resolved spans) depends only on its sequence of kinds, and
# real logs share a few hundred sequences.  A :class:`_Program` is that meaning,
# worked out once per sequence by evaluate's own fold() run on positions instead
# of instants (and checked by Incident's own rules); each incident then only reads
# its instants, and its clocks are differences of W, the working time since the
# start of the year block of its first event: one binary search per instant.


@dataclass(frozen=True, slots=True)
class _Program:
    """What a valid log's sequence of kinds means for its clocks, as event positions.

    Position ``n`` (the number of events replayed) stands for the horizon: the
    end of a cycle still running, or of a pause still on.
    """

    cycles: tuple[tuple[int, int, bool, bool], ...]  # start, end, first, superseded
    pending: tuple[tuple[int, int], ...]
    pending_now: bool
    resolved: tuple[tuple[int, int], ...]  # finished resolved spans
    since: int | None  # resolved (or closed) since this event, to the horizon
    logged: bool  # has work_logged events, which need a duration
    n: int  # events in the sequence


_MISSING: Any = object()
_PROGRAM_LIMIT = 10_000  # distinct sequences remembered per table before starting afresh
# One table per (restart_on_message, opened by an agent); None marks a sequence
# that breaks the log's rules.
_PROGRAMS: dict[tuple[bool, bool], dict[tuple[Any, ...], _Program | None]] = {
    (restart, agent): {} for restart in (False, True) for agent in (False, True)
}


def _program(kinds: tuple[Any, ...], agent_opened: bool, restart: bool) -> _Program | None:
    """The program of a sequence of kinds, remembered; ``None`` if no valid log has it."""
    table = _PROGRAMS[restart, agent_opened]
    found = table.get(kinds, _MISSING)
    if found is not _MISSING:
        return found  # type: ignore[no-any-return]
    if not kinds or not set(kinds) <= _KINDS:
        return None  # not remembered: a line's own text is never kept
    if len(table) >= _PROGRAM_LIMIT:
        table.clear()
    kinds = tuple(map(_KIND_NAMES.__getitem__, kinds))  # the package's own strings
    if log_fault(kinds) is not None:
        table[kinds] = None
        return None
    n = len(kinds)
    folded = fold(kinds, range(n), agent_opened, None, restart)
    assert folded is not None
    _, _, cycles, pending, pending_now, resolved, since, _ = folded
    found = table[kinds] = _Program(
        cycles=tuple((s, n if e is None else e, first, sup) for s, e, first, sup in cycles),
        pending=tuple((s, n if e is None else e) for s, e in pending),  # type: ignore[misc]
        pending_now=pending_now,
        resolved=tuple((s, e) for s, e in resolved),  # type: ignore[misc]
        since=since,
        logged="work_logged" in kinds,
        n=n,
    )
    return found


def _replayed(
    plan: Plan,
    ident: str,
    kinds: tuple[str, ...],
    times: list[int],
    program: _Program,
    agent_opened: bool,
    at: int | None,
) -> Summary:
    """The row of a covered, valid log (``times`` is the caller's to change): cut at ``at``."""
    if at is None:
        times.append(times[-1])  # the horizon: the last event
        return _summarize(plan, ident, None, times, program)
    n = bisect_right(times, at)  # an event exactly at ``at`` is known, later ones not yet
    if n < len(times):
        if not n:
            return _empty(plan, ident)
        prefix = _program(kinds[:n], agent_opened, plan.restart)
        assert prefix is not None  # a prefix of a valid log is valid
        del times[n:]
        program = prefix
    times.append(at)
    return _summarize(plan, ident, at, times, program)


def _empty(plan: Plan, ident: str) -> Summary:
    return Summary(
        ident, plan.tier.id, True, None, 0, 0, False, None, None, None, 0, None, False, None
    )


def _summarize(
    plan: Plan, ident: str, at: int | None, points: list[int], program: _Program
) -> Summary:
    """:func:`slaclock.evaluate`'s verdicts from a program and its instants.

    ``points`` holds the replayed events' instants and then the horizon (``at``,
    or the last event's instant), at the program's position ``n``.
    """
    tl = plan.timeline
    n = len(points) - 1
    first_point = points[0]
    block = tl._last
    if block is None or not block.start <= first_point < block.end:
        block = tl.block_of(first_point)
    # In the block of the first event a reaction clock without stops is a
    # difference of W, the working time since the block's start (see Block), and
    # it reaches its target where W reaches W(start) + target.  The instants come
    # in time order, so the search index i only moves forward.  Anything else
    # (stops, a log running into another year) goes through evaluate's own
    # measure() and due_of().
    in_block = points[n] < block.end
    opens, after, shift, cap = block.opens, block.opens_after, block.work_shift, block.work_cap
    i = bisect_right(opens, first_point)
    total, cum_after, due_shift = block.total, block.cum_after, block.due_shift
    pending = (
        [(points[s], points[e]) for s, e in program.pending]
        if program.pending and (plan.pause or plan.resolution is not None)
        else []
    )
    pause = plan.pause and bool(pending)
    pending_now = program.pending_now
    breaches = worst = 0
    next_due: int | None = None
    at_risk = False
    first_due = first_answered = first_taken = None
    stops: list[tuple[int, int]] = []
    due: int | None
    for s, e, first, superseded in program.cycles:
        target = plan.first_reaction if first else plan.reaction
        start, end = points[s], points[e]
        running = e == n
        if not running and first_taken is not None and end - start < target:
            # Answered sooner than the target on the wall clock: on time, and
            # nothing else about this cycle goes into the summary.
            continue
        if pause:
            stops = _clip(pending, start, end)  # type: ignore[arg-type]
        if stops or not in_block:
            start_work = None
            used = measure(tl, start, end, stops)[0]
        else:
            # i moves forward to bisect_right(opens, t) for each instant in turn
            # (they are in time order): usually no opening or one lies between.
            if after[i] <= start:
                i += 1
                if after[i] <= start:
                    i = bisect_right(opens, start, i)
            start_work = shift[i] + start
            if start_work > cap[i]:
                start_work = cap[i]
            k = i - 1 if i else 0  # the due instant lies in interval k or later
            if after[i] <= end:
                i += 1
                if after[i] <= end:
                    i = bisect_right(opens, end, i)
            end_work = shift[i] + end
            used = (end_work if end_work < cap[i] else cap[i]) - start_work
        if running and at is None:
            breached = False  # open after the last event: no verdict
        elif used != target:
            breached = used > target
        else:
            breached = None  # the target reached exactly at ``end``: the due instant tells
        if (
            breached is None
            or first_taken is None
            or (running and not breached and not (pause and pending_now))
        ):
            if start_work is not None and target > 0 and start_work + target <= total:
                v = start_work + target
                if cum_after[k] < v:
                    k += 1
                    if cum_after[k] < v:
                        k = bisect_left(cum_after, v, k)
                due = due_shift[k] + v
            else:
                due = due_of(tl, start, target, stops, end, used)
            if breached is None:
                breached = end > due
        else:
            due = None
        if breached:
            breaches += 1
            if used - target > worst:
                worst = used - target
        elif running:
            if not (pause and pending_now) and (next_due is None or due < next_due):  # type: ignore[operator]
                next_due = due
            if at is not None and used * plan.risk[1] >= target * plan.risk[0]:
                at_risk = True
        if first_taken is None:
            first_due, first_taken = due, used
            first_answered = None if running or superseded else end
    resolution_due = None
    if plan.resolution is not None:
        target = plan.resolution
        since = program.since
        opened, clock_end = first_point, points[n if since is None else since]
        stops = _clip(pending, opened, clock_end)  # type: ignore[arg-type]
        if program.resolved:
            resolved = [(points[s], points[e]) for s, e in program.resolved]
            stops += _clip(resolved, opened, clock_end)  # type: ignore[arg-type]
            stops.sort()
        used = measure(tl, opened, clock_end, stops)[0]
        due = resolution_due = due_of(tl, opened, target, stops, clock_end, used)
        # Unresolved after the last event (no ``at``): no verdict.
        breached = (since is not None or at is not None) and clock_end > due
        if breached:
            breaches += 1
            if used - target > worst:
                worst = used - target
        elif since is None:
            if not pending_now and (next_due is None or due < next_due):
                next_due = due
            if at is not None and used * plan.risk[1] >= target * plan.risk[0]:
                at_risk = True
    return _new_row(
        Summary,
        (
            ident,
            plan.tier.id,
            True,
            None,
            len(program.cycles),
            breaches,
            breaches > 0,
            first_due,
            first_answered,
            first_taken,
            worst,
            next_due,
            at_risk,
            resolution_due,
        ),
    )


# A million rows are built in one run: skip the named tuple's Python-level __new__.
_new_row = tuple.__new__


def _uncovered(plan: Plan, ident: str, reason: str) -> Summary:
    return Summary(
        ident, plan.tier.id, False, reason, 0, 0, False, None, None, None, 0, None, False, None
    )


def _plan(tier: Tier, cycle_rule: str | None, pause_reaction_when_pending: bool | None) -> Plan:
    if not isinstance(tier, Tier):
        raise SlaclockTypeError(
            f"expected a slaclock Tier, got {tier!r}; take one from a catalog, "
            "e.g. default_catalog().tiers['SLA-2']"
        )
    return Plan.of(tier, cycle_rule=cycle_rule, pause=pause_reaction_when_pending)


def _at_us(at: datetime | None) -> int | None:
    return None if at is None else to_us(at, name="at")


def _of_incident(plan: Plan, incident: Incident, at: int | None) -> Summary:
    reason = plan.covers(incident.type, incident.third_party, incident.channel)
    if reason is not None:
        return _uncovered(plan, incident.id, reason)
    agent_opened = incident.events[0].by == "agent"
    kinds = incident._kinds
    program = _program(kinds, agent_opened, plan.restart)
    assert program is not None  # an Incident is valid
    return _replayed(plan, incident.id, kinds, list(incident._us), program, agent_opened, at)


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
        yield _of_incident(plan, incident, at_us)


# --------------------------------------------------------------------------- JSON Lines


class _Unusual(Exception):
    """The fast reader met something it leaves to ``Incident.from_dict``."""


_RECORD_KEYS = frozenset(("id", "type", "channel", "third_party", "events", "tier"))
_EVENT_KEYS = frozenset(("type", "at", "duration", "by"))
_TYPES = frozenset(INCIDENT_TYPES)
_CHANNELS = frozenset(CHANNELS)
_KINDS = frozenset(EVENT_KINDS)
_KIND_NAMES = {kind: kind for kind in EVENT_KINDS}
_EPOCH_ORDINAL = datetime(1970, 1, 1).toordinal()

# ``2026-11-27T17:30:00+03:00`` read as two cached parts, split at its first colon:
# the date and hour ("2026-11-27T17": that hour as if in UTC) and the rest
# ("30:00+03:00": minutes, seconds and fraction less the offset), in microseconds.
# Two small dictionaries (about 9,000 hours a year, 3,600 keys per offset) answer
# far faster than parsing, and str.partition is cheaper than two slices.  They are
# filled only from strings that datetime.fromisoformat parsed and whose first
# fourteen characters are the date, the hour and a colon themselves, so a hit is
# exactly what parsing would give.
_HOURS: dict[str, int] = {}
_MINUTES: dict[str, int] = {}
_CACHE_LIMIT = 200_000


def _parse_instant_us(text: str) -> int:
    """An event time read the careful way, filling the caches."""
    # Incident.from_dict's reading (_parse_instant) also wants a "T" or a space
    # between date and time, where Python accepts any character; it strips blanks.
    if "T" not in text and "t" not in text and " " not in text:
        raise _Unusual
    moment = datetime.fromisoformat(text)  # ValueError, TypeError: unusual
    offset = moment.utcoffset()
    if offset is None:
        raise _Unusual
    us = to_us(moment)
    if (
        text[10:11] in ("T", " ")
        and text[:10] == moment.date().isoformat()
        and text[11:14] == f"{moment.hour:02d}:"
    ):  # then text.partition(":") splits after the hour
        if len(_HOURS) > _CACHE_LIMIT or len(_MINUTES) > _CACHE_LIMIT:
            _HOURS.clear()
            _MINUTES.clear()
        hour = ((moment.toordinal() - _EPOCH_ORDINAL) * 24 + moment.hour) * 3_600_000_000
        rest = (moment.minute * 60 + moment.second) * 1_000_000 + moment.microsecond
        rest -= td_to_us(offset)
        if hour + rest == us:
            _HOURS[text[:13]] = hour
            _MINUTES[text[14:]] = rest
    return us


def _coverage(plan: Plan, incident_type: Any, third_party: bool, channel: Any) -> str | None:
    """The plan's coverage answer for a record's fields, checked as ``Incident.from_dict`` checks them."""
    if (
        type(incident_type) is not str
        or incident_type not in _TYPES
        or (channel is not None and (type(channel) is not str or channel not in _CHANNELS))
    ):
        raise _Unusual
    return plan.covers(incident_type, third_party, channel)


def _odd_event(event: Any) -> tuple[Any, Any]:
    """An event with keys besides ``type`` and ``at``, checked: its kind and time text."""
    if not event.keys() <= _EVENT_KEYS:
        raise _Unusual
    kind = event["type"]
    by = event.get("by")
    if by is not None and (kind != "opened" or by not in ("customer", "agent")):
        raise _Unusual
    if "duration" in event:
        if kind != "work_logged":
            raise _Unusual
        duration = parse_duration(event["duration"])
        if not isinstance(duration, timedelta) or duration < timedelta(0):
            raise _Unusual
    elif kind == "work_logged":
        raise _Unusual
    return kind, event["at"]


def _odd_events(events: list[Any]) -> tuple[list[Any], list[int], bool]:
    """Kinds, instants and whether an agent opened, of events some of which carry more keys."""
    kinds = []
    times = []
    for event in events:
        if len(event) == 2:
            kind, text = event["type"], event["at"]
            if kind == "work_logged":  # without its duration
                raise _Unusual
        else:
            kind, text = _odd_event(event)
        kinds.append(kind)
        hour, _, rest = text.partition(":")
        try:
            times.append(_HOURS[hour] + _MINUTES[rest])
        except KeyError:
            times.append(_parse_instant_us(text))
    return kinds, times, events[0].get("by") == "agent"


def _fast(record: Any, plan: Plan, at: int | None) -> Summary:
    """A decoded line checked by ``Incident.from_dict``'s rules, replayed and summarized.

    Raises :class:`_Unusual` (or any other exception) on anything it does not
    accept, and the caller then reads the line with ``Incident.from_dict``.
    """
    if type(record) is not dict or not record.keys() <= _RECORD_KEYS:
        raise _Unusual
    ident = record["id"]
    incident_type = record["type"]
    channel = record.get("channel")
    third_party = record.get("third_party", False)
    if type(ident) is not str or not ident or type(third_party) is not bool:
        raise _Unusual
    # The memo of coverage answers is filled only from valid types and channels,
    # so a hit also checks them (True and 1 hash alike: third_party is checked above).
    reason = plan.coverage.get((incident_type, third_party, channel), _MISSING)
    if reason is _MISSING:
        reason = _coverage(plan, incident_type, third_party, channel)
    tier = record.get("tier")
    if tier is not None and (type(tier) is not str or not tier):
        raise _Unusual
    events = record["events"]
    if type(events) is not list or not events:
        raise _Unusual
    # Most events are exactly {"type": ..., "at": ...}: their kinds and instants
    # are read here, through the caches; this loop is most of a million-incident run.
    hours, minutes = _HOURS, _MINUTES
    kinds: list[Any] = []
    times: list[int] = []
    kind_of, time_of = kinds.append, times.append
    for event in events:
        if len(event) != 2:
            kinds, times, agent_opened = _odd_events(events)
            plain = False
            break
        kind_of(event["type"])
        text = event["at"]
        hour, _, rest = text.partition(":")
        try:
            time_of(hours[hour] + minutes[rest])
        except KeyError:
            time_of(_parse_instant_us(text))
    else:
        agent_opened = False
        plain = True
    if times != sorted(times):  # events must be in time order
        raise _Unusual
    key = tuple(kinds)
    program = _PROGRAMS[plan.restart, agent_opened].get(key, _MISSING)
    if program is _MISSING:
        program = _program(key, agent_opened, plan.restart)
    if program is None or (plain and program.logged):  # work_logged needs a duration
        raise _Unusual
    if reason is not None:
        return _uncovered(plan, ident, reason)
    if at is None:
        times.append(times[-1])  # the horizon: the last event
        return _summarize(plan, ident, None, times, program)
    return _replayed(plan, ident, key, times, program, agent_opened, at)


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
            with Path(source).open(encoding="utf-8") as handle:
                yield from lines(handle, plans, at)
        else:
            yield from lines(source, plans, at)

    def _record(self, line: str) -> Any:
        """The record of one line by the fast decoder, or ``_MISSING`` if it declines."""
        try:
            if self._loads is not None:
                return self._loads(line)
            record, end = self._scan(line, 0)
        except Exception:
            return _MISSING
        return _MISSING if line[end:].strip(_JSON_BLANKS) else record

    def _lines(
        self,
        lines: Iterable[str],
        plans: Mapping[str, Plan] | Plan,
        at: int | None,
    ) -> Iterator[Summary]:
        """The ``"python"`` engine: line by line."""
        record_of, row_of = self._record, self._row
        for number, line in enumerate(lines, start=1):
            summary = row_of(line, record_of(line), number, plans, at)
            if summary is not None:
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
            made, left = _chunk_rows(chunks, records, plans, at)
            if not left:
                yield from made  # type: ignore[misc]
            else:
                self._rowwise += len(left)
                for j, summary in enumerate(made):
                    if summary is None:  # left to the line-by-line reader
                        summary = self._row(chunk[j], records[j], number + j + 1, plans, at)
                        if summary is None:  # a blank line, or a bad one collected
                            continue
                    yield summary
            number += len(chunk)

    def _records(self, chunk: list[str]) -> list[Any]:
        """The chunk's records by the fast decoder (``_MISSING`` where it declines a line)."""
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

    ``record`` is the line decoded by the fast decoder, ``_MISSING`` if it declined.
    Anything unusual, even a blank line, goes the careful way: ``Incident.from_dict``.
    """
    try:
        if record is _MISSING:
            raise _Unusual
        return _fast(record, plans if isinstance(plans, Plan) else plans[record["tier"]], at)
    except Exception:
        if not line.strip():
            return None
        return _careful(line, number, plans, at)


def _chunk_rows(
    chunks: Any, records: list[Any], plans: Mapping[str, Plan] | Plan, at: int | None
) -> tuple[list[Summary | None], list[int]]:
    """Rows of a chunk's records by the numpy engine, each on its plan, and positions it left."""
    if isinstance(plans, Plan) and _MISSING not in records:
        return chunks.rows_of(records, plans, at)  # type: ignore[no-any-return]
    groups: dict[int, tuple[Plan, list[int]]] = {}
    left = []
    for j, record in enumerate(records):
        plan = plans if isinstance(plans, Plan) else _plan_named(plans, record)
        if record is _MISSING or plan is None:
            left.append(j)
        else:
            groups.setdefault(id(plan), (plan, []))[1].append(j)
    out: list[Summary | None] = [None] * len(records)
    for plan, positions in groups.values():
        made, rest = chunks.rows_of([records[j] for j in positions], plan, at)
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
        return importlib.import_module("slaclock._chunks")
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
    incident = _parse_line(line, number)
    plan = plans if isinstance(plans, Plan) else _pick(plans, incident.tier, incident.id, number)
    return _of_incident(plan, incident, at)


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
    is installed (``pip install 'slaclock[numpy]'``: chunks of 4,096 lines as arrays,
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
    """Summary rows gathered into columns, one list per :class:`Summary` field.

    ``table.columns["breached"]`` is a list; ``len(table)`` the number of rows;
    :meth:`to_pandas` a DataFrame when pandas is installed.
    """

    __slots__ = ("columns",)

    def __init__(self, columns: dict[str, list[Any]]) -> None:
        self.columns = columns

    def __len__(self) -> int:
        return len(self.columns["incident"])

    def __repr__(self) -> str:
        return f"Table({len(self)} rows: {', '.join(self.columns)})"

    def to_pandas(self) -> Any:
        """A ``pandas.DataFrame``: instants as UTC timestamps, durations as timedeltas.

        Needs pandas (``pip install 'slaclock[pandas]'``).
        """
        try:
            pd: Any = importlib.import_module("pandas")
        except ImportError:
            raise ImportError(
                "Table.to_pandas() needs pandas; install the extra: pip install 'slaclock[pandas]'"
            ) from None
        frame = {}
        for name, values in self.columns.items():
            if name in _INSTANT_FIELDS:
                frame[name] = pd.to_datetime(pd.array(values, dtype="Int64"), unit="us", utc=True)
            elif name in _DURATION_FIELDS:
                frame[name] = pd.to_timedelta(pd.array(values, dtype="Int64"), unit="us")
            else:
                frame[name] = values
        return pd.DataFrame(frame)


_INSTANT_FIELDS = frozenset(("first_due", "first_answered", "next_due", "resolution_due"))
_DURATION_FIELDS = frozenset(("first_taken", "worst_overdue"))


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
    for row in rows:
        for column, value in zip(columns, row, strict=True):
            column.append(value)
    return Table(dict(zip(Summary._fields, columns, strict=True)))
