"""TOML text with the standard library's ``tomllib``, plus TOML 1.1's multi-line inline tables.

The documented catalog layout spreads an inline table over two lines, which
TOML 1.1 allows and ``tomllib`` (TOML 1.0, before Python 3.15) refuses.  Rather
than add a dependency, text that ``tomllib`` refuses is retried once with its
inline tables joined onto one line (newlines inside braces become spaces,
comments inside braces are dropped, a trailing comma before ``}`` is removed);
strings are left untouched and the newlines are put back after the table closes,
so line numbers in errors still point at the right line.  Text that is valid
TOML 1.0 is read exactly as ``tomllib`` reads it.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from typing import Any

__all__ = ["TOMLDecodeError", "error_line", "join_inline_tables", "loads"]

TOMLDecodeError = tomllib.TOMLDecodeError


def loads(text: str, *, parse_float: Callable[[str], Any] = float) -> dict[str, Any]:
    """Parse TOML 1.0 text, or TOML 1.1 text whose only 1.1 feature is multi-line inline tables."""
    try:
        return tomllib.loads(text, parse_float=parse_float)
    except tomllib.TOMLDecodeError as error:
        joined = join_inline_tables(text)
        if joined == text:
            raise
        first = error
    try:
        return tomllib.loads(joined, parse_float=parse_float)
    except tomllib.TOMLDecodeError as error:
        # Past an unclosed brace the joined text has no lines left to name: the
        # error on the text as written says more there.
        raise (error if "line" in str(error) else first) from None


def error_line(error: ValueError, text: str | None = None) -> int | None:
    """The 1-based line a ``TOMLDecodeError`` points at; "end of document" is the last line."""
    # Python 3.14 carries it as an attribute; before, only the message says "at line N".
    line = getattr(error, "lineno", None)
    if isinstance(line, int):
        return line
    match = re.search(r"at line (\d+)", str(error))
    if match:
        return int(match.group(1))
    if text is not None and "end of document" in str(error):
        return text.count("\n") + 1  # where tomllib itself counts the end
    return None


def join_inline_tables(text: str) -> str:
    """``text`` with every inline table on one line (see the module docstring).

    >>> join_inline_tables('a = { x = 1,\\n      y = 2, }\\nb = 3\\n')
    'a = { x = 1,       y = 2}\\n\\nb = 3\\n'
    """
    out: list[str] = []
    depth = 0  # of inline-table braces
    owed = 0  # newlines taken out of the current inline table
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c in "\"'":
            quote = c * 3 if text.startswith(c * 3, i) else c
            end = _string_end(text, i + len(quote), quote)
            out.append(text[i:end])
            i = end
            continue
        if c == "#":
            end = text.find("\n", i)
            end = n if end < 0 else end
            if depth == 0:
                out.append(text[i:end])
            i = end
            continue
        if c == "{":
            depth += 1
        elif c == "}" and depth:
            while out and out[-1].isspace():
                out.pop()
            if out and out[-1] == ",":
                out.pop()
            depth -= 1
            out.append(c)
            if depth == 0 and owed:
                out.append("\n" * owed)
                owed = 0
            i += 1
            continue
        elif c in "\r\n" and depth:
            if c == "\n":
                owed += 1
                out.append(" ")
            i += 1
            continue
        out.append(c)
        i += 1
    return "".join(out)


def _string_end(text: str, i: int, quote: str) -> int:
    """The index just past the string that opened with ``quote`` before ``i``."""
    escapes = quote[0] == '"'
    n = len(text)
    while i < n:
        if escapes and text[i] == "\\":
            i += 2
            continue
        if text.startswith(quote, i):
            end = i + len(quote)
            # A multi-line string may end with up to two extra quotes of its own.
            while len(quote) == 3 and end < n and text[end] == quote[0] and end - i < 5:
                end += 1
            return end
        if len(quote) == 1 and text[i] == "\n":
            return i  # an unterminated string: leave it for tomllib to report
        i += 1
    return n
