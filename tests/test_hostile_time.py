"""Edges of time, oversized durations, long distances and threads.

Every query answers or refuses with a slaclock error naming the value (never
OverflowError, IndexError, KeyError or a bare ValueError); long distances are
answered through per-year totals, which is checked by counting the blocks
compiled, never by timing.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pytest
from conftest import MOSCOW_SPEC

import slaclock
from slaclock import Calendar, Incident, Tier
from slaclock._durations import MAX_DURATION, parse_duration
from slaclock.errors import SlaclockError, SpecError

H = timedelta(hours=1)
MSK = ZoneInfo("Europe/Moscow")
WEEKDAYS = {d: [["10:00", "18:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}

EXTREME_INSTANTS: list[Any] = [
    datetime(9999, 6, 1, tzinfo=UTC),
    datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=3))),
    datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=14))),
    datetime.max.replace(tzinfo=UTC),
    datetime.min.replace(tzinfo=UTC),
    datetime.max.replace(tzinfo=timezone(timedelta(hours=-12))),
    pd.NaT,
    pd.Timestamp("2262-04-11", tz="UTC"),
]
EXTREME_DURATIONS = [timedelta.max, timedelta.min, timedelta(days=10**6), -timedelta(days=10**6)]
ENGINES = ("python", "numpy")
NORMAL = datetime(2026, 11, 27, 17, 30, tzinfo=MSK)
RECORD: dict[str, Any] = {
    "id": "INC-1",
    "type": "failure",
    "channel": "portal",
    "third_party": False,
    "events": [
        {"type": "opened", "at": "2026-11-27T17:30:00+03:00"},
        {"type": "customer_message", "at": "2026-11-27T17:40:00+03:00"},
        {"type": "agent_reply", "at": "2026-11-30T10:20:00+03:00"},
        {"type": "resolved", "at": "2026-11-30T12:00:00+03:00"},
    ],
}


def moscow() -> Calendar:
    return Calendar.from_dict(MOSCOW_SPEC)


def answers_or_refuses(call: Callable[[], object]) -> None:
    try:
        call()
    except SlaclockError as error:
        assert str(error)
    # Anything else (OverflowError, IndexError, KeyError, ValueError) fails the test.


# -- durations ------------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["reaction", "first_reaction", "resolution", "budget"])
def test_oversized_tier_targets_are_refused_naming_the_field(field: str) -> None:
    base = Tier(id="T", name="T", calendar=moscow(), reaction=2 * H)
    for value in (timedelta.max, MAX_DURATION + timedelta(microseconds=1)):
        with pytest.raises(SpecError, match=f"{field}.*100 years"):
            base.replace(**{field: value})
    assert base.replace(**{field: MAX_DURATION}) is not None


def test_oversized_duration_text_and_values_are_refused() -> None:
    with pytest.raises(SpecError, match="100 years"):
        parse_duration("PT999999999999H")
    with pytest.raises(SpecError, match="reaction"):
        parse_duration(timedelta.max, path="reaction")
    assert parse_duration(MAX_DURATION) == MAX_DURATION


def test_a_pre_holiday_near_timedelta_max_is_a_spec_error() -> None:
    with pytest.raises(SpecError, match="pre_holiday"):
        Calendar.from_dict({**MOSCOW_SPEC, "pre_holiday": timedelta.max})


