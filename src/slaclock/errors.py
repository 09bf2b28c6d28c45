"""The one error tree of slaclock.

Every refusal of bad input raises a :class:`SlaclockError`.  Each concrete class
also derives from the built-in exception that fits (``ValueError`` for a bad
value, ``TypeError`` for a value of the wrong type), so ``except ValueError``
keeps working for callers that do not know slaclock.

File and mapping errors carry where the bad value was: a dotted key path
(``tiers.SLA-2.reaction``) and, for line-oriented files, the line number.
"""

from __future__ import annotations

__all__ = [
    "EventTableError",
    "IncidentError",
    "NaiveDatetimeError",
    "NoWorkingTimeError",
    "PartitionError",
    "SlaclockError",
    "SlaclockTypeError",
    "SlaclockValueError",
    "SpecError",
    "compact",
    "quote",
    "shorten",
]

#: The longest a quoted value may be in a message: a message names the bad value,
#: it does not carry it (a collected error of a 5 kB line stays small, and readable).
QUOTE_LIMIT = 100


def quote(value: object, limit: int = QUOTE_LIMIT) -> str:
    """``repr(value)``, cut to ``limit`` characters ending in ``...`` when longer.

    >>> quote("PT1H")
    "'PT1H'"
    >>> quote("9" * 500, limit=12)
    "'99999999..."
    """
    text = repr(value)
    return text if len(text) <= limit else text[: max(limit - 3, 1)] + "..."


def shorten(text: str, limit: int = 3 * QUOTE_LIMIT) -> str:
    """``text`` (a message) cut to ``limit`` characters ending in ``...`` when longer."""
    return text if len(text) <= limit else text[: max(limit - 3, 1)] + "..."


def compact(error: BaseException) -> None:
    """Drop what a kept error holds besides its words: traceback, context, cause.

    A collected error (``errors="collect"``) lives as long as the reader; its
    traceback would keep the frames, and with them the decoded record, alive.
    """
    error.__traceback__ = None
    error.__context__ = None
    error.__cause__ = None


class SlaclockError(Exception):
    """Root of every error slaclock raises on purpose."""


class SlaclockValueError(SlaclockError, ValueError):
    """A value of the right type but not an accepted one."""


class SlaclockTypeError(SlaclockError, TypeError):
    """A value of the wrong type (a float where a ``timedelta`` is needed, say)."""


class NaiveDatetimeError(SlaclockValueError):
    """A datetime without a time zone: slaclock never guesses one."""


class NoWorkingTimeError(SlaclockValueError):
    """The calendar has not enough working time to answer (no hours at all, say)."""


class SpecError(SlaclockValueError):
    """Bad content in a specification: a calendar, catalog or incident mapping or file.

    ``path`` is the dotted key path of the bad field (``""`` for the whole
    document) and ``line`` the 1-based line number in a line-oriented file, when
    known.  Both also appear in the message.
    """

    def __init__(self, message: str, *, path: str = "", line: int | None = None) -> None:
        self.reason = message
        self.path = path
        self.line = line
        where = []
        if line is not None:
            where.append(f"line {line}")
        if path:
            where.append(path)
        prefix = f"{', '.join(where)}: " if where else ""
        super().__init__(prefix + message)

    def __reduce__(self) -> tuple[object, ...]:
        return (_rebuild_spec_error, (type(self), self.reason, self.path, self.line))

    def at(self, path: str = "", *, line: int | None = None) -> SpecError:
        """The same error, placed under ``path`` (a parent key) and/or at ``line``."""
        joined = ".".join(p for p in (path, self.path) if p)
        return type(self)(self.reason, path=joined, line=line if line is not None else self.line)


def _rebuild_spec_error(
    cls: type[SpecError], reason: str, path: str, line: int | None
) -> SpecError:
    return cls(reason, path=path, line=line)


class IncidentError(SpecError):
    """Bad content in an incident record or event log.

    Besides ``path`` and ``line`` it carries the ``incident_id`` and the
    ``event_index`` (0-based) of the bad event, when known.
    """

    def __init__(
        self,
        message: str,
        *,
        path: str = "",
        line: int | None = None,
        incident_id: str | None = None,
        event_index: int | None = None,
    ) -> None:
        self.incident_id = incident_id
        self.event_index = event_index
        where = []
        if incident_id is not None:
            where.append(f"incident {quote(incident_id)}")
        if event_index is not None:
            where.append(f"event {event_index}")
        text = f"{', '.join(where)}: {message}" if where else message
        super().__init__(text, path=path, line=line)
        self.reason = message

    def __reduce__(self) -> tuple[object, ...]:
        return (
            _rebuild_incident_error,
            (self.reason, self.path, self.line, self.incident_id, self.event_index),
        )

    def at(self, path: str = "", *, line: int | None = None) -> IncidentError:
        joined = ".".join(p for p in (path, self.path) if p)
        return IncidentError(
            self.reason,
            path=joined,
            line=line if line is not None else self.line,
            incident_id=self.incident_id,
            event_index=self.event_index,
        )


def _rebuild_incident_error(
    reason: str, path: str, line: int | None, incident_id: str | None, event_index: int | None
) -> IncidentError:
    return IncidentError(
        reason, path=path, line=line, incident_id=incident_id, event_index=event_index
    )


class EventTableError(IncidentError):
    """Bad content in an event table: a CSV file or a pandas ``DataFrame`` of events.

    ``line`` is the CSV file's line (1-based; the header is line 1), ``row`` the
    DataFrame's index label of the bad row, ``column`` the table's own name of
    the bad column (``path`` holds it too); each is ``None`` when it does not apply.
    """

    def __init__(
        self,
        message: str,
        *,
        column: str | None = None,
        line: int | None = None,
        row: object = None,
        incident_id: str | None = None,
    ) -> None:
        super().__init__(message, path=column or "", line=line, incident_id=incident_id)
        self.column = column
        self.row = row
        where = []
        if line is not None:
            where.append(f"line {line}")
        if row is not None:
            where.append(f"row {quote(row)}")
        if column:
            where.append(f"column {quote(column)}")
        if incident_id is not None:
            where.append(f"incident {quote(incident_id)}")
        self.args = (f"{', '.join(where)}: {message}" if where else message,)

    def __reduce__(self) -> tuple[object, ...]:
        return (
            _rebuild_event_table_error,
            (self.reason, self.column, self.line, self.row, self.incident_id),
        )

    def at(self, path: str = "", *, line: int | None = None) -> EventTableError:
        return EventTableError(
            self.reason,
            column=path or self.column,
            line=line if line is not None else self.line,
            row=self.row,
            incident_id=self.incident_id,
        )


def _rebuild_event_table_error(
    reason: str, column: str | None, line: int | None, row: object, incident_id: str | None
) -> EventTableError:
    return EventTableError(reason, column=column, line=line, row=row, incident_id=incident_id)


class PartitionError(SlaclockValueError):
    """Bad input to a partition of a distributed job (Dask, Spark): which one, and which column.

    ``partition`` names the partition (its number in the collection, or the file
    it was read from), ``column`` the column at fault (``None`` when none is), and
    ``reason`` the words without the place.
    """

    def __init__(self, message: str, *, partition: object, column: str | None = None) -> None:
        self.reason = message
        self.partition = partition
        self.column = column
        where = [f"partition {quote(partition)}"]
        if column is not None:
            where.append(f"column {quote(column)}")
        super().__init__(f"{', '.join(where)}: {message}")

    def __reduce__(self) -> tuple[object, ...]:
        # Raised on a worker and re-raised by the client: it travels pickled.
        return (_rebuild_partition_error, (self.reason, self.partition, self.column))


def _rebuild_partition_error(reason: str, partition: object, column: str | None) -> PartitionError:
    return PartitionError(reason, partition=partition, column=column)
