"""Usage examples that mypy checks: each ``reveal_type`` line says the type it must reveal.

``tests/test_api_surface.py`` runs mypy over this file; the type each
``reveal_type`` must reveal is in the ``# revealed:`` comment on the line above it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import reveal_type

import slaclock
from slaclock import strategies

cal = slaclock.Calendar.from_dict({"tz": "UTC", "week": {"mon": [["09:00", "17:00"]]}})
start = datetime(2026, 11, 30, 9, tzinfo=UTC)
# revealed: slaclock._calendar.calendar.Calendar
reveal_type(cal)
# revealed: datetime.datetime
reveal_type(cal.deadline(start, timedelta(hours=2)))
# revealed: datetime.timedelta
reveal_type(cal.elapsed(start, start))
# revealed: bool
reveal_type(cal.is_open(start))
# revealed: datetime.datetime
reveal_type(cal.next_open(start))
# revealed: dict[str, Any]
reveal_type(cal.to_dict())

catalog = slaclock.default_catalog()
tier = catalog.tiers["SLA-2"]
# revealed: slaclock.catalog.Catalog
reveal_type(catalog)
# revealed: slaclock._sla.tier.Tier
reveal_type(tier)
# revealed: datetime.timedelta
reveal_type(tier.reaction)
# revealed: datetime.timedelta | None
reveal_type(tier.budget)

incident = slaclock.Incident.from_dict(
    {
        "id": "INC-7",
        "type": "failure",
        "events": [{"type": "opened", "at": "2026-11-27T17:30:00+03:00"}],
    }
)
# revealed: tuple[slaclock._sla.incident.Event, ...]
reveal_type(incident.events)
result = slaclock.evaluate(incident, tier, at=start)
# revealed: slaclock._sla.result.Evaluation
reveal_type(result)
# revealed: bool
reveal_type(result.breached)
# revealed: datetime.datetime | None
reveal_type(result.cycles[0].answered)
# revealed: dict[str, Any]
reveal_type(result.to_dict())
# revealed: datetime.datetime | None
reveal_type(slaclock.schedule(incident, tier, at=start).next_due)
usage = slaclock.budget(tier, [incident], month="2026-11")
# revealed: datetime.timedelta | None
reveal_type(usage.included)
# revealed: datetime.timedelta
reveal_type(usage.used)
# revealed: datetime.timedelta
reveal_type(slaclock.parse_duration("PT2H"))
# revealed: hypothesis.strategies._internal.strategies.SearchStrategy[slaclock._calendar.calendar.Calendar]
reveal_type(strategies.calendars())
# revealed: hypothesis.strategies._internal.strategies.SearchStrategy[slaclock._sla.incident.Incident]
reveal_type(strategies.incidents(tier=tier))
