"""Monthly hour budgets: ``work_logged`` time summed per calendar month in the tier's zone."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from slaclock._calendar.instants import to_us
from slaclock._durations import format_duration
from slaclock._sla.incident import Incident
from slaclock._sla.tier import Tier
from slaclock.errors import SlaclockTypeError, SlaclockValueError

__all__ = ["BudgetUsage", "budget", "budgets", "month_of", "work_by_key"]

_MONTH = re.compile(r"(\d{4})-(\d{2})")
_ZERO = timedelta(0)


@dataclass(frozen=True, slots=True)
class BudgetUsage:
    """Working time of one calendar month against a tier's monthly budget.

    ``included`` and ``remaining`` are ``None`` when the tier's hours are
    unlimited (and ``overage`` is then always zero).

    Attributes:
        included: The tier's working hours per month; ``None`` when unlimited.
        used: The ``work_logged`` durations that fall in the month, in the tier
            calendar's zone (at or before ``at`` when given).
        remaining: ``included - used``, never below zero; ``None`` when unlimited.
        overage: ``used - included`` when positive, else zero.
    """

    included: timedelta | None
    used: timedelta
    remaining: timedelta | None
    overage: timedelta

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe: durations as ISO 8601 text, ``None`` for unlimited."""
        return {
            "included": None if self.included is None else format_duration(self.included),
            "used": format_duration(self.used),
            "remaining": None if self.remaining is None else format_duration(self.remaining),
            "overage": format_duration(self.overage),
        }


def month_of(value: object) -> tuple[int, int]:
    """A month as ``(year, month)`` from ``'YYYY-MM'`` text or a date; errors give the form."""
    return _month(value)


def _month(value: object) -> tuple[int, int]:
    if isinstance(value, datetime):
        raise SlaclockTypeError(
            f"month={value!r} is a datetime, whose month depends on its zone; pass a date or "
            "'YYYY-MM' text (the month is read in the tier calendar's zone)"
        )
    if isinstance(value, date):
        return value.year, value.month
    if isinstance(value, str):
        match = _MONTH.fullmatch(value.strip())
        if match and 1 <= int(match.group(2)) <= 12 and int(match.group(1)) >= 1:
            return int(match.group(1)), int(match.group(2))
        raise SlaclockValueError(
            f"cannot read month {value!r}; expected 'YYYY-MM' such as '2026-11'"
        )
    raise SlaclockTypeError(
        f"month must be 'YYYY-MM' text or a date, got {value!r} of type {type(value).__name__}"
    )


def budget(
    tier: Tier,
    incidents: Iterable[Incident],
    *,
    month: str | date,
    at: datetime | None = None,
    contract: str | None = None,
) -> BudgetUsage:
    """The month's ``work_logged`` time on ``tier``: included, used, remaining, overage.

    Work counts in the month its event falls in, in the tier calendar's zone.
    Every incident passed counts (covered or not, whatever its ``tier`` field),
    or with ``contract`` only the incidents of that contract; :func:`budgets`
    counts every contract at once.  With ``at`` (an aware datetime) only work
    logged at or before ``at`` counts, as :func:`evaluate` ignores later events;
    without it every event counts.

    >>> from slaclock import Incident, default_catalog
    >>> inc = Incident.from_dict({"id": "INC-9", "type": "consultation", "contract": "C-1",
    ...     "events": [{"type": "opened", "at": "2026-11-02T10:00:00+03:00"},
    ...     {"type": "work_logged", "at": "2026-11-02T12:00:00+03:00", "duration": "PT9H30M"}]})
    >>> usage = budget(default_catalog().tiers["SLA-3"], [inc], month="2026-11")
    >>> usage.to_dict()
    {'included': 'PT8H', 'used': 'PT9H30M', 'remaining': 'PT0S', 'overage': 'PT1H30M'}
    >>> budget(default_catalog().tiers["SLA-3"], [inc], month="2026-11", contract="C-2").used
    datetime.timedelta(0)
    """
    counter = _Counter(tier, month, at)
    if contract is not None and (not isinstance(contract, str) or not contract.strip()):
        raise SlaclockTypeError(
            f"contract={contract!r}; expected a contract name (non-empty text) or None for all"
        )
    used = _ZERO
    for incident in map(counter.check, incidents):
        if contract is None or incident.contract == contract:
            used = counter.add(used, incident)
    return counter.usage(used)


def budgets(
    tier: Tier, incidents: Iterable[Incident], *, month: str | date, at: datetime | None = None
) -> dict[str | None, BudgetUsage]:
    """The month's usage of ``tier``'s budget per contract: ``{contract: BudgetUsage}``.

    An incident counts for its ``contract``; one without a contract for its
    ``customer``; one with neither under the key ``None``.  Every key met is in
    the mapping, in the order first met, even with no work that month (all its
    hours remain).  A contract and a customer without a contract may not share a
    name: their hours would be added up under one key, so that is refused (set
    the incidents' ``contract``).  ``at`` is as for :func:`budget`.

    >>> from slaclock import Incident, default_catalog
    >>> def ticket(ident, hours, **owner):
    ...     return Incident.from_dict({"id": ident, "type": "consultation", **owner, "events": [
    ...         {"type": "opened", "at": "2026-11-02T10:00:00+03:00"},
    ...         {"type": "work_logged", "at": "2026-11-02T12:00:00+03:00", "duration": hours}]})
    >>> log = [ticket("A", "PT5H", contract="C-1"), ticket("B", "PT4H", contract="C-1"),
    ...        ticket("C", "PT2H", customer="Globex"), ticket("D", "PT1H")]
    >>> for key, usage in budgets(default_catalog().tiers["SLA-3"], log, month="2026-11").items():
    ...     print(key, usage.to_dict())
    C-1 {'included': 'PT8H', 'used': 'PT9H', 'remaining': 'PT0S', 'overage': 'PT1H'}
    Globex {'included': 'PT8H', 'used': 'PT2H', 'remaining': 'PT6H', 'overage': 'PT0S'}
    None {'included': 'PT8H', 'used': 'PT1H', 'remaining': 'PT7H', 'overage': 'PT0S'}
    """
    counter = _Counter(tier, month, at)
    used: dict[str | None, timedelta] = {}
    keys = _Keys("budgets()")
    for incident in map(counter.check, incidents):
        key = keys.of(incident)
        used[key] = counter.add(used.get(key, _ZERO), incident)
    return {key: counter.usage(total) for key, total in used.items()}


class _Keys:
    """Whose hours an incident's are: its contract, else its customer, else ``None``.

    A contract and a customer without a contract may not share a name: their hours
    would be added up under one key, so that is refused.
    """

    __slots__ = ("first", "who")

    def __init__(self, who: str) -> None:
        self.who = who  # the function that keys, for the message
        # Which incident first made each key a contract or a customer, to name a clash.
        self.first: dict[str, tuple[str, str]] = {}

    def of(self, incident: Incident) -> str | None:
        key = incident.contract if incident.contract is not None else incident.customer
        if key is not None:
            role = "contract" if incident.contract is not None else "customer"
            seen = self.first.setdefault(key, (role, incident.id))
            if seen[0] != role:
                contract_of, customer_of = seen[1], incident.id
                if role == "contract":
                    contract_of, customer_of = customer_of, contract_of
                raise SlaclockValueError(
                    f"{key!r} is the contract of incident {contract_of!r} and the customer "
                    f"(with no contract) of incident {customer_of!r}; {self.who} keys both by "
                    "name, so give such incidents their contract"
                )
        return key


def work_by_key(
    tier: Tier, incidents: Iterable[Incident], *, start: date, end: date, at: datetime | None
) -> dict[str | None, dict[tuple[int, int], timedelta]]:
    """``work_logged`` time per key (as :func:`budgets` keys) and calendar month, on dates in ``[start, end)``.

    Dates and months are the tier calendar's; with ``at`` only work logged by then
    counts.  Every key met is in the mapping, even with no work in the range.
    """
    if not isinstance(tier, Tier):
        raise SlaclockTypeError(f"expected a slaclock Tier, got {tier!r}")
    at_us = None if at is None else to_us(at, name="at")
    zone = tier.calendar.zone
    keys = _Keys("costs()")
    out: dict[str | None, dict[tuple[int, int], timedelta]] = {}
    for incident in incidents:
        if not isinstance(incident, Incident):
            raise SlaclockTypeError(f"expected slaclock.Incident values, got {incident!r}")
        months = out.setdefault(keys.of(incident), {})
        for event in incident.events:
            if event.kind != "work_logged" or event.duration is None:
                continue
            if at_us is not None and to_us(event.at) > at_us:
                continue
            day = event.at.astimezone(zone).date()
            if start <= day < end:
                month = (day.year, day.month)
                try:
                    months[month] = months.get(month, _ZERO) + event.duration
                except OverflowError:
                    raise SlaclockValueError(
                        f"work logged in {day.year}-{day.month:02d} adds up past the longest "
                        f"duration Python holds, at incident {incident.id!r}; "
                        "check the work_logged durations"
                    ) from None
    return out


class _Counter:
    """One month's work on one tier, incident by incident: the checks once, the sums after."""

    __slots__ = ("at_us", "month", "number", "tier", "year", "zone")

    def __init__(self, tier: Tier, month: str | date, at: datetime | None) -> None:
        if not isinstance(tier, Tier):
            raise SlaclockTypeError(f"expected a slaclock Tier, got {tier!r}")
        self.tier = tier
        self.year, self.number = _month(month)
        self.month = f"{self.year}-{self.number:02d}"
        self.at_us = None if at is None else to_us(at, name="at")
        self.zone = tier.calendar.zone

    def check(self, incident: object) -> Incident:
        """``incident`` itself, when it is one."""
        if not isinstance(incident, Incident):
            raise SlaclockTypeError(f"expected slaclock.Incident values, got {incident!r}")
        return incident

    def add(self, used: timedelta, incident: Incident) -> timedelta:
        """``used`` plus the incident's work logged in the month (and by ``at``)."""
        for event in incident.events:
            if event.kind != "work_logged" or event.duration is None:
                continue
            # Compared as instants: datetimes sharing a ZoneInfo compare by wall time,
            # which is wrong in the repeated hour of a DST change.
            if self.at_us is not None and to_us(event.at) > self.at_us:
                continue
            local = event.at.astimezone(self.zone)
            if local.year == self.year and local.month == self.number:
                try:
                    used += event.duration
                except OverflowError:
                    raise SlaclockValueError(
                        f"work logged in {self.month} adds up past the longest "
                        f"duration Python holds, at incident {incident.id!r}; "
                        "check the work_logged durations"
                    ) from None
        return used

    def usage(self, used: timedelta) -> BudgetUsage:
        budget = self.tier.budget
        if budget is None:
            return BudgetUsage(included=None, used=used, remaining=None, overage=_ZERO)
        return BudgetUsage(
            included=budget,
            used=used,
            remaining=max(budget - used, _ZERO),
            overage=max(used - budget, _ZERO),
        )
