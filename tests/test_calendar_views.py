"""The scalar fast path on datetimes (``Timeline.deadline_at``/``elapsed_at``) against the integer one.

``Calendar.deadline``/``elapsed`` answer from a block's *view* (its intervals as
timedeltas from an aware anchor) once the block is compiled, and fall back to
the integer timeline otherwise.  Both must give the same instant, in the same
zone, with the same ``fold`` and wall fields, for starts in the calendar's zone,
in UTC, in fixed offsets and in other DST zones; at New Year (the next or
previous block), in DST folds and gaps, and in zones whose offset changes near
New Year (a *local* view must not be used there).  The reference walker holds
both to the rules.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta, timezone

from hypothesis import given, note
from hypothesis import strategies as st
from reference import Reference, to_us

from slaclock import Calendar
from slaclock._calendar.instants import from_us
from slaclock.strategies import calendar_specs, durations, instants

US = timedelta(microseconds=1)
MOSCOW = {
    "tz": "Europe/Moscow",
    "week": {day: [["10:00", "18:00"]] for day in ("mon", "tue", "wed", "thu", "fri")},
    "country": {"code": "RU"},
}


def same(a: datetime, b: datetime) -> bool:
    """Equal as the user sees them: wall fields, fold and zone object, not just the instant."""
    return (a.replace(tzinfo=None), a.fold, a.tzinfo) == (b.replace(tzinfo=None), b.fold, b.tzinfo)


def warm(cal: Calendar, years: range) -> None:
    for year in years:
        cal.timeline.block(year)


def integer_deadline(cal: Calendar, start: datetime, duration: timedelta) -> datetime:
    return from_us(cal.timeline.deadline_us(to_us(start), duration // US), cal.zone)


def integer_elapsed(cal: Calendar, start: datetime, end: datetime) -> timedelta:
    return cal.timeline.elapsed_us(to_us(start), to_us(end)) * US


@given(st.data())
def test_views_answer_as_the_integer_timeline_does(data: st.DataObject) -> None:
    spec = data.draw(calendar_specs())
    cal = Calendar.from_dict(spec)
    note(repr(cal))
    warm(cal, range(2023, 2029))  # every year the instants reach: the views answer
    ref = Reference(spec)
    start = data.draw(instants(cal), label="start")
    end = data.draw(instants(cal), label="end")
    duration = data.draw(
        durations(min_value=timedelta(hours=-300), max_value=timedelta(hours=300)),
        label="duration",
    )
    due = cal.deadline(start, duration)
    assert same(due, integer_deadline(cal, start, duration))
    assert to_us(due) == ref.deadline_us(to_us(start), duration // US)
    took = cal.elapsed(start, end)
    assert took == integer_elapsed(cal, start, end)
    assert took // US == ref.elapsed_us(to_us(start), to_us(end))


def test_the_common_case_is_answered_by_the_view() -> None:
    # Not a dead branch: a Moscow start in a compiled year, in the calendar's own zone
    # and in UTC, forwards into the next year and backwards into the year before.
    cal = Calendar.from_dict(MOSCOW)
    warm(cal, range(2025, 2028))
    zone, tl = cal.zone, cal.timeline
    for start in (datetime(2026, 11, 27, 17, 30, tzinfo=zone), datetime(2026, 6, 1, 3, tzinfo=UTC)):
        for hours in (1, 8, 200, -200):
            found = tl.deadline_at(start, timedelta(hours=hours))
            assert found is not None
            assert same(found, integer_deadline(cal, start, timedelta(hours=hours)))
    late = datetime(2026, 12, 30, 12, tzinfo=zone)
    assert tl.elapsed_at(late, late + timedelta(days=40)) == integer_elapsed(
        cal, late, late + timedelta(days=40)
    )
    view = tl.view(2026)
    assert view is not None and view.local  # Moscow keeps UTC+3: wall time is real time


def test_a_start_outside_the_compiled_years_takes_the_integer_way() -> None:
    cal = Calendar.from_dict(MOSCOW)
    start = datetime(2031, 3, 3, 12, tzinfo=cal.zone)
    assert cal.timeline.deadline_at(start, timedelta(hours=2)) is None  # nothing compiled yet
    assert cal.deadline(start, timedelta(hours=2)) == datetime(2031, 3, 3, 14, tzinfo=cal.zone)
    assert cal.timeline.deadline_at(start, timedelta(hours=2)) is not None  # now it is


def test_dst_zones_use_utc_anchors_and_keep_the_fold() -> None:
    # New York falls back on 2026-11-01 at 02:00: 01:30 happens twice.
    cal = Calendar.always_open("America/New_York")
    zone = cal.zone
    warm(cal, range(2025, 2028))
    view = cal.timeline.view(2026)
    assert view is not None and not view.local
    first = datetime(2026, 11, 1, 1, 30, tzinfo=zone)
    second = first.replace(fold=1)
    assert cal.elapsed(first, second) == timedelta(hours=1)
    due = cal.deadline(first, timedelta(hours=1))
    assert due.fold == 1 and same(due, second)
    assert same(cal.deadline(second, timedelta(hours=-1)), first)
    # Across the spring gap (2026-03-08 02:00 -> 03:00): real time.
    before = datetime(2026, 3, 8, 1, 30, tzinfo=zone)
    assert same(cal.deadline(before, timedelta(hours=1)), datetime(2026, 3, 8, 3, 30, tzinfo=zone))


def test_an_offset_change_near_new_year_keeps_the_view_off_wall_time() -> None:
    # Samoa skipped 30 December 2011 (UTC-10 to UTC+14): years 2011 and 2012 may not
    # be counted in wall time; the answers still equal the reference's.
    spec = {
        "tz": "Pacific/Apia",
        "week": {day: [["09:00", "17:00"]] for day in ("thu", "fri", "sat", "mon")},
    }
    cal = Calendar.from_dict(spec)
    ref = Reference(spec)
    warm(cal, range(2010, 2014))
    assert not cal.timeline.view(2011).local and not cal.timeline.view(2012).local
    zone = cal.zone
    for start in (
        datetime(2011, 12, 29, 16, tzinfo=zone),
        datetime(2011, 12, 31, 9, 30, tzinfo=zone),
        datetime(2011, 12, 29, 3, tzinfo=UTC),
        datetime(2012, 1, 1, 12, tzinfo=timezone(timedelta(hours=-5))),
    ):
        for hours in (1, 8, 30, -8, -30):
            due = cal.deadline(start, timedelta(hours=hours))
            assert same(due, integer_deadline(cal, start, timedelta(hours=hours)))
            assert to_us(due) == ref.deadline_us(to_us(start), timedelta(hours=hours) // US)
        end = start + timedelta(days=3)
        assert cal.elapsed(start, end) // US == ref.elapsed_us(to_us(start), to_us(end))


def test_views_are_shared_by_threads_and_dropped_with_their_blocks() -> None:
    from slaclock._calendar.timeline import BLOCKS_KEPT

    cal = Calendar.from_dict(MOSCOW)
    zone = cal.zone
    starts = [datetime(2000 + k % 90, 3, 2, 11, tzinfo=zone) for k in range(400)]
    want = [integer_deadline(cal, s, timedelta(hours=30)) for s in starts]
    errors: list[BaseException] = []

    def work() -> None:
        try:
            for s, w in zip(starts, want, strict=True):
                assert same(cal.deadline(s, timedelta(hours=30)), w)
        except BaseException as error:  # reported below, not lost in the thread
            errors.append(error)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert set(cal.timeline._views) <= set(cal.timeline._blocks)
    assert len(cal.timeline._blocks) <= BLOCKS_KEPT
