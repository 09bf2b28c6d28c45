"""The progress bar: on a terminal's standard error for a long input, never on a pipe.

A long input is 8 MiB; the tests shorten that (``_Progress._LONG``) to keep the
log small, and look at what a terminal would be sent.
"""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from slaclock import cli
from slaclock.cli import main


class Terminal(io.StringIO):
    """A standard error that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def log(tmp_path: Path, n: int = 3000, bad: int | None = None) -> Path:
    path = tmp_path / "log.jsonl"
    lines = [
        json.dumps(
            {
                "id": f"I{i}",
                "type": "failure",
                "tier": "SLA-2",
                "events": [{"type": "opened", "at": "2026-11-27T17:30:00+03:00"}],
            }
        )
        for i in range(n)
    ]
    if bad is not None:
        lines[bad] = "not json"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    stderr: io.StringIO,
    *args: str,
) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stderr", stderr)
    code = main(list(args))
    out = capsys.readouterr().out
    return code, out, stderr.getvalue()


@pytest.fixture
def short(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli._Progress, "_LONG", 1000)
    monkeypatch.setattr(cli._Progress, "_EVERY", 1)


@pytest.mark.usefixtures("short")
def test_a_long_input_on_a_terminal_shows_a_tqdm_bar_and_the_same_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = str(log(tmp_path))
    code, out, err = run(monkeypatch, capsys, Terminal(), "evaluate", path, "--format", "csv")
    assert code == 0
    assert "slaclock: reading" in err and "B/s" in err  # tqdm's bar, in bytes
    code, plain, err = run(monkeypatch, capsys, io.StringIO(), "evaluate", path, "--format", "csv")
    assert (code, err) == (0, "")  # not a terminal: no bar
    assert out == plain and len(out.splitlines()) == 3001


@pytest.mark.usefixtures("short")
def test_without_tqdm_a_plain_line_counts_the_megabytes_and_is_cleared(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "tqdm", None)  # import tqdm raises ImportError
    path = log(tmp_path)
    code, _, err = run(monkeypatch, capsys, Terminal(), "evaluate", str(path))
    assert code == 0
    size = path.stat().st_size / 1e6
    assert f"\rslaclock: read 0.0 MB of {size:.1f} MB (" in err
    assert err.endswith("\r\x1b[K")  # the line is taken off the terminal at the end


@pytest.mark.usefixtures("short")
def test_collected_errors_print_on_their_own_lines_under_the_bar(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "tqdm", None)
    path = str(log(tmp_path, bad=2500))
    code, _, err = run(monkeypatch, capsys, Terminal(), "evaluate", path, "--errors", "collect")
    assert code == 1
    message = "\r\x1b[Kslaclock: error: line 2501: not valid JSON"
    assert message in err  # the bar's line cleared first, so the message starts clean


def test_a_short_input_shows_no_bar_even_on_a_terminal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(monkeypatch, capsys, Terminal(), "evaluate", str(log(tmp_path)))
    assert (code, err) == (0, "")
