"""Durations as text: ISO 8601 (``PT2H``, ``PT1H30M``) and friendly forms (``2h``, ``1h30m``).

Shared by calendars (pre-holiday shortening), tiers (targets, budgets) and
incidents (work logged).  Calendar units (years, months, weeks, days) are
refused: on a working calendar "one day" can mean 24 hours or one working day,
and slaclock does not guess which.
"""

from __future__ import annotations

import re
from datetime import timedelta

from slaclock.errors import SlaclockTypeError, SpecError, quote

__all__ = ["MAX_DURATION", "check_duration", "format_duration", "parse_duration"]

# The longest duration slaclock takes: targets, budgets and work logged beyond a
# century mean nothing on a working calendar, and refusing them where they are
# given keeps every later sum inside the calendar's range and numpy's int64.
MAX_DURATION = timedelta(days=36_525)  # 100 years of 365.25 days

_ISO = re.compile(
    r"(?P<sign>[-+])?P(?:T(?=\d)(?:(?P<h>\d+)H)?(?:(?P<m>\d+)M)?(?:(?P<s>\d+(?:[.,]\d{1,6})?)S)?)",
    re.IGNORECASE,
)
_FRIENDLY = re.compile(
    r"(?P<sign>[-+])?\s*(?=\d)(?:(?P<h>\d+)\s*h(?:ours?|rs?)?)?\s*(?:(?P<m>\d+)\s*m(?:in(?:utes?)?)?)?"
    r"\s*(?:(?P<s>\d+(?:\.\d{1,6})?)\s*s(?:ec(?:onds?)?)?)?",
    re.IGNORECASE,
)
_ACCEPTED = "an ISO 8601 duration such as 'PT2H' or 'PT1H30M', or '2h', '1h30m', '45m'"
_ONE_US = timedelta(microseconds=1)
# Longer text is no duration anyone means; refusing it first keeps int() and the
# regular expressions away from megabytes of digits.
_MAX_TEXT = 64


def _quote(value: str) -> str:
    return repr(value) if len(value) <= _MAX_TEXT else repr(value[:_MAX_TEXT] + "...")


def parse_duration(value: object, *, path: str = "") -> timedelta:
    """A ``timedelta`` from a ``timedelta`` or duration text; anything else is refused.

    >>> parse_duration("PT1H30M")
    datetime.timedelta(seconds=5400)
    >>> parse_duration("2h")
    datetime.timedelta(seconds=7200)
    """
    if isinstance(value, timedelta):
        if getattr(value, "nanoseconds", 0):  # a pandas.Timedelta would be cut to microseconds
            raise SpecError(
                f"duration {quote(value)} is not a whole number of microseconds; round it first",
                path=path,
            )
        return check_duration(value, path=path)
    if not isinstance(value, str):
        raise SpecError(
            f"expected a duration ({_ACCEPTED}), got {quote(value)} of type {type(value).__name__}",
            path=path,
        )
    text = value.strip()
    if not text.isascii():  # \d and int() would read other scripts' digits: "PT٢H"
        raise SpecError(
            f"cannot read duration {_quote(text)}: it has characters other than ASCII; "
            f"expected {_ACCEPTED}",
            path=path,
        )
    if len(text) > _MAX_TEXT:
        raise SpecError(
            f"duration {_quote(text)} is too long ({len(text)} characters); expected {_ACCEPTED}",
            path=path,
        )
    for pattern in (_ISO, _FRIENDLY):
        match = pattern.fullmatch(text)
        if match and any(match.group(k) for k in ("h", "m", "s")):
            hours = int(match.group("h") or 0)
            minutes = int(match.group("m") or 0)
            seconds_text = (match.group("s") or "0").replace(",", ".")
            whole, _, frac = seconds_text.partition(".")
            micros = int((frac + "000000")[:6]) if frac else 0
            try:
                result = timedelta(
                    hours=hours, minutes=minutes, seconds=int(whole), microseconds=micros
                )
            except OverflowError:
                raise SpecError(
                    f"duration {quote(value)} is too large; the longest is "
                    f"{format_duration(MAX_DURATION)!r} (100 years)",
                    path=path,
                ) from None
            return check_duration(-result if match.group("sign") == "-" else result, path=path)
    if re.fullmatch(r"[-+]?P.*[YWD].*", text, re.IGNORECASE) or re.search(r"\d\s*[dw]", text, re.I):
        raise SpecError(
            f"duration {quote(value)} uses days, weeks, months or years, which are ambiguous on a "
            f"working calendar; give hours instead ({_ACCEPTED})",
            path=path,
        )
    raise SpecError(f"cannot read duration {quote(value)}; expected {_ACCEPTED}", path=path)


def check_duration(value: timedelta, *, path: str = "") -> timedelta:
    """``value`` itself, or a ``SpecError`` at ``path`` when longer than :data:`MAX_DURATION`."""
    if -MAX_DURATION <= value <= MAX_DURATION:
        return value
    name = f"{path} " if path else "duration "
    raise SpecError(
        f"{name}{format_duration(value)!r} is too large; the longest accepted is "
        f"{format_duration(MAX_DURATION)!r} (100 years)",
        path=path,
    )


def format_duration(value: timedelta) -> str:
    """ISO 8601 text for a ``timedelta`` in hours, minutes and seconds (``PT200H``, ``-PT30M``).

    >>> format_duration(timedelta(hours=1, minutes=30))
    'PT1H30M'
    >>> format_duration(timedelta(0))
    'PT0S'
    """
    if not isinstance(value, timedelta):
        raise SlaclockTypeError(f"expected a timedelta, got {quote(value)}")
    total = value // _ONE_US
    sign = "-" if total < 0 else ""
    total = abs(total)
    seconds, micros = divmod(total, 1_000_000)
    hours, seconds = divmod(seconds, 3600)
    minutes, seconds = divmod(seconds, 60)
    parts = []
    if hours:
        parts.append(f"{hours}H")
    if minutes:
        parts.append(f"{minutes}M")
    if seconds or micros or not parts:
        parts.append(
            f"{seconds}.{micros:06d}".rstrip("0").rstrip(".") + "S" if micros else f"{seconds}S"
        )
    return f"{sign}PT{''.join(parts)}"
