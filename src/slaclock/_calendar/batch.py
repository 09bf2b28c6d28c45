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

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from slaclock._calendar.instants import from_us, td_to_us, to_us
from slaclock._calendar.timeline import Timeline
from slaclock.errors import SlaclockTypeError, SlaclockValueError

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    Int64s = npt.NDArray[np.int64]

__all__ = ["deadline_many", "elapsed_many"]


def deadline_many(timeline: Timeline, zone: ZoneInfo, starts: Any, durations: Any) -> Any:
    """``deadline`` of each (start, duration) pair; see :meth:`Calendar.deadline_many`."""
    if _is_array(starts):
        a = _instants_array(starts, "starts")
        d = _durations_array(durations, "durations")
        a, d, shape = _broadcast(a, d, "starts", "durations")
        return _deadline_us(timeline, a, d).reshape(shape).view("datetime64[us]")
    a_list = _instants_list(starts, "starts")
    d_list = _durations_list(durations, "durations", len(a_list))
    if not a_list:
        return []
    if not _has_numpy():
        out = [timeline.deadline_us(a, d) for a, d in zip(a_list, d_list, strict=True)]
    else:
        import numpy as np

        out = _deadline_us(
            timeline, np.array(a_list, dtype=np.int64), np.array(d_list, dtype=np.int64)
        ).tolist()
    return [from_us(us, zone) for us in out]


def elapsed_many(timeline: Timeline, starts: Any, ends: Any) -> Any:
    """``elapsed`` of each (start, end) pair; see :meth:`Calendar.elapsed_many`."""
    if _is_array(starts) or _is_array(ends):
        a = _instants_array(starts, "starts")
        b = _instants_array(ends, "ends")
        a, b, shape = _broadcast(a, b, "starts", "ends")
        return _elapsed_us(timeline, a, b).reshape(shape).view("timedelta64[us]")
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

        out = _elapsed_us(
            timeline, np.array(a_list, dtype=np.int64), np.array(b_list, dtype=np.int64)
        ).tolist()
    return [timedelta(microseconds=us) for us in out]


# -- the vectorised core ------------------------------------------------------------------


class _Span:
    """Blocks ``first..last`` laid end to end: opens, closes, running totals from ``first``."""

    __slots__ = ("closes", "cum", "cum_after", "first", "last", "opens", "total")

    def __init__(self, timeline: Timeline, first: int, last: int) -> None:
        import numpy as np

        blocks = [timeline.block(year) for year in range(first, last + 1)]
        offsets = [0]
        for block in blocks:
            offsets.append(offsets[-1] + block.total)
        self.first, self.last, self.total = first, last, offsets[-1]

        def lay(name: str, shift: bool) -> Int64s:
            parts = [
                np.asarray(getattr(block, name), dtype=np.int64) + (offset if shift else 0)
                for block, offset in zip(blocks, offsets, strict=False)
            ]
            return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)

        self.opens = lay("opens", False)
        self.closes = lay("closes", False)
        self.cum = lay("cum", True)
        self.cum_after = lay("cum_after", True)

    def work_at(self, us: Int64s) -> Int64s:
        """Working time from the start of block ``first`` to each instant (all inside the span)."""
        import numpy as np

        i = np.searchsorted(self.opens, us, side="right") - 1
        if not len(self.opens):
            return np.zeros_like(us)
        j = np.maximum(i, 0)
        worked = self.cum[j] + np.minimum(us, self.closes[j]) - self.opens[j]
        return np.where(i >= 0, worked, 0)


def _year_of(timeline: Timeline, us: int) -> int:
    return timeline.block_of(us).year


def _deadline_us(timeline: Timeline, a: Int64s, d: Int64s) -> Int64s:
    import numpy as np

    if not a.size:
        return a.copy()
    first, last = _year_of(timeline, int(a.min())), _year_of(timeline, int(a.max()))
    span = _Span(timeline, first, last)
    target = span.work_at(a) + d
    forward, backward = d > 0, d < 0
    # The answer furthest out decides how many blocks to lay: compute it the scalar way
    # (which also raises NoWorkingTimeError when it does not exist) and widen the span.
    if forward.any():
        i = int(np.argmax(np.where(forward, target, np.iinfo(np.int64).min)))
        if target[i] > span.total:
            last = _year_of(timeline, timeline.deadline_us(int(a[i]), int(d[i])))
    if backward.any():
        i = int(np.argmin(np.where(backward, target, np.iinfo(np.int64).max)))
        if target[i] < 0:
            first = _year_of(timeline, timeline.deadline_us(int(a[i]), int(d[i])))
    if (first, last) != (span.first, span.last):
        span = _Span(timeline, first, last)
        target = span.work_at(a) + d
    out = a.copy()
    if forward.any():
        # Earliest instant: the first interval whose running total reaches the target
        # (work ending exactly at a close is due at that close).
        k = np.searchsorted(span.cum_after, target[forward], side="left")
        out[forward] = span.opens[k] + target[forward] - span.cum[k]
    if backward.any():
        # Latest instant: the last interval that opens at or before the target.
        k = np.searchsorted(span.cum, target[backward], side="right") - 1
        out[backward] = span.opens[k] + target[backward] - span.cum[k]
    return out


def _elapsed_us(timeline: Timeline, a: Int64s, b: Int64s) -> Int64s:
    import numpy as np

    if not a.size:
        return a.copy()
    lo, hi = min(int(a.min()), int(b.min())), max(int(a.max()), int(b.max()))
    span = _Span(timeline, _year_of(timeline, lo), _year_of(timeline, hi))
    both = span.work_at(np.concatenate([a, b]))
    result: Int64s = both[a.size :] - both[: a.size]
    return result


# -- inputs -------------------------------------------------------------------------------


def _has_numpy() -> bool:
    try:
        import numpy  # noqa: F401
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
        return np.array(td_to_us(value, name=name), dtype=np.int64)
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
