"""Importing holidays from an iCalendar feed: the bundled sample, forms, and refusals by line."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from importlib.resources import files
from pathlib import Path

import pytest

from slaclock import Calendar, SlaclockError, SpecError

SAMPLE = Path(str(files("slaclock").joinpath("data", "example_holidays.ics")))
BERLIN = {
    "tz": "Europe/Berlin",
    "week": {d: [["09:00", "17:00"]] for d in ("mon", "tue", "wed", "thu", "fri")},
}


def feed(*event_lines: str, newline: str = "\r\n") -> str:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "BEGIN:VEVENT", *event_lines, "END:VEVENT"]
    return newline.join([*lines, "END:VCALENDAR", ""])


def imported(text: str) -> Calendar:
    return Calendar.from_ics(text, base=BERLIN)


def closed(cal: Calendar, day: date) -> bool:
    return cal.hours_on(day) == ()


# -- the sample feed ---------------------------------------------------------------------------


def test_the_sample_feed_gives_its_days_off() -> None:
    cal = Calendar.from_ics(SAMPLE, base=BERLIN)
    assert all(
        closed(cal, date(year, 1, 1))
        for year in (2026, 2027, 2031)
        if date(year, 1, 1).weekday() < 5
    )
    assert closed(cal, date(2026, 12, 25))  # a Friday
    assert not closed(cal, date(2027, 12, 24)) and date(2027, 12, 24).weekday() == 4
    assert date(2028, 12, 25).weekday() == 0 and closed(cal, date(2028, 12, 25))
    # The retreat: DTEND 6 June is exclusive, so Wednesday 3 to Friday 5 June.
    assert [closed(cal, date(2026, 6, d)) for d in (2, 3, 4, 5)] == [False, True, True, True]
    assert cal.deadline(datetime(2026, 6, 2, 16, tzinfo=cal.zone), timedelta(hours=2)) == datetime(
        2026, 6, 8, 10, tzinfo=cal.zone
    )


def test_text_str_path_and_path_read_alike() -> None:
    text = SAMPLE.read_text(encoding="utf-8")
    by_path = Calendar.from_ics(SAMPLE, base=BERLIN)
    assert Calendar.from_ics(str(SAMPLE), base=BERLIN) == by_path
    assert Calendar.from_ics(text, base=BERLIN) == by_path
    assert Calendar.from_ics(text.encode(), base=Calendar.from_dict(BERLIN)) == by_path
    assert Calendar.from_ics(text.replace("\r\n", "\n"), base=BERLIN) == by_path


def test_the_import_round_trips_through_the_spec() -> None:
    cal = Calendar.from_ics(SAMPLE, base={**BERLIN, "holidays": ["2026-05-01"]})
    spec = cal.to_dict()
    assert "2026-05-01" in spec["holidays"] and "2026-06-04" in spec["holidays"]
    assert {
        "rrule": "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=25",
        "dtstart": "2026-12-25",
        "exdates": ["2027-12-25"],
    } in spec["holidays"]
    assert Calendar.from_dict(spec) == cal


def test_equal_to_the_same_holidays_given_in_the_spec() -> None:
    cal = imported(
        feed(
            "DTSTART;VALUE=DATE:20261231", "RRULE:FREQ=YEARLY;COUNT=3", "EXDATE;VALUE=DATE:20271231"
        )
    )
    spec = Calendar.from_dict(
        {
            **BERLIN,
            "holidays": [
                {"rrule": "FREQ=YEARLY;COUNT=3", "dtstart": "2026-12-31", "exdates": ["2027-12-31"]}
            ],
        }
    )
    assert cal == spec
    assert [closed(cal, date(y, 12, 31)) for y in (2026, 2027, 2028, 2029)] == [
        True,
        False,
        True,
        False,
    ]


# -- reading -----------------------------------------------------------------------------------


def test_folded_lines_and_quoted_parameters_are_read() -> None:
    cal = imported(
        feed(
            'DTSTART;X-NOTE="a;b:c,d";VALUE=DATE:2026',
            " 1231",
            "RRULE:FREQ=YEA",
            "\tRLY",
            "SUMMARY:New",
            "  Year's Eve",
        )
    )
    assert closed(cal, date(2030, 12, 31))


def test_no_dtend_is_one_day_and_duration_counts_days() -> None:
    one = imported(feed("DTSTART;VALUE=DATE:20261230"))
    assert closed(one, date(2026, 12, 30)) and not closed(one, date(2026, 12, 31))
    two = imported(feed("DTSTART;VALUE=DATE:20261230", "DURATION:P2D"))
    assert closed(two, date(2026, 12, 31)) and not closed(two, date(2027, 1, 1))
    week = imported(feed("DTSTART;VALUE=DATE:20261228", "DURATION:P1W"))
    assert closed(week, date(2027, 1, 1)) and not closed(week, date(2027, 1, 4))


def test_rdates_add_days_and_a_cancelled_event_is_no_holiday() -> None:
    cal = imported(feed("DTSTART;VALUE=DATE:20261230", "RDATE;VALUE=DATE:20270105,20270106"))
    assert closed(cal, date(2027, 1, 5)) and closed(cal, date(2027, 1, 6))
    cancelled = imported(feed("DTSTART;VALUE=DATE:20261230", "STATUS:CANCELLED"))
    assert not closed(cancelled, date(2026, 12, 30))


def test_a_base_keeps_its_own_holidays_and_rules() -> None:
    base = Calendar.from_dict(
        {**BERLIN, "holidays": ["2026-12-29", {"rrule": "FREQ=YEARLY;BYEASTER=1"}]}
    )
    cal = Calendar.from_ics(feed("DTSTART;VALUE=DATE:20261230"), base=base)
    assert cal.holidays == {date(2026, 12, 29), date(2026, 12, 30)}
    assert len(cal.holiday_rules) == 1 and cal.week == base.week and cal.tz == base.tz


# -- refusals, by line -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lines", "line", "words"),
    [
        (["DTSTART:20261231T090000Z"], 4, "is a time"),
        (["DTSTART;TZID=Europe/Berlin:20261231T090000"], 4, "in Europe/Berlin"),
        (["DTSTART;VALUE=DATE-TIME:20261231"], 4, "VALUE=DATE-TIME"),
        (["DTSTART;VALUE=DATE:20261332"], 4, "'20261332' is not a date"),
        (["DTSTART;VALUE=DATE:20261231", "DTEND;VALUE=DATE:20261231"], 5, "DTEND is exclusive"),
        (["DTSTART;VALUE=DATE:20261231", "DURATION:PT1H"], 5, "whole days or weeks"),
        (
            ["DTSTART;VALUE=DATE:20261231", "DURATION:P1D", "DTEND;VALUE=DATE:20270101"],
            5,
            "both DTEND and DURATION",
        ),
        (["DTSTART;VALUE=DATE:20261231", "DTSTART;VALUE=DATE:20261230"], 5, "DTSTART twice"),
        (["SUMMARY:no start"], 3, "no DTSTART"),
        (
            ["DTSTART;VALUE=DATE:20261231", "RECURRENCE-ID;VALUE=DATE:20271231"],
            5,
            "changed occurrence",
        ),
        (["DTSTART;VALUE=DATE:20261231", "EXRULE:FREQ=YEARLY"], 5, "exclusion rule"),
        (["DTSTART;VALUE=DATE:20261231", "GEOMETRY:1"], 5, "unknown event property 'GEOMETRY'"),
        (
            ["DTSTART;VALUE=DATE:20261231", "RRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30"],
            5,
            "never occurs",
        ),
        (["DTSTART;VALUE=DATE:20261231", "RRULE:FREQ=DAILY;BYHOUR=9"], 5, "time part"),
        (
            ["DTSTART;VALUE=DATE:20261231", "DTEND;VALUE=DATE:20270102", "RRULE:FREQ=YEARLY"],
            6,
            "2 days",
        ),
        (
            ["DTSTART;VALUE=DATE:20261231", "EXDATE;VALUE=DATE:20261231"],
            3,
            "EXDATE without an RRULE",
        ),
        (["DTSTART;VALUE=DATE:20261231", "BEGIN:VTODO", "END:VTODO"], 5, "VTODO is not a holiday"),
        (["DTSTART;VALUE=DATE:20261231", "BEGIN:VFOO", "END:VFOO"], 5, "unknown component 'VFOO'"),
        (
            ["DTSTART;VALUE=DATE:20261231", "END:VALARM"],
            5,
            r"END:VALARM closes BEGIN:VEVENT \(line 3\)",
        ),
        (["DTSTART;VALUE=DATE:20261231", "no colon here"], 5, "expected NAME:value"),
        (['DTSTART;X-A="open:20261231'], 4, "unclosed quote"),
    ],
)
def test_bad_events_are_refused_naming_the_line(lines: list[str], line: int, words: str) -> None:
    with pytest.raises(SpecError, match=words) as caught:
        imported(feed(*lines))
    assert caught.value.line == line


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("BEGIN:VEVENT\r\nEND:VEVENT\r\n", 1, "expected BEGIN:VCALENDAR"),
        ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n", 1, "never closed"),
        ("BEGIN:VCALENDAR\r\nVERSION:1.0\r\nEND:VCALENDAR\r\n", 2, "expected iCalendar 2.0"),
        ("BEGIN:VCALENDAR\r\nCALSCALE:JULIAN\r\nEND:VCALENDAR\r\n", 2, "GREGORIAN"),
        ("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\nVERSION:2.0\r\n", 3, "outside BEGIN:VCALENDAR"),
        (" BEGIN:VCALENDAR\r\n", 1, "continuation line"),
        ("BEGIN:VCALENDAR\r\nVERSION:2.0\rX\r\nEND:VCALENDAR\r\n", 2, "bare carriage return"),
        ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n", None, "no VEVENT"),
    ],
)
def test_bad_feeds_are_refused(text: str, line: int | None, words: str) -> None:
    with pytest.raises(SpecError, match=words) as caught:
        imported(text)
    assert caught.value.line == line


def test_a_file_error_names_the_file_and_the_line(tmp_path: Path) -> None:
    path = tmp_path / "holidays.ics"
    path.write_text(feed("DTSTART:20261231T090000Z"), encoding="utf-8")
    with pytest.raises(SpecError, match=r"holidays\.ics") as caught:
        Calendar.from_ics(path, base=BERLIN)
    assert caught.value.line == 4
    path.write_bytes(b"BEGIN:VCALENDAR\r\nSUMMARY:\xff\r\n")
    with pytest.raises(SpecError, match="not UTF-8") as caught:
        Calendar.from_ics(path, base=BERLIN)
    assert caught.value.line == 2
    with pytest.raises(SpecError, match="cannot read iCalendar file"):
        Calendar.from_ics(tmp_path / "missing.ics", base=BERLIN)


def test_a_bad_source_or_base_is_refused() -> None:
    with pytest.raises(SlaclockError, match="int"):
        Calendar.from_ics(12, base=BERLIN)
    with pytest.raises(SpecError, match=r"base\.tz"):
        Calendar.from_ics(
            feed("DTSTART;VALUE=DATE:20261231"), base={"week": {}, "tz": "Nowhere/City"}
        )
