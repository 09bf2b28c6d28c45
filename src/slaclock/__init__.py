"""slaclock: exact SLA clocks on working calendars."""

from __future__ import annotations

from slaclock._calendar.calendar import Calendar, deadline, elapsed
from slaclock._durations import format_duration, parse_duration
from slaclock._jsonl import read_incidents, write_incidents
from slaclock._sla.budget import BudgetUsage, budget, budgets
from slaclock._sla.cost import Cost, CostLine, cost, costs
from slaclock._sla.evaluate import evaluate, schedule
from slaclock._sla.incident import Attributes, Event, Incident
from slaclock._sla.result import Breach, Cycle, Evaluation, ResolutionClock, Schedule
from slaclock._sla.tier import Price, Tier
from slaclock._sla.vocabulary import Vocabulary
from slaclock._timestamps import read_instant as parse_instant
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
"""The installed slaclock version, as in ``pyproject.toml``."""

__all__ = [
    "Attributes",
    "Breach",
    "BudgetUsage",
    "Calendar",
    "Catalog",
    "Cost",
    "CostLine",
    "Cycle",
    "Evaluation",
    "Event",
    "Incident",
    "IncidentError",
    "NaiveDatetimeError",
    "NoWorkingTimeError",
    "Price",
    "ResolutionClock",
    "Schedule",
    "SlaclockError",
    "SlaclockTypeError",
    "SlaclockValueError",
    "SpecError",
    "Tier",
    "Vocabulary",
    "__version__",
    "budget",
    "budgets",
    "cost",
    "costs",
    "deadline",
    "default_catalog",
    "elapsed",
    "evaluate",
    "format_duration",
    "load_catalog",
    "load_catalog_text",
    "parse_duration",
    "parse_instant",
    "read_incidents",
    "schedule",
    "write_incidents",
]
