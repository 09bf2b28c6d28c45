"""The fixed-seed Moscow workload shared by the benchmark scripts.

Mon-Fri 10:00-18:00 Europe/Moscow on the Russian production calendar: public
holidays off and transferred working Saturdays on, both taken from the
``holidays`` package (``country_holidays("RU", years=2024..2027)`` and its
``weekend_workdays``), which is also where slaclock's ``country = {code = "RU"}``
reads them, so every contender gets the same data.

Instants are kept as integer microseconds since the Unix epoch (UTC) and turned
into each contender's native form before timing; answers are turned back into
microseconds after timing, so conversions are never counted.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

TZ = "Europe/Moscow"
ZONE = ZoneInfo(TZ)
YEARS = range(2024, 2028)
SEED = 20241104
US = 1_000_000
HOUR_US = 3_600 * US
DAY_US = 86_400 * US
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
EPOCH_NAIVE = datetime(1970, 1, 1)

WORKDAY_HOURS = ("10:00", "18:00")
SPEC: dict[str, Any] = {
    "tz": TZ,
    "week": {
        **{day: [list(WORKDAY_HOURS)] for day in ("mon", "tue", "wed", "thu", "fri")},
        "sat": [],
        "sun": [],
    },
    "country": {"code": "RU"},
}

# Starts are drawn across 2024-2026 in Moscow time.
FIRST_START = datetime(2024, 1, 1, tzinfo=ZONE)
LAST_START = datetime(2027, 1, 1, tzinfo=ZONE)


@dataclass(frozen=True, slots=True)
class CountryData:
    """The Russian production calendar as plain sets, for peers that take lists of dates."""

    holidays: frozenset[date]
    workdays: frozenset[date]  # transferred working days (weekend days worked)


def country_data() -> CountryData:
    import holidays

    ru = holidays.country_holidays("RU", years=YEARS)
    return CountryData(holidays=frozenset(ru), workdays=frozenset(ru.weekend_workdays))


@dataclass(frozen=True, slots=True)
class Workload:
    """Queries as integer microseconds: deadline (start, duration) and elapsed (start, end)."""

    deadline: list[tuple[int, int]]
    elapsed: list[tuple[int, int]]


def to_us(value: datetime) -> int:
    delta = value - EPOCH
    return (delta.days * 86_400 + delta.seconds) * US + delta.microseconds


def aware(us: int) -> datetime:
    """The instant in Moscow time as an aware datetime."""
    return (EPOCH + timedelta(microseconds=us)).astimezone(ZONE)


def naive_local(us: int) -> datetime:
    """The instant as a naive Moscow wall-clock datetime, for peers that only take naive ones."""
    return aware(us).replace(tzinfo=None)


def naive_local_to_us(value: datetime) -> int:
    return to_us(value.replace(tzinfo=ZONE))


def make_workload(n: int, *, seed: int = SEED) -> Workload:
    """``n`` deadline and ``n`` elapsed queries; whole seconds so every peer can express them.

    Deadline durations are whole hours 1-200 (pandas' CustomBusinessHour takes
    only whole hours); elapsed spans run from 1 hour to 35 days of wall time,
    about the reach of 200 working hours.
    """
    rng = random.Random(seed)
    lo, hi = to_us(FIRST_START) // US, to_us(LAST_START) // US
    deadline = [(rng.randrange(lo, hi) * US, rng.randint(1, 200) * HOUR_US) for _ in range(n)]
    elapsed = []
    for _ in range(n):
        start = rng.randrange(lo, hi) * US
        elapsed.append((start, start + rng.randint(3_600, 35 * 86_400) * US))
    return Workload(deadline=deadline, elapsed=elapsed)


def best_ns(run: Callable[[], object], *, repeats: int, budget_s: float = 4.0) -> int:
    """Best wall time of ``run()`` over ``repeats`` runs (at least two, fewer if a run is slow)."""
    best = None
    spent = 0
    for i in range(repeats):
        t0 = time.perf_counter_ns()
        run()
        took = time.perf_counter_ns() - t0
        best = took if best is None else min(best, took)
        spent += took
        if i >= 1 and spent > budget_s * 1e9:
            break
    assert best is not None
    return best


def per_op_us(
    call: Callable[[Any, Any], Any], args: Sequence[tuple[Any, Any]], *, repeats: int
) -> tuple[float, list[Any]]:
    """Microseconds per call of ``call(a, b)`` over ``args`` (best of ``repeats``), and the answers."""
    answers = [call(a, b) for a, b in args]  # warm-up, and the answers to check
    ns = best_ns(lambda: [call(a, b) for a, b in args], repeats=repeats)
    return ns / len(args) / 1_000, answers
