"""The per-clock table: one row for each reaction cycle, update cycle and resolution clock.

Where a :class:`~slaclock.analysis.Summary` row says what an incident comes to,
a clock row says how each clock of it ran: when it started, fell due and
stopped, the business time it took and its verdict, with the incident's context
(customer, contract, type, channel) to group by.  Rows are built from
:func:`slaclock.evaluate` itself, so they say exactly what it says.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any, NamedTuple

from slaclock._calendar.instants import td_to_us, to_us
from slaclock._sla.evaluate import evaluate
from slaclock._sla.incident import Incident
from slaclock._sla.result import Cycle, ResolutionClock
from slaclock._sla.tier import Tier
from slaclock.catalog import Catalog
from slaclock.errors import SlaclockTypeError, SlaclockValueError

__all__ = ["ClockRow", "clock_rows"]


class ClockRow(NamedTuple):
    """One clock of one incident, as plain values (a row of the per-clock :class:`Table`).

    Instants (``opened``, ``start``, ``due``, ``end``) are microseconds since
    1970-01-01 UTC and durations (``target``, ``taken``, ``paused``, ``overdue``)
    microseconds, as in :class:`~slaclock.analysis.Summary`; ``Table.to_pandas``
    makes them timestamps and timedeltas.

    * ``incident``, ``tier``, ``customer``, ``contract``, ``type``, ``channel``,
      ``third_party``, ``opened``: the incident's context;
    * ``kind``: ``"reaction"`` (a reaction cycle), ``"update"`` (an update cycle of a
      tier with an ``update`` target, ``Evaluation.updates``) or ``"resolution"``;
      ``cycle``: the cycle's number from 1 among those of its kind (``None`` for the
      resolution clock); ``first``: the first response;
    * ``started_by`` and ``ended_by``: the kinds of event that started and stopped
      the clock (``ended_by`` is ``None`` while it runs);
    * ``start``, ``due``, ``end``: when it started, falls due and stopped (``end``
      ``None`` while it runs);
    * ``target``, ``taken``, ``paused``: the working time promised, counted and
      spent paused;
    * ``breached``, ``overdue``, ``at_risk``, ``status``: its verdict, as
      :class:`~slaclock.Cycle` and :class:`~slaclock.ResolutionClock` give it.
    """

    incident: str
    tier: str
    customer: str | None
    contract: str | None
    type: str
    channel: str | None
    third_party: bool
    opened: int
    kind: str
    cycle: int | None
    first: bool
    started_by: str
    ended_by: str | None
    start: int
    due: int
    end: int | None
    target: int
    taken: int
    paused: int
    breached: bool
    overdue: int
    at_risk: bool
    status: str


def clock_rows(
    incidents: Iterable[Incident],
    catalog_or_tier: Catalog | Tier,
    *,
    tier: str | None = None,
    at: datetime | None = None,
    cycle_rule: str | None = None,
    pause_reaction_when_pending: bool | None = None,
) -> Iterator[ClockRow]:
    """The clock rows of incidents, each on its tier (see :func:`slaclock.analysis.clock_table`)."""
    subject = _subject(catalog_or_tier, tier)
    for incident in incidents:
        # evaluate() checks the incident and, on a catalog, picks its own tier.
        result = evaluate(
            incident,
            subject,
            at=at,
            cycle_rule=cycle_rule,
            pause_reaction_when_pending=pause_reaction_when_pending,
        )
        context = (
            incident.id,
            result.tier,
            incident.customer,
            incident.contract,
            incident.type,
            incident.channel,
            incident.third_party,
            to_us(incident.events[0].at),
        )
        for cycle in result.cycles:
            yield ClockRow(*context, *_cycle("reaction", cycle))
        for cycle in result.updates:
            yield ClockRow(*context, *_cycle("update", cycle))
        if result.resolution is not None:
            yield ClockRow(*context, *_resolution(result.resolution))


def _cycle(kind: str, cycle: Cycle) -> tuple[Any, ...]:
    return (
        kind,
        cycle.index,
        cycle.first,
        cycle.started_by,
        cycle.ended_by,
        to_us(cycle.start),
        to_us(cycle.due),
        None if cycle.end is None else to_us(cycle.end),
        td_to_us(cycle.target),
        td_to_us(cycle.taken),
        td_to_us(cycle.paused),
        cycle.breached,
        td_to_us(cycle.overdue),
        cycle.at_risk,
        cycle.status,
    )


def _resolution(clock: ResolutionClock) -> tuple[Any, ...]:
    return (
        "resolution",
        None,
        False,
        "opened",
        clock.ended_by,
        to_us(clock.start),
        to_us(clock.due),
        None if clock.resolved is None else to_us(clock.resolved),
        td_to_us(clock.target),
        td_to_us(clock.used),
        td_to_us(clock.paused),
        clock.breached,
        td_to_us(clock.overdue),
        clock.at_risk,
        clock.status,
    )


def _subject(catalog_or_tier: Catalog | Tier, tier: str | None) -> Catalog | Tier:
    """What each incident is evaluated on: the tier, the catalog's ``tier``, or the catalog."""
    if isinstance(catalog_or_tier, Tier):
        if tier is not None:
            raise SlaclockTypeError(
                f"tier={tier!r} picks a tier of a catalog; pass the catalog, or the tier alone"
            )
        return catalog_or_tier
    if not isinstance(catalog_or_tier, Catalog):
        raise SlaclockTypeError(
            f"expected a slaclock Catalog or Tier, got {catalog_or_tier!r}; "
            "for example default_catalog()"
        )
    if tier is None:
        return catalog_or_tier  # evaluate() takes each incident's own tier
    tiers = catalog_or_tier.tiers
    if tier not in tiers:
        raise SlaclockValueError(f"no tier {tier!r} in the catalog; known: {', '.join(tiers)}")
    return tiers[tier]
