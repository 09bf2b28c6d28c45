"""Tier and Price: construction rules, scope, what-if variants, mapping round-trips."""

from __future__ import annotations

import pickle
from datetime import timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import slaclock
from slaclock import Calendar, Price, SlaclockTypeError, SlaclockValueError, SpecError, Tier
from slaclock._sla.tier import CHANNELS, CYCLE_RULES, INCIDENT_TYPES

UTC_OFFICE = Calendar.from_dict(
    {"tz": "UTC", "week": {d: [["09:00", "17:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}}
)
CALENDARS = {"office": UTC_OFFICE}


def make(**changes: Any) -> Tier:
    fields: dict[str, Any] = {
        "id": "T",
        "name": "Test",
        "calendar": UTC_OFFICE,
        "reaction": timedelta(hours=2),
    }
    fields.update(changes)
    return Tier(**fields)


def spec_error(mapping: dict[str, Any], **kwargs: Any) -> SpecError:
    kwargs.setdefault("calendars", CALENDARS)
    kwargs.setdefault("id", "T")
    with pytest.raises(SpecError) as info:
        Tier.from_dict(mapping, **kwargs)
    return info.value


BASE = {"name": "Test", "calendar": "office", "reaction": "PT2H"}


# ------------------------------------------------------------------ construction


def test_defaults_cover_everything_with_oldest_unanswered_rule() -> None:
    tier = make()
    assert tier.types == frozenset(INCIDENT_TYPES)
    assert tier.channels == CHANNELS
    assert tier.third_party is False
    assert tier.budget is None
    assert tier.at_risk == Fraction(3, 4)
    assert tier.cycle_rule == "oldest_unanswered"
    assert tier.pause_reaction_when_pending is False
    assert tier.first_reaction_target == timedelta(hours=2)


def test_first_reaction_target_uses_first_reaction_when_given() -> None:
    assert make(first_reaction=timedelta(hours=1)).first_reaction_target == timedelta(hours=1)


def test_tier_is_hashable_picklable_and_frozen() -> None:
    tier = make(types={"failure"}, channels=["portal"], work_included=["x"])
    assert tier.types == frozenset({"failure"})
    assert tier.channels == ("portal",)
    assert hash(tier) == hash(
        make(types=frozenset({"failure"}), channels=("portal",), work_included=("x",))
    )
    assert pickle.loads(pickle.dumps(tier)) == tier
    with pytest.raises(AttributeError):
        tier.reaction = timedelta(hours=1)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("changes", "needle"),
    [
        ({"reaction": timedelta(0)}, "reaction must be a positive duration, got 'PT0S'"),
        ({"reaction": timedelta(hours=-1)}, "got '-PT1H'"),
        ({"first_reaction": timedelta(0)}, "first_reaction must be a positive"),
        ({"resolution": timedelta(minutes=-5)}, "resolution must be a positive"),
        ({"budget": timedelta(hours=-1)}, "budget must be >= 0"),
        ({"types": frozenset()}, "types must be a non-empty set"),
        ({"types": frozenset({"outage"})}, "unknown incident type 'outage'"),
        ({"channels": ("fax",)}, "unknown channel 'fax'"),
        ({"channels": ("portal", "portal")}, "'portal' is listed twice"),
        ({"channels": ()}, "channels must list at least one"),
        ({"at_risk": Fraction(0)}, "at_risk must be a share in (0, 1], got '0'"),
        ({"at_risk": Fraction(5, 4)}, "got '5/4'"),
        ({"cycle_rule": "newest"}, "cycle_rule must be one of"),
        ({"id": ""}, "tier id must be a non-empty string"),
        ({"name": " "}, "name must be a non-empty string"),
        (
            {"price": Price(Decimal(10), "RUB", "hour")},
            "an hourly price belongs in overage_rate",
        ),
        (
            {"overage_rate": Price(Decimal(10), "RUB", "hour")},
            "overage_rate '10 RUB per hour' needs a budget",
        ),
        (
            {"budget": timedelta(hours=8), "overage_rate": Price(Decimal(10), "RUB", "month")},
            "overage_rate must be per 'hour'",
        ),
        (
            {
                "budget": timedelta(hours=8),
                "price": Price(Decimal(1), "EUR", "month"),
                "overage_rate": Price(Decimal(10), "RUB", "hour"),
            },
            "currency 'RUB' differs from price currency 'EUR'",
        ),
        ({"calendar_name": ""}, "calendar_name must be a non-empty string or None"),
    ],
)
def test_construction_refuses_bad_values(changes: dict[str, Any], needle: str) -> None:
    with pytest.raises(SlaclockValueError) as info:
        make(**changes)
    assert needle in str(info.value)
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize(
    ("changes", "needle"),
    [
        ({"calendar": "office"}, "calendar must be a slaclock.Calendar"),
        ({"reaction": 7200}, "reaction must be a timedelta, got 7200"),
        ({"third_party": 1}, "third_party must be true or false, got 1"),
        ({"at_risk": 0.75}, "at_risk must be a Fraction"),
        ({"types": "failure"}, "types must be a set"),
        ({"price": {"amount": 1}}, "price must be a Price"),
        ({"work_included": [1]}, "work_included[0] must be a non-empty string, got 1"),
    ],
)
def test_construction_refuses_wrong_types(changes: dict[str, Any], needle: str) -> None:
    with pytest.raises(SlaclockTypeError) as info:
        make(**changes)
    assert needle in str(info.value)
    assert isinstance(info.value, TypeError)


def test_at_risk_of_one_means_at_the_due_instant_and_int_is_accepted() -> None:
    assert make(at_risk=1).at_risk == Fraction(1)


def test_zero_budget_is_pay_as_you_go() -> None:
    tier = make(budget=timedelta(0), overage_rate=Price(Decimal(1500), "RUB", "hour"))
    assert tier.budget == timedelta(0)


# ------------------------------------------------------------------ Price


def test_price_is_exact_money() -> None:
    assert Price(20000, "RUB", "month").amount == Decimal(20000)  # type: ignore[arg-type]
    with pytest.raises(SlaclockTypeError, match=r"Decimal\('12.50'\)"):
        Price(12.5, "RUB", "month")  # type: ignore[arg-type]
    with pytest.raises(SlaclockValueError, match="'rub'"):
        Price(Decimal(1), "rub", "month")
    with pytest.raises(SlaclockValueError, match="'week'"):
        Price(Decimal(1), "RUB", "week")
    with pytest.raises(SlaclockValueError, match="got -1"):
        Price(Decimal(-1), "RUB", None)
    with pytest.raises(SlaclockValueError, match="NaN"):
        Price(Decimal("NaN"), "RUB", None)


def test_price_from_dict_reads_exact_decimals() -> None:
    assert Price.from_dict({"amount": "12.50", "currency": "EUR", "per": "hour"}).amount == (
        Decimal("12.50")
    )
    # A float written by hand is taken at its shortest repr, not its binary value.
    assert Price.from_dict({"amount": 0.1, "currency": "EUR"}).amount == Decimal("0.1")
    assert Price.from_dict({"amount": 0, "currency": "RUB"}).per is None


@pytest.mark.parametrize(
    ("mapping", "path", "needle"),
    [
        ({"amount": "ten", "currency": "RUB"}, "price.amount", "'ten'"),
        ({"amount": -5, "currency": "RUB"}, "price.amount", "got -5"),
        ({"amount": True, "currency": "RUB"}, "price.amount", "got True"),
        ({"amount": 5, "currency": "rubles"}, "price.currency", "'rubles'"),
        ({"amount": 5, "currency": "RUB", "per": "week"}, "price.per", "'week'"),
        ({"amount": 5, "currency": "RUB", "per": None}, "price.per", "got None"),
        ({"amount": 5}, "price.currency", "missing required key 'currency'"),
        ({"amount": 5, "currency": "RUB", "cost": 1}, "price.cost", "unknown key 'cost'"),
        ("5 RUB", "price", "got '5 RUB'"),
    ],
)
def test_price_from_dict_errors_name_the_key(mapping: Any, path: str, needle: str) -> None:
    with pytest.raises(SpecError) as info:
        Price.from_dict(mapping)
    assert info.value.path == path
    assert needle in str(info.value)


def test_price_str_and_round_trip() -> None:
    price = Price(Decimal("12.50"), "EUR", "hour", "after the budget")
    assert str(price) == "12.50 EUR per hour"
    assert str(Price(Decimal(0), "RUB", None)) == "free"
    assert price.to_dict() == {
        "amount": "12.50",
        "currency": "EUR",
        "per": "hour",
        "note": "after the budget",
    }
    assert Price.from_dict(price.to_dict()) == price


# ------------------------------------------------------------------ covers


def test_covers_returns_none_for_covered_incidents() -> None:
    tier = make(third_party=True)
    for kind in INCIDENT_TYPES:
        for channel in (*CHANNELS, None):
            assert tier.covers(type=kind, third_party=True, channel=channel) is None


def test_covers_gives_the_reason_for_third_party_on_a_tier_without_it() -> None:
    assert make(id="SLA-1", name="Customer").covers(type="failure", third_party=True) == (
        "third-party plugins and integrations are not covered by SLA-1 Customer"
    )


def test_covers_gives_reasons_for_type_and_channel() -> None:
    tier = make(types={"failure"}, channels=("portal",))
    assert tier.covers(type="consultation", third_party=False) == (
        "consultations ('consultation') are not covered by T Test"
    )
    assert tier.covers(type="failure", third_party=False, channel="phone") == (
        "phone ('phone') is not a channel of T Test"
    )


def test_covers_refuses_unknown_values_rather_than_calling_them_uncovered() -> None:
    with pytest.raises(SlaclockValueError, match="'outage'"):
        make().covers(type="outage", third_party=False)
    with pytest.raises(SlaclockValueError, match="'fax'"):
        make().covers(type="failure", third_party=False, channel="fax")


# ------------------------------------------------------------------ replace


def test_replace_parses_text_and_validates() -> None:
    tier = make(calendar_name="office")
    changed = tier.replace(reaction="PT4H", budget="8h", at_risk="1/2")
    assert changed.reaction == timedelta(hours=4)
    assert changed.budget == timedelta(hours=8)
    assert changed.at_risk == Fraction(1, 2)
    assert tier.reaction == timedelta(hours=2)  # the original is untouched
    assert changed.replace(budget="unlimited").budget is None
    with pytest.raises(SlaclockValueError, match="positive"):
        tier.replace(reaction="PT0S")
    with pytest.raises(SlaclockTypeError, match=r"unknown field\(s\) 'reactoin'; fields: id, name"):
        tier.replace(reactoin="PT1H")


def test_replace_calendar_drops_the_catalog_name() -> None:
    tier = make(calendar_name="office")
    other = Calendar.always_open("UTC")
    assert tier.replace(calendar=other).calendar_name is None
    assert tier.replace(calendar=other, calendar_name="open").calendar_name == "open"


def test_replace_reads_price_mappings() -> None:
    tier = make(budget=timedelta(hours=8)).replace(
        price={"amount": 100, "currency": "EUR", "per": "month"},
        overage_rate={"amount": "9.90", "currency": "EUR", "per": "hour"},
    )
    assert tier.overage_rate == Price(Decimal("9.90"), "EUR", "hour")


# ------------------------------------------------------------------ from_dict / to_dict


def test_from_dict_minimal_uses_defaults() -> None:
    tier = Tier.from_dict(BASE, calendars=CALENDARS, id="T")
    assert tier == make(calendar_name="office")


def test_from_dict_with_id_key_and_inline_calendar() -> None:
    tier = Tier.from_dict(
        {"id": "X", "name": "X", "calendar": UTC_OFFICE.to_dict(), "reaction": "1h30m"}
    )
    assert tier.id == "X"
    assert tier.calendar == UTC_OFFICE
    assert tier.calendar_name is None
    assert tier.reaction == timedelta(hours=1, minutes=30)


def test_to_dict_inlines_the_calendar_on_request() -> None:
    tier = make(calendar_name="office")
    assert tier.to_dict()["calendar"] == "office"
    assert tier.to_dict(inline_calendar=True)["calendar"] == UTC_OFFICE.to_dict()
    inlined = Tier.from_dict(tier.to_dict(inline_calendar=True))
    assert inlined.calendar_name is None
    assert inlined == tier  # the same promise: calendar_name is provenance, not compared
    assert hash(inlined) == hash(tier)


@pytest.mark.parametrize(
    ("changes", "path", "needle"),
    [
        ({"reactoin": "PT2H"}, "tiers.T.reactoin", "did you mean 'reaction'?"),
        ({"reaction": None}, "tiers.T.reaction", "got None"),
        ({"reaction": "2 days"}, "tiers.T.reaction", "'2 days'"),
        ({"reaction": "P1D"}, "tiers.T.reaction", "'P1D' uses days"),
        ({"reaction": "PT0S"}, "tiers.T.reaction", "positive duration, got 'PT0S'"),
        ({"first_reaction": "-PT1H"}, "tiers.T.first_reaction", "'-PT1H'"),
        ({"resolution": 8}, "tiers.T.resolution", "got 8"),
        ({"name": ""}, "tiers.T.name", "non-empty string, got ''"),
        ({"name": 3}, "tiers.T.name", "got 3"),
        ({"calendar": "berlin"}, "tiers.T.calendar", "unknown calendar 'berlin'"),
        ({"calendar": 5}, "tiers.T.calendar", "got 5"),
        (
            {"calendar": {"tz": "UTC", "week": {"mon": [["9:00", "25:00"]]}}},
            "tiers.T.calendar.week.mon[0]",
            "'25:00'",
        ),
        ({"types": ["failure", "outage"]}, "tiers.T.types[1]", "unknown incident type 'outage'"),
        (
            {"types": "failure"},
            "tiers.T.types",
            "types must be a set of incident types, got 'failure'",
        ),
        ({"types": []}, "tiers.T.types", "non-empty set"),
        ({"channels": ["portal", "portal"]}, "tiers.T.channels[1]", "'portal' is listed twice"),
        ({"channels": ["skype"]}, "tiers.T.channels[0]", "'skype'"),
        ({"third_party": "yes"}, "tiers.T.third_party", "true or false, got 'yes'"),
        ({"contract_required": 1}, "tiers.T.contract_required", "got 1"),
        ({"pause_reaction_when_pending": None}, "tiers.T.pause_reaction_when_pending", "None"),
        ({"price": 300000}, "tiers.T.price", "got 300000"),
        ({"price": {"amount": 1, "currency": "RUB", "per": "hour"}}, "tiers.T.price.per", "'hour'"),
        ({"price": {"amount": "1,5", "currency": "RUB"}}, "tiers.T.price.amount", "'1,5'"),
        ({"budget": "lots"}, "tiers.T.budget", "'lots'"),
        ({"budget": "-PT8H"}, "tiers.T.budget", "'-PT8H'"),
        (
            {"overage_rate": {"amount": 1, "currency": "RUB", "per": "hour"}},
            "tiers.T.overage_rate",
            "needs a budget",
        ),
        (
            {"budget": "PT8H", "overage_rate": {"amount": 1, "currency": "RUB"}},
            "tiers.T.overage_rate.per",
            "must be per 'hour', got per None",
        ),
        (
            {
                "budget": "PT8H",
                "price": {"amount": 1, "currency": "EUR", "per": "month"},
                "overage_rate": {"amount": 1, "currency": "RUB", "per": "hour"},
            },
            "tiers.T.overage_rate.currency",
            "overage_rate currency 'RUB' differs from price currency 'EUR'",
        ),
        ({"at_risk": 0}, "tiers.T.at_risk", "share in (0, 1], got '0'"),
        ({"at_risk": 1.5}, "tiers.T.at_risk", "got '3/2'"),
        ({"at_risk": "most"}, "tiers.T.at_risk", "'most'"),
        ({"at_risk": "1/0"}, "tiers.T.at_risk", "'1/0'"),
        ({"cycle_rule": "newest"}, "tiers.T.cycle_rule", "got 'newest'"),
        ({"description": 5}, "tiers.T.description", "got 5"),
        ({"work_included": ["a", 2]}, "tiers.T.work_included[1]", "got 2"),
        ({"id": "U"}, "tiers.T.id", "'U' differs from the table key 'T'"),
    ],
)
def test_from_dict_errors_name_the_key_path_and_quote_the_value(
    changes: dict[str, Any], path: str, needle: str
) -> None:
    error = spec_error({**BASE, **changes})
    assert error.path == path
    assert needle in str(error)
    assert str(error).startswith(path + ": ")


@pytest.mark.parametrize("key", ["name", "calendar", "reaction"])
def test_from_dict_missing_required_key(key: str) -> None:
    mapping = {k: v for k, v in BASE.items() if k != key}
    error = spec_error(mapping)
    assert error.path == f"tiers.T.{key}"
    assert f"missing required key {key!r}" in str(error)


def test_from_dict_unknown_key_lists_the_accepted_keys() -> None:
    error = spec_error({**BASE, "colour": "red"})
    assert "unknown key 'colour'" in str(error)
    assert "accepted keys: at_risk, budget, calendar," in str(error)


def test_from_dict_without_id_anywhere() -> None:
    with pytest.raises(SpecError, match="missing required key 'id'"):
        Tier.from_dict(BASE, calendars=CALENDARS)


def test_from_dict_refuses_a_non_mapping() -> None:
    error = spec_error(["name", "T"])  # type: ignore[arg-type]
    assert error.path == "tiers.T"


tier_mappings = st.fixed_dictionaries(
    {
        "name": st.text(min_size=1).filter(str.strip),
        "calendar": st.just("office"),
        "reaction": st.integers(1, 10**6).map(lambda s: f"PT{s}S"),
    },
    optional={
        "first_reaction": st.integers(1, 10**5).map(lambda m: f"PT{m}M"),
        "resolution": st.integers(1, 500).map(lambda h: f"PT{h}H"),
        "types": st.lists(st.sampled_from(INCIDENT_TYPES), min_size=1, unique=True),
        "third_party": st.booleans(),
        "channels": st.lists(st.sampled_from(CHANNELS), min_size=1, unique=True),
        "price": st.fixed_dictionaries(
            {"amount": st.decimals(0, 10**9, places=2).map(str), "currency": st.just("RUB")},
            optional={"per": st.sampled_from(["year", "month"]), "note": st.text()},
        ),
        "budget": st.one_of(st.just("unlimited"), st.integers(0, 200).map(lambda h: f"{h}h")),
        "contract_required": st.booleans(),
        "at_risk": st.fractions(0, 1).filter(lambda f: f > 0).map(str),
        "cycle_rule": st.sampled_from(CYCLE_RULES),
        "pause_reaction_when_pending": st.booleans(),
        "description": st.text(),
        "work_included": st.lists(st.text(min_size=1).filter(str.strip)),
    },
)


@given(tier_mappings)
def test_to_dict_round_trips(mapping: dict[str, Any]) -> None:
    tier = Tier.from_dict(mapping, calendars=CALENDARS, id="T")
    data = tier.to_dict()
    again = Tier.from_dict(data, calendars=CALENDARS)
    assert again == tier
    assert hash(again) == hash(tier)
    assert again.calendar_name == tier.calendar_name == "office"
    assert again.to_dict() == data


def test_str_reads_as_the_promise_and_repr_is_the_code() -> None:
    tier = make(
        calendar_name="office",
        first_reaction=timedelta(hours=1),
        resolution=timedelta(hours=40),
        price=Price(Decimal(5), "EUR", "month"),
    )
    again = eval(repr(tier), vars(slaclock))
    assert again == tier and again.calendar_name == "office"
    assert repr(tier).startswith("Tier.from_dict({'id': 'T', 'name': 'Test', 'calendar': 'office'")
    assert str(tier) == (
        "Tier(id='T', name='Test', calendar='office', reaction='PT2H', first_reaction='PT1H', "
        "resolution='PT40H', budget='unlimited', price='5 EUR per month')"
    )


# ------------------------------------------------------------------ one set of rules


@pytest.mark.parametrize(
    ("changes", "typed"),
    [
        ({"reaction": "PT0S"}, {"reaction": timedelta(0)}),
        ({"budget": "-PT1H"}, {"budget": timedelta(hours=-1)}),
        ({"at_risk": "5/4"}, {"at_risk": Fraction(5, 4)}),
        ({"cycle_rule": "newest"}, {"cycle_rule": "newest"}),
        ({"channels": ["portal", "portal"]}, {"channels": ["portal", "portal"]}),
        ({"name": 3}, {"name": 3}),
        ({"work_included": ["a", ""]}, {"work_included": ["a", ""]}),
        (
            {"price": {"amount": 1, "currency": "RUB", "per": "hour"}},
            {"price": Price(Decimal(1), "RUB", "hour")},
        ),
    ],
)
def test_a_file_and_the_constructor_get_the_same_message(
    changes: dict[str, Any], typed: dict[str, Any]
) -> None:
    error = spec_error({**BASE, **changes})
    with pytest.raises((SlaclockValueError, SlaclockTypeError)) as info:
        make(**typed)
    assert str(info.value) == f"tier 'T': {error.reason}"


@pytest.mark.parametrize("text", ["PT99999999999H", "PT" + "9" * 5000 + "H", "9" * 5000 + "h"])
@pytest.mark.parametrize("key", ["reaction", "resolution", "budget"])
def test_an_oversized_duration_is_a_spec_error_naming_the_field(text: str, key: str) -> None:
    error = spec_error({**BASE, key: text})
    assert error.path == f"tiers.T.{key}"
    assert "too large" in error.reason or "too long" in error.reason
    assert len(str(error)) < 400


def test_price_from_a_file_and_the_constructor_share_their_rules() -> None:
    with pytest.raises(SpecError) as info:
        Price.from_dict({"amount": -5, "currency": "RUB"})
    assert info.value.path == "price.amount"
    with pytest.raises(SlaclockValueError) as direct:
        Price(Decimal(-5), "RUB", None)
    assert info.value.reason == str(direct.value)
