"""Catalogs: the default catalog's seed facts, file loading, round-trips and key-path errors."""

from __future__ import annotations

import json
import pickle
from datetime import date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

import slaclock
from slaclock import (
    Calendar,
    Catalog,
    Price,
    SlaclockTypeError,
    SlaclockValueError,
    SpecError,
    Tier,
    default_catalog,
    load_catalog,
    load_catalog_text,
)

MSK = ZoneInfo("Europe/Moscow")
DATA = Path(slaclock.__file__).parent / "data" / "default_catalog.toml"

SMALL = {
    "calendars": {"utc": {"tz": "UTC", "week": {"mon": [["09:00", "17:00"]]}}},
    "tiers": {"gold": {"name": "Gold", "calendar": "utc", "reaction": "PT4H"}},
}

SMALL_TOML = """\
# a small catalog
[calendars.utc]
tz = "UTC"
week = { mon = [["09:00", "17:00"]] }

[tiers.gold]
name = "Gold"
calendar = "utc"
reaction = "PT4H"
price = { amount = 12.50, currency = "EUR", per = "month" }
"""


def catalog_error(mapping: Any) -> SpecError:
    with pytest.raises(SpecError) as info:
        load_catalog(mapping)
    return info.value


# ------------------------------------------------------------------ the default catalog


def test_default_catalog_is_cached_and_the_same_object() -> None:
    assert default_catalog() is default_catalog()
    assert default_catalog().source == "slaclock/data/default_catalog.toml"


def test_default_catalog_has_the_four_tiers_in_page_order() -> None:
    tiers = default_catalog().tiers
    assert list(tiers) == ["SLA-1", "SLA-2", "SLA-3", "SLA-4"]
    assert [t.name for t in tiers.values()] == ["Customer", "Enterprise", "OnDemand", "Hoster"]


@pytest.mark.parametrize(
    ("tier_id", "hours"), [("SLA-1", 8), ("SLA-2", 2), ("SLA-3", 2), ("SLA-4", 1)]
)
def test_default_reaction_times_in_working_hours(tier_id: str, hours: int) -> None:
    tier = default_catalog().tiers[tier_id]
    assert tier.reaction == timedelta(hours=hours)
    assert tier.first_reaction is None
    assert tier.first_reaction_target == timedelta(hours=hours)
    assert tier.resolution is None


def test_default_prices() -> None:
    tiers = default_catalog().tiers
    sla1 = tiers["SLA-1"].price
    assert sla1 is not None
    assert (sla1.amount, sla1.currency, sla1.per) == (Decimal(0), "RUB", None)
    assert "maintenance package" in sla1.note
    assert tiers["SLA-2"].price == Price(Decimal(300000), "RUB", "year", "unlimited hours")
    sla3 = tiers["SLA-3"].price
    assert sla3 is not None
    assert (sla3.amount, sla3.currency, sla3.per) == (Decimal(20000), "RUB", "month")
    sla4 = tiers["SLA-4"].price
    assert sla4 is not None
    assert (sla4.amount, sla4.per) == (Decimal(0), None)


def test_default_budgets_only_sla3_has_eight_hours_a_month() -> None:
    tiers = default_catalog().tiers
    assert tiers["SLA-3"].budget == timedelta(hours=8)
    for tier_id in ("SLA-1", "SLA-2", "SLA-4"):
        assert tiers[tier_id].budget is None
    assert all(t.overage_rate is None for t in tiers.values())


def test_default_scope_third_party_only_on_sla2_to_4() -> None:
    tiers = default_catalog().tiers
    assert {k: t.third_party for k, t in tiers.items()} == {
        "SLA-1": False,
        "SLA-2": True,
        "SLA-3": True,
        "SLA-4": True,
    }
    assert tiers["SLA-1"].covers(type="failure", third_party=True) == (
        "third-party plugins and integrations are not covered by SLA-1 Customer"
    )
    assert tiers["SLA-2"].covers(type="failure", third_party=True) is None


def test_default_contract_required_on_sla2_to_4() -> None:
    assert {k: t.contract_required for k, t in default_catalog().tiers.items()} == {
        "SLA-1": False,
        "SLA-2": True,
        "SLA-3": True,
        "SLA-4": True,
    }


def test_default_types_and_channels_are_all_three_on_every_tier() -> None:
    for tier in default_catalog().tiers.values():
        assert tier.types == frozenset({"failure", "module_failure", "consultation"})
        assert tier.channels == ("portal", "remote", "phone")


def test_default_slaclock_choices_are_the_documented_defaults() -> None:
    for tier in default_catalog().tiers.values():
        assert tier.at_risk == Fraction(3, 4)
        assert tier.cycle_rule == "oldest_unanswered"
        assert tier.pause_reaction_when_pending is False
        assert tier.calendar_name == "moscow"
        assert tier.calendar is default_catalog().calendars["moscow"]


def test_default_work_included() -> None:
    tiers = default_catalog().tiers
    support = ("user consultations and support", "connecting on system failures and outages")
    assert tiers["SLA-1"].work_included == ("technical consultations", "functional consultations")
    assert tiers["SLA-2"].work_included == support
    assert tiers["SLA-3"].work_included == (
        "application configuration and plugin development",
        *support,
    )
    assert tiers["SLA-4"].work_included == support


def test_default_calendar_is_moscow_10_to_18_on_the_russian_production_calendar() -> None:
    cal = default_catalog().calendars["moscow"]
    assert cal.tz == "Europe/Moscow"
    assert cal.to_dict()["country"] == {"code": "RU"}
    week = cal.to_dict()["week"]
    for day in ("mon", "tue", "wed", "thu", "fri"):
        assert week[day] == [["10:00", "18:00"]]
    assert not week.get("sat") and not week.get("sun")
    # An ordinary Monday.
    assert cal.hours_on(date(2026, 11, 23)) == (
        (datetime(2026, 11, 23, 10, tzinfo=MSK), datetime(2026, 11, 23, 18, tzinfo=MSK)),
    )
    # Public holidays off: New Year, and Unity Day (Wednesday 4 November 2026).
    assert cal.hours_on(date(2026, 1, 1)) == ()
    assert cal.hours_on(date(2026, 11, 4)) == ()
    # Before open, at open, at close.
    assert not cal.is_open(datetime(2026, 11, 23, 9, 59, tzinfo=MSK))
    assert cal.is_open(datetime(2026, 11, 23, 10, 0, tzinfo=MSK))
    assert not cal.is_open(datetime(2026, 11, 23, 18, 0, tzinfo=MSK))


def test_default_calendar_works_transferred_saturdays() -> None:
    cal = default_catalog().calendars["moscow"]
    # Saturday 1 November 2025 was a working day (transferred from 3 November).
    saturday = date(2025, 11, 1)
    assert saturday.weekday() == 5
    assert cal.hours_on(saturday) == (
        (datetime(2025, 11, 1, 10, tzinfo=MSK), datetime(2025, 11, 1, 18, tzinfo=MSK)),
    )
    assert cal.hours_on(date(2025, 11, 3)) == ()
    # An ordinary Saturday stays closed.
    assert cal.hours_on(date(2025, 11, 8)) == ()


def test_default_catalog_file_cites_its_source_and_names_slaclock_choices() -> None:
    head = DATA.read_text(encoding="utf-8").split("[calendars.moscow]")[0]
    assert "Source:" in head and "SLA page" in head
    assert "DESIGN" not in head and "shared/" not in head
    assert "slaclock's own choices" in head
    assert "at_risk" in head and "cycle_rule" in head


def test_default_catalog_round_trips() -> None:
    catalog = default_catalog()
    assert load_catalog(catalog.to_dict()) == catalog
    assert hash(load_catalog(catalog.to_dict())) == hash(catalog)
    assert load_catalog(DATA) == catalog


# ------------------------------------------------------------------ Catalog value


def test_catalog_mappings_are_read_only_ordered_and_hashable() -> None:
    catalog = load_catalog(SMALL)
    with pytest.raises(TypeError):
        catalog.tiers["x"] = catalog.tiers["gold"]  # type: ignore[index]
    with pytest.raises(AttributeError):
        catalog.tiers = {}  # type: ignore[misc]
    assert {catalog: 1}[load_catalog(SMALL)] == 1
    assert catalog.tiers == {"gold": catalog.tiers["gold"]}


def test_catalog_missing_tier_key_error_names_the_known_ones() -> None:
    with pytest.raises(KeyError, match=r"no tier 'SLA-9'; known: 'SLA-1', 'SLA-2'"):
        default_catalog().tiers["SLA-9"]


def test_catalog_pickles() -> None:
    catalog = default_catalog()
    again = pickle.loads(pickle.dumps(catalog))
    assert again == catalog
    assert again.source == catalog.source
    assert again.tiers["SLA-3"].budget == timedelta(hours=8)


def test_catalog_str_is_readable() -> None:
    assert str(default_catalog()) == (
        "Catalog(calendars=['moscow'], tiers=['SLA-1', 'SLA-2', 'SLA-3', 'SLA-4'], "
        "source='slaclock/data/default_catalog.toml')"
    )


def test_catalog_equality_ignores_source() -> None:
    assert load_catalog_text(SMALL_TOML, format="toml", source="a.toml") == load_catalog_text(
        SMALL_TOML, format="toml"
    )


def test_catalog_replace_for_what_ifs() -> None:
    catalog = default_catalog()
    sla3 = catalog.tiers["SLA-3"].replace(reaction="PT4H")
    changed = catalog.replace(tiers={**catalog.tiers, "SLA-3": sla3})
    assert changed.tiers["SLA-3"].reaction == timedelta(hours=4)
    assert catalog.tiers["SLA-3"].reaction == timedelta(hours=2)
    assert changed != catalog
    with pytest.raises(SlaclockTypeError, match=r"unknown field\(s\) 'tier'; fields: calendars"):
        catalog.replace(tier={})


def test_catalog_construction_checks_consistency() -> None:
    catalog = load_catalog(SMALL)
    gold = catalog.tiers["gold"]
    with pytest.raises(SlaclockValueError, match="tiers\\['silver'\\] holds a tier with id 'gold'"):
        Catalog(catalog.calendars, {"silver": gold})
    with pytest.raises(SlaclockValueError, match="names calendar 'utc'"):
        Catalog({}, {"gold": gold})
    with pytest.raises(SlaclockTypeError, match=r"must be a slaclock\.Tier"):
        Catalog({}, {"gold": {"name": "Gold"}})
    with pytest.raises(SlaclockTypeError, match=r"must be a slaclock\.Calendar"):
        Catalog({"utc": "UTC"}, {})
    # A tier with an unnamed calendar writes it inline, and reads back the same.
    free = gold.replace(calendar=Calendar.always_open("UTC"))
    inline = Catalog({}, {"gold": free})
    assert isinstance(inline.to_dict()["tiers"]["gold"]["calendar"], dict)
    assert load_catalog(inline.to_dict()) == inline


# ------------------------------------------------------------------ files and text


def test_load_toml_file(tmp_path: Path) -> None:
    path = tmp_path / "catalog.toml"
    path.write_text(SMALL_TOML, encoding="utf-8")
    catalog = load_catalog(path)
    assert catalog.source == str(path)
    assert catalog.tiers["gold"].price == Price(Decimal("12.50"), "EUR", "month")
    assert load_catalog(str(path)) == catalog


def test_load_json_file_with_exact_decimals(tmp_path: Path) -> None:
    path = tmp_path / "catalog.JSON"
    text = json.dumps(SMALL).replace(
        '"PT4H"', '"PT4H", "price": {"amount": 0.10, "currency": "EUR", "per": "month"}'
    )
    path.write_text(text, encoding="utf-8")
    catalog = load_catalog(path)
    assert catalog.tiers["gold"].price == Price(Decimal("0.10"), "EUR", "month")


def test_to_dict_is_json_safe_and_round_trips_through_a_json_file(tmp_path: Path) -> None:
    path = tmp_path / "copy.json"
    path.write_text(json.dumps(default_catalog().to_dict()), encoding="utf-8")
    assert load_catalog(path) == default_catalog()


def test_a_string_is_a_path_never_text() -> None:
    with pytest.raises(SlaclockValueError, match="looks like catalog text; use load_catalog_text"):
        load_catalog(SMALL_TOML)
    with pytest.raises(SlaclockValueError, match="looks like catalog text"):
        load_catalog(json.dumps(SMALL))


def test_file_name_must_say_the_format(tmp_path: Path) -> None:
    path = tmp_path / "catalog.yaml"
    path.write_text("tiers: {}", encoding="utf-8")
    with pytest.raises(SlaclockValueError, match=r"catalog.yaml'.*\.toml or \.json"):
        load_catalog(path)


def test_missing_file_raises_os_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        load_catalog(tmp_path / "nope.toml")


@pytest.mark.parametrize("value", [42, b"tiers", None, ["tiers"]])
def test_load_catalog_refuses_other_types(value: Any) -> None:
    with pytest.raises(SlaclockTypeError, match=r"path to a \.toml or \.json file or a mapping"):
        load_catalog(value)


def test_load_catalog_text_formats() -> None:
    assert load_catalog_text(json.dumps(SMALL), format="json") == load_catalog(SMALL)
    with pytest.raises(SlaclockValueError, match="format must be 'toml' or 'json', got 'yaml'"):
        load_catalog_text("", format="yaml")  # type: ignore[arg-type]


def test_toml_syntax_error_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text('[tiers.gold]\nname = "Gold"\nreaction = PT4H\n', encoding="utf-8")
    with pytest.raises(SpecError) as info:
        load_catalog(path)
    assert info.value.line == 3
    assert str(info.value).startswith("line 3: invalid TOML in ")
    assert "bad.toml" in str(info.value)


DOCUMENTED_TOML = """\
[calendars.moscow]
tz = "Europe/Moscow"
country = { code = "RU" }
week = { mon = [["10:00", "18:00"]], tue = [["10:00", "18:00"]], wed = [["10:00", "18:00"]],
         thu = [["10:00", "18:00"]], fri = [["10:00", "18:00"]] }

[tiers.SLA-3]
name = "OnDemand"
calendar = "moscow"
reaction = "PT2H"
# first_reaction = "PT1H"  # optional: a different target for the first cycle
types = ["failure", "module_failure", "consultation"]
third_party = true
channels = ["portal", "remote", "phone"]
price = { amount = 20000, currency = "RUB", per = "month" }
budget = "PT8H"            # working hours included per calendar month
contract_required = true
"""


def test_the_design_catalog_layout_reads_as_toml_1_1(tmp_path: Path) -> None:
    # The documented catalog spreads an inline table over two lines: TOML 1.1, not 1.0.
    path = tmp_path / "design.toml"
    path.write_text(DOCUMENTED_TOML, encoding="utf-8")
    catalog = load_catalog(path)
    default = default_catalog()
    assert catalog.calendars["moscow"] == default.calendars["moscow"]
    assert catalog.tiers["SLA-3"] == default.tiers["SLA-3"].replace(
        price=Price(Decimal(20000), "RUB", "month"), description="", work_included=()
    )


def test_inline_table_with_a_trailing_comma_reads() -> None:
    text = SMALL_TOML.replace('per = "month" }', 'per = "month", }')
    assert load_catalog_text(text, format="toml").tiers["gold"].price is not None


def test_json_syntax_error_names_the_line() -> None:
    with pytest.raises(SpecError) as info:
        load_catalog_text('{"tiers": {\n  "gold": {\n    "name": "Gold",\n  }\n}}', format="json")
    assert info.value.line == 4
    assert "invalid JSON" in str(info.value)


def test_content_error_in_a_file_names_the_path_and_notes_the_file(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text(SMALL_TOML.replace('reaction = "PT4H"', 'reaction = "4 days"'), "utf-8")
    with pytest.raises(SpecError) as info:
        load_catalog(path)
    assert info.value.path == "tiers.gold.reaction"
    assert "'4 days'" in str(info.value)
    assert any(str(path) in note for note in info.value.__notes__)


# ------------------------------------------------------------------ mapping errors


def with_tier(**changes: Any) -> dict[str, Any]:
    return {
        "calendars": SMALL["calendars"],
        "tiers": {"gold": {**SMALL["tiers"]["gold"], **changes}},
    }


@pytest.mark.parametrize(
    ("mapping", "path", "needle"),
    [
        ({"tiers": SMALL["tiers"], "tier": {}}, "tier", "unknown key 'tier'"),
        ({"calendars": SMALL["calendars"]}, "tiers", "missing required key 'tiers'"),
        ({"tiers": {}}, "tiers", "at least one tier"),
        ({"tiers": []}, "tiers", "got []"),
        ({"calendars": [], "tiers": SMALL["tiers"]}, "calendars", "got []"),
        (
            {**SMALL, "calendars": {"utc": "UTC"}},
            "calendars.utc",
            "expected a calendar table, got 'UTC'",
        ),
        (
            {**SMALL, "calendars": {"utc": {"tz": "UTC", "week": {"mon": [["09:00", "1700"]]}}}},
            "calendars.utc.week.mon[0]",
            "'1700'",
        ),
        (
            {**SMALL, "calendars": {"utc": {"tz": "Mars/Olympus", "week": {}}}},
            "calendars.utc.tz",
            "'Mars/Olympus'",
        ),
        (
            {**SMALL, "calendars": {"utc": {"tz": "UTC", "week": {}, "hours": 1}}},
            "calendars.utc.hours",
            "'hours'",
        ),
        ({"tiers": {"gold": "Gold"}}, "tiers.gold", "got 'Gold'"),
        (with_tier(calendar="moscow"), "tiers.gold.calendar", "unknown calendar 'moscow'"),
        (with_tier(reaction="PT4X"), "tiers.gold.reaction", "'PT4X'"),
        (with_tier(reation="PT4H"), "tiers.gold.reation", "did you mean 'reaction'?"),
        (with_tier(types=["bug"]), "tiers.gold.types[0]", "'bug'"),
        (
            with_tier(budget="PT8H", overage_rate={"amount": 1, "currency": "RUB"}),
            "tiers.gold.overage_rate.per",
            "got per None",
        ),
        (
            with_tier(price={"amount": 1, "currency": "RUB", "period": "year"}),
            "tiers.gold.price.period",
            "unknown key 'period'",
        ),
    ],
)
def test_mapping_errors_name_the_key_path(mapping: Any, path: str, needle: str) -> None:
    error = catalog_error(mapping)
    assert error.path == path
    assert needle in str(error)
    assert isinstance(error, ValueError) and isinstance(error, slaclock.SlaclockError)


def test_error_from_a_toml_file_keeps_the_key_path(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text(SMALL_TOML.replace('["09:00", "17:00"]', '["09:00"]'), "utf-8")
    with pytest.raises(SpecError) as info:
        load_catalog(path)
    assert info.value.path == "calendars.utc.week.mon[0]"


def test_unknown_top_level_key_lists_accepted_keys() -> None:
    error = catalog_error({**SMALL, "meta": {}})
    assert "accepted keys: calendars, channels, tiers, types" in str(error)


def test_loaded_tiers_are_tiers_on_catalog_calendars() -> None:
    catalog = load_catalog(SMALL)
    assert isinstance(catalog.tiers["gold"], Tier)
    assert catalog.tiers["gold"].calendar is catalog.calendars["utc"]


# ------------------------------------------------------------------ vocabulary

DESK = {
    "types": ["incident", "service_request", "question"],
    "channels": ["email", "chat"],
    "calendars": SMALL["calendars"],
    "tiers": {
        "basic": {
            "name": "Basic",
            "calendar": "utc",
            "reaction": "PT8H",
            "types": ["incident", "question"],
            "channels": ["email"],
        },
        "full": {"name": "Full", "calendar": "utc", "reaction": "PT2H"},
    },
}


def desk_record(**changes: Any) -> dict[str, Any]:
    record = {
        "id": "T-1",
        "type": "incident",
        "channel": "chat",
        "events": [{"type": "opened", "at": "2026-11-30T10:00:00Z"}],
    }
    return {**record, **changes}


def test_the_default_vocabulary_is_the_origins_and_is_not_written() -> None:
    catalog = default_catalog()
    assert catalog.vocabulary == slaclock.Vocabulary()
    assert catalog.vocabulary.types == ("failure", "module_failure", "consultation")
    assert catalog.vocabulary.channels == ("portal", "remote", "phone")
    assert not {"types", "channels"} & set(catalog.to_dict())
    assert all(tier.vocabulary == catalog.vocabulary for tier in catalog.tiers.values())


def test_a_catalog_declares_its_own_types_and_channels() -> None:
    desk = load_catalog(DESK)
    assert desk.vocabulary.types == ("incident", "service_request", "question")
    assert desk.vocabulary.channels == ("email", "chat")
    full, basic = desk.tiers["full"], desk.tiers["basic"]
    assert full.types == frozenset(desk.vocabulary.types)  # the default: all of them
    assert full.channels == desk.vocabulary.channels
    assert basic.types == {"incident", "question"} and basic.channels == ("email",)
    assert full.vocabulary == basic.vocabulary == desk.vocabulary


def test_one_declared_list_keeps_the_others_default() -> None:
    desk = load_catalog({**SMALL, "channels": ["email"]})
    assert desk.vocabulary.types == ("failure", "module_failure", "consultation")
    assert desk.tiers["gold"].channels == ("email",)


def test_a_catalog_with_its_own_vocabulary_round_trips(tmp_path: Path) -> None:
    desk = load_catalog(DESK)
    data = desk.to_dict()
    assert data["types"] == DESK["types"] and data["channels"] == DESK["channels"]
    assert load_catalog(data) == desk
    path = tmp_path / "desk.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert load_catalog(path) == desk
    assert pickle.loads(pickle.dumps(desk)) == desk
    tier = desk.tiers["basic"]
    back = Tier.from_dict(tier.to_dict(), calendars=desk.calendars, vocabulary=desk.vocabulary)
    assert back == tier


@pytest.mark.parametrize(
    ("changes", "path", "needle"),
    [
        ({"types": "incident"}, "types", "must be a list of names"),
        ({"types": []}, "types", "at least one name"),
        ({"types": ["incident", "incident"]}, "types[1]", "'incident' is listed twice"),
        ({"channels": ["email", 3]}, "channels[1]", "must be a name"),
        ({"channels": [" email"]}, "channels[0]", "without surrounding blanks"),
        ({"types": ["incident", ""]}, "types[1]", "must be a name"),
        ({"types": ["incident"]}, "tiers.basic.types[1]", "unknown incident type 'question'"),
        ({"channels": ["chat"]}, "tiers.basic.channels[0]", "unknown channel 'email'"),
    ],
)
def test_vocabulary_errors_name_the_key_path(
    changes: dict[str, Any], path: str, needle: str
) -> None:
    error = catalog_error({**DESK, **changes})
    assert error.path == path
    assert needle in str(error)


def test_a_tier_scoped_to_an_undeclared_type_is_refused_at_load() -> None:
    mapping = {**DESK, "tiers": {"gold": {**DESK["tiers"]["full"], "types": ["failure"]}}}
    error = catalog_error(mapping)
    assert error.path == "tiers.gold.types[0]"
    assert str(error).endswith(
        "unknown incident type 'failure'; expected one of 'incident', 'service_request', 'question'"
    )


def test_records_are_read_against_the_catalogs_vocabulary() -> None:
    desk = load_catalog(DESK)
    incident = slaclock.Incident.from_dict(desk_record(), vocabulary=desk.vocabulary)
    assert slaclock.evaluate(incident, desk.tiers["full"]).covered
    # A declared type or channel a tier does not cover: "not covered", with the reason.
    result = slaclock.evaluate(incident, desk.tiers["basic"])
    assert not result.covered and "'chat') is not a channel of basic Basic" in (result.reason or "")
    # Outside the vocabulary: bad input, named.
    with pytest.raises(slaclock.IncidentError) as info:
        slaclock.Incident.from_dict(desk_record(type="failure"), vocabulary=desk.vocabulary)
    assert info.value.path == "type" and "expected one of 'incident'" in info.value.reason
    with pytest.raises(slaclock.IncidentError) as info:
        slaclock.Incident.from_dict(desk_record(channel="portal"), vocabulary=desk.vocabulary)
    assert info.value.path == "channel" and "unknown channel 'portal'" in info.value.reason
    # Without a vocabulary a record is read against the origin's: its types are unknown.
    with pytest.raises(slaclock.IncidentError, match="unknown incident type 'incident'"):
        slaclock.Incident.from_dict(desk_record())


def test_an_incident_keeps_its_vocabulary_through_replace_and_with_events() -> None:
    desk = load_catalog(DESK)
    incident = slaclock.Incident.from_dict(desk_record(), vocabulary=desk.vocabulary)
    assert incident.replace(type="question").type == "question"
    later = incident.with_events({"type": "agent_reply", "at": "2026-11-30T11:00:00Z"})
    assert later.vocabulary == desk.vocabulary
    assert pickle.loads(pickle.dumps(later)).vocabulary == desk.vocabulary
    with pytest.raises(slaclock.IncidentError, match="unknown incident type 'failure'"):
        incident.replace(type="failure")


def test_an_incident_of_another_vocabulary_is_refused_by_the_tier() -> None:
    desk = load_catalog(DESK)
    origin = slaclock.Incident.from_dict(desk_record(type="failure", channel="portal"))
    with pytest.raises(SlaclockValueError, match="unknown incident type 'failure'"):
        slaclock.evaluate(origin, desk.tiers["full"])


def test_read_incidents_and_analysis_read_against_the_vocabulary() -> None:
    import io

    from slaclock.analysis import Summary, evaluate_jsonl

    desk = load_catalog(DESK)
    good = json.dumps(desk_record())
    bad = json.dumps(desk_record(id="T-2", type="failure"))
    reader = slaclock.read_incidents(
        io.StringIO(f"{good}\n{bad}\n"), errors="collect", vocabulary=desk.vocabulary
    )
    [incident] = list(reader)
    assert reader.errors.lines == (2,)
    want = Summary.from_evaluation(slaclock.evaluate(incident, desk.tiers["full"]), incident)
    for engine in ("python", "numpy"):
        for source in (desk.tiers["full"], desk.replace(tiers={"full": desk.tiers["full"]})):
            lines = [
                json.dumps({**desk_record(), "tier": "full"}),
                json.dumps({**desk_record(id="T-2", type="failure"), "tier": "full"}),
            ]
            rows = evaluate_jsonl(lines, source, errors="collect", engine=engine)
            assert list(rows) == [want]
            [error] = rows.errors
            assert error.line == 2 and "unknown incident type 'failure'" in str(error)


def test_a_catalog_refuses_a_tier_of_another_vocabulary_and_replace_moves_them_all() -> None:
    desk = load_catalog(DESK)
    with pytest.raises(SlaclockValueError, match=r"vocabulary=catalog\.vocabulary"):
        Catalog(
            desk.calendars,
            {
                "gold": default_catalog()
                .tiers["SLA-2"]
                .replace(id="gold", calendar=desk.calendars["utc"], calendar_name="utc")
            },
            vocabulary=desk.vocabulary,
        )
    wider = slaclock.Vocabulary(
        types=(*desk.vocabulary.types, "outage"), channels=desk.vocabulary.channels
    )
    moved = desk.replace(vocabulary=wider)
    assert all(tier.vocabulary == wider for tier in moved.tiers.values())
    assert moved.tiers["basic"].types == desk.tiers["basic"].types  # scope kept
    with pytest.raises(SlaclockValueError, match="unknown incident type 'question'"):
        desk.replace(
            vocabulary=slaclock.Vocabulary(types=("incident",), channels=("email", "chat"))
        )


def test_a_tier_built_on_a_vocabulary_defaults_to_all_of_it() -> None:
    desk = load_catalog(DESK)
    tier = Tier("t", "T", desk.calendars["utc"], timedelta(hours=1), vocabulary=desk.vocabulary)
    assert tier.types == frozenset(desk.vocabulary.types)
    assert tier.channels == desk.vocabulary.channels
    with pytest.raises(SlaclockValueError, match="unknown channel 'portal'"):
        tier.replace(channels=("portal",))
    assert tier.covers(type="question", third_party=False, channel="chat") is None


def test_the_command_line_reads_records_with_the_catalogs_vocabulary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from slaclock.cli import main

    catalog = tmp_path / "desk.json"
    catalog.write_text(json.dumps(DESK), encoding="utf-8")
    log = tmp_path / "log.jsonl"
    log.write_text(json.dumps({**desk_record(), "tier": "full"}) + "\n", encoding="utf-8")
    assert main(["evaluate", str(log), "--catalog", str(catalog)]) == 0
    assert "T-1" in capsys.readouterr().out
    log.write_text(json.dumps({**desk_record(type="failure"), "tier": "full"}) + "\n", "utf-8")
    assert main(["evaluate", str(log), "--catalog", str(catalog)]) == 1
    err = capsys.readouterr().err
    assert "line 1" in err and "unknown incident type 'failure'" in err
