"""cost(): the price of a month or a year on a tier, plus overage beyond the monthly budget."""

from __future__ import annotations

import json
import pickle
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from slaclock import (
    Cost,
    CostLine,
    Price,
    SlaclockTypeError,
    SlaclockValueError,
    Tier,
    cost,
    default_catalog,
)

H = timedelta(hours=1)
TIERS = default_catalog().tiers
SLA3 = TIERS["SLA-3"]
RATED = SLA3.replace(overage_rate={"amount": 3000, "currency": "RUB", "per": "hour"})


# ------------------------------------------------------------------ the default tiers


def test_sla3_month_within_budget_is_the_monthly_price() -> None:
    result = cost(SLA3, used=5 * H)
    assert result == Cost(
        tier_id="SLA-3",
        period="month",
        amount=Decimal(20000),
        currency="RUB",
        included=8 * H,
        used=5 * H,
        overage=timedelta(0),
        breakdown=(CostLine("SLA-3 OnDemand: 20000 RUB per month", Decimal(20000)),),
    )


def test_sla3_month_at_exactly_the_budget_has_no_overage() -> None:
    assert cost(RATED, used=8 * H).overage == timedelta(0)
    assert cost(RATED, used=8 * H).amount == Decimal(20000)


def test_sla3_over_budget_without_a_rate_reports_but_does_not_charge() -> None:
    result = cost(SLA3, used=10 * H)
    assert result.amount == Decimal(20000)
    assert result.overage == 2 * H
    assert result.breakdown[-1] == CostLine(
        "overage PT2H not charged (the tier has no overage rate)", Decimal(0)
    )


def test_sla3_over_budget_with_a_rate_charges_pro_rata() -> None:
    result = cost(RATED, used=10 * H + timedelta(minutes=30))
    assert result.overage == timedelta(hours=2, minutes=30)
    assert result.breakdown[-1] == CostLine("overage PT2H30M at 3000 RUB per hour", Decimal(7500))
    assert result.amount == Decimal("27500.00")


def test_sla3_year_is_twelve_monthly_prices_with_overage_month_by_month() -> None:
    months = [10 * H, 0 * H, 9 * H] + [8 * H] * 9
    result = cost(RATED, used=months, period="year")
    assert result.included == 96 * H
    assert result.used == sum(months, timedelta(0))
    assert result.overage == 3 * H
    assert [line.label for line in result.breakdown] == [
        "SLA-3 OnDemand: 12 x 20000 RUB per month",
        "month 1: overage PT2H at 3000 RUB per hour",
        "month 3: overage PT1H at 3000 RUB per hour",
    ]
    assert result.amount == Decimal(240000 + 9000)


def test_sla3_year_with_fewer_months_counts_the_rest_as_unused() -> None:
    assert cost(SLA3, used=[4 * H], period="year").used == 4 * H


def test_sla2_year_is_the_yearly_price_with_unlimited_hours() -> None:
    result = cost(TIERS["SLA-2"], used=500 * H, period="year")
    assert result.amount == Decimal(300000)
    assert result.included is None
    assert result.overage == timedelta(0)


def test_sla2_month_is_refused_without_prorate() -> None:
    with pytest.raises(SlaclockValueError) as info:
        cost(TIERS["SLA-2"])
    assert "priced per year (300000 RUB)" in str(info.value)
    assert "period='year'" in str(info.value) and "prorate=True" in str(info.value)


def test_sla2_month_prorated_is_one_twelfth() -> None:
    result = cost(TIERS["SLA-2"], prorate=True)
    assert result.amount == Decimal(25000)
    assert result.breakdown[0].label == "SLA-2 Enterprise: 1/12 of 300000 RUB per year"


def test_prorating_rounds_half_up_to_cents() -> None:
    tier = TIERS["SLA-2"].replace(price={"amount": "100.06", "currency": "EUR", "per": "year"})
    # 100.06 / 12 = 8.338333...
    assert cost(tier, prorate=True).amount == Decimal("8.34")
    tier = TIERS["SLA-2"].replace(price={"amount": "0.06", "currency": "EUR", "per": "year"})
    # 0.06 / 12 = 0.005 exactly: half up.
    assert cost(tier, prorate=True).amount == Decimal("0.01")


@pytest.mark.parametrize("tier_id", ["SLA-1", "SLA-4"])
@pytest.mark.parametrize("period", ["month", "year"])
def test_free_tiers_cost_nothing(tier_id: str, period: Any) -> None:
    result = cost(TIERS[tier_id], used=100 * H, period=period)
    assert result.amount == Decimal(0)
    assert result.currency == "RUB"
    assert result.breakdown[0].label.startswith(f"{TIERS[tier_id].label}: free")


# ------------------------------------------------------------------ refusals


def test_one_off_price_cannot_be_spread_over_a_period() -> None:
    tier = SLA3.replace(price={"amount": 500, "currency": "RUB"})
    with pytest.raises(SlaclockValueError, match="one-off price of 500 RUB"):
        cost(tier)


def test_tier_without_price_is_refused() -> None:
    with pytest.raises(SlaclockValueError, match="has no price"):
        cost(SLA3.replace(price=None))


def test_a_yearly_total_on_a_budgeted_tier_is_refused() -> None:
    with pytest.raises(SlaclockValueError, match="list of monthly uses"):
        cost(SLA3, used=100 * H, period="year")


@pytest.mark.parametrize(
    ("kwargs", "error", "needle"),
    [
        ({"period": "week"}, SlaclockValueError, "got 'week'"),
        ({"used": -H}, SlaclockValueError, "used must be >= 0, got '-PT1H'"),
        ({"used": 8}, SlaclockTypeError, "got 8"),
        ({"used": "PT8H"}, SlaclockTypeError, "got 'PT8H'"),
        ({"used": [H]}, SlaclockTypeError, "one timedelta for a month"),
        ({"used": [H] * 13, "period": "year"}, SlaclockValueError, "at most 12"),
        ({"used": [H, 2], "period": "year"}, SlaclockTypeError, "got 2"),
    ],
)
def test_bad_arguments(kwargs: dict[str, Any], error: type[Exception], needle: str) -> None:
    with pytest.raises(error) as info:
        cost(SLA3, **kwargs)
    assert needle in str(info.value)


def test_cost_needs_a_tier() -> None:
    with pytest.raises(SlaclockTypeError, match=r"needs a slaclock\.Tier"):
        cost("SLA-3")  # type: ignore[arg-type]


# ------------------------------------------------------------------ the result value


def test_result_is_json_safe_immutable_and_picklable() -> None:
    result = cost(RATED, used=9 * H + timedelta(minutes=1))
    data = json.loads(json.dumps(result.to_dict()))
    assert data == {
        "tier": "SLA-3",
        "period": "month",
        "amount": "23050.00",
        "currency": "RUB",
        "included": "PT8H",
        "used": "PT9H1M",
        "overage": "PT1H1M",
        "breakdown": [
            {"label": "SLA-3 OnDemand: 20000 RUB per month", "amount": 20000},
            {"label": "overage PT1H1M at 3000 RUB per hour", "amount": "3050.00"},
        ],
    }
    assert str(result) == "23050.00 RUB"
    assert pickle.loads(pickle.dumps(result)) == result
    with pytest.raises(AttributeError):
        result.amount = Decimal(0)  # type: ignore[misc]


@given(
    st.lists(st.integers(0, 400 * 3600), min_size=0, max_size=12),
    st.decimals(0, 100000, places=2),
)
def test_year_equals_twelve_months_of_price_plus_the_monthly_overages(
    seconds: list[int], rate: Decimal
) -> None:
    tier: Tier = SLA3.replace(overage_rate=Price(rate, "RUB", "hour"))
    months = [timedelta(seconds=s) for s in seconds]
    year = cost(tier, used=months, period="year")
    monthly = [cost(tier, used=m) for m in months]
    overage_charges = sum((m.amount - Decimal(20000) for m in monthly), Decimal(0))
    assert year.amount == Decimal(240000) + overage_charges
    assert year.overage == sum((m.overage for m in monthly), timedelta(0))
    assert all(isinstance(line.amount, Decimal) for line in year.breakdown)
    assert year.amount == sum((line.amount for line in year.breakdown), Decimal(0))
