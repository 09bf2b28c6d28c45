"""slaclock: exact SLA clocks on working calendars."""

from __future__ import annotations

from slaclock._calendar.calendar import Calendar, deadline, elapsed
from slaclock._sla.cost import Cost, CostLine, cost
from slaclock._sla.tier import Price, Tier
from slaclock.catalog import Catalog, default_catalog, load_catalog, load_catalog_text
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
    "Catalog",
    "Cost",
    "CostLine",
    "IncidentError",
    "NaiveDatetimeError",
    "NoWorkingTimeError",
    "Price",
    "SlaclockError",
    "SlaclockTypeError",
    "SlaclockValueError",
    "SpecError",
    "Tier",
    "__version__",
    "cost",
    "deadline",
    "default_catalog",
    "elapsed",
    "load_catalog",
    "load_catalog_text",
]
