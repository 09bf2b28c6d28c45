"""replace() means the same everywhere: typed field values, the constructor's checks, no guesses."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest

from slaclock import (
    Calendar,
    Catalog,
    Event,
    Incident,
    IncidentError,
    Price,
    SlaclockTypeError,
    SlaclockValueError,
    SpecError,
    default_catalog,
)

CATALOG = default_catalog()
MOSCOW = CATALOG.calendars["moscow"]
SLA2 = CATALOG.tiers["SLA-2"]
OPENED = Event("opened", datetime(2026, 11, 27, 14, 30, tzinfo=UTC))
INCIDENT = Incident("INC-1", "failure", events=(OPENED,))
PRICE = Price(Decimal(20000), "RUB", "month")
HOUR_US = 3_600_000_000


@pytest.mark.parametrize(
    ("value", "fields"),
    [
        (MOSCOW, "tz, week, weeks, holidays, overrides, country, subdiv, pre_holiday"),
        (SLA2, "id, name, calendar, reaction, first_reaction"),
        (CATALOG, "calendars, tiers, source"),
        (INCIDENT, "id, type, channel, third_party, events, tier"),
        (OPENED, "kind, at, duration, by"),
        (PRICE, "amount, currency, per, note"),
    ],
    ids=["Calendar", "Tier", "Catalog", "Incident", "Event", "Price"],
)
def test_unknown_fields_are_a_type_error_listing_the_fields(value: Any, fields: str) -> None:
    with pytest.raises(SlaclockTypeError) as info:
        value.replace(colour="red")
    message = str(info.value)
    assert f"{type(value).__name__}.replace() got unknown field(s) 'colour'" in message
    assert f"fields: {fields}" in message
    assert value.replace() == value


def test_private_fields_are_not_fields() -> None:
    with pytest.raises(SlaclockTypeError, match="'_us'"):
        INCIDENT.replace(_us=())
    with pytest.raises(SlaclockTypeError, match="'_timeline'"):
        MOSCOW.replace(_timeline=None)


def test_calendar_replace_takes_its_own_typed_values() -> None:
    assert MOSCOW.replace(week=MOSCOW.week) == MOSCOW
    nine = ((9 * HOUR_US, 17 * HOUR_US),)
    other = MOSCOW.replace(week=(nine,) * 5 + ((), ()))
    assert other.to_dict()["week"]["mon"] == [["09:00", "17:00"]]
    eve = MOSCOW.replace(holidays=frozenset({date(2026, 12, 30)}))
    assert not eve.is_open(datetime(2026, 12, 30, 12, tzinfo=MOSCOW.zone))
    short = MOSCOW.replace(pre_holiday=timedelta(hours=1))
    assert short.pre_holiday == timedelta(hours=1)
    assert MOSCOW.replace(country=None).country is None
    assert MOSCOW.replace(tz="Europe/Berlin").zone.key == "Europe/Berlin"


def test_calendar_replace_checks_like_the_constructor() -> None:
    for changes in (
        {"week": ((), (), ())},
        {"pre_holiday": timedelta(hours=30)},
        {"holidays": frozenset({"2026-12-30"})},
        {"tz": "Nowhere/Atlantis"},
        {"subdiv": "MOW", "country": None},
    ):
        with pytest.raises(SpecError):
            MOSCOW.replace(**changes)


def test_calendar_replace_still_reads_spec_forms_and_from_dict_is_the_spec_way() -> None:
    by_spec = Calendar.from_dict({**MOSCOW.to_dict(), "holidays": ["2026-12-30"]})
    assert MOSCOW.replace(holidays=["2026-12-30"]) == by_spec
    assert MOSCOW.replace(holidays=frozenset({date(2026, 12, 30)})) == by_spec
    assert MOSCOW.replace(pre_holiday="PT1H").pre_holiday == timedelta(hours=1)


def test_tier_replace_takes_typed_values_and_checks_them() -> None:
    faster = SLA2.replace(reaction=timedelta(minutes=30), at_risk=Fraction(1, 2))
    assert faster.reaction == timedelta(minutes=30)
    assert faster.calendar_name == "moscow"
    with pytest.raises(SlaclockValueError, match="reaction must be a positive duration"):
        SLA2.replace(reaction=timedelta(0))
    with pytest.raises(SlaclockTypeError, match="price must be a Price"):
        SLA2.replace(price=20000)
    assert SLA2.replace(reaction="PT30M") == faster.replace(at_risk=SLA2.at_risk)  # text still read


def test_price_event_and_incident_replace_check_like_construction() -> None:
    assert PRICE.replace(per="year").per == "year"
    with pytest.raises(SlaclockValueError, match="'week'"):
        PRICE.replace(per="week")
    later = OPENED.replace(at=datetime(2026, 11, 28, tzinfo=UTC))
    assert later.at.day == 28 and later.by == "customer"
    with pytest.raises(IncidentError, match="no time zone"):
        OPENED.replace(at=datetime(2026, 11, 28))
    reply = Event("agent_reply", datetime(2026, 11, 27, 15, tzinfo=UTC))
    assert INCIDENT.replace(events=(OPENED, reply)).events[1] == reply
    with pytest.raises(IncidentError, match="the first event must be 'opened'"):
        INCIDENT.replace(events=(reply, OPENED))
    with pytest.raises(IncidentError, match="unknown incident type"):
        INCIDENT.replace(type="outage")


def test_catalog_replace_calendars_repoints_the_tiers_naming_them() -> None:
    longer = MOSCOW.replace(week=(((9 * HOUR_US, 18 * HOUR_US),),) * 5 + ((), ()))
    what_if = CATALOG.replace(calendars={**CATALOG.calendars, "moscow": longer})
    for key, tier in what_if.tiers.items():
        assert tier.calendar == longer
        assert tier.calendar_name == "moscow"
        assert tier.replace(calendar=MOSCOW, calendar_name="moscow") == CATALOG.tiers[key]
    assert CATALOG.tiers["SLA-2"].calendar == MOSCOW  # the original is untouched
    assert Catalog.from_dict(what_if.to_dict()) == what_if


def test_catalog_replace_without_a_named_calendar_says_what_to_do() -> None:
    with pytest.raises(SlaclockValueError) as info:
        CATALOG.replace(calendars={})
    assert "names calendar 'moscow', which this catalog does not have" in str(info.value)
    with pytest.raises(SlaclockValueError, match="holds a different calendar"):
        Catalog(
            CATALOG.calendars,
            {"SLA-2": SLA2.replace(calendar=Calendar.always_open(), calendar_name="moscow")},
        )
