"""The compiled timeline: UTC boundaries with running totals, answered by binary search.

A calendar is compiled lazily, one local calendar year (a *block*) at a time,
into sorted lists of open and close instants (integer microseconds since the
epoch, UTC) and the working time accumulated before each open.  Every query
then costs a binary search in one or two blocks, so a 200-hour deadline costs
the same as a one-hour one; only a query spanning years touches one block per
year, and each block is compiled once per calendar, under a lock.

Blocks partition the time line: block ``Y`` covers ``[start(Y), start(Y+1))``
where ``start(Y)`` is local midnight of 1 January of ``Y``.  An overnight
interval of 31 December is cut at the boundary and its tail belongs to the
next block; queries that care about continuity (``next_close``, ``periods``)
join pieces that touch across a boundary.
"""

from __future__ import annotations

import threading
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from itertools import accumulate
from zoneinfo import ZoneInfo

from slaclock._calendar.instants import EPOCH, to_us
from slaclock._calendar.rules import DayRules
from slaclock.errors import NoWorkingTimeError, SlaclockValueError

__all__ = ["Block", "Timeline"]

_ONE_DAY = timedelta(days=1)
_YEAR_US = 366 * 86_400_000_000
FIRST_YEAR = 2
LAST_YEAR = 9998


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
    ) -> None:
        self._rules = rules
        self._zone = zone
        # Years beyond which no working time can exist (None: unbounded that way).
        self._last_year = LAST_YEAR if last_year is None else min(last_year, LAST_YEAR)
        self._first_year = FIRST_YEAR if first_year is None else max(first_year, FIRST_YEAR)
        self._never_closes_after = never_closes_after
        self._blocks: dict[int, Block] = {}
        self._starts: dict[int, int] = {}
        self._lock = threading.Lock()
        self._last: Block | None = None
        self._index: tuple[list[int], list[Block]] = ([], [])  # compiled blocks by start
        self.compiled = 0  # blocks compiled so far: tests check that queries never walk

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
            return found
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise SlaclockValueError(
                f"year {year} is outside the range slaclock calendars cover "
                f"({FIRST_YEAR} to {LAST_YEAR})"
            )
        with self._lock:
            found = self._blocks.get(year)
            if found is None:
                found = self._blocks[year] = self._compile(year)
                self.compiled += 1
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
        year = (EPOCH + timedelta(microseconds=us)).year
        if us < self.year_start(year):
            year -= 1
        elif us >= self.year_start(year + 1):
            year += 1
        found = self._last = self.block(year)
        return found

    def _after(self, block: Block, what: str) -> Block:
        if block.year >= self._last_year:
            if block.year >= LAST_YEAR:
                raise SlaclockValueError(
                    f"{what} lies after {LAST_YEAR}, the end of the range slaclock calendars cover"
                )
            raise NoWorkingTimeError(
                f"the calendar has no working time after {block.year}, so {what} cannot be found"
            )
        return self.block(block.year + 1)

    def _before(self, block: Block, what: str) -> Block:
        if block.year <= self._first_year:
            if block.year <= FIRST_YEAR:
                raise SlaclockValueError(
                    f"{what} lies before {FIRST_YEAR}, the start of the range slaclock calendars cover"
                )
            raise NoWorkingTimeError(
                f"the calendar has no working time before {block.year}, so {what} cannot be found"
            )
        return self.block(block.year - 1)

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
            total += self.block(year).total
        return total

    def deadline_us(self, start: int, duration: int) -> int:
        """The earliest instant with ``duration`` worked since ``start`` (latest, backwards)."""
        block = self._last
        if block is None or not block.start <= start < block.end:
            block = self.block_of(start)
        if duration and self._last_year < self._first_year:
            raise NoWorkingTimeError(
                "the calendar has no working time at all (its weekly hours and overrides are "
                "empty), so no deadline can be found"
            )
        if duration > 0:
            target = block.work_at(start) + duration
            if target > block.total:
                if duration > (self._last_year - block.year + 1) * _YEAR_US:
                    raise NoWorkingTimeError(
                        f"{timedelta(microseconds=duration)} of working time after {block.year} "
                        f"would reach past {self._last_year} (the last year with working time, "
                        f"or the end of the range slaclock covers)"
                    )
                while target > block.total:
                    target -= block.total
                    block = self._after(block, "the deadline")
            return block.instant_at(target)
        if duration == 0:
            return start
        target = block.work_at(start) + duration
        if target < 0:
            if -duration > (block.year - self._first_year + 1) * _YEAR_US:
                raise NoWorkingTimeError(
                    f"{timedelta(microseconds=-duration)} of working time before {block.year} "
                    f"would reach past {self._first_year} (the first year with working time, "
                    f"or the start of the range slaclock covers)"
                )
            while target < 0:
                block = self._before(block, "the instant")
                target += block.total
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
        while i == len(block.opens):
            block = self._after(block, "the next opening")
            i = 0
        return block.opens[i]

    def next_close_us(self, us: int) -> int:
        """The end of the working interval open at ``us``, or of the next one when closed."""
        block = self.block_of(us)
        i = bisect_right(block.opens, us)
        if not (i and us < block.closes[i - 1]):
            while i == len(block.opens):
                block = self._after(block, "the next closing")
                i = 0
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
        while i == len(block.day_ends):
            block = self._after(block, "the next working day")
            i = 0
        return block, i

    def day_end_us(self, us: int, days: int = 0) -> int:
        """The end of the current or next working day, or of the ``days``-th working day after it."""
        block, i = self._day_position(us)
        i += days
        while i >= len(block.day_ends):
            i -= len(block.day_ends)
            block = self._after(block, "the working day")
        return block.day_ends[i]
