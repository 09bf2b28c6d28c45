"""A chunk of decoded JSON Lines records evaluated as numpy arrays (the ``"numpy"`` engine).

:func:`slaclock.analysis.evaluate_jsonl` hands this module 512 decoded
records at a time when numpy is installed.  What the row-by-row reader
(``analysis._fast``) does per record and per event in bytecode is done here once
per chunk, by C loops: ``map`` over the records for the checks of
``Incident.from_dict``, one ``str.join`` of every event's kind code (a log's
sequence of kinds is then a slice of it), numpy arithmetic on the digits of every
timestamp at once, and the reaction clocks of all incidents as differences of W
on the calendar's laid-out span (``_calendar.batch``, the code behind
``Calendar.elapsed_many``/``deadline_many``).  The rules are the row reader's own:
a sequence's meaning is its program from the shared table of
``slaclock._sla.lifecycle``, and the verdicts are the rules of
``slaclock._sla.clocks`` applied to arrays (tests hold every row equal
to :func:`slaclock.evaluate`'s).  A catalog's chunk is one pass too: each record
is read on the plan its ``tier`` names, with the plans' targets and shares as
per-row arrays, and one call of the verdicts per calendar and cycle rule.

What this module does not take on, it leaves to the row reader, which reads it
exactly as before: a whole chunk when a record is not a plain object with values of
the right types (the caller then splits the chunk to find it), and single incidents
with an unknown key or ``customer``/``contract``/``attributes`` that ``Incident``
refuses, whose events carry more than ``type`` and ``at`` (but for a work log's
``duration`` and the opening's ``by``), whose timestamps are not in one of the
forms read here, whose log breaks a rule or is out of time order or changes
tier, that name no tier of the catalog, or that have no reaction cycle on a tier
with a resolution target or update cycles (without those, such a log's row is
blank, and read here).  Every clock is read here: reaction and update cycles, the
resolution clock, and the escalation levels each reached.  Clocks with stops
(cycles that pause while pending, a resolution clock over pending and resolved
spans) have their running parts between stops laid out as rows of their own: one
W difference each, and the due instant in the part where the count reaches the
target (``clocks.run`` on arrays, held equal to it by the SLA reference's laws).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping
from itertools import accumulate, chain, repeat
from operator import getitem, is_, itemgetter
from typing import TYPE_CHECKING, Any

import numpy as np

from slaclock._calendar.batch import deadline_us_many, elapsed_us_many
from slaclock._calendar.timeline import FIRST_YEAR, LAST_YEAR
from slaclock._sla import clocks
from slaclock._sla.lifecycle import INERT_KINDS, KIND_CODES, Program
from slaclock._sla.plan import Plan
from slaclock.analysis._decode import (
    MISSING,
    OWNER_KEYS,
    RECORD_KEYS,
    check_scope,
    owner_fields,
    scannable,
    work_duration,
)
from slaclock.analysis._rows import Summary, empty, new_row, uncovered

if TYPE_CHECKING:
    import numpy.typing as npt

    Ints = npt.NDArray[np.int64]
    Bools = npt.NDArray[np.bool_]
    # A chunk's context columns: ids, customers, contracts, types, channels, third-party
    # flags (customers and contracts ``repeat(None)`` when no record says whom it is for).
    _Columns = tuple[list[str], Any, Any, list[str], list[Any], list[bool]]

__all__ = ["CHUNK", "Irregular", "rows", "rows_of"]

CHUNK = 512  # records per chunk: numpy calls spread thin, the records still in the CPU cache


class Irregular(Exception):
    """Some record of the chunk is not a plain object of known keys; the caller splits it."""


_DICT, _LIST, _STR = {dict}, {list}, {str}
_BOOL = {bool}
_id, _type, _events = itemgetter("id"), itemgetter("type"), itemgetter("events")
_NONE = np.iinfo(np.int64).max  # "no instant" inside an int64 column
_FAR = 50 * 366 * 86_400_000_000  # fifty years, in microseconds


def rows_of(
    records: list[Any], lines: list[str], plans: Plan | Mapping[str, Plan], at: int | None
) -> tuple[list[Summary | None], list[int]]:
    """:func:`rows`, splitting the chunk in halves around whatever it raises on.

    A bad record costs a few small chunks; down at eight records the row reader
    takes them all and finds the bad one itself.
    """
    try:
        return rows(records, lines, plans, at)
    except Exception:
        if len(records) <= 8:
            return [None] * len(records), list(range(len(records)))
    half = len(records) // 2
    made, left = rows_of(records[:half], lines[:half], plans, at)
    more, rest = rows_of(records[half:], lines[half:], plans, at)
    return made + more, left + [half + k for k in rest]


def rows(
    records: list[Any], lines: list[str], plans: Plan | Mapping[str, Plan], at: int | None
) -> tuple[list[Summary | None], list[int]]:
    """The rows of records decoded from ``lines``, and the positions left to the row reader.

    ``plans`` is the plan of every record, or a catalog's plans by tier id: then
    each record is read on the plan its ``tier`` field names, all in one pass over
    the chunk (a record naming no plan is left to the row reader, which words why).
    A position left to the row reader has ``None`` for its row.  Raises
    :class:`Irregular` (or whatever a check meets, such as a ``KeyError``) when a
    record is not a plain object of known keys and values of the right types, or
    when the lines hold strings the records lost (a key given twice; see
    :func:`~slaclock.analysis._decode.scannable`).
    """
    m = len(records)
    single = isinstance(plans, Plan)
    plist: list[Plan] = [plans] if isinstance(plans, Plan) else list(plans.values())
    if set(map(type, records)) != _DICT:
        raise Irregular
    owned = not RECORD_KEYS.issuperset(chain.from_iterable(records))
    ids = list(map(_id, records))
    if set(map(type, ids)) != _STR or not all(ids):
        raise Irregular
    types = list(map(_type, records))
    channels = list(map(dict.get, records, repeat("channel")))
    parties = list(map(dict.get, records, repeat("third_party"), repeat(False)))
    if not set(map(type, parties)) <= _BOOL:
        raise Irregular
    named = list(map(dict.get, records, repeat("tier")))
    tiers = set(named)
    tiers.discard(None)
    if tiers and (set(map(type, tiers)) != _STR or "" in tiers):
        raise Irregular
    events = list(map(_events, records))
    if set(map(type, events)) != _LIST:
        raise Irregular
    counts = list(map(len, events))
    if 0 in counts:
        raise Irregular
    flat = list(chain.from_iterable(events))
    size = len(flat)
    bounds = list(accumulate(counts, initial=0))
    first: Ints = np.array(bounds[:-1], dtype=np.int64)  # each incident's first event
    owner = np.repeat(np.arange(m), counts)  # each event's incident
    rowwise = np.zeros(m, dtype=bool)  # incidents left to the row reader
    # Each record's plan, as its number in ``plist`` (-1: none of them).
    pid_list: list[int]
    if isinstance(plans, Plan):
        pid_list = [0] * m
        pid = np.zeros(m, dtype=np.int64)
    else:
        index: dict[Any, int] = {name: k for k, name in enumerate(plans)}
        pid_list = list(map(index.get, named, repeat(-1)))
        pid = np.array(pid_list, dtype=np.int64)
        rowwise[pid < 0] = True
    owned_strings = 0
    # Whom each incident is for: read only when some record says (a context column).
    customers: list[Any] | Any = repeat(None)
    contracts: list[Any] | Any = repeat(None)
    if owned:  # some record says whom it is for: checked by Incident's own rule
        customers = list(map(dict.get, records, repeat("customer")))
        contracts = list(map(dict.get, records, repeat("contract")))
        owned_strings, refused_owners = _owners(records, customers, contracts)
        rowwise[refused_owners] = True

    # Coverage: the plans' memos hold answers for valid types and channels only.
    scopes = zip(types, parties, channels, strict=True)
    if single:
        reasons = list(map(plist[0].coverage.get, scopes, repeat(MISSING)))
    else:
        memos = [plan.coverage for plan in plist] + [_NO_COVERAGE]  # -1: the empty one
        reasons = list(map(dict.get, map(memos.__getitem__, pid_list), scopes, repeat(MISSING)))
    # A memo hit says the type is text and the channel text or absent.
    type_strings, channel_strings = m, m - channels.count(None)
    if MISSING in reasons:
        type_strings = list(map(type, types)).count(str)
        channel_strings = list(map(type, channels)).count(str)
        for j, reason in enumerate(reasons):
            if reason is MISSING and pid_list[j] >= 0:
                plan = plist[pid_list[j]]
                try:
                    check_scope(plan.tier.vocabulary, types[j], channels[j])
                except Exception:
                    rowwise[j] = True
                else:
                    reasons[j] = plan.covers(types[j], parties[j], channels[j])

    # Every string of the text decoded: ids, tiers (text where given), types and
    # channels where text, the records' keys, and the events' keys and values.
    event_keys = sum(map(len, flat))
    strings = (
        sum(map(len, records))
        + m
        + type_strings
        + channel_strings
        + (m - named.count(None))
        + owned_strings
        + 2 * event_keys
    )
    text = "".join(lines)
    if text.count('"') != 2 * strings or not scannable(text):
        raise Irregular

    kinds = list(map(dict.get, flat, repeat("type")))  # an event not an object: a TypeError
    texts = list(map(dict.get, flat, repeat("at")))
    code_of: Any = KIND_CODES.get
    codes = "".join(map(code_of, kinds, repeat("?")))  # as one character each
    # Events: exactly {"type", "at"}, or a work log with its duration (which no clock
    # reads, so only its form is checked); anything else, the row reader.
    # Keys summing to two an event say every event has two only when each has both
    # (one event short of a key could hide another with one too many): an event
    # without "type" has the code "?", one without "at" makes _instants raise.
    agents: list[int] = []  # incidents an agent opened ("by": "agent" on the opening)
    if event_keys != 2 * size or "?" in codes:
        # The count of strings above took every event value for text.  A value that
        # is not (a number for a kind, a duration or "by") is one string fewer in the
        # text, which would make up for a key given twice in another line: such a
        # chunk goes to the row reader whole, as its lines are refused there anyway.
        # An event of two keys with a kind in text has its kind and its instant for
        # values (without "at" it has no instant, which raises below), so only the
        # other events' values are looked at, unless some kind is not text.
        lengths = np.fromiter(map(len, flat), dtype=np.int64, count=size)
        odd = np.flatnonzero(lengths != 2).tolist()
        looked = flat if set(map(type, kinds)) != _STR else map(flat.__getitem__, odd)
        if not set(map(type, chain.from_iterable(map(dict.values, looked)))) <= _STR:
            raise Irregular
        logged = _codes_of(codes) == _WORK_LOGGED
        for k in odd:
            event = flat[k]
            if logged[k] and event.keys() == _WORK_KEYS and work_duration(event["duration"]):
                continue
            j = owner[k]
            # The opening (an incident's first event) may say who opened it.
            if bounds[j] == k and event.keys() == _OPENING_KEYS and kinds[k] == "opened":
                by = event["by"]
                if by == "agent" and type(by) is str:
                    agents.append(j)
                    continue
                if by == "customer" and type(by) is str:
                    continue
            rowwise[j] = True
        rowwise[owner[logged & (lengths == 2)]] = True  # a work log without its duration
    elif _WORK_CODE in codes:  # every event {"type", "at"}: work logs without durations
        rowwise[owner[_codes_of(codes) == _WORK_LOGGED]] = True
    us, readable = _instants(texts)
    rowwise[owner[~readable]] = True
    # The chunk's clocks lay the calendar's years end to end, from the earliest to the
    # latest: a stray year ("0025" for "2025") would compile centuries.  Logs more than
    # fifty years from the chunk's middle go line by line instead.
    if int(us.max()) - int(us.min()) > 2 * _FAR:
        middle = int(np.median(us[first]))
        rowwise[owner[(us < middle - _FAR) | (us > middle + _FAR)]] = True
    back = np.flatnonzero(us[1:] < us[:-1]) + 1  # an event earlier than the one before
    rowwise[owner[back[owner[back] == owner[back - 1]]]] = True

    # Work logs where the rules allow them touch no clock: the programs are those of
    # the logs without them (a few hundred sequences of kinds where the logs with
    # them bring thousands), their positions counted without them.
    if any(map(codes.__contains__, _INERT_CODES)):
        kept = ~_left_out(codes, first, owner)
        us, codes = us[kept], _codes_of(codes)[kept].tobytes().decode("ascii")
        counts = np.add.reduceat(kept.view(np.int8), first, dtype=np.int64).tolist()
        bounds = list(accumulate(counts, initial=0))
        first = np.array(bounds[:-1], dtype=np.int64)
    known = None if at is None else np.add.reduceat((us <= at).view(np.int8), first, dtype=np.int64)
    # Each log's sequence of kinds: the slice of its events' codes.
    keys = list(map(codes.__getitem__, map(slice, bounds[:-1], bounds[1:])))
    agent = np.zeros(m, dtype=bool)
    agent[agents] = True
    context = (ids, customers, contracts, types, channels, parties)
    chunk = _Chunk(plist, pid, us, first, keys, known, agent, context, at)
    out: list[Summary | None] = [None] * m
    # Plans sharing their tables of programs (the same cycle rule) and their calendar
    # are read together: a catalog's tiers usually make one group.
    groups: dict[tuple[int, int, int], list[int]] = {}
    for k, plan in enumerate(plist):
        key = (id(plan.tables[0]), id(plan.tables[1]), id(plan.timeline))
        groups.setdefault(key, []).append(k)
    for members in groups.values():
        if len(groups) == 1:
            chosen = np.flatnonzero(~rowwise)
        else:
            chosen = np.flatnonzero(~rowwise & np.isin(pid, members))
        if not chosen.size:
            continue
        if (
            single
            and chosen.size == m
            and not agents
            and known is None
            and not any(reasons)
            and chunk.usual(plist[0])
        ):
            return _verdicts(chunk, None, chunk.numbers, chunk.tab), []  # type: ignore[return-value]
        chunk.rows(chosen, reasons, rowwise, out)
    return out, np.flatnonzero(rowwise).tolist()


_NO_COVERAGE: dict[Any, Any] = {}


class _Chunk:
    """A chunk's checked columns, read on the plans of one table of programs at a time."""

    __slots__ = (
        "agent",
        "at",
        "context",
        "first",
        "keys",
        "known",
        "layouts",
        "numbers",
        "pid",
        "plist",
        "tab",
        "us",
    )

    def __init__(
        self,
        plist: list[Plan],
        pid: Ints,
        us: Ints,
        first: Ints,
        keys: list[str],
        known: Ints | None,
        agent: Bools,
        context: _Columns,
        at: int | None,
    ) -> None:
        self.plist, self.pid, self.us, self.first, self.keys = plist, pid, us, first, keys
        self.known, self.agent, self.context, self.at = known, agent, context, at
        self.layouts: list[_Layout | None] = [None, None]  # by table: the customer's, an agent's
        self.numbers: Ints = np.zeros(0, dtype=np.int64)
        self.tab: Bools | None = None

    def usual(self, plan: Plan) -> bool:
        """The usual chunk on one plan: every log opened by the customer, no program refused.

        Sets the programs' numbers (``numbers``) and layout; ``False`` if some log
        is refused or has no clock, which :meth:`rows` then takes row by row.
        """
        which, layout = _numbers(plan.tables[False], self.keys)
        self.layouts[0], self.numbers = layout, which
        return not layout.refusals[which].any() and bool(layout.cycles[which].all())

    def rows(
        self, chosen: Ints, reasons: list[Any], rowwise: Bools, out: list[Summary | None]
    ) -> None:
        """Fill ``out`` with the rows of the ``chosen`` incidents (all on one table of programs).

        Marks in ``rowwise`` those whose programs the arrays do not take.
        """
        plist, pid, us, first = self.plist, self.pid[chosen], self.us, self.first
        tables = plist[int(pid[0])].tables
        tab = self.agent[chosen]
        which = np.zeros(chosen.size, dtype=np.int64)
        refused = np.zeros(chosen.size, dtype=bool)  # the whole log's program
        refused_cut = np.zeros(chosen.size, dtype=bool)  # the program of what is known at ``at``
        cycles = np.zeros(chosen.size, dtype=np.int64)
        chosen_list = chosen.tolist()
        logs = _picked(self.keys, chosen_list)
        cut = None
        if self.known is not None:
            cut = self.known[chosen]
            cut_logs: list[str] = list(map(getitem, logs, map(slice, cut.tolist())))
        for a in (False, True):
            mask = tab == a
            if not mask.any():
                continue
            positions = np.flatnonzero(mask).tolist() if (a or tab.any()) else None
            full = logs if positions is None else [logs[k] for k in positions]
            found, layout = _numbers(tables[a], full)
            refused[mask] = layout.refusals[found]
            if cut is not None:  # the logs as known at ``at``
                known_logs = cut_logs if positions is None else [cut_logs[k] for k in positions]
                found, layout = _numbers(tables[a], known_logs)
                refused_cut[mask] = layout.refusals[found]
            which[mask] = found
            cycles[mask] = layout.cycles[found]
            self.layouts[a] = layout
        # Plans with clocks that run without a reaction cycle: resolution, update cycles.
        other_clocks = np.array(
            [plan.resolution is not None or plan.update is not None for plan in plist]
        )[pid]
        covered = np.fromiter(
            map(is_, _picked(reasons, chosen_list), repeat(None)), dtype=bool, count=chosen.size
        )
        # Nothing known yet at ``at`` (a blank row, whatever the log), or no clock at
        # all (an agent's opening before the customer's first message: a blank row
        # too, unless a resolution clock or update cycles run, which the row reader measures).
        nothing = np.zeros(chosen.size, dtype=bool) if cut is None else cut == 0
        clockless = cycles == 0
        refused |= refused_cut & ~nothing
        refused |= clockless & other_clocks & covered & ~nothing
        rowwise[chosen[refused]] = True
        blank = (clockless | nothing) & ~refused
        take = ~refused & ~blank & covered
        ids, customers, contracts, types, channels, parties = self.context
        for k in np.flatnonzero(~refused & (blank | ~covered)).tolist():
            j = chosen_list[k]
            plan = plist[int(pid[k])]
            fields = (ids[j], plan.tier.id, _at(customers, j), _at(contracts, j), types[j])
            context = (*fields, channels[j], parties[j], int(us[first[j]]))
            reason = reasons[j]
            out[j] = empty(plan, context) if reason is None else uncovered(plan, context, reason)
        if not take.any():
            return
        picked = chosen[take]
        made = _verdicts(self, picked, which[take], tab[take] if tab.any() else None)
        for j, row in zip(picked.tolist(), made, strict=True):
            out[j] = row


def _owners(
    records: list[Any], customers: list[Any], contracts: list[Any]
) -> tuple[int, list[int]]:
    """The strings the records' owner fields hold, and the records whose fields ``Incident`` refuses.

    Owner fields accepted once are remembered by their exact values when flat
    (customer and contract text or absent, attributes text by text key): a
    remembered key can equal only values of those types, so a hit is exactly the
    check's answer.  The usual chunk is then three ``map``\\ s and a sum.
    """
    if _ALL_KEYS.issuperset(chain.from_iterable(records)):
        try:
            attributes = map(dict.get, records, repeat("attributes"), repeat(_NO_ATTRIBUTES))
            items = map(tuple, map(dict.items, attributes))
            keys = list(zip(customers, contracts, items, strict=True))
            found: list[Any] = list(map(_OWNED.get, keys))
        except TypeError:  # attributes not an object, or a value that is not hashable
            pass
        else:
            if None not in found:
                return sum(found), []
            misses = [j for j, count in enumerate(found) if count is None]
            strings, refused = _owners_of(records, customers, contracts, misses)
            return strings + sum(filter(None, found)), refused
    return _owners_of(records, customers, contracts, range(len(records)))


def _owners_of(
    records: list[Any], customers: list[Any], contracts: list[Any], chosen: Iterable[int]
) -> tuple[int, list[int]]:
    """:func:`_owners` of the chosen records, one by one, remembering what is accepted."""
    strings, refused = 0, []
    for j in chosen:
        record = records[j]
        if RECORD_KEYS.issuperset(record):
            continue
        count, accepted = owner_fields(record)
        strings += count
        if not accepted:
            refused.append(j)
            continue
        attributes = record.get("attributes", _NO_ATTRIBUTES)
        if (
            type(customers[j]) in _TEXT
            and type(contracts[j]) in _TEXT
            and type(attributes) is dict
            and set(map(type, attributes.values())) <= _STR
        ):
            if len(_OWNED) >= _OWNED_LIMIT:
                _OWNED.clear()
                _OWNED[None, None, ()] = 0
            _OWNED[customers[j], contracts[j], tuple(attributes.items())] = count
    return strings, refused


_ALL_KEYS = RECORD_KEYS | OWNER_KEYS
_NO_ATTRIBUTES: dict[str, Any] = {}
_TEXT = frozenset((str, type(None)))
# Owner fields accepted, by (customer, contract, attribute items): the strings they hold.
_OWNED: dict[tuple[Any, ...], int] = {(None, None, ()): 0}
_OWNED_LIMIT = 10_000


def _numbers(table: Any, keys: list[str]) -> tuple[Ints, _Layout]:
    """Each key's program number, as an array, and the layout they index."""
    found, layout = table.numbers(keys, _grow)
    return np.array(found, dtype=np.int64), layout


def _grown(array: Any, size: int) -> Any:
    """``array`` with room for at least ``size`` entries along its last axis (doubling)."""
    if array.shape[-1] >= size:
        return array
    out = np.zeros((*array.shape[:-1], max(size, 2 * array.shape[-1])), dtype=array.dtype)
    out[..., : array.shape[-1]] = array
    return out


class _Layout:
    """The programs of a table so far, as arrays indexed by program number.

    Real logs bring new sequences of kinds in most chunks for a long while (a
    million sample incidents have thousands), so the layout grows by the
    programs it lacks, into arrays with room to spare, rather than being built
    again: entries already handed out never change.
    """

    __slots__ = (
        "count",
        "cycles",
        "length",
        "pending_now",
        "refusals",
        "rows",
        "since",
        "spans",
        "start",
        "stop_count",
        "stop_start",
        "stops",
        "table",
        "update_count",
        "update_start",
        "updated",
        "updates",
    )

    def __init__(self) -> None:
        self.count = 0  # programs laid out
        self.rows = 0  # cycles laid out
        self.spans = 0  # stops laid out
        self.updated = 0  # update cycles laid out
        self.length = np.zeros(64, dtype=np.int64)
        self.cycles = np.zeros(64, dtype=np.int64)
        self.start = np.zeros(64, dtype=np.int64)  # first row of each in ``table``
        self.since = np.zeros(64, dtype=np.int64)
        self.pending_now = np.zeros(64, dtype=bool)
        self.stop_start = np.zeros(64, dtype=np.int64)  # first row of each in ``stops``
        self.stop_count = np.zeros(64, dtype=np.int64)
        self.update_start = np.zeros(64, dtype=np.int64)  # first row of each in ``updates``
        self.update_count = np.zeros(64, dtype=np.int64)
        # Which programs the row reader takes: bad logs and logs that change tier
        # (a work log without its duration is found from the events themselves).
        # A program without a cycle is not refused here: its row is blank unless a
        # resolution clock or update cycles run, which the reader sees.
        self.refusals = np.zeros(64, dtype=bool)
        # Each cycle's start and end positions (end n: running), first response,
        # superseded, and the range of its program's stops that can fall inside it.
        self.table = np.zeros((6, 256), dtype=np.int64)
        # Each program's pending and finished resolved spans in the order of their
        # start: start and end positions (end n: pending now), and whether pending.
        self.stops = np.zeros((3, 256), dtype=np.int64)
        # Each program's update cycles: start and end positions (end n: running), and
        # the range of its program's stops that can fall inside it.
        self.updates = np.zeros((4, 256), dtype=np.int64)

    @classmethod
    def grown(cls, programs: list[Program | None], previous: _Layout | None) -> _Layout:
        """The layout of ``programs``: ``previous`` (of a prefix of them) grown by the rest."""
        layout = cls() if previous is None else previous
        layout._add(programs[layout.count :])
        return layout

    def _add(self, programs: list[Program | None]) -> None:
        if not programs:
            return
        lo, hi = self.count, self.count + len(programs)
        for name in (
            "length",
            "cycles",
            "start",
            "since",
            "pending_now",
            "stop_start",
            "stop_count",
            "update_start",
            "update_count",
            "refusals",
        ):
            setattr(self, name, _grown(getattr(self, name), hi))
        valid = [p if p is not None and p.fault is None else None for p in programs]
        # Pending and resolved spans never overlap (resolving ends a pending span,
        # and nothing is pending while resolved): in order of their start, they are
        # the stops in order that every clock of the program may skip.
        stops = [
            sorted([(s, e, 1) for s, e in p.pending] + [(s, e, 0) for s, e in p.resolved])
            if p is not None
            else []
            for p in valid
        ]
        # A clock from position a to b meets only the stops that end after a and
        # start before b: a range of them, so a log with many cycles and many pauses
        # pairs each cycle with its own few, not with all.
        cycles = []
        updates = []
        for p, spans in zip(valid, stops, strict=True):
            if p is None:
                continue
            starts = [span[0] for span in spans]
            ends = [span[1] for span in spans]
            for c in p.cycles:
                meets = (bisect_right(ends, c.start), bisect_left(starts, c.end))
                cycles.append((c.start, c.end, c.first, c.ended_by == "superseded", *meets))
            for u in p.updates:
                updates.append(
                    (u.start, u.end, bisect_right(ends, u.start), bisect_left(starts, u.end))
                )
        length = [0 if p is None else p.n for p in programs]
        count = [0 if p is None else len(p.cycles) for p in valid]
        stop_count = list(map(len, stops))
        self.length[lo:hi] = length
        self.cycles[lo:hi] = count
        self.start[lo:hi] = np.cumsum(count) - count + self.rows
        self.since[lo:hi] = [-1 if p is None or p.since is None else p.since for p in valid]
        self.pending_now[lo:hi] = [p is not None and p.pending_now for p in valid]
        self.stop_count[lo:hi] = stop_count
        self.stop_start[lo:hi] = np.cumsum(stop_count) - stop_count + self.spans
        update_count = [0 if p is None else len(p.updates) for p in valid]
        self.update_count[lo:hi] = update_count
        self.update_start[lo:hi] = np.cumsum(update_count) - update_count + self.updated
        if updates:
            self.updates = _grown(self.updates, self.updated + len(updates))
            self.updates[:, self.updated : self.updated + len(updates)] = np.array(
                updates, dtype=np.int64
            ).T
            self.updated += len(updates)
        # Measured on several tiers (a tier change), the row reader's.
        self.refusals[lo:hi] = [p is None or bool(p.changes) for p in valid]
        if cycles:
            self.table = _grown(self.table, self.rows + len(cycles))
            self.table[:, self.rows : self.rows + len(cycles)] = np.array(cycles, dtype=np.int64).T
            self.rows += len(cycles)
        flat = [stop for spans in stops for stop in spans]
        if flat:
            self.stops = _grown(self.stops, self.spans + len(flat))
            self.stops[:, self.spans : self.spans + len(flat)] = np.array(flat, dtype=np.int64).T
            self.spans += len(flat)
        self.count = hi


# One function object: the table builds its layout afresh for any other.
_grow = _Layout.grown


def _take(layouts: list[_Layout | None], tab: Bools | None, which: Ints, name: str) -> Any:
    """A layout column at each incident's program number, from its table's layout."""
    if tab is None:
        return getattr(layouts[0], name)[which]
    out = None
    for a, layout in enumerate(layouts):
        if layout is None:
            continue
        column = getattr(layout, name)
        if out is None:
            out = np.zeros(which.size, dtype=column.dtype)
        mask = tab == a
        if mask.any():
            out[mask] = column[which[mask]]
    return out


def _cells(layouts: list[_Layout | None], tab: Bools | None, rows: Ints, name: str) -> Ints:
    """Rows of a layout's table (``table``, ``stops``), each from the layout of its own table.

    ``tab`` says for each row which table of programs it is from (``None``: the first).
    """
    if tab is None:
        return getattr(layouts[0], name)[:, rows]  # type: ignore[no-any-return]
    first = next(layout for layout in layouts if layout is not None)
    out = np.zeros((getattr(first, name).shape[0], rows.size), dtype=np.int64)
    for a, layout in enumerate(layouts):
        mask = tab == a
        if layout is not None and mask.any():
            out[:, mask] = getattr(layout, name)[:, rows[mask]]
    return out


def _spans(head: Ints, count: Ints) -> tuple[Ints, Ints]:
    """For groups of ``count`` rows from ``head`` each: each row's group, and the row itself."""
    group = np.repeat(np.arange(count.size), count)
    firsts = np.cumsum(count) - count
    return group, head[group] + (np.arange(group.size) - firsts[group])


def _stopped(
    tl: Any, start: Ints, end: Ints, target: Ints, owner: Ints, s: Ints, e: Ints
) -> tuple[Ints, Ints]:
    """Counted time and due instant of clocks with stops: ``clocks.run`` on arrays.

    Clock ``k`` runs from ``start[k]`` to ``end[k]`` outside its stops ``[s, e)``
    (those with ``owner == k``: inside its span, in order, not overlapping).  It
    counts its running parts (before the first stop, between stops, after the
    last); it falls due inside the part where the count reaches ``target``, or,
    when it has not by ``end``, as far past ``end`` as it lacks.
    """
    size = start.size
    stops = np.bincount(owner, minlength=size)
    before = np.cumsum(stops) - stops  # the clock's stops before its own
    head = np.arange(size) + before  # its first running part
    part_of = np.repeat(np.arange(size), stops + 1)  # each running part's clock
    lo = np.empty(part_of.size, dtype=np.int64)
    hi = np.empty(part_of.size, dtype=np.int64)
    lo[head], hi[head + stops] = start, end
    rank = head[owner] + (np.arange(owner.size) - before[owner])
    hi[rank], lo[rank + 1] = s, e
    worked = elapsed_us_many(tl, lo, hi)
    used = np.add.reduceat(worked, head)
    # Counted before each part, from its clock's start: a running sum over the chunk may
    # wrap past int64, but its differences (a clock's own counts) are exact when they fit.
    total = np.cumsum(worked)
    counted = total - worked
    counted -= counted[head][part_of]
    short = target[part_of] - counted  # still to count at the part's start
    reaching = np.flatnonzero((short > 0) & (short <= worked))  # one per clock that reaches it
    due = np.empty(size, dtype=np.int64)
    due[part_of[reaching]] = deadline_us_many(tl, lo[reaching], short[reaching])
    lacking = np.flatnonzero(used < target)
    due[lacking] = deadline_us_many(tl, end[lacking], target[lacking] - used[lacking])
    now = target <= 0
    due[now] = start[now]
    return used, due


def _verdicts(chunk: _Chunk, picked: Ints | None, which: Ints, tab: Bools | None) -> list[Summary]:
    """The rows of covered incidents with a reaction cycle: the row engine's verdicts on arrays.

    ``picked`` are the incidents' positions in the chunk (``None``: all of them),
    ``which`` their (cut) programs' numbers, ``tab`` which of them an agent opened
    (their programs are in the other table; ``None``: none of them).
    """
    plist, us, at = chunk.plist, chunk.us, chunk.at
    ids, customers, contracts, types, channels, parties = chunk.context
    first, pid = chunk.first, chunk.pid
    if picked is not None:
        first, pid = first[picked], pid[picked]
        chosen = picked.tolist()
        ids, types = _picked(ids, chosen), _picked(types, chosen)
        channels, parties = _picked(channels, chosen), _picked(parties, chosen)
        customers, contracts = _picked(customers, chosen), _picked(contracts, chosen)
    layouts = chunk.layouts
    tl = plist[int(pid[0])].timeline  # one calendar for the group
    g = len(ids)
    n = _take(layouts, tab, which, "length")  # events known: the horizon's position
    per = _take(layouts, tab, which, "cycles")
    if not per.all():  # the caller sends clockless programs elsewhere
        raise Irregular
    owner, rows_ = _spans(_take(layouts, tab, which, "start"), per)  # each cycle's incident
    head = np.cumsum(per) - per  # each incident's first cycle
    by_cycle = None if tab is None else tab[owner]
    pos, end_pos, first_code, superseded_code, meets_lo, meets_hi = _cells(
        layouts, by_cycle, rows_, "table"
    )
    is_first, superseded = first_code == 1, superseded_code == 1
    if len(plist) == 1:
        plan = plist[0]
        target = np.where(is_first, plan.first_reaction, plan.reaction)
    else:
        reaction = np.array([plan.reaction for plan in plist], dtype=np.int64)[pid]
        first_reaction = np.array([plan.first_reaction for plan in plist], dtype=np.int64)[pid]
        target = np.where(is_first, first_reaction[owner], reaction[owner])
    # Stops: the programs' pending spans, for the cycles of plans that pause while
    # pending, and with the finished resolved spans for the resolution clock.
    stop_count = _take(layouts, tab, which, "stop_count")
    if stop_count.any():  # read below only where some count is not zero
        stop_start = _take(layouts, tab, which, "stop_start")
        pending_now = _take(layouts, tab, which, "pending_now")
    if len(plist) == 1:
        pausing: Any = plist[0].pause
    else:
        pausing = np.array([plan.pause for plan in plist], dtype=bool)[pid]
    stopping = stop_count * pausing  # stops that cycles may skip, per incident
    pauses = None
    if stopping.any():
        pauses = (stop_start, stopping > 0, pausing & pending_now)
    start, end, running, used, due, stopped = _cycle_clocks(
        tl, chunk, (owner, pos, end_pos, meets_lo, meets_hi, by_cycle), (first, n), target, pauses
    )
    listed_first = np.zeros(len(owner), dtype=bool)
    listed_first[head] = True
    # Answered sooner than the target on the wall clock: on time, and nothing else of
    # such a cycle goes into the row (the first one always does).
    counted = running | listed_first | (end - start >= target)
    breached = clocks.breached(used, target, end, due)
    if at is None:
        breached &= ~running  # open after the last event: no verdict
    hit = counted & breached
    breaches = np.bincount(owner[hit], minlength=g)
    worst = np.maximum.reduceat(np.where(hit, clocks.overdue(used, target), 0), head)
    live = counted & ~breached & running  # at most one running cycle an incident
    next_due = np.full(g, _NONE, dtype=np.int64)
    ticking = live & ~stopped
    next_due[owner[ticking]] = due[ticking]
    risk = _shares(plist, pid)
    at_risk = np.zeros(g, dtype=bool)
    if at is not None:
        at_risk[owner[live]] = _risky(used[live], target[live], _cut(risk, owner[live]))
    first_due, first_taken = due[head], used[head]
    unanswered = running[head] | superseded[head]
    first_answered = _or_none(end[head], unanswered)
    # Every clock's incident, counted time and target, for the escalation levels.
    measured = [(owner, used, target)]
    updates = [-1 if plan.update is None else plan.update for plan in plist]
    if max(updates) >= 0:
        # Update cycles: a reply owed while the incident is open, stopped while pending
        # by a plan that pauses, listed after the reaction cycles (so one of those wins
        # a tie for the next due instant) and before the resolution clock.
        target_of = np.array(updates, dtype=np.int64)[pid]
        count_u = _take(layouts, tab, which, "update_count") * (target_of >= 0)
        if count_u.any():
            u_owner, u_rows = _spans(_take(layouts, tab, which, "update_start"), count_u)
            by_update = None if tab is None else tab[u_owner]
            u_pos, u_end_pos, u_lo, u_hi = _cells(layouts, by_update, u_rows, "updates")
            target_u = target_of[u_owner]
            _, end_u, running_u, used_u, due_u, stopped_u = _cycle_clocks(
                tl,
                chunk,
                (u_owner, u_pos, u_end_pos, u_lo, u_hi, by_update),
                (first, n),
                target_u,
                pauses,
            )
            late_u = clocks.breached(used_u, target_u, end_u, due_u)
            if at is None:
                late_u &= ~running_u  # open after the last event: no verdict
            breaches += np.bincount(u_owner[late_u], minlength=g)
            np.maximum.at(worst, u_owner[late_u], clocks.overdue(used_u, target_u)[late_u])
            live_u = ~late_u & running_u  # at most one running update cycle an incident
            ticking_u = np.flatnonzero(live_u & ~stopped_u)
            sooner = due_u[ticking_u] < next_due[u_owner[ticking_u]]
            next_due[u_owner[ticking_u[sooner]]] = due_u[ticking_u[sooner]]
            if at is not None:
                risky_u = _risky(used_u[live_u], target_u[live_u], _cut(risk, u_owner[live_u]))
                at_risk[u_owner[live_u]] |= risky_u
            measured.append((u_owner, used_u, target_u))
    resolution_due: list[int | None] | Any = repeat(None)
    targets = [-1 if plan.resolution is None else plan.resolution for plan in plist]
    if max(targets) >= 0:
        target_r = np.array(targets, dtype=np.int64)[pid]
        r = np.flatnonzero(target_r >= 0)
        since_of = _take(layouts, tab, which, "since")[r]
        opened = us[first[r]]
        horizon = us[first[r] + n[r] - 1] if at is None else np.full(r.size, at, dtype=np.int64)
        resolved = since_of >= 0
        clock_end = np.where(resolved, us[first[r] + np.maximum(since_of, 0)], horizon)
        used_r = elapsed_us_many(tl, opened, clock_end)
        targets_r = target_r[r]
        due_r = deadline_us_many(tl, opened, targets_r)
        paused_r = np.zeros(r.size, dtype=bool)
        counts_r = stop_count[r]
        if counts_r.any():
            _restop(
                tl,
                chunk,
                (stop_start[r], counts_r, None if tab is None else tab[r]),
                (first[r], n[r], opened, clock_end, targets_r),
                (used_r, due_r),
                pending_only=False,
            )
            paused_r = ~resolved & pending_now[r]
        late = clocks.breached(used_r, targets_r, clock_end, due_r)
        if at is None:
            late &= resolved  # unresolved after the last event: no verdict
        breaches[r] += late
        worst[r] = np.where(late, np.maximum(worst[r], clocks.overdue(used_r, targets_r)), worst[r])
        waiting = ~late & ~resolved
        ticking_r = waiting & ~paused_r
        next_due[r] = np.where(ticking_r & (due_r < next_due[r]), due_r, next_due[r])
        if at is not None:
            at_risk[r] |= waiting & _risky(used_r, targets_r, _cut(risk, r))
        dues = np.zeros(g, dtype=np.int64)
        dues[r] = due_r
        resolution_due = _or_none(dues, target_r < 0)
        measured.append((r, used_r, targets_r))
    escalated: list[tuple[int, ...]] | Any = repeat(())
    if any(plan.levels for plan in plist):
        escalated = _escalated(plist, pid, measured)
    if len(plist) == 1:
        tier_ids: Any = repeat(plist[0].tier.id)
    else:
        tier_ids = list(map([plan.tier.id for plan in plist].__getitem__, pid.tolist()))
    return list(
        map(
            new_row,
            repeat(Summary),
            zip(
                ids,
                tier_ids,
                customers,
                contracts,
                types,
                channels,
                parties,
                us[first].tolist(),
                repeat(True),
                repeat(None),
                per.tolist(),
                breaches.tolist(),
                (breaches > 0).tolist(),
                first_due.tolist(),
                first_answered,
                first_taken.tolist(),
                worst.tolist(),
                _or_none(next_due, next_due == _NONE),
                at_risk.tolist(),
                resolution_due,
                escalated,
            ),
        )
    )


def _cycle_clocks(
    tl: Any,
    chunk: _Chunk,
    cycles: tuple[Ints, Ints, Ints, Ints, Ints, Bools | None],
    logs: tuple[Ints, Ints],
    target: Ints,
    pauses: tuple[Ints, Any, Any] | None,
) -> tuple[Ints, Ints, Bools, Ints, Ints, Bools]:
    """Reaction or update cycles measured: start, end, running, counted time, due instant, paused now.

    ``cycles``: each cycle's incident, its start and end positions in its log (end
    ``n``: running to the horizon), the range of its program's stops it can meet,
    and which table of programs it is from; ``logs``: each incident's first event
    in the chunk and its number of events known; ``pauses`` (``None``: no cycle
    pauses): per incident its program's first row in the layouts' ``stops``,
    whether its cycles pause, and whether it is paused at the horizon.
    """
    of, s_pos, e_pos, meets_lo, meets_hi, tab = cycles
    first, n = logs
    us, at = chunk.us, chunk.at
    base, n_of = first[of], n[of]
    running = e_pos == n_of
    start = us[base + s_pos]
    end = us[base + np.minimum(e_pos, n_of - 1)]  # a running cycle ends at the last event
    if at is not None:
        end[running] = at
    used = elapsed_us_many(tl, start, end)
    due = deadline_us_many(tl, start, target)
    stopped = np.zeros(of.size, dtype=bool)  # running but paused at the horizon
    if pauses is not None:
        stop_start, pausing, paused_now = pauses
        stopped = running & paused_now[of]
        _restop(
            tl,
            chunk,
            (stop_start[of] + meets_lo, (meets_hi - meets_lo) * pausing[of], tab),
            (base, n_of, start, end, target),
            (used, due),
            pending_only=True,
        )
    return start, end, running, used, due, stopped


def _escalated(
    plist: list[Plan], pid: Ints, measured: list[tuple[Ints, Ints, Ints]]
) -> list[tuple[int, ...]]:
    """Per incident, per escalation level of its plan, how many of its clocks reached it.

    ``measured`` holds every clock (the incident it is of, its counted time and
    target): reaction cycles answered early too, update cycles, the resolution
    clock.  ``clocks.level_threshold`` and ``clocks.reached``, on arrays (on
    Python integers where int64 could overflow).
    """
    owner = np.concatenate([clock[0] for clock in measured])
    used = np.concatenate([clock[1] for clock in measured])
    target = np.concatenate([clock[2] for clock in measured])
    of_plan = pid[owner]
    out: list[tuple[int, ...]] = [()] * pid.size
    for k, plan in enumerate(plist):
        if not plan.levels:
            continue
        mine = np.flatnonzero(of_plan == k)
        if not mine.size:
            continue
        mine_used, mine_target, mine_owner = used[mine], target[mine], owner[mine]
        numerator = max(level[0] for level in plan.levels)
        offset = max(abs(level[2]) for level in plan.levels)
        wide = max(int(mine_target.max()), int(mine_used.max()), 1) * numerator + offset >= 2**62
        if wide:
            mine_used, mine_target = mine_used.astype(object), mine_target.astype(object)
        counts = [
            np.bincount(
                mine_owner[
                    np.asarray(
                        clocks.reached(mine_used, clocks.level_threshold(mine_target, level)),
                        dtype=bool,
                    )
                ],
                minlength=pid.size,
            ).tolist()
            for level in plan.levels
        ]
        for j in np.flatnonzero(pid == k).tolist():
            out[j] = tuple(count[j] for count in counts)
    return out


def _restop(
    tl: Any,
    chunk: _Chunk,
    programs: tuple[Ints, Ints, Bools | None],
    clocks_: tuple[Ints, Ints, Ints, Ints, Ints],
    answers: tuple[Ints, Ints],
    *,
    pending_only: bool,
) -> None:
    """Measure again, in place, the clocks that their programs' stops cut into.

    ``tl`` is the clocks' timeline; ``programs``: for each clock, its program's first row in the layouts' ``stops``,
    how many of them to read, and which table of programs it is from (``None``:
    the first); ``clocks_``: each clock's log (its first event's place in the
    chunk, its number of events) and its start, end and target; ``answers``: the
    counted time and due instant of each, found without stops, overwritten here
    for those with some (``pending_only``: only the pending spans stop them).
    """
    stop_start, stop_count, tab = programs
    base, n, start, end, target = clocks_
    used, due = answers
    pair, rows_ = _spans(stop_start, stop_count)
    s_pos, e_pos, is_pending = _cells(
        chunk.layouts, None if tab is None else tab[pair], rows_, "stops"
    )
    s, e, kept = _clip(
        chunk.us, base[pair], n[pair], chunk.at, s_pos, e_pos, start[pair], end[pair]
    )
    if pending_only:
        kept &= is_pending == 1
    keep = np.flatnonzero(kept)
    if not keep.size:
        return
    clock = pair[keep]
    cut = np.unique(clock)  # in order: each clock's stops stay in theirs
    used[cut], due[cut] = _stopped(
        tl,
        start[cut],
        end[cut],
        target[cut],
        np.searchsorted(cut, clock),
        s[keep],
        e[keep],
    )


def _clip(
    us: Ints, base: Ints, n: Ints, at: int | None, s_pos: Ints, e_pos: Ints, lo: Ints, hi: Ints
) -> tuple[Ints, Ints, Bools]:
    """Stops as instants cut to their clocks' spans ``[lo, hi]``, and which are not empty.

    ``s_pos``/``e_pos`` are event positions in logs whose first event is at
    ``base`` in ``us``; an end at ``n`` is the horizon (``at``, or the last event).
    ``clocks.clip``, on arrays.
    """
    s = us[base + s_pos]
    e = us[base + np.minimum(e_pos, n - 1)]
    if at is not None:
        e[e_pos == n] = at
    np.maximum(s, lo, out=s)
    np.minimum(e, hi, out=e)
    return s, e, s < e


def _shares(plist: list[Plan], pid: Ints) -> tuple[Any, Any]:
    """The at-risk share (numerator, denominator) of each incident's plan: numbers or arrays."""
    if len(plist) == 1:
        return plist[0].risk
    parts = [part for plan in plist for part in plan.risk]
    kind = np.int64 if max(parts) < 2**62 else object  # a share of huge terms: exact integers
    numerators = np.array([plan.risk[0] for plan in plist], dtype=kind)[pid]
    denominators = np.array([plan.risk[1] for plan in plist], dtype=kind)[pid]
    return numerators, denominators


def _cut(share: tuple[Any, Any], at: Ints) -> tuple[Any, Any]:
    """The shares of the incidents at ``at`` (a share of numbers is everyone's)."""
    numerator, denominator = share
    if isinstance(numerator, int):
        return share
    return numerator[at], denominator[at]


def _picked(column: list[Any] | Any, chosen: list[int]) -> Any:
    """The chosen rows of a column, as a list (``repeat(None)`` stays as it is)."""
    if type(column) is not list:
        return column
    if len(chosen) == 1:
        return [column[chosen[0]]]
    return list(itemgetter(*chosen)(column)) if chosen else []


def _at(column: list[Any] | Any, j: int) -> Any:
    """Row ``j`` of a context column (``repeat(None)`` when no record has it)."""
    return column[j] if type(column) is list else None


def _or_none(values: Ints, absent: Bools) -> list[int | None]:
    """``values`` as a list, with ``None`` where ``absent``."""
    out: list[int | None] = values.tolist()
    for k in np.flatnonzero(absent).tolist():
        out[k] = None
    return out


def _risky(used: Ints, target: Ints, risk: tuple[Any, Any]) -> Bools:
    """:func:`clocks.at_risk` element by element, on Python integers where int64 could overflow.

    ``risk`` is one share (numerator, denominator) for all, or one per element as arrays.
    """
    if not used.size:
        return np.zeros(0, dtype=bool)
    numerator, denominator = risk
    share = max(int(np.max(numerator)), int(np.max(denominator)))
    if max(int(used.max()), int(target.max()), 1) * share < 2**62:
        return clocks.at_risk(used, target, risk)  # type: ignore[no-any-return]
    exact = tuple(
        part if isinstance(part, int) else np.asarray(part).astype(object) for part in risk
    )
    exact_used, exact_target = used.astype(object), target.astype(object)
    return clocks.at_risk(exact_used, exact_target, exact).astype(bool)  # type: ignore[arg-type, no-any-return]


# --------------------------------------------------------------------------- timestamps
#
# Timestamps in these forms are read as digits, all at once; any other text (and
# any value outside what datetime.fromisoformat accepts) goes to the row reader,
# which reads it with fromisoformat itself.
#   25: 2026-11-27T14:30:00+03:00     20: 2026-11-27T14:30:00Z
#   32: 2026-11-27T14:30:00.123456+03:00   27: 2026-11-27T14:30:00.123456Z
#   29: 2026-11-27T14:30:00.123+03:00      24: 2026-11-27T14:30:00.123Z

_WORK_CODE = KIND_CODES["work_logged"]
_INERT_CODES = tuple(sorted(KIND_CODES[kind] for kind in INERT_KINDS))
_INERT = np.zeros(256, dtype=bool)  # by kind code (one byte): whether the kind is inert
_INERT[[ord(code) for code in _INERT_CODES]] = True
_CLOSED = ord(KIND_CODES["closed"])
_WORK_LOGGED = ord(_WORK_CODE)
_WORK_KEYS = frozenset(("type", "at", "duration"))
_OPENING_KEYS = frozenset(("type", "at", "by"))

_FORMS = (25, 20, 32, 27, 29, 24)
_OFFSET = {25: 19, 32: 26, 29: 23}  # where the offset's sign is, in the forms with an offset
_FRACTION = {27: 6, 32: 6, 24: 3, 29: 3}  # digits of fraction, in the forms with one

# The value of two ASCII digits read as one little-endian 16-bit number; 255 for
# anything else (the high bit of 255 marks it: OR the pairs, and any bad one shows).
_PAIR = np.full(1 << 16, 255, dtype=np.uint8)
for _tens in range(10):
    for _ones in range(10):
        _PAIR[(48 + _tens) | (48 + _ones) << 8] = _tens * 10 + _ones
# Days since 1970-01-01 of 1 January of each year; leap years; and by leap * 256 +
# month, the days before the month and the days in it (0 for no month).  Sized for
# every year and month two bytes can spell, so no lookup needs a bounds check.
_YEARS = np.arange(256 * 100 + 256, dtype=np.int64)
_LEAP = ((_YEARS % 4 == 0) & ((_YEARS % 100 != 0) | (_YEARS % 400 == 0))).astype(np.int64)
_before = _YEARS - 1
_YEAR_DAYS = 365 * (_YEARS - 1970) + _before // 4 - _before // 100 + _before // 400 - 477
_MONTH_DAYS = np.zeros(512, dtype=np.int64)
_MONTH_BEFORE = np.zeros(512, dtype=np.int64)
for _leap in (0, 1):
    _lengths = [31, 28 + _leap, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    _MONTH_DAYS[_leap * 256 + 1 : _leap * 256 + 13] = _lengths
    _MONTH_BEFORE[_leap * 256 + 1 : _leap * 256 + 13] = np.cumsum([0, *_lengths[:-1]])
del _tens, _ones, _before, _leap, _lengths
_SEPARATORS = {4: "-", 7: "-", 10: "T", 13: ":", 16: ":"}


def _layout(width: int) -> tuple[Ints, Ints, Any, int | None, int]:
    """Where a form's pairs of digits and marks are: pairs, marks and their bytes, offset, digits.

    The pairs are the date and time (century, year, month, day, hour, minute,
    second), then the fraction's (three for microseconds, one for milliseconds,
    whose third digit is read alone), then the offset's hours and minutes.
    """
    zone = _OFFSET.get(width)
    digits = _FRACTION.get(width, 0)
    marks = dict(_SEPARATORS)
    pairs = [0, 2, 5, 8, 11, 14, 17]
    if digits:
        marks[19] = "."
        pairs += [20, 22, 24][: digits // 2]
    if zone is None:
        marks[width - 1] = "Z"
    else:
        marks[zone + 3] = ":"
        pairs += [zone + 1, zone + 4]
    where = sorted(marks)
    chars = np.array([ord(marks[k]) for k in where], dtype=np.uint8)
    return np.array(pairs), np.array(where), chars, zone, digits


_LAYOUTS = {width: _layout(width) for width in _FORMS}
_FORM_EDGES = np.array([edge for width in _FORMS for edge in (width, width + 1)])


def _left_out(codes: str, first: Ints, owner: Ints) -> Bools:
    """The events ``lifecycle.inert_where_allowed`` leaves out, in every log of a chunk at once.

    ``codes`` holds every event's kind code, ``first`` each log's first event and
    ``owner`` each event's log.  An inert event is allowed where it comes unless it
    is its log's first event or follows its log's ``closed``, and its log's last
    event stays too (its instant is the horizon without ``at``).  In a log the
    rules refuse, what is left out here lies away from the fault, which stays at
    its event.
    """
    kinds = _codes_of(codes)
    out: Bools = _INERT[kinds]
    out[first] = False
    out[first[1:] - 1] = False
    out[-1] = False
    closing = kinds == _CLOSED
    if closing.any():
        seen = np.cumsum(closing)  # closings up to each event, over the whole chunk
        out &= seen == (seen[first] - closing[first])[owner]  # none yet in its own log
    return out


def _codes_of(codes: str) -> Any:
    """The events' kind codes (one ASCII character each) as an array of bytes."""
    return np.frombuffer(codes.encode("ascii", "replace"), dtype=np.uint8)


def _instants(texts: list[Any]) -> tuple[Ints, Bools]:
    """Microseconds since the epoch of each timestamp text, and which were read."""
    size = len(texts)
    # The usual chunk: every text 25 characters long.  Joined with "|", that holds
    # exactly when the blob has a "|" after every 25 characters and no other.
    blob = "|".join(texts)  # a TypeError for anything but text: the caller splits the chunk
    if len(blob) == 26 * size - 1 and blob.count("|") == size - 1:
        encoded = (blob + "|").encode("ascii", "replace")
        if (np.frombuffer(encoded, dtype=np.uint8)[25::26] == ord("|")).all():
            return _read(encoded, 25, 26)
    # Forms mixed: the texts in order of their width, as one blob in which each form
    # is a run (a non-ASCII character is one "?", so characters and bytes agree).
    widths = np.fromiter(map(len, texts), dtype=np.int64, count=size)
    order = np.argsort(widths, kind="stable")
    ranked = widths[order]
    encoded = "".join(map(texts.__getitem__, order.tolist())).encode("ascii", "replace")
    offsets = np.cumsum(ranked) - ranked
    us = np.zeros(size, dtype=np.int64)
    read = np.zeros(size, dtype=bool)
    edges = np.searchsorted(ranked, _FORM_EDGES).tolist()  # each form's run: [lo, hi)
    for width, lo, hi in zip(_FORMS, edges[::2], edges[1::2], strict=True):
        if lo < hi:
            at = int(offsets[lo])
            run = order[lo:hi]
            us[run], read[run] = _read(encoded[at : at + (hi - lo) * width], width, width)
    return us, read


def _read(blob: bytes, width: int, stride: int) -> tuple[Ints, Bools]:
    """Timestamps of one width, ``stride`` bytes apart in ASCII (non-ASCII became "?").

    Each timestamp is a row: its marks (separators, the fraction's dot, ``Z`` or
    the offset's colon) compared at once, and its pairs of digits read as one
    number each (two bytes looked up in ``_PAIR``: 255 unless both are digits).
    """
    count = len(blob) // stride
    pairs_at, marks_at, marks, zone, digits = _LAYOUTS[width]
    grid = np.ndarray((count, width), dtype=np.uint8, buffer=blob, strides=(stride, 1))
    spans = np.ndarray((count, width - 1), dtype="<u2", buffer=blob, strides=(stride, 1))
    value = _PAIR[spans[:, pairs_at]]
    good = (grid[:, marks_at] == marks).all(axis=1)
    good &= value.max(axis=1, initial=0) < 100  # every pair two digits
    value = value.astype(np.int64)
    century, year2, month, day, hour, minute, second = value[:, :7].T
    good &= (hour <= 23) & (minute <= 59) & (second <= 59)
    year = century * 100 + year2
    # Years whose blocks the calendars cover, with a year to spare each side.
    good &= (year > FIRST_YEAR) & (year < LAST_YEAR)
    at_month = _LEAP[year] * 256 + month
    good &= (day >= 1) & (day <= _MONTH_DAYS[at_month])
    days = _YEAR_DAYS[year] + _MONTH_BEFORE[at_month] + day - 1
    seconds = ((days * 24 + hour) * 60 + minute) * 60 + second
    if zone is not None:
        sign = grid[:, zone]
        off_hour, off_minute = value[:, -2], value[:, -1]
        good &= ((sign == ord("+")) | (sign == ord("-"))) & (off_hour <= 23) & (off_minute <= 59)
        offset_minutes = off_hour * 60 + off_minute
        seconds -= np.where(sign == ord("-"), -offset_minutes, offset_minutes) * 60
    us = seconds * 1_000_000
    if digits == 6:
        us += (value[:, 7] * 100 + value[:, 8]) * 100 + value[:, 9]
    elif digits == 3:  # milliseconds: two digits as a pair, the third alone
        last = grid[:, 22].astype(np.int64) - ord("0")
        good &= (last >= 0) & (last <= 9)
        us += (value[:, 7] * 10 + last) * 1000
    return us, good
