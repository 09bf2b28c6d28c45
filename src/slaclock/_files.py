"""Reading calendar and catalog specs from TOML or JSON text and files, keeping where errors are.

One loader for every spec: a syntax error is a ``SpecError`` with the ``line``
and the file's name in its message; a bad value keeps the dotted key ``path``
its builder gave it, and a file's name is added as an exception note (shown in
tracebacks).  Decimal numbers are read exactly, as ``Decimal``, never as floats.

The calendar layer does no file or JSON work itself: ``Calendar.load`` and
friends import this module when called.
"""

from __future__ import annotations

import json
import json.decoder
import json.scanner
import os
import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal, TypeVar

from slaclock._ics import FeedHolidays, read_ics
from slaclock._toml import TOMLDecodeError, error_line
from slaclock._toml import loads as toml_loads
from slaclock.errors import SlaclockTypeError, SlaclockValueError, SpecError, quote, shorten

__all__ = ["FORMATS", "format_of", "load_file", "load_text", "parse_text", "read_ics_source"]

Format = Literal["toml", "json"]
FORMATS: tuple[Format, ...] = ("toml", "json")
_T = TypeVar("_T")


def parse_text(text: object, *, format: str, source: str | None = None) -> Any:
    """The mapping (or other value) that TOML or JSON ``text`` holds; syntax errors name the line."""
    if not isinstance(text, str):
        raise SlaclockTypeError(f"spec text must be a str, got {type(text).__name__}")
    if format not in FORMATS:
        raise SlaclockValueError(f"format must be 'toml' or 'json', got {format!r}")
    where = f" in {source}" if source else ""
    if "\x00" in text:
        # UTF-16 text of ASCII characters read as UTF-8: every other character a NUL.
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise SpecError(
            f"invalid {format.upper()}{where}: it holds NUL characters "
            "(UTF-16 text? save the file as UTF-8)",
            line=line,
        )
    if format == "toml":
        try:
            return toml_loads(text, parse_float=Decimal)
        except TOMLDecodeError as exc:
            raise SpecError(f"invalid TOML{where}: {exc}", line=error_line(exc, text)) from None
        except RecursionError:
            raise SpecError(f"invalid TOML{where}: nested too deeply") from None
    try:
        return _JSON.decode(text)
    except json.JSONDecodeError as exc:
        raise SpecError(
            f"invalid JSON{where}: {exc.msg} (column {exc.colno})", line=exc.lineno
        ) from None
    except DuplicateKey as exc:
        key, start = exc.args
        line = text.count("\n", 0, _second_key(text, start, key)) + 1
        raise SpecError(
            f"invalid JSON{where}: the key {quote(key)} appears twice in one object; "
            "give each key once",
            line=line,
        ) from None
    except RecursionError:
        raise SpecError(f"invalid JSON{where}: nested too deeply") from None
    except ValueError as exc:  # a number beyond Python's digit limit for int()
        raise SpecError(f"invalid JSON{where}: {shorten(str(exc), 80)}") from None


class DuplicateKey(Exception):
    """A JSON object with a key twice (args: the key, then where the object starts if known).

    JSON decoders keep the last of the two; slaclock refuses, as TOML does.
    """


def unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object's pairs as a dict, refusing a key given twice (an ``object_pairs_hook``)."""
    record = dict(pairs)
    if len(record) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise DuplicateKey(key, None)
            seen.add(key)
    return record


def _parse_object(state: tuple[str, int], *args: Any, **kwargs: Any) -> Any:
    """json's object parser, noting where an object with a key twice starts."""
    try:
        return json.decoder.JSONObject(state, *args, **kwargs)  # type: ignore[attr-defined]
    except DuplicateKey as exc:
        if exc.args[1] is None:
            raise DuplicateKey(exc.args[0], state[1] - 1) from None
        raise


_BLANK = re.compile(r"[ \t\n\r]*")


def _second_key(text: str, start: int, key: str) -> int:
    """Where the second ``key`` of the object at ``start`` is (for its line number)."""
    seen = 0
    pos = start + 1
    while True:
        pos = _BLANK.match(text, pos).end()  # type: ignore[union-attr]
        name, pos = json.decoder.scanstring(text, pos + 1)  # type: ignore[attr-defined]
        if name == key:
            seen += 1
            if seen == 2:
                return int(pos)
        pos = _BLANK.match(text, pos).end() + 1  # type: ignore[union-attr]  # the ':'
        pos = _BLANK.match(text, pos).end()  # type: ignore[union-attr]
        _, pos = _RAW.raw_decode(text, pos)
        pos = _BLANK.match(text, pos).end() + 1  # type: ignore[union-attr]  # ',' or '}'


def _decoder() -> json.JSONDecoder:
    """A JSON decoder that reads decimals exactly and refuses a key given twice.

    Specs are small, so the pure-Python scanner (which calls the object parser
    above, where the C scanner would not) costs nothing that matters.
    """
    decoder = json.JSONDecoder(parse_float=Decimal, object_pairs_hook=unique_keys)
    decoder.parse_object = _parse_object  # type: ignore[attr-defined]
    decoder.scan_once = json.scanner.py_make_scanner(decoder)  # type: ignore[attr-defined]
    return decoder


_JSON = _decoder()
# Values inside an object already read without complaint: any decoder will do.
_RAW = json.JSONDecoder(parse_float=Decimal)


def load_text(
    text: object,
    *,
    format: str,
    build: Callable[[Any], _T],
    source: str | None = None,
    what: str = "spec",
) -> _T:
    """``build`` applied to the parsed ``text``; its errors keep their path and line."""
    data = parse_text(text, format=format, source=source)
    try:
        return build(data)
    except SpecError as exc:
        if source:
            exc.add_note(f"in {what} {source}")
        raise


def format_of(path: str | os.PathLike[str], *, what: str) -> Format:
    """``"toml"`` or ``"json"`` from a file name's suffix."""
    suffix = Path(path).suffix.lower()
    if suffix == ".toml":
        return "toml"
    if suffix == ".json":
        return "json"
    raise SpecError(
        f"cannot tell the format of {what} file {str(path)!r}: expected a name ending in "
        f".toml or .json"
    )


def load_file(
    path: str | os.PathLike[str],
    *,
    build: Callable[[Any], _T],
    what: str,
    missing_is_spec_error: bool = False,
) -> _T:
    """``build`` applied to a ``.toml`` or ``.json`` file's content (UTF-8).

    A file that cannot be opened raises the usual ``OSError``, or a ``SpecError``
    with ``missing_is_spec_error``.
    """
    file = Path(path)
    format = format_of(file, what=what)
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        if not missing_is_spec_error:
            raise
        raise SpecError(f"cannot read {what} file {str(file)!r}: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raw = file.read_bytes()
        utf16 = " (UTF-16? save the file as UTF-8)" if raw[:2] in (b"\xff\xfe", b"\xfe\xff") else ""
        raise SpecError(
            f"{what} file {quote(str(file))} is not UTF-8 text (byte {exc.start}){utf16}",
            line=raw.count(b"\n", 0, exc.start) + 1,
        ) from None
    return load_text(text, format=format, build=build, source=str(file), what=what)


def read_ics_source(source: object) -> FeedHolidays:
    """The holidays of an iCalendar feed given as text (``"BEGIN:VCALENDAR..."``) or a file.

    A ``str`` that starts with ``BEGIN:`` (after a byte-order mark or blank lines)
    is the feed itself; any other ``str`` or an ``os.PathLike`` names a file, read
    as UTF-8 (errors then name the file and the line).
    """
    if isinstance(source, bytes):
        return read_ics(source)
    if isinstance(source, str) and source.lstrip("\ufeff \t\r\n").upper().startswith("BEGIN:"):
        return read_ics(source)
    if not isinstance(source, str | os.PathLike):
        raise SlaclockTypeError(
            "an iCalendar source is feed text (starting BEGIN:VCALENDAR) or a file path, "
            f"got {type(source).__name__}"
        )
    file = Path(source)
    try:
        raw = file.read_bytes()
    except OSError as exc:
        raise SpecError(f"cannot read iCalendar file {quote(str(file))}: {exc.strerror}") from exc
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SpecError(
            f"iCalendar file {quote(str(file))} is not UTF-8 text (byte {exc.start})",
            line=raw.count(b"\n", 0, exc.start) + 1,
        ) from None
    return read_ics(text, source=str(file))
