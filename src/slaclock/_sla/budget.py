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

__all__ = ["BudgetUsage", "budget"]

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
    tier: Tier, incidents: Iterable[Incident], *, month: str | date, at: datetime | None = None
) -> BudgetUsage:
    """The month's ``work_logged`` time on ``tier``: included, used, remaining, overage.

    Work counts in the month its event falls in, in the tier calendar's zone.
    Every incident passed counts (covered or not, whatever its ``tier`` field):
    choose the incidents of one contract before calling.  With ``at`` (an aware
    datetime) only work logged at or before ``at`` counts, as :func:`evaluate`
    ignores later events; without it every event counts.

    >>> from slaclock import Incident, default_catalog
    >>> inc = Incident.from_dict({"id": "INC-9", "type": "consultation", "events": [
    ...     {"type": "opened", "at": "2026-11-02T10:00:00+03:00"},
    ...     {"type": "work_logged", "at": "2026-11-02T12:00:00+03:00", "duration": "PT9H30M"}]})
    >>> usage = budget(default_catalog().tiers["SLA-3"], [inc], month="2026-11")
    >>> usage.to_dict()
    {'included': 'PT8H', 'used': 'PT9H30M', 'remaining': 'PT0S', 'overage': 'PT1H30M'}
    """
    if not isinstance(tier, Tier):
        raise SlaclockTypeError(f"expected a slaclock Tier, got {tier!r}")
    year, number = _month(month)
    at_us = None if at is None else to_us(at, name="at")
    zone = tier.calendar.zone
    used = _ZERO
    for incident in incidents:
        if not isinstance(incident, Incident):
            raise SlaclockTypeError(f"expected slaclock.Incident values, got {incident!r}")
        for event in incident.events:
            if event.kind != "work_logged" or event.duration is None:
                continue
            # Compared as instants: datetimes sharing a ZoneInfo compare by wall time,
            # which is wrong in the repeated hour of a DST change.
            if at_us is not None and to_us(event.at) > at_us:
                continue
            local = event.at.astimezone(zone)
            if local.year == year and local.month == number:
                try:
                    used += event.duration
                except OverflowError:
                    raise SlaclockValueError(
                        f"work logged in {year}-{number:02d} adds up past the longest "
                        f"duration Python holds, at incident {incident.id!r}; "
                        "check the work_logged durations"
                    ) from None
    if tier.budget is None:
        return BudgetUsage(included=None, used=used, remaining=None, overage=_ZERO)
    return BudgetUsage(
        included=tier.budget,
        used=used,
        remaining=max(tier.budget - used, _ZERO),
        overage=max(used - tier.budget, _ZERO),
    )
