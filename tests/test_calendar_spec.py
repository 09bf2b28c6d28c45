"""Calendars as values: spec round trips (dict, JSON, TOML), replace, pickle, hash, repr."""

from __future__ import annotations

import copy
import dataclasses
import json
import pickle
import threading
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given

from slaclock import Calendar, SpecError
from slaclock.strategies import calendar_specs

MSK = ZoneInfo("Europe/Moscow")
H = timedelta(hours=1)
WORKDAY = [["10:00", "18:00"]]
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

# The calendar spec as the docs show it, verbatim.
DOCUMENTED_JSON = """
{"tz": "Europe/Moscow",
 "week": {"mon": [["10:00", "18:00"]], "tue": [["10:00", "18:00"]], "wed": [["10:00", "18:00"]],
          "thu": [["10:00", "18:00"]], "fri": [["10:00", "18:00"]], "sat": [], "sun": []},
 "country": {"code": "RU"},
 "holidays": ["2026-12-30"],
 "overrides": {"2026-12-26": [["10:00", "14:00"]]}}
"""
# The same calendar in TOML.
DOCUMENTED_TOML = """
tz = "Europe/Moscow"
country = { code = "RU" }
holidays = ["2026-12-30"]

[week]
mon = [["10:00", "18:00"]]
tue = [["10:00", "18:00"]]
wed = [["10:00", "18:00"]]
thu = [["10:00", "18:00"]]
fri = [["10:00", "18:00"]]

[overrides]
"2026-12-26" = [["10:00", "14:00"]]
"""
# The calendar part of the documented catalog example, laid out exactly as there: an
# inline table that spans two lines (TOML 1.1; Python's tomllib reads TOML 1.0).
DOCUMENTED_CATALOG_TOML = """
tz = "Europe/Moscow"
country = { code = "RU" }
week = { mon = [["10:00", "18:00"]], tue = [["10:00", "18:00"]], wed = [["10:00", "18:00"]],
         thu = [["10:00", "18:00"]], fri = [["10:00", "18:00"]] }
"""


def msk(*args: int) -> datetime:
    return datetime(*args, tzinfo=MSK)  # type: ignore[misc]


@given(calendar_specs())
def test_to_dict_round_trips_through_from_dict_and_json(spec: dict[str, Any]) -> None:
    cal = Calendar.from_dict(spec)
    again = Calendar.from_dict(cal.to_dict())
    assert again == cal
    assert hash(again) == hash(cal)
    assert again.to_dict() == cal.to_dict()
    assert Calendar.from_json(json.dumps(cal.to_dict())) == cal


def test_the_design_spec_reads_the_same_from_json_toml_and_dict() -> None:
    from_json = Calendar.from_json(DOCUMENTED_JSON)
    assert Calendar.from_toml(DOCUMENTED_TOML) == from_json
    assert Calendar.from_dict(json.loads(DOCUMENTED_JSON)) == from_json
    # 2026-12-30 (Wed) is on the holidays list; 2026-12-26 (Sat) is opened 10:00-14:00.
    assert not from_json.is_open(msk(2026, 12, 30, 12, 0))
    assert from_json.is_open(msk(2026, 12, 29, 12, 0))
    assert from_json.is_open(msk(2026, 12, 26, 13, 59))
    assert not from_json.is_open(msk(2026, 12, 26, 14, 0))


def test_the_design_catalog_toml_layout_reads(moscow: Calendar) -> None:
    # Users copy the documented example; a multi-line inline table must not be refused.
    assert Calendar.from_toml(DOCUMENTED_CATALOG_TOML) == moscow


def test_to_dict_has_the_design_shape(moscow: Calendar) -> None:
    out = moscow.to_dict()
    assert out["tz"] == "Europe/Moscow"
    assert out["country"] == {"code": "RU"}
    assert out["week"]["mon"] == WORKDAY
    assert out["week"]["sat"] == []
    assert set(out["week"]) == set(WEEKDAYS)
    json.dumps(out)  # JSON-safe


def test_missing_weekdays_mean_closed_and_compare_equal() -> None:
    short = Calendar.from_dict({"tz": "UTC", "week": {"mon": WORKDAY}})
    full = Calendar.from_dict(
        {"tz": "UTC", "week": {day: WORKDAY if day == "mon" else [] for day in WEEKDAYS}}
    )
    assert short == full
    assert hash(short) == hash(full)


def test_different_calendars_are_unequal(moscow: Calendar) -> None:
    assert moscow != moscow.replace(holidays=["2026-12-30"])
    assert moscow != moscow.replace(tz="Europe/Berlin")
    assert moscow != moscow.replace(pre_holiday="PT1H")
    assert moscow != Calendar.always_open("Europe/Moscow")


def test_always_open_round_trips() -> None:
    cal = Calendar.always_open("Asia/Tokyo")
    assert cal.tz == "Asia/Tokyo"
    assert cal.zone == ZoneInfo("Asia/Tokyo")
    assert cal.to_dict()["week"] == {day: [["00:00", "24:00"]] for day in WEEKDAYS}
    assert Calendar.from_dict(cal.to_dict()) == cal
    assert Calendar.always_open().tz == "UTC"


def test_replace_makes_a_variant_and_leaves_the_original(moscow: Calendar) -> None:
    before = moscow.to_dict()
    nine = moscow.replace(week={day: [["09:00", "17:00"]] for day in WEEKDAYS[:5]})
    assert moscow.to_dict() == before
    assert nine.to_dict()["country"] == {"code": "RU"}  # other keys are kept
    assert nine.deadline(msk(2024, 11, 26, 8, 0), H) == msk(2024, 11, 26, 10, 0)
    assert moscow.deadline(msk(2024, 11, 26, 8, 0), H) == msk(2024, 11, 26, 11, 0)
    # None removes an optional key: without country data Unity Day is a plain Monday.
    plain = moscow.replace(country=None)
    assert "country" not in plain.to_dict()
    assert plain.is_open(msk(2024, 11, 4, 12, 0))
    assert not moscow.is_open(msk(2024, 11, 4, 12, 0))


def test_calendars_are_immutable(moscow: Calendar) -> None:
    with pytest.raises((dataclasses.FrozenInstanceError, AttributeError)):
        moscow.tz = "UTC"  # type: ignore[misc]


def test_pickle_and_copy_keep_the_value_and_the_answers(moscow: Calendar) -> None:
    start = msk(2024, 12, 27, 17, 0)
    moscow.deadline(start, 2 * H)  # compile some of the timeline before pickling
    for clone in (
        pickle.loads(pickle.dumps(moscow)),
        copy.deepcopy(moscow),
        copy.copy(moscow),
    ):
        assert clone == moscow
        assert hash(clone) == hash(moscow)
        assert clone.deadline(start, 2 * H) == msk(2024, 12, 28, 11, 0)


def test_equal_calendars_are_one_dict_key(moscow: Calendar) -> None:
    again = Calendar.from_dict(moscow.to_dict())
    moscow.is_open(msk(2024, 11, 26, 12, 0))  # a used timeline does not change the value
    assert {moscow: "a", again: "b"} == {moscow: "b"}


def test_str_is_readable_and_short(moscow: Calendar) -> None:
    # repr is the code that builds the calendar again (tests/test_reprs.py); str is short.
    text = str(moscow)
    assert text.startswith("Calendar(")
    assert "Europe/Moscow" in text
    assert "10:00" in text and "18:00" in text
    assert "RU" in text
    many = moscow.replace(
        overrides={(date(2026, 1, 1) + timedelta(days=i)).isoformat(): [] for i in range(200)}
    )
    assert len(str(many)) < 300


def test_the_timeline_is_safe_to_compile_from_many_threads() -> None:
    spec = Calendar.from_dict(
        {
            "tz": "Europe/Moscow",
            "week": {day: WORKDAY for day in WEEKDAYS[:5]},
            "country": {"code": "RU"},
        }
    ).to_dict()
    starts = [datetime(2015 + i, 3, 1, 12, tzinfo=UTC) for i in range(12)]
    expected = [Calendar.from_dict(spec).deadline(s, 300 * H) for s in starts]
    shared = Calendar.from_dict(spec)
    results: dict[int, list[datetime]] = {}
    barrier = threading.Barrier(6)

    def work(index: int) -> None:
        barrier.wait()
        order = starts[index:] + starts[:index]
        results[index] = [shared.deadline(s, 300 * H) for s in order]

    threads = [threading.Thread(target=work, args=(i,)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for index, answers in results.items():
        assert answers == expected[index:] + expected[:index]
    assert len(results) == 6


def test_load_reads_json_and_toml_files_and_names_the_file_in_errors(tmp_path: Any) -> None:
    cal = Calendar.from_dict({"tz": "Europe/Moscow", "week": {"mon": WORKDAY}})
    (tmp_path / "cal.json").write_text(json.dumps(cal.to_dict()), encoding="utf-8")
    toml = 'tz = "Europe/Moscow"\nweek = { mon = [["10:00", "18:00"]] }\n'
    (tmp_path / "cal.toml").write_text(toml, encoding="utf-8")
    assert Calendar.load(tmp_path / "cal.json") == cal
    assert Calendar.load(str(tmp_path / "cal.toml")) == cal
    (tmp_path / "bad.json").write_text('{"tz": "Europe/Moscow",\n "week": {', encoding="utf-8")
    with pytest.raises(ValueError, match=r"invalid JSON in .*bad\.json") as info:
        Calendar.load(tmp_path / "bad.json")
    assert isinstance(info.value, SpecError)
    with pytest.raises(SpecError, match="cannot read calendar file"):
        Calendar.load(tmp_path / "missing.toml")
    with pytest.raises(SpecError, match="cannot tell the format"):
        Calendar.load(tmp_path / "cal.txt")


def test_from_dict_parses_each_part_once(monkeypatch: pytest.MonkeyPatch) -> None:
    from slaclock._calendar import calendar as calendar_module

    calls: list[str] = []
    real = calendar_module.parse_week

    def counting(value: Any, *, path: str) -> Any:
        calls.append(path)
        return real(value, path=path)

    monkeypatch.setattr(calendar_module, "parse_week", counting)
    spec = {"tz": "Europe/Moscow", "week": {day: WORKDAY for day in WEEKDAYS[:5]}}
    cal = Calendar.from_dict(spec)
    assert calls == ["week"]
    assert cal == Calendar(cal.tz, cal.week)  # direct construction still checks the parts
