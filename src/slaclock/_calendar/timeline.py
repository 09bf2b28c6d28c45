"""The compiled timeline: UTC boundaries with running totals, answered by binary search.

A calendar is compiled lazily, one local calendar year (a *block*) at a time,
into sorted lists of open and close instants (integer microseconds since the
epoch, UTC) and the working time accumulated before each open.  Every query
then costs a binary search in one or two blocks, so a 200-hour deadline costs
the same as a one-hour one; only a query spanning years touches one block per
year, and each block is compiled once per calendar, under a lock.

Long distances (thousands of years) never compile the years they pass through:
those only need a year's *total* working time and count of working days, kept
for every year met.  Years outside the calendar's dated rules, its country data
and its zone's recorded transitions repeat with the weekday calendar, so their
totals are computed once per kind of year (weekday of 1 January, leap or not)
rather than once per year.  Full blocks are kept in a bounded cache.

Blocks partition the time line: block ``Y`` covers ``[start(Y), start(Y+1))``
where ``start(Y)`` is local midnight of 1 January of ``Y``.  An overnight
interval of 31 December is cut at the boundary and its tail belongs to the
next block; queries that care about continuity (``next_close``, ``periods``)
join pieces that touch across a boundary.
"""

from __future__ import annotations

import threading
from bisect import bisect_left, bisect_right
from calendar import isleap
from collections import OrderedDict
from collections.abc import Container, Iterable, Sequence
from contextlib import suppress
from datetime import UTC, date, datetime, timedelta
from itertools import accumulate
from zoneinfo import ZoneInfo

from slaclock._calendar.instants import EPOCH, from_us, to_us
from slaclock._calendar.rules import DayRules
from slaclock.errors import NoWorkingTimeError, SlaclockValueError

__all__ = ["Block", "Timeline", "View"]

_ONE_DAY = timedelta(days=1)
_ONE_WEEK = timedelta(days=7)
_ZERO = timedelta(0)
_ONE_US = timedelta(microseconds=1)
_YEAR_US = 366 * 86_400_000_000
FIRST_YEAR = 2
LAST_YEAR = 9998
# Full blocks kept per calendar: a dense calendar (48 intervals a day) holds some
# 5 MB a year, so a service asked about many years must not keep them all.
BLOCKS_KEPT = 64


def describe_us(us: object) -> str:
    """An instant for an error message: ISO UTC when representable, else the raw number."""
    if isinstance(us, int):
        try:
            return (datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=us)).isoformat()
        except OverflowError:
            return f"{us} µs since 1970-01-01 UTC"
    return f"{us!r} (not a time: NaT or NaN?)"


class Block:
    """One compiled local year: ``opens[k]``/``closes[k]`` with ``cum[k]`` worked before ``opens[k]``."""

    __slots__ = (
        "closes",
        "cum",
        "cum_after",
        "day_ends",
        "due_shift",
        "end",
        "opens",
        "opens_after",
        "start",
        "total",
        "work_cap",
        "work_shift",
        "year",
    )

    def __init__(
        self,
        year: int,
        start: int,
        end: int,
        opens: list[int],
        closes: list[int],
        day_ends: list[int],
    ) -> None:
        self.year = year
        self.start = start
        self.end = end
        self.opens = opens
        self.closes = closes
        lengths = [c - o for o, c in zip(opens, closes, strict=True)]
        self.cum_after = list(accumulate(lengths))
        self.cum = [after - length for after, length in zip(self.cum_after, lengths, strict=True)]
        self.total = self.cum_after[-1] if lengths else 0
        # The end instant of each working date of the year, as a running maximum so
        # it can be searched even where an override made a date end early.
        self.day_ends = list(accumulate(day_ends, max))
        # W(us), the working time in the block before ``us``, in one search and a
        # min: with i = bisect_right(opens, us), W = min(work_shift[i] + us,
        # work_cap[i]) (i = 0: before the first opening, where W is 0).  The
        # other way, the earliest instant where W reaches v > 0 is due_shift[k] + v
        # with k = bisect_left(cum_after, v).
        self.work_shift = [-start] + [c - o for c, o in zip(self.cum, opens, strict=True)]
        self.work_cap = [0, *self.cum_after]
        self.due_shift = [o - c for o, c in zip(opens, self.cum, strict=True)]
        # opens_after[i]: the first opening after an instant whose search gave i (the
        # block's end past the last), so a later instant before it has the same i.
        self.opens_after = [*opens, end]

    def work_at(self, us: int) -> int:
        """Working time in this block before instant ``us`` (which lies in the block)."""
        i = bisect_right(self.opens, us)
        work = self.work_shift[i] + us
        cap = self.work_cap[i]
        return work if work < cap else cap

    def work_many(self, instants: Sequence[int], positions: Iterable[int]) -> list[int]:
        """:meth:`work_at` of the instants at ``positions`` (increasing; all in the block).

        One pass: the search index only moves forward, and usually by no opening or
        one between two instants, a comparison or two instead of a binary search each.
        """
        opens, after, shift, cap = self.opens, self.opens_after, self.work_shift, self.work_cap
        i = 0
        out: list[int] = []
        add = out.append
        for k in positions:
            us = instants[k]
            if after[i] <= us:
                i += 1
                if after[i] <= us:
                    i = bisect_right(opens, us, i)
            work = shift[i] + us
            add(work if work < cap[i] else cap[i])
        return out

    def instant_at(self, work: int) -> int:
        """The earliest instant of the block where ``work`` (0 < work <= total) has been worked."""
        k = bisect_left(self.cum_after, work)
        return self.due_shift[k] + work


class View:
    """One block as ``timedelta`` offsets from an aware ``anchor``: scalar queries on datetimes.

    Converting an aware datetime to integer microseconds and the answer back costs
    most of a scalar query (a zone look-up each way and a dozen operations on
    big integers).  A view keeps the block's intervals as timedeltas since the
    block's start, so a query subtracts its datetime from the anchor, searches
    lists of timedeltas, and adds the answer back to the anchor, all in C.

    The anchor is the block's start as a datetime in the calendar's zone when the
    zone keeps one UTC offset from a week before the block to a week after it
    (``local``; Moscow since 2014, UTC, most zones in most years).  Then wall time
    is real time: a datetime in the zone itself subtracts without asking the
    zone for its offset, and ``anchor + offset`` is the answer with the right
    offset and ``fold``.  Otherwise the anchor is the start in UTC, subtraction
    asks each datetime's zone as Python always does, and answers are converted
    with ``astimezone``.  Either way the offsets are exact microseconds.
    """

    __slots__ = (
        "anchor",
        "cap",
        "cum",
        "cum_after",
        "due",
        "length",
        "local",
        "opens",
        "shift",
        "total",
        "year",
        "zone",
    )

    def __init__(self, block: Block, zone: ZoneInfo) -> None:
        start, end = block.start, block.end
        self.year = block.year
        self.zone = zone
        wall = datetime(block.year, 1, 1, tzinfo=zone)
        self.local = to_us(wall) == start and _one_offset(
            zone,
            EPOCH + timedelta(microseconds=start) - _ONE_WEEK,
            EPOCH + timedelta(microseconds=end) + _ONE_WEEK,
        )
        self.anchor = wall if self.local else EPOCH + timedelta(microseconds=start)
        self.length = timedelta(microseconds=end - start)
        self.total = timedelta(microseconds=block.total)
        self.opens = [timedelta(microseconds=o - start) for o in block.opens]
        self.shift = [timedelta(microseconds=s + start) for s in block.work_shift]
        # work_cap is [0, *cum_after] and cum is [0, *cum_after[:-1]]: one set of objects.
        self.cum_after = [timedelta(microseconds=c) for c in block.cum_after]
        self.cap = [_ZERO, *self.cum_after]
        self.cum = self.cap[:-1]
        self.due = [timedelta(microseconds=d - start) for d in block.due_shift]


def _one_offset(zone: ZoneInfo, lo: datetime, hi: datetime) -> bool:
    """Whether ``zone`` keeps one UTC offset over the UTC instants ``[lo, hi]``.

    Sampled a week apart: the tz database has no two transitions within a week,
    so an offset that changes and changes back between samples cannot happen.
    """
    first = lo.astimezone(zone).utcoffset()
    at = lo
    while at < hi:
        at = min(at + _ONE_WEEK, hi)
        if at.astimezone(zone).utcoffset() != first:
            return False
    return True


class Timeline:
    """Integer-microsecond queries on one calendar's rules and zone (thread-safe, cached)."""

    def __init__(
        self,
        rules: DayRules,
        zone: ZoneInfo,
        *,
        last_year: int | None,
        first_year: int | None,
        never_closes_after: int | None,
        irregular: tuple[int, int] = (FIRST_YEAR, LAST_YEAR),
        within_days: bool = False,
        dated_years: Container[int] = frozenset(),
    ) -> None:
        self._rules = rules
        self._zone = zone
        # Years beyond which no working time can exist (None: unbounded that way).
        self._last_year = LAST_YEAR if last_year is None else min(last_year, LAST_YEAR)
        self._first_year = FIRST_YEAR if first_year is None else max(first_year, FIRST_YEAR)
        self._never_closes_after = never_closes_after
        self._blocks: OrderedDict[int, Block] = OrderedDict()  # least recently asked first
        self._starts: dict[int, int] = {}
        self._lock = threading.Lock()
        self._last: Block | None = None
        self._views: dict[int, View] = {}  # year -> view of its compiled block, made on first use
        self._index: tuple[list[int], list[Block]] = ([], [])  # compiled blocks by start
        # Years whose hours may depend on dates (rules, country data, zone transitions);
        # the others repeat with their kind of year.
        self._irregular = irregular
        self._dated_years = dated_years  # years with a dated rule (or just before one)
        self._within_days = within_days  # no hours cross midnight: totals by date, see _count_dates
        self._totals: dict[int, tuple[int, int]] = {}  # year -> (working time, working days)
        self._kinds: dict[tuple[int, int, bool, bool], tuple[int, int]] = {}
        self._spare: Block | None = None
        self._range = (0, 0)  # [first instant, end) slaclock covers, filled on first use
        self.compiled = 0  # blocks compiled so far: tests check that queries never walk
        self.totalled = 0  # years compiled only for their totals

    # -- blocks ---------------------------------------------------------------------------

    def _local_us(self, day: date, offset_us: int) -> int:
        """UTC microseconds of a local wall time: gaps move forward, folds take the earlier."""
        wall = datetime(day.year, day.month, day.day) + timedelta(microseconds=offset_us)
        return to_us(wall.replace(tzinfo=self._zone))

    def year_start(self, year: int) -> int:
        start = self._starts.get(year)
        if start is None:
            start = self._starts[year] = self._local_us(date(year, 1, 1), 0)
        return start

    def block(self, year: int) -> Block:
        found = self._blocks.get(year)
        if found is not None:
            # Evicted by another thread meanwhile: the block is still valid to use.
            with suppress(KeyError):
                self._blocks.move_to_end(year)
            return found
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise SlaclockValueError(
                f"year {year} is outside the range slaclock calendars cover "
                f"({FIRST_YEAR} to {LAST_YEAR})"
            )
        with self._lock:
            found = self._blocks.get(year)
            if found is None:
                spare = self._spare
                if spare is not None and spare.year == year:
                    found = self._blocks[year] = spare
                else:
                    found = self._blocks[year] = self._compile(year)
                self.compiled += 1
                self._totals[year] = (found.total, len(found.day_ends))
                while len(self._blocks) > BLOCKS_KEPT:
                    evicted, _ = self._blocks.popitem(last=False)
                    self._views.pop(evicted, None)
                # A fresh index, swapped in whole: readers never see a half-built one.
                ordered = sorted(self._blocks.values(), key=lambda b: b.start)
                self._index = ([b.start for b in ordered], ordered)
        return found

    def _compile(self, year: int) -> Block:
        start, end = self.year_start(year), self.year_start(year + 1)
        pieces: list[tuple[int, int]] = []
        day_ends: list[int] = []
        day = date(year - 1, 12, 31)
        last = date(year, 12, 31)
        while day <= last:
            spans = self._rules.spans(day)
            day_end = None
            for s, e in spans:
                su, eu = self._local_us(day, s), self._local_us(day, e)
                if eu > su:  # a span swallowed by a DST gap holds nothing
                    pieces.append((su, eu))
                    day_end = eu
            if day_end is not None and day.year == year:
                day_ends.append(day_end)
            day += _ONE_DAY
        pieces.sort()
        opens: list[int] = []
        closes: list[int] = []
        for su, eu in pieces:
            su, eu = max(su, start), min(eu, end)
            if eu <= su:
                continue
            if closes and su <= closes[-1]:  # touching or overlapping: one interval
                closes[-1] = max(closes[-1], eu)
            else:
                opens.append(su)
                closes.append(eu)
        return Block(year, start, end, opens, closes, day_ends)

    def block_of(self, us: int) -> Block:
        """The block holding instant ``us``."""
        last = self._last
        if last is not None and last.start <= us < last.end:
            return last
        starts, blocks = self._index
        i = bisect_right(starts, us) - 1
        if i >= 0 and us < blocks[i].end:
            found = self._last = blocks[i]
            return found
        lo, hi = self._range
        if not lo <= us < hi:
            lo, hi = self._range = (self.year_start(FIRST_YEAR), self.year_start(LAST_YEAR + 1))
            if not lo <= us < hi:
                raise SlaclockValueError(
                    f"instant {describe_us(us)} is outside the range slaclock calendars cover "
                    f"(years {FIRST_YEAR} to {LAST_YEAR} in the calendar's zone)"
                )
        year = (EPOCH + timedelta(microseconds=us)).year
        if us < self.year_start(year):
            year -= 1
        elif us >= self.year_start(year + 1):
            year += 1
        found = self._last = self.block(year)
        return found

    def year_total(self, year: int) -> tuple[int, int]:
        """The working time and the count of working days of ``year``'s block.

        Compiled for the totals only (the intervals are dropped) when the block is
        not at hand, and once per kind of year where years repeat.
        """
        found = self._totals.get(year)
        if found is not None:
            return found
        if year > self._last_year or year < self._first_year:
            found = (0, 0)
        else:
            lo, hi = self._irregular
            if year + 1 < lo or year - 1 > hi:
                # Outside every dated rule and zone transition (with a year's margin for
                # overnight hours and transfers across New Year): the year's hours repeat
                # in every year that starts on the same weekday with the same leap days.
                key = (int(year > hi), date(year, 1, 1).weekday(), isleap(year - 1), isleap(year))
                found = self._kinds.get(key)
                if found is None:
                    found = self._kinds[key] = self._count(year)
            else:
                found = self._count(year)
        self._totals[year] = found
        return found

    def _passing(self, year: int, origin: int) -> tuple[int, int]:
        """:meth:`year_total` for a walk from ``origin``; the next year is compiled whole.

        Most long answers still end in the year after their start (a 200-hour
        deadline in December): totalling that year first and compiling it after
        would walk its dates twice.
        """
        if abs(year - origin) == 1:
            block = self.block(year)
            return block.total, len(block.day_ends)
        return self.year_total(year)

    def _count(self, year: int) -> tuple[int, int]:
        block = self._blocks.get(year)
        if block is None and self._within_days:
            return self._count_dates(year)
        if block is None:
            block = self._compile(year)
            self.totalled += 1
            # Kept until the next one: the year where a long deadline ends is totalled
            # first and then asked for in full, and should not be compiled twice.
            self._spare = block
        return block.total, len(block.day_ends)

    def _count_dates(self, year: int) -> tuple[int, int]:
        """A year's totals without compiling it, for calendars whose hours never cross midnight.

        Then the block holds exactly the intervals of its own dates, and a date whose
        two midnights have the same UTC offset works its local lengths: only the
        few dates around a zone transition need converting to UTC.
        """
        self.totalled += 1
        rules = self._rules
        first, last = rules.country_years
        # (The year before the country data may shorten 31 December before its first holiday.)
        if year not in self._dated_years and (
            rules.country is None or not first - 1 <= year <= last
        ):
            return self._count_weekdays(year, rules.week_on(date(year, 1, 1)))
        spans_of = rules.spans
        zone = self._zone
        total = days = 0
        day = date(year, 1, 1)
        offset = datetime(year, 1, 1, tzinfo=zone).utcoffset()
        while day.year == year:
            following = day + _ONE_DAY
            next_offset = datetime(
                following.year, following.month, following.day, tzinfo=zone
            ).utcoffset()
            spans = spans_of(day)
            if spans:
                if offset == next_offset:
                    total += sum(e - s for s, e in spans)
                    days += 1
                else:
                    worked = self._worked_utc(day, spans)
                    total += worked
                    days += worked > 0
            day, offset = following, next_offset
        return total, days

    def _worked_utc(self, day: date, spans: tuple[tuple[int, int], ...]) -> int:
        worked = 0
        for s, e in spans:
            length = self._local_us(day, e) - self._local_us(day, s)
            if length > 0:  # a span swallowed by a DST gap holds nothing
                worked += length
        return worked

    def _count_weekdays(
        self, year: int, week: tuple[tuple[tuple[int, int], ...], ...]
    ) -> tuple[int, int]:
        """Totals of a year where every date works its weekday's hours: by weekday counts.

        Dates around a zone transition are worked out in UTC; transitions are found
        by the offsets a week apart (the tz database has no two within a week).
        """
        lengths = [sum(e - s for s, e in spans) for spans in week]
        jan1 = date(year, 1, 1)
        n_days = 366 if isleap(year) else 365
        counts = [n_days // 7] * 7
        for k in range(n_days % 7):
            counts[(jan1.weekday() + k) % 7] += 1
        total = sum(n * length for n, length in zip(counts, lengths, strict=True))
        days = sum(n for n, length in zip(counts, lengths, strict=True) if length)
        zone = self._zone

        def offset(k: int) -> timedelta | None:
            d = jan1 + timedelta(days=k)
            return datetime(d.year, d.month, d.day, tzinfo=zone).utcoffset()

        edges = [*range(0, n_days, 7), n_days]
        seen = [offset(k) for k in edges]
        for lo, hi, o_lo, o_hi in zip(edges, edges[1:], seen, seen[1:], strict=False):
            if o_lo == o_hi:
                continue
            before = o_lo
            for k in range(lo, hi):
                after = offset(k + 1)
                if after != before:
                    day = jan1 + timedelta(days=k)
                    spans = week[day.weekday()]
                    if spans:
                        worked = self._worked_utc(day, spans)
                        total += worked - lengths[day.weekday()]
                        days -= worked <= 0
                before = after
        return total, days

    def _no_work(self) -> NoWorkingTimeError:
        return NoWorkingTimeError(
            "the calendar has no working time at all (its weekly hours and overrides are "
            "empty), so no deadline can be found"
        )

    def _past_end(self, year: int, what: str) -> SlaclockValueError:
        """The refusal when ``what`` would need working time after ``year``."""
        if year >= LAST_YEAR:
            return SlaclockValueError(
                f"{what} lies after {LAST_YEAR}, the end of the range slaclock calendars cover"
            )
        return NoWorkingTimeError(
            f"the calendar has no working time after {year}, so {what} cannot be found"
        )

    def _past_start(self, year: int, what: str) -> SlaclockValueError:
        if year <= FIRST_YEAR:
            return SlaclockValueError(
                f"{what} lies before {FIRST_YEAR}, the start of the range slaclock calendars cover"
            )
        return NoWorkingTimeError(
            f"the calendar has no working time before {year}, so {what} cannot be found"
        )

    def _next_block(self, block: Block, what: str, *, days: bool = False) -> Block:
        """The first block after ``block`` with working time (or working days), skipping empty years."""
        year = block.year
        while True:
            if year >= self._last_year:
                raise self._past_end(year, what)
            year += 1
            if self.year_total(year)[days]:
                return self.block(year)

    # -- queries on datetimes -------------------------------------------------------------

    def view(self, year: int) -> View | None:
        """The view of ``year``'s block, made on first use; None when the block is not compiled."""
        found = self._views.get(year)
        if found is None:
            block = self._blocks.get(year)
            if block is None:
                return None
            found = View(block, self._zone)
            with self._lock:
                if self._blocks.get(year) is block:  # not evicted meanwhile
                    self._views[year] = found
        return found

    def datetime_us(self, us: int) -> datetime:
        """The aware datetime in the calendar's zone of instant ``us`` (as ``from_us``).

        Through the year's view, an addition of timedeltas, when ``us`` lies in a
        compiled block (an answer the timeline just found does): a zone look-up
        (``fromtimestamp``) costs ten times more.
        """
        block = self._last
        if block is None or not block.start <= us < block.end:
            block = self.block_of(us)
        view = self._views.get(block.year) or self.view(block.year)
        if view is None:  # evicted by another thread meanwhile
            return from_us(us, self._zone)
        rel = _ONE_US * (us - block.start)  # half the cost of timedelta(0, 0, n)
        if view.local:  # View.at, inlined
            return view.anchor + rel
        return (view.anchor + rel).astimezone(view.zone)

    def deadline_at(self, start: datetime, duration: timedelta) -> datetime | None:
        """:meth:`deadline_us` on an aware datetime, answered in the calendar's zone.

        Answers when the start's block is compiled and the answer lies in it or in
        the next (previous) one; None otherwise, and the caller takes the integer
        way, which compiles what is needed.  W and its inverse as in
        :class:`Block`, on the view's timedeltas, inlined: this is the hot path.
        """
        view = self._views.get(start.year) or self.view(start.year)
        if view is None:
            return None
        rel = start - view.anchor
        if not _ZERO <= rel < view.length:
            return None
        if duration:
            i = bisect_right(view.opens, rel)
            target = view.shift[i] + rel
            cap = view.cap[i]
            if target > cap:
                target = cap
            target += duration
            if duration > _ZERO:
                if target > view.total:  # into the next year
                    target -= view.total
                    view = self._views.get(view.year + 1) or self.view(view.year + 1)
                    if view is None or target > view.total:
                        return None
                rel = view.due[bisect_left(view.cum_after, target)] + target
            else:
                if target < _ZERO:  # into the year before
                    view = self._views.get(view.year - 1) or self.view(view.year - 1)
                    if view is None:
                        return None
                    target += view.total
                    if target < _ZERO:
                        return None
                # The latest instant: in the last span with at most ``target`` worked before it.
                rel = view.due[bisect_right(view.cum, target) - 1] + target
        if view.local:
            return view.anchor + rel
        return (view.anchor + rel).astimezone(view.zone)

    def elapsed_at(self, start: datetime, end: datetime) -> timedelta | None:
        """:meth:`elapsed_us` on aware datetimes, as a timedelta.

        Answers when both lie in the start's compiled block, or the end in the
        next one; None otherwise (the caller takes the integer way).
        """
        view = self._views.get(start.year) or self.view(start.year)
        if view is None:
            return None
        a = start - view.anchor
        if not _ZERO <= a < view.length:
            return None
        i = bisect_right(view.opens, a)
        work_a = view.shift[i] + a
        cap = view.cap[i]
        if work_a > cap:
            work_a = cap
        b = end - view.anchor
        if _ZERO <= b < view.length:
            i = bisect_right(view.opens, b)
            work_b = view.shift[i] + b
            cap = view.cap[i]
            return (work_b if work_b < cap else cap) - work_a
        if b < _ZERO:
            return None
        work_a -= view.total  # minus the work after ``start`` in its year
        view = self._views.get(view.year + 1) or self.view(view.year + 1)
        if view is None:
            return None
        b = end - view.anchor
        if not _ZERO <= b < view.length:
            return None
        i = bisect_right(view.opens, b)
        work_b = view.shift[i] + b
        cap = view.cap[i]
        return (work_b if work_b < cap else cap) - work_a

    # -- queries --------------------------------------------------------------------------

    def elapsed_us(self, a: int, b: int) -> int:
        """Working microseconds in ``[a, b)``; negative when ``b`` is before ``a``."""
        if b < a:
            return -self.elapsed_us(b, a)
        block = self._last
        if block is None or not block.start <= a < block.end:
            block = self.block_of(a)
        if b < block.end:  # the common case: W (Block.work_at, inlined) at both ends
            opens, shift, cap = block.opens, block.work_shift, block.work_cap
            i = bisect_right(opens, a)
            work_a = shift[i] + a
            if work_a > cap[i]:
                work_a = cap[i]
            i = bisect_right(opens, b)
            work_b = shift[i] + b
            return (work_b if work_b < cap[i] else cap[i]) - work_a
        second = self.block_of(b)
        total = block.total - block.work_at(a) + second.work_at(b)
        for year in range(block.year + 1, second.year):
            total += self.year_total(year)[0]
        return total

    def deadline_us(self, start: int, duration: int) -> int:
        """The earliest instant with ``duration`` worked since ``start`` (latest, backwards)."""
        block = self._last
        if block is None or not block.start <= start < block.end:
            block = self.block_of(start)
        if duration > 0:
            # W at ``start`` and the instant where W reaches ``target``: Block.work_at
            # and Block.instant_at, inlined (the call of every clock's due instant).
            i = bisect_right(block.opens, start)
            work = block.work_shift[i] + start
            cap = block.work_cap[i]
            target = (work if work < cap else cap) + duration
            if target <= block.total:
                return block.due_shift[bisect_left(block.cum_after, target)] + target
            if self._last_year < self._first_year:
                raise self._no_work()
            if duration > (self._last_year - block.year + 1) * _YEAR_US:
                raise NoWorkingTimeError(
                    f"{timedelta(microseconds=duration)} of working time after {block.year} "
                    f"would reach past {self._last_year} (the last year with working time, "
                    f"or the end of the range slaclock covers)"
                )
            target -= block.total
            year = block.year
            while True:  # through the years by their totals: no block compiled on the way
                if year >= self._last_year:
                    raise self._past_end(year, "the deadline")
                year += 1
                total = self._passing(year, block.year)[0]
                if target <= total:
                    break
                target -= total
            return self.block(year).instant_at(target)
        if duration == 0:
            return start
        target = block.work_at(start) + duration
        if target < 0:
            if self._last_year < self._first_year:
                raise self._no_work()
            if -duration > (block.year - self._first_year + 1) * _YEAR_US:
                raise NoWorkingTimeError(
                    f"{timedelta(microseconds=-duration)} of working time before {block.year} "
                    f"would reach past {self._first_year} (the first year with working time, "
                    f"or the start of the range slaclock covers)"
                )
            year = block.year
            while target < 0:
                if year <= self._first_year:
                    raise self._past_start(year, "the instant")
                year -= 1
                target += self._passing(year, block.year)[0]
            block = self.block(year)
        # The latest instant where W is ``target``: in the last span that starts with
        # at most ``target`` worked before it.
        return block.due_shift[bisect_right(block.cum, target) - 1] + target

    def is_open_us(self, us: int) -> bool:
        block = self.block_of(us)
        i = bisect_right(block.opens, us) - 1
        return i >= 0 and us < block.closes[i]

    def next_open_us(self, us: int) -> int:
        """``us`` itself when open, else the next opening."""
        block = self.block_of(us)
        i = bisect_right(block.opens, us)
        if i and us < block.closes[i - 1]:
            return us
        if i == len(block.opens):
            block, i = self._next_block(block, "the next opening"), 0
        return block.opens[i]

    def next_close_us(self, us: int) -> int:
        """The end of the working interval open at ``us``, or of the next one when closed."""
        block = self.block_of(us)
        i = bisect_right(block.opens, us)
        if not (i and us < block.closes[i - 1]):
            if i == len(block.opens):
                block, i = self._next_block(block, "the next closing"), 0
            i += 1
        close = block.closes[i - 1]
        # An interval cut at a block boundary goes on in the next block.
        while close == block.end:
            if self._never_closes_after is not None and block.year > self._never_closes_after:
                raise NoWorkingTimeError(
                    f"the calendar is open without a break from {block.year} on: it never closes"
                )
            if block.year >= LAST_YEAR:
                break
            block = self.block(block.year + 1)
            if not block.opens or block.opens[0] != close:
                break
            close = block.closes[0]
        return close

    def periods_us(self, a: int, b: int) -> list[tuple[int, int]]:
        """The open intervals within ``[a, b)``, clipped to it, pieces across blocks joined."""
        out: list[tuple[int, int]] = []
        if b <= a:
            return out
        block = self.block_of(a)
        while True:
            i = max(bisect_right(block.opens, a) - 1, 0)
            opens, closes = block.opens, block.closes
            while i < len(opens) and opens[i] < b:
                lo, hi = max(opens[i], a), min(closes[i], b)
                if hi > lo:
                    if out and out[-1][1] == lo:
                        out[-1] = (out[-1][0], hi)
                    else:
                        out.append((lo, hi))
                i += 1
            if b <= block.end or block.year >= LAST_YEAR:
                return out
            block = self.block(block.year + 1)

    # -- working days ---------------------------------------------------------------------

    def _day_position(self, us: int) -> tuple[Block, int]:
        """The block and index of the first working date whose end is after ``us``."""
        block = self.block_of(us)
        if block.year > FIRST_YEAR:
            # 31 December's overnight hours may still be running in the new year.
            before = self.block(block.year - 1)
            if before.day_ends and before.day_ends[-1] > us:
                return before, bisect_right(before.day_ends, us)
        i = bisect_right(block.day_ends, us)
        if i == len(block.day_ends):
            block, i = self._next_block(block, "the next working day", days=True), 0
        return block, i

    def day_end_us(self, us: int, days: int = 0) -> int:
        """The end of the current or next working day, or of the ``days``-th working day after it."""
        block, i = self._day_position(us)
        i += days
        if i < len(block.day_ends):
            return block.day_ends[i]
        if days > 366 * (self._last_year - block.year + 1):  # more days than the years left hold
            raise self._past_end(min(self._last_year, LAST_YEAR), f"the {days}th working day")
        i -= len(block.day_ends)
        year = block.year
        while True:  # through the years by their counts of working days
            if year >= self._last_year:
                raise self._past_end(year, "the working day")
            year += 1
            count = self._passing(year, block.year)[1]
            if i < count:
                return self.block(year).day_ends[i]
            i -= count
