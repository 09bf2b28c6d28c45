"""Notebook views (``_repr_html_``) of calendars, tiers, catalogs, incidents and results.

Jupyter shows an object through its ``_repr_html_``: the classes of the domain
layers delegate it to :func:`slaclock._code.repr_html`, and :func:`register`
(which ``import slaclock`` calls) fills that registry with the functions below,
so the domain layers never import presentation.  A view is a summary for a
person, bounded in size: an incident of a million events shows its first and
last ten and the count.

The calendar's view lists the dates of the coming year whose hours differ from
the weekly ones (holidays, transferred working days, exceptions).  "Coming" is
from today's date in the calendar's zone: this is the one place slaclock reads
the clock, only to choose which dates a person sees; :func:`calendar_html`
takes ``start=`` for a fixed window.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from slaclock._calendar.calendar import Calendar
from slaclock._calendar.hours import WEEKDAYS, Spans, format_spans
from slaclock._code import register_view
from slaclock._display import html, reprs
from slaclock._display.text import format_instant
from slaclock._durations import format_duration
from slaclock._sla.budget import BudgetUsage
from slaclock._sla.cost import Cost
from slaclock._sla.incident import Incident
from slaclock._sla.result import Breach, Cycle, Evaluation, ResolutionClock, Schedule
from slaclock._sla.tier import Tier
from slaclock.catalog import Catalog
from slaclock.errors import SlaclockTypeError, SlaclockValueError, quote

__all__ = [
    "calendar_html",
    "catalog_html",
    "columns_html",
    "evaluation_html",
    "incident_html",
    "register",
    "schedule_html",
    "tier_html",
]


def _when(value: datetime | None) -> str:
    return "" if value is None else format_instant(value)


def _length(value: timedelta | None) -> str:
    return "" if value is None else format_duration(value)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _hours(spans: Spans) -> str:
    return ", ".join(f"{a}-{b}" for a, b in format_spans(spans)) or "closed"


# --------------------------------------------------------------------------- calendar


def _week_rows(week: Sequence[Spans]) -> list[tuple[str, Sequence[tuple[int, int]], str]]:
    return [(day, spans, _hours(spans)) for day, spans in zip(WEEKDAYS, week, strict=True)]


def _local_hours(day: date, hours: Sequence[tuple[datetime, datetime]]) -> str:
    def clock(value: datetime) -> str:
        if value.date() > day and (value.hour, value.minute, value.second) == (0, 0, 0):
            return "24:00"  # the next midnight ends the day, as in the spec
        return f"{value:%H:%M}" if not value.second else f"{value:%H:%M:%S}"

    return ", ".join(f"{clock(a)}-{clock(b)}" for a, b in hours) or "closed"


def _holiday_names(calendar: Calendar, years: range) -> Mapping[date, str]:
    if calendar.country is None:
        return {}
    import holidays  # a dependency of slaclock; names are shown, never used to decide

    try:
        return holidays.country_holidays(
            calendar.country, subdiv=calendar.subdiv, years=years, language="en_US"
        )
    except (NotImplementedError, KeyError, ValueError):
        return {}


def _differing_days(calendar: Calendar, start: date, days: int) -> list[tuple[date, str, str]]:
    """The dates of ``[start, start + days)`` whose hours are not the weekly ones, with why."""
    overrides = dict(calendar.overrides)
    names = _holiday_names(calendar, range(start.year, (start + timedelta(days)).year + 1))
    out = []
    for offset in range(days):
        day = start + timedelta(offset)
        week = calendar.week
        for since, changed in calendar.weeks:
            if since <= day:
                week = changed
        usual = week[day.weekday()]
        actual = _local_hours(day, calendar.hours_on(day))
        if actual == _hours(usual):
            continue
        name = names.get(day)
        if day in overrides:
            why = "exception"
        elif day in calendar.holidays:
            why = "holiday"
        elif actual == "closed":
            why = "public holiday" if calendar.country else "holiday (rule)"
        elif not usual:
            why = "transferred working day" if calendar.country else "extra working day (rule)"
        else:
            why = "shortened day" if calendar.pre_holiday else "special hours (rule)"
        out.append((day, actual, f"{why}: {name}" if name else why))
    return out


def calendar_html(calendar: Calendar, *, start: date | None = None, days: int = 365) -> str:
    """A calendar's notebook view for a window of dates: its weekly hours and the exceptions.

    The view shows the week as a 24-hour bar per day, any dated changes of the
    weekly hours, the holiday and override rules, and every date of the ``days``
    from ``start`` whose hours differ from the week's (public holidays with their
    names, transferred working days, holidays and exceptions of the spec).
    ``start`` defaults to today in the calendar's zone, which is what
    ``calendar._repr_html_()`` shows; pass it for a view that does not change.

    >>> from datetime import date
    >>> from slaclock import default_catalog
    >>> view = calendar_html(default_catalog().calendars["moscow"], start=date(2027, 2, 15), days=14)
    >>> "Sat 2027-02-20" in view and "transferred working day" in view
    True
    """
    if not isinstance(calendar, Calendar):
        raise SlaclockTypeError(f"calendar must be a slaclock.Calendar, got {quote(calendar)}")
    if start is None:
        start = datetime.now(calendar.zone).date()
    elif isinstance(start, datetime) or not isinstance(start, date):
        raise SlaclockTypeError(
            f"start must be a datetime.date such as date(2027, 1, 1), got {quote(start)}"
        )
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= 3660:
        raise SlaclockValueError(f"days must be a whole number from 1 to 3660, got {quote(days)}")
    note = [calendar.tz]
    if calendar.country:
        note.append(
            "country " + calendar.country + (f"-{calendar.subdiv}" if calendar.subdiv else "")
        )
    if calendar.pre_holiday:
        note.append(f"{format_duration(calendar.pre_holiday)} shorter before a public holiday")
    parts = [html.heading("Calendar", note=" · ".join(note)), html.grid(_week_rows(calendar.week))]
    for since, week in calendar.weeks[-3:]:
        parts.append(html.heading(f"From {since.isoformat()}"))
        parts.append(html.grid(_week_rows(week)))
    if len(calendar.weeks) > 3:
        parts.append(html.muted(f"{len(calendar.weeks) - 3} earlier changes of the weekly hours"))
    rules = [rule for rule in calendar.to_dict().get("holidays", []) if isinstance(rule, dict)]
    overrides = calendar.to_dict().get("overrides", [])
    if isinstance(overrides, list):
        rules += [rule for rule in overrides if "rrule" in rule]
    if rules:
        parts.append(html.heading("Rules"))
        parts.append(
            html.table(
                ["rule", "hours"],
                len(rules),
                lambda i: [
                    rules[i]["rrule"],
                    _hours_text(rules[i].get("hours")) if "hours" in rules[i] else "closed",
                ],
                noun="rules",
            )
        )
    differing = _differing_days(calendar, start, days)
    end = start + timedelta(days - 1)
    parts.append(html.heading("Dates off the weekly hours", note=f"{start} to {end}"))
    if differing:
        parts.append(
            html.table(
                ["date", "hours", "why"],
                len(differing),
                lambda i: [
                    f"{differing[i][0]:%a %Y-%m-%d}",
                    differing[i][1],
                    differing[i][2],
                ],
                noun="dates",
            )
        )
    else:
        parts.append(html.muted("none"))
    return html.box(*parts)


def _hours_text(hours: Any) -> str:
    return ", ".join(f"{a}-{b}" for a, b in hours) or "closed"


# --------------------------------------------------------------------------- tiers, catalogs


def _spec_value(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(_spec_value(item) for item in value)
    if isinstance(value, dict):
        return ", ".join(f"{key} {_spec_value(item)}" for key, item in value.items())
    return html.cell_text(value)


def tier_html(tier: Tier) -> str:
    """A tier's view: every key of its spec, the calendar summarized."""
    spec = tier.to_dict()
    pairs: list[tuple[str, object]] = []
    for key, value in spec.items():
        if key in ("id", "name"):
            continue
        if key == "calendar":
            value = f"{value}: {tier.calendar}" if value else str(tier.calendar)
        elif key == "price" and tier.price is not None:
            value = str(tier.price) + (f" ({tier.price.note})" if tier.price.note else "")
        pairs.append((key.replace("_", " "), _spec_value(value)))
    return html.box(html.heading(f"Tier {tier.id}", note=tier.name), html.facts(pairs))


def catalog_html(catalog: Catalog) -> str:
    """A catalog's view: one row per tier, then its calendars."""
    tiers = list(catalog.tiers.values())

    def tier_row(i: int) -> list[object]:
        t = tiers[i]
        return [
            t.id,
            t.name,
            t.calendar_name or "",
            _length(t.reaction),
            _length(t.first_reaction),
            _length(t.resolution),
            "unlimited" if t.budget is None else f"{format_duration(t.budget)} a month",
            "" if t.price is None else str(t.price),
            "yes" if t.third_party else "no",
        ]

    headers = ["tier", "name", "calendar", "reaction", "first reaction", "resolution"]
    headers += ["budget", "price", "third-party"]
    rows = [tier_row(i) for i in range(len(tiers))]
    # A column no tier fills (no tier promises a resolution, say) is left out.
    keep = [j for j in range(len(headers)) if any(row[j] != "" for row in rows)]
    calendars = list(catalog.calendars.items())
    note = f"{_plural(len(tiers), 'tier')}, {_plural(len(calendars), 'calendar')}"
    if catalog.source:
        note += f" · {catalog.source}"
    return html.box(
        html.heading("Catalog", note=note),
        html.table(
            [headers[j] for j in keep],
            len(rows),
            lambda i: [rows[i][j] for j in keep],
            noun="tiers",
        ),
        html.table(
            ["calendar", "summary"],
            len(calendars),
            lambda i: [calendars[i][0], str(calendars[i][1])],
            noun="calendars",
        ),
    )


# --------------------------------------------------------------------------- incidents


def _event_detail(data: Mapping[str, Any]) -> str:
    return ", ".join(f"{k} {_spec_value(v)}" for k, v in data.items() if k not in ("type", "at"))


def incident_html(incident: Incident) -> str:
    """An incident's view: who and what it is about, and its event log as a table."""
    events = incident.events
    note = " · ".join(x for x in (incident.type, incident.channel) if x)
    pairs: list[tuple[str, object]] = [
        ("tier", incident.tier),
        ("customer", incident.customer),
        ("contract", incident.contract),
        ("third-party", "yes" if incident.third_party else None),
    ]
    if incident.attributes:
        pairs.append(("attributes", _spec_value(incident.attributes.to_dict())))
    return html.box(
        html.heading(f"Incident {incident.id}", note=note),
        html.facts(pairs),
        html.table(
            ["#", "event", "at", "detail"],
            len(events),
            lambda i: [
                i + 1,
                events[i].kind,
                format_instant(events[i].at),
                _event_detail(events[i].to_dict()),
            ],
            noun="events",
        ),
    )


# --------------------------------------------------------------------------- results


def _tint(breached: bool, at_risk: bool) -> str:
    return html.BREACHED if breached else html.WARNING if at_risk else ""


def _cycle_table(cycles: Sequence[Cycle], noun: str) -> str:
    def row(i: int) -> list[object]:
        c = cycles[i]
        end = c.answered if c.answered is not None else c.end
        return [
            c.index,
            c.target_name,
            format_duration(c.target),
            c.started_by,
            format_instant(c.start),
            format_instant(c.due),
            "" if end is None else f"{format_instant(end)} ({c.ended_by})",
            format_duration(c.taken),
            format_duration(c.overdue) if c.breached else "",
            c.status,
        ]

    headers = ["#", "clock", "target", "started by", "start", "due", "ended", "taken"]
    headers += ["overdue", "status"]
    return html.table(
        headers,
        len(cycles),
        row,
        tint=lambda i: _tint(cycles[i].breached, cycles[i].at_risk),
        noun=noun,
    )


def _resolution_table(clock: ResolutionClock) -> str:
    row = [
        format_duration(clock.target),
        format_instant(clock.start),
        format_instant(clock.due),
        "" if clock.resolved is None else f"{format_instant(clock.resolved)} ({clock.ended_by})",
        format_duration(clock.used),
        format_duration(clock.paused),
        format_duration(clock.overdue) if clock.breached else "",
        clock.status,
    ]
    headers = ["target", "start", "due", "ended", "used", "paused", "overdue", "status"]
    return html.table(
        headers, 1, lambda _: row, tint=lambda _: _tint(clock.breached, clock.at_risk)
    )


def _breach_clock(breach: Breach) -> str:
    if breach.cycle is None:
        return "resolution"
    return f"{'update' if breach.target == 'update' else 'cycle'} {breach.cycle}"


def _breach_table(breaches: Sequence[Breach]) -> str:
    return html.table(
        ["clock", "target", "due", "late (working)", "late (wall)"],
        len(breaches),
        lambda i: [
            _breach_clock(breaches[i]),
            f"{breaches[i].target} {format_duration(breaches[i].duration)}",
            format_instant(breaches[i].at),
            format_duration(breaches[i].late),
            _length(breaches[i].late_wall),
        ],
        tint=lambda _: html.BREACHED,
        noun="breaches",
    )


def evaluation_html(result: Evaluation) -> str:
    """An evaluation's view: the verdict, the cycle table (breaches tinted), the breaches."""
    if not result.covered:
        verdict = f"not covered: {result.reason}"
    elif result.breached:
        verdict = f"breached ({len(result.breaches)})"
    elif result.at is None:
        verdict = "no breach (as of the last event; open clocks carry no verdict)"
    else:
        verdict = "no breach"
    pairs: list[tuple[str, object]] = [
        ("as of", "every event" if result.at is None else format_instant(result.at)),
        ("verdict", verdict),
        ("next due", None if result.next_due is None else format_instant(result.next_due)),
        ("remaining", None if result.remaining is None else format_duration(result.remaining)),
    ]
    if result.escalated:
        pairs.append(("escalated", ", ".join(f"{lvl}: {n}" for lvl, n in result.escalated)))
    parts = [
        html.heading(f"Evaluation of {result.incident}", note=f"on {result.tier}"),
        html.facts(pairs),
    ]
    if result.cycles:
        parts += [html.heading("Reaction cycles"), _cycle_table(result.cycles, "cycles")]
    if result.updates:
        parts += [html.heading("Update cycles"), _cycle_table(result.updates, "update cycles")]
    if result.resolution is not None:
        parts += [html.heading("Resolution"), _resolution_table(result.resolution)]
    if result.breaches:
        parts += [html.heading("Breaches"), _breach_table(result.breaches)]
    return html.box(*parts)


def schedule_html(schedule: Schedule) -> str:
    """A schedule's view: the running clock, its due instant and when to look again."""
    escalation = schedule.escalation
    pairs: list[tuple[str, object]] = [
        ("clock", schedule.clock or "nothing due"),
        ("next due", None if schedule.next_due is None else format_instant(schedule.next_due)),
        ("remaining", None if schedule.remaining is None else format_duration(schedule.remaining)),
        ("at risk from", None if schedule.at_risk_at is None else _when(schedule.at_risk_at)),
        ("at risk", "yes" if schedule.at_risk else None),
        ("overdue", "yes" if schedule.overdue else None),
        ("breached so far", "yes" if schedule.breached_so_far else "no"),
        (
            "next escalation",
            None if escalation is None else f"{escalation[0]} at {_when(escalation[1])}",
        ),
        ("check again", None if schedule.next_check is None else _when(schedule.next_check)),
    ]
    return html.box(html.heading("Schedule"), html.facts(pairs))


def budget_html(usage: BudgetUsage) -> str:
    """A month's working time against the budget."""
    pairs: list[tuple[str, object]] = [
        ("included", "unlimited" if usage.included is None else format_duration(usage.included)),
        ("used", format_duration(usage.used)),
        ("remaining", None if usage.remaining is None else format_duration(usage.remaining)),
        ("overage", format_duration(usage.overage)),
    ]
    return html.box(html.heading("Budget usage"), html.facts(pairs))


def cost_html(cost: Cost) -> str:
    """A cost: the total and the lines that make it up."""
    lines = cost.breakdown
    pairs: list[tuple[str, object]] = [
        ("included", "unlimited" if cost.included is None else format_duration(cost.included)),
        ("used", format_duration(cost.used)),
        ("overage", format_duration(cost.overage)),
    ]
    return html.box(
        html.heading(
            f"Cost {cost.amount} {cost.currency}", note=f"{cost.tier_id} per {cost.period}"
        ),
        html.facts(pairs),
        html.table(
            ["line", "amount"],
            len(lines),
            lambda i: [lines[i].label, f"{lines[i].amount} {cost.currency}"],
            noun="lines",
        ),
    )


# --------------------------------------------------------------------------- tables


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_ITEMS = 4  # entries of a mapping or list shown in one cell (a month per entry, say)
_TRANSPOSED = (8, 12)  # at most this many rows and more than this many columns: turned


def _column_cell(value: Any, name: str, instants: frozenset[str], durations: frozenset[str]) -> str:
    if value is None:
        return ""
    if isinstance(value, int) and not isinstance(value, bool):
        if name in instants:
            return reprs.instant(_EPOCH + timedelta(microseconds=value)).replace("+00:00", "Z")
        if name in durations:
            return format_duration(timedelta(microseconds=value))
    if isinstance(value, datetime):
        return format_instant(value)
    if isinstance(value, timedelta):
        return format_duration(value)
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Mapping | tuple | list):
        items = list(value.items()) if isinstance(value, Mapping) else list(enumerate(value))
        shown = [
            (f"{k}: " if isinstance(value, Mapping) else "")
            + _column_cell(v, "", instants, durations)
            for k, v in items[:_ITEMS]
        ]
        if len(items) > _ITEMS:
            shown.append(f"... {len(items) - _ITEMS} more")
        return ", ".join(shown)
    return html.cell_text(value)


def columns_html(
    columns: Mapping[str, Sequence[Any]],
    *,
    instants: frozenset[str] = frozenset(),
    durations: frozenset[str] = frozenset(),
    title: str = "Table",
) -> str:
    """A table of columns (the analysis tables): head and tail rows, counts in the caption.

    Integer columns named in ``instants`` are microseconds since 1970 UTC, shown
    as UTC instants; those in ``durations`` microseconds, shown as durations.
    Only the rows shown are read, so a million rows cost as little as twenty.  A
    table of a few wide rows (at most 8 rows, more than 12 columns: a comparison
    of scenarios) is turned, one column per row, headed by its first column.
    """
    names = list(columns)
    count = len(columns[names[0]]) if names else 0

    def cell(name: str, i: int) -> str:
        return _column_cell(columns[name][i], name, instants, durations)

    note = f"{count:,} rows x {len(names)} columns"
    if 0 < count <= _TRANSPOSED[0] and len(names) > _TRANSPOSED[1]:
        # A few wide rows (a comparison of scenarios): one column per row reads better.
        head = ["", *(cell(names[0], i) for i in range(count))]
        body = names[1:]
        turned = html.table(
            head,
            len(body),
            lambda j: [body[j], *(cell(body[j], i) for i in range(count))],
            noun="columns",
            limit=10 * html.ROWS,
        )
        return html.box(html.heading(title, note=note + ", one column per row"), turned)

    def row(i: int) -> list[str]:
        return [cell(n, i) for n in names]

    tint: Callable[[int], str] | None = None
    if "breached" in columns:
        flags = columns["breached"]

        def tint(i: int) -> str:
            return html.BREACHED if flags[i] is True else ""

    return html.box(html.heading(title, note=note), html.table(names, count, row, tint=tint))


def register() -> None:
    """Give every value and result its notebook view and every result its one-line repr."""
    for cls, render in (
        (Calendar, calendar_html),
        (Tier, tier_html),
        (Catalog, catalog_html),
        (Incident, incident_html),
        (Evaluation, evaluation_html),
        (Cycle, lambda cycle: html.box(_cycle_table([cycle], "cycles"))),
        (ResolutionClock, lambda clock: html.box(_resolution_table(clock))),
        (Breach, lambda breach: html.box(_breach_table([breach]))),
        (Schedule, schedule_html),
        (BudgetUsage, budget_html),
        (Cost, cost_html),
    ):
        register_view("html", cls, render)
    for cls, line in (
        (Evaluation, reprs.evaluation_line),
        (Cycle, reprs.clock_line),
        (ResolutionClock, reprs.clock_line),
        (Breach, reprs.breach_line),
        (Schedule, reprs.schedule_line),
    ):
        register_view("repr", cls, line)
