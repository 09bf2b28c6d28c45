"""Nothing guessed: inputs that would mean different things on different machines, or
that Python would read by cutting or by another script's digits, are refused by name."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pandas as pd
import pytest

from slaclock import Calendar, parse_instant
from slaclock._durations import parse_duration
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
