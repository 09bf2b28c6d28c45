"""The command line against hostile inputs and outputs: one line of error, the right status.

Missing file, directory, binary file, empty file, broken UTF-8, a huge line,
standard input, ``--errors collect``, Ctrl-C and a closed standard output: never
a traceback; 0 done, 1 bad data (the line named), 2 bad usage, 130 interrupted.
"""

from __future__ import annotations

import io
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from slaclock.cli import main

OPENED = "2026-11-27T17:30:00+03:00"
COMMANDS = [("evaluate",), ("evaluate", "--cycles"), ("budget",)]


def record(ident: str = "A", tier: str = "SLA-2") -> str:
    return json.dumps(
        {"id": ident, "type": "failure", "tier": tier, "events": [{"type": "opened", "at": OPENED}]}
    )


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    try:
        code = main(list(args))
    except SystemExit as done:  # argparse's own usage errors
        code = int(done.code or 0)
    out, err = capsys.readouterr()
    assert "Traceback" not in err + out
    return code, out, err


def one_error(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("slaclock: error: "), err
    assert len(lines[0]) < 600
    return lines[0]


@pytest.mark.parametrize("command", COMMANDS)
def test_a_missing_file_or_a_directory_is_bad_data_named(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, command: tuple[str, ...]
) -> None:
    missing = str(tmp_path / "missing.jsonl")
    code, out, err = cli(capsys, command[0], missing, *command[1:])
    assert (code, out) == (1, "")
    assert missing in one_error(err) and "No such file" in err
    code, out, err = cli(capsys, command[0], str(tmp_path), *command[1:])
    assert (code, out) == (1, "")
    assert "is a directory" in one_error(err) and str(tmp_path) in err


@pytest.mark.parametrize("command", COMMANDS)
def test_a_binary_file_is_bad_data_at_line_1(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, command: tuple[str, ...]
) -> None:
    path = tmp_path / "picture.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    code, out, err = cli(capsys, command[0], str(path), *command[1:])
    assert (code, out) == (1, "")
    assert "line 1" in one_error(err)


@pytest.mark.parametrize("command", COMMANDS)
def test_an_empty_file_is_an_empty_answer(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, command: tuple[str, ...]
) -> None:
    path = tmp_path / "empty.jsonl"
    path.write_bytes(b"")
    code, out, err = cli(capsys, command[0], str(path), *command[1:])
    assert (code, err) == (0, "")
    code, out, err = cli(capsys, command[0], str(path), *command[1:], "--format", "csv")
    assert (code, err) == (0, "") and len(out.splitlines()) == 1  # the header alone
    code, out, err = cli(capsys, command[0], str(path), *command[1:], "--format", "json")
    assert (code, out, err) == (0, "", "")


@pytest.mark.parametrize("command", COMMANDS)
def test_broken_utf8_names_its_line_and_collect_goes_on(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, command: tuple[str, ...]
) -> None:
    path = tmp_path / "broken.jsonl"
    path.write_bytes(
        (record("A") + "\n").encode()
        + record("B").encode().replace(b"B", b"\xff")
        + b"\n"
        + (record("C") + "\n").encode()
    )
    code, out, err = cli(capsys, command[0], str(path), *command[1:])
    assert (code, out) == (1, "")
    assert "line 2" in one_error(err) and "UTF-8" in err
    code, out, err = cli(capsys, command[0], str(path), *command[1:], "--errors", "collect")
    assert code == 1
    lines = err.strip().splitlines()
    assert len(lines) == 2 and "line 2" in lines[0]
    assert lines[1] == f"slaclock: 1 bad line of {str(path)!r} left out; 2 incidents read"


def test_collect_reports_every_bad_line_in_file_order_and_keeps_the_good(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    bad = [
        '{"id": "B", "type": "failure", "events": []}',
        "not json",
        record("G", tier="Gold"),
        '{"id": "N", "type": "failure", "events": [{"type": "opened", "at": "2026-11-27T17:30"}]}',
    ]
    text = "\n".join([record("A"), bad[0], record("C"), bad[1], bad[2], record("D"), bad[3], ""])
    path = tmp_path / "log.jsonl"
    path.write_text(text, encoding="utf-8")
    for view in ((), ("--cycles",)):
        code, out, err = cli(
            capsys, "evaluate", str(path), *view, "--errors", "collect", "--format", "json"
        )
        assert code == 1
        assert [json.loads(line)["incident"] for line in out.splitlines()] == ["A", "C", "D"]
        lines = err.strip().splitlines()
        assert [re.search(r"line \d+", line)[0] for line in lines[:-1]] == [  # type: ignore[index]
            "line 2",
            "line 4",
            "line 5",
            "line 7",
        ]
        assert "unknown tier 'Gold'" in lines[2] and "no UTC offset" in lines[3]
        assert lines[-1].endswith(
            "4 bad lines of " + repr(str(path)) + " left out; 3 incidents read"
        )


def test_a_huge_line_is_one_short_error(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "huge.jsonl"
    huge = json.dumps({"id": "X" * 20_000_000, "type": "failure", "events": []})
    path.write_text(record("A") + "\n" + huge + "\n", encoding="utf-8")
    for command in COMMANDS:
        code, out, err = cli(capsys, command[0], str(path), *command[1:])
        assert (code, out) == (1, "")
        assert "line 2" in one_error(err)


def test_dash_reads_standard_input(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    text = record("A") + "\n" + record("B", tier="SLA-4") + "\n"
    for command in COMMANDS:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(text.encode())))
        code, out, err = cli(capsys, command[0], "-", *command[1:], "--format", "csv")
        assert (code, err) == (0, "")
        if command == ("evaluate",):
            assert [line.split(",")[:2] for line in out.splitlines()[1:]] == [
                ["A", "SLA-2"],
                ["B", "SLA-4"],
            ]
    # A catalog from standard input, in either form.
    from slaclock import default_catalog

    catalog = json.dumps(default_catalog().to_dict())
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(catalog.encode())))
    code, out, _ = cli(capsys, "deadline", OPENED, "PT2H", "--catalog", "-")
    assert (code, out) == (0, "2026-11-30T11:30:00+03:00\n")
    calendar = 'tz = "UTC"\nweek = { mon = [["09:00", "17:00"]] }\n'
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(calendar.encode())))
    code, out, _ = cli(capsys, "deadline", "2026-11-30T16:00:00Z", "2h", "--calendar", "-")
    assert (code, out) == (0, "2026-12-07T10:00:00+00:00\n")  # Mondays only
    code, _, err = cli(capsys, "evaluate", "-", "--catalog", "-")
    assert code == 2 and "standard input ('-') can be read once" in err


def test_bad_usage_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    for args in (
        ("evaluate", "--format", "xml"),
        ("evaluate", "--errors", "skip"),
        ("evaluate", "--explain", "--format", "csv"),
        ("evaluate", "--cycles", "--explain"),
        ("budget",),
        ("sample", "--incidents", "many"),
        ("frobnicate",),
    ):
        code, out, err = cli(capsys, *args)
        assert code == 2 and out == "", args
        assert err and len(err) < 2000, args


def test_ctrl_c_ends_in_one_line_with_status_130() -> None:
    # A log arriving slowly on standard input: interrupted while reading it.  A
    # background job starts with Ctrl-C ignored, and Python then leaves it so: the
    # child takes Python's own handler back, as it has at a terminal.
    code = (
        "import signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler); "
        "from slaclock.cli import main; print('ready', file=sys.stderr, flush=True); "
        "sys.exit(main(['evaluate', '-']))"
    )
    child = subprocess.Popen(
        [sys.executable, "-c", code],
        text=True,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert child.stdin is not None and child.stderr is not None
    child.stdin.write(record("A") + "\n")
    child.stdin.flush()
    assert child.stderr.readline() == "ready\n"
    time.sleep(0.5)  # into main(), blocked reading standard input
    child.send_signal(signal.SIGINT)
    out, err = child.communicate(timeout=60)
    assert child.returncode == 130, err
    assert err.strip() == "slaclock: interrupted" and out == ""


def test_a_closed_standard_output_ends_quietly(tmp_path: Path) -> None:
    path = tmp_path / "many.jsonl"
    with path.open("w", encoding="utf-8") as log:
        subprocess.run(
            [sys.executable, "-m", "slaclock", "sample", "--incidents", "3000"],
            stdout=log,
            check=True,
        )
    for args in (
        ("evaluate", str(path)),
        ("evaluate", str(path), "--format", "csv"),
        ("budget", str(path), "--format", "json"),
        ("sample", "--incidents", "3000"),
    ):
        run = subprocess.run(
            f"{sys.executable} -m slaclock {' '.join(args)} | head -1",
            shell=True,
            capture_output=True,
            text=True,
            timeout=120,
            env={**os.environ, "PYTHONUNBUFFERED": ""},
        )
        assert run.stdout.count("\n") == 1, args
        assert run.stderr == "", (args, run.stderr)
