"""No query walks the calendar: after warm-up, answers come from compiled blocks only.

The timeline compiles one local year (a block) at a time, walking that year's
dates once.  These tests count calls to the compile step and to the per-date
rules it walks, and check that (a) once the blocks a query needs exist, even a
200-hour deadline or a 26-week elapsed compiles and walks nothing, and (b) the
blocks compiled are bounded by the years a query spans, never by its length in
days or minutes.  No timing: counts only.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from conftest import MOSCOW_SPEC

from slaclock import Calendar
from slaclock._calendar.rules import DayRules
from slaclock._calendar.timeline import Timeline

MSK = ZoneInfo("Europe/Moscow")
H = timedelta(hours=1)
WEEK = timedelta(weeks=1)


def msk(*args: int) -> datetime:
    return datetime(*args, tzinfo=MSK)  # type: ignore[misc]


@dataclass
class Counts:
    years: list[int]  # the years compiled, in order
    dates: int = 0  # dates whose hours were looked up (the per-day walk)

    def reset(self) -> None:
        self.years.clear()
        self.dates = 0


@pytest.fixture
def counts(monkeypatch: pytest.MonkeyPatch) -> Iterator[Counts]:
    seen = Counts(years=[])
    compile_block = Timeline._compile
    spans = DayRules.spans

    def counting_compile(self: Timeline, year: int) -> Any:
        seen.years.append(year)
        return compile_block(self, year)

    def counting_spans(self: DayRules, day: Any) -> Any:
        seen.dates += 1
        return spans(self, day)

    monkeypatch.setattr(Timeline, "_compile", counting_compile)
    monkeypatch.setattr(DayRules, "spans", counting_spans)
    yield seen


def fresh() -> Calendar:
    """A new Moscow calendar: its timeline starts with nothing compiled."""
    return Calendar.from_dict(MOSCOW_SPEC)


def test_long_queries_after_warm_up_compile_and_walk_nothing(counts: Counts) -> None:
    cal = fresh()
    start = msk(2025, 3, 12, 15, 30)
    cal.deadline(start, 200 * H)  # warm-up: compiles 2025
    cal.elapsed(start, start + 26 * WEEK)
    assert counts.years == [2025]
    counts.reset()
    for k in range(50):
        moment = start + k * timedelta(hours=37, minutes=11)
        cal.deadline(moment, 200 * H)
        cal.deadline(moment, -200 * H)
        cal.elapsed(moment, moment + 26 * WEEK)
        cal.elapsed(moment + 26 * WEEK, moment)
        cal.is_open(moment)
        cal.next_open(moment)
        cal.next_close(moment)
    assert counts.years == []
    assert counts.dates == 0


def test_a_200_hour_deadline_compiles_one_block(counts: Counts) -> None:
    cal = fresh()
    # 25 working days from Mon 2 June 2025, skipping 12 and 13 June (Russia Day and its bridge).
    assert cal.deadline(msk(2025, 6, 2, 10), 200 * H) == msk(2025, 7, 8, 18)
    assert counts.years == [2025]
    # 366 dates at most are walked: the block's year plus 31 December before it.
    assert counts.dates <= 367


def test_a_26_week_elapsed_compiles_only_the_years_it_spans(counts: Counts) -> None:
    cal = fresh()
    cal.elapsed(msk(2025, 10, 1), msk(2025, 10, 1) + 26 * WEEK)
    assert sorted(counts.years) == [2025, 2026]


def test_blocks_compiled_are_bounded_by_the_years_spanned(counts: Counts) -> None:
    cal = fresh()
    cal.elapsed(msk(2020, 1, 1), msk(2030, 6, 1))
    # The end years are compiled; the years between are only totalled (by date).
    assert sorted(counts.years) == [2020, 2030]
    assert cal.timeline.totalled == 9
    counts.reset()
    end = cal.deadline(msk(2031, 1, 1), 10_000 * H)  # about five working years
    spanned = range(2031, end.year + 1)
    assert set(counts.years) <= set(spanned)
    assert len(counts.years) <= len(spanned)


def test_batch_calls_compile_only_the_years_their_inputs_reach(counts: Counts) -> None:
    cal = fresh()
    rng = np.random.default_rng(7)
    lo = int(np.datetime64("2024-01-01T00:00", "us").astype(np.int64))
    hi = int(np.datetime64("2027-01-01T00:00", "us").astype(np.int64))
    starts = rng.integers(lo, hi, 5_000).view("datetime64[us]")
    spans = (rng.integers(1, 201, 5_000) * 3_600_000_000).view("timedelta64[us]")
    cal.deadline_many(starts, spans)
    assert sorted(counts.years) == [2024, 2025, 2026, 2027]
    counts.reset()
    cal.deadline_many(starts, spans)
    cal.elapsed_many(starts, starts + np.timedelta64(26 * 7, "D"))
    cal.deadline_many(starts, -spans)
    assert counts.years == [2023]  # only the backward answers reaching 2023 were new
    assert counts.dates <= 367
