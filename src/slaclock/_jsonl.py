"""JSON Lines files of incidents: one JSON record per line, read as a stream.

The incident values themselves know nothing of files; this module is where
text, paths and open handles meet them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from os import PathLike
from pathlib import Path
from typing import IO, Any, Literal

from slaclock._files import DuplicateKey, unique_keys
from slaclock._sla.incident import Incident
from slaclock._sla.vocabulary import Vocabulary
from slaclock.errors import (
    IncidentError,
    SlaclockError,
    SlaclockTypeError,
    compact,
    quote,
    shorten,
)

__all__ = [
    "IncidentReadErrors",
    "IncidentReader",
    "open_lines",
    "parse_line",
    "read_incidents",
    "write_incidents",
]


@dataclass(frozen=True, slots=True)
class IncidentReadErrors:
    """The bad lines met while reading with ``errors="collect"``, in file order.

    Each item is an :class:`~slaclock.IncidentError` carrying its ``line``.
    The collection is filled while the reader is consumed.
    """

    errors: list[IncidentError] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.errors)

    def __bool__(self) -> bool:
        return bool(self.errors)

    def __iter__(self) -> Iterator[IncidentError]:
        return iter(self.errors)

    @property
    def lines(self) -> tuple[int, ...]:
        """The 1-based line numbers of the bad lines."""
        return tuple(err.line for err in self.errors if err.line is not None)


class IncidentReader(Iterator[Incident]):
    """A streaming iterator of incidents from JSON Lines; bad lines raise or are collected.

    ``reader.errors`` holds the collected bad lines (always empty with ``errors="raise"``).
    """

    def __init__(
        self,
        source: str | PathLike[str] | IO[str],
        *,
        errors: Literal["raise", "collect"],
        vocabulary: Vocabulary | None = None,
    ) -> None:
        if errors not in ("raise", "collect"):
            raise IncidentError(f"errors={errors!r}; expected 'raise' or 'collect'")
        if vocabulary is not None and not isinstance(vocabulary, Vocabulary):
            raise SlaclockTypeError(
                f"vocabulary={quote(vocabulary)}; expected a catalog's .vocabulary or None "
                "(the origin's types and channels)"
            )
        self.errors = IncidentReadErrors()
        self._vocabulary = vocabulary
        self._collect = errors == "collect"
        self._gen = self._read(source)

    def __iter__(self) -> IncidentReader:
        return self

    def __next__(self) -> Incident:
        return next(self._gen)

    def _read(self, source: str | PathLike[str] | IO[str]) -> Iterator[Incident]:
        if isinstance(source, str | PathLike):
            with open_lines(source) as handle:
                yield from self._lines(handle)
        else:
            yield from self._lines(source)

    def _lines(self, handle: IO[str]) -> Iterator[Incident]:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                yield parse_line(line, number, vocabulary=self._vocabulary)
            except IncidentError as exc:
                if not self._collect:
                    raise
                compact(exc)
                self.errors.errors.append(exc)


def open_lines(path: str | PathLike[str]) -> IO[str]:
    """A JSON Lines file opened for reading line by line, as a text handle would give it.

    Bytes that are not UTF-8 become lone surrogates (``surrogateescape``), so one bad
    line is reported by :func:`parse_line` and the lines after it are still read.
    ``newline="\\n"`` ends lines at LF only (CRLF keeps its CR, which JSON reads as a
    blank), as ``io.StringIO`` does: a bare CR inside a record does not split it, and a
    path and a StringIO of the same text read the same.
    """
    return Path(path).open(encoding="utf-8", errors="surrogateescape", newline="\n")


def unencodable(text: str) -> int | None:
    """The index of the first character of ``text`` that is no Unicode scalar (a lone surrogate)."""
    if text.isascii():
        return None
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        return exc.start
    return None


def _surrogate_fields(record: Any) -> str | None:
    """The first top-level key of a record whose text holds a lone surrogate (from a JSON escape)."""
    if type(record) is not dict:
        return None
    for key, value in record.items():
        if unencodable(key) is not None or (type(value) is str and unencodable(value) is not None):
            return str(key)
    return None


_ARRAY_HINT = (
    "expected one JSON object per line (JSON Lines), got a JSON array; "
    "write each incident on its own line, without the enclosing [ ]"
)


def parse_line(line: str, number: int, *, vocabulary: Vocabulary | None = None) -> Incident:
    """The incident of one JSON Lines line; every refusal is an ``IncidentError`` at ``number``.

    Whatever the line holds (invalid UTF-8, deep nesting, huge numbers, instants at
    the ends of the years datetime covers, a key twice), the error names the line
    and quotes at most a short piece of it, so a reader collecting errors goes on.
    """
    bad = unencodable(line)
    if bad is not None:
        raise IncidentError(
            f"not valid UTF-8 (a bad byte or lone surrogate at column {bad + 1}): "
            f"{quote(line.strip()[:80])}",
            line=number,
        )
    text = line.strip()
    try:
        record = json.loads(line, object_pairs_hook=unique_keys)
    except json.JSONDecodeError as exc:
        # A JSON array file read as JSON Lines: "[", "{...},", "]" on their lines.
        if text.startswith(("[", "]")) or text.endswith(","):
            raise IncidentError(_ARRAY_HINT, line=number) from None
        raise IncidentError(
            f"not valid JSON ({exc.msg} at column {exc.colno}): {quote(text[:80])}",
            line=number,
        ) from None
    except DuplicateKey as exc:
        raise IncidentError(
            f"the key {quote(exc.args[0])} appears twice in one object; give each key once",
            path=str(exc.args[0]),
            line=number,
        ) from None
    except RecursionError:
        raise IncidentError("not valid JSON: nested too deeply", line=number) from None
    except ValueError as exc:  # a number beyond Python's digit limit for int()
        raise IncidentError(
            f"not valid JSON here: a number with too many digits ({shorten(str(exc), 60)})",
            line=number,
        ) from None
    if type(record) is list:
        raise IncidentError(_ARRAY_HINT, line=number)
    surrogate = _surrogate_fields(record)
    if surrogate is not None:
        raise IncidentError(
            f"{surrogate} holds a lone surrogate (\\ud800-\\udfff), which is no Unicode text",
            path=surrogate,
            line=number,
        )
    try:
        return Incident.from_dict(record, vocabulary=vocabulary)
    except IncidentError as exc:
        raise exc.at(line=number) from None
    except (SlaclockError, ValueError, OverflowError, RecursionError) as exc:
        # Values the checks let through that datetime or the calendar cannot hold
        # (an instant at the very edge of the years 1 to 9999): still this line's error.
        raise IncidentError(f"cannot read this record: {shorten(str(exc))}", line=number) from None


def read_incidents(
    source: str | PathLike[str] | IO[str],
    *,
    errors: Literal["raise", "collect"] = "raise",
    vocabulary: Vocabulary | None = None,
) -> IncidentReader:
    """Stream incidents from a JSON Lines file (a path or an open text file).

    Blank lines are allowed.  With ``errors="raise"`` (the default) the first bad
    line raises :class:`~slaclock.IncidentError` naming its line number; with
    ``errors="collect"`` bad lines are gathered in ``reader.errors`` instead,
    never skipped without a word.  ``vocabulary`` (a catalog's ``.vocabulary``)
    is what incident types and channels are checked against; the origin's by default.

    >>> import io
    >>> text = ('{"id": "A", "type": "failure", "events": '
    ...         '[{"type": "opened", "at": "2026-11-27T17:30:00+03:00"}]}\\n'
    ...         '\\n'
    ...         '{"id": "B", "type": "failure", "events": []}\\n')
    >>> reader = read_incidents(io.StringIO(text), errors="collect")
    >>> [inc.id for inc in reader]
    ['A']
    >>> print(reader.errors.errors[0])
    line 3, events: incident 'B': an incident needs at least its 'opened' event
    """
    return IncidentReader(source, errors=errors, vocabulary=vocabulary)


def write_incidents(target: str | PathLike[str] | IO[str], incidents: Iterable[Incident]) -> int:
    """Write incidents as JSON Lines (one record per line); returns how many were written."""
    if isinstance(target, str | PathLike):
        with Path(target).open("w", encoding="utf-8") as handle:
            return _write(handle, incidents)
    return _write(target, incidents)


def _write(handle: IO[str], incidents: Iterable[Incident]) -> int:
    count = 0
    for incident in incidents:
        if not isinstance(incident, Incident):
            raise IncidentError(f"expected an Incident to write, got {quote(incident)}")
        handle.write(json.dumps(incident.to_dict(), ensure_ascii=False) + "\n")
        count += 1
    return count
