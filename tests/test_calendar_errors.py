"""Bad input to calendars: every refusal is a SlaclockError that quotes the bad value.

Each error is also the built-in that fits (``ValueError`` for a bad value,
``TypeError`` for the wrong type), and errors from spec text name the dotted key
path of the bad field.  Nothing is guessed, and nothing hangs.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

import slaclock
from slaclock import (
    Calendar,
    NaiveDatetimeError,
    NoWorkingTimeError,
    SlaclockError,
    SlaclockTypeError,
    SpecError,
)

MSK = ZoneInfo("Europe/Moscow")
H = timedelta(hours=1)
WORKDAY = [["10:00", "18:00"]]
AWARE = datetime(2024, 11, 26, 12, 0, tzinfo=MSK)
NAIVE = datetime(2024, 11, 26, 12, 0)


def spec(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "tz": "Europe/Moscow",
        "week": {day: WORKDAY for day in ("mon", "tue", "wed", "thu", "fri")},
    }
    base.update(changes)
    return base


def refused(call: Callable[[], object], builtin: type[Exception], *quoted: str) -> SlaclockError:
    """Run ``call``; it must raise a SlaclockError that is also ``builtin`` and quotes each text."""
    with pytest.raises(SlaclockError) as info:
        call()
    error = info.value
    assert isinstance(error, builtin), f"{type(error).__name__} is not a {builtin.__name__}"
    for text in quoted:
        assert text in str(error), f"{text!r} not quoted in {str(error)!r}"
    return error


# -- naive datetimes -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "call",
    [
        pytest.param(lambda cal: cal.deadline(NAIVE, H), id="deadline"),
        pytest.param(lambda cal: cal.deadline(NAIVE, -H), id="deadline-backwards"),
        pytest.param(lambda cal: cal.deadline(NAIVE, timedelta(0)), id="deadline-zero"),
        pytest.param(lambda cal: cal.elapsed(NAIVE, AWARE), id="elapsed-start"),
        pytest.param(lambda cal: cal.elapsed(AWARE, NAIVE), id="elapsed-end"),
        pytest.param(lambda cal: cal.is_open(NAIVE), id="is_open"),
        pytest.param(lambda cal: cal.next_open(NAIVE), id="next_open"),
        pytest.param(lambda cal: cal.next_close(NAIVE), id="next_close"),
        pytest.param(lambda cal: cal.periods(NAIVE, AWARE), id="periods"),
        pytest.param(lambda cal: cal.day_end(NAIVE), id="day_end"),
        pytest.param(lambda cal: cal.add_working_days(NAIVE, 1), id="add_working_days"),
        pytest.param(lambda cal: slaclock.deadline(cal, NAIVE, H), id="slaclock.deadline"),
        pytest.param(lambda cal: slaclock.elapsed(cal, AWARE, NAIVE), id="slaclock.elapsed"),
    ],
)
def test_a_naive_datetime_is_refused_never_guessed(
    moscow: Calendar, call: Callable[[Calendar], object]
) -> None:
    error = refused(lambda: call(moscow), ValueError)
    assert isinstance(error, NaiveDatetimeError)
    assert "2024-11-26" in str(error)  # the bad value is quoted


@pytest.mark.parametrize("value", ["2024-11-26T12:00:00+03:00", 1732611600, date(2024, 11, 26)])
def test_an_instant_that_is_not_a_datetime_is_refused(moscow: Calendar, value: object) -> None:
    with pytest.raises(SlaclockError) as info:
        moscow.deadline(value, H)  # type: ignore[arg-type]
    assert isinstance(info.value, TypeError | ValueError)
    assert str(value) in str(info.value) or repr(value) in str(info.value)


# -- durations -------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [2.0, 2, 7200, None])
def test_a_duration_that_is_not_a_timedelta_is_refused(moscow: Calendar, value: object) -> None:
    error = refused(lambda: moscow.deadline(AWARE, value), TypeError, repr(value))  # type: ignore[arg-type]
    assert isinstance(error, SlaclockTypeError)


def test_add_working_days_refuses_non_integers_and_negatives(moscow: Calendar) -> None:
    refused(lambda: moscow.add_working_days(AWARE, 1.5), TypeError, "1.5")  # type: ignore[arg-type]
    refused(lambda: moscow.add_working_days(AWARE, -1), ValueError, "-1")


def test_hours_on_refuses_a_non_date(moscow: Calendar) -> None:
    refused(lambda: moscow.hours_on("2024-11-26"), TypeError, "2024-11-26")  # type: ignore[arg-type]


# -- bad specs -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("bad", "quoted", "path"),
    [
        pytest.param({"tz": "Mars/Olympus_Mons"}, "Mars/Olympus_Mons", "tz", id="unknown-zone"),
        pytest.param({"tz": ""}, "''", "tz", id="empty-zone"),
        pytest.param({"tz": 3}, "3", "tz", id="zone-not-text"),
        pytest.param({"week": {"monday": WORKDAY}}, "monday", "week", id="unknown-weekday"),
        pytest.param({"week": {"mon": [["25:00", "26:00"]]}}, "25:00", "week.mon[0]", id="hour-25"),
        pytest.param(
            {"week": {"mon": [["10:00", "10:00"]]}}, "10:00", "week.mon[0]", id="empty-interval"
        ),
        pytest.param(
            {"week": {"mon": [["09:60", "18:00"]]}}, "09:60", "week.mon[0]", id="minute-60"
        ),
        pytest.param(
            {"week": {"mon": [["24:00", "06:00"]]}}, "24:00", "week.mon[0]", id="24-as-start"
        ),
        pytest.param(
            {"week": {"mon": ["10:00-18:00"]}}, "10:00-18:00", "week.mon[0]", id="string-not-pair"
        ),
        pytest.param(
            {"week": {"mon": "10:00-18:00"}}, "10:00-18:00", "week.mon", id="string-not-list"
        ),
        pytest.param(
            {"week": {"mon": [["10:00", "14:00", "18:00"]]}}, "14:00", "week.mon[0]", id="triple"
        ),
        pytest.param(
            {"week": {"mon": [["10:00", "14:00"], ["13:00", "18:00"]]}},
            "13:00",
            "week.mon",
            id="overlap",
        ),
        pytest.param(
            {"week": {"mon": [["22:00", "06:00"]], "tue": [["05:00", "12:00"]]}},
            "05:00",
            "week",
            id="overnight-runs-into-next-day",
        ),
        pytest.param({"country": {"code": "XX"}}, "XX", "country.code", id="unknown-country"),
        pytest.param(
            {"country": {"code": "US", "subdiv": "ZZ"}}, "ZZ", "country.subdiv", id="unknown-subdiv"
        ),
        pytest.param({"holidays": ["2024-13-45"]}, "2024-13-45", "holidays[0]", id="bad-holiday"),
        pytest.param(
            {"holidays": ["2024-01-01", "yesterday"]}, "yesterday", "holidays[1]", id="not-a-date"
        ),
        pytest.param(
            {"overrides": {"2024-02-30": []}}, "2024-02-30", "overrides", id="bad-override-date"
        ),
        pytest.param(
            {"overrides": {"2026-12-26": [["10:00", "25:00"]]}},
            "25:00",
            "overrides.2026-12-26[0]",
            id="bad-override-hours",
        ),
        pytest.param(
            {"weeks": [{"from": "soon", "week": {}}]}, "soon", "weeks[0].from", id="weeks-from"
        ),
        pytest.param(
            {"weeks": [{"from": "2025-01-01", "week": {"mon": [["8:00", "77:00"]]}}]},
            "77:00",
            "weeks[0].week.mon[0]",
            id="weeks-hours",
        ),
        pytest.param({"pre_holiday": "soon"}, "soon", "pre_holiday", id="pre-holiday-text"),
        pytest.param({"pre_holiday": 1.5}, "1.5", "pre_holiday", id="pre-holiday-float"),
        pytest.param({"wek": {}}, "wek", "", id="unknown-key"),
    ],
)
def test_a_bad_spec_is_refused_with_the_value_and_its_path(
    bad: dict[str, Any], quoted: str, path: str
) -> None:
    error = refused(lambda: Calendar.from_dict(spec(**bad)), ValueError, quoted)
    assert isinstance(error, SpecError)
    assert error.path.startswith(path), f"path {error.path!r} is not under {path!r}"


def test_a_missing_zone_is_refused() -> None:
    refused(lambda: Calendar.from_dict({"week": {}}), ValueError, "tz")


def test_a_spec_that_is_not_a_mapping_is_refused() -> None:
    with pytest.raises(SlaclockError) as info:
        Calendar.from_dict(["Europe/Moscow"])  # type: ignore[arg-type]
    assert isinstance(info.value, TypeError | ValueError)
    assert "Europe/Moscow" in str(info.value)


def test_replace_validates_like_from_dict(moscow: Calendar) -> None:
    refused(lambda: moscow.replace(tz="Nowhere/Atlantis"), ValueError, "Nowhere/Atlantis")
    refused(
        lambda: moscow.replace(overrides={"2026-12-26": [["18:00", "18:00"]]}), ValueError, "18:00"
    )


# -- errors from text name the key path ----------------------------------------------------


def test_json_text_names_the_key_path_of_a_bad_interval() -> None:
    text = json.dumps(spec(week={"mon": [["10:00", "25:00"]]}))
    error = refused(lambda: Calendar.from_json(text), ValueError, "25:00", "week.mon[0]")
    assert isinstance(error, SpecError)
    assert error.path == "week.mon[0]"


def test_json_text_names_the_key_path_of_a_bad_override() -> None:
    text = json.dumps(spec(overrides={"2026-12-26": "closed"}))
    error = refused(lambda: Calendar.from_json(text), ValueError, "closed", "overrides.2026-12-26")
    assert isinstance(error, SpecError)
    assert error.path == "overrides.2026-12-26"


def test_toml_text_names_the_key_path() -> None:
    text = (
        'tz = "Europe/Moscow"\n'
        'week = { mon = [["10:00", "25:00"]] }\n'
        "[overrides]\n"
        '"2026-12-26" = [["10:00", "14:00"]]\n'
    )
    error = refused(lambda: Calendar.from_toml(text), ValueError, "25:00", "week.mon[0]")
    assert isinstance(error, SpecError)
    text = (
        'tz = "Europe/Moscow"\n'
        'week = { mon = [["10:00", "18:00"]] }\n'
        "[overrides]\n"
        '"2026-12-26" = [["14:00", "10:00", "x"]]\n'
    )
    error = refused(lambda: Calendar.from_toml(text), ValueError, "overrides.2026-12-26")
    assert isinstance(error, SpecError)


@pytest.mark.parametrize(
    ("load", "text"),
    [
        pytest.param(Calendar.from_json, '{"tz": "Europe/Moscow",\n "week": {', id="json"),
        pytest.param(Calendar.from_toml, 'tz = "Europe/Moscow"\nweek = {\n', id="toml"),
    ],
)
def test_unreadable_text_is_a_spec_error(load: Callable[[str], Calendar], text: str) -> None:
    with pytest.raises(SpecError) as info:
        load(text)
    assert isinstance(info.value, ValueError)
    assert "line" in str(info.value)


# -- nothing hangs ---------------------------------------------------------------------------


def test_no_working_time_is_refused_not_looped_over() -> None:
    cal = Calendar.from_dict({"tz": "UTC", "week": {}, "overrides": {"2024-01-02": WORKDAY}})
    start = datetime(2024, 1, 1, tzinfo=UTC)
    error = refused(lambda: cal.deadline(start, 10_000 * H), ValueError)
    assert isinstance(error, NoWorkingTimeError)
    empty = Calendar.from_dict({"tz": "UTC", "week": {}})
    for call in (
        lambda: empty.deadline(start, H),
        lambda: empty.next_open(start),
        lambda: empty.next_close(start),
        lambda: empty.day_end(start),
        lambda: empty.add_working_days(start, 3),
    ):
        with pytest.raises(NoWorkingTimeError):
            call()
    # The integer path every SLA clock takes, forwards and backwards (no working time
    # is found on its slow path only: the fast one needs some in the year).
    us = 1_704_067_200_000_000  # 2024-01-01T00:00:00Z
    for duration in (3_600_000_000, -3_600_000_000):
        with pytest.raises(NoWorkingTimeError, match="no working time at all"):
            empty._timeline.deadline_us(us, duration)
    assert empty._timeline.deadline_us(us, 0) == us


# -- files keep where the error is -----------------------------------------------------------


def test_a_toml_calendar_file_with_a_syntax_error_names_the_line_and_the_file(
    tmp_path: Any,
) -> None:
    path = tmp_path / "office.toml"
    path.write_text(
        'tz = "Europe/Moscow"\n[week]\nmon = [["10:00", "18:00"]] 7\n', encoding="utf-8"
    )
    with pytest.raises(SpecError) as info:
        Calendar.load(path)
    assert info.value.line == 3
    assert str(info.value).startswith("line 3: invalid TOML in ")
    assert "office.toml" in str(info.value)


def test_a_bad_value_in_a_calendar_file_keeps_its_key_path(tmp_path: Any) -> None:
    path = tmp_path / "office.toml"
    path.write_text('tz = "Europe/Moscow"\n[week]\nmon = [["10:00", "25:00"]]\n', encoding="utf-8")
    with pytest.raises(SpecError) as info:
        Calendar.load(path)
    assert info.value.path == "week.mon[0]"
    assert "'25:00'" in str(info.value)
    assert any("office.toml" in note for note in info.value.__notes__)
    json_path = tmp_path / "office.json"
    json_path.write_text(json.dumps({"tz": "UTC", "week": {"mon": [["9:00", "17:00"]]}, "x": 1}))
    with pytest.raises(SpecError) as info:
        Calendar.load(json_path)
    assert info.value.path == "x"


def test_calendar_text_errors_carry_the_line() -> None:
    with pytest.raises(SpecError) as info:
        Calendar.from_toml('tz = "UTC"\n\nweek = {\n')
    assert info.value.line == 3
    with pytest.raises(SpecError) as info:
        Calendar.from_toml('tz = "UTC"\nweek = [\n')
    assert info.value.line == 3  # the end of the text, where the array is still open
    with pytest.raises(SpecError) as info:
        Calendar.from_toml('tz = "UTC"\nweek = 1 2\n')
    assert info.value.line == 2
    with pytest.raises(SpecError) as info:
        Calendar.from_json('{"tz": "UTC",\n "week": }')
    assert info.value.line == 2


def test_calendar_and_catalog_files_share_the_loader_rules(tmp_path: Any) -> None:
    for name, load in (("c.yaml", Calendar.load), ("k.yaml", slaclock.load_catalog)):
        with pytest.raises(SpecError, match=r"expected a name ending in \.toml or \.json"):
            load(tmp_path / name)
    latin = tmp_path / "latin.toml"
    latin.write_bytes(b'tz = "UTC" # caf\xe9\n')
    with pytest.raises(SpecError, match="not UTF-8 text"):
        Calendar.load(latin)
    with pytest.raises(SpecError, match="cannot read calendar file"):
        Calendar.load(tmp_path / "missing.toml")
