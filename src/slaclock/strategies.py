"""Hypothesis strategies for property tests of SLA logic built on slaclock.

Use these in your own tests when a handful of hand-picked calendars is not
enough: they generate valid calendars that shrink toward Monday-Friday
09:00-17:00 UTC, and deliberately hit the edges where business-time code breaks
(daylight-saving changes including Lord Howe's 30-minute one, the southern
hemisphere, overnight shifts, lunch breaks, ``24:00`` ends, holidays, per-date
overrides, Russia's transferred working Saturdays), plus tiers and incident
event logs that follow the incident rules, catalogs and single events.  Each
feature can be switched off (``calendars(dst=False, overnight=False, ...)``) so a
test can grow one difficulty at a time; bad arguments raise Hypothesis'
``InvalidArgument``.  Needs the optional ``hypothesis`` extra:
``pip install 'slaclock[hypothesis]'``, which also lets ``st.from_type`` find
these strategies for ``Calendar``, ``Tier``, ``Catalog``, ``Incident`` and ``Event``.
See docs/howto-property-tests.md.

>>> from datetime import timedelta
>>> from hypothesis import given, settings
>>> from slaclock.strategies import calendars, durations, instants
>>> @settings(max_examples=25, deadline=None)  # a new calendar compiles on first use
... @given(calendars(), instants(), durations())
... def test_deadline_spends_exactly_the_duration(calendar, start, duration):
...     assert calendar.elapsed(start, calendar.deadline(start, duration)) == duration
>>> test_deadline_spends_exactly_the_duration()

The simplest calendar, the one every failing example shrinks toward:

>>> from hypothesis import Phase, find
>>> no_explain = settings(database=None, phases=[Phase.generate, Phase.shrink])
>>> simplest = find(calendars(), lambda calendar: True, settings=no_explain)
>>> simplest.tz, simplest.to_dict()["week"]["mon"], simplest.to_dict()["week"]["sat"]
('UTC', [['09:00', '17:00']], [])
"""

from __future__ import annotations

import functools
import json
import operator
from collections.abc import Callable, Collection, Iterable, Sequence
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from decimal import Decimal
from fractions import Fraction
from typing import Any
from zoneinfo import ZoneInfo

try:
    from hypothesis import strategies as st
    from hypothesis.errors import InvalidArgument
except ImportError as error:  # pragma: no cover - exercised in a subprocess test
    raise ImportError(
        "slaclock.strategies needs Hypothesis, an optional extra: "
        "pip install 'slaclock[hypothesis]'"
    ) from error

from slaclock import Attributes, Calendar, Catalog, Event, Incident, Price, SpecError, Tier
from slaclock._calendar.spec import parse_zone
from slaclock._sla.incident import OPENERS
from slaclock._sla.lifecycle import CLOSED, EVENT_KINDS, OPEN, allowed_kinds, next_state
from slaclock._sla.tier import CHANNELS, CYCLE_RULES, INCIDENT_TYPES
from slaclock._sla.vocabulary import DEFAULT_VOCABULARY

__all__ = [
    "NO_DST_ZONES",
    "ZONES",
    "calendar_specs",
    "calendars",
    "catalogs",
    "durations",
    "events",
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

NO_DST_ZONES: tuple[str, ...] = ("UTC", "Europe/Moscow", "Asia/Kolkata")
"""Zones without daylight saving in the years the strategies cover, for
``calendars(dst=False)``: UTC, Moscow (the origin) and India's half-hour offset."""
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


@functools.cache
def _dates() -> st.SearchStrategy[date]:
    return st.one_of(
        st.sampled_from(_EDGE_DATES), st.dates(min_value=_FIRST_DAY, max_value=_LAST_DAY)
    )


@functools.cache
def _boundaries() -> st.SearchStrategy[int]:
    return st.one_of(
        st.sampled_from(_EDGE_MINUTES), st.integers(0, 96).map(lambda quarter: quarter * 15)
    )


@functools.cache  # one strategy object: building strategies per draw is slow
@st.composite
def _day_spans(draw: st.DrawFn) -> list[list[str]]:
    """One day's intervals, sorted, not touching, none past midnight (``24:00`` may end one)."""
    points = sorted(set(draw(_once("points"))))
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


@functools.cache  # one strategy object: building strategies per draw is slow
@st.composite
def _custom_week(draw: st.DrawFn, overnight: bool) -> dict[str, list[list[str]]]:
    # Up to three kinds of day, each weekday one of them: real weeks repeat their
    # hours, and seven independent days would spend most of Hypothesis' choice budget.
    kinds = draw(st.lists(_day_spans(), min_size=1, max_size=3))
    days = [kinds[draw(st.integers(0, len(kinds) - 1))] for _ in _WEEKDAYS]
    firsts = [_minutes(spans[0][0]) if spans else 1440 for spans in days]
    # Overnight intervals are added afterwards, each ending by the next day's
    # first start, so one weekday never runs into the next.
    for index in range(7):
        if overnight and draw(st.integers(0, 3)) == 3:
            days[index] = draw(_with_overnight(days[index], firsts[(index + 1) % 7]))
    if not any(days):
        days[0] = [["09:00", "17:00"]]  # a week with no hours at all is a different test
    return dict(zip(_WEEKDAYS, days, strict=True))


@functools.cache
def _weeks(overnight: bool) -> st.SearchStrategy[dict[str, list[list[str]]]]:
    return st.one_of(
        st.just(_NINE_TO_FIVE),
        st.just(
            {
                **_NINE_TO_FIVE,
                **{d: [["09:00", "13:00"], ["14:00", "18:00"]] for d in _WEEKDAYS[:5]},
            }
        ),
        _custom_week(overnight),
        st.just(_ALWAYS),
    )


_COUNTRIES = ({"code": "RU"}, {"code": "US"}, {"code": "DE", "subdiv": "BY"})


def _check_flags(function: str, **flags: object) -> None:
    for name, value in flags.items():
        if not isinstance(value, bool):
            raise InvalidArgument(f"{function}({name}={value!r}): {name} must be True or False")


def _has_dst(key: str) -> bool:
    return bool(_transitions(ZoneInfo(key)))


def _check_zones(function: str, zones: object, *, dst: bool) -> tuple[str, ...]:
    """The zones to draw from: checked names, or the default for ``dst``."""
    if zones is None:
        return ZONES if dst else NO_DST_ZONES
    if isinstance(zones, str) or not isinstance(zones, Iterable):
        raise InvalidArgument(
            f"{function}(zones={zones!r}): zones must be a non-empty sequence of IANA zone "
            f"names such as ['UTC', 'Europe/Moscow'] (a single name goes in a list)"
        )
    chosen = tuple(zones)
    if not chosen:
        raise InvalidArgument(f"{function}(zones=[]): zones must name at least one zone")
    for key in chosen:
        try:
            parse_zone(key, path="zones")
        except SpecError as error:
            raise InvalidArgument(f"{function}(zones={zones!r}): {error.reason}") from None
        if not dst and _has_dst(key):
            raise InvalidArgument(
                f"{function}(zones={zones!r}, dst=False): {key!r} changes its UTC offset "
                f"between 2023 and 2027; pass zones without daylight saving such as "
                f"{', '.join(map(repr, NO_DST_ZONES))}, or dst=True"
            )
    return chosen


def calendar_specs(
    *,
    zones: Sequence[str] | None = None,
    holidays: bool = True,
    overrides: bool = True,
    overnight: bool = True,
    dst: bool = True,
    country: bool = True,
    weeks: bool = True,
) -> st.SearchStrategy[dict[str, Any]]:
    """Valid calendar spec mappings (the shape of ``Calendar.from_dict``).

    Use this instead of :func:`calendars` when the test also needs the spec
    itself (to build a variant, or to check a round trip).  The options are
    those of :func:`calendars`.
    """
    return _checked_specs(
        "calendar_specs",
        zones,
        holidays=holidays,
        overrides=overrides,
        overnight=overnight,
        dst=dst,
        country=country,
        weeks=weeks,
    )


def _checked_specs(
    function: str,
    zones: Any,
    *,
    holidays: bool,
    overrides: bool,
    overnight: bool,
    dst: bool,
    country: bool,
    weeks: bool,
) -> st.SearchStrategy[dict[str, Any]]:
    """The spec strategy of :func:`calendars` and :func:`calendar_specs`, its options checked
    eagerly in the name of ``function``."""
    _check_flags(
        function,
        holidays=holidays,
        overrides=overrides,
        overnight=overnight,
        dst=dst,
        country=country,
        weeks=weeks,
    )
    return _calendar_specs(
        _check_zones(function, zones, dst=dst),
        holidays=holidays,
        overrides=overrides,
        overnight=overnight,
        country=country,
        weeks=weeks,
    )


@functools.cache
def _changes(overnight: bool) -> st.SearchStrategy[list[tuple[date, dict[str, list[list[str]]]]]]:
    return st.lists(
        st.tuples(_dates(), _custom_week(overnight)), max_size=2, unique_by=operator.itemgetter(0)
    )


@st.composite
def _calendar_specs(
    draw: st.DrawFn,
    zones: tuple[str, ...],
    *,
    holidays: bool,
    overrides: bool,
    overnight: bool,
    country: bool,
    weeks: bool,
) -> dict[str, Any]:
    spec: dict[str, Any] = {"tz": draw(st.sampled_from(zones)), "week": draw(_weeks(overnight))}
    if holidays:
        closed = draw(_once("closed"))
        if closed:
            spec["holidays"] = sorted(day.isoformat() for day in closed)
    if overrides:
        changed = draw(_once("changed"))
        if changed:
            spec["overrides"] = {day.isoformat(): spans for day, spans in sorted(changed.items())}
    if country:
        data = draw(_once("country"))
        if data is not None:
            spec["country"] = dict(data)
            if draw(st.integers(0, 2)) == 2:
                spec["pre_holiday"] = draw(st.sampled_from(("PT1H", "PT30M", "PT2H")))
    if weeks:
        changes = draw(_changes(overnight))
        if changes:
            spec["weeks"] = [
                {"from": start.isoformat(), "week": week} for start, week in sorted(changes)
            ]
    return spec


def calendars(
    *,
    zones: Sequence[str] | None = None,
    holidays: bool = True,
    overrides: bool = True,
    overnight: bool = True,
    dst: bool = True,
    country: bool = True,
    weeks: bool = True,
) -> st.SearchStrategy[Calendar]:
    """Valid :class:`~slaclock.Calendar` objects, shrinking toward Mon-Fri 09:00-17:00 UTC.

    Every feature can be switched off, so a test can start from the simplest
    calendars and grow: ``holidays=False`` (no holidays list), ``overrides=False``
    (no per-date hours), ``overnight=False`` (no interval runs past midnight),
    ``dst=False`` (only zones without daylight saving, by default
    :data:`NO_DST_ZONES`), ``country=False`` (no country data from the
    ``holidays`` package, hence no transferred working days or pre-holiday
    shortening), ``weeks=False`` (the weekly hours never change).  ``zones``
    limits the time zones (default :data:`ZONES`).  Every generated week has
    working hours on some day, so ``deadline`` always answers.

    >>> from hypothesis import Phase, find, settings
    >>> plain = find(calendars(holidays=False, overrides=False, overnight=False, dst=False,
    ...                        country=False, weeks=False), lambda cal: cal.tz != "UTC",
    ...              settings=settings(database=None, phases=[Phase.generate, Phase.shrink]))
    >>> plain.tz, sorted(plain.to_dict())
    ('Europe/Moscow', ['tz', 'week'])
    """
    return _checked_specs(
        "calendars",
        zones,
        holidays=holidays,
        overrides=overrides,
        overnight=overnight,
        dst=dst,
        country=country,
        weeks=weeks,
    ).map(_calendar_of)


def _calendar_of(spec: dict[str, Any]) -> Calendar:
    return _calendar_from_text(json.dumps(spec))


@functools.lru_cache(maxsize=128)
def _calendar_from_text(text: str) -> Calendar:
    # One calendar per spec: while Hypothesis shrinks, most candidates repeat the
    # calendar, and a shared (immutable) one keeps its compiled years.
    return Calendar.from_dict(json.loads(text))


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
    if calendar is not None and not isinstance(calendar, Calendar):
        raise InvalidArgument(
            f"instants(calendar={calendar!r}): calendar must be a slaclock.Calendar or None"
        )
    for name, bound in (("min_value", min_value), ("max_value", max_value)):
        if not isinstance(bound, datetime) or bound.utcoffset() is None:
            raise InvalidArgument(
                f"instants({name}={bound!r}): {name} must be an aware datetime such as "
                f"datetime(2024, 1, 1, tzinfo=UTC)"
            )
    if min_value > max_value:
        raise InvalidArgument(
            f"instants(min_value={min_value.isoformat()}, max_value={max_value.isoformat()}): "
            f"min_value is after max_value"
        )
    return _instants(calendar, min_value, max_value)


@functools.lru_cache(maxsize=256)  # incidents() asks again for every log's calendar
def _instants(
    calendar: Calendar | None, min_value: datetime, max_value: datetime
) -> st.SearchStrategy[datetime]:
    zone: tzinfo = calendar.zone if calendar is not None else ZoneInfo("Europe/Berlin")
    uniform = st.datetimes(
        min_value=min_value.astimezone(UTC).replace(tzinfo=None),
        max_value=max_value.astimezone(UTC).replace(tzinfo=None),
    ).map(lambda naive: naive.replace(tzinfo=UTC))
    # Clamped, not filtered: a filter would throw drawn examples away (and slow shrinking).
    edge = st.builds(
        lambda moment, nudge: min(max(moment + nudge, min_value), max_value),
        _boundary_instant(calendar, zone),
        st.sampled_from(_NUDGES),
    )
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
    for name, bound in (("min_value", min_value), ("max_value", max_value)):
        if not isinstance(bound, timedelta):
            raise InvalidArgument(
                f"durations({name}={bound!r}): {name} must be a timedelta such as "
                f"timedelta(hours=2)"
            )
    if min_value > max_value:
        raise InvalidArgument(
            f"durations(min_value={min_value!r}, max_value={max_value!r}): "
            f"min_value is above max_value"
        )
    return _durations(
        min_value // timedelta(microseconds=1), max_value // timedelta(microseconds=1)
    )


@functools.cache
def _durations(low: int, high: int) -> st.SearchStrategy[timedelta]:
    choices = []
    for unit in (3_600_000_000, 60_000_000):  # whole hours, then whole minutes
        first, last = -(-low // unit), high // unit
        if first <= last:
            choices.append(st.integers(first, last).map(functools.partial(operator.mul, unit)))
    return st.one_of(*choices, st.integers(low, high)).map(_microseconds)


def _microseconds(count: int) -> timedelta:
    return timedelta(microseconds=count)


_HOUR = timedelta(hours=1)
_TARGETS = (2 * _HOUR, _HOUR, 8 * _HOUR, 4 * _HOUR, timedelta(minutes=30), 24 * _HOUR)
_TIER_IDS = ("SLA-2", "SLA-1", "SLA-3", "SLA-4", "GOLD")
_TIER_NAMES = ("Enterprise", "Customer", "OnDemand", "Hoster", "Gold")


@functools.cache
def _targets() -> st.SearchStrategy[timedelta]:
    return st.one_of(
        st.sampled_from(_TARGETS), st.integers(1, 48 * 60).map(lambda m: timedelta(minutes=m))
    )


@functools.cache
def _some_of(values: tuple[str, ...]) -> st.SearchStrategy[tuple[str, ...]]:
    """All of ``values`` (where it shrinks) or a non-empty part of them, in their order."""
    part = st.sets(st.sampled_from(values), min_size=1).map(
        lambda chosen: tuple(v for v in values if v in chosen)
    )
    return st.one_of(st.just(values), part)


# Whom an incident is for: a few names, so that budgets per contract group several.
_CUSTOMERS = ("ACME", "Globex", "Initech")
_CONTRACTS = ("C-1", "C-2", "ACME-2026")


# Strategies drawn from inside composites, built once: a strategy built per draw is
# validated per draw, which costs more than the draw itself.
@functools.cache
def _once(name: str) -> st.SearchStrategy[Any]:
    return _ONCE[name]()


_ONCE: dict[str, Callable[[], st.SearchStrategy[Any]]] = {
    "points": lambda: st.lists(_boundaries(), max_size=6),
    "closed": lambda: st.lists(_dates(), max_size=3, unique=True),
    "changed": lambda: st.dictionaries(_dates(), _day_spans(), max_size=3),
    "country": lambda: st.one_of(st.none(), st.sampled_from(_COUNTRIES)),
    "first": lambda: st.none() | _targets(),
    "resolution": lambda: st.none() | _targets().map(functools.partial(operator.mul, 4)),
    "budget": lambda: st.none() | st.integers(1, 40).map(functools.partial(operator.mul, _HOUR)),
    "at_risk": lambda: st.one_of(
        st.just(Fraction(3, 4)), st.integers(1, 100).map(lambda percent: Fraction(percent, 100))
    ),
    "customer": lambda: st.none() | st.sampled_from(_CUSTOMERS),
    "contract": lambda: st.none() | st.sampled_from(_CONTRACTS),
    "attributes": lambda: _attributes(),
}


def _strategy_of(
    function: str, name: str, value: object, kind: type
) -> st.SearchStrategy[Any] | None:
    """``value`` as a strategy: a ``kind`` is pinned with ``just``, a strategy kept, ``None`` stays."""
    if value is None:
        return None
    if isinstance(value, kind):
        return st.just(value)
    if isinstance(value, st.SearchStrategy):
        return value
    raise InvalidArgument(
        f"{function}({name}={value!r}): {name} must be a slaclock.{kind.__name__}, "
        f"a strategy of them, or None"
    )


def tiers(
    *,
    calendar: Calendar | st.SearchStrategy[Calendar] | None = None,
    first_reaction: bool = True,
    resolution: bool = True,
    budget: bool = True,
    pause: bool = True,
    restart: bool = True,
) -> st.SearchStrategy[Tier]:
    """Valid :class:`~slaclock.Tier` objects, shrinking toward a 2-hour reaction on 09-17 UTC.

    ``calendar`` pins the calendar (a :class:`~slaclock.Calendar`) or says where
    calendars come from (a strategy such as ``calendars(dst=False)``); by default
    :func:`calendars`.  Targets, scope, channels, price, contract, monthly budget, "at risk"
    threshold, cycle rule and pausing while pending all vary; switch features
    off to grow a test step by step: ``first_reaction=False`` (the first cycle
    has the usual target), ``resolution=False`` (no resolution target),
    ``budget=False`` (unlimited hours), ``pause=False`` (pending never pauses a
    reaction clock), ``restart=False`` (only the oldest-unanswered cycle rule).
    """
    _check_flags(
        "tiers",
        first_reaction=first_reaction,
        resolution=resolution,
        budget=budget,
        pause=pause,
        restart=restart,
    )
    on = _strategy_of("tiers", "calendar", calendar, Calendar)
    if on is None:
        on = calendars()
    return _tiers(
        on,
        first_reaction=first_reaction,
        resolution=resolution,
        budget=budget,
        pause=pause,
        restart=restart,
    )


@st.composite
def _tiers(
    draw: st.DrawFn,
    on: st.SearchStrategy[Calendar],
    *,
    first_reaction: bool,
    resolution: bool,
    budget: bool,
    pause: bool,
    restart: bool,
    tier_id: str | None = None,
    calendar_name: str | None = None,
) -> Tier:
    calendar = draw(on)
    reaction = draw(_targets())
    return Tier(
        id=tier_id if tier_id is not None else draw(st.sampled_from(_TIER_IDS)),
        name=draw(st.sampled_from(_TIER_NAMES)),
        calendar=calendar,
        reaction=reaction,
        first_reaction=draw(_once("first")) if first_reaction else None,
        resolution=(draw(_once("resolution")) if resolution else None),
        types=frozenset(draw(_some_of(INCIDENT_TYPES))),
        third_party=draw(st.booleans()),
        channels=draw(_some_of(CHANNELS)),
        budget=(draw(_once("budget")) if budget else None),
        price=draw(_prices()),
        contract_required=draw(st.booleans()),
        at_risk=draw(_once("at_risk")),
        cycle_rule=draw(st.sampled_from(CYCLE_RULES)) if restart else CYCLE_RULES[0],
        pause_reaction_when_pending=draw(st.booleans()) if pause else False,
        calendar_name=calendar_name,
    )


@functools.cache
def _prices() -> st.SearchStrategy[Price | None]:
    amounts = st.sampled_from((Decimal(20000), Decimal(0), Decimal(300000), Decimal("12.50")))
    return st.none() | st.builds(
        Price,
        amounts,
        st.sampled_from(("RUB", "EUR", "USD")),
        st.sampled_from(("month", "year", None)),
    )


_CALENDAR_NAMES = ("office", "night", "support")


def catalogs(
    *,
    calendars: st.SearchStrategy[Calendar] | None = None,
    min_tiers: int = 1,
    max_tiers: int = 4,
) -> st.SearchStrategy[Catalog]:
    """Valid :class:`~slaclock.Catalog` objects: one to three named calendars and their tiers.

    Each tier names one of the catalog's calendars (as a catalog file does);
    ``calendars`` is where the calendars come from (default :func:`calendars`),
    and the catalog holds between ``min_tiers`` and ``max_tiers`` tiers with
    distinct ids.  Shrinks toward one 09-17 UTC calendar and one tier.
    """
    if calendars is not None and not isinstance(calendars, st.SearchStrategy):
        raise InvalidArgument(
            f"catalogs(calendars={calendars!r}): calendars must be a strategy of calendars "
            f"(wrap one calendar in st.just) or None"
        )
    on = _default_calendars() if calendars is None else calendars
    for name, value in (("min_tiers", min_tiers), ("max_tiers", max_tiers)):
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise InvalidArgument(f"catalogs({name}={value!r}): {name} must be an integer >= 1")
    if min_tiers > max_tiers:
        raise InvalidArgument(
            f"catalogs(min_tiers={min_tiers}, max_tiers={max_tiers}): min_tiers is above max_tiers"
        )
    return _catalogs(on, min_tiers, max_tiers)


_default_calendars = calendars  # catalogs() takes an argument of that name


@st.composite
def _catalogs(
    draw: st.DrawFn, on: st.SearchStrategy[Calendar], min_tiers: int, max_tiers: int
) -> Catalog:
    named = draw(st.lists(on, min_size=1, max_size=len(_CALENDAR_NAMES)))
    known = dict(zip(_CALENDAR_NAMES, named, strict=False))
    count = draw(st.integers(min_tiers, max_tiers))
    ids = [*_TIER_IDS, *(f"T{n}" for n in range(len(_TIER_IDS), count))][:count]
    tiers_by_id = {}
    for tier_id in ids:
        name = draw(st.sampled_from(tuple(known)))
        tiers_by_id[tier_id] = draw(
            _tiers(
                st.just(known[name]),
                first_reaction=True,
                resolution=True,
                budget=True,
                pause=True,
                restart=True,
                tier_id=tier_id,
                calendar_name=name,
            )
        )
    return Catalog(known, tiers_by_id)


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
_CHANGE = "tier_changed"  # only with a catalog: see incidents()
_GAPS = (timedelta(0), timedelta(minutes=20), 2 * _HOUR, 17 * _HOUR, 65 * _HOUR)
_UNBOUNDED = 1 << 30


def _check_kinds(function: str, kinds: object) -> tuple[str, ...]:
    """The kinds that may follow ``opened``, in the order logs shrink toward."""
    if kinds is None:
        return _SHRINK_ORDER
    if isinstance(kinds, str) or not isinstance(kinds, Iterable):
        raise InvalidArgument(
            f"{function}(kinds={kinds!r}): kinds must be a collection of event kinds such as "
            f"['agent_reply', 'customer_message'] (a single kind goes in a list)"
        )
    chosen = set(kinds)
    unknown = sorted(str(kind) for kind in chosen - set(EVENT_KINDS))
    if unknown:
        raise InvalidArgument(
            f"{function}(kinds={kinds!r}): unknown event kind(s) {', '.join(map(repr, unknown))}; "
            f"the kinds are {', '.join(map(repr, EVENT_KINDS))}"
        )
    return tuple(kind for kind in _SHRINK_ORDER if kind in chosen)


def _choices(state: str, kinds: tuple[str, ...]) -> tuple[str, ...]:
    allowed = allowed_kinds(state)
    return tuple(kind for kind in kinds if kind in allowed)


def _longest(state: str, kinds: tuple[str, ...], seen: frozenset[str] = frozenset()) -> int:
    """How many events can still follow in ``state`` (``_UNBOUNDED`` when a loop is reachable)."""
    best = 0
    for kind in _choices(state, kinds):
        following = next_state(state, kind)
        assert following is not None  # allowed here
        if following in seen or following == state:
            return _UNBOUNDED
        best = max(best, 1 + _longest(following, kinds, seen | {state}))
    return min(best, _UNBOUNDED)


def _check_events(function: str, min_events: object, max_events: object) -> None:
    for name, value in (("min_events", min_events), ("max_events", max_events)):
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise InvalidArgument(
                f"{function}({name}={value!r}): {name} must be an integer >= 1 "
                f"(the 'opened' event counts)"
            )
    assert isinstance(min_events, int) and isinstance(max_events, int)
    if min_events > max_events:
        raise InvalidArgument(
            f"{function}(min_events={min_events}, max_events={max_events}): "
            f"min_events is above max_events"
        )


def incidents(
    *,
    calendar: Calendar | st.SearchStrategy[Calendar] | None = None,
    tier: Tier | st.SearchStrategy[Tier] | None = None,
    kinds: Collection[str] | None = None,
    min_events: int = 1,
    max_events: int = 12,
    agent_opened: bool = True,
    catalog: Catalog | st.SearchStrategy[Catalog] | None = None,
) -> st.SearchStrategy[Incident]:
    """Valid :class:`~slaclock.Incident` event logs, opened near the calendar's edges.

    The log follows the incident rules (one ``opened`` first, time order,
    nothing after ``closed``, ``reopened`` only when resolved, ...): each event
    is chosen among those the lifecycle table allows next, so nothing is
    filtered away and a failing log shrinks by dropping events.  Gaps run from
    zero (equal instants) to a long weekend.  ``calendar`` (or the ``tier``'s)
    biases the opening toward openings, closings and DST changes.  With
    ``tier``, three in four incidents are in its scope.  Both take a value or a
    strategy.  ``kinds`` limits the kinds that may follow ``opened`` (say
    ``["agent_reply", "customer_message"]`` for a first test), the log has
    ``min_events`` to ``max_events`` events counting ``opened`` (fewer when it
    is closed early), and ``agent_opened=False`` leaves out tickets an agent
    opened.  Shrinks toward a ticket opened by its customer and nothing more.

    With ``catalog`` (a value or a strategy) the incident names one of its tiers
    (``tier``'s id when given; then it should be in the catalog) and is
    checked against its vocabulary, and ``tier_changed`` events to its tiers
    may follow the opening wherever the lifecycle table allows them (also with
    ``kinds``, when it lists ``tier_changed``); without it no log changes tier,
    so properties written before tier changes keep their meaning.
    """
    _check_flags("incidents", agent_opened=agent_opened)
    calendar_s = _strategy_of("incidents", "calendar", calendar, Calendar)
    tier_s = _strategy_of("incidents", "tier", tier, Tier)
    catalog_s = _strategy_of("incidents", "catalog", catalog, Catalog)
    if isinstance(kinds, Iterable) and not isinstance(kinds, str):
        kinds = tuple(kinds)  # read twice below
    order = _check_kinds("incidents", kinds)
    changing = kinds is None or _CHANGE in kinds
    if catalog_s is not None and changing:
        order = (*order, _CHANGE)
    elif catalog_s is None and kinds is not None and _CHANGE in kinds:
        raise InvalidArgument(
            f"incidents(kinds={kinds!r}): a 'tier_changed' event names a tier of a catalog; "
            "pass catalog= as well"
        )
    _check_events("incidents", min_events, max_events)
    if 1 + _longest(OPEN, order) < min_events:
        raise InvalidArgument(
            f"incidents(kinds={kinds!r}, min_events={min_events}): a log of these kinds has "
            f"at most {1 + _longest(OPEN, order)} events"
        )
    return _incidents(calendar_s, tier_s, order, min_events, max_events, agent_opened, catalog_s)


@functools.cache
def _step(kinds: tuple[str, ...]) -> st.SearchStrategy[tuple[str, timedelta]]:
    """One event after the opening: a preferred kind and the gap before it."""
    return st.tuples(
        st.sampled_from(kinds or _SHRINK_ORDER),
        st.sampled_from(_GAPS) | st.integers(0, 100 * 3600).map(lambda s: timedelta(seconds=s)),
    )


@st.composite
def _incidents(
    draw: st.DrawFn,
    calendar_s: st.SearchStrategy[Calendar] | None,
    tier_s: st.SearchStrategy[Tier] | None,
    kinds: tuple[str, ...],
    min_events: int,
    max_events: int,
    agent_opened: bool,
    catalog_s: st.SearchStrategy[Catalog] | None,
) -> Incident:
    chosen_tier = draw(tier_s) if tier_s is not None else None
    chosen_catalog = draw(catalog_s) if catalog_s is not None else None
    tier_ids: list[str] = [] if chosen_catalog is None else list(chosen_catalog.tiers)
    if chosen_catalog is not None and chosen_tier is None:
        chosen_tier = chosen_catalog.tiers[draw(st.sampled_from(tier_ids))]
    on = draw(calendar_s) if calendar_s is not None else None
    if on is None and chosen_tier is not None:
        on = chosen_tier.calendar
    zone: tzinfo = on.zone if on is not None else UTC
    start = draw(instants(on))
    vocabulary = (
        chosen_catalog.vocabulary
        if chosen_catalog is not None
        else chosen_tier.vocabulary
        if chosen_tier is not None
        else DEFAULT_VOCABULARY
    )
    kind_of_ticket = draw(st.sampled_from(vocabulary.types))
    channel: str | None = draw(_channels(vocabulary.channels))
    third_party = draw(st.booleans())
    if chosen_tier is not None and draw(st.integers(0, 3)) < 3:
        kind_of_ticket = draw(st.sampled_from(sorted(chosen_tier.types)))
        channel = draw(st.sampled_from(chosen_tier.channels))
        third_party = third_party and chosen_tier.third_party
    opener = draw(st.sampled_from(OPENERS)) if agent_opened else OPENERS[0]
    events = [Event("opened", start.astimezone(zone), by=opener)]
    # The steps are drawn as one list, so the shrinker deletes events; each step's
    # kind is its preferred one when the table allows it there, else the next
    # allowed after it, so every list of steps is a valid log.
    steps = draw(st.lists(_step(kinds), min_size=min_events - 1, max_size=max(max_events - 1, 0)))
    moment, state = start, OPEN
    for index, (preferred, gap) in enumerate(steps):
        needed = min_events - 2 - index  # events still owed after this one
        choices = [
            kind
            for kind in _choices(state, kinds)
            if _longest(next_state(state, kind) or CLOSED, kinds) >= needed
        ]
        if not choices:  # closed, or no kind of ``kinds`` may follow
            break
        at = kinds.index(preferred)
        kind = next((k for k in kinds[at:] + kinds[:at] if k in choices), choices[0])
        moment = moment.astimezone(UTC) + gap
        work = draw(durations(max_value=8 * _HOUR)) if kind == "work_logged" else None
        moved = draw(st.sampled_from(tier_ids)) if kind == _CHANGE else None
        events.append(Event(kind, moment.astimezone(zone), duration=work, tier=moved))
        following = next_state(state, kind)
        assert following is not None  # chosen among the kinds allowed here
        state = following
    return Incident(
        id=f"INC-{draw(st.integers(1, 99_999))}",
        type=kind_of_ticket,
        channel=channel,
        third_party=third_party,
        events=tuple(events),
        customer=draw(_once("customer")),
        contract=draw(_once("contract")),
        attributes=Attributes(draw(_once("attributes"))),
        vocabulary=vocabulary,
        tier=None if chosen_catalog is None or chosen_tier is None else chosen_tier.id,
    )


@functools.cache
def _channels(channels: tuple[str, ...]) -> st.SearchStrategy[str | None]:
    return st.sampled_from(channels) | st.none()


def _attributes() -> st.SearchStrategy[dict[str, Any]]:
    leaves = (
        st.none()
        | st.booleans()
        | st.integers()
        | st.floats(allow_nan=False, allow_infinity=False)
        | st.text(max_size=8)
    )
    values = st.recursive(
        leaves,
        lambda inner: (
            st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
        ),
        max_leaves=6,
    )
    return st.just({}) | st.dictionaries(st.text(max_size=8), values, min_size=1, max_size=3)


@st.composite
def _events(draw: st.DrawFn) -> Event:
    kind = draw(st.sampled_from(("opened", *_SHRINK_ORDER, _CHANGE)))
    at = draw(instants())
    if kind == "work_logged":
        return Event(kind, at, duration=draw(durations(max_value=8 * _HOUR)))
    if kind == _CHANGE:
        return Event(kind, at, tier=draw(st.sampled_from(_TIER_IDS)))
    if kind == "opened":
        return Event(kind, at, by=draw(st.sampled_from(OPENERS)))
    return Event(kind, at)


def events() -> st.SearchStrategy[Event]:
    """Single valid :class:`~slaclock.Event` values of every kind, at instants near the edges.

    For a whole log that follows the incident rules use :func:`incidents`.
    """
    return _events()
