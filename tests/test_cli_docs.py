"""The command-line examples of ``docs/howto-cli.md`` and ``README.md`` run, in order, as written.

Each ```` ```console ```` block holds ``$ `` command lines followed by what they
print (standard output and standard error, as a terminal shows them); ``...``
stands for lines left out.  The commands of a page run in one fresh directory,
in order, so a file one example writes is there for the next.
"""

from __future__ import annotations

import doctest
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
BLOCK = re.compile(r"^```console\n(.*?)^```$", re.S | re.M)


def examples(page: Path) -> list[tuple[str, str]]:
    """``(command, expected output)`` of every ``$`` line of the page, in order."""
    found: list[tuple[str, str]] = []
    for block in BLOCK.findall(page.read_text(encoding="utf-8")):
        for chunk in re.split(r"^\$ ", block, flags=re.M)[1:]:
            command, _, output = chunk.partition("\n")
            found.append((command, output))
    return found


def shell(command: str, where: Path) -> str:
    """Run a documented command with ``slaclock`` as this interpreter's ``-m slaclock``."""
    script = f'slaclock() {{ "{sys.executable}" -m slaclock "$@"; }}\n{command}'
    done = subprocess.run(
        ["bash", "-c", script],
        cwd=where,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=300,
        env={**os.environ, "COLUMNS": "100"},
        check=False,
    )
    return done.stdout


def test_the_how_to_page_has_examples_of_every_command() -> None:
    commands = " ".join(command for command, _ in examples(ROOT / "docs" / "howto-cli.md"))
    for name in ("compare", "evaluate", "budget", "sample", "deadline", "elapsed"):
        assert f"slaclock {name}" in commands
    for option in ("--format json", "--format csv", "--errors collect", "evaluate -"):
        assert option in commands


def test_the_how_to_examples_print_what_the_page_says(tmp_path: Path) -> None:
    checker = doctest.OutputChecker()
    for command, expected in examples(ROOT / "docs" / "howto-cli.md"):
        got = shell(command, tmp_path)
        assert "Traceback" not in got, command
        if not checker.check_output(expected, got, doctest.ELLIPSIS):
            pytest.fail(f"$ {command}\nexpected:\n{expected}\ngot:\n{got}")
