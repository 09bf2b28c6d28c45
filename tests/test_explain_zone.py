"""``explain(zone=...)``: the same account, its instants in the customer's zone."""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo

import pytest

from slaclock import Incident, SlaclockError, default_catalog, evaluate

SLA2 = default_catalog().tiers["SLA-2"]
# Opened Friday 17:30 Moscow; the resolution runs across the US change from daylight
# saving time (Sunday 1 November 2026, 02:00 in New York).
EVENTS = (("opened", "2026-10-30T17:30:00+03:00"), ("agent_reply", "2026-11-02T12:20:00+03:00"))
INCIDENT = Incident.from_dict(
    {"id": "Z", "type": "failure", "events": [{"type": k, "at": t} for k, t in EVENTS]}
)
RESULT = evaluate(INCIDENT, SLA2)


def durations(text: str) -> list[str]:
    return re.findall(r"\bPT[0-9HMS.]+", text)


def test_default_is_the_tier_calendar_zone() -> None:
    assert RESULT.explain() == RESULT.explain(zone=None)
    assert "MSK" in RESULT.explain() and "Times in" not in RESULT.explain()


def test_instants_move_to_the_zone_and_lengths_stay_real_time() -> None:
    moscow = RESULT.cycles[0].explain()
    york = RESULT.cycles[0].explain(zone="America/New_York")
    assert "Times in America/New_York." in york
    # Friday 17:30 Moscow is 10:30 in New York (EDT), Monday 11:30 Moscow is 03:30 (EST).
    assert "Started Fri 2026-10-30 10:30 EDT" in york
    assert "Due Mon 2026-11-02 03:30 EST" in york
    assert durations(york) == durations(moscow)


def test_a_zoneinfo_is_taken_as_a_name_is() -> None:
    by_name = RESULT.explain(zone="Asia/Vladivostok")
    assert RESULT.explain(zone=ZoneInfo("Asia/Vladivostok")) == by_name
    assert "UTC+10:00" in by_name and "MSK" not in by_name.replace("Europe/Moscow", "")
    assert RESULT.cycles[0].explain(zone="Asia/Vladivostok") in by_name


def test_the_resolution_clock_takes_a_zone() -> None:
    tier = default_catalog().tiers["SLA-2"].replace(resolution="PT8H")
    result = evaluate(INCIDENT, tier)
    assert result.resolution is not None
    text = result.resolution.explain(zone="UTC")
    assert "Times in UTC." in text and "Started Fri 2026-10-30 14:30 UTC" in text


@pytest.mark.parametrize(
    ("zone", "words"),
    [("Mars/Olympus", "Mars/Olympus"), ("", "''"), (3, "3"), (object(), "object")],
)
def test_bad_zones_are_refused_by_name(zone: object, words: str) -> None:
    with pytest.raises(SlaclockError, match=re.escape(words)):
        RESULT.explain(zone=zone)  # type: ignore[arg-type]
