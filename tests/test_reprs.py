"""A value's repr is the code that builds it: a failing example pastes back into a test."""

from __future__ import annotations

import datetime
import decimal
import fractions
import zoneinfo
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.vendor.pretty import pretty

import slaclock
from slaclock import Calendar, Catalog, Event, Incident, Tier
from slaclock.strategies import calendars, catalogs, events, incidents, tiers

# What a test module that pastes a failing example has imported: slaclock's names
# (``from slaclock import *``); results also use the standard library's reprs.
NAMES: dict[str, Any] = {name: getattr(slaclock, name) for name in slaclock.__all__}
RESULT_NAMES: dict[str, Any] = {
    **NAMES,
    "datetime": datetime,
    "zoneinfo": zoneinfo,
    "Decimal": decimal.Decimal,
    "Fraction": fractions.Fraction,
}


def pasted(value: object, names: dict[str, Any] = NAMES) -> Any:
    return eval(repr(value), dict(names))


@given(calendars())
def test_calendar_repr_builds_an_equal_calendar(calendar: Calendar) -> None:
    assert pasted(calendar) == calendar
    # The pretty form (Hypothesis' falsifying examples, IPython) is the same code.
    assert eval(pretty(calendar), dict(NAMES)) == calendar


@given(tiers())
def test_tier_repr_builds_an_equal_tier(tier: Tier) -> None:
    again = pasted(tier)
    assert again == tier and again.calendar_name == tier.calendar_name
    assert eval(pretty(tier), dict(NAMES)) == tier


@given(catalogs(max_tiers=2))
def test_catalog_repr_builds_an_equal_catalog_with_named_calendars(catalog: Catalog) -> None:
    again = pasted(catalog)
    assert again == catalog
    assert [t.calendar_name for t in again.tiers.values()] == [
        t.calendar_name for t in catalog.tiers.values()
    ]
    assert eval(pretty(catalog), dict(NAMES)) == catalog


def test_catalog_repr_keeps_the_source() -> None:
    catalog = slaclock.default_catalog()
    again = pasted(catalog)
    assert again == catalog and again.source == catalog.source


@given(incidents())
def test_incident_repr_builds_an_equal_incident_in_the_same_zones(incident: Incident) -> None:
    again = pasted(incident)
    assert again == incident
    assert [e.at.utcoffset() for e in again.events] == [e.at.utcoffset() for e in incident.events]
    assert eval(pretty(incident), dict(NAMES)) == incident


@given(events())
def test_event_repr_builds_an_equal_event(event: Event) -> None:
    assert pasted(event) == event
    assert eval(pretty(event), dict(NAMES)) == event


def test_an_event_in_a_dst_fold_keeps_its_instant() -> None:
    # 01:30 happens twice in New York on 2024-11-03; fold=1 is the second, EST one.
    second = datetime.datetime(
        2024, 11, 3, 1, 30, fold=1, tzinfo=zoneinfo.ZoneInfo("America/New_York")
    )
    event = Event("customer_message", second)
    assert "2024-11-03T01:30:00-05:00[America/New_York]" in repr(event)
    assert pasted(event).at.utcoffset() == datetime.timedelta(hours=-5)


def test_price_repr_builds_an_equal_price() -> None:
    price = slaclock.Price(decimal.Decimal("12.50"), "EUR", "hour", "after the budget")
    assert pasted(price) == price
    assert str(price) == "12.50 EUR per hour"


@settings(max_examples=20)
@given(st.data())
def test_budget_and_cost_reprs_build_equal_results(data: st.DataObject) -> None:
    # Small results keep the dataclasses' own reprs: code once ``datetime`` and
    # ``Decimal`` are imported.  An evaluation, its clocks and a schedule have
    # one-line summaries instead (tests/test_notebook_views.py).
    tier = data.draw(tiers())
    incident = data.draw(incidents(tier=tier))
    at = incident.events[-1].at
    usage = slaclock.budget(tier, [incident], month=f"{at.year:04d}-{at.month:02d}")
    assert pasted(usage, RESULT_NAMES) == usage
    if tier.price is not None and tier.price.per in ("month", "year"):
        price = slaclock.cost(tier, used=usage.used, prorate=True)
        assert pasted(price, RESULT_NAMES) == price


def test_str_stays_short() -> None:
    catalog = slaclock.default_catalog()
    tier = catalog.tiers["SLA-3"]
    assert str(tier) == (
        "Tier(id='SLA-3', name='OnDemand', calendar='moscow', reaction='PT2H', "
        "budget='PT8H', price='20000 RUB per month')"
    )
    assert str(catalog.calendars["moscow"]) == (
        "Calendar(tz='Europe/Moscow', week='mon-fri 10:00-18:00', country='RU')"
    )
    incident = Incident.from_dict(
        {
            "id": "INC-7",
            "type": "failure",
            "events": [{"type": "opened", "at": "2026-11-27T17:30:00+03:00"}],
        }
    )
    assert str(incident) == "Incident('INC-7', failure, events: opened)"
    assert str(incident.events[0]) == "opened at 2026-11-27T17:30:00+03:00"


def test_an_incident_of_a_catalogs_own_vocabulary_keeps_it() -> None:
    words = slaclock.Vocabulary(types=("request",), channels=("email",))
    record = {
        "id": "R-1",
        "type": "request",
        "channel": "email",
        "events": [{"type": "opened", "at": "2026-11-27T17:30:00+03:00"}],
    }
    incident = Incident.from_dict(record, vocabulary=words)
    again = pasted(incident)
    assert again == incident and again.vocabulary == words
