"""Synthetic helpdesk histories that look like real exports, from a fixed seed.

:func:`sample_records` yields incident records (the JSON Lines form that
:func:`slaclock.read_incidents` reads) on a catalog's tiers, and :func:`sample`
the same as :class:`~slaclock.Incident` objects.  What makes them realistic:

* customers of very different sizes (a few large ones raise most tickets), each on
  one tier, with a contract where the tier requires one;
* requests arrive at any hour, mostly on weekday working hours, fewer at night
  and at weekends;
* agents answer within working time after a delay drawn around a share of the
  tier's reaction target, so most answers are on time and some are late;
* customers write again, agents wait for them (``pending``), log work
  (``work_logged``, more on tiers with a monthly budget), resolve, customers
  reopen, tickets close;
* instants are written as helpdesks write them: each customer's system uses its
  own form (whole seconds or milliseconds, the Moscow offset or UTC ``Z``);
* each record carries the helpdesk's own fields in ``attributes`` (priority,
  assignee).

The same ``n`` and ``seed`` give the same records on every machine and Python
version (only :class:`random.Random` and the calendar are used), so docs,
notebooks and benchmarks can name their data by its seed.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from slaclock._calendar.calendar import Calendar
from slaclock._sla.incident import Incident
from slaclock._sla.tier import Tier
from slaclock.catalog import Catalog, default_catalog
from slaclock.errors import SlaclockTypeError, SlaclockValueError

__all__ = ["sample", "sample_records"]

_TYPES = (("failure", 45), ("module_failure", 25), ("consultation", 30))
_CHANNELS = (("portal", 65), ("remote", 15), ("phone", 20))
_PRIORITIES = (("P1", 5), ("P2", 20), ("P3", 50), ("P4", 25))
# Requests a local hour of the day gets, relative to each other (working hours peak).
_HOURS = (1, 1, 1, 1, 1, 2, 3, 5, 9, 14, 18, 19, 16, 18, 19, 18, 15, 11, 7, 5, 4, 3, 2, 1)
# And a day of the week (Monday first).
_WEEKDAYS = (10, 10, 10, 10, 9, 2, 2)
# The forms in which customers' systems write instants.
_FORMATS = ("seconds", "milliseconds", "utc", "milliseconds-utc")
_MAX_INCIDENTS = 100_000_000


def _pick(rng: random.Random, weighted: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([value for value, _ in weighted], [w for _, w in weighted])[0]


class _Customer:
    """One customer: its name, tier, contract, the form its system writes instants in."""

    __slots__ = ("contract", "form", "name", "tier", "weight")

    def __init__(self, name: str, tier: Tier, contract: str | None, form: str, weight: float):
        self.name = name
        self.tier = tier
        self.contract = contract
        self.form = form
        self.weight = weight


def _customers(rng: random.Random, catalog: Catalog) -> list[_Customer]:
    """Two dozen customers of Zipf-like sizes, the largest on different tiers."""
    tiers = list(catalog.tiers.values())
    out = []
    for number in range(1, 25):
        tier = tiers[number % len(tiers)]
        contract = f"{tier.id}/{2025 + number % 2}-{number:03d}" if tier.contract_required else None
        out.append(
            _Customer(
                f"Customer {number:02d}",
                tier,
                contract,
                rng.choice(_FORMATS),
                1.0 / number,
            )
        )
    return out


def _stamp(moment: datetime, form: str, zone: Any) -> str:
    """``moment`` written the way one customer's system writes instants."""
    if form.endswith("utc"):
        local = moment.astimezone(UTC)
        spec = "milliseconds" if form.startswith("milliseconds") else "seconds"
        return local.isoformat(timespec=spec).replace("+00:00", "Z")
    return moment.astimezone(zone).isoformat(timespec=form)


def _arrival(rng: random.Random, first: date, days: int, zone: Any) -> datetime:
    """A request's instant: a day (fewer at weekends), a local hour (peaking at work)."""
    while True:
        day = first + timedelta(days=rng.randrange(days))
        if rng.random() * 10 < _WEEKDAYS[day.weekday()]:
            break
    hour = rng.choices(range(24), _HOURS)[0]
    local = datetime.combine(day, time(hour), tzinfo=zone)
    return local + timedelta(seconds=rng.randrange(3600), microseconds=rng.randrange(1_000_000))


def _reply(rng: random.Random, calendar: Calendar, after: datetime, target: timedelta) -> datetime:
    """An agent's answer: working time after ``after``, around a third of the target.

    Drawn log-normally, so about one answer in twelve is later than the target.
    """
    share = rng.lognormvariate(-1.0, 0.75)
    delay = timedelta(seconds=max(60.0, target.total_seconds() * share))
    return calendar.deadline(after, delay) + timedelta(seconds=rng.randrange(1, 90))


def _wall(rng: random.Random, low_minutes: int, high_minutes: int) -> timedelta:
    """A wall-clock gap (customers write at any hour), log-uniform between the bounds."""
    minutes = low_minutes * (high_minutes / low_minutes) ** rng.random()
    return timedelta(minutes=minutes, microseconds=rng.randrange(1_000_000))


def _log(rng: random.Random, tier: Tier, opened: datetime) -> list[tuple[str, datetime, str]]:
    """One incident's events as (kind, instant, duration or ``""``), in time order."""
    calendar = tier.calendar
    target = tier.reaction
    budgeted = tier.budget is not None
    events = [("opened", opened, "")]
    now = opened
    waiting = True  # a customer waits for an answer
    for _ in range(rng.randint(1, 6)):
        if waiting:
            now = _reply(rng, calendar, now, target)
            events.append(("agent_reply", now, ""))
            waiting = False
        if rng.random() < (0.45 if budgeted else 0.15):
            now = calendar.deadline(now, timedelta(minutes=rng.randint(5, 90)))
            hours = rng.choice((15, 30, 30, 45, 60, 60, 90, 120, 180))
            events.append(("work_logged", now, f"PT{hours // 60}H{hours % 60}M"))
        step = rng.random()
        if step < 0.2:  # the agent waits for the customer, who answers later
            now += _wall(rng, 10, 60 * 24 * 3)
            events.append(("pending", now, ""))
            now += _wall(rng, 30, 60 * 24 * 5)
            events.append(("customer_message", now, ""))
            waiting = True
        elif step < 0.55:  # the customer writes again
            now += _wall(rng, 5, 60 * 24 * 2)
            events.append(("customer_message", now, ""))
            waiting = True
        else:
            break
    if waiting:
        now = _reply(rng, calendar, now, target)
        events.append(("agent_reply", now, ""))
    if rng.random() < 0.85:
        now += _wall(rng, 5, 60 * 24)
        events.append(("resolved", now, ""))
        if rng.random() < 0.12:  # the fix did not hold
            now += _wall(rng, 60, 60 * 24 * 4)
            events.append(("reopened", now, ""))
            now = _reply(rng, calendar, now, target)
            events.append(("agent_reply", now, ""))
            now += _wall(rng, 30, 60 * 24)
            events.append(("resolved", now, ""))
        if rng.random() < 0.6:  # closed a few days after, by the customer or a rule
            now += _wall(rng, 60 * 24, 60 * 24 * 7)
            events.append(("closed", now, ""))
    elif rng.random() < 0.3:
        now += _wall(rng, 5, 60 * 24)
        events.append(("customer_message", now, ""))  # still open: waits for an answer
    return events


def sample_records(
    n: int,
    *,
    seed: int = 0,
    catalog: Catalog | None = None,
    start: date = date(2026, 1, 1),
    days: int = 334,
) -> Iterator[dict[str, Any]]:
    """``n`` realistic incident records (the JSON Lines record form), the same for a seed.

    Incidents open between ``start`` and ``days`` days later, in the zone of
    each customer's tier calendar, on ``catalog``'s tiers (the default catalog
    unless given); each record names its ``tier``, ``customer`` and, where the
    tier requires one, ``contract``.

    >>> [(r["id"], r["tier"], r["customer"]) for r in sample_records(3, seed=1)]
    [('S1-000001', 'SLA-4', 'Customer 19'), ('S1-000002', 'SLA-1', 'Customer 04'), ('S1-000003', 'SLA-3', 'Customer 02')]
    """
    if type(n) is not int or not 0 <= n <= _MAX_INCIDENTS:
        raise SlaclockValueError(
            f"n={n!r}; expected a whole number of incidents from 0 to {_MAX_INCIDENTS:,}"
        )
    if type(seed) is not int:
        raise SlaclockTypeError(f"seed={seed!r}; expected an int")
    if type(start) is not date:
        raise SlaclockTypeError(f"start={start!r}; expected a datetime.date, like date(2026, 1, 1)")
    if type(days) is not int or not 1 <= days <= 36_600:
        raise SlaclockValueError(f"days={days!r}; expected a whole number of days from 1 to 36,600")
    if catalog is None:
        catalog = default_catalog()
    elif not isinstance(catalog, Catalog):
        raise SlaclockTypeError(f"catalog={catalog!r}; expected a slaclock Catalog")
    if not catalog.tiers:
        raise SlaclockValueError("the catalog has no tiers to sample incidents on")
    return _records(n, seed, catalog, start, days)


def _records(
    n: int, seed: int, catalog: Catalog, start: date, days: int
) -> Iterator[dict[str, Any]]:
    """:func:`sample_records` once its arguments are checked (they are, on the call)."""
    rng = random.Random(seed)
    customers = _customers(rng, catalog)
    weights = [customer.weight for customer in customers]
    for number in range(1, n + 1):
        customer = rng.choices(customers, weights)[0]
        tier = customer.tier
        zone = tier.calendar.zone
        opened = _arrival(rng, start, days, zone)
        events: list[dict[str, Any]] = []
        for kind, moment, duration in _log(rng, tier, opened):
            event: dict[str, Any] = {"type": kind, "at": _stamp(moment, customer.form, zone)}
            if duration:
                event["duration"] = duration
            events.append(event)
        if rng.random() < 0.05:
            events[0]["by"] = "agent"  # an agent opened it, from a phone call
        record: dict[str, Any] = {
            "id": f"S{seed}-{number:06d}",
            "type": _pick(rng, _TYPES),
            "channel": _pick(rng, _CHANNELS),
            "third_party": rng.random() < 0.12,
            "tier": tier.id,
            "customer": customer.name,
        }
        if customer.contract is not None:
            record["contract"] = customer.contract
        record["attributes"] = {
            "priority": _pick(rng, _PRIORITIES),
            "assignee": f"agent-{rng.randint(1, 12):02d}",
        }
        record["events"] = events
        yield record


def sample(
    n: int,
    *,
    seed: int = 0,
    catalog: Catalog | None = None,
    start: date = date(2026, 1, 1),
    days: int = 334,
) -> list[Incident]:
    """:func:`sample_records` as :class:`~slaclock.Incident` objects.

    >>> incidents = sample(200, seed=7)
    >>> len(incidents), len({i.customer for i in incidents}) > 5
    (200, True)
    """
    return [
        Incident.from_dict(record)
        for record in sample_records(n, seed=seed, catalog=catalog, start=start, days=days)
    ]
