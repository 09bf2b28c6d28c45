"""The event-log rules, split into kinds (``log_fault``) and time order, give the old errors.

``_check_log`` used to walk the events once with every rule inline; it now asks
``log_fault`` (the rules on kinds alone, which the fast JSON reader also uses once
per distinct sequence of kinds) and checks time order itself.  The reference
below is the old single walk, kept to hold the split to the same first error.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from slaclock import Event, Incident, IncidentError
from slaclock._sla.incident import EVENT_KINDS, log_fault

T0 = datetime(2026, 11, 27, 14, 30, tzinfo=UTC)


def reference_error(kinds: list[str], instants: list[int]) -> tuple[int, str] | None:
    """The first broken rule as the old walk found it: (event index, which rule)."""
    state = "open"
    for index, kind in enumerate(kinds):
        if index == 0 and kind != "opened":
            return index, "first"
        if index > 0 and kind == "opened":
            return index, "second opened"
        if index > 0 and instants[index] < instants[index - 1]:
            return index, "order"
        if state == "closed":
            return index, "after closed"
        if kind == "resolved" and state == "resolved":
            return index, "resolved twice"
        if kind == "reopened" and state != "resolved":
            return index, "reopened"
        if kind == "pending" and state == "resolved":
            return index, "pending"
        if kind == "pending":
            state = "pending"
        elif kind == "customer_message" and state == "pending":
            state = "open"
        elif kind in ("resolved", "closed"):
            state = kind
        elif kind == "reopened":
            state = "open"
    return None


RULE_WORDS = {
    "first": "the first event must be 'opened'",
    "second opened": "a second 'opened' event",
    "order": "events must be in time order",
    "after closed": "comes after 'closed'",
    "resolved twice": "while already resolved",
    "reopened": "but the incident is not resolved",
    "pending": "while resolved; record 'reopened' first",
}


def _event(kind: str, minutes: int) -> Event:
    at = T0 + timedelta(minutes=minutes)
    work = timedelta(0) if kind == "work_logged" else None
    # A tier change moves no state: any time after the opening and before the closing.
    return Event(kind, at, work, tier="SLA-2" if kind == "tier_changed" else None)


@given(
    st.lists(
        st.tuples(st.sampled_from(EVENT_KINDS), st.integers(min_value=0, max_value=5)),
        min_size=1,
        max_size=9,
    )
)
def test_the_first_error_is_the_old_walks(log: list[tuple[str, int]]) -> None:
    kinds = [kind for kind, _ in log]
    events = tuple(_event(kind, minutes) for kind, minutes in log)
    want = reference_error(kinds, [m for _, m in log])
    if want is None:
        Incident(id="X", type="failure", events=events)
        return
    with pytest.raises(IncidentError) as caught:
        Incident(id="X", type="failure", events=events)
    assert caught.value.event_index == want[0]
    assert RULE_WORDS[want[1]] in caught.value.reason


@given(st.lists(st.sampled_from(EVENT_KINDS), max_size=9))
def test_log_fault_is_the_old_walk_on_kinds(kinds: list[str]) -> None:
    want = reference_error(kinds, [0] * len(kinds))
    fault = log_fault(kinds)
    assert (fault is None) == (want is None)
    if fault is not None and want is not None:
        assert fault[0] == want[0]
