"""The row engine: a :class:`Summary` row reduced from one log's assessment on a plan.

The row holds exactly what :func:`slaclock.evaluate` would say about the
incident (the property tests compare every field), computed from the facts of
:func:`slaclock._sla.assess.assess` in its ``ROW`` mode, without building
``Evaluation`` or ``Cycle`` objects.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, tzinfo
from typing import NamedTuple

from slaclock._calendar.instants import from_us, td_to_us, to_us
from slaclock._sla.assess import ROW, assess, known
from slaclock._sla.evaluate import evaluate_plans
from slaclock._sla.incident import Incident
from slaclock._sla.plan import Plan
from slaclock._sla.result import Evaluation
from slaclock.analysis._decode import MISSING, Decoded, Unusual, check_scope
from slaclock.errors import SlaclockTypeError

__all__ = ["Context", "Summary", "empty", "instant", "of_incident", "row", "uncovered"]


class Summary(NamedTuple):
    """One incident's verdicts on one tier, as plain numbers (a row of a :class:`Table`).

    Instants (``opened``, ``first_due``, ``first_answered``, ``next_due``,
    ``resolution_due``) are microseconds since 1970-01-01 UTC, durations (``first_taken``,
    ``worst_overdue``) microseconds; ``None`` where :func:`slaclock.evaluate` has
    ``None``.  A named tuple rather than a dataclass because a million of them
    are built in one run.

    Attributes:
        incident: The incident's id.
        tier: The id of the tier it was evaluated on.
        customer: Whom the incident is for (``Incident.customer``), or ``None``.
        contract: The contract it is served under (``Incident.contract``), or ``None``.
        type: The incident type (``Incident.type``).
        channel: Where it came in (``Incident.channel``), or ``None``.
        third_party: It concerns a third-party plugin or integration.
        opened: When it was opened: its first event's instant, whatever ``at`` is
            (an incident opened after ``at`` has a row with nothing known yet).
        covered: Whether the tier covers the incident.
        reason: Why it is not covered, in words; ``None`` when covered.
        cycles: The number of reaction cycles.
        breaches: The number of missed targets (``len(Evaluation.breaches)``).
        breached: Some target was missed.
        first_due: The first response's due instant (``Evaluation.first_response``).
        first_answered: When the first response came; ``None`` while unanswered.
        first_taken: The first response's business time, answered or not.
        worst_overdue: The largest working time past due among the breaches (0 without).
        next_due: The earliest due instant of a running clock not yet breached.
        at_risk: Some open clock has used its tier's at-risk share (only with ``at``).
        resolution_due: The resolution clock's due instant, when the tier has one.
        escalated: Per escalation level of the tier, in the tier's order, how many of
            the incident's clocks reached it (``Evaluation.escalated``); ``()`` when
            the tier lists none.
    """

    incident: str
    tier: str
    customer: str | None
    contract: str | None
    type: str
    channel: str | None
    third_party: bool
    opened: int
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
    escalated: tuple[int, ...]

    @classmethod
    def from_evaluation(cls, result: Evaluation, incident: Incident) -> Summary:
        """The summary of a full :func:`slaclock.evaluate` result (what the fast paths compute).

        ``incident`` is the incident evaluated: it gives the context columns.
        """
        if not isinstance(incident, Incident) or incident.id != result.incident:
            raise SlaclockTypeError(
                f"from_evaluation() needs the incident evaluated ({result.incident!r}), "
                f"got {incident!r}"
            )
        first = result.first_response
        resolution = result.resolution
        return cls(
            incident=result.incident,
            tier=result.tier,
            customer=incident.customer,
            contract=incident.contract,
            type=incident.type,
            channel=incident.channel,
            third_party=incident.third_party,
            opened=incident._us[0],
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
            or any(c.at_risk for c in result.updates)
            or (resolution is not None and resolution.at_risk),
            resolution_due=None if resolution is None else to_us(resolution.due),
            escalated=tuple(count for _, count in result.escalated),
        )


def instant(us: int | None, zone: tzinfo = UTC) -> datetime | None:
    """A summary's instant as an aware datetime in ``zone`` (UTC by default).

    >>> instant(1_795_789_800_000_000).isoformat()
    '2026-11-27T14:30:00+00:00'
    """
    return None if us is None else from_us(us, zone)


# A million rows are built in one run: skip the named tuple's Python-level __new__.
new_row = tuple.__new__


def row(plan: Plan, log: Decoded, at: int | None) -> Summary:
    """The row of a decoded log on ``plan`` as of ``at`` (the log's instants are used up).

    Raises :class:`~slaclock.analysis._decode.Unusual` on a type, channel or log
    that ``Incident.from_dict`` would refuse, which then words the error.
    """
    (
        ident,
        incident_type,
        channel,
        third_party,
        _,
        kinds,
        instants,
        agent_opened,
        plain,
        customer,
        contract,
    ) = log
    opened = instants[0]
    # The memo of coverage answers is filled only from valid types and channels,
    # so a hit also checks them (True and 1 hash alike: third_party is a bool).
    scope = (incident_type, third_party, channel)
    reason = plan.coverage.get(scope, MISSING)
    if reason is MISSING:
        check_scope(plan.tier.vocabulary, incident_type, channel)
        reason = plan.covers(incident_type, third_party, channel)
    table = plan.tables[agent_opened]
    program = table.known.get(kinds) or table.get(kinds)
    # A bad log, work_logged without its duration, or a tier change (of_incident's).
    if (
        program is None
        or program.fault is not None
        or (plain and program.logged)
        or program.changes
    ):
        raise Unusual
    if reason is not None:
        context = (ident, plan.tier.id, customer, contract, incident_type, channel, third_party)
        return uncovered(plan, (*context, opened), reason)
    if at is None:
        instants.append(instants[-1])  # the horizon: the last event
        points = instants
    else:
        cut = known(kinds, instants, at)
        if cut is None:
            context = (ident, plan.tier.id, customer, contract, incident_type, channel, third_party)
            return empty(plan, (*context, opened))
        if len(cut[0]) < program.n:
            found = table.get(tuple(cut[0]))
            assert found is not None  # a prefix of a valid log is valid
            program = found
        points = cut[1]
    _, breaches, worst, next_due, _, risky, first, resolution, reached = assess(
        plan, program, points, at, ROW
    )
    if first is None:
        first_due = first_answered = first_taken = None
    else:
        first_due, first_taken = first[6], first[5]
        # Unanswered while it runs, and never answered when a newer message superseded it.
        first_answered = (
            None if first[4] or program.cycles[0].ended_by == "superseded" else first[3]
        )
    return new_row(
        Summary,
        (
            ident,
            plan.tier.id,
            customer,
            contract,
            incident_type,
            channel,
            third_party,
            opened,
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
            risky,
            None if resolution is None else resolution[6],
            reached,
        ),
    )


Context = tuple[str, str, str | None, str | None, str, str | None, bool, int]
"""A row's first fields: incident, tier, customer, contract, type, channel, third_party, opened."""


def empty(plan: Plan, context: Context) -> Summary:
    """The row of a covered incident of which nothing is known yet."""
    return _blank(plan, context, True, None)


def uncovered(plan: Plan, context: Context, reason: str) -> Summary:
    """The row of an incident outside the tier's scope."""
    return _blank(plan, context, False, reason)


def _blank(plan: Plan, context: Context, covered: bool, reason: str | None) -> Summary:
    zeros = (0,) * len(plan.levels)  # no clock reached any level
    return new_row(
        Summary,
        (
            *context,
            covered,
            reason,
            0,
            0,
            False,
            None,
            None,
            None,
            0,
            None,
            False,
            None,
            zeros,
        ),
    )


def of_incident(
    plan: Plan, incident: Incident, at: int | None, plans: Mapping[str, Plan] | None = None
) -> Summary:
    """The row of an incident already built; ``plans``: the catalog's, for a log that changes tier."""
    if "tier_changed" in incident._kinds:  # rare: the full evaluation, on each tier in turn
        when = None if at is None else instant(at)
        return Summary.from_evaluation(evaluate_plans(incident, plan, plans, when), incident)
    return row(plan, decoded_of(incident), at)


def decoded_of(incident: Incident) -> Decoded:
    """An incident already built, as the decoder gives a record (its instants as integers)."""
    log = (
        incident.id,
        incident.type,
        incident.channel,
        incident.third_party,
        incident.tier,
        incident._kinds,
        list(incident._us),
        incident.events[0].by == "agent",
        False,  # an Incident's work_logged events have their durations
        incident.customer,
        incident.contract,
    )
    return new_row(Decoded, log)
