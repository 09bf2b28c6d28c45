"""Hypothesis strategies for property tests of SLA logic built on slaclock.

Use these in your own tests when a handful of hand-picked calendars is not
enough: they generate valid calendars that shrink toward Monday-Friday
09:00-17:00 UTC, and deliberately hit the edges where business-time code breaks
(daylight-saving changes including Lord Howe's 30-minute one, the southern
hemisphere, overnight shifts, lunch breaks, ``24:00`` ends, holidays, per-date
overrides, Russia's transferred working Saturdays), plus tiers and incident
event logs that follow the incident rules.  Needs the optional
``hypothesis`` extra: ``pip install 'slaclock[hypothesis]'``.

>>> from datetime import timedelta
>>> from hypothesis import given, settings
>>> from slaclock.strategies import calendars, durations, instants
>>> @settings(max_examples=25, deadline=None)  # a new calendar compiles on first use
... @given(calendars(), instants(), durations())
... def test_deadline_spends_exactly_the_duration(calendar, start, duration):
...     assert calendar.elapsed(start, calendar.deadline(start, duration)) == duration
>>> test_deadline_spends_exactly_the_duration()

The simplest calendar, the one every failing example shrinks toward:

>>> from hypothesis import find
>>> simplest = find(calendars(), lambda calendar: True)
>>> simplest.tz, simplest.to_dict()["week"]["mon"], simplest.to_dict()["week"]["sat"]
('UTC', [['09:00', '17:00']], [])
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from fractions import Fraction
from typing import Any
from zoneinfo import ZoneInfo

try:
    from hypothesis import strategies as st
except ImportError as error:  # pragma: no cover - exercised in a subprocess test
    raise ImportError(
        "slaclock.strategies needs Hypothesis, an optional extra: "
        "pip install 'slaclock[hypothesis]'"
    ) from error

from slaclock import Attributes, Calendar, Event, Incident, Tier
from slaclock._sla.lifecycle import NEW, OPEN, STATES, allowed_kinds, next_state
from slaclock._sla.tier import CHANNELS, CYCLE_RULES, INCIDENT_TYPES
from slaclock._sla.vocabulary import DEFAULT_VOCABULARY

__all__ = [
    "ZONES",
    "calendar_specs",
    "calendars",
    "durations",
    "incidents",
    "instants",
    "tiers",
]

ZONES: tuple[str, ...] = (
    "UTC",
    "Europe/Moscow",
    "America/New_York",
    "Europe/Berlin",
    "Australia/Lord_Howe",
    "America/Santiago",
)
"""Zones the strategies pick from: UTC first (it shrinks there), then zones with
daylight saving in both hemispheres, a 30-minute shift, and Moscow (the origin)."""

_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_NINE_TO_FIVE = {
    day: [["09:00", "17:00"]] if day not in ("sat", "sun") else [] for day in _WEEKDAYS
}
_ALWAYS = {day: [["00:00", "24:00"]] for day in _WEEKDAYS}
_FIRST_DAY = date(2024, 1, 1)
_LAST_DAY = date(2026, 12, 31)
# Dates where calendars go wrong: DST changes of the zones above, Russia's
# transferred Saturdays and New Year run, days before public holidays.
_EDGE_DATES = tuple(
    date.fromisoformat(text)
    for text in (
        "2024-03-10",
        "2024-11-03",
        "2025-03-09",
        "2025-11-02",  # America/New_York
        "2024-03-31",
        "2024-10-27",
        "2025-03-30",
        "2025-10-26",  # Europe/Berlin
        "2024-04-07",
        "2024-10-06",
        "2025-04-06",
        "2025-10-05",  # Australia/Lord_Howe
        "2024-09-08",
        "2025-04-06",
        "2025-09-07",
        "2024-04-06",  # America/Santiago
        "2024-04-27",
        "2024-11-02",
        "2024-12-28",
        "2025-11-01",  # RU working Saturdays
        "2024-02-22",
        "2024-12-31",
        "2025-01-01",
        "2025-01-08",
        "2025-05-08",  # RU holidays
        "2024-07-04",
        "2024-12-24",
        "2024-12-25",
        "2025-10-03",  # US, DE
    )
)
# Minutes after midnight that make good interval boundaries: the usual office
# hours, midnight and the hours around DST changes (01:00-04:00, 02:30, 03:15).
_EDGE_MINUTES = (
    540,
    1020,
    600,
    1080,
    0,
    60,
    90,
    120,
    150,
    180,
    195,
    240,
    720,
    780,
    1320,
    1380,
    1440,
)


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _dates() -> st.SearchStrategy[date]:
    return st.one_of(
        st.sampled_from(_EDGE_DATES), st.dates(min_value=_FIRST_DAY, max_value=_LAST_DAY)
    )


def _boundaries() -> st.SearchStrategy[int]:
    return st.one_of(
        st.sampled_from(_EDGE_MINUTES), st.integers(0, 96).map(lambda quarter: quarter * 15)
    )


@st.composite
def _day_spans(draw: st.DrawFn) -> list[list[str]]:
    """One day's intervals, sorted, not touching, none past midnight (``24:00`` may end one)."""
    points = sorted(set(draw(st.lists(_boundaries(), max_size=6))))
    if len(points) % 2:
        points.pop()
    return [
        [_clock(points[i]), "24:00" if points[i + 1] == 1440 else _clock(points[i + 1])]
        for i in range(0, len(points), 2)
    ]


def _minutes(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def _prefer(favourites: list[int], others: st.SearchStrategy[int]) -> st.SearchStrategy[int]:
    return st.sampled_from(favourites) | others if favourites else others


@st.composite
def _with_overnight(draw: st.DrawFn, spans: list[list[str]], until: int) -> list[list[str]]:
    """``spans`` plus one interval from the afternoon on that runs past midnight.

    It ends by ``until`` (the next day's first start, in minutes) and by noon, so
    an overnight interval added to the next day (which starts after noon) never
    meets it.
    """
    last_end = _minutes(spans[-1][1]) if spans else 0
    earliest = max(last_end + 1, 720)
    if earliest > 1439:
        return spans
    starts = [m for m in (1320, 1380, 1200) if m >= earliest]
    start = draw(_prefer(starts, st.integers(earliest, 1439)))
    latest_end = min(until, 720, start - 1)  # an end equal to the start would be empty
    ends = [m for m in (360, 0, 120, 180) if m <= latest_end]
    end = draw(_prefer(ends, st.integers(0, latest_end)))
    return [*spans, [_clock(start), _clock(end)]]


@st.composite
def _custom_week(draw: st.DrawFn) -> dict[str, list[list[str]]]:
    days = [draw(_day_spans()) for _ in _WEEKDAYS]
    firsts = [_minutes(spans[0][0]) if spans else 1440 for spans in days]
    # Overnight intervals are added afterwards, each ending by the next day's
    # first start, so one weekday never runs into the next.
    for index in range(7):
        if draw(st.integers(0, 3)) == 3:
            days[index] = draw(_with_overnight(days[index], firsts[(index + 1) % 7]))
    if not any(days):
        days[0] = [["09:00", "17:00"]]  # a week with no hours at all is a different test
    return dict(zip(_WEEKDAYS, days, strict=True))


def _weeks() -> st.SearchStrategy[dict[str, list[list[str]]]]:
    return st.one_of(
        st.just(_NINE_TO_FIVE),
        st.just(
            {
                **_NINE_TO_FIVE,
                **{d: [["09:00", "13:00"], ["14:00", "18:00"]] for d in _WEEKDAYS[:5]},
            }
        ),
        _custom_week(),
        st.just(_ALWAYS),
    )


@st.composite
def calendar_specs(
    draw: st.DrawFn, *, zones: Sequence[str] = ZONES, countries: bool = True
) -> dict[str, Any]:
    """Valid calendar spec mappings (the shape of ``Calendar.from_dict``).

    Use this instead of :func:`calendars` when the test also needs the spec
    itself (to build a variant, or to check a round trip).  Every generated
    calendar has working time in every week, so ``deadline`` always answers.
    """
    spec: dict[str, Any] = {"tz": draw(st.sampled_from(tuple(zones))), "week": draw(_weeks())}
    holidays = draw(st.lists(_dates(), max_size=3, unique=True))
    if holidays:
        spec["holidays"] = sorted(day.isoformat() for day in holidays)
    overrides = draw(st.dictionaries(_dates(), _day_spans(), max_size=3))
    if overrides:
        spec["overrides"] = {day.isoformat(): spans for day, spans in sorted(overrides.items())}
    if countries:
        country = draw(
            st.one_of(
                st.none(),
                st.sampled_from(({"code": "RU"}, {"code": "US"}, {"code": "DE", "subdiv": "BY"})),
            )
        )
        if country is not None:
            spec["country"] = dict(country)
            if draw(st.integers(0, 2)) == 2:
                spec["pre_holiday"] = draw(st.sampled_from(("PT1H", "PT30M", "PT2H")))
    changes = draw(
        st.lists(st.tuples(_dates(), _custom_week()), max_size=2, unique_by=lambda e: e[0])
    )
    if changes:
        spec["weeks"] = [
            {"from": start.isoformat(), "week": week} for start, week in sorted(changes)
        ]
    return spec


def calendars(
    *, zones: Sequence[str] = ZONES, countries: bool = True
) -> st.SearchStrategy[Calendar]:
    """Valid :class:`~slaclock.Calendar` objects, shrinking toward Mon-Fri 09:00-17:00 UTC.

    ``zones`` limits the time zones; ``countries=False`` leaves out country data
    from the ``holidays`` package.  Every generated calendar has working time in
    every week, so ``deadline`` always answers.
    """
    return calendar_specs(zones=zones, countries=countries).map(Calendar.from_dict)


@functools.lru_cache(maxsize=64)
def _transitions(zone: tzinfo) -> tuple[datetime, ...]:
    """The instants (UTC) where ``zone`` changes its offset, 2023-2027."""
    found = []
    moment = datetime(2023, 1, 1, tzinfo=UTC)
    step = timedelta(hours=6)
    while moment.year < 2028:
        later = moment + step
        if moment.astimezone(zone).utcoffset() != later.astimezone(zone).utcoffset():
            low, high = moment, later
            while high - low > timedelta(seconds=1):
                middle = low + (high - low) / 2
                middle = middle.replace(microsecond=0)
                if low.astimezone(zone).utcoffset() == middle.astimezone(zone).utcoffset():
                    low = middle
                else:
                    high = middle
            found.append(high)
        moment = later
    return tuple(found)


_NUDGES = (
    timedelta(0),
    timedelta(microseconds=1),
    -timedelta(microseconds=1),
    timedelta(minutes=30),
    -timedelta(minutes=30),
)
_OTHER_ZONES: tuple[tzinfo, ...] = (
    UTC,
    timezone(timedelta(hours=5, minutes=30)),
    timezone(timedelta(hours=-8)),
    ZoneInfo("America/New_York"),
)


@st.composite
def _boundary_instant(draw: st.DrawFn, calendar: Calendar | None, zone: tzinfo) -> datetime:
    choice = draw(st.integers(0, 2))
    if choice == 0 and calendar is not None:
        spans = calendar.hours_on(draw(_dates()))
        if spans:
            return draw(st.sampled_from(spans))[draw(st.integers(0, 1))]
    if choice == 1:
        moments = _transitions(zone)
        if moments:
            return draw(st.sampled_from(moments))
    day = draw(_dates())
    return datetime.combine(day, time(0), tzinfo=zone)


def instants(
    calendar: Calendar | None = None,
    *,
    min_value: datetime = datetime(2023, 7, 1, tzinfo=UTC),
    max_value: datetime = datetime(2027, 7, 1, tzinfo=UTC),
) -> st.SearchStrategy[datetime]:
    """Aware datetimes, biased toward the instants where business time changes.

    About half are uniform between ``min_value`` and ``max_value``; the rest sit
    on or a microsecond or half an hour beside an opening or closing of
    ``calendar``, a local midnight, or a daylight-saving change of its zone.
    Each comes in a zone drawn from the calendar's own, UTC, fixed offsets and
    New York, so callers also exercise "results are in the calendar's zone".
    """
    if min_value.tzinfo is None or max_value.tzinfo is None:
        raise ValueError(f"instants() needs aware bounds; got {min_value!r} and {max_value!r}")
    zone: tzinfo = calendar.zone if calendar is not None else ZoneInfo("Europe/Berlin")
    uniform = st.datetimes(
        min_value=min_value.astimezone(UTC).replace(tzinfo=None),
        max_value=max_value.astimezone(UTC).replace(tzinfo=None),
    ).map(lambda naive: naive.replace(tzinfo=UTC))
    edge = st.builds(
        lambda moment, nudge: moment + nudge,
        _boundary_instant(calendar, zone),
        st.sampled_from(_NUDGES),
    ).filter(lambda moment: min_value <= moment <= max_value)
    shown_in = st.sampled_from((zone, *_OTHER_ZONES))
    return st.builds(_shown_in, st.one_of(edge, uniform), shown_in)


def _shown_in(moment: datetime, zone: tzinfo) -> datetime:
    return moment.astimezone(zone)


def durations(
    *,
    min_value: timedelta = timedelta(0),
    max_value: timedelta = timedelta(hours=300),
) -> st.SearchStrategy[timedelta]:
    """Durations between ``min_value`` and ``max_value``, biased toward round SLA targets.

    Shrinks toward zero; mixes whole hours and minutes (``PT2H``, ``PT8H``,
    ``PT30M``) with arbitrary microsecond counts.  Pass a negative ``min_value``
    to test backwards deadlines.
    """
    if min_value > max_value:
        raise ValueError(f"min_value {min_value!r} is above max_value {max_value!r}")
    low = min_value // timedelta(microseconds=1)
    high = max_value // timedelta(microseconds=1)
    hour = 3_600_000_000
    as_td: Callable[[int], timedelta] = lambda us: timedelta(microseconds=us)  # noqa: E731
    round_values = st.one_of(
        st.integers(-(-low // hour), high // hour).map(lambda h: h * hour),
        st.integers(-(-low // 60_000_000), high // 60_000_000).map(lambda m: m * 60_000_000),
    )
    return st.one_of(round_values, st.integers(low, high)).map(as_td)


_HOUR = timedelta(hours=1)
_TARGETS = (2 * _HOUR, _HOUR, 8 * _HOUR, 4 * _HOUR, timedelta(minutes=30), 24 * _HOUR)


def _targets() -> st.SearchStrategy[timedelta]:
    return st.one_of(
        st.sampled_from(_TARGETS), st.integers(1, 48 * 60).map(lambda m: timedelta(minutes=m))
    )


def _some_of(values: tuple[str, ...]) -> st.SearchStrategy[tuple[str, ...]]:
    """All of ``values`` (where it shrinks) or a non-empty part of them, in their order."""
    part = st.sets(st.sampled_from(values), min_size=1).map(
        lambda chosen: tuple(v for v in values if v in chosen)
    )
    return st.one_of(st.just(values), part)


@st.composite
def tiers(draw: st.DrawFn, *, calendar: Calendar | None = None) -> Tier:
    """Valid :class:`~slaclock.Tier` objects, shrinking toward a 2-hour reaction on 09-17 UTC.

    Pass ``calendar`` to pin the calendar; otherwise one comes from
    :func:`calendars`.  Targets, scope, channels, monthly budget, "at risk"
    threshold, cycle rule and pausing while pending all vary.
    """
    on = calendar if calendar is not None else draw(calendars())
    reaction = draw(_targets())
    first = draw(st.none() | _targets())
    resolution = draw(st.none() | _targets().map(lambda target: target * 4))
    budget = draw(st.none() | st.integers(1, 40).map(lambda hours: hours * _HOUR))
    return Tier(
        id=draw(st.sampled_from(("SLA-2", "SLA-1", "SLA-3", "SLA-4", "GOLD"))),
        name=draw(st.sampled_from(("Enterprise", "Customer", "OnDemand", "Hoster", "Gold"))),
        calendar=on,
        reaction=reaction,
        first_reaction=first,
        resolution=resolution,
        types=frozenset(draw(_some_of(INCIDENT_TYPES))),
        third_party=draw(st.booleans()),
        channels=draw(_some_of(CHANNELS)),
        budget=budget,
        at_risk=draw(
            st.one_of(
                st.just(Fraction(3, 4)),
                st.integers(1, 100).map(lambda percent: Fraction(percent, 100)),
            )
        ),
        cycle_rule=draw(st.sampled_from(CYCLE_RULES)),
        pause_reaction_when_pending=draw(st.booleans()),
    )


# The kinds in the order logs shrink toward (a ticket answered once first); which of
# them may come next, and the state they lead to, is the lifecycle's own table.
_SHRINK_ORDER = (
    "agent_reply",
    "customer_message",
    "pending",
    "resolved",
    "reopened",
    "work_logged",
    "closed",
)
_NEXT_KINDS = {
    state: tuple(kind for kind in _SHRINK_ORDER if kind in allowed_kinds(state))
    for state in STATES
    if state != NEW
}
_GAPS = (timedelta(0), timedelta(minutes=20), 2 * _HOUR, 17 * _HOUR, 65 * _HOUR)


@st.composite
def incidents(
    draw: st.DrawFn,
    *,
    calendar: Calendar | None = None,
    tier: Tier | None = None,
    max_events: int = 12,
) -> Incident:
    """Valid :class:`~slaclock.Incident` event logs, opened near the calendar's edges.

    The log follows the incident rules (one ``opened`` first, time order,
    nothing after ``closed``, ``reopened`` only when resolved, ...), with gaps
    from zero (equal instants) to a long weekend.  ``calendar`` (or the
    ``tier``'s) biases the opening toward openings, closings and DST changes.
    With ``tier``, three in four incidents are in its scope.  Shrinks toward a
    ticket opened and answered once.
    """
    on = calendar if calendar is not None else (tier.calendar if tier is not None else None)
    zone: tzinfo = on.zone if on is not None else UTC
    start = draw(instants(on))
    vocabulary = tier.vocabulary if tier is not None else DEFAULT_VOCABULARY
    kind_of_ticket = draw(st.sampled_from(vocabulary.types))
    channel: str | None = draw(st.sampled_from(vocabulary.channels) | st.none())
    third_party = draw(st.booleans())
    if tier is not None and draw(st.integers(0, 3)) < 3:
        kind_of_ticket = draw(st.sampled_from(sorted(tier.types)))
        channel = draw(st.sampled_from(tier.channels))
        third_party = third_party and tier.third_party
    events = [
        Event("opened", start.astimezone(zone), by=draw(st.sampled_from(("customer", "agent"))))
    ]
    moment, state = start, OPEN
    for _ in range(draw(st.integers(1, max(max_events - 1, 1)))):
        if not _NEXT_KINDS[state]:  # closed: nothing follows
            break
        gap = draw(
            st.sampled_from(_GAPS)
            | st.integers(0, 100 * 3600).map(lambda seconds: timedelta(seconds=seconds))
        )
        moment = moment.astimezone(UTC) + gap
        kind = draw(st.sampled_from(_NEXT_KINDS[state]))
        work = draw(durations(max_value=8 * _HOUR)) if kind == "work_logged" else None
        events.append(Event(kind, moment.astimezone(zone), duration=work))
        following = next_state(state, kind)
        assert following is not None  # drawn from the kinds allowed here
        state = following
    return Incident(
        id=f"INC-{draw(st.integers(1, 99_999))}",
        type=kind_of_ticket,
        channel=channel,
        third_party=third_party,
        events=tuple(events),
        customer=draw(st.none() | st.sampled_from(_CUSTOMERS)),
        contract=draw(st.none() | st.sampled_from(_CONTRACTS)),
        attributes=Attributes(draw(st.just({}) | _ATTRIBUTES)),
        vocabulary=vocabulary,
    )


# Whom an incident is for: a few names, so that budgets per contract group several.
_CUSTOMERS = ("ACME", "Globex", "Initech")
_CONTRACTS = ("C-1", "C-2", "ACME-2026")
_JSON_LEAVES = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8)
)
_ATTRIBUTES = st.dictionaries(
    st.text(max_size=8),
    st.recursive(
        _JSON_LEAVES,
        lambda inner: (
            st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
        ),
        max_leaves=6,
    ),
    min_size=1,
    max_size=3,
)
