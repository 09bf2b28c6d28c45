"""The one timestamp reader: event times in incident files and instants on the command line."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from slaclock import Event, IncidentError, NaiveDatetimeError, SlaclockError, SlaclockValueError
from slaclock._calendar.instants import to_us
from slaclock._timestamps import FORM, parse_instant
from slaclock.cli import parse_instant as cli_parse_instant

NEW_YORK = ZoneInfo("America/New_York")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-27T17:30:00+03:00", datetime(2026, 11, 27, 14, 30, tzinfo=UTC)),
        ("2026-11-27 17:30:00+03:00", datetime(2026, 11, 27, 14, 30, tzinfo=UTC)),
        ("2026-11-27T14:30:00Z", datetime(2026, 11, 27, 14, 30, tzinfo=UTC)),
        ("  2026-11-27T14:30:00.250Z ", datetime(2026, 11, 27, 14, 30, 0, 250_000, tzinfo=UTC)),
    ],
)
def test_iso_instants_with_an_offset_are_read(text: str, expected: datetime) -> None:
    assert parse_instant(text) == expected
    assert cli_parse_instant(text) == expected
    assert Event.from_dict({"type": "opened", "at": text}).at == expected


def test_the_rfc_9557_zone_suffix_carries_the_zone_and_picks_the_fold() -> None:
    # 01:30 happens twice in New York on 2024-11-03; the offset says which.
    second = parse_instant("2024-11-03T01:30:00-05:00[America/New_York]")
    first = parse_instant("2024-11-03T01:30:00-04:00[America/New_York]")
    assert second.tzinfo is NEW_YORK
    assert second.utcoffset() == timedelta(hours=-5)
    assert first.utcoffset() == timedelta(hours=-4)
    # Same-zone subtraction in Python ignores fold: compare the instants in UTC.
    assert second.astimezone(UTC) - first.astimezone(UTC) == timedelta(hours=1)
    assert parse_instant("2024-11-03T06:30:00Z[America/New_York]") == second
    assert parse_instant("2026-11-27T17:30:00+03:00[!Europe/Moscow]").tzinfo == ZoneInfo(
        "Europe/Moscow"
    )
    event = Event.from_dict({"type": "opened", "at": "2024-11-03T01:30:00-05:00[America/New_York]"})
    assert event.at == second and event.at.tzinfo is NEW_YORK


@pytest.mark.parametrize(
    ("value", "needle"),
    [
        ("2024-11-03T01:30:00-03:00[America/New_York]", "is not the offset of America/New_York"),
        ("2026-11-27T17:30:00+03:00[Mars/Olympus]", "unknown time zone 'Mars/Olympus'"),
        ("2026-11-27T17:30:00+03:00[../../etc/passwd]", "unknown time zone"),
        ("2026-11-27T17:30:00+03:00[u-ca=iso8601]", "zone suffix"),
        ("2026-11-27T17:30:00+03:00[Europe/Moscow][u-ca=iso8601]", "zone suffix"),
        ("2026-11-27", "it has no time of day"),
        ("27.11.2026 17:30", "cannot read instant '27.11.2026 17:30'"),
        ("10000-01-01T00:00:00Z", "cannot read instant '10000-01-01T00:00:00Z'"),
        ("9999-12-31T23:00:00-05:00[America/New_York]", "outside the years 1 to 9999"),
        ("2026-11-27T17:30:00+03:00" + "0" * 5000, "too long (5025 characters)"),
        (1764253800, "is not text"),
        (None, "is not text"),
        (["2026-11-27T17:30:00Z"] * 1000, "is not text"),
    ],
)
def test_bad_instants_are_slaclock_errors_quoting_the_value(value: Any, needle: str) -> None:
    with pytest.raises(SlaclockValueError) as info:
        parse_instant(value)
    message = str(info.value)
    assert needle in message
    assert len(message) < 600
    with pytest.raises(IncidentError) as incident:
        Event.from_dict({"type": "opened", "at": value})
    assert incident.value.path == "at"
    assert needle.replace("instant", "event time") in str(incident.value)


@pytest.mark.parametrize("text", ["2026-11-27T17:30:00", "2026-11-27 17:30"])
def test_a_naive_time_is_refused_showing_the_accepted_form(text: str) -> None:
    with pytest.raises(NaiveDatetimeError) as info:
        cli_parse_instant(text, name="--at")
    assert f"--at {text!r} has no UTC offset" in str(info.value)
    assert FORM in str(info.value)
    with pytest.raises(IncidentError, match="has no UTC offset"):
        Event.from_dict({"type": "opened", "at": text})


def test_a_date_alone_shows_the_accepted_form_everywhere() -> None:
    for call in (
        lambda: cli_parse_instant("2026-11-27", name="start"),
        lambda: Event.from_dict({"type": "opened", "at": "2026-11-27"}),
    ):
        with pytest.raises(SlaclockError) as info:
            call()
        assert "'2026-11-27': it has no time of day" in str(info.value)
        assert "'2026-11-27T17:30:00+03:00'" in str(info.value)


OFFSETS = st.integers(min_value=-(24 * 3600 - 1), max_value=24 * 3600 - 1).map(
    lambda seconds: timedelta(seconds=seconds)
)


@given(
    offset=OFFSETS,
    wall=st.datetimes(min_value=datetime(2, 1, 1), max_value=datetime(9998, 12, 31)),
)
def test_a_read_offset_is_one_shared_zone_with_the_same_instant_and_text(
    offset: timedelta, wall: datetime
) -> None:
    text = wall.replace(tzinfo=timezone(offset)).isoformat()
    made = datetime.fromisoformat(text)
    read = parse_instant(text)
    again = parse_instant(text)
    # Equal to what fromisoformat makes, shown the same way, one zone object per offset.
    assert read == made
    assert read.tzinfo == made.tzinfo
    assert repr(read) == repr(made)
    assert read.isoformat() == text
    assert read.utcoffset() == offset
    assert read.tzname() == made.tzname()
    assert again.tzinfo is read.tzinfo
    # Microseconds against the epoch in the shared zone are real time, the same as
    # through UTC and as for an equal zone of another object or with a name.
    expected = (made - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(microseconds=1)
    assert to_us(read) == expected
    assert to_us(made) == expected
    assert to_us(made.replace(tzinfo=timezone(offset, "Somewhere"))) == expected
    assert to_us(read.astimezone(UTC)) == expected


def test_utc_offsets_are_read_as_utc_itself() -> None:
    assert parse_instant("2026-11-27T14:30:00Z").tzinfo is UTC
    assert parse_instant("2026-11-27T14:30:00+00:00").tzinfo is UTC


def test_to_us_refuses_what_it_refused_before_whatever_the_zone() -> None:
    class Unhashable(tzinfo):
        __hash__ = None  # type: ignore[assignment]

        def utcoffset(self, dt: datetime | None) -> timedelta:
            return timedelta(hours=2)

        def dst(self, dt: datetime | None) -> timedelta:
            return timedelta(0)

        def tzname(self, dt: datetime | None) -> str:
            return "Two"

    moment = datetime(2026, 11, 27, 14, 30, tzinfo=Unhashable())
    assert to_us(moment) == to_us(datetime(2026, 11, 27, 12, 30, tzinfo=UTC))
    with pytest.raises(NaiveDatetimeError, match="naive"):
        to_us(datetime(2026, 11, 27, 14, 30))
    with pytest.raises(SlaclockError, match="aware datetime"):
        to_us("2026-11-27T14:30:00Z")
