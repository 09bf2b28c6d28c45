"""slaclock.strategies generates valid values, shrinks where it promises, and hits the edges."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import find, given
from hypothesis import strategies as st

import slaclock
from slaclock import Calendar, Incident, Tier
from slaclock.strategies import calendars, durations, incidents, instants, tiers

H = timedelta(hours=1)


def test_calendars_shrink_to_nine_to_five_utc() -> None:
    simplest = find(calendars(), lambda calendar: True)
    assert simplest == Calendar.from_dict(
        {
            "tz": "UTC",
            "week": {d: [["09:00", "17:00"]] for d in ("mon", "tue", "wed", "thu", "fri")},
        }
    )


def test_calendars_reach_the_edges_they_promise() -> None:
    # Each edge is found by search, so the strategy does generate it.
    find(calendars(), lambda c: c.tz == "Australia/Lord_Howe")
    find(calendars(), lambda c: c.tz == "America/Santiago")
    find(calendars(), lambda c: any(e <= s for d in c.to_dict()["week"].values() for s, e in d))
    find(calendars(), lambda c: any(len(d) >= 2 for d in c.to_dict()["week"].values()))
    find(
        calendars(), lambda c: any(e == "24:00" for d in c.to_dict()["week"].values() for _, e in d)
    )
    find(calendars(), lambda c: c.to_dict().get("country", {}).get("code") == "RU")
    find(calendars(), lambda c: [] in c.to_dict().get("overrides", {}).values())
    find(calendars(), lambda c: bool(c.to_dict().get("weeks")))


@given(calendars(), st.data())
def test_instants_are_aware_and_within_bounds(calendar: Calendar, data: st.DataObject) -> None:
    low = datetime(2024, 1, 1, tzinfo=UTC)
    high = datetime(2025, 1, 1, tzinfo=UTC)
    moment = data.draw(instants(calendar, min_value=low, max_value=high))
    assert moment.utcoffset() is not None
    assert low <= moment <= high


def test_instants_hit_openings_and_closings() -> None:
    cal = find(calendars(), lambda c: True)  # Mon-Fri 09:00-17:00 UTC
    find(instants(cal), lambda m: m.astimezone(UTC).time() == datetime(1, 1, 1, 17).time())
    find(instants(cal), lambda m: m.astimezone(UTC).time() == datetime(1, 1, 1, 9).time())


@given(durations(min_value=-5 * H, max_value=3 * H))
def test_durations_stay_within_bounds(duration: timedelta) -> None:
    assert -5 * H <= duration <= 3 * H


@given(st.data())
def test_tiers_and_incidents_are_valid_and_evaluate(data: st.DataObject) -> None:
    tier = data.draw(tiers())
    assert isinstance(tier, Tier)
    incident = data.draw(incidents(tier=tier))
    assert isinstance(incident, Incident)
    # Compared as data: an event in a DST fold (fold=1) never equals its fixed-offset
    # round trip under PEP 495's interzone rule, though the instants are the same.
    assert Incident.from_dict(incident.to_dict()).to_dict() == incident.to_dict()
    result = slaclock.evaluate(incident, tier, at=incident.events[-1].at)
    result.to_dict()


def test_tiers_and_incidents_shrink_to_simple_values() -> None:
    tier = find(tiers(), lambda t: True)
    assert (tier.id, tier.reaction, tier.calendar.tz) == ("SLA-2", 2 * H, "UTC")
    incident = find(incidents(), lambda i: True)
    assert len(incident.events) == 2  # opened, and one event after it
