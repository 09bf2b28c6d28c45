"""The public surface is the documented one, its types hold on usage examples, and it is light.

``docs/api-surface.txt`` lists every public name by module; ``tests/typing/usage.py``
holds usage examples whose revealed types mypy must agree with.
"""

from __future__ import annotations

import importlib
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SURFACE = ROOT / "docs" / "api-surface.txt"
USAGE = ROOT / "tests" / "typing" / "usage.py"
OPTIONAL = ("numpy", "pandas", "orjson", "hypothesis", "matplotlib", "dask")


def documented() -> dict[str, list[str]]:
    """The sections of docs/api-surface.txt: ``[module]`` then one name a line."""
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    for number, line in enumerate(SURFACE.read_text(encoding="utf-8").splitlines(), 1):
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        header = re.fullmatch(r"\[([\w.]+)\]", text)
        if header:
            current = sections.setdefault(header.group(1), [])
        elif current is None or not text.isidentifier():
            raise AssertionError(f"docs/api-surface.txt line {number}: {line!r} is no name")
        else:
            current.append(text)
    return sections


def test_the_documented_modules_are_the_public_ones() -> None:
    assert list(documented()) == [
        "slaclock",
        "slaclock.analysis",
        "slaclock.analysis.dask",
        "slaclock.display",
        "slaclock.errors",
        "slaclock.plot",
        "slaclock.strategies",
    ]


@pytest.mark.parametrize("module_name", list(documented()))
def test_each_module_exports_exactly_its_documented_names(module_name: str) -> None:
    module = importlib.import_module(module_name)
    names = documented()[module_name]
    assert names == sorted(names), f"keep the [{module_name}] section sorted"
    exported = list(module.__all__)
    missing = sorted(set(names) - set(exported))
    extra = sorted(set(exported) - set(names))
    assert not missing and not extra, (
        f"{module_name}.__all__ and docs/api-surface.txt differ: documented but not "
        f"exported {missing}, exported but not documented {extra}"
    )
    assert all(hasattr(module, name) for name in exported)


def test_usage_examples_have_the_documented_types() -> None:
    # mypy is in the test extra: this runs wherever the tests run, never skipped.  In a
    # subprocess: mypy raises the interpreter's recursion limit and leaves it raised.
    checked = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--no-error-summary",
            "--hide-error-context",
            str(USAGE),
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
        cwd=ROOT,
    )
    stdout, stderr, status = checked.stdout, checked.stderr, checked.returncode
    revealed = {
        int(match.group(1)): match.group(2)
        for match in re.finditer(r"usage\.py:(\d+): note: Revealed type is \"(.*)\"", stdout)
    }
    errors = [line for line in stdout.splitlines() if ": error:" in line]
    assert not errors and status == 0, stdout + stderr
    lines = USAGE.read_text(encoding="utf-8").splitlines()
    expected = {
        number + 1: line.removeprefix("# revealed: ").strip()
        for number, line in enumerate(lines, 1)
        if line.startswith("# revealed: ")
    }
    assert all(lines[number - 1].startswith("reveal_type(") for number in expected)
    assert len(expected) >= 20
    assert revealed == expected


def run(*arguments: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *arguments],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
        env=env,
    )


def import_seconds(module: str, env: dict[str, str]) -> float:
    """Seconds a fresh interpreter spends importing ``module`` (its cumulative import time)."""
    report = run("-X", "importtime", "-c", f"import {module}", env=env).stderr
    for line in report.splitlines():
        parts = [part.strip() for part in line.removeprefix("import time:").split("|")]
        if len(parts) == 3 and parts[2] == module:
            return int(parts[1]) / 1e6
    raise AssertionError(f"no import time for {module} in:\n{report}")


def test_import_slaclock_loads_no_optional_extra() -> None:
    loaded = run(
        "-c",
        "import sys, slaclock\n"
        f"print(sorted({{m.split('.')[0] for m in sys.modules}} & set({OPTIONAL!r})))",
    ).stdout.strip()
    assert loaded == "[]", f"import slaclock loaded optional packages: {loaded}"


def test_import_slaclock_is_light_next_to_importing_holidays(tmp_path: Path) -> None:
    # slaclock loads holidays' country data only when a calendar names a country, so
    # importing it costs about what importing holidays does: a ratio of the fastest of
    # alternating fresh interpreters in this one run (the least disturbed by a busy
    # machine), with a generous bound.  Both from
    # cached bytecode, as installed packages are (this machine may forbid writing it).
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(tmp_path)
    run("-c", "import slaclock, holidays", env=env)  # writes the bytecode
    ours, theirs = [], []
    for _ in range(5):
        ours.append(import_seconds("slaclock", env))
        theirs.append(import_seconds("holidays", env))
    mine, base = min(ours), min(theirs)
    assert mine < 3 * base, f"import slaclock {mine:.3f} s, import holidays {base:.3f} s"
