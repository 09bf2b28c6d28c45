"""slaclock: exact SLA clocks on working calendars."""

from __future__ import annotations

from slaclock._calendar.calendar import Calendar, deadline, elapsed
from slaclock.errors import (
    IncidentError,
    NaiveDatetimeError,
    NoWorkingTimeError,
    SlaclockError,
    SlaclockTypeError,
    SlaclockValueError,
    SpecError,
)

__version__ = "0.1.0.dev0"

__all__ = [
    "Calendar",
    "IncidentError",
    "NaiveDatetimeError",
    "NoWorkingTimeError",
    "SlaclockError",
    "SlaclockTypeError",
    "SlaclockValueError",
    "SpecError",
    "__version__",
    "deadline",
    "elapsed",
]
