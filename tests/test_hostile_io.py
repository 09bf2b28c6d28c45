"""Hostile input and output: no stream is lost, errors stay small, files and the CLI refuse in words.

Each test is named after the case it holds. Every bad line must become that line's
``IncidentError`` (collected, or raised in raise mode), and reading goes on; the
same for both engines, both decoders, a path and a handle.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from slaclock import (
    Calendar,
    IncidentError,
    SpecError,
    default_catalog,
    load_catalog,
    load_catalog_text,
    read_incidents,
)
from slaclock.analysis import evaluate_jsonl
from slaclock.cli import main
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
    # The helpdesk's own fields: JSON values only, bounded, each key once.
    "attributes_nan": '{"id": "A", "type": "failure", "attributes": {"score": NaN}, '
    f'"events": [{{"type": "opened", "at": "{OPENED}"}}]}}',
    "attributes_infinity": '{"id": "A", "type": "failure", "attributes": {"s": [1, -Infinity]}, '
    f'"events": [{{"type": "opened", "at": "{OPENED}"}}]}}',
    "attributes_nested_deeply": '{"id": "A", "type": "failure", "attributes": '
    + '{"a": ' * 500
    + "1"
    + "}" * 500
    + f', "events": [{{"type": "opened", "at": "{OPENED}"}}]}}',
    "attributes_nested_past_the_parser": '{"id": "A", "type": "failure", "attributes": '
    + '{"a": ' * 100_000,
    "attributes_duplicate_key": '{"id": "A", "type": "failure", '
    '"attributes": {"p": "P1", "q": {"r": 1, "r": 2}}, '
    f'"events": [{{"type": "opened", "at": "{OPENED}"}}]}}',
    "attributes_lone_surrogate": '{"id": "A", "type": "failure", "attributes": {"n": "\\udc00"}, '
    f'"events": [{{"type": "opened", "at": "{OPENED}"}}]}}',
    "attributes_a_list": '{"id": "A", "type": "failure", "attributes": ["P1"], '
    f'"events": [{{"type": "opened", "at": "{OPENED}"}}]}}',
    "customer_a_number": '{"id": "A", "type": "failure", "customer": 7, '
    f'"events": [{{"type": "opened", "at": "{OPENED}"}}]}}',
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


@pytest.mark.parametrize("kind", ["path", "handle"])
@pytest.mark.parametrize("reader_name", list(READERS))
@pytest.mark.parametrize("case", list(UNREADABLE))
def test_an_unreadable_line_is_its_own_error_and_reading_goes_on(
    case: str, reader_name: str, kind: str, tmp_path: Path
) -> None:
    rows, errors = collect(reader_name, as_source(text_of(UNREADABLE[case]), kind, tmp_path))
    assert len(rows) == 2
    assert [type(e) for e in errors] == [IncidentError]
    assert errors[0].line == 2
    assert len(str(errors[0])) < 400
    str(errors[0]).encode("utf-8")  # printable: no lone surrogate in the message
    with pytest.raises(IncidentError) as raised:
        list(READERS[reader_name](as_source(text_of(UNREADABLE[case]), kind, tmp_path), "raise"))
    assert raised.value.line == 2
    assert str(raised.value) == str(errors[0])


@pytest.mark.parametrize("reader_name", list(READERS))
@pytest.mark.parametrize("case", list(UNREADABLE))
def test_the_fast_path_refuses_what_the_careful_reader_refuses(case: str, reader_name: str) -> None:
    _, careful = collect("read_incidents", io.StringIO(text_of(UNREADABLE[case])))
    _, errors = collect(reader_name, io.StringIO(text_of(UNREADABLE[case])))
    assert [(e.line, e.path, e.reason) for e in errors] == [
        (e.line, e.path, e.reason) for e in careful
    ]


@pytest.mark.parametrize("kind", ["path", "handle"])
@pytest.mark.parametrize("engine,decoder", ENGINES)
@pytest.mark.parametrize("case", list(UNEVALUABLE))
def test_an_evaluation_error_is_the_lines_incident_error(
    case: str, engine: str, decoder: str, kind: str, tmp_path: Path
) -> None:
    text = text_of(UNEVALUABLE[case])
    reader = evaluate_jsonl(
        as_source(text, kind, tmp_path), TIER, errors="collect", engine=engine, decoder=decoder
    )
    assert [row.incident for row in reader] == ["G", "G"]
    [error] = reader.errors
    assert isinstance(error, IncidentError)
    assert (error.line, error.incident_id) == (2, "A")
    with pytest.raises(IncidentError) as raised:
        list(evaluate_jsonl(io.StringIO(text), TIER, engine=engine, decoder=decoder))
    assert raised.value.line == 2


@pytest.mark.parametrize("case", list(UNEVALUABLE))
def test_reading_lines_at_the_ends_of_the_years_loses_nothing(case: str) -> None:
    reader = read_incidents(io.StringIO(text_of(UNEVALUABLE[case])), errors="collect")
    assert [inc.id for inc in reader] == ["G", "A", "G"]
    assert not reader.errors


INVALID_UTF8 = GOOD.encode() + b"\n" + record(ident="B").encode().replace(b"B", b"\xff") + b"\n"


@pytest.mark.parametrize("reader_name", list(READERS))
def test_invalid_utf8_in_a_path_is_one_lines_error(reader_name: str, tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_bytes(INVALID_UTF8 + GOOD.encode() + b"\n")
    rows, errors = collect(reader_name, path)
    assert len(rows) == 2
    assert [e.line for e in errors] == [2]
    assert "not valid UTF-8" in str(errors[0])


@pytest.mark.parametrize("reader_name", list(READERS))
def test_invalid_utf8_in_a_surrogateescape_handle_is_one_lines_error(
    reader_name: str, tmp_path: Path
) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_bytes(INVALID_UTF8 + GOOD.encode() + b"\n")
    with path.open(encoding="utf-8", errors="surrogateescape") as handle:
        rows, errors = collect(reader_name, handle)
    assert len(rows) == 2
    assert [e.line for e in errors] == [2]
    assert "not valid UTF-8" in str(errors[0])


def test_a_bare_cr_inside_a_record_reads_the_same_from_a_path_and_a_handle(
    tmp_path: Path,
) -> None:
    text = record().replace('"type": "failure",', '"type": "failure",\r') + "\n" + GOOD + "\r\n"
    path = tmp_path / "cr.jsonl"
    path.write_bytes(text.encode())
    from_path = list(read_incidents(path))
    from_handle = list(read_incidents(io.StringIO(text)))
    assert from_path == from_handle
    assert [inc.id for inc in from_path] == ["A", "G"]
    rows = [list(evaluate_jsonl(src, TIER)) for src in (path, io.StringIO(text))]
    assert rows[0] == rows[1] and len(rows[0]) == 2


def test_a_json_array_file_on_many_lines_says_one_object_per_line() -> None:
    text = f"[\n{GOOD},\n{GOOD}\n]\n"
    for name in READERS:
        rows, errors = collect(name, io.StringIO(text))
        # The last object, without its comma, is a record of its own.
        assert len(rows) == 1 and [e.line for e in errors] == [1, 2, 4]
        for error in errors:
            assert "expected one JSON object per line" in str(error)
            assert GOOD not in str(error)


def test_a_line_with_escapes_still_evaluates_on_the_careful_path() -> None:
    line = record(ident="caf\\u00e9")
    for name in READERS:
        rows, errors = collect(name, io.StringIO(line + "\n"))
        assert len(rows) == 1 and not errors


def test_a_lone_surrogate_id_is_refused_and_printable() -> None:
    _, errors = collect("read_incidents", io.StringIO(UNREADABLE["lone_surrogate_id"]))
    [error] = errors
    assert error.path == "id"
    print(error)  # would raise UnicodeEncodeError on a lone surrogate


# --------------------------------------------------------------------------- memory


def test_a_collected_error_keeps_no_traceback_context_or_cause() -> None:
    for name in READERS:
        _, errors = collect(name, io.StringIO(text_of(UNREADABLE["duplicate_id"])))
        [error] = errors
        assert error.__traceback__ is None
        assert error.__context__ is None
        assert error.__cause__ is None


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


@pytest.mark.parametrize("reader_name", ["read_incidents", "python-json", "numpy-orjson"])
def test_thousands_of_collected_errors_stay_small(reader_name: str, tmp_path: Path) -> None:
    # 3,000 errors quoting their 5 KB value in full would hold 15 MB; kept short, they
    # hold about a kilobyte each.  A first run, not traced, fills what every reader
    # keeps once (imports, compiled calendars and programs).
    bad = record(more=', {"type": "' + "x" * 5000 + '", "at": "2026-11-27T18:00:00+03:00"}')
    path = tmp_path / "bad.jsonl"
    path.write_text((bad + "\n") * 100, encoding="utf-8")
    for _ in READERS[reader_name](path, "collect"):
        pass
    path.write_text((bad + "\n") * 3_000, encoding="utf-8")
    tracemalloc.start()
    try:
        reader = READERS[reader_name](path, "collect")
        for _ in reader:
            pass
        current, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(reader.errors) == 3_000
    assert current < 4_000_000, current


# --------------------------------------------------------------------------- files


def catalog_json() -> str:
    return json.dumps(default_catalog().to_dict(), indent=1)


def test_a_json_catalog_with_a_tier_twice_is_refused_with_the_key_and_line(
    tmp_path: Path,
) -> None:
    text = catalog_json()
    start = text.index('"tiers": {') + len('"tiers": {')
    text = text[:start] + '\n  "SLA-2": {},' + text[start:]
    second = text.index('"SLA-2": {', start + 20)
    path = tmp_path / "dup.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SpecError) as raised:
        load_catalog(path)
    assert "'SLA-2' appears twice" in str(raised.value)
    assert raised.value.line == text.count("\n", 0, second) + 1
    assert "dup.json" in str(raised.value)
    with pytest.raises(SpecError, match="appears twice"):
        load_catalog_text(text, format="json")


@pytest.mark.parametrize(
    "name,content",
    [
        ("deep.json", '{"a": ' + "[" * 100_000 + "]" * 100_000 + "}"),
        ("deep.toml", "a = " + "[" * 100_000 + "]" * 100_000 + "\n"),
        ("deep_tables.toml", "a = " + "{b = " * 3000 + "1" + "}" * 3000 + "\n"),
    ],
)
def test_deep_nesting_in_catalogs_and_calendars_is_a_spec_error(
    name: str, content: str, tmp_path: Path
) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    for load in (load_catalog, Calendar.load):
        with pytest.raises(SpecError, match="nested too deeply") as raised:
            load(path)
        assert name in str(raised.value)


def test_a_utf16_catalog_is_a_spec_error_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "wide.json"
    path.write_text(catalog_json(), encoding="utf-16")
    with pytest.raises(SpecError, match="UTF-16") as raised:
        load_catalog(path)
    assert "wide.json" in str(raised.value) and raised.value.line == 1
    bare = tmp_path / "wide.toml"
    bare.write_text("x = 1\n", encoding="utf-16-le")  # no BOM: NULs between characters
    with pytest.raises(SpecError, match="UTF-16"):
        Calendar.load(bare)


def test_invalid_utf8_in_a_catalog_names_the_file_and_line(tmp_path: Path) -> None:
    raw = catalog_json().encode()
    cut = raw.index(b"\n", 200)
    path = tmp_path / "bad.json"
    path.write_bytes(raw[:cut] + b"\xff" + raw[cut:])
    with pytest.raises(SpecError, match="not UTF-8") as raised:
        load_catalog(path)
    assert raised.value.line == raw.count(b"\n", 0, cut) + 1
    assert "bad.json" in str(raised.value)


# --------------------------------------------------------------------------- command line


@pytest.fixture
def files(tmp_path: Path) -> Iterator[Path]:
    (tmp_path / "deep.jsonl").write_text("[" * 100_000 + "\n", encoding="utf-8")
    (tmp_path / "deep.toml").write_text("a = " + "[" * 100_000 + "\n", encoding="utf-8")
    (tmp_path / "bad.jsonl").write_bytes(INVALID_UTF8)
    (tmp_path / "y9999.jsonl").write_text(
        GOOD + "\n" + UNEVALUABLE["instant_in_year_9999"] + "\n", encoding="utf-8"
    )
    (tmp_path / "big.jsonl").write_text(
        GOOD + "\n" + UNREADABLE["duration_of_99999999999_hours"] + "\n", encoding="utf-8"
    )
    (tmp_path / "plain.jsonl").write_text(record() + "\n", encoding="utf-8")
    catalog = default_catalog().to_dict()
    catalog["tiers"] = {"gold": catalog["tiers"]["SLA-2"]}
    (tmp_path / "gold.json").write_text(json.dumps(catalog), encoding="utf-8")
    yield tmp_path


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    try:
        code = main(list(args))
    except SystemExit as done:  # argparse's own usage errors
        code = int(done.code or 0)
    out, err = capsys.readouterr()
    assert "Traceback" not in err + out
    return code, out, err


@pytest.mark.parametrize(
    "args,line",
    [
        (("evaluate", "--catalog", "missing.toml"), None),
        (("evaluate", "bad.jsonl", "--tier", "SLA-2"), 2),
        (("evaluate", "deep.jsonl"), 1),
        (("evaluate", "--catalog", "deep.toml"), None),
        (("evaluate", "y9999.jsonl", "--tier", "SLA-2"), 2),
        (("evaluate", "big.jsonl", "--tier", "SLA-2"), 2),
    ],
    ids=["missing_catalog", "invalid_utf8", "deep_nesting", "deep_catalog", "year_9999", "huge"],
)
def test_bad_data_on_the_command_line_exits_1_in_one_line(
    capsys: pytest.CaptureFixture[str],
    files: Path,
    monkeypatch: pytest.MonkeyPatch,
    args: tuple[str, ...],
    line: int | None,
) -> None:
    monkeypatch.chdir(files)
    code, out, err = cli(capsys, *args)
    assert code == 1 and out == ""
    assert len(err.strip().splitlines()) == 1 and err.startswith("slaclock: error: ")
    if line is not None:
        assert f"line {line}" in err


@pytest.mark.parametrize(
    "args",
    [
        ("deadline", "9999-12-31T20:00:00Z", "PT1H"),
        ("deadline", "0001-01-01T00:30:00+03:00", "PT1H"),
        ("elapsed", "0001-01-01T00:30:00+03:00", "9999-12-31T23:00:00Z"),
        ("deadline", OPENED, "PT99999999999H"),
        ("deadline", OPENED, "PT" + "9" * 5000 + "H"),
        ("deadline", OPENED),
        ("deadline", OPENED, "PT1H", "-x"),
    ],
    ids=["year_9999", "year_1", "elapsed_year_1", "huge_duration", "5000_digits", "no", "extra"],
)
def test_a_bad_command_line_exits_2_without_a_traceback(
    capsys: pytest.CaptureFixture[str], args: tuple[str, ...]
) -> None:
    code, _, err = cli(capsys, *args)
    assert code == 2, err
    assert len(err) < 600


@pytest.mark.parametrize("duration", ["-PT1H", "-1h"])
def test_deadline_with_a_negative_duration_works_as_typed(
    capsys: pytest.CaptureFixture[str], duration: str
) -> None:
    code, out, err = cli(capsys, "deadline", OPENED, duration)
    assert (code, out, err) == (0, "2026-11-27T16:30:00+03:00\n", "")
    code, out, _ = cli(capsys, "deadline", OPENED, duration, "--calendar-name", "moscow")
    assert (code, out) == (0, "2026-11-27T16:30:00+03:00\n")


def test_version_prints_the_version(capsys: pytest.CaptureFixture[str]) -> None:
    import slaclock

    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0
    assert capsys.readouterr().out == f"slaclock {slaclock.__version__}\n"


def test_an_incident_naming_no_tier_is_not_said_to_name_one(
    capsys: pytest.CaptureFixture[str], files: Path
) -> None:
    code, _, err = cli(
        capsys, "evaluate", str(files / "plain.jsonl"), "--catalog", str(files / "gold.json")
    )
    assert code == 1
    assert "names tier" not in err and "names no tier" in err and "line 1" in err


def test_piping_into_head_ends_quietly(tmp_path: Path) -> None:
    path = tmp_path / "many.jsonl"
    path.write_text("".join(record(ident=f"I{n}") + "\n" for n in range(3000)), encoding="utf-8")
    run = subprocess.run(
        f"{sys.executable} -m slaclock evaluate --format json --tier SLA-2 {path} | head -1",
        shell=True,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.stdout.count("\n") == 1
    assert "Traceback" not in run.stderr and "BrokenPipe" not in run.stderr, run.stderr
