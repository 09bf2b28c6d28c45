"""Pictures of SLA clocks: an incident's timeline, reaction times per tier, scenarios compared.

Needs matplotlib, the ``plot`` extra (``pip install 'slaclock[plot]'``); it is
imported when a function here is first called, never by ``import slaclock``.
Each function draws into the ``ax`` you pass (a ``matplotlib.axes.Axes``) or
into a new figure, and returns the axes it drew on, as pandas' plots do: in a
notebook the figure shows once, and ``ax.figure.savefig("timeline.png")``
saves it.

* :func:`timeline`: one incident on one tier: working hours shaded, events
  marked, each clock a bar from its start to its end (or to ``at``), its due
  instant a tick, a breach a red cross and the part past due red.
* :func:`reaction_times`: the distribution of reaction times (business time)
  per tier, from a summary table (first responses) or a clock table (every
  answered reaction cycle, with the targets marked).
* :func:`comparison`: the comparison table of
  :func:`slaclock.analysis.compare`: breached share of cycles and of incidents
  and the cost, per scenario.

Colours name verdicts the same way everywhere: green met, red late, orange at
risk, blue running, grey superseded; a legend says so on every picture.
"""

from __future__ import annotations

import importlib
from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from slaclock import Catalog, Cycle, Evaluation, Incident, ResolutionClock, Tier, evaluate
from slaclock.analysis import Table
from slaclock.errors import SlaclockTypeError, SlaclockValueError, quote

__all__ = ["COLOURS", "MAX_SHADED", "comparison", "reaction_times", "timeline"]

COLOURS: Mapping[str, str] = {
    "met": "#2ca02c",
    "late": "#d62728",
    "overdue": "#d62728",
    "at_risk": "#ff7f0e",
    "running": "#1f77b4",
    "paused": "#9467bd",
    "open": "#1f77b4",
    "superseded": "#7f7f7f",
    "working": "#2ca02c",
}
"""The colour of each clock status (and of working hours), shared by every picture."""

_EVENT_MARKS: Mapping[str, tuple[str, str]] = {
    "opened": ("o", "#1f77b4"),
    "customer_message": ("s", "#1f77b4"),
    "agent_reply": ("^", "#2ca02c"),
    "pending": ("v", "#9467bd"),
    "resolved": ("*", "#2ca02c"),
    "reopened": ("D", "#ff7f0e"),
    "closed": ("X", "#555555"),
    "work_logged": ("P", "#8c564b"),
    "tier_changed": ("d", "#e377c2"),
}

MAX_SHADED = 2000
"""The most working periods :func:`timeline` shades; past it (a log of years, whose days
would be thinner than a pixel) it shades none and says so under the axis."""

_US = timedelta(microseconds=1)
_HOUR_US = 3_600_000_000


def _matplotlib() -> Any:
    try:
        return importlib.import_module("matplotlib.pyplot")
    except ImportError:
        raise ImportError(
            "slaclock.plot needs matplotlib; install the extra: pip install 'slaclock[plot]'"
        ) from None


def _axes(ax: Any, size: tuple[float, float]) -> Any:
    if ax is not None:
        return ax
    _, new = _matplotlib().subplots(figsize=size, layout="constrained")
    return new


def _dates(ax: Any, zone: Any) -> None:
    dates = importlib.import_module("matplotlib.dates")
    locator = dates.AutoDateLocator(tz=zone)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(dates.ConciseDateFormatter(locator, tz=zone))


# --------------------------------------------------------------------------- timeline


def _clock_rows(result: Evaluation) -> list[tuple[str, Cycle | ResolutionClock]]:
    rows: list[tuple[str, Cycle | ResolutionClock]] = [
        (f"cycle {c.index}" + (" (first)" if c.first else ""), c) for c in result.cycles
    ]
    rows += [(f"update {c.index}", c) for c in result.updates]
    if result.resolution is not None:
        rows.append(("resolution", result.resolution))
    return rows


def _clock_end(clock: Cycle | ResolutionClock) -> datetime | None:
    return clock.end if isinstance(clock, Cycle) else clock.resolved


def timeline(
    incident: Incident,
    tier: Tier | Catalog,
    *,
    at: datetime | None = None,
    ax: Any = None,
) -> Any:
    """Draw one incident's clocks on one tier over time; returns the matplotlib axes.

    ``tier`` is a tier, or a catalog (the incident's ``tier`` field names the
    tier), and ``at`` the evaluation instant as for :func:`slaclock.evaluate`
    (a dashed line marks it).  Time runs left to right in the tier calendar's
    zone, working hours shaded green.  The top row marks each event; below it
    one bar per reaction cycle, update cycle and the resolution clock, from its
    start to its end (to ``at``, or to the right edge, while open), coloured by
    its status, with its pauses hatched, its due instant a black tick, and,
    when breached, the part past due red and a red cross on the due instant.

    >>> from slaclock import Incident, default_catalog
    >>> incident = Incident.from_dict({"id": "INC-7", "type": "failure", "events": [
    ...     {"type": "opened", "at": "2026-11-27T17:30:00+03:00"},
    ...     {"type": "agent_reply", "at": "2026-11-30T12:20:00+03:00"}]})
    >>> ax = timeline(incident, default_catalog().tiers["SLA-2"])
    >>> [label.get_text() for label in ax.get_yticklabels()]
    ['events', 'cycle 1 (first)']
    """
    if not isinstance(incident, Incident):
        raise SlaclockTypeError(f"incident must be a slaclock.Incident, got {quote(incident)}")
    result = evaluate(incident, tier, at=at)
    chosen = tier if isinstance(tier, Tier) else tier.tiers[result.tier]
    calendar = chosen.calendar
    zone = calendar.zone
    rows = _clock_rows(result)
    instants = [e.at for e in incident.events]
    for _, clock in rows:
        instants += [clock.start, clock.due]
    if result.at is not None:
        instants.append(result.at)
    lo, hi = min(instants), max(instants)
    margin = max((hi - lo) / 20, timedelta(hours=1))
    lo, hi = (lo - margin).astimezone(zone), (hi + margin).astimezone(zone)

    ax = _axes(ax, (10, 1.6 + 0.45 * (len(rows) + 1)))
    periods = calendar.periods(lo, hi)
    shaded = len(periods) <= MAX_SHADED
    for start, end in periods if shaded else ():
        ax.axvspan(
            start, end, color=COLOURS["working"], alpha=0.13, linewidth=0, zorder=0, gid="working"
        )

    seen: set[str] = set()
    for event in incident.events:
        marker, colour = _EVENT_MARKS.get(event.kind, ("o", "#333333"))
        label = event.kind.replace("_", " ") if event.kind not in seen else None
        seen.add(event.kind)
        ax.scatter(
            [event.at], [0], marker=marker, s=70, color=colour, zorder=4, label=label, gid="event"
        )

    edge = result.at if result.at is not None else hi
    drawn_statuses: set[str] = set()
    for row, (_, clock) in enumerate(rows, start=1):
        end = _clock_end(clock) or edge
        # A late clock waited within its target up to the due instant (drawn as
        # running), then past it (red on top).
        status = "running" if clock.status in ("late", "overdue") else clock.status
        colour = COLOURS.get(status, COLOURS["running"])
        label = "waiting" if status in ("running", "open") else status.replace("_", " ")
        ax.barh(
            row,
            end - clock.start,
            left=clock.start,
            height=0.5,
            color=colour,
            alpha=0.85,
            zorder=2,
            label=label if label not in drawn_statuses else None,
            gid="clock",
        )
        drawn_statuses.add(label)
        for pause_start, pause_end in clock.pauses:
            ax.barh(
                row,
                pause_end - pause_start,
                left=pause_start,
                height=0.5,
                color="white",
                alpha=0.6,
                hatch="///",
                edgecolor="#555555",
                zorder=3,
                gid="pause",
                label="paused" if "paused" not in drawn_statuses else None,
            )
            drawn_statuses.add("paused")
        if clock.breached and end > clock.due:
            ax.barh(
                row,
                end - clock.due,
                left=clock.due,
                height=0.5,
                color=COLOURS["late"],
                zorder=3,
                label="past due" if "past due" not in drawn_statuses else None,
                gid="past due",
            )
            drawn_statuses.add("past due")
        ax.plot(
            [clock.due],
            [row],
            marker="|",
            markersize=22,
            color="black",
            mew=2.5,
            zorder=5,
            gid="due",
        )
        if clock.breached:
            ax.plot(
                [clock.due],
                [row],
                marker="X",
                markersize=11,
                color=COLOURS["late"],
                markeredgecolor="black",
                zorder=6,
                gid="breach",
            )
    ax.plot([], [], marker="|", markersize=12, color="black", mew=2.5, linestyle="", label="due")
    if result.breached:
        ax.plot(
            [],
            [],
            marker="X",
            color=COLOURS["late"],
            markeredgecolor="black",
            linestyle="",
            label="breach",
        )
    if result.at is not None:
        ax.axvline(
            result.at,
            color="#555555",
            linestyle="--",
            linewidth=1.2,
            zorder=1,
            label="at",
            gid="at",
        )

    ax.set_yticks(range(len(rows) + 1), ["events", *(name for name, _ in rows)])
    ax.set_ylim(len(rows) + 0.7, -0.7)
    ax.set_xlim(lo, hi)
    _dates(ax, zone)
    ax.set_xlabel(
        f"time ({calendar.tz}); working hours shaded"
        if shaded
        else f"time ({calendar.tz}); {len(periods):,} working periods, too many to shade"
    )
    title = f"{incident.id} on {result.tier}"
    if not result.covered:
        title += f": not covered ({result.reason})"
    elif result.at is not None:
        title += f", as of {result.at:%Y-%m-%d %H:%M}"
    ax.set_title(title, loc="left")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small", frameon=False)
    ax.grid(axis="x", alpha=0.3)
    return ax


# --------------------------------------------------------------------------- reaction times


def _columns(table: object, *, function: str) -> Mapping[str, Sequence[Any]]:
    if isinstance(table, Table):
        return table.columns
    if isinstance(table, Mapping) and all(isinstance(k, str) for k in table):
        return table
    raise SlaclockTypeError(
        f"{function}() takes a slaclock.analysis.Table (or a mapping of column names to "
        f"columns), got {quote(table)}"
    )


def _need(columns: Mapping[str, Sequence[Any]], names: Sequence[str], what: str) -> None:
    missing = [name for name in names if name not in columns]
    if missing:
        raise SlaclockValueError(
            f"the table has no column {', '.join(map(repr, missing))}; expected {what}"
        )


def _hours(value: Any) -> float:
    if isinstance(value, timedelta):
        return value / timedelta(hours=1)
    return int(value) / _HOUR_US


def reaction_times(
    table: Table | Mapping[str, Sequence[Any]], *, log: bool = False, ax: Any = None
) -> Any:
    """Draw the reaction times per tier as box plots over the points; returns the axes.

    ``table`` is a summary table (:func:`slaclock.analysis.summarize`: each
    incident's first response, ``first_taken``) or a clock table
    (:func:`slaclock.analysis.clock_table`: every reaction cycle answered,
    ``taken``, with each tier's targets drawn as red dashed lines).  Times are
    business hours (working time on the tier's calendar).  Open cycles, clocks
    with no answer and incidents not covered are left out; each tier's label
    says how many remain and the share past the target when the table has one.
    ``log=True`` draws a logarithmic axis for long tails (linear below a
    quarter of an hour, so answers that took no business time stay drawn).

    >>> from slaclock import analysis, default_catalog
    >>> table = analysis.clock_table(analysis.sample(200, seed=1), default_catalog())
    >>> ax = reaction_times(table)
    >>> [label.get_text().split()[0] for label in ax.get_yticklabels()]
    ['SLA-1', 'SLA-2', 'SLA-3', 'SLA-4']
    """
    columns = _columns(table, function="reaction_times")
    times: dict[str, list[float]] = {}
    targets: dict[str, Counter[float]] = {}
    late: Counter[str] = Counter()
    if "taken" in columns:  # a clock table
        _need(columns, ("tier", "kind", "end", "taken", "target", "breached"), "a clock table")
        for tier, clock, end, taken, target, breached in zip(
            columns["tier"],
            columns["kind"],
            columns["end"],
            columns["taken"],
            columns["target"],
            columns["breached"],
            strict=True,
        ):
            if clock != "reaction" or end is None:
                continue
            times.setdefault(tier, []).append(_hours(taken))
            targets.setdefault(tier, Counter())[_hours(target)] += 1
            late[tier] += bool(breached)
    else:
        _need(columns, ("tier", "first_taken"), "a summary table or a clock table")
        for tier, taken, answered in zip(
            columns["tier"],
            columns["first_taken"],
            columns.get("first_answered", columns["first_taken"]),
            strict=True,
        ):
            if taken is not None and answered is not None:
                times.setdefault(tier, []).append(_hours(taken))
    if not times:
        raise SlaclockValueError("the table holds no answered reaction cycle to draw")
    names = sorted(times)
    ax = _axes(ax, (9, 1.2 + 0.7 * len(names)))
    ax.boxplot(
        [times[name] for name in names],
        orientation="horizontal",
        positions=range(len(names)),
        widths=0.55,
        showfliers=False,
        patch_artist=True,
        boxprops={"facecolor": "#1f77b4", "alpha": 0.35},
        medianprops={"color": "black", "linewidth": 2},
        zorder=2,
    )
    spread = _jitter()
    for row, name in enumerate(names):
        values = times[name]
        step = max(1, len(values) // 3000)  # a few thousand points show the shape
        shown = values[::step]
        ax.scatter(
            shown,
            [row + spread(i) for i in range(len(shown))],
            s=6,
            alpha=0.35,
            color="#1f77b4",
            linewidths=0,
            zorder=3,
        )
        for target in targets.get(name, ()):
            ax.plot(
                [target, target],
                [row - 0.38, row + 0.38],
                color=COLOURS["late"],
                linestyle="--",
                linewidth=2,
                zorder=4,
                gid="target",
            )
    labels = []
    for name in names:
        text = f"{name}\n{len(times[name]):,} answered"
        if name in targets:
            text += f", {late[name] / len(times[name]):.0%} late"
        labels.append(text)
    ax.set_yticks(range(len(names)), labels)
    ax.set_ylim(len(names) - 0.5, -0.5)
    if log:  # linear below a quarter hour, so answers of no business time stay drawn
        ax.set_xscale("symlog", linthresh=0.25)
    ax.set_xlim(left=0)
    ax.set_xlabel("reaction time (business hours)")
    kind = "every answered reaction cycle" if targets else "first responses"
    ax.set_title(f"Reaction times per tier: {kind}", loc="left")
    if targets:
        ax.plot([], [], color=COLOURS["late"], linestyle="--", linewidth=2, label="target")
        ax.legend(loc="lower right", fontsize="small")
    ax.grid(axis="x", alpha=0.3)
    return ax


def _jitter() -> Any:
    # A fixed, even spread (no random numbers: the same table draws the same picture).
    golden = 0.6180339887498949

    def spread(i: int) -> float:
        return ((i * golden) % 1.0 - 0.5) * 0.4

    return spread


# --------------------------------------------------------------------------- scenarios


def comparison(table: Table | Mapping[str, Sequence[Any]], *, ax: Any = None) -> Any:
    """Draw scenarios side by side: breached share of cycles and incidents, and the cost.

    ``table`` is the comparison table of :func:`slaclock.analysis.compare`.
    Per scenario two bars on the left axis give the share of judged cycles
    breached (``1 - cycle_compliance``) and of covered incidents with a breach
    (``1 - incident_compliance``); a third bar on the right axis gives the cost
    of the period covered (scenarios whose cost is unknown, mixed currencies
    say, get an empty bar marked "n/a").  Returns the left axes; the cost's
    twin axes is the other one in ``ax.figure.axes``.

    >>> from slaclock import analysis, default_catalog
    >>> catalog = default_catalog()
    >>> records = analysis.sample_records(200, seed=1)
    >>> table = analysis.compare(records, [analysis.Scenario("as sold", catalog),
    ...     analysis.Scenario("all on SLA-2", catalog.tiers["SLA-2"])])
    >>> ax = comparison(table)
    >>> [label.get_text() for label in ax.get_xticklabels()]
    ['as sold', 'all on SLA-2']
    """
    columns = _columns(table, function="comparison")
    _need(
        columns,
        ("scenario", "cycle_compliance", "incident_compliance", "cost", "currency"),
        "the comparison table of slaclock.analysis.compare()",
    )
    names = [str(name) for name in columns["scenario"]]
    if not names:
        raise SlaclockValueError("the comparison table has no scenario to draw")

    def share(value: Any) -> float:
        return 0.0 if value is None else 100 * (1 - float(value))

    cycles = [share(v) for v in columns["cycle_compliance"]]
    incidents = [share(v) for v in columns["incident_compliance"]]
    costs = [None if c is None else Decimal(c) for c in columns["cost"]]
    currencies = {c for c, cost in zip(columns["currency"], costs, strict=True) if cost is not None}
    ax = _axes(ax, (max(6.0, 1.6 * len(names) + 2), 4.2))
    width = 0.26
    xs = range(len(names))
    left = [x - width for x in xs]
    bars1 = ax.bar(left, cycles, width, color=COLOURS["late"], alpha=0.85, label="breached cycles")
    bars2 = ax.bar(
        list(xs),
        incidents,
        width,
        color=COLOURS["at_risk"],
        alpha=0.85,
        label="incidents with a breach",
    )
    for bars in (bars1, bars2):
        ax.bar_label(bars, fmt="%.1f%%", fontsize="x-small", padding=2)
    ax.set_ylabel("breached (%)")
    ax.set_ylim(0, max([*cycles, *incidents, 1.0]) * 1.4)  # room for the legend
    ax.set_xticks(list(xs), names)
    money = ax.twinx()
    right = [x + width for x in xs]
    shown = [float(c) if c is not None else 0.0 for c in costs]
    bars3 = money.bar(right, shown, width, color="#555555", alpha=0.75, label="cost")
    money.bar_label(
        bars3,
        labels=[_money(c) if c is not None else "n/a" for c in costs],
        fontsize="x-small",
        padding=2,
    )
    currency = currencies.pop() if len(currencies) == 1 else "mixed currencies"
    money.set_ylabel(f"cost of the period ({currency})")
    money.set_ylim(0, max([*shown, 1.0]) * 1.4)
    money.yaxis.set_major_formatter(
        importlib.import_module("matplotlib.ticker").FuncFormatter(
            lambda value, _: _money(Decimal(str(value)))
        )
    )
    handles = [bars1, bars2, bars3]
    ax.legend(
        handles, [h.get_label() for h in handles], loc="upper left", fontsize="small", ncols=3
    )
    ax.set_title("Scenarios compared: breaches and cost", loc="left")
    ax.grid(axis="y", alpha=0.3)
    return ax


def _money(amount: Decimal) -> str:
    for limit, suffix in ((Decimal(10**9), "G"), (Decimal(10**6), "M"), (Decimal(10**3), "k")):
        if abs(amount) >= limit:
            return f"{amount / limit:.3g}{suffix}"
    return f"{amount:.3g}" if amount % 1 else f"{int(amount)}"
