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
import os
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal, TypeVar

from slaclock._toml import TOMLDecodeError, error_line
from slaclock._toml import loads as toml_loads
from slaclock.errors import SlaclockTypeError, SlaclockValueError, SpecError

__all__ = ["FORMATS", "format_of", "load_file", "load_text", "parse_text"]

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
    if format == "toml":
        try:
            return toml_loads(text, parse_float=Decimal)
        except TOMLDecodeError as exc:
            raise SpecError(f"invalid TOML{where}: {exc}", line=error_line(exc, text)) from None
    try:
        return json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        raise SpecError(
            f"invalid JSON{where}: {exc.msg} (column {exc.colno})", line=exc.lineno
        ) from None
    except RecursionError:
        raise SpecError(f"invalid JSON{where}: nested too deeply") from None


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
        raise SpecError(f"{what} file {str(file)!r} is not UTF-8 text (byte {exc.start})") from None
    return load_text(text, format=format, build=build, source=str(file), what=what)
