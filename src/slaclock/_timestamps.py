"""The one reader of ISO 8601 timestamps: event times in files and instants on the command line.

An instant is a date, a ``T`` or a space, a time of day and a UTC offset (or
``Z``): ``2026-11-27T17:30:00+03:00``.  A date alone or a time without an offset
is refused, never guessed; so are more than six fraction digits (Python would cut
them off), ISO week dates (``2026-W48-5``) and digits other than ASCII.  The RFC 9557 suffix naming the zone is accepted,
``2024-11-03T01:30:00-05:00[America/New_York]``: the offset must be the zone's at
that instant, and the result carries the ``ZoneInfo``.  With ``Z`` and a zone the
instant is UTC and is shown in the zone.

The JSON Lines fast path in :mod:`slaclock.analysis` keeps its own copy of the
date, separator and offset checks for speed and hands anything unusual back to
this reader, so the two must accept the same plain timestamps.

A plain offset is read as one shared ``datetime.timezone`` object per offset
(:func:`shared_zone`): every ``+03:00`` instant read carries the same object,
equal to the one ``datetime.fromisoformat`` makes and shown the same way.
Python subtracts two datetimes with the same ``tzinfo`` object by their wall
times, without asking the zone for its offset (exact for a fixed offset), so the
conversion of a read instant to microseconds (``_calendar.instants.to_us``,
against the epoch in the same object) skips both look-ups of its offset.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from slaclock.errors import NaiveDatetimeError, SlaclockValueError, quote

__all__ = [
    "EPOCH",
    "EPOCHS",
    "FORM",
    "parse_instant",
    "read_instant",
    "shared_zone",
    "zone_refusal",
]

FORM = (
    "an ISO 8601 instant with a UTC offset such as '2026-11-27T17:30:00+03:00' or '...Z', "
    "optionally followed by its zone, '[Europe/Moscow]'"
)
# Longer text is no timestamp; refusing it first keeps the message short.
_MAX_TEXT = 100
_SUFFIX = re.compile(r"\[(!?)([^\[\]=]+)\]")
_LONG_FRACTION = re.compile(r"[.,][0-9]{7}")
_WEEK_DATE = re.compile(r"[0-9]{4}-?W", re.IGNORECASE)

ErrorFactory = Callable[[str], Exception]

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# One unnamed timezone per UTC offset met (offsets are whole minutes or seconds
# within a day: a data set meets a handful); past the limit, offsets are read as
# fromisoformat makes them.  ``EPOCHS`` holds the epoch in each of them: a datetime
# with the same tzinfo object subtracts from it by wall time, without asking either
# side for its offset (exact, the offset being fixed); an equal but distinct
# timezone finds the entry too and subtracts by real time, as across zones.
_SHARED: dict[timedelta, timezone] = {timedelta(0): UTC}
EPOCHS: dict[tzinfo, datetime] = {UTC: EPOCH}
_SHARED_LIMIT = 1_000


def shared_zone(offset: timedelta) -> timezone | None:
    """The one unnamed ``datetime.timezone`` of ``offset`` that readers share.

    ``None`` when ``offset`` is not a valid UTC offset or the table is full.
    """
    found = _SHARED.get(offset)
    if found is None and len(_SHARED) < _SHARED_LIMIT:
        try:
            found = timezone(offset)
        except (TypeError, ValueError):
            return None
        found = _SHARED.setdefault(offset, found)  # another thread may have made it
        EPOCHS.setdefault(found, EPOCH.astimezone(found))
    return found


# Names the tz database answers to that are no place: each means a different zone, or
# a different clock, from one machine to the next.  Refused so that one spec or record
# means one zone everywhere (lower case: some file systems ignore case).
_MACHINE_ZONES = {
    "localtime": "it is a link to the zone this machine is set to",
    "posixrules": "it holds the machine's default rules for POSIX TZ strings, not a place's",
    "factory": "it is the tz database's placeholder for a machine whose zone is not set",
}


def zone_refusal(name: str) -> str | None:
    """Why the zone ``name`` is refused (it would differ between machines), or ``None``."""
    folded = name.strip().lower()
    why = _MACHINE_ZONES.get(folded)
    if why is None and folded.startswith("right/"):
        why = (
            "the 'right/' zones count leap seconds, which Python's datetime does not, and "
            "exist only on some machines"
        )
    if why is None:
        return None
    return (
        f"time zone {name!r} is refused: {why}, so the same name would not mean the same "
        f"zone on every machine; give an IANA name such as 'Europe/Moscow' or 'UTC'"
    )


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= _MAX_TEXT else text[: _MAX_TEXT - 4] + "...'"


def parse_instant(
    value: object,
    *,
    what: str = "instant",
    error: ErrorFactory = SlaclockValueError,
    naive_error: ErrorFactory | None = None,
) -> datetime:
    """An aware ``datetime`` from ISO 8601 text (an aware ``datetime`` passes through).

    ``what`` names the value in messages (``"event time"``, ``"--at"``); ``error``
    builds the exception for a refusal, ``naive_error`` (default ``error``) the
    one for a timestamp without an offset.

    >>> parse_instant("2026-11-27T17:30:00+03:00").isoformat()
    '2026-11-27T17:30:00+03:00'
    >>> parse_instant("2024-11-03T01:30:00-05:00[America/New_York]").tzinfo
    zoneinfo.ZoneInfo(key='America/New_York')
    >>> parse_instant("2026-11-27")
    Traceback (most recent call last):
    ...
    slaclock.errors.SlaclockValueError: cannot read instant '2026-11-27': it has no time of day; expected an ISO 8601 instant with a UTC offset such as '2026-11-27T17:30:00+03:00' or '...Z', optionally followed by its zone, '[Europe/Moscow]'
    """
    naive = naive_error or error
    if isinstance(value, datetime):
        if value.utcoffset() is None:
            raise naive(
                f"{what} {quote(value.isoformat())} has no UTC offset, and slaclock never guesses "
                f"one; expected {FORM}"
            )
        return value
    if not isinstance(value, str):
        raise error(f"{what} {_short(value)} is not text; expected {FORM}")
    text = value.strip()
    if len(text) > _MAX_TEXT:
        raise error(f"{what} {_short(value)} is too long ({len(text)} characters); expected {FORM}")
    zone: ZoneInfo | None = None
    bracket = text.find("[")
    if bracket >= 0:
        zone = _suffix_zone(text[bracket:], value, what=what, error=error)
        text = text[:bracket]
    # int() and some parsers read digits of any script; a timestamp is ASCII.
    if not text.isascii():
        raise error(
            f"cannot read {what} {value!r}: it has characters other than ASCII (digits of "
            f"another script?); expected {FORM}"
        )
    # Python 3.11 keeps six fraction digits and drops the rest without a word: refuse
    # rather than move the instant.
    if _LONG_FRACTION.search(text):
        raise error(
            f"cannot read {what} {value!r}: slaclock counts whole microseconds, and more than "
            f"six fraction digits would be cut off; round to microseconds first"
        )
    # An ISO week date (2026-W48-5) reads as a date, but its week-numbering year is not
    # the calendar year near New Year; one date form, YYYY-MM-DD, is easier to check.
    if _WEEK_DATE.match(text):
        raise error(
            f"cannot read {what} {value!r}: ISO week dates are refused; give the calendar "
            f"date, YYYY-MM-DD"
        )
    # Python reads any character between date and time, and a date alone as a naive
    # midnight: refuse both as text without a time rather than as a missing zone.
    if "T" not in text.upper() and " " not in text:
        raise error(f"cannot read {what} {quote(value)}: it has no time of day; expected {FORM}")
    try:
        result = datetime.fromisoformat(text)
    except ValueError:
        raise error(f"cannot read {what} {quote(value)}; expected {FORM}") from None
    offset = result.utcoffset()
    if offset is None:
        raise naive(
            f"{what} {quote(value)} has no UTC offset, and slaclock never guesses one; expected {FORM}"
        )
    if zone is None:
        if type(result.tzinfo) is timezone and result.tzinfo is not UTC:
            shared = shared_zone(offset)
            if shared is not None:
                return result.replace(tzinfo=shared)
        return result
    try:
        local = result.astimezone(zone)
    except OverflowError:
        raise error(f"{what} {quote(value)} lies outside the years 1 to 9999") from None
    if text.upper().endswith("Z"):
        return local  # RFC 9557: a UTC instant, to be shown in the zone
    if local.utcoffset() != offset:
        raise error(
            f"{what} {quote(value)}: the offset {_offset(result)} is not the offset of "
            f"{zone.key} at that instant ({_offset(local)}); give the zone's offset "
            f"or leave out the zone"
        )
    return local


def _suffix_zone(suffix: str, value: str, *, what: str, error: ErrorFactory) -> ZoneInfo:
    match = _SUFFIX.fullmatch(suffix)
    if match is None:
        raise error(
            f"cannot read the zone suffix {quote(suffix)} of {what} {quote(value)}; expected one IANA "
            f"zone name in brackets, such as '[Europe/Moscow]'"
        )
    name = match.group(2)
    refused = zone_refusal(name)
    if refused is not None:
        raise error(f"{what} {value!r}: {refused}")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise error(
            f"{what} {quote(value)} names an unknown time zone {quote(name)}; expected an IANA name "
            f"such as 'Europe/Moscow'"
        ) from None


def _offset(moment: datetime) -> str:
    text = moment.strftime("%z")
    return f"{text[:3]}:{text[3:5]}" + (f":{text[5:]}" if len(text) > 5 else "")


def read_instant(text: object, *, name: str = "instant") -> datetime:
    """An aware ``datetime`` from ISO 8601 text, as event times in records are read.

    Use it to read instants from your own data by slaclock's rule: a date, ``T``
    or a space, a time and a UTC offset or ``Z``, optionally followed by its zone
    (``[Europe/Moscow]``).  A refusal is a ``SlaclockValueError`` naming ``name``;
    a timestamp without an offset a ``NaiveDatetimeError`` (never guessed).

    >>> read_instant("2026-11-27T14:30:00Z").isoformat()
    '2026-11-27T14:30:00+00:00'
    """
    return parse_instant(text, what=name, error=SlaclockValueError, naive_error=NaiveDatetimeError)
