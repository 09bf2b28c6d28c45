"""A tier's prepared plan: cached by identity, and by value for equal copies."""

from __future__ import annotations

import pickle

import pytest

from slaclock import default_catalog
from slaclock._sla.plan import Plan, plan_of
from slaclock.errors import SlaclockTypeError, SlaclockValueError

SLA2 = default_catalog().tiers["SLA-2"]


def test_a_pickled_copy_of_a_tier_finds_the_same_plan_and_memo() -> None:
    plan = plan_of(SLA2)
    plan.covers("failure", False, "portal")
    copy = pickle.loads(pickle.dumps(SLA2))
    assert copy is not SLA2 and copy == SLA2
    found = plan_of(copy)
    assert found.tier is copy  # identity hits need the copy itself
    assert found.coverage is plan.coverage  # the memo is shared, not rebuilt
    assert found.timeline is plan.timeline
    assert plan_of(copy) is found


def test_a_different_tier_gets_its_own_plan() -> None:
    other = SLA2.replace(reaction="PT4H")
    assert plan_of(other).reaction == 4 * 3_600_000_000
    assert plan_of(SLA2).reaction == 2 * 3_600_000_000


def test_options_are_checked_with_the_accepted_forms() -> None:
    with pytest.raises(SlaclockValueError, match="cycle_rule='newest'"):
        Plan.of(SLA2, cycle_rule="newest")
    with pytest.raises(SlaclockTypeError, match="pause_reaction_when_pending=1"):
        Plan.of(SLA2, pause=1)  # type: ignore[arg-type]


@pytest.mark.parametrize("filled", [0, 62, 126])
def test_an_equal_copy_shares_the_memo_however_the_caches_filled_up(filled: int) -> None:
    # Regression: the two caches were emptied on their own, so a tier still found by
    # identity could hold a plan its value no longer found, and an equal copy then
    # got a new memo (this failed depending on the tests run before it).  And: the
    # caches emptied between a copy's call and its original's (62 or 126 plans kept
    # before) gave the original a memo of its own.
    import random

    from slaclock._sla import plan

    plan._BY_VALUE.clear()
    plan._BY_ID.clear()
    for k in range(filled):
        plan_of(SLA2.replace(reaction=f"PT{k + 1000}M"))
    rng = random.Random(5)
    base = SLA2.replace(reaction="PT3H")
    for step in range(600):
        if rng.random() < 0.5:
            plan_of(SLA2.replace(reaction=f"PT{step + 1}M"))  # a what-if tier
        else:
            plan_of(pickle.loads(pickle.dumps(base)))  # an equal copy, another object
        copy = pickle.loads(pickle.dumps(base))
        assert plan_of(copy).coverage is plan_of(base).coverage, step
