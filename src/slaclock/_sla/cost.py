"""The cost of a month or a year on a tier, for a given use of working hours.

The rules, stated once (``docs/howto-catalog.md`` repeats them):

* A price counts in its own period.  A monthly price for a year is twelve times
  the monthly price.  A yearly price is **not** divided into months silently:
  ``cost(tier, period="month")`` on a yearly-priced tier is refused unless you
  pass ``prorate=True``, which takes one twelfth.
* A free tier (amount 0) costs nothing in any period.  A non-free one-off price
  (``per`` absent) cannot be spread over a period and is refused.
* Hours are budgeted per calendar month: the overage of a month is the working
  time used beyond the tier's monthly ``budget``; for a year pass ``used`` as
  the list of monthly uses (up to 12; missing months used nothing).  With an
  unlimited budget there is never an overage.
* Overage is charged at the tier's ``overage_rate`` (per hour, pro rata to the
  microsecond); without a rate it is reported but not charged.
* Money is ``Decimal``.  Only computed amounts (a prorated month, an overage
  charge) are rounded, each to 0.01 half up, once per month.  Everything else is
  exact: prices are bounded when built (below 10**18, at most 12 decimal places),
  and the arithmetic runs with enough digits for any sum of them, so a total is
  never rounded to the 28 digits of Python's default decimal context.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from decimal import Context, Decimal, Inexact, Rounded, localcontext
from fractions import Fraction
from math import floor
from typing import Any, Literal

from slaclock._code import repr_html
from slaclock._durations import format_duration
from slaclock._sla.tier import Tier, amount_to_data
from slaclock.errors import SlaclockTypeError, SlaclockValueError

__all__ = ["Cost", "CostLine", "cost"]

_PERIODS = ("month", "year")
_HOUR_US = 3_600_000_000
_CENT = Fraction(1, 100)
# Enough digits for any total of bounded prices and overage charges (about 42 at
# most), with rounding trapped: a total that would still be rounded is an error,
# never a quietly different amount.
_MONEY = Context(prec=60, traps=[Inexact, Rounded])


@dataclass(frozen=True, slots=True)
class CostLine:
    """One line of a :class:`Cost` breakdown: what is charged and how much.

    Attributes:
        label: What the line charges for, in words (the period's price, the overage hours).
        amount: The line's exact amount, in the cost's currency.
    """

    label: str
    amount: Decimal


@dataclass(frozen=True, slots=True)
class Cost:
    """What :func:`cost` returns: the total, the hours behind it and the breakdown.

    ``included`` is the working time included in the period (``None``:
    unlimited), ``used`` the time used, ``overage`` the time beyond the monthly
    budgets, summed over the months of the period.

    Attributes:
        tier_id: The id of the tier priced.
        period: ``"month"`` or ``"year"``.
        amount: The exact total: the sum of the ``breakdown`` amounts.
        currency: The currency of the tier's price (``"RUB"``).
        included: Working time included in the period; ``None`` when unlimited.
        used: Working time used in the period.
        overage: Working time beyond the monthly budgets, summed over the period's months.
        breakdown: The lines that make up ``amount``, in order.
    """

    _repr_html_ = repr_html

    tier_id: str
    period: str
    amount: Decimal
    currency: str
    included: timedelta | None
    used: timedelta
    overage: timedelta
    breakdown: tuple[CostLine, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe: amounts as exact decimal text or ints, durations as ISO 8601 text."""
        return {
            "tier": self.tier_id,
            "period": self.period,
            "amount": amount_to_data(self.amount),
            "currency": self.currency,
            "included": None if self.included is None else format_duration(self.included),
            "used": format_duration(self.used),
            "overage": format_duration(self.overage),
            "breakdown": [
                {"label": line.label, "amount": amount_to_data(line.amount)}
                for line in self.breakdown
            ],
        }

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"


def cost(
    tier: Tier,
    *,
    used: timedelta | Sequence[timedelta] = timedelta(0),
    period: Literal["month", "year"] = "month",
    prorate: bool = False,
) -> Cost:
    """The price of a ``period`` (``"month"`` or ``"year"``) on ``tier``, plus any overage.

    ``used`` is the working time used in the month, or for a year the list of
    monthly uses (budgets are monthly, so a yearly total cannot say which
    month went over).  See the module docstring for every rule.

    >>> from datetime import timedelta
    >>> from slaclock import default_catalog
    >>> sla3 = default_catalog().tiers["SLA-3"]
    >>> result = cost(sla3, used=timedelta(hours=10))
    >>> result.amount, result.overage
    (Decimal('20000'), datetime.timedelta(seconds=7200))
    >>> from decimal import Decimal
    >>> from slaclock import Price
    >>> sla3_rated = sla3.replace(overage_rate=Price(Decimal(3000), "RUB", "hour"))
    >>> cost(sla3_rated, used=timedelta(hours=10)).amount
    Decimal('26000.00')
    """
    if not isinstance(tier, Tier):
        raise SlaclockTypeError(f"cost() needs a slaclock.Tier, got {tier!r}")
    with localcontext(_MONEY):
        try:
            return _cost(tier, used, period, prorate)
        except OverflowError:
            # A year of a huge budget or of huge uses is past the longest timedelta.
            raise SlaclockValueError(
                f"the {period}'s hours on tier {tier.label!r} (budget x 12, or the sum of "
                f"the uses) exceed the longest duration, {format_duration(timedelta.max)}"
            ) from None


def _cost(tier: Tier, used: timedelta | Sequence[timedelta], period: str, prorate: bool) -> Cost:
    if period not in _PERIODS:
        raise SlaclockValueError(f"period must be 'month' or 'year', got {period!r}")
    price = tier.price
    if price is None:
        raise SlaclockValueError(
            f"tier {tier.label!r} has no price; add price = {{amount, currency, per}} to it"
        )
    months = _monthly_uses(tier, used, period)
    lines: list[CostLine] = []

    # The price for the period.
    if price.is_free:
        lines.append(
            CostLine(f"{tier.label}: free" + (f" ({price.note})" if price.note else ""), Decimal(0))
        )
    elif price.per is None:
        raise SlaclockValueError(
            f"tier {tier.label!r} has a one-off price of {price.amount} {price.currency}, which "
            f"cannot be spread over a {period}; give the price a per = 'month' or 'year'"
        )
    elif price.per == period:
        lines.append(CostLine(f"{tier.label}: {price}", price.amount))
    elif price.per == "month":  # and period == "year"
        lines.append(CostLine(f"{tier.label}: 12 x {price}", price.amount * 12))
    elif not prorate:  # a yearly price, a month asked for
        raise SlaclockValueError(
            f"tier {tier.label!r} is priced per year ({price.amount} {price.currency}); a month "
            f"of it has no price of its own: ask for period='year', or pass prorate=True for "
            f"one twelfth"
        )
    else:
        lines.append(
            CostLine(f"{tier.label}: 1/12 of {price}", _round(Fraction(price.amount) / 12))
        )

    # Overage, month by month.
    overage = timedelta(0)
    budget = tier.budget
    rate = tier.overage_rate
    for index, month_used in enumerate(months):
        if budget is None or month_used <= budget:
            continue
        over = month_used - budget
        overage += over
        which = f"month {index + 1}: " if period == "year" else ""
        if rate is None:
            lines.append(
                CostLine(
                    f"{which}overage {format_duration(over)} not charged "
                    f"(the tier has no overage rate)",
                    Decimal(0),
                )
            )
        else:
            charge = _round(
                Fraction(rate.amount) * Fraction(over // timedelta(microseconds=1), _HOUR_US)
            )
            lines.append(CostLine(f"{which}overage {format_duration(over)} at {rate}", charge))

    included = None
    if budget is not None:
        included = budget * (12 if period == "year" else 1)
    total = sum((line.amount for line in lines), Decimal(0))
    return Cost(
        tier_id=tier.id,
        period=period,
        amount=total,
        currency=price.currency,
        included=included,
        used=sum(months, timedelta(0)),
        overage=overage,
        breakdown=tuple(lines),
    )


def _monthly_uses(
    tier: Tier, used: timedelta | Sequence[timedelta], period: str
) -> tuple[timedelta, ...]:
    if isinstance(used, timedelta):
        if period == "year" and tier.budget is not None and used > timedelta(0):
            raise SlaclockValueError(
                f"tier {tier.label!r} has a monthly budget of {format_duration(tier.budget)}; "
                f"for a year pass used as the list of monthly uses (up to 12), not one total "
                f"({format_duration(used)})"
            )
        months: tuple[timedelta, ...] = (used,)
    elif isinstance(used, (str, bytes)) or not isinstance(used, Sequence):
        raise SlaclockTypeError(
            f"used must be a timedelta (or, for a year, a list of monthly timedeltas), got {used!r}"
        )
    else:
        if period == "month":
            raise SlaclockTypeError(
                f"used must be one timedelta for a month, got a sequence {list(used)!r}"
            )
        if len(used) > 12:
            raise SlaclockValueError(f"a year has at most 12 monthly uses, got {len(used)}")
        months = tuple(used)
    for value in months:
        if not isinstance(value, timedelta):
            raise SlaclockTypeError(f"used must be a timedelta, got {value!r}")
        if value < timedelta(0):
            raise SlaclockValueError(f"used must be >= 0, got {format_duration(value)!r}")
    return months


def _round(value: Fraction) -> Decimal:
    """Exact half-up rounding to 0.01 (no float, no double rounding)."""
    cents = floor(value / _CENT + Fraction(1, 2))
    return Decimal(cents).scaleb(-2)
