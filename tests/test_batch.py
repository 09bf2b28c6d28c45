"""The batch API: ``deadline_many`` / ``elapsed_many`` equal the scalar answers element by element.

Arrays in (numpy ``datetime64[us]`` UTC instants, ``timedelta64[us]`` durations)
give arrays out; sequences of aware datetimes give lists of aware datetimes in
the calendar's zone.  numpy is in the ``test`` extra, so none of this is skipped.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from slaclock import Calendar, NaiveDatetimeError, NoWorkingTimeError, SlaclockError
from slaclock._calendar import batch
from slaclock.strategies import calendar_specs, durations, instants

MSK = ZoneInfo("Europe/Moscow")
H = timedelta(hours=1)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
US = timedelta(microseconds=1)


def calendars(*, countries: bool = True) -> st.SearchStrategy[Calendar]:
    return calendar_specs(country=countries).map(Calendar.from_dict)


def msk(*args: int) -> datetime:
    return datetime(*args, tzinfo=MSK)  # type: ignore[misc]


def as_array(instants: list[datetime]) -> Any:
    return np.array([(t - EPOCH) // US for t in instants], dtype=np.int64).view("datetime64[us]")


def as_td_array(values: list[timedelta]) -> Any:
    return np.array([v // US for v in values], dtype=np.int64).view("timedelta64[us]")


def from_array(values: Any) -> list[datetime]:
    return [EPOCH + timedelta(microseconds=int(v)) for v in values.view(np.int64)]


def in_utc(values: list[datetime]) -> list[datetime]:
    return [t.astimezone(UTC) for t in values]


def check_deadlines(cal: Calendar, starts: list[datetime], spans: list[timedelta]) -> None:
    expected = [cal.deadline(s, d) for s, d in zip(starts, spans, strict=True)]
    listed = cal.deadline_many(starts, spans)
    # Compare instants in UTC: same-zone equality ignores ``fold``, and cross-zone
    # equality is always False for an instant in a fold (PEP 495).
    assert in_utc(listed) == in_utc(expected)
    assert [t.fold for t in listed] == [t.fold for t in expected]
    assert all(t.tzinfo is cal.zone for t in listed)
    arrayed = cal.deadline_many(as_array(starts), as_td_array(spans))
    assert arrayed.dtype == np.dtype("datetime64[us]")
    assert from_array(arrayed) == in_utc(expected)


def check_elapsed(cal: Calendar, starts: list[datetime], ends: list[datetime]) -> None:
    expected = [cal.elapsed(a, b) for a, b in zip(starts, ends, strict=True)]
    assert cal.elapsed_many(starts, ends) == expected
    arrayed = cal.elapsed_many(as_array(starts), as_array(ends))
    assert arrayed.dtype == np.dtype("timedelta64[us]")
    assert [timedelta(microseconds=int(v)) for v in arrayed.view(np.int64)] == expected


# -- laws ----------------------------------------------------------------------------------


def chunked(size: int, small: int = batch._SMALL) -> Any:
    """Long arrays are worked in chunks; a tiny chunk makes short lists cross chunk edges.

    Arrays up to ``small`` elements go element by element; 0 sends every array
    through the vectorised kernels, so short generated arrays test both ways.
    """
    original = batch._CHUNK, batch._SMALL

    class Chunk:
        def __enter__(self) -> None:
            batch._CHUNK, batch._SMALL = size, small

        def __exit__(self, *exc: object) -> None:
            batch._CHUNK, batch._SMALL = original

    return Chunk()


def either_way(data: st.DataObject) -> int:
    """The short-array threshold for one example: the library's, or 0 (always vectorised)."""
    return data.draw(st.sampled_from([batch._SMALL, 0]), label="small")


@given(st.data())
def test_deadline_many_equals_deadline_elementwise(data: st.DataObject) -> None:
    cal = data.draw(calendars())
    n = data.draw(st.integers(1, 12))
    starts = data.draw(st.lists(instants(cal), min_size=n, max_size=n))
    spans = data.draw(
        st.lists(durations(min_value=-300 * H, max_value=300 * H), min_size=n, max_size=n)
    )
    with chunked(data.draw(st.sampled_from([batch._CHUNK, 1, 3]), label="chunk"), either_way(data)):
        check_deadlines(cal, starts, spans)


@given(st.data())
def test_elapsed_many_equals_elapsed_elementwise(data: st.DataObject) -> None:
    cal = data.draw(calendars())
    n = data.draw(st.integers(1, 12))
    starts = data.draw(st.lists(instants(cal), min_size=n, max_size=n))
    ends = data.draw(st.lists(instants(cal), min_size=n, max_size=n))
    with chunked(data.draw(st.sampled_from([batch._CHUNK, 1, 3]), label="chunk"), either_way(data)):
        check_elapsed(cal, starts, ends)


def test_long_arrays_across_chunks_equal_the_scalar_answers(moscow: Calendar) -> None:
    # 20,000 random Moscow queries, both directions, starts across 2024-2026: several
    # chunks, and later chunks whose answers reach years the first chunk did not.
    rng = np.random.default_rng(4)
    n = 20_000
    lo = (msk(2024, 1, 1) - EPOCH) // US
    hi = (msk(2027, 1, 1) - EPOCH) // US
    a = rng.integers(lo, hi, n)
    d = rng.integers(-400, 401, n) * 900_000_000  # quarter hours, -100 h to +100 h
    d[-1] = 3000 * 3_600_000_000  # the last chunk reaches into 2028
    starts = [EPOCH + timedelta(microseconds=int(x)) for x in a]
    spans = [timedelta(microseconds=int(x)) for x in d]
    got = moscow.deadline_many(a.view("datetime64[us]"), d.view("timedelta64[us]"))
    assert from_array(got) == in_utc(
        [moscow.deadline(s, t) for s, t in zip(starts, spans, strict=True)]
    )
    ends = got[::-1]
    taken = moscow.elapsed_many(a.view("datetime64[us]"), ends).view(np.int64).tolist()
    assert taken == [
        moscow.elapsed(s, e) // US for s, e in zip(starts, from_array(ends), strict=True)
    ]


@given(st.data())
def test_without_numpy_sequences_give_the_same_answers(data: st.DataObject) -> None:
    cal = data.draw(calendars(countries=False))
    starts = data.draw(st.lists(instants(cal), min_size=1, max_size=6))
    spans = data.draw(
        st.lists(
            durations(min_value=-50 * H, max_value=50 * H),
            min_size=len(starts),
            max_size=len(starts),
        )
    )
    with_numpy = cal.deadline_many(starts, spans), cal.elapsed_many(starts, starts[::-1])
    original = batch._has_numpy
    batch._has_numpy = lambda: False  # the element-by-element path taken when numpy is absent
    try:
        without = cal.deadline_many(starts, spans), cal.elapsed_many(starts, starts[::-1])
    finally:
        batch._has_numpy = original
    assert without == with_numpy


# -- named edges on the Moscow calendar -------------------------------------------------------


def test_at_open_at_close_and_around_them(moscow: Calendar) -> None:
    starts = [
        msk(2024, 11, 26, 9, 0),  # before open
        msk(2024, 11, 26, 10, 0),  # at open
        msk(2024, 11, 26, 13, 0),  # inside
        msk(2024, 11, 26, 18, 0),  # at close
        msk(2024, 11, 26, 21, 0),  # after close
    ]
    spans = [2 * H, 8 * H, 5 * H, H, 8 * H]
    assert moscow.deadline_many(starts, spans) == [
        msk(2024, 11, 26, 12, 0),
        msk(2024, 11, 26, 18, 0),  # work ending at the close is due at the close
        msk(2024, 11, 26, 18, 0),
        msk(2024, 11, 27, 11, 0),
        msk(2024, 11, 27, 18, 0),
    ]
    check_deadlines(moscow, starts, spans)


def test_zero_duration_is_the_start_even_when_closed(moscow: Calendar) -> None:
    starts = [msk(2024, 11, 30, 3, 0), msk(2024, 11, 26, 10, 0)]  # a Saturday night; an opening
    assert moscow.deadline_many(starts, timedelta(0)) == starts
    check_deadlines(moscow, starts, [timedelta(0)] * 2)


def test_negative_durations_count_backwards_to_the_latest_instant(moscow: Calendar) -> None:
    starts = [msk(2024, 11, 26, 12, 0), msk(2024, 11, 26, 10, 0), msk(2026, 1, 12, 11, 0)]
    spans = [-2 * H, -8 * H, -9 * H]
    # 2 h back from 12:00 is the opening; 8 h back from Tuesday's opening is Monday's;
    # 9 h back from 2026-01-12 11:00 crosses the New Year holidays into 2025.
    assert moscow.deadline_many(starts, spans) == [
        msk(2024, 11, 26, 10, 0),
        msk(2024, 11, 25, 10, 0),
        msk(2025, 12, 30, 10, 0),
    ]
    check_deadlines(moscow, starts, spans)


def test_transferred_saturday_and_new_year_holidays(moscow: Calendar) -> None:
    starts = [msk(2025, 10, 31, 17, 0), msk(2025, 12, 30, 17, 0)]
    spans = [2 * H, 2 * H]
    assert moscow.deadline_many(starts, spans) == [
        msk(2025, 11, 1, 11, 0),  # 2025-11-01 is a working Saturday
        msk(2026, 1, 12, 11, 0),  # 1 h on 30 Dec; 31 Dec to 11 Jan off; 1 h on 12 Jan
    ]
    check_deadlines(moscow, starts, spans)
    check_elapsed(moscow, starts, [msk(2025, 11, 5, 12, 0), msk(2026, 2, 1, 0, 0)])


def test_one_duration_applies_to_every_start(moscow: Calendar) -> None:
    starts = [msk(2024, 11, 25, 9, 0), msk(2024, 11, 29, 17, 0)]
    expected = [moscow.deadline(s, 4 * H) for s in starts]
    assert moscow.deadline_many(starts, 4 * H) == expected
    assert from_array(moscow.deadline_many(as_array(starts), 4 * H)) == expected
    one = np.timedelta64(4 * 3600 * 10**6, "us")
    assert from_array(moscow.deadline_many(as_array(starts), one)) == expected


def test_arrays_keep_their_shape(moscow: Calendar) -> None:
    starts = as_array([msk(2024, 11, 25, 9, 0), msk(2024, 11, 29, 17, 0)] * 3).reshape(3, 2)
    out = moscow.deadline_many(starts, np.timedelta64(1, "h"))
    assert out.shape == (3, 2)
    assert moscow.elapsed_many(starts, out).shape == (3, 2)
    assert (moscow.elapsed_many(starts, out) == np.timedelta64(1, "h")).all()


def test_coarser_units_are_converted_exactly(moscow: Calendar) -> None:
    starts = np.array(["2024-11-25T07:00", "2024-11-29T14:00"], dtype="datetime64[m]")
    spans = np.array([2, 3], dtype="timedelta64[h]")
    expected = [
        moscow.deadline(msk(2024, 11, 25, 10), 2 * H),
        moscow.deadline(msk(2024, 11, 29, 17), 3 * H),
    ]
    assert from_array(moscow.deadline_many(starts, spans)) == expected


def test_empty_inputs_give_empty_answers(moscow: Calendar) -> None:
    assert moscow.deadline_many([], []) == []
    assert moscow.elapsed_many([], []) == []
    empty = np.array([], dtype="datetime64[us]")
    assert moscow.deadline_many(empty, np.array([], dtype="timedelta64[us]")).size == 0
    assert moscow.elapsed_many(empty, empty).size == 0


def test_answers_span_many_years_at_once(moscow: Calendar) -> None:
    starts = [msk(2024, 1, 1), msk(2026, 6, 15, 12), msk(2030, 3, 3, 3)]
    spans = [4000 * H, -3000 * H, 2 * H]
    check_deadlines(moscow, starts, spans)
    check_elapsed(moscow, starts, [msk(2031, 1, 1), msk(2020, 1, 1), msk(2030, 3, 3, 3)])


# -- refusals ------------------------------------------------------------------------------


@pytest.mark.parametrize("small", [batch._SMALL, 0], ids=["element by element", "vectorised"])
def test_nat_is_refused_with_its_index(moscow: Calendar, small: int) -> None:
    with chunked(batch._CHUNK, small):
        starts = np.array(["2024-11-25T07:00", "NaT"], dtype="datetime64[us]")
        with pytest.raises(SlaclockError, match=r"starts\[1\] is NaT"):
            moscow.deadline_many(starts, np.timedelta64(1, "h"))
        with pytest.raises(ValueError, match=r"ends\[0\] is NaT"):
            moscow.elapsed_many(starts[:1], np.array(["NaT"], dtype="datetime64[us]"))
        spans = np.array([1, "NaT"], dtype="timedelta64[h]")
        with pytest.raises(SlaclockError, match=r"durations\[1\] is NaT"):
            moscow.deadline_many(starts[:1].repeat(2), spans)


def test_naive_datetimes_are_refused(moscow: Calendar) -> None:
    with pytest.raises(NaiveDatetimeError, match=r"starts\[1\]"):
        moscow.deadline_many([msk(2024, 11, 25), datetime(2024, 11, 25, 9)], H)


def test_arrays_of_the_wrong_kind_are_refused(moscow: Calendar) -> None:
    with pytest.raises(SlaclockError, match="datetime64"):
        moscow.deadline_many(np.array([1, 2], dtype=np.int64), H)
    with pytest.raises(TypeError, match="timedelta64"):
        moscow.deadline_many(as_array([msk(2024, 11, 25)]), np.array([1.5]))
    with pytest.raises(TypeError, match="sequence of aware datetimes"):
        moscow.deadline_many(msk(2024, 11, 25), H)
    with pytest.raises(TypeError, match="timedelta"):
        moscow.deadline_many([msk(2024, 11, 25)], [3600])


def test_sub_microsecond_instants_are_refused_not_rounded(moscow: Calendar) -> None:
    exact = np.array(["2024-11-25T07:00:00.000001000"], dtype="datetime64[ns]")
    assert moscow.deadline_many(exact, np.timedelta64(0, "us"))[0] == exact[0]
    finer = np.array(["2024-11-25T07:00:00.000000001"], dtype="datetime64[ns]")
    with pytest.raises(SlaclockError, match="whole number of microseconds"):
        moscow.deadline_many(finer, np.timedelta64(0, "us"))


def test_lengths_must_match(moscow: Calendar) -> None:
    with pytest.raises(SlaclockError, match="same length"):
        moscow.deadline_many([msk(2024, 11, 25)], [H, H])
    with pytest.raises(SlaclockError, match="same length"):
        moscow.elapsed_many([msk(2024, 11, 25)], [])
    with pytest.raises(SlaclockError, match="do not match"):
        moscow.deadline_many(as_array([msk(2024, 11, 25)] * 2), as_td_array([H] * 3))


@pytest.mark.parametrize("small", [batch._SMALL, 0], ids=["element by element", "vectorised"])
def test_no_working_time_is_refused_like_the_scalar_path(small: int) -> None:
    with chunked(batch._CHUNK, small):
        closed = Calendar.from_dict({"tz": "UTC", "week": {}})
        start = datetime(2026, 1, 1, tzinfo=UTC)
        with pytest.raises(NoWorkingTimeError):
            closed.deadline(start, H)
        with pytest.raises(NoWorkingTimeError):
            closed.deadline_many([start], H)
        with pytest.raises(NoWorkingTimeError):
            closed.deadline_many(as_array([start]), np.timedelta64(-1, "h"))
        assert closed.elapsed_many([start], [start + 1000 * H]) == [timedelta(0)]


def test_import_slaclock_does_not_import_numpy() -> None:
    code = "import sys, slaclock; print('numpy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# -- spans kept across calls ---------------------------------------------------------------


@given(st.data())
def test_calls_alternating_between_year_ranges_equal_the_scalar_answers(
    data: st.DataObject,
) -> None:
    # Each call lays out (or reuses) the span of its own years; more ranges than the
    # cache keeps evict the oldest, and every answer stays the scalar one.
    cal = data.draw(calendars(countries=False), label="calendar")
    ranges = data.draw(
        st.lists(st.integers(2000, 2040), min_size=2, max_size=batch._SPANS_KEPT + 3),
        label="first years",
    )
    with chunked(batch._CHUNK, either_way(data)):
        for year in ranges * 2:
            low = datetime(year, 1, 1, tzinfo=UTC)
            n = data.draw(st.integers(1, 6))
            starts = [
                (low + timedelta(microseconds=us)).astimezone(cal.zone)
                for us in data.draw(
                    st.lists(st.integers(0, 700 * 86_400_000_000), min_size=n, max_size=n)
                )
            ]
            spans = data.draw(
                st.lists(durations(min_value=-120 * H, max_value=120 * H), min_size=n, max_size=n)
            )
            check_deadlines(cal, starts, spans)
            check_elapsed(cal, starts, [s + d for s, d in zip(starts, spans, strict=True)])


def test_threads_share_spans_while_they_are_evicted(moscow: Calendar) -> None:
    import threading

    years = list(range(1990, 1990 + 2 * batch._SPANS_KEPT))
    inputs = []
    for year in years:
        starts = [msk(year, 3, 2, 11), msk(year, 12, 30, 17), msk(year + 1, 6, 1, 9)]
        spans = [H, 40 * H, -30 * H]
        expected = [moscow.deadline(s, d) for s, d in zip(starts, spans, strict=True)]
        inputs.append((as_array(starts), as_td_array(spans), in_utc(expected)))
    errors: list[BaseException] = []

    def work(order: list[int]) -> None:
        try:
            for k in order:
                a, d, want = inputs[k]
                assert from_array(moscow.deadline_many(a, d)) == want
        except BaseException as error:  # reported below, not lost in the thread
            errors.append(error)

    threads = [
        threading.Thread(target=work, args=(list(range(len(years)))[::step],))
        for step in (1, -1, 2, -3)
    ]
    with chunked(batch._CHUNK, 0):  # the vectorised kernels and their shared spans
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert not errors
    assert len(batch._spans[moscow.timeline]) <= batch._SPANS_KEPT


def test_a_call_just_outside_the_span_before_is_not_answered_on_it(moscow: Calendar) -> None:
    # The next call tries the span of the call before; instants a microsecond before
    # its start or at its end must take the full way, not a neighbouring bucket.
    with chunked(batch._CHUNK, 0):  # one-element arrays, on the vectorised kernels
        inside = [msk(2025, 6, 2, 12)]
        check_deadlines(moscow, inside, [H])
        check_elapsed(moscow, inside, [msk(2025, 6, 3, 12)])
        start = msk(2025, 1, 1)  # the span's first instant
        for edge in (
            start - US,
            start,
            msk(2027, 1, 1) - US,
            msk(2027, 1, 1),
            msk(2026, 12, 31, 17, 59),
        ):
            check_deadlines(moscow, [edge], [H])
            check_deadlines(moscow, [inside[0]], [H])  # back to the span, then out again
            check_elapsed(moscow, [edge], [edge + 30 * H])
            check_elapsed(moscow, [inside[0]], [inside[0] + H])
