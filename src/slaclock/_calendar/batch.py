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
        a, d, shape = _broadcast(a, d, "starts", "durations")
        return deadline_us_many(timeline, a, d).reshape(shape).view("datetime64[us]")
    a_list = _instants_list(starts, "starts")
    d_list = _durations_list(durations, "durations", len(a_list))
    if not a_list:
        return []
    if not _has_numpy() or any(not -_LONGEST_US <= d <= _LONGEST_US for d in d_list):
        # Element by element: also for durations too long for int64 (the scalar way refuses them).
        out = [timeline.deadline_us(a, d) for a, d in zip(a_list, d_list, strict=True)]
    else:
        import numpy as np

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
        return elapsed_us_many(timeline, a, b).reshape(shape).view("timedelta64[us]")
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
        import numpy as np

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
    """

    __slots__ = (
        "left0",
        "lo",
        "padded",
        "passes_left",
        "passes_right",
        "right0",
        "shift",
        "values",
    )

    def __init__(self, values: Int64s, lo: int, hi: int) -> None:
        import numpy as np

        self.values, self.lo = values, lo
        buckets = 2 * len(values) + 1
        self.shift = max(0, ((hi - lo) // buckets).bit_length())
        edges = lo + (np.arange(((hi - lo) >> self.shift) + 2, dtype=np.int64) << self.shift)
        self.right0 = np.searchsorted(values, edges, side="right")
        self.left0 = np.searchsorted(values, edges, side="left")
        self.passes_right = int(np.diff(self.right0).max(initial=0))
        self.passes_left = int(np.diff(self.left0).max(initial=0))
        # One value past the end that no key reaches, so a step never runs off the array.
        self.padded = np.append(values, np.iinfo(np.int64).max)

    def right(self, keys: Int64s) -> Int64s:
        """How many values are ``<= key``, per key (``searchsorted(side="right")``)."""
        import numpy as np

        if self.passes_right > 4:  # crowded buckets: plain binary search is as good
            found: Int64s = np.searchsorted(self.values, keys, side="right")
            return found
        count: Int64s = self.right0[(keys - self.lo) >> self.shift]
        for _ in range(self.passes_right):
            count += self.padded[count] <= keys
        return count

    def left(self, keys: Int64s) -> Int64s:
        """How many values are ``< key``, per key (``searchsorted(side="left")``)."""
        import numpy as np

        if self.passes_left > 4:
            found: Int64s = np.searchsorted(self.values, keys, side="left")
            return found
        count: Int64s = self.left0[(keys - self.lo) >> self.shift]
        for _ in range(self.passes_left):
            count += self.padded[count] < keys
        return count


class _Span:
    """Blocks ``first..last`` laid end to end: opens, closes, running totals from ``first``.

    Index 0 holds an empty interval at the span's start, so every instant in the
    span has an interval opening at or before it.
    """

    __slots__ = (
        "by_open",
        "by_total",
        "by_total_start",
        "closes",
        "cum",
        "cum_after",
        "first",
        "last",
        "opens",
        "total",
    )

    def __init__(self, timeline: Timeline, first: int, last: int) -> None:
        import numpy as np

        blocks = [timeline.block(year) for year in range(first, last + 1)]
        offsets = [0]
        for block in blocks:
            offsets.append(offsets[-1] + block.total)
        self.first, self.last, self.total = first, last, offsets[-1]
        lo, hi = blocks[0].start, blocks[-1].end

        def lay(name: str, shift: bool, head: int) -> Int64s:
            parts = [np.array([head], dtype=np.int64)]
            parts += [
                np.asarray(getattr(block, name), dtype=np.int64) + (offset if shift else 0)
                for block, offset in zip(blocks, offsets, strict=False)
            ]
            return np.concatenate(parts)

        self.opens = lay("opens", False, lo)
        self.closes = lay("closes", False, lo)
        self.cum = lay("cum", True, 0)
        self.cum_after = lay("cum_after", True, 0)
        self.by_open = _Index(self.opens, lo, hi)
        self.by_total = _Index(self.cum_after, 0, self.total)
        # cum is cum_after shifted by one interval; its own index answers backward queries.
        self.by_total_start = _Index(self.cum, 0, self.total)

    def work_at(self, us: Int64s) -> Int64s:
        """Working time from the start of block ``first`` to each instant (all inside the span)."""
        import numpy as np

        i = self.by_open.right(us) - 1
        worked: Int64s = np.minimum(us, self.closes[i])
        worked -= self.opens[i]
        worked += self.cum[i]
        return worked


# Spans laid out for a timeline, reused while the same years are asked about.  Batch
# calls come from many threads at once: the cache is read and changed under a lock
# (a span is laid out outside it; two threads may lay the same one, both correct).
_spans: WeakKeyDictionary[Timeline, dict[tuple[int, int], _Span]] = WeakKeyDictionary()
_spans_lock = threading.Lock()
_SPANS_KEPT = 8
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
        found = _Span(timeline, first, last)
        with _spans_lock:
            while len(kept) >= _SPANS_KEPT:
                kept.pop(next(iter(kept)))
            kept[(first, last)] = found
    return found


def _year_of(timeline: Timeline, us: int) -> int:
    return timeline.block_of(us).year


# Work through long arrays in chunks: the temporaries stay small enough to be reused
# from the heap and to stay in cache (160 kB temporaries of a 20,000-element array
# would each be mapped and faulted in afresh by the allocator, doubling the cost).
_CHUNK = 8192


def deadline_us_many(timeline: Timeline, a: Int64s, d: Int64s) -> Int64s:
    import numpy as np

    if not a.size:
        return a.copy()
    first, last = _year_of(timeline, int(a.min())), _year_of(timeline, int(a.max()))
    if last - first >= _SPAN_YEARS or bool(((d > _LONGEST_US) | (d < -_LONGEST_US)).any()):
        return _scalar(timeline.deadline_us, a, d)
    if a.size <= _CHUNK:
        return _deadline_chunk(timeline, _span(timeline, first, last), a, d)[0]
    out = np.empty_like(a)
    span = _span(timeline, first, last)
    for lo in range(0, a.size, _CHUNK):
        part = slice(lo, lo + _CHUNK)
        out[part], span = _deadline_chunk(timeline, span, a[part], d[part])
    return out


def _scalar(query: Any, a: Int64s, b: Int64s) -> Int64s:
    """``query`` element by element: for inputs too far apart to lay out as one span."""
    import numpy as np

    return np.array([query(x, y) for x, y in zip(a.tolist(), b.tolist(), strict=True)], np.int64)


def _deadline_chunk(timeline: Timeline, span: _Span, a: Int64s, d: Int64s) -> tuple[Int64s, _Span]:
    """Deadlines of one chunk, and the span (widened when the answers reach beyond it)."""
    import numpy as np

    if not a.size:
        return a.copy(), span
    first, last = span.first, span.last
    target = span.work_at(a)
    target += d
    forward, backward = d > 0, d < 0
    all_forward = bool(forward.all())
    # The answer furthest out decides how many blocks to lay: compute it the scalar way
    # (which also raises NoWorkingTimeError when it does not exist) and widen the span.
    if all_forward or forward.any():
        i = int(np.argmax(target if all_forward else np.where(forward, target, -1)))
        if target[i] > span.total:
            last = _year_of(timeline, timeline.deadline_us(int(a[i]), int(d[i])))
    if not all_forward and backward.any():
        i = int(np.argmin(np.where(backward, target, span.total)))
        if target[i] < 0:
            first = _year_of(timeline, timeline.deadline_us(int(a[i]), int(d[i])))
    if (first, last) != (span.first, span.last):
        first, last = min(first, span.first), max(last, span.last)
        if last - first >= _SPAN_YEARS:
            return _scalar(timeline.deadline_us, a, d), span
        span = _span(timeline, first, last)
        target = span.work_at(a)
        target += d
    if all_forward:
        return _forward(span, target), span
    out = a.copy()
    if forward.any():
        out[forward] = _forward(span, target[forward])
    if backward.any():
        out[backward] = _backward(span, target[backward])
    return out, span


def _forward(span: _Span, target: Int64s) -> Int64s:
    # Earliest instant: the first interval whose running total reaches the target
    # (work ending exactly at a close is due at that close).
    k = span.by_total.left(target)
    out: Int64s = target - span.cum[k]
    out += span.opens[k]
    return out


def _backward(span: _Span, target: Int64s) -> Int64s:
    # Latest instant: the last interval whose running total at its opening is at most
    # the target (an instant at an opening, not at the close before it).
    k = span.by_total_start.right(target) - 1
    out: Int64s = target - span.cum[k]
    out += span.opens[k]
    return out


def elapsed_us_many(timeline: Timeline, a: Int64s, b: Int64s) -> Int64s:
    import numpy as np

    if not a.size:
        return a.copy()
    lo, hi = min(int(a.min()), int(b.min())), max(int(a.max()), int(b.max()))
    first, last = _year_of(timeline, lo), _year_of(timeline, hi)
    if last - first >= _SPAN_YEARS:
        return _scalar(timeline.elapsed_us, a, b)
    span = _span(timeline, first, last)
    out = np.empty_like(a)
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
    import numpy as np

    arr = np.asarray(value)
    if arr.dtype.kind != "M":
        raise SlaclockTypeError(
            f"{name} must be a numpy datetime64[us] array of UTC instants, got dtype "
            f"{arr.dtype}; pass e.g. np.array(['2026-11-27T14:30'], dtype='datetime64[us]'), "
            "or a list of aware datetimes"
        )
    return _exact_us(arr, name, "datetime64")


def _durations_array(value: Any, name: str) -> Int64s:
    import numpy as np

    if isinstance(value, timedelta):
        us = td_to_us(value, name=name)
        # Clamped into int64: any duration this long is refused by the scalar way anyway.
        return np.array(max(-_LONGEST_US - 1, min(us, _LONGEST_US + 1)), dtype=np.int64)
    arr = np.asarray(value)
    if arr.dtype.kind != "m":
        raise SlaclockTypeError(
            f"{name} must be a numpy timedelta64[us] array (or one timedelta), got dtype "
            f"{arr.dtype}; pass e.g. np.array([2 * 3600 * 10**6], dtype='timedelta64[us]')"
        )
    return _exact_us(arr, name, "timedelta64")


def _exact_us(arr: Any, name: str, kind: str) -> Int64s:
    import numpy as np

    nat = np.isnat(arr)
    if nat.any():
        index = int(np.flatnonzero(nat)[0])
        raise SlaclockValueError(
            f"{name}[{index}] is NaT (not a time); every element must be a {kind} value: "
            "drop or fill missing values before the batch call"
        )
    if arr.dtype == np.dtype(f"{kind}[us]"):
        exact: Int64s = arr.view(np.int64)
        return exact
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
    a: Int64s, b: Int64s, a_name: str, b_name: str
) -> tuple[Int64s, Int64s, tuple[int, ...]]:
    """Both as flat arrays of one length, and the shape to give the answer."""
    import numpy as np

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
