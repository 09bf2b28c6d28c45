"""The lifecycle table: the log's rules, the generator's moves and the programs agree."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from slaclock._sla.clocks import clip
from slaclock._sla.lifecycle import (
    EVENT_KINDS,
    INERT_KINDS,
    KIND_CODES,
    NEW,
    CycleSpan,
    ProgramTable,
    allowed_kinds,
    compile_program,
    inert_where_allowed,
    log_fault,
    next_state,
)

kinds_lists = st.lists(st.sampled_from(EVENT_KINDS), max_size=12)


@st.composite
def kind_walks(draw: st.DrawFn) -> list[str]:
    """Logs of kinds walked through the table, now and then with a kind it refuses there."""
    kinds: list[str] = []
    state: str | None = NEW
    for _ in range(draw(st.integers(min_value=1, max_value=14))):
        allowed = allowed_kinds(state) if state is not None else ()
        if allowed and draw(st.integers(min_value=0, max_value=11)):
            kind = draw(st.sampled_from(allowed))
        else:
            kind = draw(st.sampled_from(EVENT_KINDS))
        kinds.append(kind)
        state = None if state is None else next_state(state, kind)
    return kinds


def _state_after(kinds: list[str]) -> str | None:
    state: str | None = NEW
    for kind in kinds:
        assert state is not None
        state = next_state(state, kind)
        if state is None:
            return None
    return state


@given(kinds_lists)
def test_a_kind_is_allowed_exactly_when_the_log_stays_valid(kinds: list[str]) -> None:
    state = _state_after(kinds)
    if state is None:
        assert log_fault(kinds) is not None
        return
    assert log_fault(kinds) is None
    for kind in EVENT_KINDS:
        assert (kind in allowed_kinds(state)) == (log_fault([*kinds, kind]) is None)


@given(kinds_lists, st.booleans(), st.booleans())
def test_cycles_are_ordered_disjoint_and_only_the_last_runs(
    kinds: list[str], agent: bool, restart: bool
) -> None:
    program = compile_program(kinds, agent_opened=agent, restart=restart)
    if program.fault is not None:
        assert program.cycles == ()
        return
    ends = [c.end for c in program.cycles]
    for before, after in zip(program.cycles, program.cycles[1:], strict=False):
        assert before.end <= after.start
    assert all(end < program.n for end in ends[:-1])
    assert [c.ended_by is None for c in program.cycles] == [e == program.n for e in ends]
    # The first response is the first cycle, and cycles after the first answer are not.
    answered = False
    for cycle in program.cycles:
        assert cycle.first == (not answered)
        answered = answered or cycle.ended_by not in (None, "superseded")


@given(kinds_lists, st.integers(0, 12), st.booleans(), st.booleans())
def test_the_cycles_a_log_ended_stay_the_first_cycles_of_every_longer_log(
    kinds: list[str], cut: int, agent: bool, restart: bool
) -> None:
    # A log is read left to right: appending events (a ticket update) can end the
    # running cycle and add new ones, never change one that had ended.  schedule
    # relies on this to hand on what it found about the shorter log.
    whole = compile_program(kinds, agent_opened=agent, restart=restart)
    short = compile_program(kinds[:cut], agent_opened=agent, restart=restart)
    for program in (whole, short):
        running = [p for p in program.positions if p[1] == program.n]
        assert program.running == (running[0] if running else None)
        assert program.closed == tuple(p for p in program.positions if p[1] < program.n)
    if whole.fault is None:
        assert whole.closed[: len(short.closed)] == short.closed


def test_an_agent_opening_starts_no_cycle_until_the_customer_writes() -> None:
    program = compile_program(
        ("opened", "agent_reply", "customer_message"), agent_opened=True, restart=False
    )
    [cycle] = program.cycles
    assert (cycle.start, cycle.started_by, cycle.first) == (2, "customer_message", True)


def test_under_the_restart_rule_a_message_supersedes_the_running_cycle() -> None:
    program = compile_program(
        ("opened", "customer_message", "agent_reply"), agent_opened=False, restart=True
    )
    assert [(c.start, c.end, c.ended_by, c.first) for c in program.cycles] == [
        (0, 1, "superseded", True),
        (1, 2, "agent_reply", True),
    ]


def test_pending_ends_at_a_customer_message_and_pauses_resolution_spans() -> None:
    program = compile_program(
        ("opened", "pending", "customer_message", "resolved", "reopened", "pending"),
        agent_opened=False,
        restart=False,
    )
    assert program.pending == ((1, 2), (5, 6))
    assert program.pending_now
    assert program.resolved == ((3, 4),)
    assert program.since is None


def test_the_table_keeps_one_program_per_sequence_and_no_unknown_kind() -> None:
    table = ProgramTable[Any](agent_opened=False, restart=False, limit=3)
    first = table.get(("opened", "agent_reply"))
    assert table.get(("opened", "agent_reply")) is first
    assert table.get(("opened", "typo")) is None
    assert ("opened", "typo") not in table._by_kinds
    for n in range(5):  # past the limit the table starts afresh
        table.get(("opened",) + ("customer_message",) * n)
    assert len(table._by_kinds) <= 3


def test_numbers_and_layout_are_handed_out_together() -> None:
    table = ProgramTable[Any](agent_opened=False, restart=False)
    codes = [KIND_CODES["opened"] + KIND_CODES["agent_reply"], KIND_CODES["opened"], "a?"]
    numbers, layout = table.numbers(codes, lambda programs, previous: list(programs))
    assert [layout[i] is None for i in numbers] == [False, False, True]
    assert layout[numbers[0]] == table.get(("opened", "agent_reply"))


# --------------------------------------------------------------------------- stops


@st.composite
def _spans_and_clock(draw: st.DrawFn) -> tuple[list[tuple[int, int]], int, int]:
    """Spans in order that do not overlap (as a log's pending or resolved spans), some
    empty, often more than eight, and a clock's bounds often inside or at one of them."""
    cuts = sorted(draw(st.lists(st.integers(0, 200), min_size=0, max_size=60)))
    if draw(st.booleans()):
        cuts = sorted(cuts + list(range(0, 200, 9)))
    spans = list(zip(cuts[::2], cuts[1::2], strict=False))
    near = st.sampled_from(cuts or [0]).flatmap(lambda c: st.integers(c - 1, c + 1))
    lo, hi = draw(near | st.integers(-5, 205)), draw(near | st.integers(-5, 205))
    return spans, lo, hi


@given(_spans_and_clock())
def test_clip_of_many_spans_looks_only_at_those_that_can_meet_the_clock(
    drawn: tuple[list[tuple[int, int]], int, int],
) -> None:
    # Past eight spans clip looks up the first and last that can fall inside
    # [lo, hi]; the answer is that of cutting every span in turn.
    spans, lo, hi = drawn
    every = [(max(s, lo), min(e, hi)) for s, e in spans]
    assert clip(spans, lo, hi) == [(s, e) for s, e in every if s < e]


def test_the_work_log_is_the_one_kind_without_effect() -> None:
    assert sorted(INERT_KINDS) == ["work_logged"]
    # Where the rules refuse it, it stays: it is the log's fault.
    assert inert_where_allowed(["work_logged", "opened", "work_logged"]) == [False] * 3
    assert inert_where_allowed(["opened", "work_logged", "pending", "work_logged"]) == [
        False,
        True,
        False,
        False,  # the last event: its instant is the horizon when no other is given
    ]
    assert inert_where_allowed(["opened", "closed", "work_logged"]) == [False] * 3


@given(kind_walks(), st.booleans(), st.booleans())
def test_a_log_means_the_same_without_the_events_it_can_leave_out(
    kinds: list[str], agent: bool, restart: bool
) -> None:
    kept = [k for k, out in enumerate(inert_where_allowed(kinds)) if not out]
    full = compile_program(kinds, agent_opened=agent, restart=restart)
    short = compile_program([kinds[k] for k in kept], agent_opened=agent, restart=restart)
    at = [*kept, len(kinds)]  # each position of the short log in the full one; n, the horizon
    if full.fault is not None:
        assert short.fault is not None
        assert (at[short.fault[0]], short.fault[1]) == full.fault
        return
    assert short.fault is None

    def moved(spans: tuple[CycleSpan, ...]) -> list[tuple[Any, ...]]:
        return [(at[c.start], at[c.end], c.first, c.started_by, c.ended_by) for c in spans]

    assert moved(short.cycles) == [
        (c.start, c.end, c.first, c.started_by, c.ended_by) for c in full.cycles
    ]
    assert moved(short.updates) == [
        (c.start, c.end, c.first, c.started_by, c.ended_by) for c in full.updates
    ]
    assert [(at[s], at[e]) for s, e in short.pending] == list(full.pending)
    assert [(at[s], at[e]) for s, e in short.resolved] == list(full.resolved)
    assert short.pending_now == full.pending_now
    assert (None if short.since is None else at[short.since]) == full.since
    assert short.resolved_by == full.resolved_by
    assert [at[p] for p in short.changes] == list(full.changes)
