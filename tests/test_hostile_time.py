"""Edges of time, oversized durations, long distances and threads.

Every query answers or refuses with a slaclock error naming the value (never
OverflowError, IndexError, KeyError or a bare ValueError); long distances are
answered through per-year totals, which is checked by counting the blocks
compiled, never by timing.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pytest
from conftest import MOSCOW_SPEC
from hypothesis import given, settings
from hypothesis import strategies as st

import slaclock
from slaclock import Calendar, Incident, Tier
from slaclock._durations import MAX_DURATION, parse_duration
from slaclock.errors import SlaclockError, SpecError

H = timedelta(hours=1)
MSK = ZoneInfo("Europe/Moscow")
WEEKDAYS = {d: [["10:00", "18:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}

EXTREME_INSTANTS: list[Any] = [
    datetime(9999, 6, 1, tzinfo=UTC),
    datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=3))),
    datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=14))),
    datetime.max.replace(tzinfo=UTC),
    datetime.min.replace(tzinfo=UTC),
    datetime.max.replace(tzinfo=timezone(timedelta(hours=-12))),
    pd.NaT,
    pd.Timestamp("2262-04-11", tz="UTC"),
]
EXTREME_DURATIONS = [timedelta.max, timedelta.min, timedelta(days=10**6), -timedelta(days=10**6)]
ENGINES = ("python", "numpy")
NORMAL = datetime(2026, 11, 27, 17, 30, tzinfo=MSK)
RECORD: dict[str, Any] = {
    "id": "INC-1",
    "type": "failure",
    "channel": "portal",
    "third_party": False,
    "events": [
        {"type": "opened", "at": "2026-11-27T17:30:00+03:00"},
        {"type": "customer_message", "at": "2026-11-27T17:40:00+03:00"},
        {"type": "agent_reply", "at": "2026-11-30T10:20:00+03:00"},
        {"type": "resolved", "at": "2026-11-30T12:00:00+03:00"},
    ],
}


def moscow() -> Calendar:
    return Calendar.from_dict(MOSCOW_SPEC)


CALENDAR = moscow()  # shared by the property: its blocks are compiled once


def answers_or_refuses(call: Callable[[], object]) -> None:
    try:
        call()
    except SlaclockError as error:
        assert str(error)
    # Anything else (OverflowError, IndexError, KeyError, ValueError) fails the test.


@pytest.mark.parametrize("at", EXTREME_INSTANTS, ids=repr)
def test_extreme_instants_answer_or_refuse_in_every_query(at: Any) -> None:
    cal = moscow()
    for call in (
        lambda: cal.deadline(at, H),
        lambda: cal.deadline(at, -H),
        lambda: cal.elapsed(at, NORMAL),
        lambda: cal.elapsed(NORMAL, at),
        lambda: cal.is_open(at),
        lambda: cal.next_open(at),
        lambda: cal.next_close(at),
        lambda: cal.day_end(at),
        lambda: cal.add_working_days(at, 3),
        lambda: cal.deadline_many([at], H),
        lambda: cal.elapsed_many([at], [NORMAL]),
    ):
        answers_or_refuses(call)


def test_an_instant_outside_the_range_is_refused_naming_it() -> None:
    with pytest.raises(slaclock.SlaclockValueError, match="9999-12-31"):
        moscow().deadline(datetime.max.replace(tzinfo=UTC), H)
    with pytest.raises(slaclock.SlaclockValueError, match="not a time"):
        moscow().is_open(pd.NaT)


@pytest.mark.parametrize("duration", EXTREME_DURATIONS, ids=repr)
def test_extreme_durations_answer_or_refuse(duration: timedelta) -> None:
    cal = moscow()
    answers_or_refuses(lambda: cal.deadline(NORMAL, duration))
    answers_or_refuses(lambda: cal.deadline_many([NORMAL], duration))


def test_numpy_extremes_do_not_wrap_around_int64() -> None:
    cal = moscow()
    starts = np.array(["2026-01-05T10:00"], dtype="datetime64[us]")
    for huge in (np.timedelta64(2**63 - 1, "us"), np.timedelta64(-(2**63) + 1, "us")):
        with pytest.raises(SlaclockError):
            cal.deadline_many(starts, np.array([huge]))
    beyond = np.array(["10000-01-01T00:00", "-0005-01-01"], dtype="datetime64[us]")
    for instant in beyond:
        with pytest.raises(slaclock.SlaclockValueError):
            cal.deadline_many(np.array([instant]), np.timedelta64(1, "h"))
        with pytest.raises(slaclock.SlaclockValueError):
            cal.elapsed_many(starts, np.array([instant]))


def test_evaluate_and_schedule_at_extreme_instants() -> None:
    tier = slaclock.default_catalog().tiers["SLA-2"]
    incident = Incident.from_dict(RECORD)
    for at in EXTREME_INSTANTS:
        answers_or_refuses(lambda at=at: slaclock.evaluate(incident, tier, at=at))
        answers_or_refuses(lambda at=at: slaclock.schedule(incident, tier, at=at))


# -- durations ------------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["reaction", "first_reaction", "resolution", "budget"])
def test_oversized_tier_targets_are_refused_naming_the_field(field: str) -> None:
    base = Tier(id="T", name="T", calendar=moscow(), reaction=2 * H)
    for value in (timedelta.max, MAX_DURATION + timedelta(microseconds=1)):
        with pytest.raises(SpecError, match=f"{field}.*100 years"):
            base.replace(**{field: value})
    assert base.replace(**{field: MAX_DURATION}) is not None


def test_oversized_duration_text_and_values_are_refused() -> None:
    with pytest.raises(SpecError, match="100 years"):
        parse_duration("PT999999999999H")
    with pytest.raises(SpecError, match="reaction"):
        parse_duration(timedelta.max, path="reaction")
    assert parse_duration(MAX_DURATION) == MAX_DURATION


def test_a_pre_holiday_near_timedelta_max_is_a_spec_error() -> None:
    with pytest.raises(SpecError, match="pre_holiday"):
        Calendar.from_dict({**MOSCOW_SPEC, "pre_holiday": timedelta.max})


# -- bounded cost ---------------------------------------------------------------------------


def test_a_billion_working_days_is_refused_without_walking() -> None:
    cal = moscow()
    with pytest.raises(SlaclockError):
        cal.add_working_days(NORMAL, 10**9)
    assert cal.timeline.compiled <= 2 and cal.timeline.totalled == 0


def test_a_million_working_days_passes_years_by_their_counts() -> None:
    cal = moscow()
    end = cal.add_working_days(NORMAL, 1_000_000)
    assert end.year > 5000
    assert cal.timeline.compiled <= 5
    assert cal.timeline.totalled <= 120  # the years of country data, then one per kind of year


def test_a_ten_million_hour_deadline_on_the_moscow_calendar() -> None:
    cal = moscow()
    due = cal.deadline(NORMAL, 10_000_000 * H)
    assert cal.timeline.compiled <= 5
    assert cal.timeline.totalled <= 120
    assert cal.elapsed(NORMAL, due) == 10_000_000 * H
    back = cal.deadline(due, -10_000_000 * H)
    assert cal.elapsed(back, due) == 10_000_000 * H


def test_a_microsecond_a_week_has_no_answer_decided_without_walking() -> None:
    cal = Calendar.from_dict({"tz": "UTC", "week": {"mon": [["10:00", "10:00:00.000001"]]}})
    with pytest.raises(SlaclockError):
        cal.deadline(datetime(2026, 1, 1, tzinfo=UTC), H)
    assert cal.timeline.compiled <= 2
    assert cal.timeline.totalled <= 400 - 2026 + 2100 + 30


def test_the_only_working_hour_in_9990() -> None:
    cal = Calendar.from_dict(
        {"tz": "UTC", "week": {}, "overrides": {"9990-03-04": [["10:00", "11:00"]]}}
    )
    due = cal.deadline(datetime(2026, 1, 1, tzinfo=UTC), 30 * timedelta(minutes=1))
    assert due == datetime(9990, 3, 4, 10, 30, tzinfo=ZoneInfo("UTC"))
    assert cal.next_open(datetime(2026, 1, 1, tzinfo=UTC)).year == 9990
    assert cal.timeline.compiled <= 5


def test_elapsed_from_year_3_to_9997() -> None:
    cal = moscow()
    total = cal.elapsed(datetime(3, 1, 1, tzinfo=MSK), datetime(9997, 1, 1, tzinfo=MSK))
    assert total > timedelta(days=365 * 1000)
    assert cal.timeline.compiled <= 2
    many = cal.elapsed_many(
        np.array(["0003-01-01"], dtype="datetime64[us]"),
        np.array(["9997-01-01"], dtype="datetime64[us]"),
    )
    assert many.tolist() == [
        cal.elapsed(datetime(3, 1, 1, tzinfo=UTC), datetime(9997, 1, 1, tzinfo=UTC))
    ]
    assert cal.timeline.compiled <= 4


@pytest.mark.parametrize(
    "spec",
    [
        MOSCOW_SPEC,
        {**MOSCOW_SPEC, "pre_holiday": "PT1H", "holidays": ["2031-01-01"]},
        {"tz": "Europe/Berlin", "week": WEEKDAYS, "country": {"code": "DE"}},
        {"tz": "America/Sao_Paulo", "week": {"sun": [["00:00", "02:00"], ["10:00", "18:00"]]}},
        {"tz": "Australia/Lord_Howe", "week": {d: [["01:30", "02:30"]] for d in ("sat", "sun")}},
        {"tz": "Africa/Casablanca", "week": WEEKDAYS, "overrides": {"2087-05-02": []}},
        {"tz": "America/New_York", "week": {"sun": [["22:00", "03:00"]]}},  # overnight
    ],
    ids=lambda spec: spec["tz"],
)
def test_year_totals_equal_those_of_compiled_blocks(spec: dict[str, Any]) -> None:
    # Totals are worked out without compiling (by date, by weekday counts, once per kind
    # of year where years repeat): they must equal the compiled blocks' totals.
    totalled, compiled = Calendar.from_dict(spec).timeline, Calendar.from_dict(spec).timeline
    years = [2, 3, 1500, 1799, 1800, 1801, 1890, 1918, 1990, 1991, 1992, 2011, 2014, 2026, 2030]
    years += [2031, 2037, 2038, 2086, 2087, 2088, 2100, 2101, 2102, 2103, 2150, 2500, 9000, 9998]
    got = [totalled.year_total(year) for year in years]
    want = [(compiled.block(y).total, len(compiled.block(y).day_ends)) for y in years]
    assert got == want
    assert totalled.compiled == 0


def test_the_block_cache_is_bounded() -> None:
    from slaclock._calendar.timeline import BLOCKS_KEPT

    cal = Calendar.from_dict({"tz": "UTC", "week": WEEKDAYS})
    for year in range(2000, 2000 + 3 * BLOCKS_KEPT):
        cal.is_open(datetime(year, 6, 1, tzinfo=UTC))
    assert len(cal.timeline._blocks) <= BLOCKS_KEPT
    assert cal.is_open(datetime(2000, 6, 1, 12, tzinfo=UTC))  # evicted, compiled again


# -- threads --------------------------------------------------------------------------------


def test_eight_threads_give_the_single_threaded_answers() -> None:
    # Threads switch every few bytecodes instead of every 5 ms, so races show.
    previous = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        _run_threads()
    finally:
        sys.setswitchinterval(previous)


def _run_threads() -> None:
    rng = np.random.default_rng(7)
    base = np.datetime64("2020-01-01T00:00", "us")
    starts = base + rng.integers(0, 10 * 365 * 86_400 * 10**6, 2000).astype("timedelta64[us]")
    durations = rng.integers(1, 400 * 3600 * 10**6, 2000).astype("timedelta64[us]")
    ends = starts + rng.integers(0, 400 * 86_400 * 10**6, 2000).astype("timedelta64[us]")
    scalar_starts = [
        datetime(2020 + k % 10, 1 + k % 12, 1 + k % 27, 9, tzinfo=MSK) for k in range(60)
    ]
    # Batches over many different years: the span cache churns past its size in every thread.
    windows = [
        (np.datetime64(f"{year}-03-01T09:00", "us") + np.arange(50) * np.timedelta64(7, "h"))
        for year in range(2005, 2035)
    ]
    window_hours = np.timedelta64(30, "h")
    expected_w = [moscow().deadline_many(w, window_hours) for w in windows]
    expected_d = moscow().deadline_many(starts, durations)
    expected_e = moscow().elapsed_many(starts, ends)
    reference = moscow()
    expected_s = [reference.deadline(s, 37 * H) for s in scalar_starts]
    expected_x = [reference.elapsed(s, s + 900 * H) for s in scalar_starts]

    from slaclock.analysis import evaluate_jsonl

    records = []
    for k in range(40):
        day = datetime(2021 + k % 6, 1 + k % 12, 1 + k % 27, 9 + k % 9, tzinfo=MSK)
        record = {**RECORD, "id": f"INC-{k}"}
        record["events"] = [
            {"type": "opened", "at": day.isoformat()},
            {"type": "agent_reply", "at": (day + (k + 1) * H).isoformat()},
        ]
        records.append(record)
    lines = [json.dumps(r) for r in records]
    at = datetime(2027, 6, 1, tzinfo=MSK)

    def sla(cal: Calendar) -> Tier:
        return slaclock.default_catalog().tiers["SLA-2"].replace(calendar=cal)

    incidents = [Incident.from_dict(r) for r in records]
    tier0 = sla(moscow())
    expected_ev = [slaclock.evaluate(i, tier0, at=at) for i in incidents]
    expected_sc = [slaclock.schedule(i, tier0, at=at) for i in incidents]
    expected_rows = {
        e: list(evaluate_jsonl(lines, sla(moscow()), at=at, engine=e)) for e in ENGINES
    }

    for _ in range(3):
        cal = moscow()  # fresh: compilation races happen
        tier = sla(cal)

        def work(k: int, cal: Calendar = cal, tier: Tier = tier) -> bool:
            order = scalar_starts[k % 7 :] + scalar_starts[: k % 7]
            got_s = {s: cal.deadline(s, 37 * H) for s in order}
            got_x = {s: cal.elapsed(s, s + 900 * H) for s in order}
            ok = [got_s[s] for s in scalar_starts] == expected_s
            ok &= [got_x[s] for s in scalar_starts] == expected_x
            ok &= bool((cal.deadline_many(starts, durations) == expected_d).all())
            ok &= bool((cal.elapsed_many(starts, ends) == expected_e).all())
            for j in range(len(windows)):
                n = (j + 5 * k) % len(windows)
                ok &= bool((cal.deadline_many(windows[n], window_hours) == expected_w[n]).all())
                ok &= bool((cal.elapsed_many(windows[n], windows[n] + window_hours) >= 0).all())
            ok &= [slaclock.evaluate(i, tier, at=at) for i in incidents] == expected_ev
            ok &= [slaclock.schedule(i, tier, at=at) for i in incidents] == expected_sc
            for engine in ENGINES:
                ok &= (
                    list(evaluate_jsonl(lines, tier, at=at, engine=engine)) == expected_rows[engine]
                )
            return ok

        with ThreadPoolExecutor(8) as pool:
            assert all(pool.map(work, range(16)))


# -- properties -----------------------------------------------------------------------------

ZONES = st.sampled_from(
    [
        UTC,
        timezone(timedelta(hours=14)),
        timezone(timedelta(hours=-12)),
        MSK,
        ZoneInfo("America/New_York"),
    ]
)
ANY_INSTANT = st.datetimes(min_value=datetime.min, max_value=datetime.max, timezones=ZONES)
NEAR_EDGES = st.one_of(
    ANY_INSTANT,
    st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(3, 1, 1), timezones=ZONES),
    st.datetimes(min_value=datetime(9997, 6, 1), max_value=datetime.max, timezones=ZONES),
)


@settings(max_examples=60, deadline=None)
@given(at=NEAR_EDGES, other=NEAR_EDGES, duration=st.timedeltas(), days=st.integers(0, 10**12))
def test_property_every_query_answers_or_refuses_at_extremes(
    at: datetime, other: datetime, duration: timedelta, days: int
) -> None:
    cal = CALENDAR
    for call in (
        lambda: cal.deadline(at, duration),
        lambda: cal.elapsed(at, other),
        lambda: cal.is_open(at),
        lambda: cal.next_open(at),
        lambda: cal.next_close(at),
        lambda: cal.day_end(at),
        lambda: cal.add_working_days(at, days),
        lambda: cal.deadline_many([at, other], duration),
        lambda: cal.elapsed_many([at], [other]),
    ):
        answers_or_refuses(call)


def test_a_work_log_built_in_code_is_held_to_the_century_limit() -> None:
    from slaclock import Event
    from slaclock._durations import MAX_DURATION
    from slaclock.errors import IncidentError

    at = datetime(2026, 11, 27, 12, tzinfo=UTC)
    assert Event("work_logged", at, duration=MAX_DURATION).duration == MAX_DURATION
    with pytest.raises(IncidentError, match="too large") as caught:
        Event("work_logged", at, duration=MAX_DURATION + timedelta(microseconds=1))
    assert caught.value.path == "duration"


def test_work_logged_past_what_python_holds_is_a_slaclock_error() -> None:
    from slaclock import Event, Incident, budget, default_catalog
    from slaclock._durations import MAX_DURATION
    from slaclock.errors import SlaclockValueError

    at = datetime(2026, 11, 2, 12, tzinfo=UTC)
    events = [Event("opened", at)] + [Event("work_logged", at, duration=MAX_DURATION)] * 30_000
    incident = Incident("INC-1", "consultation", events=tuple(events))
    with pytest.raises(SlaclockValueError, match="adds up past"):
        budget(default_catalog().tiers["SLA-3"], [incident], month="2026-11")
