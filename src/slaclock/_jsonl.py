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
from typing import IO, Literal

from slaclock._sla.incident import Incident
from slaclock.errors import IncidentError

__all__ = [
    "IncidentReadErrors",
    "IncidentReader",
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
        self, source: str | PathLike[str] | IO[str], *, errors: Literal["raise", "collect"]
    ) -> None:
        if errors not in ("raise", "collect"):
            raise IncidentError(f"errors={errors!r}; expected 'raise' or 'collect'")
        self.errors = IncidentReadErrors()
        self._collect = errors == "collect"
        self._gen = self._read(source)

    def __iter__(self) -> IncidentReader:
        return self

    def __next__(self) -> Incident:
        return next(self._gen)

    def _read(self, source: str | PathLike[str] | IO[str]) -> Iterator[Incident]:
        if isinstance(source, str | PathLike):
            with Path(source).open(encoding="utf-8") as handle:
                yield from self._lines(handle)
        else:
            yield from self._lines(source)

    def _lines(self, handle: IO[str]) -> Iterator[Incident]:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                yield parse_line(line, number)
            except IncidentError as exc:
                if not self._collect:
                    raise
                self.errors.errors.append(exc)


def parse_line(line: str, number: int) -> Incident:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise IncidentError(
            f"not valid JSON ({exc.msg} at column {exc.colno}): {line.strip()[:80]!r}",
            line=number,
        ) from None
    try:
        return Incident.from_dict(record)
    except IncidentError as exc:
        raise exc.at(line=number) from None


def read_incidents(
    source: str | PathLike[str] | IO[str],
    *,
    errors: Literal["raise", "collect"] = "raise",
) -> IncidentReader:
    """Stream incidents from a JSON Lines file (a path or an open text file).

    Blank lines are allowed.  With ``errors="raise"`` (the default) the first bad
    line raises :class:`~slaclock.IncidentError` naming its line number; with
    ``errors="collect"`` bad lines are gathered in ``reader.errors`` instead,
    never skipped without a word.

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
    return IncidentReader(source, errors=errors)


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
            raise IncidentError(f"expected an Incident to write, got {incident!r}")
        handle.write(json.dumps(incident.to_dict(), ensure_ascii=False) + "\n")
        count += 1
    return count
