"""Recurring holidays and overrides (RFC 5545 rules): named cases, refusals and laws.

The law: a calendar whose holidays and overrides are rules answers exactly as
the same calendar with the rules' dates listed one by one, the dates expanded
here by dateutil iterating each rule from its start (not by slaclock's
year-at-a-time expansion), and both as the reference walker does.
"""

from __future__ import annotations

import pickle
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from dateutil.rrule import rrulestr
from hypothesis import given, note
from hypothesis import strategies as st
from reference import NoWork, Reference, to_us

from slaclock import Calendar, NoWorkingTimeError, SpecError
from slaclock.strategies import calendar_specs, durations, instants

WEEKDAYS = {d: [["10:00", "18:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}
NEW_YEARS_EVE = {"rrule": "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=31"}


def calendar(**spec: Any) -> Calendar:
    return Calendar.from_dict({"tz": "Europe/Moscow", "week": WEEKDAYS, **spec})


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def is_closed(cal: Calendar, day: date) -> bool:
    return cal.hours_on(day) == ()


# -- named cases ------------------------------------------------------------------------------


def test_a_yearly_rule_closes_its_date_every_year() -> None:
    cal = calendar(holidays=[NEW_YEARS_EVE])
    for year in (2025, 2026, 2030):  # 31 December 2025 and 2026 are working weekdays
        if date(year, 12, 31).weekday() < 5:
            assert is_closed(cal, date(year, 12, 31))
    assert not is_closed(cal, date(2026, 12, 30))


def test_a_deadline_before_open_at_open_and_at_close_around_a_rule_holiday() -> None:
    cal = calendar(holidays=[NEW_YEARS_EVE])
    two = timedelta(hours=2)
    # 30 December 2026 (Wednesday) before open, at open, at close; 31st is the rule's holiday.
    assert cal.deadline(at("2026-12-30T09:00+03:00"), two) == at("2026-12-30T12:00+03:00")
    assert cal.deadline(at("2026-12-30T10:00+03:00"), two) == at("2026-12-30T12:00+03:00")
    assert cal.deadline(at("2026-12-30T18:00+03:00"), two) == at("2027-01-01T12:00+03:00")
    assert not cal.is_open(at("2026-12-31T12:00+03:00"))


def test_a_rule_holiday_on_a_weekend_is_not_moved() -> None:
    cal = calendar(holidays=[NEW_YEARS_EVE])
    # 31 December 2028 is a Sunday: closed anyway; Friday the 29th and Monday 1 January work.
    assert date(2028, 12, 31).weekday() == 6
    assert not is_closed(cal, date(2028, 12, 29))
    assert not is_closed(cal, date(2029, 1, 1))
    week = (at("2028-12-25T00:00+03:00"), at("2029-01-08T00:00+03:00"))
    assert cal.elapsed(*week) == calendar().elapsed(*week) == timedelta(hours=80)


def test_a_rule_holiday_closes_a_transferred_working_day_as_a_listed_holiday_does() -> None:
    # Saturday 2 November 2024 is a transferred working day in Russia.
    base = calendar(country={"code": "RU"})
    assert not is_closed(base, date(2024, 11, 2))
    first_saturday = {"rrule": "FREQ=MONTHLY;BYDAY=1SA"}
    ruled = calendar(country={"code": "RU"}, holidays=[first_saturday])
    listed = calendar(country={"code": "RU"}, holidays=["2024-11-02"])
    assert is_closed(ruled, date(2024, 11, 2))
    start, end = at("2024-11-01T12:00+03:00"), at("2024-11-06T12:00+03:00")
    assert ruled.elapsed(start, end) == listed.elapsed(start, end)


def test_a_leap_day_rule_falls_in_leap_years_only() -> None:
    cal = calendar(
        holidays=[{"rrule": "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29"}],
        week={d: [["10:00", "18:00"]] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")},
    )
    assert is_closed(cal, date(2028, 2, 29))
    assert not is_closed(cal, date(2027, 2, 28))
    assert not is_closed(cal, date(2027, 3, 1))
    assert not is_closed(cal, date(2100, 2, 28))  # 2100 is not a leap year
    assert is_closed(cal, date(2400, 2, 29))


def test_the_first_and_last_supported_years() -> None:
    cal = calendar(holidays=[NEW_YEARS_EVE])
    assert is_closed(cal, date(2, 12, 31)) or date(2, 12, 31).weekday() >= 5
    assert date(9998, 12, 31).weekday() < 5 and is_closed(cal, date(9998, 12, 31))
    start = datetime(9998, 12, 30, 17, tzinfo=cal.zone)
    assert cal.elapsed(start, datetime(9998, 12, 31, 23, tzinfo=cal.zone)) == timedelta(hours=1)
    first = cal.elapsed(datetime(2, 1, 1, tzinfo=UTC), datetime(6, 1, 1, tzinfo=UTC))
    last = cal.elapsed(datetime(9994, 1, 1, tzinfo=UTC), datetime(9998, 1, 1, tzinfo=UTC))
    plain = calendar()
    closed = sum(date(y, 12, 31).weekday() < 5 for y in range(2, 6))
    assert first == plain.elapsed(
        datetime(2, 1, 1, tzinfo=UTC), datetime(6, 1, 1, tzinfo=UTC)
    ) - closed * timedelta(hours=8)
    closed = sum(date(y, 12, 31).weekday() < 5 for y in range(9994, 9998))
    assert last == plain.elapsed(
        datetime(9994, 1, 1, tzinfo=UTC), datetime(9998, 1, 1, tzinfo=UTC)
    ) - closed * timedelta(hours=8)


def test_an_override_rule_with_hours_across_a_dst_change() -> None:
    # The last Sunday of March and October (Berlin's changes) work 01:00-04:00 local.
    spec = {
        "tz": "Europe/Berlin",
        "week": {},
        "overrides": [
            {"rrule": "FREQ=YEARLY;BYMONTH=3,10;BYDAY=-1SU", "hours": [["01:00", "04:00"]]}
        ],
    }
    cal = Calendar.from_dict(spec)
    spring = datetime(2026, 3, 29, tzinfo=cal.zone)
    autumn = datetime(2026, 10, 25, tzinfo=cal.zone)
    day = timedelta(days=1)
    assert cal.elapsed(spring, spring + day) == timedelta(hours=2)  # 02:00-03:00 does not exist
    assert cal.elapsed(autumn, autumn + day) == timedelta(hours=4)  # 02:00-03:00 happens twice
    assert cal.elapsed(spring + day, autumn) == timedelta(0)


def test_exdates_remove_one_occurrence() -> None:
    cal = calendar(holidays=[{**NEW_YEARS_EVE, "exdates": ["2026-12-31"]}])
    assert not is_closed(cal, date(2026, 12, 31))
    assert is_closed(cal, date(2027, 12, 31))


def test_dtstart_until_and_count_bound_a_rule() -> None:
    rule = {"rrule": "FREQ=YEARLY;BYMONTH=6;BYMONTHDAY=2", "dtstart": "2026-01-01"}
    cal = calendar(holidays=[{**rule, "until": "2027-12-31"}])
    # 2 June is a weekday in 2025 to 2028.
    assert [is_closed(cal, date(y, 6, 2)) for y in (2025, 2026, 2027, 2028)] == [
        False,
        True,
        True,
        False,
    ]
    assert calendar(holidays=[{**rule, "count": 2}]).hours_on(date(2027, 6, 2)) == ()
    assert calendar(holidays=[{**rule, "count": 1}]).hours_on(date(2027, 6, 2)) != ()


def test_a_dated_override_beats_an_override_rule_which_beats_holidays() -> None:
    rule = {"rrule": "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=31", "hours": [["10:00", "14:00"]]}
    cal = calendar(
        holidays=["2027-12-31"],
        overrides=[{"date": "2026-12-31", "hours": [["10:00", "11:00"]]}, rule],
    )
    assert cal.elapsed(at("2026-12-31T00:00+03:00"), at("2027-01-01T00:00+03:00")) == timedelta(
        hours=1
    )
    assert cal.elapsed(at("2027-12-31T00:00+03:00"), at("2028-01-01T00:00+03:00")) == timedelta(
        hours=4
    )


def test_two_override_rules_with_different_hours_on_one_date_are_refused_when_met() -> None:
    cal = calendar(
        overrides=[
            {"rrule": "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=31", "hours": [["10:00", "14:00"]]},
            {"rrule": "FREQ=MONTHLY;BYMONTHDAY=-1", "hours": [["10:00", "12:00"]]},
        ]
    )
    with pytest.raises(
        SpecError, match=r"both fall on 202[56]-12-31 with different hours"
    ) as caught:
        cal.elapsed(at("2026-12-01T00:00+03:00"), at("2027-01-02T00:00+03:00"))
    assert caught.value.path == "overrides"


def test_an_unbounded_rule_is_expanded_only_for_the_years_asked() -> None:
    cal = calendar(holidays=[{"rrule": "FREQ=DAILY;BYDAY=WE"}])
    cal.deadline(at("2026-12-30T10:00+03:00"), timedelta(hours=100))
    recurring = cal._rules.recurring
    assert recurring is not None and len(recurring._years) <= 6


def test_round_trip_keeps_the_rule_text_and_equality_is_by_value() -> None:
    text = "freq=yearly;bymonthday=31;bymonth=12"
    cal = calendar(
        holidays=[{"rrule": text}],
        overrides=[{"rrule": "FREQ=WEEKLY;BYDAY=SA", "hours": [["10:00", "12:00"]]}],
    )
    spec = cal.to_dict()
    assert spec["holidays"] == [{"rrule": text}]
    assert spec["overrides"] == [{"rrule": "FREQ=WEEKLY;BYDAY=SA", "hours": [["10:00", "12:00"]]}]
    assert Calendar.from_dict(spec) == cal
    assert pickle.loads(pickle.dumps(cal)) == cal
    same = calendar(
        holidays=[NEW_YEARS_EVE],
        overrides=[{"rrule": "FREQ=WEEKLY;BYDAY=SA;INTERVAL=1", "hours": [["10:00", "12:00"]]}],
    )
    assert same == cal and hash(same) == hash(cal)
    assert cal != calendar(holidays=[{"rrule": "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=30"}])


def test_the_mapping_form_of_overrides_is_kept_without_rules() -> None:
    cal = calendar(overrides=[{"date": "2026-12-26", "hours": [["10:00", "14:00"]]}])
    assert cal.to_dict()["overrides"] == {"2026-12-26": [["10:00", "14:00"]]}
    assert cal == calendar(overrides={"2026-12-26": [["10:00", "14:00"]]})


# -- refusals ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("entry", "path", "words"),
    [
        ({"rrule": "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30"}, "holidays[0].rrule", "never occurs"),
        (
            {"rrule": "FREQ=DAILY;INTERVAL=7;BYDAY=MO", "dtstart": "2026-01-06"},
            "holidays[0].rrule",
            "never occurs",
        ),
        (
            {"rrule": "FREQ=YEARLY;BYMONTH=1", "dtstart": "2026-01-01", "until": "2025-01-01"},
            "holidays[0].rrule",
            "never occurs",
        ),
        (
            {
                "rrule": "FREQ=YEARLY;BYMONTH=1;BYMONTHDAY=1",
                "count": 1,
                "dtstart": "2026-01-01",
                "exdates": ["2026-01-01"],
            },
            "holidays[0].rrule",
            "every date it gives is excluded",
        ),
        (
            {"rrule": "FREQ=YEARLY;BYHOUR=9;BYMONTH=1;BYMONTHDAY=1"},
            "holidays[0].rrule",
            "time part",
        ),
        ({"rrule": "FREQ=HOURLY"}, "holidays[0].rrule", "within a day"),
        (
            {"rrule": "FREQ=YEARLY;BYMONTH=1;UNTIL=20300101T000000Z"},
            "holidays[0].rrule",
            "no time part",
        ),
        (
            {"rrule": "FREQ=YEARLY;COUNT=2;UNTIL=20300101", "dtstart": "2026-01-01"},
            "holidays[0].rrule",
            "both COUNT and UNTIL",
        ),
        (
            {
                "rrule": "FREQ=YEARLY;BYMONTH=1",
                "count": 2,
                "until": "2030-01-01",
                "dtstart": "2026-01-01",
            },
            "holidays[0].rrule",
            "both COUNT and UNTIL",
        ),
        ({"rrule": "FREQ=YEARLY;BYMONTH=13"}, "holidays[0].rrule", "from 1 to 12"),
        ({"rrule": "FREQ=YEARLY;BYFOO=1"}, "holidays[0].rrule", "unknown rule part 'BYFOO'"),
        ({"rrule": "FREQ=YEARLY;;BYMONTH=1"}, "holidays[0].rrule", "cannot read"),
        ({"rrule": "BYMONTH=1;BYMONTHDAY=1"}, "holidays[0].rrule", "no FREQ"),
        (
            {"rrule": "RRULE:FREQ=YEARLY;BYMONTH=1;BYMONTHDAY=1"},
            "holidays[0].rrule",
            'leave out "RRULE:"',
        ),
        ({"rrule": "FREQ=WEEKLY;BYDAY=1MO"}, "holidays[0].rrule", "numbered days"),
        ({"rrule": "FREQ=YEARLY"}, "holidays[0].rrule", "needs a dtstart"),
        ({"rrule": "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO"}, "holidays[0].rrule", "needs a dtstart"),
        ({"rrule": 17}, "holidays[0].rrule", "17"),
        (
            {"rrule": "FREQ=YEARLY;BYMONTH=1;BYMONTHDAY=1", "every": 2},
            "holidays[0].every",
            "unknown key 'every'",
        ),
        (
            {"rrule": "FREQ=YEARLY;BYMONTH=1;BYMONTHDAY=1", "dtstart": "2026-13-01"},
            "holidays[0].dtstart",
            "2026-13-01",
        ),
        ({"date": "2026-01-01"}, "holidays[0]", "recurring entry"),
    ],
)
def test_bad_holiday_rules_are_refused_naming_the_value_and_the_path(
    entry: dict[str, Any], path: str, words: str
) -> None:
    with pytest.raises(SpecError, match=words) as caught:
        calendar(holidays=[entry])
    assert caught.value.path == path
    assert "rrule" in str(caught.value) or "key" in str(caught.value) or "date" in str(caught.value)


@pytest.mark.parametrize(
    ("entry", "path", "words"),
    [
        ({"rrule": "FREQ=WEEKLY;BYDAY=SA"}, "overrides[0]", 'needs its "hours"'),
        ({"rrule": "FREQ=WEEKLY;BYDAY=SA", "hours": [["10:00"]]}, "overrides[0].hours[0]", "pair"),
        ({"date": "2026-01-01"}, "overrides[0]", '"date"'),
        ({"date": "2026-01-41", "hours": []}, "overrides[0].date", "2026-01-41"),
    ],
)
def test_bad_override_entries_are_refused(entry: dict[str, Any], path: str, words: str) -> None:
    with pytest.raises(SpecError, match=words) as caught:
        calendar(overrides=[entry])
    assert caught.value.path == path


def test_a_never_occurring_daily_rule_is_refused_without_walking_to_9999() -> None:
    # A daily rule that never occurs is decided within one 400-year cycle.
    with pytest.raises(SpecError, match="never occurs"):
        calendar(holidays=[{"rrule": "FREQ=DAILY;BYMONTH=4;BYMONTHDAY=31"}])


# -- the law ----------------------------------------------------------------------------------

_NO_SUCH_DAYS = [
    [f"BYMONTH={m}", f"BYMONTHDAY={d}"]
    for m, d in ((2, 30), (2, 31), (4, 31), (6, 31), (9, 31), (11, 31))
]
RULES = st.one_of(
    st.builds(
        lambda m, d: f"FREQ=YEARLY;BYMONTH={m};BYMONTHDAY={d}",
        st.integers(1, 12),
        st.sampled_from([1, 2, 7, 15, 28, 29, 30, 31, -1]),
    ).filter(lambda r: r.split(";")[1:] not in _NO_SUCH_DAYS),
    st.builds(
        lambda n, day, m: f"FREQ=YEARLY;BYMONTH={m};BYDAY={n}{day}",
        st.sampled_from([1, 2, -1]),
        st.sampled_from(["MO", "FR", "SA"]),
        st.integers(1, 12),
    ),
    st.builds(
        lambda n, day: f"FREQ=WEEKLY;INTERVAL={n};BYDAY={day}",
        st.integers(1, 3),
        st.sampled_from(["MO", "TU", "SA", "SU", "MO,TH"]),
    ),
    st.builds(lambda n: f"FREQ=DAILY;INTERVAL={n}", st.integers(5, 40)),
    st.just("FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1"),
    st.builds(
        lambda n, d: f"FREQ=MONTHLY;INTERVAL={n};BYMONTHDAY={d}",
        st.integers(1, 5),
        st.sampled_from([1, 15, -1]),
    ),
    st.builds(lambda n: f"FREQ=WEEKLY;INTERVAL={n};WKST=SU;BYDAY=SU,MO", st.integers(1, 3)),
    st.builds(
        lambda n, w: f"FREQ=YEARLY;INTERVAL={n};BYWEEKNO={w};BYDAY=MO",
        st.integers(1, 3),
        st.sampled_from([1, 20, 53, -1]),
    ),
    st.builds(lambda d: f"FREQ=YEARLY;BYYEARDAY={d}", st.sampled_from([1, 100, 366, -1])),
    st.just("FREQ=YEARLY;BYEASTER=1"),
)
STARTS = st.dates(min_value=date(2019, 1, 1), max_value=date(2026, 6, 30))


def expanded(entry: dict[str, Any], first: int, last: int) -> list[date]:
    """The rule's dates in [first, last], by dateutil walking the rule from its start."""
    start = date.fromisoformat(entry["dtstart"])
    rule = rrulestr(entry["rrule"], dtstart=datetime(start.year, start.month, start.day))
    if "count" in entry:
        rule = rule.replace(count=entry["count"])
    if "until" in entry:
        until = date.fromisoformat(entry["until"])
        rule = rule.replace(until=datetime(until.year, until.month, until.day))
    found = rule.between(datetime(first, 1, 1), datetime(last, 12, 31), inc=True)
    excluded = {date.fromisoformat(d) for d in entry.get("exdates", ())}
    return [t.date() for t in found if t.date() not in excluded]


@st.composite
def rule_entries(draw: st.DrawFn) -> dict[str, Any]:
    entry: dict[str, Any] = {"rrule": draw(RULES), "dtstart": draw(STARTS).isoformat()}
    bound = draw(st.sampled_from(["", "count", "until"]))
    if bound == "count":
        entry["count"] = draw(st.integers(1, 30))
    elif bound == "until":
        entry["until"] = draw(STARTS).isoformat()
    dates = expanded(entry, 2019, 2030)
    if dates and draw(st.booleans()):
        entry["exdates"] = [draw(st.sampled_from(dates)).isoformat()]
    return entry


def _valid(entry: dict[str, Any]) -> bool:
    return bool(expanded(entry, 2019, 2030))


@st.composite
def ruled_cases(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, Any]]:
    """A spec with rule holidays and one override rule, and the same with the dates listed."""
    spec = draw(calendar_specs())
    holidays = draw(st.lists(rule_entries().filter(_valid), max_size=2))
    override = draw(st.none() | rule_entries().filter(_valid))
    hours = draw(st.sampled_from([[], [["09:00", "11:00"]], [["22:00", "02:00"]]]))
    listed = dict(spec)
    listed["holidays"] = sorted(
        {
            *spec.get("holidays", ()),
            *(d.isoformat() for e in holidays for d in expanded(e, 2019, 2030)),
        }
    )
    overrides = dict(spec.get("overrides", {}))
    ruled_overrides: list[dict[str, Any]] = [{"date": k, "hours": v} for k, v in overrides.items()]
    if override is not None:
        for day in expanded(override, 2019, 2030):
            overrides.setdefault(day.isoformat(), hours)  # a dated override beats the rule
        ruled_overrides.append({**override, "hours": hours})
    listed["overrides"] = overrides
    ruled = {
        **spec,
        "holidays": [*spec.get("holidays", ()), *holidays],
        "overrides": ruled_overrides,
    }
    return ruled, listed


@given(st.data())
def test_rule_calendars_equal_the_calendar_with_the_dates_listed(data: st.DataObject) -> None:
    ruled_spec, listed_spec = data.draw(ruled_cases())
    ruled = Calendar.from_dict(ruled_spec)
    listed = Calendar.from_dict(listed_spec)
    note(repr(ruled_spec))
    ref = Reference(listed_spec)
    start = data.draw(instants(listed), label="start")
    end = data.draw(instants(listed), label="end")
    assert ruled.elapsed(start, end) == listed.elapsed(start, end)
    assert ruled.elapsed(start, end) // timedelta(microseconds=1) == ref.elapsed_us(
        to_us(start), to_us(end)
    )
    duration = data.draw(durations(min_value=-timedelta(hours=60), max_value=timedelta(hours=60)))
    try:
        expected = ref.deadline_us(to_us(start), duration // timedelta(microseconds=1))
    except NoWork:
        with pytest.raises(NoWorkingTimeError):
            listed.deadline(start, duration)
        return
    due = ruled.deadline(start, duration)
    # A deadline within the listed years (2019-2030) is the same on both calendars.
    if date(2019, 1, 2) <= due.date() <= date(2030, 12, 30):
        assert to_us(due) == expected
        assert due == listed.deadline(start, duration)


def test_replace_takes_the_spec_form_with_rules_and_the_typed_form_without() -> None:
    cal = calendar(holidays=["2026-12-30", NEW_YEARS_EVE])
    assert cal.replace(holidays=["2026-12-30"]).holiday_rules == ()
    assert cal.replace(holidays=None) == calendar()
    # The typed form changes the dated holidays only; the rules stay.
    kept = cal.replace(holidays=frozenset({date(2026, 12, 29)}))
    assert kept.holiday_rules == cal.holiday_rules and kept.holidays == {date(2026, 12, 29)}
    rule = {"rrule": "FREQ=WEEKLY;BYDAY=SA", "hours": [["10:00", "12:00"]]}
    assert cal.replace(overrides=[rule]).override_rules == calendar(overrides=[rule]).override_rules


def test_direct_construction_refuses_unparsed_rules() -> None:
    rules = calendar(holidays=[NEW_YEARS_EVE, {"rrule": "FREQ=YEARLY;BYEASTER=1"}]).holiday_rules
    with pytest.raises(SpecError, match="not a parsed value"):
        calendar().replace(holiday_rules=rules[::-1])
    with pytest.raises(SpecError, match="Recurrence values with hours"):
        calendar().replace(override_rules=rules)
    with pytest.raises(SpecError, match="tuple of Recurrence"):
        calendar().replace(holiday_rules=["FREQ=YEARLY"])


@given(entry=rule_entries().filter(_valid), year=st.integers(2019, 2030))
def test_a_year_expanded_from_its_own_period_equals_dateutil_walking_from_the_start(
    entry: dict[str, Any], year: int
) -> None:
    from slaclock._calendar.spec import parse_recurrence

    rule = parse_recurrence(entry, path="rule")
    assert rule.dates_in(year) == set(expanded(entry, year, year))


def test_the_toml_form_reads_rules_and_dated_override_entries() -> None:
    cal = Calendar.from_toml(
        'tz = "Europe/Moscow"\n'
        'week = { mon = [["10:00", "18:00"]] }\n'
        'holidays = ["2026-12-30", { rrule = "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=31", '
        "dtstart = 2020-01-01 }]\n"
        "[[overrides]]\n"
        'rrule = "FREQ=MONTHLY;BYDAY=1SA"\n'
        'hours = [["10:00", "12:00"]]\n'
        "[[overrides]]\n"
        "date = 2026-12-28\n"
        "hours = []\n"
    )
    assert cal.holiday_rules[0].dtstart == date(2020, 1, 1)
    assert len(cal.hours_on(date(2026, 12, 5))) == 1 and cal.hours_on(date(2026, 12, 28)) == ()
    with pytest.raises(SpecError, match="never occurs") as caught:
        Calendar.from_toml(
            'tz = "UTC"\nweek = {}\nholidays = [{ rrule = "FREQ=YEARLY;BYMONTH=4;BYMONTHDAY=31" }]\n'
        )
    assert caught.value.path == "holidays[0].rrule"
