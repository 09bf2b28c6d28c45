"""Nothing guessed: inputs that would mean different things on different machines, or
that Python would read by cutting or by another script's digits, are refused by name."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Context, Decimal
from fractions import Fraction
from math import floor

import numpy as np
import pandas as pd
import pytest

from slaclock import (
    Calendar,
    Incident,
    Price,
    budget,
    cost,
    default_catalog,
    evaluate,
    parse_instant,
)
from slaclock._durations import MAX_DURATION, format_duration, parse_duration
from slaclock.errors import SlaclockError, SpecError

WEEK = {"mon": [["10:00", "18:00"]], "fri": [["10:00", "18:00"]]}
START = datetime(2026, 11, 27, 10, tzinfo=UTC)


def calendar(**changes: object) -> Calendar:
    return Calendar.from_dict({"tz": "Europe/Moscow", "week": WEEK, **changes})


# -- zones mean the same everywhere ------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("localtime", "link to the zone this machine"),
        ("posixrules", "POSIX TZ strings"),
        ("Factory", "placeholder"),
        ("right/Europe/Moscow", "leap seconds"),
        ("right/UTC", "leap seconds"),
    ],
)
def test_machine_zones_are_refused_in_calendars(name: str, why: str) -> None:
    with pytest.raises(SpecError) as caught:
        Calendar.from_dict({"tz": name, "week": WEEK})
    message = str(caught.value)
    assert repr(name) in message and why in message
    assert "every machine" in message
    assert caught.value.path == "tz"
    with pytest.raises(SpecError, match="every machine"):
        Calendar(tz=name, week=((),) * 7)


@pytest.mark.parametrize("name", ["localtime", "posixrules", "Factory", "right/UTC"])
def test_machine_zones_are_refused_in_the_timestamp_suffix(name: str) -> None:
    with pytest.raises(SlaclockError) as caught:
        parse_instant(f"2026-11-27T10:00:00+00:00[{name}]")
    assert repr(name) in str(caught.value) and "every machine" in str(caught.value)


def test_place_zones_are_still_read() -> None:
    assert calendar().zone.key == "Europe/Moscow"
    assert parse_instant("2026-11-27T10:00:00+03:00[Europe/Moscow]").utcoffset() == timedelta(
        hours=3
    )


# -- sub-microsecond and odd digits ------------------------------------------------------


@pytest.mark.parametrize(
    "duration", [pd.Timedelta(1, "ns"), pd.Timedelta(hours=1, nanoseconds=5)], ids=str
)
def test_sub_microsecond_pandas_durations_are_refused(duration: pd.Timedelta) -> None:
    cal = calendar()
    with pytest.raises(SlaclockError, match="whole number of microseconds"):
        cal.deadline(START, duration)
    with pytest.raises(SlaclockError, match="whole number of microseconds"):
        cal.deadline_many([START], [duration])
    with pytest.raises(SlaclockError, match="whole number of microseconds"):
        cal.deadline_many([START], duration)
    with pytest.raises(SlaclockError, match="whole number of microseconds"):
        cal.deadline_many(np.array([START.replace(tzinfo=None)], dtype="datetime64[us]"), duration)
    with pytest.raises(SpecError, match="whole number of microseconds"):
        parse_duration(duration)


def test_sub_microsecond_numpy_durations_are_refused() -> None:
    cal = calendar()
    one_ns = np.timedelta64(1, "ns")
    with pytest.raises(SlaclockError):
        cal.deadline(START, one_ns)  # type: ignore[arg-type]
    with pytest.raises(SlaclockError):
        cal.deadline_many([START], [one_ns])
    starts = np.array([START.replace(tzinfo=None)], dtype="datetime64[us]")
    with pytest.raises(SlaclockError, match="whole number of microseconds"):
        cal.deadline_many(starts, np.array([1], dtype="timedelta64[ns]"))


def test_whole_microsecond_pandas_durations_still_count() -> None:
    cal = calendar()
    assert cal.deadline(START, pd.Timedelta(hours=1)) == cal.deadline(START, timedelta(hours=1))


@pytest.mark.parametrize(
    "text",
    [
        "2026-11-27T10:00:00.1234567+03:00",
        "2026-11-27T10:00:00,123456789Z",
        "2026-11-27T10:00:00.1234560+03:00",
        "2026-11-27T10:00:00.123+03:00:00.1234567",
    ],
)
def test_more_than_six_fraction_digits_are_refused(text: str) -> None:
    with pytest.raises(SlaclockError, match="six fraction digits"):
        parse_instant(text)


def test_six_fraction_digits_are_read() -> None:
    assert parse_instant("2026-11-27T10:00:00.123456+03:00").microsecond == 123456


@pytest.mark.parametrize("text", ["2026-W48-5T10:00:00+03:00", "2026W485T100000Z"])
def test_week_date_timestamps_are_refused(text: str) -> None:
    with pytest.raises(SlaclockError, match="week dates"):
        parse_instant(text)


@pytest.mark.parametrize(
    "text",
    ["2026-331T10:00:00+03:00", "2026331T100000Z", "\u0662\u0660\u0662\u0666-11-27T10:00:00+03:00"],
)
def test_ordinal_dates_and_other_digits_are_refused_in_timestamps(text: str) -> None:
    with pytest.raises(SlaclockError):
        parse_instant(text)


@pytest.mark.parametrize(
    "day", ["2026-W48-5", "2026-331", "2026331", "20261127", "\uff12\uff10\uff12\uff16-11-27"]
)
def test_only_plain_dates_are_dates(day: str) -> None:
    with pytest.raises(SpecError, match="YYYY-MM-DD"):
        calendar(holidays=[day])
    with pytest.raises(SpecError, match="YYYY-MM-DD"):
        calendar(overrides={day: [["10:00", "12:00"]]})


@pytest.mark.parametrize(
    "text",
    ["\uff11\uff10:\uff10\uff10", "\u0660\u0669:\u0663\u0660", "10:0\u0660", "10:00:0\u0665"],
)
def test_non_ascii_digits_in_times_of_day_are_refused(text: str) -> None:
    with pytest.raises(SpecError, match="cannot read time"):
        calendar(week={"mon": [[text, "18:00"]]})


@pytest.mark.parametrize("text", ["PT\u0662H", "PT\uff11H", "\u0662h", "PT1H\u06630M"])
def test_non_ascii_digits_in_durations_are_refused(text: str) -> None:
    with pytest.raises(SpecError, match="ASCII"):
        parse_duration(text)
    with pytest.raises(SpecError, match="ASCII"):
        calendar(pre_holiday=text)


def test_alpha3_country_codes_are_refused_naming_the_alpha2_code() -> None:
    with pytest.raises(SpecError, match="alpha-3") as caught:
        calendar(country={"code": "RUS"})
    assert "'RU'" in str(caught.value) and caught.value.path == "country.code"
    with pytest.raises(SpecError, match="alpha-3"):
        calendar(country="RUS")
    assert calendar(country={"code": "RU"}).country == "RU"


# -- money stays exact -------------------------------------------------------------------

HUGE = Decimal("999999999999999999.999999999999")  # the largest price: below 10**18, 12 places


def test_cost_is_exact_beyond_the_28_digits_of_the_default_context() -> None:
    tier = (
        default_catalog()
        .tiers["SLA-3"]
        .replace(price=Price(HUGE, "RUB", "month"), overage_rate=Price(HUGE, "RUB", "hour"))
    )
    used = [timedelta(hours=10**9, microseconds=7)] * 12
    result = cost(tier, used=used, period="year")
    assert tier.budget is not None
    over_us = (used[0] - tier.budget) // timedelta(microseconds=1)
    charge = Fraction(HUGE) * Fraction(over_us, 3_600_000_000)
    charge_cents = Decimal(floor(charge * 100 + Fraction(1, 2))).scaleb(-2, Context(prec=100))
    exact = Fraction(HUGE) * 12 + 12 * Fraction(charge_cents)
    assert Fraction(result.amount) == exact
    assert len(result.amount.as_tuple().digits) > 28
    assert Decimal(str(json.loads(json.dumps(result.to_dict()))["amount"])) == result.amount


def test_cost_of_a_prorated_huge_yearly_price_is_exact() -> None:
    tier = default_catalog().tiers["SLA-3"].replace(price=Price(HUGE, "RUB", "year"))
    result = cost(tier, period="month", prorate=True)
    assert Fraction(result.amount) == Fraction(
        floor(Fraction(HUGE) / 12 * 100 + Fraction(1, 2)), 100
    )


@pytest.mark.parametrize(
    ("amount", "why"), [("1e18", "too large"), ("1e400", "too large"), ("0.0000000000001", "12")]
)
def test_a_price_beyond_exact_money_is_refused_at_load_naming_the_field(
    amount: str, why: str
) -> None:
    with pytest.raises(SpecError, match=why) as caught:
        Price.from_dict({"amount": amount, "currency": "RUB", "per": "month"})
    assert caught.value.path == "price.amount"
    with pytest.raises(SlaclockError, match=why):
        Price(Decimal(amount), "RUB", "month")


def test_a_year_past_the_longest_duration_is_refused_not_an_overflow() -> None:
    # The tier takes at most a century of budget; the hours used are the caller's.
    tier = default_catalog().tiers["SLA-3"].replace(budget=MAX_DURATION)
    with pytest.raises(SlaclockError, match="longest duration"):
        cost(tier, used=[timedelta.max] * 12, period="year")


@pytest.mark.parametrize(
    "amount",
    [HUGE, Decimal(2**53), Decimal(2**53 - 1), Decimal("1E+5"), Decimal("0E-12"), Decimal("12.50")],
    ids=str,
)
def test_price_and_cost_to_dict_are_json_safe_and_exact(amount: Decimal) -> None:
    price = Price(amount, "RUB", "month")
    data = json.loads(json.dumps(price.to_dict(), allow_nan=False))
    assert isinstance(data["amount"], str) or abs(data["amount"]) < 2**53
    assert Price.from_dict(data) == price
    tier = (
        default_catalog()
        .tiers["SLA-3"]
        .replace(price=price, overage_rate=Price(amount, "RUB", "hour"))
    )
    result = cost(tier, used=[timedelta.max // 13] * 12, period="year")
    back = json.loads(json.dumps(result.to_dict(), allow_nan=False))
    assert Decimal(str(back["amount"])) == result.amount
    for line, shown in zip(result.breakdown, back["breakdown"], strict=True):
        assert Decimal(str(shown["amount"])) == line.amount


def test_evaluation_and_budget_usage_to_dict_are_json_safe_at_extremes() -> None:
    tier = default_catalog().tiers["SLA-3"]
    late = "9998-12-30T23:59:59.999999+00:00"
    # The longest work a record may log, to the microsecond.
    work = MAX_DURATION - timedelta(microseconds=1)
    incident = Incident.from_dict(
        {
            "id": "INC-X",
            "type": "consultation",
            "events": [
                {"type": "opened", "at": "9998-12-01T00:00:00.000001+00:00"},
                {"type": "work_logged", "at": late, "duration": format_duration(work)},
            ],
        }
    )
    for result in (
        evaluate(incident, tier, at=parse_instant(late)),
        budget(tier, [incident], month="9998-12"),
    ):
        text = json.dumps(result.to_dict(), allow_nan=False)
        assert json.loads(text) == result.to_dict()


def test_a_pandas_timestamp_with_nanoseconds_is_refused_not_cut() -> None:
    pd = pytest.importorskip("pandas")
    cal = default_catalog().tiers["SLA-2"].calendar
    exact = pd.Timestamp("2026-11-27 10:00:00.000001", tz="Europe/Moscow")
    assert cal.deadline(exact, timedelta(hours=1)) == cal.deadline(
        exact.to_pydatetime(), timedelta(hours=1)
    )
    with pytest.raises(SlaclockError, match="nanoseconds"):
        cal.deadline(
            pd.Timestamp("2026-11-27 10:00:00.000000001", tz="Europe/Moscow"), timedelta(hours=1)
        )
