"""Many deadlines or elapsed times at once, vectorised over the compiled timeline.

The blocks (one local year each) that the inputs reach are laid end to end into
three numpy arrays: the opens, the closes and the running working total before
each open, counted from the first block in range.  Then every element costs two
``np.searchsorted`` calls over those arrays, exactly as the scalar path costs two
``bisect`` calls in one block, and the answers are equal element by element.

numpy is imported here only when a batch call runs, so ``import slaclock`` stays
free of it; plain sequences of datetimes work without numpy too (element by
element on the integer timeline).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from weakref import WeakKeyDictionary
from zoneinfo import ZoneInfo

from slaclock._calendar.instants import from_us, td_to_us, to_us
from slaclock._calendar.timeline import BLOCKS_KEPT, FIRST_YEAR, LAST_YEAR, Timeline
from slaclock.errors import SlaclockTypeError, SlaclockValueError

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    Int64s = npt.NDArray[np.int64]

__all__ = ["deadline_many", "deadline_us_many", "elapsed_many", "elapsed_us_many"]


def deadline_many(timeline: Timeline, zone: ZoneInfo, starts: Any, durations: Any) -> Any:
    """``deadline`` of each (start, duration) pair; see :meth:`Calendar.deadline_many`."""
    if _is_array(starts):
        a = _instants_array(starts, "starts")
        d = _durations_array(durations, "durations")
        a, d, shape = _broadcast(a, d, "starts", "durations", one=True)
        try:
            found = deadline_us_many(timeline, a, d)
        except _NotATime:
            _refuse_nat(starts, "starts", "datetime64")
            _refuse_nat(durations, "durations", "timedelta64")
            raise
        return (found if found.shape == shape else found.reshape(shape)).view(_DTYPES["M"])
    a_list = _instants_list(starts, "starts")
    d_list = _durations_list(durations, "durations", len(a_list))
    if not a_list:
        return []
    if not _has_numpy() or any(not -_LONGEST_US <= d <= _LONGEST_US for d in d_list):
        # Element by element: also for durations too long for int64 (the scalar way refuses them).
        out = [timeline.deadline_us(a, d) for a, d in zip(a_list, d_list, strict=True)]
    else:
        np = _numpy()

        out = deadline_us_many(
            timeline, np.array(a_list, dtype=np.int64), np.array(d_list, dtype=np.int64)
        ).tolist()
    return [from_us(us, zone) for us in out]


def elapsed_many(timeline: Timeline, starts: Any, ends: Any) -> Any:
    """``elapsed`` of each (start, end) pair; see :meth:`Calendar.elapsed_many`."""
    if _is_array(starts) or _is_array(ends):
        a = _instants_array(starts, "starts")
        b = _instants_array(ends, "ends")
        a, b, shape = _broadcast(a, b, "starts", "ends")
        try:
            found = elapsed_us_many(timeline, a, b)
        except _NotATime:
            _refuse_nat(starts, "starts", "datetime64")
            _refuse_nat(ends, "ends", "datetime64")
            raise
        return (found if found.shape == shape else found.reshape(shape)).view(_DTYPES["m"])
    a_list = _instants_list(starts, "starts")
    b_list = _instants_list(ends, "ends")
    if len(a_list) != len(b_list):
        raise SlaclockValueError(
            f"starts and ends must have the same length, got {len(a_list)} and {len(b_list)}"
        )
    if not a_list:
        return []
    if not _has_numpy():
        out = [timeline.elapsed_us(a, b) for a, b in zip(a_list, b_list, strict=True)]
    else:
        np = _numpy()

        out = elapsed_us_many(
            timeline, np.array(a_list, dtype=np.int64), np.array(b_list, dtype=np.int64)
        ).tolist()
    return [timedelta(microseconds=us) for us in out]


# -- the vectorised core ------------------------------------------------------------------


class _Index:
    """``np.searchsorted`` over one sorted array, for keys known to lie in ``[lo, hi]``.

    A binary search costs about 40 ns a key on unsorted keys (branch misses); a
    grid of power-of-two buckets (two to four per value) remembers the answer at
    each bucket edge, so a key costs a shift, a gather and a pass or two that
    step over the few values inside its bucket.  Exactly the same answers.

    Every step is int64 arithmetic (a comparison's sign bit, not a boolean added
    to a count): numpy casts a boolean operand through its buffered casting
    machinery, which cost 10 µs a step on small arrays.
    """

    __slots__ = (
        "inner_left",
        "inner_right",
        "left0",
        "lo",
        "padded",
        "padded_less",
        "passes_left",
        "passes_right",
        "right0",
        "shift",
        "sign",
        "ushift",
        "values",
    )

    def __init__(self, values: Int64s, lo: int, hi: int) -> None:
        np = _numpy()

        self.values = values
        buckets = 2 * len(values) + 1
        shift = max(0, ((hi - lo) // buckets).bit_length())
        edges = lo + (np.arange(((hi - lo) >> shift) + 2, dtype=np.int64) << shift)
        self.right0 = np.searchsorted(values, edges, side="right")
        self.left0 = np.searchsorted(values, edges, side="left")
        self.passes_right = int(np.diff(self.right0).max(initial=0))
        self.passes_left = int(np.diff(self.left0).max(initial=0))
        # One value past the end that no key reaches, so a step never runs off the
        # array; small enough that ``value - key`` cannot wrap for any instant.
        self.padded = np.append(values, np.int64(_BEYOND))
        self.padded_less = self.padded - 1
        # 0-d arrays: numpy converts a Python int operand afresh on every call.
        self.lo = np.array(lo, dtype=np.int64)
        self.shift = np.array(shift, dtype=np.int64)
        self.sign = np.array(63, dtype=np.int64)
        # The buckets wholly inside [lo, hi): a key outside them, its offset shifted as
        # an unsigned number (a negative one stays above 2**(63 - shift)), raises
        # IndexError, so a call that guesses its span need not take bounds first.
        self.ushift = np.array(shift, dtype=np.uint64)
        inner = (
            (hi - lo) >> shift
            if shift > 0 and self.passes_right <= 4 and self.passes_left <= 4
            else 0
        )
        self.inner_right = self.right0[:inner]
        self.inner_left = self.left0[:inner]

    def right(self, keys: Int64s, *, strict: bool = False) -> Int64s:
        """How many values are ``<= key``, per key (``searchsorted(side="right")``).

        ``strict``: raise IndexError unless every key lies in the inner buckets.
        """
        np = _numpy()

        if strict:
            # Unsigned: a key below ``lo`` becomes at least 2**(63 - shift), past the grid.
            offsets = (keys - self.lo).view(np.uint64)
            offsets >>= self.ushift
            # Below 2**63 once shifted (the inner grid is empty when the shift is 0): as
            # int64 the gather takes numpy's fast path, where uint64 indexes are cast.
            count: Int64s = self.inner_right[offsets.view(np.int64)]
        elif self.passes_right > 4:  # crowded buckets: plain binary search is as good
            found: Int64s = np.searchsorted(self.values, keys, side="right")
            return found
        else:
            count = self.right0[(keys - self.lo) >> self.shift]
        for _ in range(self.passes_right):
            # value <= key  <=>  (value - 1) - key < 0: the sign bit, as -1 or 0.
            step = self.padded_less[count]
            step -= keys
            step >>= self.sign
            count -= step
        return count

    def left(self, keys: Int64s, *, strict: bool = False) -> Int64s:
        """How many values are ``< key``, per key (``searchsorted(side="left")``); ``strict`` as in :meth:`right`."""
        np = _numpy()

        if strict:
            # Unsigned: a key below ``lo`` becomes at least 2**(63 - shift), past the grid.
            offsets = (keys - self.lo).view(np.uint64)
            offsets >>= self.ushift
            # Below 2**63 once shifted (the inner grid is empty when the shift is 0): as
            # int64 the gather takes numpy's fast path, where uint64 indexes are cast.
            count: Int64s = self.inner_left[offsets.view(np.int64)]
        elif self.passes_left > 4:
            found: Int64s = np.searchsorted(self.values, keys, side="left")
            return found
        else:
            count = self.left0[(keys - self.lo) >> self.shift]
        for _ in range(self.passes_left):
            step = self.padded[count]
            step -= keys
            step >>= self.sign
            count -= step
        return count


# Above every instant and every running total slaclock handles (years 2-9998 lie
# within +-2.6e17 µs of 1970), and far enough below 2**63 that subtracting a key
# from it cannot wrap.
_BEYOND = 2**62


class _Span:
    """Blocks ``first..last`` laid end to end, with W and its inverse as array lookups.

    Index 0 holds an empty interval at the span's start, so every instant in the
    span has an interval opening at or before it.  With ``i`` the number of
    openings at or before an instant ``t`` (``by_open.right``), the working time
    from the span's start is ``min(work_shift[i] + t, work_cap[i])``; the
    earliest instant where the running total reaches ``v`` is
    ``due_shift[k] + v`` with ``k = by_total.left(v)``, the latest is
    ``latest_shift[k] + v`` with ``k = by_total_start.right(v)``.
    """

    __slots__ = (
        "by_open",
        "by_total",
        "by_total_start",
        "due_shift",
        "end",
        "first",
        "last",
        "latest_shift",
        "offsets",
        "size",
        "start",
        "total",
        "work_cap",
        "work_shift",
    )

    def __init__(self, timeline: Timeline, first: int, last: int) -> None:
        np = _numpy()

        blocks = [timeline.block(year) for year in range(first, last + 1)]
        offsets = [0]
        for block in blocks:
            offsets.append(offsets[-1] + block.total)
        self.first, self.last, self.total = first, last, offsets[-1]
        # offsets[k]: working time in the span before block first + k.
        self.offsets = offsets
        lo, hi = blocks[0].start, blocks[-1].end
        self.start, self.end = lo, hi
        head = np.zeros(1, dtype=np.int64)
        opens = np.concatenate(
            [head + lo, *(np.asarray(block.opens, dtype=np.int64) for block in blocks)]
        )
        closes = np.concatenate(
            [head + lo, *(np.asarray(block.closes, dtype=np.int64) for block in blocks)]
        )
        cum_after = np.concatenate(
            [
                head,
                *(
                    np.asarray(block.cum_after, dtype=np.int64) + offset
                    for block, offset in zip(blocks, offsets, strict=False)
                ),
            ]
        )
        cum = cum_after - (closes - opens)
        self.size = len(opens)
        # Indexed by the count of openings at or before the instant (at least 1).
        self.work_shift = np.concatenate([head, cum - opens])
        self.work_cap = np.concatenate([head, cum_after])
        self.due_shift = opens - cum
        self.latest_shift = np.concatenate([head, self.due_shift])
        self.by_open = _Index(opens, lo, hi)
        self.by_total = _Index(cum_after, 0, self.total)
        # cum is cum_after shifted by one interval; its own index answers backward queries.
        self.by_total_start = _Index(cum, 0, self.total)

    def work_at(self, us: Int64s, *, strict: bool = False) -> Int64s:
        """Working time from the start of block ``first`` to each instant (all inside the span).

        ``strict``: raise IndexError unless every instant is inside (see :class:`_Index`).
        """
        np = _numpy()

        i = self.by_open.right(us, strict=strict)
        worked: Int64s = self.work_shift[i]
        worked += us
        np.minimum(worked, self.work_cap[i], out=worked)
        return worked


# Spans laid out for a timeline, reused while the same years are asked about; a
# span that covers the years asked for serves too.  Batch calls come from many
# threads at once: the cache is read and changed under a lock (a span is laid out
# outside it; two threads may lay the same one, both correct).  Calls that alternate
# between year ranges each keep their span: up to _SPANS_KEPT of them, and at most
# _SPAN_INTERVALS intervals in all (a dense calendar's spans are large).
_spans: WeakKeyDictionary[Timeline, dict[tuple[int, int], _Span]] = WeakKeyDictionary()
_spans_lock = threading.Lock()
_SPANS_KEPT = 16
_SPAN_INTERVALS = 4_000_000
# A span lays every block in it end to end: wider ones (inputs thousands of years
# apart) are answered element by element on the timeline, which passes through years
# by their totals instead.  As wide as the timeline's block cache, so that decades of
# history stay vectorised and laying a span out never evicts its own blocks.
_SPAN_YEARS = BLOCKS_KEPT
# Durations beyond this cannot have an answer inside the years slaclock covers, and
# adding them to running totals could wrap around int64: they go the scalar way,
# which refuses them.
_LONGEST_US = (LAST_YEAR - FIRST_YEAR + 1) * 366 * 86_400_000_000


def _span(timeline: Timeline, first: int, last: int) -> _Span:
    with _spans_lock:
        kept = _spans.get(timeline)
        if kept is None:
            kept = _spans[timeline] = {}
        found = kept.get((first, last))
        if found is None:
            for span in kept.values():
                if span.first <= first and last <= span.last:
                    found = span
                    break
    if found is None:
        found = _Span(timeline, first, last)
        with _spans_lock:
            while kept and (
                len(kept) >= _SPANS_KEPT
                or sum(span.size for span in kept.values()) + found.size > _SPAN_INTERVALS
            ):
                kept.pop(next(iter(kept)))
            kept[(first, last)] = found
    return found


def _year_of(timeline: Timeline, us: int) -> int:
    return timeline.block_of(us).year


# Work through long arrays in chunks: the temporaries stay small enough to be reused
# from the heap and to stay in cache (160 kB temporaries of a 20,000-element array
# would each be mapped and faulted in afresh by the allocator, doubling the cost).
_CHUNK = 8192


def _bounds(values: Int64s) -> tuple[int, int]:
    """The least and the greatest value: in Python for short arrays (a numpy reduction
    costs some 10,000 instructions before the first element)."""
    if values.size <= 64:
        listed = values.tolist()
        if not isinstance(listed, list):  # 0-d
            return listed, listed
        return min(listed), max(listed)
    return int(values.min()), int(values.max())


class _NotATime(SlaclockValueError):
    """An int64 minimum among the inputs: NaT viewed as an integer (the caller names it)."""


_NAT = -(2**63)


# The span each timeline's last batch call used: the next call tries it first.
_recent: WeakKeyDictionary[Timeline, _Span] = WeakKeyDictionary()


def _remember(timeline: Timeline, span: _Span) -> None:
    with _spans_lock:
        _recent[timeline] = span


def _guess(timeline: Timeline, us: int) -> _Span | None:
    """A kept span holding instant ``us`` (a call's first start): the last call's, else any.

    Taking a call's bounds costs four numpy reductions (some 10,000 instructions each);
    a strict look-up on a guessed span needs none and fails when the guess was wrong,
    so calls that alternate between year ranges find their own span without them.
    """
    span = _recent.get(timeline)
    if span is not None and span.start <= us < span.end:
        return span
    with _spans_lock:
        kept = _spans.get(timeline)
        for span in () if kept is None else kept.values():
            if span.start <= us < span.end:
                return span
    return None


# Arrays up to this long are answered element by element on the timeline: a numpy
# operation costs some 4,000 instructions however short its array, and the
# vectorised path makes about 25 of them, where one scalar query costs about 4,000.
_SMALL = 32


def _small(query: Any, a: Int64s, b: Int64s) -> Int64s:
    """``query`` element by element on a short array (``b`` may be 0-d): no numpy operations."""
    np = _numpy()

    xs = a.tolist()
    ys = b.tolist()
    if not isinstance(ys, list):  # one duration for all
        if ys == _NAT:
            raise _NotATime("NaT (not a time) among the inputs")
        ys = [ys] * len(xs)
    elif _NAT in ys:
        raise _NotATime("NaT (not a time) among the inputs")
    if _NAT in xs:
        raise _NotATime("NaT (not a time) among the inputs")
    out: Int64s = np.array(list(map(query, xs, ys)), dtype=np.int64)
    return out


def deadline_us_many(timeline: Timeline, a: Int64s, d: Int64s) -> Int64s:
    """``deadline_us`` of each (start, duration) pair (int64 arrays; ``d`` may be 0-d)."""
    if a.size <= _SMALL:
        if not a.size:
            return a.copy()
        return _small(timeline.deadline_us, a, d)
    np = _numpy()
    lo_d = int(d) if d.ndim == 0 else int(d.min())
    if lo_d > 0 and a.size <= _CHUNK:
        # Forwards, on a kept span when every start and every answer lies inside it (a
        # strict look-up raises IndexError otherwise): no bounds to take.
        span = _guess(timeline, a.item(0))
        if span is not None:
            try:
                target = span.work_at(a, strict=True)
                target += d
                found: Int64s = span.due_shift[span.by_total.left(target, strict=True)]
            except IndexError:
                pass
            else:
                found += target
                return found
    lo_d, hi_d = _bounds(d)
    lo_a, hi_a = _bounds(a)
    if lo_a == _NAT or lo_d == _NAT:
        raise _NotATime("NaT (not a time) among the inputs")
    if hi_d > _LONGEST_US or lo_d < -_LONGEST_US:
        return _scalar(timeline.deadline_us, a, d)
    first, last = _year_of(timeline, lo_a), _year_of(timeline, hi_a)
    if last - first >= _SPAN_YEARS:
        return _scalar(timeline.deadline_us, a, d)
    # One year more in the direction the durations go: most answers that leave the
    # starts' years end in the next one (a 200-hour deadline in December).
    span = _span(
        timeline,
        max(first - (lo_d < 0), FIRST_YEAR),
        min(last + (hi_d > 0), LAST_YEAR),
    )
    bounds = (first, last, lo_d, hi_d)
    if a.size <= _CHUNK:
        whole, span = _deadline_chunk(timeline, span, a, d, bounds)
        _remember(timeline, span)
        return whole
    out: Int64s = np.empty_like(a)
    one = d.ndim == 0
    for lo in range(0, a.size, _CHUNK):
        part = slice(lo, lo + _CHUNK)
        out[part], span = _deadline_chunk(timeline, span, a[part], d if one else d[part], bounds)
    return out


def _scalar(query: Any, a: Int64s, b: Int64s) -> Int64s:
    """``query`` element by element: for inputs too far apart to lay out as one span."""
    np = _numpy()

    a, b = np.broadcast_arrays(a, b)
    out: Int64s = np.array(
        [query(x, y) for x, y in zip(a.tolist(), b.tolist(), strict=True)], np.int64
    )
    return out


def _deadline_chunk(
    timeline: Timeline, span: _Span, a: Int64s, d: Int64s, bounds: tuple[int, int, int, int]
) -> tuple[Int64s, _Span]:
    """Deadlines of one chunk, and the span (widened when the answers reach beyond it)."""
    np = _numpy()

    if not a.size:
        return a.copy(), span
    first_start, last_start, lo_d, hi_d = bounds
    target = span.work_at(a)
    target += d
    first, last = span.first, span.last
    # The answer furthest out decides how many blocks to lay: compute it the scalar way
    # (which also raises NoWorkingTimeError when it does not exist) and widen the span.
    # The years of the starts bound every W(start), so most calls need no search for it.
    if hi_d > 0 and span.offsets[last_start - first + 1] + hi_d > span.total:
        i = int(np.argmax(target if lo_d > 0 else np.where(d > 0, target, -1)))
        if target[i] > span.total:
            last = _year_of(
                timeline, timeline.deadline_us(int(a[i]), int(np.broadcast_to(d, a.shape)[i]))
            )
    if lo_d < 0 and span.offsets[first_start - first] + lo_d < 0:
        i = int(np.argmin(target if hi_d < 0 else np.where(d < 0, target, span.total)))
        if target[i] < 0:
            first = _year_of(
                timeline, timeline.deadline_us(int(a[i]), int(np.broadcast_to(d, a.shape)[i]))
            )
    if (first, last) != (span.first, span.last):
        first, last = min(first, span.first), max(last, span.last)
        if last - first >= _SPAN_YEARS:
            return _scalar(timeline.deadline_us, a, d), span
        span = _span(timeline, first, last)
        target = span.work_at(a)
        target += d
    if lo_d > 0:  # all forward
        return _forward(span, target), span
    if hi_d < 0:
        return _backward(span, target), span
    d = np.broadcast_to(d, a.shape)
    forward, backward = d > 0, d < 0
    out = a.copy()  # a zero duration: the start itself
    if hi_d > 0:
        out[forward] = _forward(span, target[forward])
    if lo_d < 0:
        out[backward] = _backward(span, target[backward])
    return out, span


def _forward(span: _Span, target: Int64s) -> Int64s:
    # Earliest instant: the first interval whose running total reaches the target
    # (work ending exactly at a close is due at that close).
    out: Int64s = span.due_shift[span.by_total.left(target)]
    out += target
    return out


def _backward(span: _Span, target: Int64s) -> Int64s:
    # Latest instant: the last interval whose running total at its opening is at most
    # the target (an instant at an opening, not at the close before it).
    out: Int64s = span.latest_shift[span.by_total_start.right(target)]
    out += target
    return out


def elapsed_us_many(timeline: Timeline, a: Int64s, b: Int64s) -> Int64s:
    """``elapsed_us`` of each (start, end) pair of int64 arrays of one shape."""
    if a.size <= _SMALL:
        if not a.size:
            return a.copy()
        return _small(timeline.elapsed_us, a, b)
    np = _numpy()
    span = _guess(timeline, a.item(0)) if a.size <= _CHUNK // 2 else None
    if span is not None:
        try:  # on a kept span, when every instant lies inside it
            worked = span.work_at(np.concatenate((b, a)), strict=True)
        except IndexError:
            pass
        else:
            found = worked[: a.size]
            found -= worked[a.size :]
            return found
    (lo_a, hi_a), (lo_b, hi_b) = _bounds(a), _bounds(b)
    lo, hi = min(lo_a, lo_b), max(hi_a, hi_b)
    if lo == _NAT:
        raise _NotATime("NaT (not a time) among the inputs")
    first, last = _year_of(timeline, lo), _year_of(timeline, hi)
    if last - first >= _SPAN_YEARS:
        return _scalar(timeline.elapsed_us, a, b)
    span = _span(timeline, first, last)
    _remember(timeline, span)
    if a.size <= _CHUNK // 2:
        # Both ends in one pass: half the numpy calls, which is what short arrays cost.
        worked = span.work_at(np.concatenate((b, a)))
        ends = worked[: a.size]
        ends -= worked[a.size :]
        return ends
    out: Int64s = np.empty_like(a)
    for start in range(0, a.size, _CHUNK):
        part = slice(start, start + _CHUNK)
        out[part] = span.work_at(b[part])
        out[part] -= span.work_at(a[part])
    return out


# -- inputs -------------------------------------------------------------------------------


def _has_numpy() -> bool:
    try:
        import numpy  # noqa: F401  (imported only to learn whether numpy is installed)
    except ImportError:  # plain sequences still work, element by element
        return False
    return True


def _is_array(value: object) -> bool:
    # Only look for numpy when the caller could have passed an array: never import it here.
    return type(value).__module__ == "numpy" and type(value).__name__ == "ndarray"


def _instants_array(value: Any, name: str) -> Int64s:
    np = _numpy()

    arr = value if type(value) is np.ndarray else np.asarray(value)
    if arr.dtype == _DTYPES["M"]:
        # NaT is the int64 minimum: the kernels find it with the minimum they take
        # anyway and the caller names it (_refuse_nat).
        exact: Int64s = arr.view(_DTYPES["i"])
        return exact
    if arr.dtype.kind != "M":
        raise SlaclockTypeError(
            f"{name} must be a numpy datetime64[us] array of UTC instants, got dtype "
            f"{arr.dtype}; pass e.g. np.array(['2026-11-27T14:30'], dtype='datetime64[us]'), "
            "or a list of aware datetimes"
        )
    return _exact_us(arr, name, "datetime64")


def _durations_array(value: Any, name: str) -> Int64s:
    np = _numpy()

    if isinstance(value, timedelta):
        us = td_to_us(value, name=name)
        # Clamped into int64: any duration this long is refused by the scalar way anyway.
        one: Int64s = np.array(max(-_LONGEST_US - 1, min(us, _LONGEST_US + 1)), dtype=np.int64)
        return one
    arr = value if type(value) is np.ndarray else np.asarray(value)
    if arr.dtype == _DTYPES["m"]:
        exact: Int64s = arr.view(_DTYPES["i"])
        return exact
    if arr.dtype.kind != "m":
        raise SlaclockTypeError(
            f"{name} must be a numpy timedelta64[us] array (or one timedelta), got dtype "
            f"{arr.dtype}; pass e.g. np.array([2 * 3600 * 10**6], dtype='timedelta64[us]')"
        )
    return _exact_us(arr, name, "timedelta64")


def _numpy() -> Any:
    """numpy, imported on the first batch call (an import statement in every function
    costs a look-up of the module's import state, some 1,000 instructions each)."""
    found = _MODULES.get("numpy")
    if found is None:
        import numpy

        # Made once: building a dtype from its name costs more than a short call's checks.
        _DTYPES["M"] = numpy.dtype("datetime64[us]")
        _DTYPES["m"] = numpy.dtype("timedelta64[us]")
        _DTYPES["i"] = numpy.dtype("int64")
        found = _MODULES["numpy"] = numpy
    return found


_MODULES: dict[str, Any] = {}
# The dtypes of UTC instants, durations and their integers, by kind ("M", "m", "i"),
# filled when numpy is first imported (every array call imports it first).


_DTYPES: dict[str, Any] = {}


def _refuse_nat(value: Any, name: str, kind: str) -> None:
    """Raise, naming the first NaT element of ``value``, if it has one."""
    np = _numpy()

    arr = np.asarray(value)
    if arr.dtype.kind not in "mM":
        return
    nat = np.isnat(arr)
    if nat.any():
        index = int(np.flatnonzero(nat)[0])
        raise SlaclockValueError(
            f"{name}[{index}] is NaT (not a time); every element must be a {kind} value: "
            "drop or fill missing values before the batch call"
        )


def _exact_us(arr: Any, name: str, kind: str) -> Int64s:
    np = _numpy()

    if arr.dtype == np.dtype(f"{kind}[us]"):
        # NaT is the int64 minimum: the kernels find it with the minimum they take
        # anyway and the caller names it (_refuse_nat).
        exact: Int64s = arr.view(np.int64)
        return exact
    _refuse_nat(arr, name, kind)
    us = arr.astype(f"{kind}[us]")
    if (us != arr).any():  # a finer unit (ns) would be rounded: refuse rather than guess
        index = int(np.flatnonzero(us != arr)[0])
        raise SlaclockValueError(
            f"{name}[{index}] = {arr.flat[index]!r} is not a whole number of microseconds; "
            f"slaclock works in microseconds: pass {kind}[us]"
        )
    result: Int64s = us.view(np.int64)
    return result


def _broadcast(
    a: Int64s, b: Int64s, a_name: str, b_name: str, *, one: bool = False
) -> tuple[Int64s, Int64s, tuple[int, ...]]:
    """Both as flat arrays of one length, and the shape to give the answer.

    With ``one``, a 0-d ``b`` (one duration for all) is kept as it is: the
    kernels broadcast it themselves.
    """
    if a.ndim == 1 and (a.shape == b.shape or (one and b.ndim == 0)):
        return a, b, a.shape
    np = _numpy()
    try:
        x, y = np.broadcast_arrays(a, b)
    except ValueError:
        raise SlaclockValueError(
            f"{a_name} (shape {a.shape}) and {b_name} (shape {b.shape}) do not match; "
            "pass arrays of the same length, or one duration for all"
        ) from None
    return np.ravel(x), np.ravel(y), x.shape


def _instants_list(value: Any, name: str) -> list[int]:
    if isinstance(value, datetime | str | bytes) or not isinstance(value, Iterable):
        raise SlaclockTypeError(
            f"{name} must be a sequence of aware datetimes or a numpy datetime64[us] array, "
            f"got {value!r}"
        )
    return [to_us(x, name=f"{name}[{i}]") for i, x in enumerate(value)]


def _durations_list(value: Any, name: str, n: int) -> list[int]:
    if isinstance(value, timedelta):
        return [td_to_us(value, name=name)] * n
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise SlaclockTypeError(
            f"{name} must be a sequence of timedeltas (or one timedelta), got {value!r}"
        )
    out = [td_to_us(x, name=f"{name}[{i}]") for i, x in enumerate(value)]
    if len(out) != n:
        raise SlaclockValueError(
            f"starts and {name} must have the same length, got {n} and {len(out)}"
        )
    return out
