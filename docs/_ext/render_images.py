"""Render the pictures of ``docs/howto-notebook.md`` into ``docs/images/``.

Run ``python docs/_ext/render_images.py`` from the repository root after a change
to ``slaclock.plot``; the calls are the ones the how-to shows, on the same data.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

IMAGES = Path(__file__).resolve().parent.parent / "images"


def render() -> None:
    import matplotlib

    matplotlib.use("Agg")
    from slaclock import Incident, analysis, default_catalog, plot

    catalog = default_catalog()
    incident = Incident.from_dict(
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
    at = datetime.fromisoformat("2026-12-02T12:00:00+03:00")
    pictures = {
        "timeline": plot.timeline(incident, catalog, at=at),
        "reaction-times": plot.reaction_times(
            analysis.clock_table(analysis.sample(2000, seed=1), catalog)
        ),
        "comparison": plot.comparison(
            analysis.compare(
                analysis.sample_records(2000, seed=1),
                [
                    analysis.Scenario("as sold", catalog),
                    analysis.Scenario("all on SLA-2", catalog.tiers["SLA-2"]),
                    analysis.Scenario("09:00-19:00", catalog, hours="09:00-19:00"),
                    analysis.Scenario("4h reaction", catalog, reaction="4h"),
                ],
            )
        ),
    }
    IMAGES.mkdir(exist_ok=True)
    for name, ax in pictures.items():
        ax.figure.savefig(IMAGES / f"{name}.png", dpi=90)


if __name__ == "__main__":
    render()
