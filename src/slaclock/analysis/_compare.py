"""What-if scenarios: one incident log decoded once, assessed on several tiers or variants.

A :class:`Scenario` names a tier or a catalog and what to vary (targets, working
hours, the cycle rule, the pause option, the evaluation instant);
:func:`compare` decodes the log once (text to event kinds and instants, work
logged and whom each incident is for) and assesses it on every scenario with the
lifecycle core (:func:`slaclock._sla.assess.assess`, the assessment
:func:`slaclock.evaluate` reduces from), then folds each scenario into one row of
a comparison :class:`~slaclock.analysis.Table`.  ``docs/howto-compare.md``
defines every column.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from os import PathLike
from typing import Any, NamedTuple

from slaclock._calendar.calendar import Calendar
from slaclock._calendar.hours import format_week
from slaclock._calendar.instants import from_us, td_from_us, td_to_us, to_us
from slaclock._durations import parse_duration
from slaclock._jsonl import open_lines, parse_line
from slaclock._sla.assess import FULL, assess, known
from slaclock._sla.cost import cost
from slaclock._sla.incident import Incident
from slaclock._sla.lifecycle import programs
from slaclock._sla.plan import Plan, options, plan_for
from slaclock._sla.tier import Tier
from slaclock._sla.vocabulary import Vocabulary
from slaclock.analysis._decode import Decoded, Unusual, check_scope, decode
from slaclock.analysis._rows import decoded_of
from slaclock.catalog import Catalog, FrozenMap
from slaclock.errors import (
    IncidentError,
    SlaclockError,
    SlaclockTypeError,
    SlaclockValueError,
    shorten,
)

__all__ = [
    "COLUMNS",
    "Log",
    "Partial",
    "Scenario",
    "check_owners",
    "checked_scenarios",
    "columns_of",
    "compare_columns",
    "decode_lines",
    "finish",
    "log_of",
    "merge",
    "partial",
]

#: The comparison table's columns, in order (``docs/howto-compare.md`` defines each).
COLUMNS = (
    "scenario",
    "tier",
    "incidents",
    "not_opened",
    "covered",
    "not_covered",
    "not_covered_reasons",
    "cycles",
    "judged_cycles",
    "breached_cycles",
    "breached_incidents",
    "cycle_compliance",
    "incident_compliance",
    "answered_cycles",
    "reaction_median",
    "reaction_p90",
    "reaction_max",
    "at_risk",
    "first_month",
    "last_month",
    "used",
    "used_per_month",
    "overage",
    "overage_per_contract",
    "cost",
    "currency",
)

_HOURS = re.compile(r"\s*(\d{1,2}:\d{2})\s*-\s*(\d{1,2}:\d{2})\s*")
_HOURS_FORM = (
    "'HH:MM-HH:MM' text such as '09:00-19:00' (those hours on every day the calendar "
    "works) or a week mapping such as {'mon': [['09:00', '19:00']], ...}"
)
_VARIATIONS = (
    "reaction",
    "first_reaction",
    "resolution",
    "hours",
    "calendar",
    "cycle_rule",
    "pause_reaction_when_pending",
    "at",
)
_DURATION_FORM = "a positive timedelta or duration text such as 'PT4H' or '4h'"


@dataclass(frozen=True, slots=True)
class Scenario:
    """One what-if: a tier or a catalog, optionally varied, to assess a log on.

    ``tier_or_catalog`` is the tier every incident is assessed on, or a catalog
    (each incident then on the tier its ``tier`` field names).  The variations
    apply to every tier of the scenario: ``reaction``, ``first_reaction`` and
    ``resolution`` replace those targets (a ``timedelta`` or text such as
    ``"PT4H"`` or ``"4h"``); ``hours`` replaces the working hours, as
    ``"09:00-19:00"`` (those hours on every weekday each calendar works, in every
    period of its history) or a week mapping (``{"mon": [["09:00", "19:00"]],
    ...}``: the week from the beginning, dated changes dropped); ``calendar``
    replaces the calendar itself (``hours`` then varies that one);
    ``cycle_rule`` and ``pause_reaction_when_pending`` override the tiers'
    options as for :func:`slaclock.evaluate`; ``at`` is this scenario's
    evaluation instant (else the one given to :func:`compare`).

    The scenario is checked when built: a bad variation raises a
    :class:`~slaclock.SlaclockError` naming the argument and the accepted form.

    >>> from slaclock import default_catalog
    >>> sla3 = default_catalog().tiers["SLA-3"]
    >>> longer = Scenario("SLA-3 09-19", sla3, hours="09:00-19:00", reaction="4h")
    >>> longer.tiers["SLA-3"].reaction, longer.tiers["SLA-3"].calendar.is_open(
    ...     datetime.fromisoformat("2026-11-30T18:30:00+03:00"))
    (datetime.timedelta(seconds=14400), True)

    Attributes:
        name: The scenario's name, the ``scenario`` column of the comparison.
        tier_or_catalog: The tier or catalog before the variations.
        reaction: The reaction target for every tier; ``None``: each tier's own.
        first_reaction: The first cycle's target; ``None``: each tier's own.
        resolution: The resolution target; ``None``: each tier's own.
        hours: The working hours (text or a week mapping); ``None``: unchanged.
        calendar: The calendar of every tier; ``None``: each tier's own.
        cycle_rule: ``"oldest_unanswered"`` or ``"restart_on_message"``; ``None``:
            each tier's own.
        pause_reaction_when_pending: Whether reaction cycles pause while pending;
            ``None``: each tier's own.
        at: The evaluation instant of this scenario; ``None``: the one
            :func:`compare` is given.
        tiers: The tiers the scenario assesses on, by id, variations applied.
    """

    name: str
    tier_or_catalog: Tier | Catalog
    reaction: timedelta | str | None = None
    first_reaction: timedelta | str | None = None
    resolution: timedelta | str | None = None
    hours: str | Mapping[str, Any] | None = None
    calendar: Calendar | None = None
    cycle_rule: str | None = None
    pause_reaction_when_pending: bool | None = None
    at: datetime | None = None
    tiers: Mapping[str, Tier] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip():
            raise SlaclockValueError(
                f"Scenario name={self.name!r}; expected a non-empty name such as 'SLA-2 as sold'"
            )
        subject = self.tier_or_catalog
        if not isinstance(subject, Tier | Catalog):
            raise SlaclockTypeError(
                f"Scenario {self.name!r}: tier_or_catalog={subject!r}; expected a slaclock "
                "Tier or Catalog, such as default_catalog() or default_catalog().tiers['SLA-2']"
            )
        if self.calendar is not None and not isinstance(self.calendar, Calendar):
            raise SlaclockTypeError(
                f"Scenario {self.name!r}: calendar={self.calendar!r}; expected a "
                "slaclock.Calendar (or None: each tier's own)"
            )
        if self.at is not None:
            to_us(self.at, name=f"Scenario {self.name!r}: at")
        changes = {
            key: self._duration(key)
            for key in ("reaction", "first_reaction", "resolution")
            if getattr(self, key) is not None
        }
        tiers = dict(subject.tiers) if isinstance(subject, Catalog) else {subject.id: subject}
        if isinstance(subject, Catalog) and self.calendar is None and self.hours is not None:
            # New hours on a catalog's named calendars: the catalog re-points every
            # tier naming one (tiers on a calendar of their own are varied below).
            calendars = {name: self._hours_on(cal) for name, cal in subject.calendars.items()}
            tiers = dict(subject.replace(calendars=calendars).tiers)
        varied: dict[int, Calendar] = {}  # each distinct calendar varied once

        def calendar_of(tier: Tier) -> Calendar:
            base = self.calendar if self.calendar is not None else tier.calendar
            if self.hours is None or (
                self.calendar is None
                and tier.calendar_name is not None
                and isinstance(subject, Catalog)
            ):
                return base
            if id(base) not in varied:
                varied[id(base)] = self._hours_on(base)
            return varied[id(base)]

        for key, tier in tiers.items():
            calendar = calendar_of(tier)
            try:
                options(tier, self.cycle_rule, self.pause_reaction_when_pending)
                here: dict[str, Any] = dict(changes)
                if calendar is not tier.calendar:
                    here["calendar"] = calendar
                tiers[key] = tier.replace(**here) if here else tier
            except SlaclockError as error:
                raise _named(self.name, error) from None
        object.__setattr__(self, "tiers", FrozenMap(tiers, what="tier"))

    def _duration(self, key: str) -> timedelta:
        value = getattr(self, key)
        try:
            duration = parse_duration(value) if isinstance(value, str) else value
        except SlaclockError:
            duration = None
        if not isinstance(duration, timedelta) or duration <= timedelta(0):
            raise SlaclockValueError(
                f"Scenario {self.name!r}: {key}={value!r}; expected {_DURATION_FORM}"
            )
        return duration

    def _hours_on(self, calendar: Calendar) -> Calendar:
        """``calendar`` with this scenario's ``hours``."""
        hours = self.hours
        try:
            if isinstance(hours, str):
                match = _HOURS.fullmatch(hours)
                if match is None:
                    raise SlaclockValueError(f"cannot read {hours!r}")
                span = [list(match.groups())]

                def same_days(week: Any) -> dict[str, Any]:
                    return {
                        day: (span if spans else []) for day, spans in format_week(week).items()
                    }

                weeks = [{"from": start, "week": same_days(week)} for start, week in calendar.weeks]
                return calendar.replace(week=same_days(calendar.week), weeks=weeks)
            if isinstance(hours, Mapping):
                return calendar.replace(week=dict(hours), weeks=[])
            raise SlaclockTypeError(f"got {hours!r} of type {type(hours).__name__}")
        except SlaclockError as error:
            raise SlaclockValueError(
                f"Scenario {self.name!r}: hours={hours!r}: {shorten(str(error))}; "
                f"expected {_HOURS_FORM}"
            ) from None

    def __repr__(self) -> str:
        """Short: the name, the subject by its tier ids, and the variations given."""
        subject = self.tier_or_catalog
        if isinstance(subject, Catalog):
            shown = f"<Catalog of {', '.join(subject.tiers)}>"
        else:
            shown = f"<Tier {subject.label}>"
        varied = "".join(
            f", {key}={getattr(self, key)!r}"
            for key in _VARIATIONS
            if getattr(self, key) is not None
        )
        return f"Scenario({self.name!r}, {shown}{varied})"

    @property
    def vocabulary(self) -> Vocabulary:
        """The incident types and channels the scenario's tiers speak of."""
        return next(iter(self.tiers.values())).vocabulary


# --------------------------------------------------------------------------- decoding


class Log(NamedTuple):
    """One incident decoded once for every scenario: its log, whom it is for, its work."""

    log: Decoded  # identity, scope, kinds and instants, as the row engine decodes them
    owner: str | None  # the budget's key: the contract, else the customer
    contract: bool  # the owner is a contract
    work: tuple[tuple[int, int], ...]  # work_logged (instant, duration) in microseconds
    line: int  # the file line, or the position in the iterable from 1
    from_file: bool


def log_of(incident: Incident, line: int, from_file: bool) -> Log:
    work = tuple(
        (to_us(event.at), td_to_us(event.duration))
        for event in incident.events
        if event.kind == "work_logged" and event.duration is not None
    )
    decoded = decoded_of(incident)
    owner = incident.contract if incident.contract is not None else incident.customer
    return Log(decoded, owner, incident.contract is not None, work, line, from_file)


_VALIDITY = (
    programs(agent_opened=False, restart=False),
    programs(agent_opened=True, restart=False),
)


def _fast_log(line: str, number: int, vocabulary: Vocabulary) -> Log:
    """A line decoded the fast way (:func:`decode`); raises on anything unusual."""
    record = json.loads(line)
    log = decode(record, line)
    check_scope(vocabulary, log.type, log.channel)
    program = _VALIDITY[log.agent_opened].get(log.kinds)
    if program is None or program.fault is not None or (log.plain and program.logged):
        raise Unusual
    work: tuple[tuple[int, int], ...] = ()
    if program.logged:
        work = tuple(
            (log.instants[i], td_to_us(parse_duration(event["duration"])))
            for i, event in enumerate(record["events"])
            if event["type"] == "work_logged"
        )
    contract = record.get("contract")
    owner = contract if contract is not None else record.get("customer")
    return Log(log, owner, contract is not None, work, number, True)


def decode_logs(source: object, vocabulary: Vocabulary) -> list[Log]:
    """Every incident of ``source`` (a JSON Lines path, incidents or records), decoded once."""
    if isinstance(source, str | PathLike):
        with open_lines(source) as handle:
            return decode_lines(handle, vocabulary)
    if isinstance(source, bytes | Mapping | Incident) or not isinstance(source, Iterable):
        raise SlaclockTypeError(
            f"compare() source={shorten(repr(source))}; expected a JSON Lines path, or an "
            "iterable of slaclock.Incident values or incident records (mappings)"
        )
    return [
        log_of(_incident(item, number, vocabulary), number, False)
        for number, item in enumerate(source, start=1)
    ]


def decode_lines(lines: Iterable[str], vocabulary: Vocabulary) -> list[Log]:
    """Every incident of JSON Lines text, decoded once (errors name the line, from 1)."""
    logs = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            logs.append(_fast_log(line, number, vocabulary))
        except Exception:
            incident = parse_line(line, number, vocabulary=vocabulary)
            logs.append(log_of(incident, number, True))
    return logs


def _incident(item: object, number: int, vocabulary: Vocabulary) -> Incident:
    if isinstance(item, Incident):
        return item
    if isinstance(item, Mapping):
        try:
            return Incident.from_dict(item, vocabulary=vocabulary)
        except IncidentError as error:
            raise IncidentError(
                f"source item {number}: {error.reason}",
                path=error.path,
                incident_id=error.incident_id,
                event_index=error.event_index,
            ) from None
    raise SlaclockTypeError(
        f"compare() source item {number} is {shorten(repr(item))}; expected a slaclock.Incident "
        "or an incident record (a mapping)"
    )


def _named(name: str, error: Exception) -> SlaclockError:
    """``error`` again, its message prefixed with the scenario's name."""
    kind = SlaclockTypeError if isinstance(error, TypeError) else SlaclockValueError
    return kind(f"Scenario {name!r}: {error}")


# --------------------------------------------------------------------------- assessing


def _month(us: int, zone: Any) -> str:
    local = from_us(us, zone)
    return f"{local.year:04d}-{local.month:02d}"


def _months(first: str, last: str) -> list[str]:
    """Every month from ``first`` to ``last`` ('YYYY-MM'), both included."""
    year, month = int(first[:4]), int(first[5:])
    out = []
    while True:
        text = f"{year:04d}-{month:02d}"
        out.append(text)
        if text >= last:
            return out
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def _rank(counts: Mapping[int, int], percent: int) -> int | None:
    """The nearest-rank percentile of the values counted in ``counts`` (value -> how many).

    The smallest value with ``percent``% of all at or below it.  The values are
    kept as an exact histogram, so partial comparisons (of Dask partitions) merge
    by adding counts and the percentile is the one of all the values together.
    """
    total = sum(counts.values())
    if not total:
        return None
    wanted = max(-(-percent * total // 100), 1)
    seen = 0
    for value in sorted(counts):
        seen += counts[value]
        if seen >= wanted:
            return value
    raise AssertionError("unreachable: the counts add up to total")


def _plan(tier: Tier, scenario: Scenario) -> Plan:
    return plan_for(tier, scenario.cycle_rule, scenario.pause_reaction_when_pending)


def _tier_of(plans: Mapping[str, Plan], entry: Log) -> Plan:
    """The plan of the tier a log's record names (a catalog scenario)."""
    log = entry.log
    where: dict[str, Any] = (
        {"line": entry.line} if entry.from_file else {"path": f"source item {entry.line}"}
    )
    if log.tier is None:
        raise IncidentError(
            "the record names no tier; add a 'tier' field, or compare on a tier",
            incident_id=log.ident,
            **where,
        )
    try:
        return plans[log.tier]
    except KeyError:
        raise IncidentError(
            f"unknown tier {log.tier!r}; the catalog has {', '.join(map(repr, plans))}",
            incident_id=log.ident,
            **where,
        ) from None


class Partial(NamedTuple):
    """What one scenario's row is folded from, over some of the logs; partials add up.

    The counts add, the reaction times are an exact histogram (value -> count),
    the spans widen, the owners and the work per (tier, owner, month) merge: so
    the row of a log split in parts (Dask partitions) is the row of the whole.
    """

    counts: tuple[int, ...]  # incidents, not_opened, not_covered, cycles, judged,
    #                          breached_cycles, breached_incidents, risky
    reasons: dict[str, int]
    taken: dict[int, int]
    spans: dict[str, list[int]]
    owners: dict[str, dict[str | None, None]]
    work: dict[tuple[str, str | None, str], int]


def merge(one: Partial, other: Partial) -> Partial:
    """The partial of both parts' logs (each incident in one part only)."""
    reasons, taken, work = dict(one.reasons), dict(one.taken), dict(one.work)
    for key, count in other.reasons.items():
        reasons[key] = reasons.get(key, 0) + count
    for value, count in other.taken.items():
        taken[value] = taken.get(value, 0) + count
    for cell, us in other.work.items():
        work[cell] = work.get(cell, 0) + us
    spans = {tier: list(span) for tier, span in one.spans.items()}
    for tier, (first, last) in other.spans.items():
        span = spans.setdefault(tier, [first, last])
        span[0], span[1] = min(span[0], first), max(span[1], last)
    owners = {tier: dict(names) for tier, names in one.owners.items()}
    for tier, names in other.owners.items():
        owners.setdefault(tier, {}).update(names)
    counts = tuple(a + b for a, b in zip(one.counts, other.counts, strict=True))
    return Partial(counts, reasons, taken, spans, owners, work)


def _row(scenario: Scenario, logs: list[Log], default_at: datetime | None) -> list[Any]:
    """The comparison row of one scenario over the decoded logs."""
    return finish(scenario, partial(scenario, logs, default_at), default_at)


def _at_us(scenario: Scenario, default_at: datetime | None) -> int | None:
    at = scenario.at if scenario.at is not None else default_at
    return None if at is None else to_us(at, name="at")


def partial(scenario: Scenario, logs: list[Log], default_at: datetime | None) -> Partial:
    """The partial row of one scenario over some decoded logs."""
    at_us = _at_us(scenario, default_at)
    subject = scenario.tier_or_catalog
    plans = {key: _plan(tier, scenario) for key, tier in scenario.tiers.items()}
    single = None if isinstance(subject, Catalog) else next(iter(plans.values()))
    incidents = not_opened = not_covered = cycles = judged = breached_cycles = 0
    breached_incidents = risky = 0
    reasons: dict[str, int] = {}
    taken: dict[int, int] = {}
    # Per tier: the span of instants known and the work per (owner, month).
    spans: dict[str, list[int]] = {}
    owners: dict[str, dict[str | None, None]] = {}
    work: dict[tuple[str, str | None, str], int] = {}
    for entry in logs:
        log = entry.log
        plan = single if single is not None else _tier_of(plans, entry)
        cut = known(log.kinds, log.instants, at_us)
        if cut is None:
            not_opened += 1
            continue
        incidents += 1
        kinds, points = cut
        if single is None and "tier_changed" in kinds:
            # Refused, not guessed: following each change is evaluate(incident, catalog)'s.
            where = f"line {entry.line}" if entry.from_file else f"source item {entry.line}"
            raise SlaclockValueError(
                f"Scenario {scenario.name!r}: {where}, incident {log.ident!r} changes tier "
                "('tier_changed'), which a scenario on a catalog does not follow yet; compare "
                "it on one tier (every incident on that tier for its whole life), or measure "
                "it with slaclock.evaluate(incident, catalog)"
            )
        tier_id = plan.tier.id
        span = spans.setdefault(tier_id, [points[0], points[-2]])
        span[0] = min(span[0], points[0])
        span[1] = max(span[1], points[-2])
        owners.setdefault(tier_id, {})[entry.owner] = None
        for instant, duration in entry.work:
            if at_us is None or instant <= at_us:
                key = (tier_id, entry.owner, _month(instant, plan.zone))
                work[key] = work.get(key, 0) + duration
        reason = plan.covers(log.type, log.third_party, log.channel)
        if reason is not None:
            not_covered += 1
            reasons[reason] = reasons.get(reason, 0) + 1
            continue
        program = plan.tables[log.agent_opened].get(tuple(kinds))
        assert program is not None  # a prefix of a valid log is valid
        try:
            assessed = assess(plan, program, points, at_us, FULL)
        except (SlaclockError, ValueError, OverflowError) as exc:
            where = f"line {entry.line}" if entry.from_file else f"source item {entry.line}"
            raise SlaclockValueError(
                f"Scenario {scenario.name!r}: {where}, incident {log.ident!r}: cannot "
                f"evaluate this log: {shorten(str(exc))}"
            ) from None
        cycles += len(program.cycles)
        breached_incidents += assessed.breaches > 0
        risky += assessed.at_risk
        for facts in assessed.clocks:
            index = facts[0]
            if index < 0:
                continue  # the resolution clock or an update cycle
            verdict = facts[7]
            if verdict is not None:
                judged += 1
                breached_cycles += verdict
            if not facts[4] and program.cycles[index].ended_by != "superseded":
                taken[facts[5]] = taken.get(facts[5], 0) + 1
    counts = (
        incidents,
        not_opened,
        not_covered,
        cycles,
        judged,
        breached_cycles,
        breached_incidents,
        risky,
    )
    return Partial(counts, reasons, taken, spans, owners, work)


def finish(scenario: Scenario, part: Partial, default_at: datetime | None) -> list[Any]:
    """The comparison row of one scenario from the partial of all the logs."""
    at_us = _at_us(scenario, default_at)
    subject = scenario.tier_or_catalog
    single = None if isinstance(subject, Catalog) else next(iter(scenario.tiers.values()))
    (
        incidents,
        not_opened,
        not_covered,
        cycles,
        judged,
        breached_cycles,
        breached_incidents,
        risky,
    ) = part.counts
    reasons, taken, spans, owners, work = (
        part.reasons,
        part.taken,
        part.spans,
        part.owners,
        part.work,
    )
    answered = sum(taken.values())
    covered = incidents - not_covered
    used_per_month, overage, per_owner, amount, currency, months = _money(
        scenario, spans, owners, work
    )
    return [
        scenario.name,
        None if single is None else single.id,
        incidents,
        not_opened,
        covered,
        not_covered,
        dict(sorted(reasons.items(), key=lambda item: (-item[1], item[0]))),
        cycles,
        judged,
        breached_cycles,
        breached_incidents,
        None if not judged else (judged - breached_cycles) / judged,
        None if not covered else (covered - breached_incidents) / covered,
        answered,
        _rank(taken, 50),
        _rank(taken, 90),
        max(taken) if taken else None,
        None if at_us is None else risky,
        months[0] if months else None,
        months[-1] if months else None,
        sum(work.values()),
        used_per_month,
        overage,
        per_owner,
        amount,
        currency,
    ]


def _money(
    scenario: Scenario,
    spans: dict[str, list[int]],
    owners: dict[str, dict[str | None, None]],
    work: dict[tuple[str, str | None, str], int],
) -> tuple[
    dict[str, timedelta], int, dict[str | None, timedelta], Decimal | None, str | None, list[str]
]:
    """Hours per month, budget overage (in all and per contract) and cost over the period.

    Each tier's period runs from the month of its first known instant to the
    month of its last, in its calendar's zone; every contract (else customer)
    met on a tier pays the tier's price for every month of that period.
    """
    per_month: dict[str, int] = {}
    per_owner: dict[str | None, int] = {}
    overage = 0
    amount: Decimal | None = Decimal(0)
    currencies: set[str] = set()
    every_month: set[str] = set()
    for tier_id, (first, last) in spans.items():
        tier = scenario.tiers[tier_id]
        zone = tier.calendar.zone
        months = _months(_month(first, zone), _month(last, zone))
        every_month.update(months)
        budget = None if tier.budget is None else td_to_us(tier.budget)
        for owner in owners[tier_id]:
            for month in months:
                used = work.get((tier_id, owner, month), 0)
                per_month[month] = per_month.get(month, 0) + used
                over = 0 if budget is None else max(used - budget, 0)
                if budget is not None:
                    per_owner[owner] = per_owner.get(owner, 0) + over
                overage += over
                if not _priced(tier):
                    amount = None
                elif amount is not None:
                    try:
                        priced = cost(tier, used=td_from_us(used), period="month", prorate=True)
                    except SlaclockError as error:
                        raise _named(scenario.name, error) from None
                    amount += priced.amount
                    currencies.add(priced.currency)
    if len(currencies) > 1:
        amount = None  # no one total: compare the tiers one by one
    return (
        {month: td_from_us(per_month[month]) for month in sorted(per_month)},
        overage,
        {owner: td_from_us(us) for owner, us in per_owner.items()},
        amount,
        None if amount is None else next(iter(currencies), None),
        sorted(every_month),
    )


def _priced(tier: Tier) -> bool:
    """Whether the tier's price has a cost per month: free, or per month or year."""
    price = tier.price
    return price is not None and (price.is_free or price.per in ("month", "year"))


def compare_columns(
    source: object, scenarios: Iterable[Scenario], *, at: datetime | None = None
) -> dict[str, list[Any]]:
    """The comparison's columns: :func:`slaclock.analysis.compare` without the table."""
    chosen = checked_scenarios(scenarios, at)
    logs = decode_logs(source, chosen[0].vocabulary)
    _check_owners(logs)
    rows = [_row(scenario, logs, at) for scenario in chosen]
    return columns_of(rows)


def columns_of(rows: list[list[Any]]) -> dict[str, list[Any]]:
    """The comparison's columns from its rows."""
    return {name: [row[i] for row in rows] for i, name in enumerate(COLUMNS)}


def checked_scenarios(scenarios: Iterable[Scenario], at: datetime | None) -> list[Scenario]:
    """The scenarios as a list, refused unless each is a Scenario of its own name."""
    if isinstance(scenarios, Scenario) or not isinstance(scenarios, Iterable):
        raise SlaclockTypeError(
            f"compare() scenarios={shorten(repr(scenarios))}; expected a list of "
            "analysis.Scenario values"
        )
    chosen = list(scenarios)
    for number, scenario in enumerate(chosen, start=1):
        if not isinstance(scenario, Scenario):
            raise SlaclockTypeError(
                f"compare() scenarios item {number} is {shorten(repr(scenario))}; expected an "
                "analysis.Scenario, such as Scenario('SLA-2', default_catalog().tiers['SLA-2'])"
            )
    if not chosen:
        raise SlaclockValueError("compare() needs at least one Scenario, got none")
    names = [scenario.name for scenario in chosen]
    twice = sorted({name for name in names if names.count(name) > 1})
    if twice:
        raise SlaclockValueError(
            f"compare() scenarios share the name(s) {', '.join(map(repr, twice))}; "
            "give each scenario its own name (it labels its row)"
        )
    vocabularies = {scenario.vocabulary for scenario in chosen}
    if len(vocabularies) > 1:
        raise SlaclockValueError(
            "compare() scenarios speak of different incident types or channels (their "
            "catalogs' vocabularies differ); one log is read with one vocabulary"
        )
    if at is not None:
        to_us(at, name="at")
    return chosen


def _check_owners(logs: list[Log]) -> dict[str, tuple[bool, str]]:
    """Refuse a name that is one incident's contract and another's customer (as budgets() does).

    Returns each owner's first (is a contract, incident): parts' maps merge with
    :func:`check_owners`.
    """
    first: dict[str, tuple[bool, str]] = {}
    return check_owners(first, ((entry.owner, entry.contract, entry.log.ident) for entry in logs))


def check_owners(
    first: dict[str, tuple[bool, str]], owners: Iterable[tuple[str | None, bool, str]]
) -> dict[str, tuple[bool, str]]:
    """``first`` with each (owner, is a contract, incident) noted; a name both ways raises."""
    for owner, contract, ident in owners:
        if owner is None:
            continue
        seen = first.setdefault(owner, (contract, ident))
        if seen[0] != contract:
            contract_of, customer_of = (seen[1], ident) if seen[0] else (ident, seen[1])
            raise SlaclockValueError(
                f"{owner!r} is the contract of incident {contract_of!r} and the customer "
                f"(with no contract) of incident {customer_of!r}; budgets are kept per "
                "contract, else per customer, by name, so give such incidents their contract"
            )
    return first
