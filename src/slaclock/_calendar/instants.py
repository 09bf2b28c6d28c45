"""Instants as integer microseconds since the Unix epoch (UTC).

Every calendar query converts its aware ``datetime`` arguments to integers once,
works in integer arithmetic (no floats, so answers are exact to the
microsecond), and converts the answer back into the calendar's zone.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone, tzinfo

from slaclock._timestamps import EPOCH, EPOCHS
from slaclock.errors import NaiveDatetimeError, SlaclockTypeError, SlaclockValueError

__all__ = ["EPOCH", "MAX_US", "MIN_US", "from_us", "td_from_us", "td_to_us", "to_us"]

_ONE_US = timedelta(microseconds=1)
# The representable range, kept a day inside datetime's limits so that conversion
# into any zone (offsets under 24 h) cannot overflow.
MIN_US = (datetime(1, 1, 2, tzinfo=UTC) - EPOCH) // _ONE_US
MAX_US = (datetime(9999, 12, 30, tzinfo=UTC) - EPOCH) // _ONE_US


def to_us(value: object, *, name: str = "start") -> int:
    """Microseconds since the epoch of an aware datetime; naive or non-datetimes are refused."""
    # Against the epoch in the value's own zone object when that is a shared fixed
    # offset (every offset the timestamp reader reads): Python then subtracts wall
    # times, exact for a fixed offset, without asking either side for its offset.
    try:
        zone = value.tzinfo  # type: ignore[attr-defined]
    except AttributeError:  # not a datetime: refused below
        zone = None
    epoch = EPOCHS.get(zone, EPOCH) if zone.__class__ is timezone else EPOCH
    try:
        delta = value - epoch  # type: ignore[operator]
    except (TypeError, AttributeError):
        pass
    else:
        if type(delta) is timedelta:
            return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
        if isinstance(delta, timedelta):  # pandas' Timedelta, from its Timestamp
            if getattr(delta, "nanoseconds", 0):
                raise SlaclockValueError(
                    f"{name} {value!r} has nanoseconds, which slaclock does not cut off; "
                    "round it to whole microseconds first (e.g. Timestamp.floor('us'))"
                )
            return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
        # pandas' NaT subtracts to NaT, whose fields are NaN: not a time.
        raise SlaclockValueError(f"{name} {value!r} is not a time (a missing value?)")
    if not isinstance(value, datetime):
        raise SlaclockTypeError(
            f"{name} must be a timezone-aware datetime, got {value!r} of type {type(value).__name__}"
        )
    raise NaiveDatetimeError(
        f"{name} {value.isoformat()!r} is naive; slaclock never guesses a time zone: "
        "pass an aware datetime, e.g. datetime(2026, 11, 27, 17, 30, tzinfo=ZoneInfo('Europe/Moscow'))"
    )


def from_us(us: int, zone: tzinfo) -> datetime:
    """The aware datetime in ``zone`` of an instant in epoch microseconds."""
    seconds, micros = divmod(us, 1_000_000)
    if not micros and MIN_US <= us <= MAX_US:
        return datetime.fromtimestamp(seconds, zone)  # exact: an int, no float rounding
    if not MIN_US <= us <= MAX_US:
        raise SlaclockValueError(
            f"the result {us} µs since 1970-01-01 UTC lies outside the datetime range "
            "(years 1 to 9999)"
        )
    return (EPOCH + timedelta(microseconds=us)).astimezone(zone)


def td_to_us(value: object, *, name: str = "duration") -> int:
    """Whole microseconds of a ``timedelta``; anything else is refused."""
    if not isinstance(value, timedelta):
        raise SlaclockTypeError(
            f"{name} must be a datetime.timedelta, got {value!r} of type {type(value).__name__}; "
            "for example timedelta(hours=2)"
        )
    if type(value) is not timedelta and getattr(value, "nanoseconds", None):
        # pandas.Timedelta keeps nanoseconds that timedelta arithmetic drops: refuse
        # rather than count a different duration.
        raise SlaclockValueError(
            f"{name} {value!r} is not a whole number of microseconds; slaclock works in "
            "microseconds: round it first, e.g. value.round('us')"
        )
    return (value.days * 86_400 + value.seconds) * 1_000_000 + value.microseconds


def td_from_us(us: int) -> timedelta:
    """A ``timedelta`` of ``us`` microseconds."""
    return timedelta(microseconds=us)
