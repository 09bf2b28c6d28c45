"""slaclock.strategies generates valid values, shrinks where it promises, and hits the edges."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import Phase, find, given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from hypothesis.internal.observability import with_observability_callback

import slaclock
from slaclock import Calendar, Catalog, Event, Incident, Tier
from slaclock._sla.lifecycle import EVENT_KINDS, log_fault
from slaclock.strategies import (
    NO_DST_ZONES,
    calendar_specs,
    calendars,
    catalogs,
    durations,
    events,
    incidents,
    instants,
    tiers,
)

H = timedelta(hours=1)
# Reaching an edge needs only generation; shrinking what was found is wasted time.
REACH = settings(database=None, max_examples=3000, phases=[Phase.generate])
# find() returns the last value its condition held for, and Hypothesis' explain phase
# runs variants of the minimal example after shrinking: leave it out to get the minimum.
SHRINK = settings(database=None, phases=[Phase.generate, Phase.shrink])


def reach(strategy: st.SearchStrategy[Any], condition: Callable[[Any], bool]) -> Any:
    return find(strategy, condition, settings=REACH)


def week_spans(calendar: Calendar) -> list[list[str]]:
    spec = calendar.to_dict()
    weeks = [spec["week"], *(entry["week"] for entry in spec.get("weeks", ()))]
    return [span for week in weeks for day in week.values() for span in day]


# ------------------------------------------------------------------ shrinking


def test_calendars_shrink_to_nine_to_five_utc() -> None:
    simplest = find(calendars(), lambda calendar: True, settings=SHRINK)
    assert simplest == Calendar.from_dict(
        {
            "tz": "UTC",
            "week": {d: [["09:00", "17:00"]] for d in ("mon", "tue", "wed", "thu", "fri")},
        }
    )


def test_tiers_incidents_and_catalogs_shrink_to_simple_values() -> None:
    tier = find(tiers(), lambda t: True, settings=SHRINK)
    assert (tier.id, tier.reaction, tier.calendar.tz) == ("SLA-2", 2 * H, "UTC")
    assert (tier.first_reaction, tier.resolution, tier.budget) == (None, None, None)
    incident = find(incidents(), lambda i: True, settings=SHRINK)
    assert [(e.kind, e.by) for e in incident.events] == [("opened", "customer")]
    answered = find(incidents(), lambda i: len(i.events) >= 2, settings=SHRINK)
    assert [e.kind for e in answered.events] == ["opened", "agent_reply"]
    catalog = find(catalogs(), lambda c: True, settings=SHRINK)
    assert list(catalog.calendars) == ["office"] and list(catalog.tiers) == ["SLA-2"]


# ------------------------------------------------------------------ the edges


def test_calendars_reach_the_edges_they_promise() -> None:
    reach(calendars(), lambda c: c.tz == "Australia/Lord_Howe")
    reach(calendars(), lambda c: c.tz == "America/Santiago")
    reach(calendars(), lambda c: any(e <= s for s, e in week_spans(c)))  # overnight
    reach(calendars(), lambda c: any(len(d) >= 2 for d in c.to_dict()["week"].values()))
    reach(calendars(), lambda c: any(e == "24:00" for _, e in week_spans(c)))
    reach(calendars(), lambda c: c.country == "RU")
    reach(calendars(), lambda c: [] in c.to_dict().get("overrides", {}).values())
    reach(calendars(), lambda c: bool(c.weeks))
    reach(calendars(), lambda c: bool(c.holidays))
    reach(calendars(), lambda c: c.pre_holiday is not None)


def test_instants_hit_openings_and_closings() -> None:
    cal = find(calendars(), lambda c: True, settings=SHRINK)  # Mon-Fri 09:00-17:00 UTC
    reach(instants(cal), lambda m: m.astimezone(UTC).time() == datetime(1, 1, 1, 17).time())
    reach(instants(cal), lambda m: m.astimezone(UTC).time() == datetime(1, 1, 1, 9).time())


def test_incidents_reach_every_kind_and_both_openers() -> None:
    def has(kind: str) -> Callable[[Incident], bool]:
        return lambda incident: kind in [e.kind for e in incident.events]

    for kind in EVENT_KINDS:
        if kind != "tier_changed":  # only with a catalog, so that older properties hold
            reach(incidents(), has(kind))
    reach(incidents(catalog=slaclock.default_catalog()), has("tier_changed"))
    reach(incidents(), lambda i: i.events[0].by == "agent")
    reach(incidents(), lambda i: len(i.events) == 12)


# ------------------------------------------------------------------ options


@given(
    calendars(
        holidays=False,
        overrides=False,
        overnight=False,
        dst=False,
        country=False,
        weeks=False,
    )
)
def test_every_calendar_feature_can_be_switched_off(calendar: Calendar) -> None:
    assert calendar.tz in NO_DST_ZONES
    assert (calendar.holidays, calendar.overrides, calendar.weeks) == (frozenset(), (), ())
    assert calendar.country is None and calendar.pre_holiday is None
    assert all(s < e for s, e in week_spans(calendar))


@pytest.mark.parametrize(
    ("option", "present"),
    [
        ("holidays", lambda c: bool(c.holidays)),
        ("overrides", lambda c: bool(c.overrides)),
        ("overnight", lambda c: any(e <= s for s, e in week_spans(c))),
        ("country", lambda c: c.country is not None),
        ("weeks", lambda c: bool(c.weeks)),
    ],
)
def test_one_feature_off_leaves_the_others_on(
    option: str, present: Callable[[Calendar], bool]
) -> None:
    off: dict[str, Any] = {option: False}
    without = calendars(**off)
    reach(without, lambda c: bool(c.holidays or c.overrides or c.weeks or c.country))

    @settings(max_examples=30, database=None)
    @given(without)
    def never_has_it(calendar: Calendar) -> None:
        assert not present(calendar)

    never_has_it()


@given(calendars(dst=False, zones=["Asia/Kolkata"]))
def test_zones_pick_the_zone(calendar: Calendar) -> None:
    assert calendar.tz == "Asia/Kolkata"


@given(calendar_specs(country=False, weeks=False))
def test_calendar_specs_take_the_same_options(spec: dict[str, Any]) -> None:
    assert "country" not in spec and "weeks" not in spec
    assert Calendar.from_dict(spec).to_dict() == Calendar.from_dict(spec).to_dict()


@given(st.data())
def test_tiers_take_a_calendar_or_a_strategy_and_switch_features_off(
    data: st.DataObject,
) -> None:
    moscow = slaclock.default_catalog().calendars["moscow"]
    assert data.draw(tiers(calendar=moscow)).calendar == moscow
    tier = data.draw(
        tiers(
            calendar=calendars(dst=False),
            first_reaction=False,
            resolution=False,
            budget=False,
            pause=False,
            restart=False,
        )
    )
    assert tier.calendar.tz in NO_DST_ZONES
    assert (tier.first_reaction, tier.resolution, tier.budget) == (None, None, None)
    assert not tier.pause_reaction_when_pending and tier.cycle_rule == "oldest_unanswered"


@given(
    st.sampled_from(
        (
            ("agent_reply", "customer_message"),
            ("resolved", "reopened"),
            ("pending", "work_logged", "closed"),
            ("closed",),
            (),
        )
    ),
    st.integers(1, 4),
    st.data(),
)
def test_incidents_keep_to_kinds_and_sizes(
    kinds: tuple[str, ...], extra: int, data: st.DataObject
) -> None:
    longest = {("closed",): 2, (): 1}.get(kinds, 1 + extra)
    low = min(1 + extra, longest)
    incident = data.draw(incidents(kinds=kinds, min_events=low, max_events=1 + 2 * extra))
    assert low <= len(incident.events) <= 1 + 2 * extra
    assert {e.kind for e in incident.events[1:]} <= set(kinds)
    assert log_fault([e.kind for e in incident.events]) is None


@given(st.data())
def test_tiers_and_incidents_are_valid_and_evaluate(data: st.DataObject) -> None:
    tier = data.draw(tiers())
    assert isinstance(tier, Tier)
    incident = data.draw(incidents(tier=tier))
    assert isinstance(incident, Incident)
    # Compared as data: an event in a DST fold (fold=1) never equals its fixed-offset
    # round trip under PEP 495's interzone rule, though the instants are the same.
    assert Incident.from_dict(incident.to_dict()).to_dict() == incident.to_dict()
    result = slaclock.evaluate(incident, tier, at=incident.events[-1].at)
    result.to_dict()


@given(catalogs(max_tiers=3))
def test_catalogs_name_their_calendars_and_round_trip(catalog: Catalog) -> None:
    assert 1 <= len(catalog.tiers) <= 3
    for tier in catalog.tiers.values():
        assert catalog.calendars[tier.calendar_name or ""] == tier.calendar
    assert slaclock.load_catalog(catalog.to_dict()) == catalog


@given(events())
def test_events_are_valid_single_events(event: Event) -> None:
    assert Event.from_dict(event.to_dict()) == event


@given(calendars(), st.data())
def test_instants_are_aware_and_within_bounds(calendar: Calendar, data: st.DataObject) -> None:
    low = datetime(2024, 1, 1, tzinfo=UTC)
    high = datetime(2024, 1, 8, tzinfo=ZoneInfo("Europe/Moscow"))
    moment = data.draw(instants(calendar, min_value=low, max_value=high))
    assert moment.utcoffset() is not None
    assert low <= moment <= high


@given(durations(min_value=-5 * H, max_value=3 * H))
def test_durations_stay_within_bounds(duration: timedelta) -> None:
    assert -5 * H <= duration <= 3 * H


@given(durations(min_value=timedelta(minutes=61), max_value=timedelta(minutes=62)))
def test_durations_between_round_values_stay_within_bounds(duration: timedelta) -> None:
    assert timedelta(minutes=61) <= duration <= timedelta(minutes=62)


# ------------------------------------------------------------------ bad arguments

NAIVE = datetime(2024, 1, 1)
BAD_ARGUMENTS: list[tuple[Callable[..., Any], dict[str, Any], str]] = [
    (calendars, {"holidays": "no"}, "holidays"),
    (calendars, {"overnight": None}, "overnight"),
    (calendars, {"zones": "UTC"}, "zones"),
    (calendars, {"zones": []}, "zones"),
    (calendars, {"zones": ["Mars/Olympus"]}, "Mars/Olympus"),
    (calendars, {"zones": ["Europe/Berlin"], "dst": False}, "dst=False"),
    (calendar_specs, {"weeks": 1}, "weeks"),
    (tiers, {"calendar": "UTC"}, "calendar"),
    (tiers, {"pause": "yes"}, "pause"),
    (incidents, {"tier": 3}, "tier"),
    (incidents, {"calendar": {"tz": "UTC"}}, "calendar"),
    (incidents, {"kinds": "agent_reply"}, "kinds"),
    (incidents, {"kinds": ["agent_replied"]}, "agent_replied"),
    (incidents, {"max_events": 0}, "max_events"),
    (incidents, {"min_events": 5, "max_events": 3}, "min_events"),
    (incidents, {"kinds": ["resolved"], "min_events": 3}, "at most 2"),
    (incidents, {"agent_opened": 1}, "agent_opened"),
    (catalogs, {"calendars": slaclock.Calendar.always_open()}, "calendars"),
    (catalogs, {"min_tiers": 0}, "min_tiers"),
    (catalogs, {"min_tiers": 3, "max_tiers": 2}, "max_tiers"),
    (instants, {"min_value": NAIVE}, "min_value"),
    (instants, {"calendar": "UTC"}, "calendar"),
    (
        instants,
        {
            "min_value": datetime(2025, 1, 1, tzinfo=UTC),
            "max_value": datetime(2024, 1, 1, tzinfo=UTC),
        },
        "min_value",
    ),
    (durations, {"min_value": H, "max_value": -H}, "min_value"),
    (durations, {"max_value": 3}, "max_value"),
]


@pytest.mark.parametrize(
    ("strategy", "arguments", "named"),
    BAD_ARGUMENTS,
    ids=[f"{s.__name__}-{'-'.join(a)}" for s, a, _ in BAD_ARGUMENTS],
)
def test_bad_arguments_raise_invalid_argument_at_call_time(
    strategy: Callable[..., Any], arguments: dict[str, Any], named: str
) -> None:
    with pytest.raises(InvalidArgument, match=named.replace("(", r"\(")):
        strategy(**arguments)


# ------------------------------------------------------------------ nothing filtered


def rejections(strategy: st.SearchStrategy[Any], examples: int = 60) -> list[str]:
    """Why Hypothesis threw drawn examples away (a filter or ``assume``), for ``examples`` runs.

    Examples that overrun Hypothesis' size budget are left out: Hypothesis makes some
    on purpose while it explores (``st.lists(st.integers())`` has them too).
    """
    seen: list[str] = []

    def record(observation: Any) -> None:
        if (
            observation.type == "test_case"
            and observation.status == "gave_up"
            and "maximum test case size" not in observation.status_reason
        ):
            seen.append(observation.status_reason)

    @settings(max_examples=examples, database=None)
    @given(strategy)
    def draws(value: object) -> None:
        pass

    with with_observability_callback(record):
        draws()
    return seen


def test_a_filter_is_seen_as_rejections() -> None:
    assert rejections(st.integers().filter(lambda n: n % 7 == 0), examples=10)


def test_generation_throws_nothing_away() -> None:
    # Every drawn log is valid by construction: no filter, no assume, nothing rejected.
    assert rejections(tiers().flatmap(lambda tier: incidents(tier=tier)), examples=20) == []
    assert rejections(catalogs(max_tiers=2), examples=8) == []
    assert rejections(events(), examples=20) == []
