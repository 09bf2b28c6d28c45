"""The rules of one SLA clock: time counted, due instant, breached, at risk.

A clock (a reaction cycle, the resolution clock) runs from ``start`` to ``end``
(its answer, or the horizon while it runs), counts the working time outside its
stops, and falls due when the counted time reaches its ``target``.  Instants are
integer microseconds since the epoch, durations integer microseconds.

The verdict rules (:func:`breached`, :func:`overdue`, :func:`at_risk`,
:func:`risk_threshold`) are written with arithmetic and comparison operators
only, so that the same functions answer for Python integers (``evaluate``,
``schedule``, the row engine of ``slaclock.analysis``) and for numpy arrays
(its numpy engine), element by element.  The working time itself comes from the
calendar's timeline: :func:`measure` and :func:`due` walk a clock's stops with
its ``elapsed_us`` and ``deadline_us``.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from operator import itemgetter
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from slaclock._calendar.timeline import Timeline

__all__ = [
    "at_risk",
    "breached",
    "clip",
    "due",
    "level_threshold",
    "measure",
    "overdue",
    "reached",
    "risk_threshold",
    "run",
]

Span = tuple[int, int]
_START, _END = itemgetter(0), itemgetter(1)
_N = TypeVar("_N")  # an int, or a numpy array of them


def breached(used: Any, target: Any, end: Any, due: Any) -> Any:
    """Whether a clock that counted ``used`` by ``end`` is past its due instant there.

    Counted time grows by at most 1 µs per µs, so more than ``target`` at ``end``
    means the target was reached before ``end`` (late), less means after (not yet
    late); at exactly ``target`` the clock may have stopped counting (after hours,
    paused) before ``end``, and only the due instant tells: late when ``end > due``.
    So ``due`` matters only where ``used == target``; elsewhere any value will do,
    and callers on integers find it only when they need it.  An answer exactly at
    the due instant is on time.

    >>> breached(7_200, 7_200, 10, 10), breached(7_201, 7_200, 10, 0)
    (False, True)
    """
    return (used > target) | ((used == target) & (end > due))


def overdue(used: _N, target: _N) -> _N:
    """Working time past the target: ``used - target``, or 0 when not past it."""
    return (used - target) * (used > target)  # type: ignore[operator, no-any-return]


def at_risk(used: Any, target: Any, share: tuple[int, int]) -> Any:
    """Whether ``used`` is at or past the at-risk ``share`` (numerator, denominator) of ``target``.

    Exact: no division.  (Callers on int64 arrays keep the products within range.)
    """
    numerator, denominator = share
    return used * denominator >= target * numerator


def risk_threshold(target: _N, share: tuple[int, int]) -> _N:
    """The first whole microsecond of counted time at which a clock is at risk."""
    numerator, denominator = share
    return -(-target * numerator // denominator)  # type: ignore[operator, no-any-return]


def level_threshold(target: _N, level: tuple[int, int, int]) -> _N:
    """The counted time at which a clock reaches an escalation ``level``.

    A level is (numerator, denominator, offset): a share of the target, rounded
    up to a whole microsecond, plus an offset in working time (``"50%"`` is
    ``(1, 2, 0)``, ``"-PT30M"`` is ``(1, 1, -1_800_000_000)``); never below zero,
    so a level before the start is reached at the start.  A clock has reached the
    level once its counted time is at or past this (:func:`reached`).

    >>> level_threshold(7_200, (1, 2, 0)), level_threshold(7_200, (1, 1, -9_000))
    (3600, 0)
    """
    numerator, denominator, offset = level
    value = -(-target * numerator // denominator) + offset  # type: ignore[operator]
    return value * (value > 0)  # type: ignore[no-any-return]


def reached(used: Any, threshold: Any) -> Any:
    """Whether a clock that counted ``used`` has reached a level (or share) at ``threshold``.

    At the threshold itself the level is reached: a notification fires at the
    instant the share is used, as the at-risk flag does (while a breach needs
    more than the target).
    """
    return used >= threshold


def clip(spans: Any, lo: int, hi: int) -> list[Span]:
    """Spans cut to ``[lo, hi]``; empty ones dropped.

    ``spans`` are in order and do not overlap (a log's pending spans, its resolved
    spans), so of many only those that end after ``lo`` and start before ``hi`` are
    looked at: a log of thousands of cycles and pauses costs each cycle its own
    pauses, not all of them.
    """
    if len(spans) > 8:
        spans = spans[bisect_right(spans, lo, key=_END) : bisect_left(spans, hi, key=_START)]
    out = []
    for s, e in spans:
        start = s if s > lo else lo
        end = e if e < hi else hi
        if start < end:
            out.append((start, end))
    return out


def measure(tl: Timeline, start: int, end: int, stops: list[Span]) -> tuple[int, int]:
    """Working time a clock counted in ``[start, end]`` outside ``stops``, and the time paused.

    One ``elapsed_us`` when there are no stops.
    """
    if not stops:
        return (tl.elapsed_us(start, end) if end > start else 0), 0
    used = paused = 0
    cursor = start
    for s, e in stops:
        if s > cursor:
            used += tl.elapsed_us(cursor, s)
        paused += tl.elapsed_us(max(s, cursor), e)
        cursor = max(cursor, e)
    if end > cursor:
        used += tl.elapsed_us(cursor, end)
    return used, paused


def run(tl: Timeline, start: int, target: int, stops: list[Span], end: int) -> tuple[int, int, int]:
    """Run a clock from ``start`` to ``end`` outside ``stops``: its due instant, counted and paused time.

    ``due`` is the earliest instant at which ``target`` working time has been
    counted; when that lies past ``end`` it is projected from ``end`` as if the
    clock ran on (resumed at ``end`` if it was stopped then).
    """
    used = paused = 0
    cursor = start
    found: int | None = start if target <= 0 else None
    for s, e in stops:
        if s > cursor:
            part = tl.elapsed_us(cursor, s)
            if found is None and used + part >= target:
                found = tl.deadline_us(cursor, target - used)
            used += part
        paused += tl.elapsed_us(max(s, cursor), e)
        cursor = max(cursor, e)
    part = tl.elapsed_us(cursor, end) if end > cursor else 0
    if found is None and used + part >= target:
        found = tl.deadline_us(cursor, target - used)
    used += part
    if found is None:
        found = tl.deadline_us(end, target - used)
    return found, used, paused


def due(tl: Timeline, start: int, target: int, stops: list[Span], end: int, used: int) -> int:
    """:func:`run`'s due instant, knowing ``used`` (what :func:`measure` counted up to ``end``)."""
    if used < target:  # not reached by ``end``: projected from there
        return tl.deadline_us(end, target - used)
    if not stops:
        return tl.deadline_us(start, target) if target > 0 else start
    return run(tl, start, target, stops, end)[0]
