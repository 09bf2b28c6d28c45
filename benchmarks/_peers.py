"""The peers, each behind the same small adapter, with a thin hour layer where it has only days.

An adapter turns a query (integer microseconds) into the peer's native arguments
before timing (``deadline_args``/``elapsed_args``), times only the peer's call
plus its hour layer (``deadline``/``elapsed``), and turns answers back into
microseconds after timing. Every peer gets the same holiday data as slaclock
wherever it accepts a list of dates; ``workalendar`` also runs on its own
built-in Russia calendar, since that is what its users get.

The hour layers call the peer's own day helpers in the fastest way we know (one
day look-up per query, times of day as timedeltas, as the strongest peer layers
we have seen written); none of them knows about transferred working days unless the peer's
API does.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from _workload import (
    DAY_US,
    HOUR_US,
    CountryData,
    aware,
    naive_local,
    naive_local_to_us,
    to_us,
)

OPEN, CLOSE = time(10), time(18)
WORKDAY = timedelta(hours=8)
PEER_PACKAGES = {
    "pandas": "pandas",
    "businesstimedelta": "businesstimedelta",
    "business-duration": "business_duration",
    "businesstime": "businesstime",
    "workalendar": "workalendar",
    "holidays": "holidays",
    "python-dateutil": "dateutil",
    "numpy": "numpy",
}


@dataclass
class Peer:
    """One contender. ``deadline``/``elapsed`` are None when the peer has no such operation."""

    name: str
    note: str
    deadline_args: Callable[[int, int], tuple[Any, Any]] | None = None
    deadline: Callable[[Any, Any], Any] | None = None
    deadline_us: Callable[[Any], int] | None = None
    elapsed_args: Callable[[int, int], tuple[Any, Any]] | None = None
    elapsed: Callable[[Any, Any], Any] | None = None
    elapsed_us: Callable[[Any], int] | None = None
    # The peer's own idea of a working day, when it does not take slaclock's data.
    is_working_day: Callable[[date], bool] | None = None
    # Whether the peer can express transferred working days (weekend days worked).
    knows_transferred: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


def _td_us(value: timedelta) -> int:
    return (value.days * 86_400 + value.seconds) * 1_000_000 + value.microseconds


def _aware_args(start: int, other: int) -> tuple[datetime, Any]:
    return aware(start), timedelta(microseconds=other)


def _aware_pair(start: int, end: int) -> tuple[datetime, datetime]:
    return aware(start), aware(end)


def _naive_pair(start: int, end: int) -> tuple[datetime, datetime]:
    return naive_local(start), naive_local(end)


def _naive_args(start: int, duration: int) -> tuple[datetime, timedelta]:
    return naive_local(start), timedelta(microseconds=duration)


# -- the hour layer over day helpers ------------------------------------------------------

MIDNIGHT = time(0)
OPEN_TD, CLOSE_TD = timedelta(hours=10), timedelta(hours=18)


def hour_layer(
    is_working: Callable[[date], bool],
    nth_working_after: Callable[[date, int], date],
    working_between: Callable[[date, date], int],
) -> tuple[Callable[[datetime, timedelta], datetime], Callable[[datetime, datetime], timedelta]]:
    """Deadline and elapsed over a day-level calendar, on naive local datetimes.

    The fastest way we know to write it over three day helpers (about 1.7x faster
    than walking the days): ``nth_working_after(day, n)``, the n-th working day
    after ``day``; ``working_between(a, b)``, the working days strictly between.
    Times of day are timedeltas from midnight, so a deadline is one comparison,
    one day look-up and one addition.  Work ending exactly at a close is due at
    that close (18:00), as slaclock says.
    """

    def deadline(start: datetime, duration: timedelta) -> datetime:
        day = start.date()
        midnight = datetime.combine(day, MIDNIGHT)
        tod = start - midnight
        remaining = duration
        if tod < CLOSE_TD and is_working(day):
            begin = max(tod, OPEN_TD)
            available = CLOSE_TD - begin
            if remaining <= available:
                return midnight + begin + remaining
            remaining -= available
        full_days = -(-remaining // WORKDAY) - 1
        last = remaining - full_days * WORKDAY  # in (0, WORKDAY]
        target = nth_working_after(day, full_days + 1)
        return datetime.combine(target, MIDNIGHT) + OPEN_TD + last

    def elapsed(start: datetime, end: datetime) -> timedelta:
        if end < start:
            return -elapsed(end, start)
        da, db = start.date(), end.date()
        ta = start - datetime.combine(da, MIDNIGHT)
        tb = end - datetime.combine(db, MIDNIGHT)
        zero = timedelta(0)
        if da == db:
            if not is_working(da):
                return zero
            return max(zero, min(tb, CLOSE_TD) - max(ta, OPEN_TD))
        total = zero
        if is_working(da):
            total += max(zero, CLOSE_TD - max(ta, OPEN_TD))
        if is_working(db):
            total += max(zero, min(tb, CLOSE_TD) - OPEN_TD)
        return total + WORKDAY * working_between(da, db)

    return deadline, elapsed


# -- the peers --------------------------------------------------------------------------


def pandas_peer(data: CountryData) -> Peer:
    import pandas as pd

    hol = sorted(data.holidays)
    offsets: dict[int, Any] = {}

    def args(start: int, duration: int) -> tuple[Any, Any]:
        hours = duration // HOUR_US
        assert hours * HOUR_US == duration, "CustomBusinessHour takes whole hours only"
        if hours not in offsets:  # building the offset is slow; a user would cache it too
            offsets[hours] = pd.offsets.CustomBusinessHour(
                n=hours, start="10:00", end="18:00", weekmask="Mon Tue Wed Thu Fri", holidays=hol
            )
        return pd.Timestamp(aware(start)), offsets[hours]

    return Peer(
        name="pandas CustomBusinessHour",
        note="Timestamp + CustomBusinessHour(n) (whole hours); no elapsed operation",
        deadline_args=args,
        deadline=lambda ts, off: ts + off,
        deadline_us=lambda ts: to_us(ts.to_pydatetime()),
    )


def businesstimedelta_peer(data: CountryData) -> Peer:
    import businesstimedelta as btd
    import pytz

    tz = pytz.timezone("Europe/Moscow")
    rule = btd.Rules(
        [
            btd.WorkDayRule(start_time=OPEN, end_time=CLOSE, working_days=[0, 1, 2, 3, 4], tz=tz),
            btd.HolidayRule(set(data.holidays), tz=tz),
        ]
    )

    def deadline_args(start: int, duration: int) -> tuple[Any, Any]:
        return aware(start), btd.BusinessTimeDelta(rule, timedelta=timedelta(microseconds=duration))

    return Peer(
        name="businesstimedelta",
        note="Rules([WorkDayRule, HolidayRule]); start + BusinessTimeDelta; rule.difference",
        deadline_args=deadline_args,
        deadline=lambda start, delta: start + delta,
        deadline_us=to_us,
        elapsed_args=_aware_pair,
        elapsed=lambda a, b: rule.difference(a, b).timedelta,
        elapsed_us=_td_us,
    )


def business_duration_peer(data: CountryData) -> Peer:
    from business_duration import businessDuration

    hol = set(data.holidays)

    def elapsed(start: datetime, end: datetime) -> Any:
        return businessDuration(
            start,
            end,
            starttime=OPEN,
            endtime=CLOSE,
            weekendlist=[5, 6],
            holidaylist=hol,
            unit="sec",
        )

    return Peer(
        name="business-duration",
        note="businessDuration(start, end, unit='sec') on naive local times; no deadline",
        elapsed_args=_naive_pair,
        elapsed=elapsed,
        elapsed_us=lambda seconds: round(seconds * 1_000_000),
    )


def businesstime_peer(data: CountryData) -> Peer:
    from businesstime import BusinessTime

    bt = BusinessTime(business_hours=(OPEN, CLOSE), weekends=(5, 6), holidays=set(data.holidays))

    def elapsed_us(delta: timedelta) -> int:
        # businesstimedelta() counts whole business days in .days; each is 8 working hours.
        return delta.days * 8 * HOUR_US + (delta.seconds * 1_000_000 + delta.microseconds)

    return Peer(
        name="businesstime",
        note="BusinessTime.businesstimedelta on naive local times (days x 8 h + rest); no deadline",
        elapsed_args=_naive_pair,
        elapsed=bt.businesstimedelta,
        elapsed_us=elapsed_us,
    )


def workalendar_peer(data: CountryData, *, own_data: bool) -> Peer:
    from workalendar.europe import Russia

    cal = Russia()
    if own_data:
        extra: dict[str, Any] = {}
        name = "workalendar Russia (own data)"
        note = "workalendar's built-in Russia calendar + hour layer"
    else:
        extra = {
            "extra_working_days": sorted(data.workdays),
            "extra_holidays": sorted(data.holidays),
        }
        name = "workalendar + holidays data"
        note = "Russia() with extra_holidays/extra_working_days from holidays + hour layer"

    def is_working(day: date) -> bool:
        return bool(cal.is_working_day(day, **extra))

    def nth_working(day: date, n: int) -> date:
        return cal.add_working_days(day, n, **extra)  # type: ignore[no-any-return]

    def between(a: date, b: date) -> int:
        # get_working_days_delta counts (a, b]; the layer wants (a, b).
        return int(cal.get_working_days_delta(a, b, **extra)) - is_working(b)

    deadline, elapsed = hour_layer(is_working, nth_working, between)

    return Peer(
        name=name,
        note=note,
        deadline_args=_naive_args,
        deadline=deadline,
        deadline_us=naive_local_to_us,
        elapsed_args=_naive_pair,
        elapsed=elapsed,
        elapsed_us=_td_us,
        is_working_day=is_working,
        knows_transferred=not own_data,
    )


def holidays_peer(data: CountryData) -> Peer:
    import holidays
    from _workload import YEARS

    ru = holidays.country_holidays("RU", years=YEARS)
    one = timedelta(days=1)

    def between(a: date, b: date) -> int:
        if (b - a).days < 2:
            return 0
        return int(ru.get_working_days_count(a + one, b - one))

    deadline, elapsed = hour_layer(ru.is_working_day, ru.get_nth_working_day, between)
    return Peer(
        name="holidays working-day helpers",
        note="is_working_day / get_nth_working_day / get_working_days_count + hour layer",
        deadline_args=_naive_args,
        deadline=deadline,
        deadline_us=naive_local_to_us,
        elapsed_args=_naive_pair,
        elapsed=elapsed,
        elapsed_us=_td_us,
        knows_transferred=True,
    )


def dateutil_peer(data: CountryData) -> Peer:
    """A dateutil ``rruleset`` of working days (weekdays, holidays excluded, transfers added)."""
    from collections import deque

    from dateutil import rrule as rr

    rs = rr.rruleset(cache=True)
    rs.rrule(
        rr.rrule(
            rr.DAILY,
            dtstart=datetime(2023, 12, 1),
            until=datetime(2028, 1, 31),
            byweekday=(rr.MO, rr.TU, rr.WE, rr.TH, rr.FR),
        )
    )
    for day in data.holidays:
        rs.exdate(datetime.combine(day, MIDNIGHT))
    for day in data.workdays:
        rs.rdate(datetime.combine(day, MIDNIGHT))
    list(rs)  # fill the cache: building the calendar is never timed

    def is_working(day: date) -> bool:
        return datetime.combine(day, MIDNIGHT) in rs

    def nth_working(day: date, n: int) -> date:
        last = deque(rs.xafter(datetime.combine(day, MIDNIGHT), count=n), maxlen=1)
        return last[0].date()  # type: ignore[no-any-return]

    def between(a: date, b: date) -> int:
        return len(rs.between(datetime.combine(a, MIDNIGHT), datetime.combine(b, MIDNIGHT)))

    deadline, elapsed = hour_layer(is_working, nth_working, between)
    return Peer(
        name="dateutil rruleset",
        note="rruleset of working days (exdate holidays, rdate transfers) + hour layer",
        deadline_args=_naive_args,
        deadline=deadline,
        deadline_us=naive_local_to_us,
        elapsed_args=_naive_pair,
        elapsed=elapsed,
        elapsed_us=_td_us,
        knows_transferred=True,
    )


# -- numpy busday + hour layer, vectorised -------------------------------------------------

MSK_OFFSET_US = 3 * HOUR_US  # Moscow has kept UTC+3 all year since 2014-10-26
OPEN_US, CLOSE_US, WORKDAY_US = 10 * HOUR_US, 18 * HOUR_US, 8 * HOUR_US


def numpy_layer(data: CountryData) -> tuple[Callable[..., Any], Callable[..., Any]]:
    """Vectorised deadline/elapsed over ``datetime64[us]``/``timedelta64[us]`` arrays.

    ``np.busdaycalendar`` has a weekmask and holidays only, so transferred
    working Saturdays cannot be expressed. Moscow's fixed UTC+3 is used as the
    offset, which holds for the whole workload.
    """
    import numpy as np

    busdays = np.busdaycalendar(
        weekmask="1111100", holidays=np.array(sorted(data.holidays), dtype="datetime64[D]")
    )

    def deadline(starts: Any, durations: Any) -> Any:
        local = starts.view(np.int64) + MSK_OFFSET_US
        dur = durations.view(np.int64)
        day = local // DAY_US
        tod = local - day * DAY_US
        days = day.astype("datetime64[D]")
        here = np.is_busday(days, busdaycal=busdays) & (tod < CLOSE_US)
        begin_day = np.where(
            here, days, np.busday_offset(days + 1, 0, roll="forward", busdaycal=busdays)
        )
        begin_tod = np.where(here, np.maximum(tod, OPEN_US), OPEN_US)
        rest = dur - (CLOSE_US - begin_tod)
        whole = (rest - 1) // WORKDAY_US
        last_day = np.busday_offset(begin_day, np.maximum(whole + 1, 0), busdaycal=busdays)
        begin_day_us = begin_day.astype(np.int64) * DAY_US
        out = np.where(
            rest <= 0,
            begin_day_us + begin_tod + dur,
            last_day.astype(np.int64) * DAY_US + OPEN_US + (rest - whole * WORKDAY_US),
        )
        return (out - MSK_OFFSET_US).view("datetime64[us]")

    def worked_before(day: Any, tod: Any) -> Any:
        on = np.is_busday(day.astype("datetime64[D]"), busdaycal=busdays)
        return np.where(on, np.clip(tod, OPEN_US, CLOSE_US) - OPEN_US, 0)

    def elapsed(starts: Any, ends: Any) -> Any:
        a = starts.view(np.int64) + MSK_OFFSET_US
        b = ends.view(np.int64) + MSK_OFFSET_US
        da, db = a // DAY_US, b // DAY_US
        whole = np.busday_count(
            da.astype("datetime64[D]"), db.astype("datetime64[D]"), busdaycal=busdays
        )
        out = (
            whole * WORKDAY_US
            + worked_before(db, b - db * DAY_US)
            - worked_before(da, a - da * DAY_US)
        )
        return out.view("timedelta64[us]")

    return deadline, elapsed


def numpy_peer(data: CountryData) -> Peer:
    """numpy busday + hour layer, called one query at a time (for disagreements only)."""
    import numpy as np

    vdeadline, velapsed = numpy_layer(data)
    return Peer(
        name="numpy busday + hours",
        note="np.busday_offset/busday_count + vectorised hour layer (timed in batch only)",
        deadline_args=lambda s, d: (
            np.array([s], "datetime64[us]"),
            np.array([d], "timedelta64[us]"),
        ),
        deadline=vdeadline,
        deadline_us=lambda arr: int(arr.view(np.int64)[0]),
        elapsed_args=lambda a, b: (
            np.array([a], "datetime64[us]"),
            np.array([b], "datetime64[us]"),
        ),
        elapsed=velapsed,
        elapsed_us=lambda arr: int(arr.view(np.int64)[0]),
        extra={"vectorised": (vdeadline, velapsed)},
    )


BUILDERS: dict[str, Callable[[CountryData], list[Peer]]] = {
    "pandas": lambda d: [pandas_peer(d)],
    "businesstimedelta": lambda d: [businesstimedelta_peer(d)],
    "business-duration": lambda d: [business_duration_peer(d)],
    "businesstime": lambda d: [businesstime_peer(d)],
    "workalendar": lambda d: [
        workalendar_peer(d, own_data=True),
        workalendar_peer(d, own_data=False),
    ],
    "holidays": lambda d: [holidays_peer(d)],
    "python-dateutil": lambda d: [dateutil_peer(d)],
    "numpy": lambda d: [numpy_peer(d)],
}


def load_peers(names: list[str], data: CountryData) -> tuple[list[Peer], dict[str, str]]:
    """The peers that import, and for the others why not (the script installs nothing)."""
    peers: list[Peer] = []
    missing: dict[str, str] = {}
    for name in names:
        try:
            importlib.import_module(PEER_PACKAGES[name])
        except ImportError as exc:
            missing[name] = f"not installed ({exc}); pip install -e '.[bench]'"
            continue
        peers.extend(BUILDERS[name](data))
    return peers, missing


def closing_instant(us: int) -> bool:
    """Whether the instant is a workday's 18:00 in Moscow (for classifying disagreements)."""
    return aware(us).time() == CLOSE


__all__ = ["BUILDERS", "PEER_PACKAGES", "Peer", "closing_instant", "load_peers", "numpy_layer"]
