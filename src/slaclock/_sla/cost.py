"""The cost of a month, a year or any date range on a tier, for a given use of working hours.

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
* A date range (``start=``/``end=``: dates, the end excluded, so a quarter is
  ``start=date(2026, 10, 1), end=date(2027, 1, 1)``) is priced month by month for a
  monthly price and calendar year by calendar year for a yearly one: a whole month
  (or year) in the range costs its price; a part of one costs its share by days,
  ``price x days in the range / days in that month (or year)``, and only with
  ``prorate=True`` (a partial period is never prorated silently).  Every month the
  range touches includes the whole monthly ``budget`` (budgets are not prorated),
  and ``used`` then maps months (``"YYYY-MM"`` or a date) to their uses.
  :func:`costs` prices each contract's use over a range from the incidents' work.
* Money is ``Decimal``.  Only computed amounts (a prorated month, an overage
  charge) are rounded, each to 0.01 half up, once per month.  Everything else is
  exact: prices are bounded when built (below 10**18, at most 12 decimal places),
  and the arithmetic runs with enough digits for any sum of them, so a total is
  never rounded to the 28 digits of Python's default decimal context.
"""

from __future__ import annotations

from calendar import isleap, monthrange
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Context, Decimal, Inexact, Rounded, localcontext
from fractions import Fraction
from math import floor
from typing import Any, Literal

from slaclock._durations import format_duration
from slaclock._sla.budget import month_of, work_by_key
from slaclock._sla.incident import Incident
from slaclock._sla.tier import Price, Tier, amount_to_data
from slaclock.errors import SlaclockTypeError, SlaclockValueError

__all__ = ["Cost", "CostLine", "cost", "costs"]

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
        period: ``"month"``, ``"year"``, or ``"range"`` for a date range.
        amount: The exact total: the sum of the ``breakdown`` amounts.
        currency: The currency of the tier's price (``"RUB"``).
        included: Working time included in the period; ``None`` when unlimited.
        used: Working time used in the period.
        overage: Working time beyond the monthly budgets, summed over the period's months.
        breakdown: The lines that make up ``amount``, in order.
        start: The range's first date, for ``period="range"``; ``None`` otherwise.
        end: The date after the range's last (the end is excluded), or ``None``.
    """

    tier_id: str
    period: str
    amount: Decimal
    currency: str
    included: timedelta | None
    used: timedelta
    overage: timedelta
    breakdown: tuple[CostLine, ...]
    start: date | None = None
    end: date | None = None

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
            **(
                {}
                if self.start is None or self.end is None
                else {"start": self.start.isoformat(), "end": self.end.isoformat()}
            ),
        }

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"


def cost(
    tier: Tier,
    *,
    used: timedelta | Sequence[timedelta] | Mapping[Any, timedelta] = timedelta(0),
    period: Literal["month", "year"] = "month",
    prorate: bool = False,
    start: date | str | None = None,
    end: date | str | None = None,
) -> Cost:
    """The price of a ``period`` (``"month"`` or ``"year"``) or of a date range on ``tier``, plus any overage.

    ``used`` is the working time used in the month, or for a year the list of
    monthly uses (budgets are monthly, so a yearly total cannot say which
    month went over).  With ``start`` and ``end`` (dates or ``"YYYY-MM-DD"``, the
    end excluded) the range is priced instead of ``period``, and ``used`` maps
    months to uses (one timedelta will do for a range within one month).  See
    the module docstring for every rule.

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
    >>> term = cost(sla3, start="2026-10-15", end="2027-01-01", prorate=True,
    ...             used={"2026-11": timedelta(hours=9)})
    >>> [line.label for line in term.breakdown]  # doctest: +NORMALIZE_WHITESPACE
    ['2026-10: 17/31 days of 20000 RUB per month', '2026-11: 20000 RUB per month',
     '2026-12: 20000 RUB per month', '2026-11: overage PT1H not charged (the tier has no
     overage rate)']
    >>> term.amount, term.included
    (Decimal('50967.74'), datetime.timedelta(days=1))
    """
    if not isinstance(tier, Tier):
        raise SlaclockTypeError(f"cost() needs a slaclock.Tier, got {tier!r}")
    if start is not None or end is not None:
        first, after = _range(start, end)
        if period != "month":
            raise SlaclockTypeError(
                f"period={period!r} and start=/end= both say what to price; pass one of them"
            )
        with localcontext(_MONEY):
            try:
                return _range_cost(tier, used, first, after, prorate)
            except OverflowError:
                raise SlaclockValueError(
                    f"the range's hours on tier {tier.label!r} (the monthly budgets, or the "
                    f"sum of the uses) exceed the longest duration, {format_duration(timedelta.max)}"
                ) from None
    with localcontext(_MONEY):
        try:
            return _cost(tier, used, period, prorate)
        except OverflowError:
            # A year of a huge budget or of huge uses is past the longest timedelta.
            raise SlaclockValueError(
                f"the {period}'s hours on tier {tier.label!r} (budget x 12, or the sum of "
                f"the uses) exceed the longest duration, {format_duration(timedelta.max)}"
            ) from None


def _cost(tier: Tier, used: Any, period: str, prorate: bool) -> Cost:
    if period not in _PERIODS:
        raise SlaclockValueError(f"period must be 'month' or 'year', got {period!r}")
    price = _price(tier)
    if isinstance(used, Mapping):
        raise SlaclockTypeError(
            f"used is a mapping of months, {_short(used)}, which prices a date range: pass "
            "start= and end= with it, or one timedelta (a list of 12 for a year)"
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

    overage = _overage(
        tier,
        [
            (f"month {index + 1}: " if period == "year" else "", month_used)
            for index, month_used in enumerate(months)
        ],
        lines,
    )
    budget = tier.budget
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


def _price(tier: Tier) -> Price:
    price = tier.price
    if price is None:
        raise SlaclockValueError(
            f"tier {tier.label!r} has no price; add price = {{amount, currency, per}} to it"
        )
    return price


def _overage(tier: Tier, months: list[tuple[str, timedelta]], lines: list[CostLine]) -> timedelta:
    """The overage of each ``(label, use)`` month beyond the budget, as lines; the total."""
    overage = timedelta(0)
    budget = tier.budget
    rate = tier.overage_rate
    for which, month_used in months:
        if budget is None or month_used <= budget:
            continue
        over = month_used - budget
        overage += over
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
    return overage


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


# --------------------------------------------------------------------------- date ranges


def _day(value: object, name: str) -> date:
    if isinstance(value, datetime):
        raise SlaclockTypeError(
            f"{name}={value!r} is a datetime, whose date depends on its zone; pass a date or "
            "'YYYY-MM-DD' text"
        )
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
        raise SlaclockValueError(f"cannot read {name}={value!r}; expected 'YYYY-MM-DD' text")
    raise SlaclockTypeError(
        f"{name} must be a date or 'YYYY-MM-DD' text, got {_short(value)} of type "
        f"{type(value).__name__}"
    )


def _range(start: object, end: object) -> tuple[date, date]:
    """``start`` and ``end`` as dates, both given and ``start < end``."""
    if start is None or end is None:
        missing = "start" if start is None else "end"
        raise SlaclockTypeError(
            f"a date range needs both start= and end=; {missing} is missing (the end is "
            "excluded: a quarter is start='2026-10-01', end='2027-01-01')"
        )
    first, after = _day(start, "start"), _day(end, "end")
    if after <= first:
        raise SlaclockValueError(
            f"end={after.isoformat()!r} must come after start={first.isoformat()!r} (the end is "
            "excluded: one day is start='2026-10-01', end='2026-10-02')"
        )
    return first, after


def _months_of(first: date, after: date) -> list[tuple[int, int, int, int]]:
    """``(year, month, days in the range, days in the month)`` for each month the range touches."""
    out = []
    begin = first
    while begin < after:
        length = monthrange(begin.year, begin.month)[1]
        last = begin.replace(day=length)
        if after <= last:  # the range ends in this month
            out.append((begin.year, begin.month, (after - begin).days, length))
            break
        out.append((begin.year, begin.month, (last - begin).days + 1, length))
        begin = last + timedelta(days=1)
    return out


def _range_uses(
    tier: Tier, used: Any, months: list[tuple[int, int, int, int]]
) -> dict[tuple[int, int], timedelta]:
    """Each month's use from ``used``: a mapping of months, or one timedelta for one month."""
    touched = [(year, month) for year, month, _, _ in months]
    if isinstance(used, timedelta):
        if used and len(touched) > 1:
            raise SlaclockValueError(
                f"the range spans {len(touched)} months and budgets are monthly; pass used as "
                f"a mapping of months to uses, such as {{'{touched[0][0]}-{touched[0][1]:02d}': "
                f"timedelta(hours=3)}}, not one total ({format_duration(used)})"
            )
        given: dict[tuple[int, int], timedelta] = {touched[0]: used}
    elif isinstance(used, Mapping):
        given = {}
        for key, value in used.items():
            month = month_of(key)
            if month not in touched:
                raise SlaclockValueError(
                    f"used names the month {key!r}, outside the range "
                    f"({touched[0][0]}-{touched[0][1]:02d} to {touched[-1][0]}-{touched[-1][1]:02d})"
                )
            if month in given:
                raise SlaclockValueError(f"used names the month {key!r} twice")
            given[month] = value
    else:
        raise SlaclockTypeError(
            f"used must map months ('YYYY-MM' or a date) to timedeltas for a date range, got "
            f"{_short(used)}"
        )
    for value in given.values():
        if not isinstance(value, timedelta):
            raise SlaclockTypeError(f"used must hold timedeltas, got {_short(value)}")
        if value < timedelta(0):
            raise SlaclockValueError(f"used must be >= 0, got {format_duration(value)!r}")
    return {month: given.get(month, timedelta(0)) for month in touched}


def _range_cost(tier: Tier, used: Any, first: date, after: date, prorate: bool) -> Cost:
    price = _price(tier)
    months = _months_of(first, after)
    uses = _range_uses(tier, used, months)
    lines: list[CostLine] = []
    if price.is_free:
        lines.append(
            CostLine(f"{tier.label}: free" + (f" ({price.note})" if price.note else ""), Decimal(0))
        )
    elif price.per in ("month", "year"):
        # The price's periods the range touches: (name, days in the range, days in it).
        if price.per == "month":
            periods = [(f"{y}-{m:02d}", days, length) for y, m, days, length in months]
        else:
            years: dict[int, int] = {}
            for year, _, days, _ in months:
                years[year] = years.get(year, 0) + days
            periods = [(str(y), days, 366 if isleap(y) else 365) for y, days in years.items()]
        for name, days, length in periods:
            if days == length:
                lines.append(CostLine(f"{name}: {price}", price.amount))
            else:
                _need_prorate(tier, prorate, f"{days} of the {length} days of {name}")
                share = _round(Fraction(price.amount) * days / length)
                lines.append(CostLine(f"{name}: {days}/{length} days of {price}", share))
    else:  # a tier's price is per month, per year or once
        raise SlaclockValueError(
            f"tier {tier.label!r} has a one-off price of {price.amount} {price.currency}, which "
            f"cannot be spread over a date range; give the price a per = 'month' or 'year'"
        )
    overage = _overage(
        tier, [(f"{year}-{month:02d}: ", uses[year, month]) for year, month, _, _ in months], lines
    )
    budget = tier.budget
    return Cost(
        tier_id=tier.id,
        period="range",
        amount=sum((line.amount for line in lines), Decimal(0)),
        currency=price.currency,
        included=None if budget is None else budget * len(months),
        used=sum(uses.values(), timedelta(0)),
        overage=overage,
        breakdown=tuple(lines),
        start=first,
        end=after,
    )


def _need_prorate(tier: Tier, prorate: bool, part: str) -> None:
    if not prorate:
        raise SlaclockValueError(
            f"the range covers {part}, a part of a period tier {tier.label!r} is priced by; "
            "pass prorate=True to charge its share by days (price x days / days in the period)"
        )


def costs(
    tier: Tier,
    incidents: Iterable[Incident],
    *,
    start: date | str,
    end: date | str,
    at: datetime | None = None,
    prorate: bool = False,
) -> dict[str | None, Cost]:
    """The cost of a date range on ``tier`` per contract: ``{contract: Cost}``, from the work logged.

    Each incident's ``work_logged`` time counts for its contract (else its
    customer, else the key ``None``, as :func:`slaclock.budgets` keys them) in the
    calendar month of its date in the tier calendar's zone, when that date is in
    the range (and, with ``at``, when logged by then); each key's months are then
    priced by :func:`cost` with ``start`` and ``end``.  Every key met is in the
    mapping, in the order first met, even with no work in the range.

    >>> from slaclock import Incident, default_catalog
    >>> def ticket(ident, at, hours):
    ...     return Incident.from_dict({"id": ident, "type": "consultation", "contract": ident,
    ...         "events": [{"type": "opened", "at": at},
    ...                    {"type": "work_logged", "at": at, "duration": hours}]})
    >>> log = [ticket("C-1", "2026-11-02T12:00:00+03:00", "PT10H"),
    ...        ticket("C-2", "2026-12-01T12:00:00+03:00", "PT2H")]
    >>> quarter = costs(default_catalog().tiers["SLA-3"], log, start="2026-10-01", end="2027-01-01")
    >>> {key: (str(c.amount), c.overage.total_seconds() / 3600) for key, c in quarter.items()}
    {'C-1': ('60000', 2.0), 'C-2': ('60000', 0.0)}
    """
    first, after = _range(start, end)
    work = work_by_key(tier, incidents, start=first, end=after, at=at)
    return {
        key: cost(
            tier,
            used={f"{year}-{month:02d}": used for (year, month), used in months.items()},
            start=first,
            end=after,
            prorate=prorate,
        )
        for key, months in work.items()
    }


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 100 else text[:97] + "..."
