"""Pictures: each one is saved as a PNG and checked for what it must show.

The checks read the artists matplotlib drew (bars, spans, markers) against the
evaluation they picture, and the saved pixels for the verdict colours, so a
picture that lost its breach mark or its working hours fails here.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")

import matplotlib.pyplot as plt
from matplotlib import dates
from matplotlib.collections import PathCollection
from matplotlib.colors import to_rgb
from matplotlib.patches import Rectangle

import slaclock
from slaclock import Incident, analysis, default_catalog, evaluate, plot

CATALOG = default_catalog()
SLA2 = CATALOG.tiers["SLA-2"]
AT = datetime.fromisoformat("2026-12-02T12:00:00+03:00")
INCIDENT = Incident.from_dict(
    {
        "id": "INC-7",
        "type": "failure",
        "tier": "SLA-2",
        "events": [
            {"type": "opened", "at": "2026-11-27T17:30:00+03:00"},
            {"type": "agent_reply", "at": "2026-11-30T10:20:00+03:00"},
            {"type": "customer_message", "at": "2026-11-30T15:00:00+03:00"},
            {"type": "pending", "at": "2026-11-30T15:30:00+03:00"},
            {"type": "customer_message", "at": "2026-12-01T10:00:00+03:00"},
            {"type": "agent_reply", "at": "2026-12-01T11:00:00+03:00"},
            {"type": "work_logged", "at": "2026-12-01T11:30:00+03:00", "duration": "PT1H"},
            {"type": "customer_message", "at": "2026-12-01T16:00:00+03:00"},
        ],
    }
)


@pytest.fixture(autouse=True)
def _close_figures() -> Any:
    yield
    plt.close("all")


def saved(ax: Any, path: Path) -> np.ndarray:
    """Save the figure as a PNG, check it is a real picture, and return its pixels (RGB)."""
    ax.figure.savefig(path, dpi=80)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    pixels = plt.imread(path)[:, :, :3]
    height, width = pixels.shape[:2]
    assert width >= 400 and height >= 150
    assert pixels.std() > 0.05  # not blank
    return pixels


def share_of(
    pixels: np.ndarray, colour: str, *, alpha: float = 1.0, tolerance: float = 0.04
) -> float:
    """The share of pixels showing ``colour`` (drawn with ``alpha`` over white)."""
    target = alpha * np.array(to_rgb(colour)) + (1 - alpha)
    close = np.all(np.abs(pixels - target) < tolerance, axis=2)
    return float(close.mean())


def num2date(value: Any) -> datetime:
    """An x position as an instant (lines keep the datetimes they were given)."""
    if isinstance(value, datetime):
        return value
    instant: datetime = dates.num2date(value)  # type: ignore[no-untyped-call]
    return instant


def drawn(ax: Any, gid: str) -> list[Any]:
    """The artists of one kind (``gid``: ``working``, ``event``, ``clock``, ``due``...)."""
    return [a for a in ax.get_children() if a.get_gid() == gid]


def bars(ax: Any) -> list[Rectangle]:
    return [p for p in ax.patches if isinstance(p, Rectangle) and p.get_width() != 0]


def test_timeline_shows_hours_events_cycles_dues_and_breaches(tmp_path: Path) -> None:
    result = evaluate(INCIDENT, SLA2, at=AT)
    assert result.breached and len(result.cycles) == 3
    ax = plot.timeline(INCIDENT, CATALOG, at=AT)
    pixels = saved(ax, tmp_path / "timeline.png")
    lo, hi = (num2date(x) for x in ax.get_xlim())
    periods = SLA2.calendar.periods(lo, hi)
    spans = drawn(ax, "working")
    assert len(spans) == len(periods) >= 4  # each working period shaded, where it is
    assert sorted(num2date(s.get_x()) for s in spans) == [start for start, _ in periods]
    # One marker per event, on the events row.
    assert sum(len(np.asarray(c.get_offsets())) for c in drawn(ax, "event")) == len(INCIDENT.events)
    # A bar per clock from its start, one per pause, one red part per breached clock.
    clocks, past_due = drawn(ax, "clock"), drawn(ax, "past due")
    assert sorted(num2date(b.get_x()) for b in clocks) == [c.start for c in result.cycles]
    assert sorted(num2date(b.get_x()) for b in past_due) == sorted(b.at for b in result.breaches)
    assert all(np.allclose(b.get_facecolor()[:3], to_rgb(plot.COLOURS["late"])) for b in past_due)
    assert len(drawn(ax, "pause")) == sum(len(c.pauses) for c in result.cycles)
    legend = [text.get_text() for text in ax.get_legend().get_texts()]
    assert {"due", "breach", "at", "past due", "waiting", "met"} <= set(legend)
    # A due tick on every clock and a cross on every breach, at its due instant.
    ticks, crosses = drawn(ax, "due"), drawn(ax, "breach")
    assert sorted(num2date(t.get_xdata()[0]) for t in ticks) == [c.due for c in result.cycles]
    assert sorted(num2date(x.get_xdata()[0]) for x in crosses) == [b.at for b in result.breaches]
    assert [num2date(line.get_xdata()[0]) for line in drawn(ax, "at")] == [AT]
    # The evaluation instant is marked, the rows are named.
    assert [t.get_text() for t in ax.get_yticklabels()] == [
        "events",
        "cycle 1 (first)",
        "cycle 2",
        "cycle 3",
    ]
    assert "INC-7 on SLA-2" in ax.get_title(loc="left")
    # What the reader sees: red past due, and the working hours' green tint.
    assert share_of(pixels, plot.COLOURS["late"]) > 0.005
    tint = 1 - 0.13 * (1 - np.array(to_rgb(plot.COLOURS["working"])))
    assert np.all(np.abs(pixels - tint) < 0.03, axis=2).mean() > 0.02


def test_timeline_of_a_clean_incident_has_no_breach_mark(tmp_path: Path) -> None:
    incident = Incident.from_dict(
        {
            "id": "OK",
            "type": "failure",
            "events": [
                {"type": "opened", "at": "2026-11-30T10:00:00+03:00"},
                {"type": "agent_reply", "at": "2026-11-30T10:30:00+03:00"},
            ],
        }
    )
    ax = plot.timeline(incident, SLA2)
    pixels = saved(ax, tmp_path / "clean.png")
    assert not drawn(ax, "breach") and not drawn(ax, "past due") and len(drawn(ax, "clock")) == 1
    assert share_of(pixels, plot.COLOURS["late"]) == 0
    assert share_of(pixels, plot.COLOURS["met"], alpha=0.85) > 0.001


def test_timeline_draws_into_the_axes_given() -> None:
    _, (left, right) = plt.subplots(1, 2)
    assert plot.timeline(INCIDENT, SLA2, at=AT, ax=right) is right
    assert drawn(right, "clock") and not left.get_children()[0].get_gid()


def test_timeline_refuses_what_is_not_an_incident() -> None:
    with pytest.raises(slaclock.SlaclockTypeError, match=r"incident must be a slaclock\.Incident"):
        plot.timeline({"id": "INC-7"}, SLA2)  # type: ignore[arg-type]


def clock_table() -> analysis.Table:
    return analysis.clock_table(analysis.sample(400, seed=5), CATALOG)


def test_reaction_times_from_a_clock_table_show_each_tier_and_its_target(tmp_path: Path) -> None:
    table = clock_table()
    ax = plot.reaction_times(table)
    saved(ax, tmp_path / "reactions.png")
    tiers = sorted(
        {
            t
            for t, c, e in zip(
                table.columns["tier"], table.columns["kind"], table.columns["end"], strict=True
            )
            if c == "reaction" and e is not None
        }
    )
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert [label.split("\n")[0] for label in labels] == tiers
    answered = {
        tier: sum(
            1
            for t, c, e in zip(
                table.columns["tier"], table.columns["kind"], table.columns["end"], strict=True
            )
            if t == tier and c == "reaction" and e is not None
        )
        for tier in tiers
    }
    for label, tier in zip(labels, tiers, strict=True):
        assert f"{answered[tier]:,} answered" in label and "% late" in label
    # Each tier's target, in business hours, as a red dashed line on its row.
    expected = sorted(
        {
            (tier, target / 3_600_000_000)
            for tier, target in zip(table.columns["tier"], table.columns["target"], strict=True)
        }
    )
    targets = [
        (tiers[round(float(np.mean(t.get_ydata())))], t.get_xdata()[0]) for t in drawn(ax, "target")
    ]
    assert sorted(targets) == expected
    assert ax.get_xlim()[0] == 0


def test_reaction_times_from_a_summary_table_use_first_responses(tmp_path: Path) -> None:
    rows = list(analysis.evaluate_many(analysis.sample(300, seed=2), SLA2))
    table = analysis.summarize(rows)
    ax = plot.reaction_times(table, log=True)
    saved(ax, tmp_path / "first.png")
    answered = sum(1 for r in rows if r.first_answered is not None)
    assert [t.get_text() for t in ax.get_yticklabels()] == [f"SLA-2\n{answered:,} answered"]
    assert "first responses" in ax.get_title(loc="left") and ax.get_xscale() == "symlog"
    points = [c for c in ax.collections if isinstance(c, PathCollection)]
    assert sum(len(np.asarray(c.get_offsets())) for c in points) == answered


def test_reaction_times_refuse_tables_they_cannot_read() -> None:
    with pytest.raises(slaclock.SlaclockTypeError, match=r"takes a slaclock\.analysis\.Table"):
        plot.reaction_times([1, 2, 3])  # type: ignore[arg-type]
    with pytest.raises(slaclock.SlaclockValueError, match="no column 'first_taken'"):
        plot.reaction_times({"tier": ["SLA-2"]})
    with pytest.raises(slaclock.SlaclockValueError, match="no answered reaction cycle"):
        plot.reaction_times(analysis.Table({"tier": [], "first_taken": []}))


def comparison_table() -> analysis.Table:
    records = analysis.sample_records(300, seed=4)
    return analysis.compare(
        records,
        [
            analysis.Scenario("as sold", CATALOG),
            analysis.Scenario("all on SLA-2", SLA2),
            analysis.Scenario("4h reaction", CATALOG, reaction="4h"),
        ],
    )


def test_comparison_shows_breach_shares_and_cost_per_scenario(tmp_path: Path) -> None:
    table = comparison_table()
    ax = plot.comparison(table)
    pixels = saved(ax, tmp_path / "comparison.png")
    names = table.columns["scenario"]
    assert [t.get_text() for t in ax.get_xticklabels()] == names
    heights = [b.get_height() for b in bars(ax)]
    cycles = [100 * (1 - c) for c in table.columns["cycle_compliance"]]
    incidents = [100 * (1 - c) for c in table.columns["incident_compliance"]]
    assert heights == pytest.approx(cycles + incidents)
    (money,) = [other for other in ax.figure.axes if other is not ax]
    assert [b.get_height() for b in bars(money)] == pytest.approx(
        [float(c) for c in table.columns["cost"]]
    )
    assert "RUB" in money.get_ylabel()
    for colour in (plot.COLOURS["late"], plot.COLOURS["at_risk"]):
        assert share_of(pixels, colour, alpha=0.85) > 0.01


def test_comparison_marks_an_unknown_cost() -> None:
    table = comparison_table()
    columns = dict(table.columns)
    columns["cost"] = [None, *columns["cost"][1:]]
    ax = plot.comparison(analysis.Table(columns))
    (money,) = [other for other in ax.figure.axes if other is not ax]
    labels = [t.get_text() for t in money.texts]
    assert labels[0] == "n/a" and all(label != "n/a" for label in labels[1:])
    assert isinstance(table.columns["cost"][0], Decimal)


def test_comparison_refuses_another_table() -> None:
    with pytest.raises(slaclock.SlaclockValueError, match="no column 'scenario'"):
        plot.comparison(clock_table())


def test_without_matplotlib_the_error_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    with pytest.raises(ImportError, match=r"pip install 'slaclock\[plot\]'"):
        plot.timeline(INCIDENT, SLA2)


def test_importing_the_plot_module_loads_no_matplotlib() -> None:
    code = "import sys, slaclock.plot; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


DOCS = Path(__file__).resolve().parent.parent / "docs"


def test_the_how_to_shows_one_picture_of_each_kind() -> None:
    page = (DOCS / "howto-notebook.md").read_text(encoding="utf-8")
    for name in ("timeline", "reaction-times", "comparison"):
        image = DOCS / "images" / f"{name}.png"
        assert f"images/{name}.png" in page
        assert image.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        pixels = plt.imread(image)
        assert pixels.shape[1] >= 600 and pixels[:, :, :3].std() > 0.05


def test_a_timeline_of_years_leaves_the_hours_unshaded_and_says_so(tmp_path: Path) -> None:
    start = datetime.fromisoformat("2020-01-06T10:00:00+03:00")
    incident = Incident.from_dict(
        {
            "id": "LONG",
            "type": "failure",
            "events": [
                {"type": "opened", "at": start.isoformat()},
                {"type": "agent_reply", "at": (start + timedelta(days=3000)).isoformat()},
            ],
        }
    )
    ax = plot.timeline(incident, SLA2)
    saved(ax, tmp_path / "long.png")
    assert not drawn(ax, "working")
    assert "working periods, too many to shade" in ax.get_xlabel()
    assert len(drawn(ax, "clock")) == len(drawn(ax, "past due")) == 1


def test_timeline_hatches_pauses_and_draws_the_resolution_clock(tmp_path: Path) -> None:
    catalog = slaclock.load_catalog(
        {
            "calendars": {"m": SLA2.calendar.to_dict()},
            "tiers": {
                "R": {"name": "R", "calendar": "m", "reaction": "PT2H", "resolution": "PT8H"}
            },
        }
    )
    incident = Incident.from_dict(
        {
            "id": "R-1",
            "type": "failure",
            "events": [
                {"type": "opened", "at": "2026-11-27T17:30:00+03:00"},
                {"type": "agent_reply", "at": "2026-11-30T11:20:00+03:00"},
                {"type": "pending", "at": "2026-11-30T12:00:00+03:00"},
                {"type": "customer_message", "at": "2026-12-01T10:00:00+03:00"},
                {"type": "resolved", "at": "2026-12-02T15:00:00+03:00"},
            ],
        }
    )
    at = datetime.fromisoformat("2026-12-03T12:00:00+03:00")
    result = evaluate(incident, catalog.tiers["R"], at=at)
    assert result.resolution is not None and result.resolution.pauses
    ax = plot.timeline(incident, catalog.tiers["R"], at=at)
    saved(ax, tmp_path / "resolution.png")
    assert [t.get_text() for t in ax.get_yticklabels()][-1] == "resolution"
    pauses = drawn(ax, "pause")
    assert [(num2date(p.get_x()), p.get_hatch()) for p in pauses] == [
        (start, "///") for start, _ in result.resolution.pauses
    ]
    assert "paused" in [text.get_text() for text in ax.get_legend().get_texts()]
    assert len(drawn(ax, "breach")) == len(result.breaches)
