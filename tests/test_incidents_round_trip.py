"""Incidents round-trip: written and read back, each event keeps its instant and its zone,
and events (and incidents) are equal by instant, whatever zone an instant is shown in."""

from __future__ import annotations

import io
import json
import pickle
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from slaclock import Event, Incident, read_incidents, write_incidents
from slaclock._calendar.instants import to_us
from slaclock.strategies import calendars, incidents

NEW_YORK = ZoneInfo("America/New_York")
# 01:30 twice on 2024-11-03: first in EDT (-04:00), then, fold=1, in EST (-05:00).
FIRST = datetime(2024, 11, 3, 1, 30, tzinfo=NEW_YORK)
SECOND = datetime(2024, 11, 3, 1, 30, fold=1, tzinfo=NEW_YORK)
DST_ZONES = ("America/New_York", "Europe/Berlin", "Australia/Lord_Howe", "America/Santiago")


def opened(at: datetime) -> Event:
    return Event("opened", at)


def test_events_at_one_instant_are_equal_whatever_their_zone() -> None:
    fixed = SECOND.astimezone(timezone(timedelta(hours=-5)))
    utc = SECOND.astimezone(UTC)
    assert fixed != SECOND  # Python: a datetime in a fold equals nothing in another zone
    for other in (fixed, utc):
        assert opened(SECOND) == opened(other)
        assert hash(opened(SECOND)) == hash(opened(other))


def test_the_two_passes_of_a_fold_are_different_events() -> None:
    assert FIRST == SECOND  # Python: one zone, compared by wall time, fold ignored
    assert opened(FIRST) != opened(SECOND)
    assert len({opened(FIRST), opened(SECOND)}) == 2


def test_incidents_are_equal_by_instant() -> None:
    def incident(first: datetime, second: datetime) -> Incident:
        return Incident("INC-1", "failure", events=(opened(first), Event("agent_reply", second)))

    fixed = timezone(timedelta(hours=-5))
    assert incident(FIRST, SECOND) == incident(FIRST.astimezone(UTC), SECOND.astimezone(fixed))
    assert hash(incident(FIRST, SECOND)) == hash(incident(FIRST.astimezone(UTC), SECOND))
    assert incident(FIRST, SECOND) != incident(FIRST, SECOND + timedelta(microseconds=1))
    assert incident(FIRST, SECOND) != incident(FIRST, SECOND).replace(tier="SLA-2")


def test_to_dict_writes_the_zone_of_a_zoneinfo_instant_as_rfc_9557_does() -> None:
    assert opened(SECOND).to_dict()["at"] == "2024-11-03T01:30:00-05:00[America/New_York]"
    assert opened(FIRST).to_dict()["at"] == "2024-11-03T01:30:00-04:00[America/New_York]"
    assert opened(SECOND.astimezone(UTC)).to_dict()["at"] == "2024-11-03T06:30:00+00:00"
    assert (
        opened(datetime(2026, 1, 1, tzinfo=timezone(timedelta(hours=3)))).to_dict()["at"]
        == "2026-01-01T00:00:00+03:00"
    )


def test_a_wall_time_in_a_spring_gap_is_written_as_the_instant_it_means() -> None:
    gap = datetime(2024, 3, 10, 2, 30, tzinfo=NEW_YORK)  # no such wall time in New York
    event = opened(gap)
    assert event.to_dict()["at"] == "2024-03-10T03:30:00-04:00[America/New_York]"
    back = Event.from_dict(event.to_dict())
    assert back == event and to_us(back.at) == to_us(gap)


def test_an_event_reads_back_to_its_zone_and_instant() -> None:
    for at in (FIRST, SECOND):
        back = Event.from_dict(opened(at).to_dict())
        assert back == opened(at)
        assert back.at.tzinfo is NEW_YORK and to_us(back.at) == to_us(at)
        assert back.at.utcoffset() == at.utcoffset()


def test_write_then_read_incidents_keeps_each_events_zone_at_a_fold(tmp_path: Path) -> None:
    incident = Incident(
        "INC-F",
        "failure",
        events=(opened(FIRST), Event("agent_reply", SECOND), Event("resolved", SECOND)),
    )
    path = tmp_path / "incidents.jsonl"
    write_incidents(path, [incident])
    (back,) = read_incidents(path)
    assert back == incident
    for mine, theirs in zip(incident.events, back.events, strict=True):
        assert theirs.at.tzinfo is NEW_YORK
        assert to_us(theirs.at) == to_us(mine.at)


@given(st.data())
def test_incidents_round_trip_with_their_zones_on_dst_calendars(data: st.DataObject) -> None:
    calendar = data.draw(calendars(zones=DST_ZONES, country=False))
    incident = data.draw(incidents(calendar=calendar))
    record = json.loads(json.dumps(incident.to_dict()))
    back = Incident.from_dict(record)
    assert back == incident and hash(back) == hash(incident)
    for mine, theirs in zip(incident.events, back.events, strict=True):
        assert isinstance(theirs.at.tzinfo, ZoneInfo)
        assert theirs.at.tzinfo.key == calendar.zone.key
        assert to_us(theirs.at) == to_us(mine.at)
        assert theirs.at.utcoffset() == mine.at.utcoffset()
    buffer = io.StringIO()
    write_incidents(buffer, [incident])
    assert list(read_incidents(io.StringIO(buffer.getvalue()))) == [incident]


def test_whom_an_incident_is_for_survives_json_lines_and_pickling(tmp_path: Path) -> None:
    record = {
        "id": "INC-8",
        "type": "consultation",
        "customer": "Ромашка",
        "contract": "C-2026-17",
        "attributes": {"assignee": "Анна", "score": -0.0, "big": 2**70, "links": [{"n": None}]},
        "events": [{"type": "opened", "at": "2026-11-27T17:30:00+03:00"}],
    }
    incident = Incident.from_dict(record)
    path = tmp_path / "owned.jsonl"
    assert write_incidents(path, [incident]) == 1
    [back] = read_incidents(path)
    assert back == incident
    assert back.to_dict()["attributes"] == record["attributes"]
    assert back.customer == "Ромашка" and back.contract == "C-2026-17"
    assert pickle.loads(pickle.dumps(back)).attributes.to_dict() == record["attributes"]


@given(incidents())
def test_replace_and_pickling_keep_every_field(incident: Incident) -> None:
    assert incident.replace() == incident
    copy = pickle.loads(pickle.dumps(incident))
    assert copy == incident and hash(copy) == hash(incident)
    assert copy.to_dict() == incident.to_dict()
