"""cost() over any date range, and costs() per contract from the work logged."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from slaclock import (
    Incident,
    Price,
    SlaclockTypeError,
    SlaclockValueError,
    budgets,
    cost,
    costs,
    default_catalog,
)

H = timedelta(hours=1)
TIERS = default_catalog().tiers
SLA2, SLA3 = TIERS["SLA-2"], TIERS["SLA-3"]  # 300,000 RUB a year; 20,000 RUB a month with 8 h
RATED = SLA3.replace(overage_rate=Price(Decimal(3000), "RUB", "hour"))


def cents(value: Fraction) -> Decimal:
    """Half-up to 0.01, independently of the library's rounding."""
    return Decimal(int(value * 100 + Fraction(1, 2))) / 100


def test_a_quarter_of_whole_months_is_three_monthly_prices_without_prorating() -> None:
    quarter = cost(SLA3, start=date(2026, 10, 1), end=date(2027, 1, 1))
    assert quarter.amount == 60000 and quarter.period == "range"
    assert (quarter.start, quarter.end) == (date(2026, 10, 1), date(2027, 1, 1))
    assert quarter.included == 24 * H and quarter.used == timedelta(0)
    assert [line.label for line in quarter.breakdown] == [
        "2026-10: 20000 RUB per month",
        "2026-11: 20000 RUB per month",
        "2026-12: 20000 RUB per month",
    ]
    assert quarter.to_dict()["start"] == "2026-10-01" and quarter.to_dict()["end"] == "2027-01-01"
    assert cost(SLA3, start="2026-11-01", end="2026-12-01").amount == cost(SLA3).amount


def test_a_part_of_a_month_is_its_share_by_days_and_only_when_asked() -> None:
    with pytest.raises(SlaclockValueError, match=r"17 of the 31 days of 2026-10.*prorate=True"):
        cost(SLA3, start="2026-10-15", end="2026-11-01")
    part = cost(SLA3, start="2026-10-15", end="2026-11-01", prorate=True)
    assert part.amount == cents(Fraction(20000 * 17, 31)) == Decimal("10967.74")
    assert part.included == 8 * H  # the month's whole budget: budgets are not prorated


def test_a_yearly_price_is_shared_by_the_days_of_each_calendar_year() -> None:
    assert cost(SLA2, start="2026-01-01", end="2027-01-01").amount == 300000
    with pytest.raises(SlaclockValueError, match="92 of the 365 days of 2026"):
        cost(SLA2, start="2026-10-01", end="2027-01-01")
    quarter = cost(SLA2, start="2026-10-01", end="2027-01-01", prorate=True)
    assert quarter.amount == cents(Fraction(300000 * 92, 365))
    # Across New Year into a leap year: each year's days against that year's length.
    term = cost(SLA2, start="2027-07-01", end="2028-07-01", prorate=True)
    assert term.amount == cents(Fraction(300000 * 184, 365)) + cents(Fraction(300000 * 182, 366))
    assert term.included is None  # unlimited hours


def test_overage_month_by_month_charged_at_the_rate() -> None:
    used = {"2026-10": 10 * H, date(2026, 11, 5): 8 * H, "2026-12": 12 * H + 30 * 60 * (H / 3600)}
    result = cost(RATED, start="2026-10-01", end="2027-01-01", used=used)
    assert result.overage == 2 * H + 4 * H + 30 * timedelta(minutes=1)
    assert result.used == 30 * H + 30 * timedelta(minutes=1)
    assert result.amount == 60000 + 3000 * 2 + Decimal("13500.00")
    assert [line.label for line in result.breakdown[3:]] == [
        "2026-10: overage PT2H at 3000 RUB per hour",
        "2026-12: overage PT4H30M at 3000 RUB per hour",
    ]
    unrated = cost(SLA3, start="2026-10-01", end="2027-01-01", used=used)
    assert unrated.amount == 60000 and unrated.overage == result.overage


def test_free_tiers_cost_nothing_over_any_range() -> None:
    result = cost(TIERS["SLA-4"], start="2026-10-15", end="2027-03-02")
    assert result.amount == 0 and result.currency == "RUB"


def test_a_range_of_twelve_months_is_the_year() -> None:
    uses = [timedelta(hours=k) for k in range(12)]
    year = cost(RATED, period="year", used=uses)
    months = {f"2026-{k + 1:02d}": use for k, use in enumerate(uses)}
    ranged = cost(RATED, start="2026-01-01", end="2027-01-01", used=months)
    assert (ranged.amount, ranged.overage, ranged.included, ranged.used) == (
        year.amount,
        year.overage,
        year.included,
        year.used,
    )


@given(
    start=st.dates(date(2020, 1, 1), date(2030, 12, 31)),
    days=st.integers(1, 800),
    split=st.integers(0, 30),
    tier=st.sampled_from([SLA2, RATED]),
    hours=st.lists(st.integers(0, 20), min_size=30, max_size=30),
)
def test_a_range_costs_the_sum_of_its_parts_cut_at_a_month_start(
    start: date, days: int, split: int, tier: Any, hours: list[int]
) -> None:
    end = start + timedelta(days=days)
    months = sorted({(d.year, d.month) for d in (start + timedelta(k) for k in range(days))})
    used = {f"{y}-{m:02d}": hours[k % 30] * H for k, (y, m) in enumerate(months)}
    whole = cost(tier, start=start, end=end, used=used, prorate=True)
    # Cut at the first day of one of the months after the first (a period boundary for a
    # monthly price; for a yearly one only at New Year, so those are cut only there).
    cuts = [date(y, m, 1) for y, m in months[1:] if tier is not SLA2 or m == 1]
    if not cuts:
        return
    cut = cuts[split % len(cuts)]

    def part(a: date, b: date) -> Any:
        mine = {
            k: v
            for k, v in used.items()
            if date(a.year, a.month, 1) <= date.fromisoformat(k + "-01") < b
        }
        return cost(tier, start=a, end=b, used=mine, prorate=True)

    left, right = part(start, cut), part(cut, end)
    assert whole.amount == left.amount + right.amount
    assert whole.overage == left.overage + right.overage
    assert whole.used == left.used + right.used


@pytest.mark.parametrize(
    ("options", "error", "words"),
    [
        ({"start": "2026-10-01"}, SlaclockTypeError, "end is missing"),
        ({"end": "2026-10-01"}, SlaclockTypeError, "start is missing"),
        ({"start": "2026-10-01", "end": "2026-10-01"}, SlaclockValueError, "must come after"),
        ({"start": "2026-10-01", "end": "Q4"}, SlaclockValueError, "cannot read end='Q4'"),
        ({"start": 20261001, "end": "2026-12-01"}, SlaclockTypeError, "start must be a date"),
        (
            {"start": datetime(2026, 10, 1, tzinfo=UTC), "end": "2026-12-01"},
            SlaclockTypeError,
            "depends on its zone",
        ),
        (
            {"start": "2026-10-01", "end": "2026-12-01", "period": "year"},
            SlaclockTypeError,
            "pass one of them",
        ),
        (
            {"start": "2026-10-01", "end": "2026-12-01", "used": 3 * H},
            SlaclockValueError,
            "spans 2 months",
        ),
        (
            {"start": "2026-10-01", "end": "2026-12-01", "used": {"2027-01": H}},
            SlaclockValueError,
            "outside the range",
        ),
        (
            {"start": "2026-10-01", "end": "2026-12-01", "used": {"2026-10": 3}},
            SlaclockTypeError,
            "timedeltas",
        ),
        (
            {"start": "2026-10-01", "end": "2026-12-01", "used": {"2026-10": -H}},
            SlaclockValueError,
            ">= 0",
        ),
        (
            {"start": "2026-10-01", "end": "2026-12-01", "used": [H, H]},
            SlaclockTypeError,
            "map months",
        ),
        (
            {
                "start": "2026-10-01",
                "end": "2026-12-01",
                "used": {"2026-10": H, date(2026, 10, 9): H},
            },
            SlaclockValueError,
            "twice",
        ),
        ({"used": {"2026-10": H}}, SlaclockTypeError, "pass start= and end="),
    ],
)
def test_bad_ranges_name_the_argument_and_the_form(
    options: dict[str, Any], error: type[Exception], words: str
) -> None:
    with pytest.raises(error, match=words):
        cost(SLA3, **options)


def test_a_one_off_price_cannot_be_spread_over_a_range() -> None:
    once = SLA3.replace(price=Price(Decimal(500), "RUB", None))
    with pytest.raises(SlaclockValueError, match="one-off price"):
        cost(once, start="2026-10-01", end="2026-11-01")


# --------------------------------------------------------------------------- per contract


def ticket(ident: str, *work: tuple[str, str], **owner: str) -> Incident:
    events = [{"type": "opened", "at": work[0][0] if work else "2026-10-01T10:00:00+03:00"}]
    events += [{"type": "work_logged", "at": at, "duration": hours} for at, hours in work]
    return Incident.from_dict({"id": ident, "type": "consultation", **owner, "events": events})


LOG = [
    ticket(
        "A",
        ("2026-10-14T23:30:00+03:00", "PT3H"),
        ("2026-10-20T12:00:00+03:00", "PT9H"),
        contract="C-1",
    ),
    ticket("B", ("2026-11-02T12:00:00+03:00", "PT2H"), contract="C-2"),
    ticket("C", ("2026-12-31T23:30:00+03:00", "PT5H"), customer="Globex"),
    ticket("D"),
]


def test_costs_prices_each_contracts_work_in_the_range_by_the_tiers_calendar_dates() -> None:
    term = costs(RATED, LOG, start="2026-10-15", end="2027-01-01", prorate=True)
    assert list(term) == ["C-1", "C-2", "Globex", None]
    # 23:30 Moscow on 14 October is before the range; 23:30 on 31 December is in it.
    assert term["C-1"].used == 9 * H and term["C-1"].overage == H
    assert term["Globex"].used == 5 * H and term[None].used == timedelta(0)
    base = cost(RATED, start="2026-10-15", end="2027-01-01", prorate=True).amount
    assert term["C-1"].amount == base + 3000
    assert term["C-2"].amount == term[None].amount == base
    for key, result in term.items():
        assert result == cost(
            RATED,
            start="2026-10-15",
            end="2027-01-01",
            prorate=True,
            used={"2026-10": result.used} if key == "C-1" else {"2026-12": result.used},
        )


def test_costs_over_whole_months_agree_with_budgets() -> None:
    term = costs(SLA3, LOG, start="2026-10-01", end="2027-01-01")
    for key, result in term.items():
        months = [budgets(SLA3, LOG, month=f"2026-{m}")[key] for m in (10, 11, 12)]
        assert result.used == sum((usage.used for usage in months), timedelta(0))
        assert result.overage == sum((usage.overage for usage in months), timedelta(0))


def test_costs_as_of_an_instant_counts_only_work_logged_by_then() -> None:
    at = datetime(2026, 11, 1, tzinfo=UTC)
    term = costs(SLA3, LOG, start="2026-10-01", end="2027-01-01", at=at)
    assert term["C-1"].used == 12 * H and term["C-2"].used == timedelta(0)


def test_costs_refuses_what_budgets_refuses_and_bad_ranges() -> None:
    clash = [ticket("A", contract="Acme"), ticket("B", customer="Acme")]
    with pytest.raises(SlaclockValueError, match="'Acme' is the contract of incident 'A'"):
        costs(SLA3, clash, start="2026-10-01", end="2026-11-01")
    with pytest.raises(SlaclockTypeError, match=r"expected slaclock\.Incident"):
        costs(SLA3, [{"id": "A"}], start="2026-10-01", end="2026-11-01")  # type: ignore[list-item]
    with pytest.raises(SlaclockValueError, match="must come after"):
        costs(SLA3, LOG, start="2026-10-01", end="2026-09-01")
    with pytest.raises(SlaclockValueError, match="prorate=True"):
        costs(SLA3, LOG, start="2026-10-15", end="2026-11-01")
