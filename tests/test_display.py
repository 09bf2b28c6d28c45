"""What people read: the command line's table and the plain-words explanations."""

from __future__ import annotations

from datetime import datetime

from slaclock import Incident, default_catalog, evaluate
from slaclock._display.table import format_table

SLA2 = default_catalog().tiers["SLA-2"]


def test_superseded_breached_cycle_shows_no_wall_lateness_and_says_superseded() -> None:
    # Restart rule: the customer's 13:00 message supersedes cycle 1, already an hour
    # past due; there was no answer, so no wall-clock lateness either.
    inc = Incident.from_dict(
        {
            "id": "S",
            "type": "failure",
            "events": [
                {"type": "opened", "at": "2026-11-26T10:00:00+03:00"},
                {"type": "customer_message", "at": "2026-11-26T13:00:00+03:00"},
                {"type": "agent_reply", "at": "2026-11-26T14:00:00+03:00"},
            ],
        }
    )
    result = evaluate(inc, SLA2, cycle_rule="restart_on_message")
    assert result.breaches[0].cycle == 1 and result.breaches[0].late_wall is None
    table = format_table([result])
    row = next(line for line in table.splitlines() if line.startswith("S "))
    assert row.split()[-2:] == ["superseded", "PT1H"]
    assert "wall" not in table and "still open" not in table
    assert "late by PT1H of working time (superseded)" in table


def test_open_breached_cycle_is_still_open() -> None:
    inc = Incident.from_dict(
        {
            "id": "O",
            "type": "failure",
            "events": [{"type": "opened", "at": "2026-11-26T10:00:00+03:00"}],
        }
    )
    at = datetime.fromisoformat("2026-11-26T13:00:00+03:00")
    table = format_table([evaluate(inc, SLA2, at=at)])
    assert "late by PT1H of working time (still open)" in table
    assert "wall" not in table
