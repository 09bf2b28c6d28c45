"""Hypothesis finds slaclock's strategies by type, through the installed entry point.

Each check runs in a fresh interpreter, so the hook really runs from the entry
point when Hypothesis is imported (this process imported Hypothesis long ago).
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap


def run(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
        env={**os.environ, **env},
    )


FROM_TYPE = """
    import sys
    import hypothesis
    print("strategies imported:", "slaclock.strategies" in sys.modules)
    from dataclasses import dataclass
    from hypothesis import HealthCheck, Phase, find, settings, strategies as st
    import slaclock

    @dataclass
    class Ticket:  # a user's own type holding slaclock values
        calendar: slaclock.Calendar
        tier: slaclock.Tier
        catalog: slaclock.Catalog
        incident: slaclock.Incident
        event: slaclock.Event

    quick = settings(database=None, phases=[Phase.generate], suppress_health_check=list(HealthCheck))
    ticket = find(st.builds(Ticket), lambda t: True, settings=quick)
    for kind in (slaclock.Calendar, slaclock.Tier, slaclock.Catalog, slaclock.Incident, slaclock.Event):
        value = find(st.from_type(kind), lambda v: True, settings=quick)
        assert type(value) is kind, (kind, value)
        assert type(getattr(ticket, kind.__name__.lower())) is kind
    print("ok")
"""


def test_the_entry_point_is_installed() -> None:
    result = run(
        """
        from importlib.metadata import entry_points
        print([e.value for e in entry_points(group="hypothesis") if e.name == "slaclock"])
        """
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "['slaclock._hypothesis:_hypothesis_setup_hook']"


def test_from_type_and_builds_find_the_strategies_lazily() -> None:
    result = run(FROM_TYPE)
    assert result.returncode == 0, result.stderr
    # The hook registers without importing the strategies module; drawing imports it.
    assert result.stdout.split("\n")[:2] == ["strategies imported: False", "ok"]


def test_without_the_plugin_hypothesis_cannot_build_them() -> None:
    # Hypothesis' own switch turns entry points off: then nothing registered the types,
    # which shows that the registration above came from the entry point.
    result = run(FROM_TYPE, HYPOTHESIS_NO_PLUGINS="1")
    assert result.stdout.startswith("strategies imported: False")
    assert result.returncode != 0 and "ok" not in result.stdout
