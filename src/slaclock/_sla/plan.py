"""A tier prepared for assessment: its options and targets as integers, and its coverage memo."""

from __future__ import annotations

import dataclasses
import threading
from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from slaclock._calendar.instants import td_to_us
from slaclock._sla.lifecycle import ProgramTable, programs
from slaclock._sla.tier import CYCLE_RULES, Level, Tier, parse_level
from slaclock.errors import SlaclockTypeError, SlaclockValueError

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from slaclock._calendar.timeline import Timeline

__all__ = ["Plan", "check_tier", "options", "plan_for", "plan_of"]


@dataclass(frozen=True, slots=True)
class Plan:
    """A tier's options and targets as integers, prepared once for every engine."""

    tier: Tier
    timeline: Timeline
    zone: ZoneInfo
    restart: bool
    pause: bool
    reaction: int
    first_reaction: int
    resolution: int | None
    risk: tuple[int, int]  # the at-risk share as (numerator, denominator)
    update: int | None  # the periodic-update target, if any
    # The escalation levels as (numerator, denominator, offset): a clock reaches one
    # when it has counted level_threshold(target, level); ``level_names`` their text.
    levels: tuple[tuple[int, int, int], ...]
    level_names: tuple[str, ...]
    # The shared tables of programs under this cycle rule, for logs opened by the
    # customer and by an agent (indexed by ``agent_opened``).
    tables: tuple[ProgramTable[Any], ProgramTable[Any]] = field(compare=False)
    # Coverage answers by (type, third_party, channel): a handful of keys per tier.
    coverage: dict[tuple[str, bool, str | None], str | None] = field(
        default_factory=dict, compare=False
    )

    @classmethod
    def of(cls, tier: Tier, *, cycle_rule: str | None = None, pause: bool | None = None) -> Plan:
        restart, pause_flag = options(tier, cycle_rule, pause)
        return cls(
            tier,
            tier.calendar.timeline,
            tier.calendar.zone,
            restart,
            pause_flag,
            td_to_us(tier.reaction),
            td_to_us(tier.first_reaction_target),
            None if tier.resolution is None else td_to_us(tier.resolution),
            (tier.at_risk.numerator, tier.at_risk.denominator),
            None if tier.update is None else td_to_us(tier.update),
            tuple(_level(parse_level(text)) for text in tier.escalations),
            tier.escalations,
            (
                programs(agent_opened=False, restart=restart),
                programs(agent_opened=True, restart=restart),
            ),
        )

    def covers(self, incident_type: str, third_party: bool, channel: str | None) -> str | None:
        """:meth:`Tier.covers`, remembered (call it only with a valid type and channel).

        The fast JSON readers of ``slaclock.analysis`` take a hit in ``coverage``
        as proof that the type and channel are valid.
        """
        key = (incident_type, third_party, channel)
        try:
            return self.coverage[key]
        except KeyError:
            reason = self.coverage[key] = self.tier.covers(
                type=incident_type, third_party=third_party, channel=channel
            )
            return reason


def _level(level: Level) -> tuple[int, int, int]:
    if isinstance(level, Fraction):
        return level.numerator, level.denominator, 0
    return 1, 1, td_to_us(level)


def options(tier: Tier, cycle_rule: str | None, pause: bool | None) -> tuple[bool, bool]:
    """The restart rule and pause flag in force: the tier's, unless overridden."""
    rule = tier.cycle_rule if cycle_rule is None else cycle_rule
    if rule not in CYCLE_RULES:
        raise SlaclockValueError(
            f"cycle_rule={rule!r}; expected one of {', '.join(map(repr, CYCLE_RULES))}"
        )
    pause_flag = tier.pause_reaction_when_pending if pause is None else pause
    if not isinstance(pause_flag, bool):
        raise SlaclockTypeError(
            f"pause_reaction_when_pending={pause!r}; expected True, False or None (the tier's)"
        )
    return rule == "restart_on_message", pause_flag


def check_tier(tier: object) -> Tier:
    """``tier`` itself when it is a :class:`Tier`; a clear error otherwise."""
    if not isinstance(tier, Tier):
        raise SlaclockTypeError(
            f"expected a slaclock Tier, got {tier!r}; take one from a catalog, "
            "e.g. default_catalog().tiers['SLA-2']"
        )
    return tier


# Plans of tiers with their own options.  Looked up by identity first (the call on
# every ticket update), then by value, so that an equal tier (a pickled copy on a
# worker, one loaded again from the same file) finds the same plan and its memo.
_BY_ID: dict[int, Plan] = {}
_BY_VALUE: dict[Tier, Plan] = {}
# Plans with options overridden (analysis, what-if), by (tier, restart, pause) value.
_BY_OPTIONS: dict[tuple[Tier, bool, bool], Plan] = {}
_LIMIT = 64  # many short-lived what-if tiers: keep the caches small
_LOCK = threading.Lock()


def plan_of(tier: Tier) -> Plan:
    """The tier's :class:`Plan` with its own options, cached (tiers are immutable)."""
    found = _BY_ID.get(id(tier))
    if found is not None and found.tier is tier:
        return found
    with _LOCK:
        # Both caches are emptied together: a plan found by identity must be the one
        # its value finds, or an equal copy would get a memo of its own.
        # A plan equal tiers already share is kept across the clearing, so a copy
        # asked about right after its original (or the other way) still shares it.
        if len(_BY_VALUE) >= _LIMIT or len(_BY_ID) >= _LIMIT:
            kept = _BY_VALUE.get(tier)
            _BY_VALUE.clear()
            _BY_ID.clear()
            if kept is not None:
                _BY_VALUE[tier] = kept
        found = _BY_VALUE.get(tier)
        if found is None:
            found = _BY_VALUE[tier] = Plan.of(tier)
        # The plan holds the first equal tier; identity hits need this one.
        if found.tier is not tier:
            found = dataclasses.replace(found, tier=tier)  # shares timeline, tables and memo
        _BY_ID[id(tier)] = found
    return found


def plan_for(tier: Tier, cycle_rule: str | None, pause: bool | None) -> Plan:
    """The tier's plan with ``cycle_rule`` and ``pause`` (``None``: the tier's own), cached.

    Keyed by value like :func:`plan_of`, so a batch job run many times with one
    tier (each task of a Dask graph unpickles its own copy of the tier) builds the
    plan once per process and keeps its coverage memo warm.
    """
    restart, pause_flag = options(tier, cycle_rule, pause)
    own = plan_of(tier)
    if (restart, pause_flag) == (own.restart, own.pause):
        return own
    key = (tier, restart, pause_flag)
    with _LOCK:
        found = _BY_OPTIONS.get(key)
        if found is None:
            if len(_BY_OPTIONS) >= _LIMIT:
                _BY_OPTIONS.clear()
            found = _BY_OPTIONS[key] = Plan.of(tier, cycle_rule=cycle_rule, pause=pause)
    return found
