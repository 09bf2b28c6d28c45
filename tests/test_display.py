"""What people read: the command line's table and the plain-words explanations."""

from __future__ import annotations

from datetime import datetime, timedelta

from slaclock import Calendar, Incident, default_catalog, evaluate, load_catalog
from slaclock._display.table import format_table

SLA2 = default_catalog().tiers["SLA-2"]


def test_superseded_breached_cycle_shows_no_wall_lateness_and_says_superseded() -> None:
    # Restart rule: the customer's 13:00 message supersedes cycle 1, already an hour
    # past due; there was no answer, so no wall-clock lateness either.
    inc = Incident.from_dict(
        {
            "id": "S",
            "type": "failure",
            "events": [
                {"type": "opened", "at": "2026-11-26T10:00:00+03:00"},
                {"type": "customer_message", "at": "2026-11-26T13:00:00+03:00"},
                {"type": "agent_reply", "at": "2026-11-26T14:00:00+03:00"},
            ],
        }
    )
    result = evaluate(inc, SLA2, cycle_rule="restart_on_message")
    assert result.breaches[0].cycle == 1 and result.breaches[0].late_wall is None
    table = format_table([result])
    row = next(line for line in table.splitlines() if line.startswith("S "))
    assert row.split()[-2:] == ["superseded", "PT1H"]
    assert "wall" not in table and "still open" not in table
    assert "late by PT1H of working time (superseded)" in table


def test_open_breached_cycle_is_still_open() -> None:
    inc = Incident.from_dict(
        {
            "id": "O",
            "type": "failure",
            "events": [{"type": "opened", "at": "2026-11-26T10:00:00+03:00"}],
        }
    )
    at = datetime.fromisoformat("2026-11-26T13:00:00+03:00")
    table = format_table([evaluate(inc, SLA2, at=at)])
    assert "late by PT1H of working time (still open)" in table
    assert "wall" not in table


EVERY_DAY = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
NEW_YORK_NIGHTS = Calendar.from_dict(
    {"tz": "America/New_York", "week": {day: [["20:00", "04:00"]] for day in EVERY_DAY}}
)
BERLIN_ALWAYS = Calendar.from_dict(
    {"tz": "Europe/Berlin", "week": {day: [["00:00", "24:00"]] for day in EVERY_DAY}}
)
DST_CATALOG = load_catalog(
    {
        "calendars": {"ny": NEW_YORK_NIGHTS.to_dict(), "berlin": BERLIN_ALWAYS.to_dict()},
        "tiers": {
            "night": {"name": "Night", "calendar": "ny", "reaction": "PT8H"},
            "always": {"name": "Always", "calendar": "berlin", "reaction": "PT4H"},
        },
    }
)
BERLIN_ALWAYS_TIER = DST_CATALOG.tiers["always"]


def opened_and_answered(opened: str, answered: str) -> Incident:
    return Incident.from_dict(
        {
            "id": "D",
            "type": "failure",
            "events": [
                {"type": "opened", "at": opened},
                {"type": "agent_reply", "at": answered},
            ],
        }
    )


def test_new_york_night_shift_over_the_autumn_change_counts_8_real_hours() -> None:
    # 20:00 EDT Saturday to 03:00 EST Sunday is 7 hours on the wall, 8 in fact.
    inc = opened_and_answered("2026-10-31T20:00:00-04:00", "2026-11-01T05:00:00-05:00")
    text = evaluate(inc, DST_CATALOG.tiers["night"]).explain()
    assert "Sat 2026-10-31 20:00 EDT to Sun 2026-11-01 03:00 EST  PT8H\n" in text
    assert "PT7H" not in text


def test_berlin_always_open_over_the_spring_change_counts_4_real_hours() -> None:
    # 00:00 CET to 05:00 CEST is 5 hours on the wall, 4 in fact: the PT4H target.
    inc = opened_and_answered("2026-03-29T00:00:00+01:00", "2026-03-29T05:00:00+02:00")
    text = evaluate(inc, BERLIN_ALWAYS_TIER).explain()
    assert "Sun 2026-03-29 00:00-05:00  PT4H\n" in text
    assert "PT5H" not in text


def test_late_on_the_clock_is_real_time_over_the_spring_change() -> None:
    # Due 01:00 CET, answered 04:00 CEST: two real hours late, three on the wall.
    inc = opened_and_answered("2026-03-28T21:00:00+01:00", "2026-03-29T04:00:00+02:00")
    result = evaluate(inc, BERLIN_ALWAYS_TIER)
    assert result.breaches[0].late_wall == timedelta(hours=2)
    text = result.explain()
    assert "BREACHED, PT2H of working time (PT2H on the clock) after the due instant." in text
    assert "PT3H" not in text


def test_superseded_cycle_explains_no_clock_lateness() -> None:
    inc = Incident.from_dict(
        {
            "id": "S",
            "type": "failure",
            "events": [
                {"type": "opened", "at": "2026-11-26T10:00:00+03:00"},
                {"type": "customer_message", "at": "2026-11-26T13:00:00+03:00"},
            ],
        }
    )
    text = evaluate(inc, SLA2, cycle_rule="restart_on_message").cycles[0].explain()
    assert text.endswith("BREACHED, PT1H of working time after the due instant.")


def test_update_cycles_and_escalation_levels_show_in_the_table_and_the_words() -> None:
    tier = SLA2.replace(update="PT1H", escalations=["50%", "+PT1H"])
    inc = Incident.from_dict(
        {
            "id": "U",
            "type": "failure",
            "events": [
                {"type": "opened", "at": "2026-11-30T10:00:00+03:00"},
                {"type": "agent_reply", "at": "2026-11-30T13:00:00+03:00"},
            ],
        }
    )
    result = evaluate(inc, tier)
    table = format_table([result])
    rows = [line.split() for line in table.splitlines() if line.startswith("U ")]
    # Reaction cycle 1 and update cycle 1 are both late, each with its own lateness.
    assert [row[2] for row in rows] == ["1", "u1", "u2"]
    assert rows[0][-4:] == ["late", "PT1H", "(PT1H", "wall)"]
    assert rows[1][-4:] == ["late", "PT2H", "(PT2H", "wall)"]
    assert "U update cycle 1 (update PT1H on SLA-2): due 2026-11-30 11:00" in table
    words = result.explain()
    assert "Update cycle 2 (periodic update) on tier SLA-2" in words
    assert "Started Mon 2026-11-30 13:00 MSK: the last agent reply." in words
    assert (
        "Escalation levels: 50% Mon 2026-11-30 11:00 MSK, +PT1H Mon 2026-11-30 13:00 MSK." in words
    )
