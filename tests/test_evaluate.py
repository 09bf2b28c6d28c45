"""Evaluation on the default catalog: the origin's scenarios on every tier, worked out by hand.

The Moscow calendar: Mon-Fri 10:00-18:00 Europe/Moscow, Russian public holidays
off, transferred working Saturdays on.  Reaction targets: SLA-1 8 h, SLA-2 2 h,
SLA-3 2 h, SLA-4 1 h.  Every expected instant below is counted by hand.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

import pytest

from slaclock import (
    Incident,
    NaiveDatetimeError,
    SlaclockError,
    Tier,
    default_catalog,
    evaluate,
    schedule,
)

MSK = timezone(timedelta(hours=3))
CATALOG = default_catalog()
TIERS = ["SLA-1", "SLA-2", "SLA-3", "SLA-4"]
US = timedelta(microseconds=1)


def msk(text: str) -> datetime:
    """``"2026-11-30 08:15"`` as a Moscow instant."""
    return datetime.fromisoformat(text).replace(tzinfo=MSK)


def incident(*events: tuple[str, str], **fields: object) -> Incident:
    rec: dict[str, object] = {"id": "T", "type": "failure", "channel": "portal"}
    rec.update(fields)
    rec["events"] = [
        {
            "type": kind,
            "at": msk(at).isoformat(),
            **({"duration": "PT1H"} if kind == "work_logged" else {}),
        }
        for kind, at in events
    ]
    return Incident.from_dict(rec)


def tier(name: str) -> Tier:
    return CATALOG.tiers[name]


# ----------------------------------------------------------------- origin scenarios, every tier

# (scenario, opened at, {tier: due})
FIRST_DUE = [
    (
        "before-hours",
        "2026-11-30 08:15",
        {
            "SLA-1": "2026-11-30 18:00",  # 8 h fill the whole day and end at the close
            "SLA-2": "2026-11-30 12:00",
            "SLA-3": "2026-11-30 12:00",
            "SLA-4": "2026-11-30 11:00",
        },
    ),
    (
        "at-night",
        "2026-12-01 02:30",
        {
            "SLA-1": "2026-12-01 18:00",
            "SLA-2": "2026-12-01 12:00",
            "SLA-3": "2026-12-01 12:00",
            "SLA-4": "2026-12-01 11:00",
        },
    ),
    (
        "friday-evening",
        "2026-11-27 17:30",  # 30 min on Friday, the rest on Monday
        {
            "SLA-1": "2026-11-30 17:30",
            "SLA-2": "2026-11-30 11:30",
            "SLA-3": "2026-11-30 11:30",
            "SLA-4": "2026-11-30 10:30",
        },
    ),
    (
        "weekend",
        "2026-11-28 13:00",  # Saturday: nothing counts until Monday 10:00
        {
            "SLA-1": "2026-11-30 18:00",
            "SLA-2": "2026-11-30 12:00",
            "SLA-3": "2026-11-30 12:00",
            "SLA-4": "2026-11-30 11:00",
        },
    ),
    (
        "new-year-eve",
        "2025-12-30 17:30",  # 30 min on 30 Dec; 31 Dec to 11 Jan off; Monday 12 Jan
        {
            "SLA-1": "2026-01-12 17:30",
            "SLA-2": "2026-01-12 11:30",
            "SLA-3": "2026-01-12 11:30",
            "SLA-4": "2026-01-12 10:30",
        },
    ),
    (
        "new-year-holiday",
        "2025-12-31 12:00",  # 31 Dec 2025 is a day off (moved from 5 Jan)
        {
            "SLA-1": "2026-01-12 18:00",
            "SLA-2": "2026-01-12 12:00",
            "SLA-3": "2026-01-12 12:00",
            "SLA-4": "2026-01-12 11:00",
        },
    ),
    (
        "transferred-saturday",
        "2025-11-01 09:00",  # Saturday 1 Nov 2025 is a working day (for Monday 3 Nov)
        {
            "SLA-1": "2025-11-01 18:00",
            "SLA-2": "2025-11-01 12:00",
            "SLA-3": "2025-11-01 12:00",
            "SLA-4": "2025-11-01 11:00",
        },
    ),
    (
        "friday-before-transferred-saturday",
        "2025-10-31 17:00",  # 1 h on Friday, then the working Saturday
        {
            "SLA-1": "2025-11-01 17:00",
            "SLA-2": "2025-11-01 11:00",
            "SLA-3": "2025-11-01 11:00",
            "SLA-4": "2025-10-31 18:00",  # exactly at the close, not the next opening
        },
    ),
    (
        "before-unity-day",
        "2025-11-01 17:00",  # Sat worked; 2 Nov Sunday, 3 Nov day off, 4 Nov holiday
        {
            "SLA-1": "2025-11-05 17:00",
            "SLA-2": "2025-11-05 11:00",
            "SLA-3": "2025-11-05 11:00",
            "SLA-4": "2025-11-01 18:00",
        },
    ),
]


@pytest.mark.parametrize("name", TIERS)
@pytest.mark.parametrize(("opened", "dues"), [pytest.param(o, d, id=s) for s, o, d in FIRST_DUE])
def test_first_reaction_due_on_every_tier(name: str, opened: str, dues: dict[str, str]) -> None:
    result = evaluate(incident(("opened", opened)), tier(name))
    (cycle,) = result.cycles
    assert cycle.due == msk(dues[name])
    assert cycle.due.tzinfo is not None and cycle.due.utcoffset() == timedelta(hours=3)
    assert cycle.first and cycle.target_name == "first_reaction"
    assert cycle.status == "open" and not cycle.breached and cycle.answered is None
    assert result.next_due == msk(dues[name])


@pytest.mark.parametrize("name", TIERS)
@pytest.mark.parametrize(("opened", "dues"), [pytest.param(o, d, id=s) for s, o, d in FIRST_DUE])
def test_reply_exactly_at_due_is_on_time_and_a_microsecond_later_breaches(
    name: str, opened: str, dues: dict[str, str]
) -> None:
    due = msk(dues[name])
    on_time = evaluate(incident(("opened", opened), ("agent_reply", dues[name])), tier(name))
    assert on_time.cycles[0].answered == due
    assert not on_time.breached and on_time.cycles[0].status == "met"
    assert on_time.cycles[0].taken == tier(name).reaction
    late_at = (due + US).isoformat()
    late = evaluate(
        Incident.from_dict(
            {
                "id": "T",
                "type": "failure",
                "events": [
                    {"type": "opened", "at": msk(opened).isoformat()},
                    {"type": "agent_reply", "at": late_at},
                ],
            }
        ),
        tier(name),
    )
    assert late.breached and late.cycles[0].status == "late"
    assert late.breaches[0].late_wall == US


@pytest.mark.parametrize(
    ("name", "opened"),
    [
        ("SLA-1", "2026-11-26 10:00"),
        ("SLA-2", "2026-11-26 16:00"),
        ("SLA-3", "2026-11-26 16:00"),
        ("SLA-4", "2026-11-26 17:00"),
    ],
)
def test_reply_after_hours_past_due_before_next_opening_is_a_breach(name: str, opened: str) -> None:
    # Due at the 18:00 close; the reply at 19:30 is before Friday's opening, so no
    # working time is overdue, but the answer still came after the due instant.
    result = evaluate(incident(("opened", opened), ("agent_reply", "2026-11-26 19:30")), tier(name))
    cycle = result.cycles[0]
    assert cycle.due == msk("2026-11-26 18:00")
    assert cycle.breached and cycle.overdue == timedelta(0)
    (breach,) = result.breaches
    assert breach.at == msk("2026-11-26 18:00")
    assert breach.late == timedelta(0)
    assert breach.late_wall == timedelta(hours=1, minutes=30)
    assert breach.tier == name and breach.cycle == 1 and breach.target == "first_reaction"
    assert breach.duration == tier(name).reaction


@pytest.mark.parametrize(
    ("name", "breached", "late"),
    [
        ("SLA-1", False, None),
        ("SLA-2", False, None),
        ("SLA-3", False, None),
        ("SLA-4", True, timedelta(minutes=50)),
    ],
)
def test_several_customer_messages_before_one_reply_keep_the_oldest(
    name: str, breached: bool, late: timedelta | None
) -> None:
    inc = incident(
        ("opened", "2026-11-25 10:00"),
        ("customer_message", "2026-11-25 10:30"),
        ("customer_message", "2026-11-25 11:15"),
        ("agent_reply", "2026-11-25 11:50"),
    )
    result = evaluate(inc, tier(name))
    (cycle,) = result.cycles
    assert cycle.start == msk("2026-11-25 10:00")
    assert cycle.answered == msk("2026-11-25 11:50")
    assert cycle.breached is breached
    assert (result.breaches[0].late if result.breaches else None) == late


@pytest.mark.parametrize("name", TIERS)
def test_third_party_plugin_is_covered_everywhere_but_sla1(name: str) -> None:
    inc = incident(
        ("opened", "2026-11-26 12:00"), ("agent_reply", "2026-11-27 17:00"), third_party=True
    )
    result = evaluate(inc, tier(name))
    if name == "SLA-1":
        assert not result.covered
        assert (
            result.reason
            == "third-party plugins and integrations are not covered by SLA-1 Customer"
        )
        assert result.cycles == () and result.breaches == () and result.resolution is None
        assert not result.breached and result.next_due is None
        assert "NOT COVERED" in result.explain()
        assert result.to_dict()["reason"] == result.reason
    else:
        assert result.covered and result.reason is None
        assert result.breached  # the reply a day later is late on every other tier


# ----------------------------------------------------------------- the evaluation instant


SLA2 = tier("SLA-2")
OPEN_MON = incident(("opened", "2026-11-30 10:00"), ("agent_reply", "2026-11-30 13:00"))


@pytest.mark.parametrize(
    ("at", "status", "breached", "at_risk", "remaining"),
    [
        pytest.param("2026-11-30 09:00", None, False, False, None, id="before-opened"),
        pytest.param("2026-11-30 10:00", "running", False, False, timedelta(hours=2), id="at-open"),
        pytest.param(
            "2026-11-30 11:29", "running", False, False, timedelta(minutes=31), id="below-threshold"
        ),
        pytest.param(
            "2026-11-30 11:30", "at_risk", False, True, timedelta(minutes=30), id="at-threshold"
        ),
        pytest.param("2026-11-30 12:00", "at_risk", False, True, timedelta(0), id="exactly-at-due"),
        pytest.param("2026-11-30 12:01", "overdue", True, False, None, id="past-due"),
        pytest.param("2026-11-30 13:00", "late", True, False, None, id="answered-at-at"),
    ],
)
def test_state_as_of_at(
    at: str, status: str | None, breached: bool, at_risk: bool, remaining: timedelta | None
) -> None:
    result = evaluate(OPEN_MON, SLA2, at=msk(at))
    assert result.at == msk(at)
    if status is None:
        assert result.cycles == () and not result.breached
        return
    cycle = result.cycles[0]
    assert cycle.status == status
    assert cycle.breached is breached
    assert cycle.at_risk is at_risk
    assert result.remaining == remaining
    if breached:
        assert result.breaches[0].at == msk("2026-11-30 12:00")
        assert result.breaches[0].late == cycle.overdue == msk(at) - msk("2026-11-30 12:00")


def test_events_after_at_are_ignored() -> None:
    result = evaluate(OPEN_MON, SLA2, at=msk("2026-11-30 12:59"))
    assert result.cycles[0].answered is None
    assert result.cycles[0].taken == timedelta(hours=2, minutes=59)
    assert result.breaches[0].late_wall is None


def test_at_in_another_zone_gives_the_same_answer() -> None:
    here = evaluate(OPEN_MON, SLA2, at=msk("2026-11-30 11:30"))
    there = evaluate(OPEN_MON, SLA2, at=datetime(2026, 11, 30, 8, 30, tzinfo=UTC))
    assert here == there
    assert here.to_dict() == there.to_dict()


def test_naive_at_is_refused() -> None:
    with pytest.raises(NaiveDatetimeError):
        evaluate(OPEN_MON, SLA2, at=datetime(2026, 11, 30, 11, 0))


def test_bad_options_are_refused() -> None:
    with pytest.raises(SlaclockError, match="'newest'"):
        evaluate(OPEN_MON, SLA2, cycle_rule="newest")
    with pytest.raises(SlaclockError, match="Incident"):
        evaluate({"id": "x"}, SLA2)  # type: ignore[arg-type]
    with pytest.raises(SlaclockError, match="Tier"):
        evaluate(OPEN_MON, "SLA-2")  # type: ignore[arg-type]


# ----------------------------------------------------------------- lifecycle rules

PENDING = incident(
    ("opened", "2026-11-30 10:00"),
    ("agent_reply", "2026-11-30 10:30"),
    ("customer_message", "2026-11-30 11:00"),
    ("pending", "2026-11-30 11:30"),
    ("customer_message", "2026-11-30 14:00"),
    ("agent_reply", "2026-11-30 14:30"),
)


def test_pending_does_not_pause_reaction_by_default() -> None:
    result = evaluate(PENDING, SLA2)
    first, second = result.cycles
    assert first.status == "met" and not second.first and second.target_name == "reaction"
    assert second.due == msk("2026-11-30 13:00")
    assert second.breached and second.overdue == timedelta(hours=1, minutes=30)
    assert second.paused == timedelta(0) and second.pauses == ()


def test_pause_option_moves_due_by_the_paused_working_time() -> None:
    result = evaluate(PENDING, SLA2, pause_reaction_when_pending=True)
    second = result.cycles[1]
    assert second.paused == timedelta(hours=2, minutes=30)
    assert second.pauses == ((msk("2026-11-30 11:30"), msk("2026-11-30 14:00")),)
    assert second.due == msk("2026-11-30 15:30")  # 30 min before the pause, 1 h 30 after
    assert second.taken == timedelta(minutes=60)
    assert not second.breached
    assert [(s, e) for s, e in second.periods] == [
        (msk("2026-11-30 11:00"), msk("2026-11-30 11:30")),
        (msk("2026-11-30 14:00"), msk("2026-11-30 15:30")),
    ]


def test_pause_option_from_the_tier() -> None:
    paused_tier = SLA2.replace(pause_reaction_when_pending=True)
    assert evaluate(PENDING, paused_tier) == evaluate(
        PENDING, SLA2, pause_reaction_when_pending=True
    )
    assert evaluate(PENDING, paused_tier, pause_reaction_when_pending=False).breached


def test_pending_started_after_due_does_not_hide_the_breach() -> None:
    inc = incident(("opened", "2026-11-30 10:00"), ("pending", "2026-11-30 13:00"))
    result = evaluate(inc, SLA2, at=msk("2026-11-30 15:00"), pause_reaction_when_pending=True)
    assert result.cycles[0].due == msk("2026-11-30 12:00")
    assert result.breached and result.cycles[0].status == "overdue"


def test_cycle_paused_at_at_is_not_counting_down() -> None:
    inc = incident(("opened", "2026-11-30 10:00"), ("pending", "2026-11-30 11:00"))
    result = evaluate(inc, SLA2, at=msk("2026-11-30 15:00"), pause_reaction_when_pending=True)
    cycle = result.cycles[0]
    assert cycle.status == "paused" and not cycle.breached
    assert cycle.due == msk("2026-11-30 16:00")  # projected: as if the customer wrote now
    assert result.next_due is None
    assert (
        schedule(
            inc, SLA2.replace(pause_reaction_when_pending=True), at=msk("2026-11-30 15:00")
        ).clock
        is None
    )


def test_agent_opened_ticket_waits_for_the_customer() -> None:
    inc = Incident.from_dict(
        {
            "id": "T",
            "type": "consultation",
            "channel": "phone",
            "events": [
                {"type": "opened", "at": msk("2026-12-02 10:00").isoformat(), "by": "agent"},
                {"type": "agent_reply", "at": msk("2026-12-02 10:05").isoformat()},
                {"type": "customer_message", "at": msk("2026-12-02 12:00").isoformat()},
            ],
        }
    )
    result = evaluate(inc, SLA2.replace(first_reaction="PT1H"))
    (cycle,) = result.cycles
    assert cycle.start == msk("2026-12-02 12:00") and cycle.started_by == "customer_message"
    assert cycle.first and cycle.target == timedelta(hours=1)
    assert cycle.due == msk("2026-12-02 13:00")
    assert evaluate(inc, SLA2, at=msk("2026-12-02 11:00")).cycles == ()


def test_first_reaction_target_applies_to_the_first_cycle_only() -> None:
    result = evaluate(PENDING, SLA2.replace(first_reaction="PT30M"))
    assert [c.target for c in result.cycles] == [timedelta(minutes=30), timedelta(hours=2)]
    assert result.cycles[0].status == "met"  # 10:30 is exactly at due
    assert result.first_response == result.cycles[0]


def test_restart_rule_supersedes_and_keeps_every_cycle() -> None:
    inc = incident(
        ("opened", "2026-11-25 10:00"),
        ("customer_message", "2026-11-25 10:30"),
        ("customer_message", "2026-11-25 11:15"),
        ("agent_reply", "2026-11-25 11:50"),
    )
    result = evaluate(inc, tier("SLA-4"), cycle_rule="restart_on_message")
    assert [c.status for c in result.cycles] == ["superseded", "superseded", "met"]
    assert [c.start for c in result.cycles] == [
        msk("2026-11-25 10:00"),
        msk("2026-11-25 10:30"),
        msk("2026-11-25 11:15"),
    ]
    assert [c.end for c in result.cycles] == [
        msk("2026-11-25 10:30"),
        msk("2026-11-25 11:15"),
        msk("2026-11-25 11:50"),
    ]
    assert [c.answered for c in result.cycles] == [None, None, msk("2026-11-25 11:50")]
    assert all(c.first for c in result.cycles)  # no answer yet: still the first response
    assert not result.breached


def test_restart_rule_still_records_a_breach_that_had_happened() -> None:
    inc = incident(
        ("opened", "2026-11-25 10:00"),
        ("customer_message", "2026-11-25 11:30"),  # 30 min past SLA-4's due
        ("agent_reply", "2026-11-25 11:40"),
    )
    result = evaluate(inc, tier("SLA-4"), cycle_rule="restart_on_message")
    assert [c.breached for c in result.cycles] == [True, False]
    assert result.breaches[0].at == msk("2026-11-25 11:00")
    assert result.breaches[0].late == timedelta(minutes=30)
    assert result.breaches[0].late_wall is None  # superseded, never answered


def test_resolution_without_reply_ends_the_cycle() -> None:
    inc = incident(("opened", "2026-11-30 10:00"), ("resolved", "2026-11-30 11:00"))
    cycle = evaluate(inc, SLA2).cycles[0]
    assert cycle.ended_by == "resolved" and cycle.answered == msk("2026-11-30 11:00")
    assert cycle.status == "met"
    late = incident(("opened", "2026-11-30 10:00"), ("closed", "2026-12-01 11:00"))
    assert evaluate(late, SLA2).cycles[0].status == "late"


def test_reopen_starts_a_reaction_cycle() -> None:
    inc = incident(
        ("opened", "2026-12-01 12:00"),
        ("agent_reply", "2026-12-01 12:30"),
        ("resolved", "2026-12-01 13:00"),
        ("reopened", "2026-12-02 17:45"),
        ("agent_reply", "2026-12-03 10:40"),
    )
    result = evaluate(inc, tier("SLA-4"))
    second = result.cycles[1]
    assert second.started_by == "reopened" and second.target_name == "reaction"
    assert second.due == msk("2026-12-03 10:45")
    assert second.status == "met"


def test_customer_message_after_resolved_starts_a_cycle() -> None:
    inc = incident(
        ("opened", "2026-12-01 12:00"),
        ("agent_reply", "2026-12-01 12:30"),
        ("resolved", "2026-12-01 13:00"),
        ("customer_message", "2026-12-01 14:00"),
    )
    second = evaluate(inc, SLA2).cycles[1]
    assert second.started_by == "customer_message" and second.due == msk("2026-12-01 16:00")


def test_resolution_clock_pauses_while_pending_and_continues_after_reopen() -> None:
    inc = incident(
        ("opened", "2026-11-30 10:00"),  # Monday
        ("agent_reply", "2026-11-30 10:30"),
        ("pending", "2026-11-30 12:00"),  # 2 h counted
        ("customer_message", "2026-11-30 16:00"),  # paused 4 h
        ("agent_reply", "2026-11-30 16:30"),
        ("resolved", "2026-11-30 17:00"),  # 3 h counted
        ("reopened", "2026-12-01 11:00"),  # paused 1 h + the night
    )
    res_tier = SLA2.replace(resolution="PT8H")
    result = evaluate(inc, res_tier)
    res = result.resolution
    assert res is not None
    assert res.resolved is None and res.status == "open"
    assert res.used == timedelta(hours=3)
    assert res.due == msk("2026-12-01 16:00")  # 3 h on Monday, 5 h from Tuesday 11:00
    assert res.pauses == (
        (msk("2026-11-30 12:00"), msk("2026-11-30 16:00")),
        (msk("2026-11-30 17:00"), msk("2026-12-01 11:00")),
    )
    resolved = evaluate(inc, res_tier, at=msk("2026-11-30 17:30")).resolution
    assert resolved is not None
    assert resolved.resolved == msk("2026-11-30 17:00") and resolved.status == "met"
    late = evaluate(inc, res_tier, at=msk("2026-12-01 16:30"))
    assert late.resolution is not None and late.resolution.status == "overdue"
    assert [b.target for b in late.breaches] == ["reaction", "resolution"]
    assert late.breaches[1].cycle is None and late.breaches[1].late == timedelta(minutes=30)


def test_no_resolution_clock_without_a_resolution_target() -> None:
    assert evaluate(OPEN_MON, SLA2).resolution is None


# ----------------------------------------------------------------- results


def test_to_dict_is_json_safe_and_iso() -> None:
    result = evaluate(PENDING, SLA2.replace(resolution="PT16H"), at=msk("2026-11-30 15:00"))
    data = json.loads(json.dumps(result.to_dict()))
    assert data["cycles"][1]["due"] == "2026-11-30T13:00:00+03:00"
    assert data["cycles"][1]["overdue"] == "PT1H30M"
    assert data["breaches"][0]["late_wall"] == "PT1H30M"
    assert data["first_response"] == data["cycles"][0]
    assert data["resolution"]["target"] == "PT16H"
    assert data["at"] == "2026-11-30T15:00:00+03:00"


def test_explain_lists_periods_target_tier_and_verdict() -> None:
    friday = incident(("opened", "2026-11-27 17:30"), ("agent_reply", "2026-11-30 11:45"))
    text = evaluate(friday, SLA2).explain()
    assert "tier SLA-2" in text and "PT2H" in text
    assert "Fri 2026-11-27 17:30-18:00  PT30M" in text
    assert "Mon 2026-11-30 10:00-11:30  PT1H30M" in text
    assert "Due Mon 2026-11-30 11:30 MSK" in text
    assert "BREACHED" in text


def test_evaluation_is_deterministic_and_immutable() -> None:
    one, two = evaluate(PENDING, SLA2), evaluate(PENDING, SLA2)
    assert one == two and hash(one.cycles[0]) == hash(two.cycles[0])
    with pytest.raises(AttributeError):
        one.breached = False  # type: ignore[misc]


# ----------------------------------------------------------------- schedule


@pytest.mark.parametrize(
    ("at", "clock", "due", "risk"),
    [
        ("2026-11-27 18:00", "first_reaction", "2026-11-30 11:30", "2026-11-30 11:00"),
        ("2026-11-30 11:10", "first_reaction", "2026-11-30 11:30", "2026-11-30 11:00"),
        ("2026-11-30 12:00", None, None, None),  # answered at 11:45, late
    ],
)
def test_schedule_gives_the_next_due_its_clock_and_the_at_risk_instant(
    at: str, clock: str | None, due: str | None, risk: str | None
) -> None:
    friday = incident(("opened", "2026-11-27 17:30"), ("agent_reply", "2026-11-30 11:45"))
    plan = schedule(friday, SLA2, at=msk(at))
    assert plan.clock == clock
    assert plan.next_due == (None if due is None else msk(due))
    assert plan.at_risk_at == (None if risk is None else msk(risk))
    assert plan.breached_so_far is (at == "2026-11-30 12:00")
    assert plan.next_due == evaluate(friday, SLA2, at=msk(at)).next_due


def test_schedule_picks_the_resolution_clock_when_it_is_due_first() -> None:
    inc = incident(
        ("opened", "2026-11-30 10:00"),
        ("agent_reply", "2026-11-30 10:10"),
        ("customer_message", "2026-11-30 15:00"),  # reaction due 17:00
    )
    plan = schedule(inc, SLA2.replace(resolution="PT6H"), at=msk("2026-11-30 15:30"))
    assert plan.clock == "resolution"
    assert plan.next_due == msk("2026-11-30 16:00")
    assert plan.at_risk_at == msk("2026-11-30 14:30")  # 3/4 of 6 h
    assert not plan.breached_so_far


def test_schedule_of_uncovered_incident_schedules_nothing() -> None:
    inc = incident(("opened", "2026-11-30 10:00"), third_party=True)
    plan = schedule(inc, tier("SLA-1"), at=msk("2026-11-30 10:30"))
    assert plan.next_due is None and plan.clock is None and not plan.breached_so_far
