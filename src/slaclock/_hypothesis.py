"""Hypothesis' entry point: ``st.from_type`` finds slaclock's strategies by type.

Installed with the ``hypothesis`` extra, this hook runs when Hypothesis is
imported (``[project.entry-points.hypothesis]`` in ``pyproject.toml``).  It
registers :mod:`slaclock.strategies` for ``Calendar``, ``Tier``, ``Catalog``,
``Incident`` and ``Event``, so ``st.from_type(slaclock.Calendar)`` and
``st.builds(YourType)`` of a type holding them just work.  The strategies
module itself is imported only when a strategy is first drawn from.
"""

from __future__ import annotations

from typing import Any

__all__ = ["_hypothesis_setup_hook"]


def _strategy(name: str) -> Any:
    """The strategy ``slaclock.strategies.<name>()``, built when first drawn from."""
    from hypothesis import strategies as st

    def build() -> Any:
        from slaclock import strategies

        return getattr(strategies, name)()

    return st.deferred(build)


def _hypothesis_setup_hook() -> None:
    """Register slaclock's strategies for its value types (Hypothesis calls this)."""
    from hypothesis import strategies as st

    from slaclock import Calendar, Catalog, Event, Incident, Tier

    for kind, name in (
        (Calendar, "calendars"),
        (Tier, "tiers"),
        (Catalog, "catalogs"),
        (Incident, "incidents"),
        (Event, "events"),
    ):
        st.register_type_strategy(kind, _strategy(name))
