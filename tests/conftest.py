"""Shared test setup: Hypothesis profiles and the calendars the examples use.

``HYPOTHESIS_PROFILE=ci`` (set by CI) runs twice the examples, the same ones every
run (100 a law: the whole suite then stays near ten minutes on a busy two-core
machine); the default ``dev`` profile keeps a local run quick and random.  Deadlines are off in both: the first query on
a new calendar compiles its timeline, which is slow once and fast after.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "dev",
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "ci",
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    print_blob=True,
    # CI decides whether a submission lands, so its examples are the same on every run;
    # local runs (the dev profile) keep exploring new ones.
    derandomize=True,
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))

WORKDAY = [["10:00", "18:00"]]
MOSCOW_SPEC = {
    "tz": "Europe/Moscow",
    "week": {
        "mon": WORKDAY,
        "tue": WORKDAY,
        "wed": WORKDAY,
        "thu": WORKDAY,
        "fri": WORKDAY,
        "sat": [],
        "sun": [],
    },
    "country": {"code": "RU"},
}
HOUR = timedelta(hours=1)


@pytest.fixture(scope="session")
def moscow():  # type: ignore[no-untyped-def]
    """The origin's calendar: Europe/Moscow, Mon-Fri 10:00-18:00, Russian production calendar."""
    from slaclock import Calendar

    return Calendar.from_dict(MOSCOW_SPEC)


@pytest.fixture
def fresh_programs(monkeypatch: pytest.MonkeyPatch) -> Callable[..., dict[Any, Any]]:
    """Replace every engine's shared program tables by empty ones of ``limit`` sequences."""
    from slaclock._sla import lifecycle, plan

    def fresh(limit: int = 10_000) -> dict[Any, Any]:
        for agent, restart in list(lifecycle._TABLES):
            table = lifecycle.ProgramTable[Any](agent_opened=agent, restart=restart, limit=limit)
            monkeypatch.setitem(lifecycle._TABLES, (agent, restart), table)
        # Cached plans hold the tables they were made with: start them afresh too.
        for cache in ("_BY_ID", "_BY_VALUE", "_BY_OPTIONS"):
            monkeypatch.setattr(plan, cache, {})
        return lifecycle._TABLES

    return fresh
