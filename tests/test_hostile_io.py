"""Hostile input and output: no stream is lost, errors stay small, files and the CLI refuse in words.

Each test is named after the case it holds. Every bad line must become that line's
``IncidentError`` (collected, or raised in raise mode), and reading goes on; the
same for both engines, both decoders, a path and a handle.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from slaclock import (
    IncidentError,
    default_catalog,
    read_incidents,
)
from slaclock.analysis import evaluate_jsonl
from slaclock.errors import quote

OPENED = "2026-11-27T17:30:00+03:00"


def record(at: str = OPENED, ident: str = "A", more: str = "") -> str:
    return (
        f'{{"id": "{ident}", "type": "failure", "events": '
        f'[{{"type": "opened", "at": "{at}"}}{more}]}}'
    )


def work(duration: str) -> str:
    return record(
        more=f', {{"type": "work_logged", "at": "2026-11-27T18:00:00+03:00", '
        f'"duration": "{duration}"}}'
    )


GOOD = record(ident="G")

# Lines no reader can read: each must be an IncidentError of its own line.
UNREADABLE = {
    "deep_array": "[" * 100_000,
    "deep_object": '{"id": ' + "[" * 100_000,
    "duration_of_99999999999_hours": work("PT99999999999H"),
    "duration_of_5000_digits": work("PT" + "9" * 5000 + "H"),
    "number_of_5000_digits": '{"id": "A", "type": "failure", "events": ' + "9" * 5000 + "}",
    "lone_surrogate_id": record(ident="\\ud800"),
    "duplicate_id": '{"id": "A", "id": "B", "type": "failure", "events": '
    f'[{{"type": "opened", "at": "{OPENED}"}}]}}',
    "duplicate_events": '{"id": "A", "type": "failure", "events": [], "events": '
    f'[{{"type": "opened", "at": "{OPENED}"}}]}}',
    "duplicate_event_key": '{"id": "A", "type": "failure", "events": '
    f'[{{"type": "opened", "type": "opened", "at": "{OPENED}"}}]}}',
    "json_array_on_one_line": f"[{GOOD}, {GOOD}]",
}

# Lines that read as incidents but whose clocks leave the years slaclock covers.
UNEVALUABLE = {
    "instant_in_year_9999": record("9999-12-31T23:00:00Z"),
    "year_1_with_a_positive_offset": record("0001-01-01T00:30:00+03:00"),
    "due_instant_past_the_range": record("9998-12-31T20:00:00Z"),
}

ENGINES = [(e, d) for e in ("python", "numpy") for d in ("json", "orjson")]


def text_of(bad: str) -> str:
    return f"{GOOD}\n{bad}\n{GOOD}\n"


def as_source(text: str, kind: str, tmp_path: Path) -> Any:
    if kind == "path":
        path = tmp_path / "incidents.jsonl"
        path.write_text(text, encoding="utf-8", errors="surrogatepass", newline="")
        return path
    return io.StringIO(text)


def readers(tier: Any) -> dict[str, Callable[..., Any]]:
    out: dict[str, Callable[..., Any]] = {
        "read_incidents": lambda src, errors: read_incidents(src, errors=errors)
    }
    for engine, decoder in ENGINES:
        out[f"{engine}-{decoder}"] = lambda src, errors, engine=engine, decoder=decoder: (
            evaluate_jsonl(src, tier, errors=errors, engine=engine, decoder=decoder)
        )
    return out


TIER = default_catalog().tiers["SLA-2"]
READERS = readers(TIER)


def collect(reader_name: str, source: Any) -> tuple[list[Any], list[IncidentError]]:
    reader = READERS[reader_name](source, "collect")
    rows = list(reader)
    return rows, list(reader.errors)


# --------------------------------------------------------------------------- quoting


def test_quote_cuts_a_long_value_to_a_readable_length() -> None:
    assert quote("PT1H") == "'PT1H'"
    cut = quote("x" * 5000)
    assert len(cut) <= 100 and cut.endswith("...")


@pytest.mark.parametrize(
    "bad",
    [
        record(more=', {"type": "' + "x" * 5000 + '", "at": "2026-11-27T18:00:00+03:00"}'),
        '{"id": "A", "type": "failure", "events": "' + "x" * 5000 + '"}',
        record(at="x" * 5000),
        work("x" * 5000),
    ],
    ids=["event_type", "events_not_a_list", "event_time", "duration"],
)
def test_a_5kb_value_is_not_quoted_in_full(bad: str) -> None:
    _, errors = collect("read_incidents", io.StringIO(bad + "\n"))
    [error] = errors
    assert len(str(error)) < 400, str(error)
    assert "..." in str(error)
