"""What an incident's event log means, from its sequence of event kinds alone.

One table says, for each event kind, when it may come (the log's rules) and what
it does to the clocks (which events start and end reaction cycles, pauses and
resolved spans).  Everything that reads a log takes its meaning from here:
``Incident`` refuses a log that breaks the rules (:func:`log_fault`), the
Hypothesis strategies generate logs by walking the same table
(:func:`allowed_kinds`, :func:`next_state`), and every SLA answer (``evaluate``,
``schedule``, both engines of ``slaclock.analysis``) is assessed from the
:class:`Program` of the log's kinds.

Real logs share a few hundred sequences of kinds, so programs are compiled once
per sequence and kept in a bounded :class:`ProgramTable`; an incident then only
brings its instants.
"""

from __future__ import annotations

import threading
from bisect import bisect_left
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, Generic, TypeVar

__all__ = [
    "EVENT_KINDS",
    "INERT_KINDS",
    "KIND_CODES",
    "CycleSpan",
    "Position",
    "Program",
    "ProgramTable",
    "allowed_kinds",
    "compile_program",
    "inert_where_allowed",
    "log_fault",
    "next_state",
    "programs",
]

EVENT_KINDS: Final = (
    "opened",
    "customer_message",
    "agent_reply",
    "pending",
    "resolved",
    "reopened",
    "closed",
    "work_logged",
    "tier_changed",
)
# One character per kind, so that a log's sequence of kinds is a short string
# (the numpy engine slices them out of one joined string per chunk).
KIND_CODES: Final = {kind: chr(ord("a") + i) for i, kind in enumerate(EVENT_KINDS)}
_KIND_OF_CODE: Final = {code: kind for kind, code in KIND_CODES.items()}

# The states of a log, for its rules.  A pending span runs exactly while the
# state is "pending", a resolved span while it is "resolved" or "closed".
NEW, OPEN, PENDING, RESOLVED, CLOSED = "new", "open", "pending", "resolved", "closed"
STATES: Final = (NEW, OPEN, PENDING, RESOLVED, CLOSED)

# Why a log breaks the rules (the wording of Incident's messages builds on these).
FIRST_NOT_OPENED = "the first event must be 'opened'"
SECOND_OPENED = "a second 'opened' event"
AFTER_CLOSED = "after 'closed'"
RESOLVED_TWICE = "'resolved' while already resolved"
REOPENED_UNRESOLVED = "'reopened' while not resolved"
PENDING_RESOLVED = "'pending' while resolved"

# What each kind does to the clocks, in order:
#   "end_pending"    a pending span stops here;
#   "start_pending"  a pending span starts (unless one runs);
#   "end_cycle"      the running reaction cycle is answered here;
#   "start_cycle"    a reaction cycle starts (unless one runs; under the restart
#                    rule a running one is superseded and a new one starts);
#   "open_cycle"     the opening starts the first cycle (unless an agent opened);
#   "resolve"        a resolved span starts (unless one runs);
#   "reopen"         the resolved span ends, and a cycle starts unless one runs;
#   "update"         the running update cycle (an agent's reply is owed every
#                    ``update`` of working time while the incident is open) ends
#                    here and, unless resolved or closed by this event, a new one
#                    starts (the opening and a reopen start one);
#   "change_tier"    the incident moves to another tier from here on: every clock
#                    that ends later (or still runs) is measured, whole and from
#                    its own start, on the new tier (the programs list where).
# and, by state, which state it leads to (a missing state: the kind is refused
# there, with the reason in _REFUSED).
_TABLE: Final[dict[str, tuple[tuple[str, ...], dict[str, str]]]] = {
    "opened": (("open_cycle", "update"), {NEW: OPEN}),
    "customer_message": (
        ("end_pending", "start_cycle"),
        {OPEN: OPEN, PENDING: OPEN, RESOLVED: RESOLVED},
    ),
    "agent_reply": (("end_cycle", "update"), {OPEN: OPEN, PENDING: PENDING, RESOLVED: RESOLVED}),
    "pending": (("start_pending",), {OPEN: PENDING, PENDING: PENDING}),
    "resolved": (
        ("end_pending", "end_cycle", "resolve", "update"),
        {OPEN: RESOLVED, PENDING: RESOLVED},
    ),
    "reopened": (("reopen", "update"), {RESOLVED: OPEN}),
    "closed": (
        ("end_pending", "end_cycle", "resolve", "update"),
        {OPEN: CLOSED, PENDING: CLOSED, RESOLVED: CLOSED},
    ),
    "work_logged": ((), {OPEN: OPEN, PENDING: PENDING, RESOLVED: RESOLVED}),
    # Any time after the opening and before the closing, pending or resolved too: a
    # contract can be changed while the customer is away or a fix is being checked.
    "tier_changed": (("change_tier",), {OPEN: OPEN, PENDING: PENDING, RESOLVED: RESOLVED}),
}


# Kinds that start or end no clock and leave every state they may come in as it was
# (a work log).  Where the rules let one come, a log means the same without it: the
# same clocks between the same events (positions counted without it), the same state
# after it.  Where they refuse it (before the opening, after the closing), it is the
# log's fault, and stays.
INERT_KINDS: Final = frozenset(
    kind
    for kind, (actions, moves) in _TABLE.items()
    if not actions and all(state == after for state, after in moves.items())
)


def inert_where_allowed(kinds: Sequence[str]) -> list[bool]:
    """Which events of a log can be left out of it without changing what it means.

    Those of an :data:`INERT_KINDS` kind that the rules allow where they come, up
    to the log's first fault, but for the last event: without a horizon of its
    own, a log's clocks that still run stop at its last event's instant.  Without
    them the log has the same program (its positions counted without them) and the
    same last instant, or a fault at the same event.

    >>> inert_where_allowed(("opened", "work_logged", "closed", "work_logged"))
    [False, True, False, False]
    >>> inert_where_allowed(("opened", "work_logged", "work_logged"))
    [False, True, False]
    """
    out = []
    state: str | None = NEW
    for kind in kinds:
        following = None if state is None else _TABLE[kind][1].get(state)
        out.append(following is not None and kind in INERT_KINDS)
        state = following
    if out:
        out[-1] = False
    return out


def _refusal(state: str, kind: str) -> str:
    """Why ``kind`` cannot come in ``state`` (the first rule it breaks)."""
    if state == NEW:
        return FIRST_NOT_OPENED
    if kind == "opened":
        return SECOND_OPENED
    if state == CLOSED:
        return AFTER_CLOSED
    if kind == "resolved":
        return RESOLVED_TWICE
    if kind == "reopened":
        return REOPENED_UNRESOLVED
    return PENDING_RESOLVED


def next_state(state: str, kind: str) -> str | None:
    """The state after ``kind`` in ``state``, or ``None`` if the rules refuse it there."""
    return _TABLE[kind][1].get(state)


def allowed_kinds(state: str) -> tuple[str, ...]:
    """The kinds that may come next in ``state``, in ``EVENT_KINDS`` order.

    >>> allowed_kinds("resolved")
    ('customer_message', 'agent_reply', 'reopened', 'closed', 'work_logged', 'tier_changed')
    """
    return tuple(kind for kind in EVENT_KINDS if state in _TABLE[kind][1])


def log_fault(kinds: Sequence[str]) -> tuple[int, str] | None:
    """The first event whose kind cannot follow the kinds before it, and why; ``None`` if none.

    The event log's rules apart from time order, on kinds alone, so that a reader
    can check a log once per distinct sequence of kinds.

    >>> log_fault(("opened", "resolved", "reopened", "closed"))
    >>> log_fault(("opened", "closed", "agent_reply"))
    (2, "after 'closed'")
    """
    state = NEW
    for index, kind in enumerate(kinds):
        following = _TABLE[kind][1].get(state)
        if following is None:
            return index, _refusal(state, kind)
        state = following
    return None


# --------------------------------------------------------------------------- programs


# A cycle for the assessment's hot loop: its start and end positions, the same as
# indexes into its program's ``bounds``, and whether it is the first response.
Position = tuple[int, int, int, int, bool]


@dataclass(frozen=True, slots=True)
class CycleSpan:
    """One reaction cycle of a program, as event positions.

    ``end`` is the position of the event that ended it, or the program's ``n``
    (the horizon) while it runs; ``ended_by`` is that event's kind,
    ``"superseded"`` under the restart rule, or ``None`` while it runs.
    ``first`` says it is the first response (no earlier cycle was answered).
    """

    start: int
    end: int
    first: bool
    started_by: str
    ended_by: str | None


@dataclass(frozen=True, slots=True)
class Program:
    """What a sequence of kinds means for the clocks, as event positions.

    Position ``n`` (the number of events) stands for the horizon: the end of a
    cycle still running, or of a pause still on.  ``fault`` is the log's first
    broken rule (position and reason); a program with a fault has no clocks.
    """

    n: int
    cycles: tuple[CycleSpan, ...]
    pending: tuple[tuple[int, int], ...]  # [start, end) positions; end n: pending now
    pending_now: bool
    resolved: tuple[tuple[int, int], ...]  # finished resolved spans
    since: int | None  # resolved (or closed) since this position, to the horizon
    resolved_by: str | None  # the kind at ``since``
    logged: bool  # has work_logged events
    fault: tuple[int, str] | None
    # The update cycles (``first`` is always False), read only by tiers with an
    # ``update`` target.
    updates: tuple[CycleSpan, ...] = ()
    # For the assessment's hot loop: the positions where cycles start or end, in
    # order, and each cycle's (start, end, first) with its start and end also as
    # indexes into ``bounds``.
    bounds: tuple[int, ...] = ()
    positions: tuple[Position, ...] = ()
    # For a ticket update: ``positions`` split into the cycles that ended at an event
    # (``closed``) and the one still running at the horizon, if any (``running``:
    # cycles follow one another, so only the last can run).
    closed: tuple[Position, ...] = ()
    running: Position | None = None
    # The positions of the ``tier_changed`` events, in order: a clock that ends at
    # position ``e`` (``n`` while it runs) is measured on the tier in force after
    # the changes before ``e`` (:meth:`segment`).
    changes: tuple[int, ...] = ()

    def segment(self, end: int) -> int:
        """How many tier changes come before position ``end``: the tier a clock ending there is on."""
        return bisect_left(self.changes, end)

    def __post_init__(self) -> None:
        bounds = sorted({p for c in self.cycles for p in (c.start, c.end)})
        index = {p: i for i, p in enumerate(bounds)}
        positions = tuple(
            (c.start, c.end, index[c.start], index[c.end], c.first) for c in self.cycles
        )
        object.__setattr__(self, "bounds", tuple(bounds))
        object.__setattr__(self, "positions", positions)
        if positions and positions[-1][1] == self.n:
            object.__setattr__(self, "closed", positions[:-1])
            object.__setattr__(self, "running", positions[-1])
        else:
            object.__setattr__(self, "closed", positions)


def compile_program(kinds: Sequence[str], *, agent_opened: bool, restart: bool) -> Program:
    """The program of a sequence of kinds (valid or not) under the given options.

    ``agent_opened``: an agent opened the incident, so no cycle starts until the
    customer writes; ``restart``: the ``restart_on_message`` cycle rule.

    >>> p = compile_program(("opened", "agent_reply", "customer_message"),
    ...                     agent_opened=False, restart=False)
    >>> [(c.start, c.end, c.first, c.ended_by) for c in p.cycles]
    [(0, 1, True, 'agent_reply'), (2, 3, False, None)]
    """
    n = len(kinds)
    fault = log_fault(kinds)
    if fault is not None:
        return Program(n, (), (), False, (), None, None, "work_logged" in kinds, fault)
    cycles: list[CycleSpan] = []
    pending: list[tuple[int, int]] = []
    resolved: list[tuple[int, int]] = []
    running: tuple[int, str, bool] | None = None  # the running cycle: start, started_by, first
    pending_since: int | None = None
    since: int | None = None
    resolved_by: str | None = None
    answered = False
    updates: list[CycleSpan] = []
    updating: tuple[int, str] | None = None  # the running update cycle: start, started_by
    changes: list[int] = []

    def end_cycle(at: int, how: str) -> None:
        nonlocal running
        assert running is not None
        cycles.append(CycleSpan(running[0], at, running[2], running[1], how))
        running = None

    for position, kind in enumerate(kinds):
        for action in _TABLE[kind][0]:
            if action == "end_pending":
                if pending_since is not None:
                    pending.append((pending_since, position))
                    pending_since = None
            elif action == "start_pending":
                if pending_since is None:
                    pending_since = position
            elif action == "end_cycle":
                if running is not None:
                    end_cycle(position, kind)
                    answered = True
            elif action == "start_cycle":
                if running is not None and restart:
                    end_cycle(position, "superseded")
                if running is None:
                    running = (position, kind, not answered)
            elif action == "open_cycle":
                if not agent_opened:
                    running = (position, kind, True)
            elif action == "update":
                if updating is not None:
                    updates.append(CycleSpan(updating[0], position, False, updating[1], kind))
                    updating = None
                if since is None:  # open (not resolved or closed): a reply is owed again
                    updating = (position, kind)
            elif action == "change_tier":
                changes.append(position)
            elif action == "resolve":
                if since is None:
                    since, resolved_by = position, kind
            else:  # reopen
                if since is not None:
                    resolved.append((since, position))
                    since = resolved_by = None
                if running is None:
                    running = (position, kind, not answered)
    if running is not None:
        cycles.append(CycleSpan(running[0], n, running[2], running[1], None))
    if pending_since is not None:
        pending.append((pending_since, n))
    if updating is not None:
        updates.append(CycleSpan(updating[0], n, False, updating[1], None))
    return Program(
        n=n,
        cycles=tuple(cycles),
        pending=tuple(pending),
        pending_now=pending_since is not None,
        resolved=tuple(resolved),
        since=since,
        resolved_by=resolved_by,
        logged="work_logged" in kinds,
        fault=None,
        updates=tuple(updates),
        changes=tuple(changes),
    )


_L = TypeVar("_L")


class ProgramTable(Generic[_L]):
    """The programs of the sequences met so far, for one option set, bounded and thread-safe.

    Two keys reach the same programs: a tuple of kinds (:meth:`get`, the row
    engine and ``evaluate``) and a string of kind codes (:meth:`numbers`, the
    numpy engine, which also gets every program's number and an array layout of
    them, built by its own function and handed out together with the numbers).
    Past ``limit`` sequences the table starts afresh: 20,000 programs of about
    1.6 KB each bound it near 32 MB, where a million realistic logs bring some
    9,000 distinct sequences (about 1,300 to the numpy engine, whose code strings
    leave out the work logs :func:`inert_where_allowed` finds).  Reads of a known
    sequence take no lock; compiling and the layout do.
    """

    def __init__(self, *, agent_opened: bool, restart: bool, limit: int = 20_000) -> None:
        self.agent_opened = agent_opened
        self.restart = restart
        self.limit = limit
        self._by_kinds: dict[tuple[str, ...], Program] = {}
        #: The programs compiled so far by sequence of kinds, to read without a call
        #: (``table.known.get(kinds) or table.get(kinds)``); never write to it.
        self.known: Mapping[tuple[str, ...], Program] = self._by_kinds
        self._number: dict[str, int] = {}
        self._numbered: list[Program | None] = []
        self._layout: Any = None
        self._layout_of: Callable[[list[Program | None], Any], Any] | None = None
        self._lock = threading.Lock()

    def get(self, kinds: tuple[str, ...]) -> Program | None:
        """The program of a sequence of kinds; ``None`` if some kind is unknown (never kept)."""
        found = self._by_kinds.get(kinds)
        if found is not None:
            return found
        if not _KNOWN.issuperset(kinds):
            return None
        with self._lock:
            if len(self._by_kinds) >= self.limit:
                self._by_kinds.clear()
            # Kept under the package's own strings: a line's text is never kept.
            own = tuple(map(_OWN.__getitem__, kinds))
            found = self._by_kinds[own] = self._compile(own)
        return found

    def numbers(
        self,
        codes: Iterable[str],
        layout_of: Callable[[list[Program | None], _L | None], _L],
    ) -> tuple[list[int], _L]:
        """Each code string's program number, and ``layout_of(programs, previous)`` that they index.

        A code string holds one character per kind (``KIND_CODES``); one with a
        character no kind has gets ``None`` for its program.  ``previous`` is the
        layout ``layout_of`` built before, of a prefix of the same programs (the
        table only appends to them until it starts afresh), or ``None``: so a
        layout can grow by the programs it lacks instead of being built again
        for every few new sequences.
        """
        codes = list(codes)
        with self._lock:
            if self._layout is not None and self._layout_of is layout_of:
                try:  # the usual call: every sequence known
                    return list(map(self._number.__getitem__, codes)), self._layout
                except KeyError:
                    pass
            missing = set(codes).difference(self._number)
            if self._layout_of is not layout_of:
                self._layout = None
                self._layout_of = layout_of
            if missing:
                if len(self._numbered) + len(missing) > self.limit:
                    self._number.clear()
                    self._numbered.clear()
                    self._layout = None
                    missing = set(codes)
                for code in missing:
                    self._number[code] = len(self._numbered)
                    kinds = tuple(map(_KIND_OF_CODE.get, code))
                    self._numbered.append(
                        None if None in kinds else self._compile(kinds)  # type: ignore[arg-type]
                    )
                self._layout = layout_of(self._numbered, self._layout)
            elif self._layout is None:
                self._layout = layout_of(self._numbered, None)
            return list(map(self._number.__getitem__, codes)), self._layout

    def _compile(self, kinds: tuple[str, ...]) -> Program:
        return compile_program(kinds, agent_opened=self.agent_opened, restart=self.restart)


_KNOWN: Final = frozenset(EVENT_KINDS)
_OWN: Final = {kind: kind for kind in EVENT_KINDS}
_TABLES: Final = {
    (agent, restart): ProgramTable[Any](agent_opened=agent, restart=restart)
    for agent in (False, True)
    for restart in (False, True)
}


def programs(*, agent_opened: bool, restart: bool) -> ProgramTable[Any]:
    """The shared table of programs for one option set (every engine uses the same four)."""
    return _TABLES[agent_opened, restart]
