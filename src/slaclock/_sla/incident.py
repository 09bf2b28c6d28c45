"""Incidents: an immutable, validated, time-ordered event log.

An :class:`Incident` is what a helpdesk knows about one ticket: its id, type,
channel, whether it concerns a third-party plugin or integration, and the
events of its life.  It is checked once, when built; a valid incident can always
be evaluated.  The rules of the event log (see ``docs/semantics-sla.md``):

* the first event is ``opened`` and there is only one;
* events are in time order (equal instants are allowed and keep their order);
* nothing follows ``closed``;
* ``resolved`` is refused while already resolved, ``reopened`` unless resolved,
  ``pending`` while resolved;
* ``work_logged`` carries a duration of zero or more; ``opened`` may carry
  ``by`` (``"customer"``, the default, or ``"agent"``); ``tier_changed`` carries
  the id of the tier the incident moves to (after ``opened``, before
  ``closed``); no other event carries any of these.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime, timedelta
from typing import Any, Final
from zoneinfo import ZoneInfo

from slaclock._calendar.instants import to_us
from slaclock._code import Printer, call_code, pretty_call, repr_html
from slaclock._durations import MAX_DURATION, format_duration, parse_duration
from slaclock._sla.attributes import EMPTY, Attributes, check_text, freeze
from slaclock._sla.lifecycle import (
    AFTER_CLOSED,
    EVENT_KINDS,
    FIRST_NOT_OPENED,
    PENDING_RESOLVED,
    REOPENED_UNRESOLVED,
    RESOLVED_TWICE,
    SECOND_OPENED,
    log_fault,
)
from slaclock._sla.tier import replace_fields
from slaclock._sla.vocabulary import CHANNELS, DEFAULT_VOCABULARY, INCIDENT_TYPES, Vocabulary
from slaclock._timestamps import parse_instant, zone_refusal
from slaclock.errors import IncidentError, SpecError, quote

__all__ = [
    "CHANNELS",
    "EVENT_KINDS",
    "INCIDENT_TYPES",
    "Attributes",
    "Event",
    "Incident",
    "check_owner",
    "log_fault",
]

OPENERS = ("customer", "agent")

_RECORD_KEYS = (
    "id",
    "type",
    "channel",
    "third_party",
    "events",
    "tier",
    "customer",
    "contract",
    "attributes",
)
_EVENT_KEYS = ("type", "at", "duration", "by", "tier")


def _choices(values: Iterable[str]) -> str:
    return ", ".join(repr(v) for v in values)


# Equality and hash are by instant, not by wall time: Python compares two datetimes of
# one ZoneInfo by wall time (ignoring fold), and one in a DST fold unequal to every
# datetime of another zone, so an event read back in its zone, or as a fixed offset,
# would not equal itself.  Hence eq=False and the methods below.
@dataclass(frozen=True, slots=True, eq=False)
class Event:
    """One thing that happened to an incident, at an aware instant.

    Two events are equal when they have the same kind, instant, duration and
    opener, whatever the zone their instant is shown in.

    Attributes:
        kind: The event type: ``"opened"``, ``"customer_message"``, ``"agent_reply"``,
            ``"pending"``, ``"resolved"``, ``"reopened"``, ``"closed"`` or
            ``"work_logged"`` (the record's ``type`` key).
        at: When it happened, an aware datetime (any zone).
        duration: The working time logged, for ``work_logged`` only; ``None`` otherwise.
        by: Who opened the ticket, for ``opened`` only: ``"customer"`` (the default) or
            ``"agent"`` (then no cycle starts until the customer writes); ``None`` for
            other kinds.
        tier: The id of the tier the incident moves to, for ``tier_changed`` only
            (evaluated with a catalog, which must have it); ``None`` otherwise.

    >>> from datetime import datetime, timezone
    >>> Event("opened", datetime(2026, 11, 27, 14, 30, tzinfo=timezone.utc)).by
    'customer'
    """

    kind: str
    at: datetime
    duration: timedelta | None = None
    by: str | None = None
    tier: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in EVENT_KINDS:
            raise IncidentError(
                f"unknown event type {quote(self.kind)}; expected one of {_choices(EVENT_KINDS)}",
                path="type",
            )
        if not isinstance(self.at, datetime):
            raise IncidentError(
                f"event time {quote(self.at)} is not a datetime; expected an aware datetime"
                f"{_FROM_TEXT if isinstance(self.at, str) else ''}",
                path="at",
            )
        if self.at.utcoffset() is None:
            raise IncidentError(
                f"event time {quote(self.at.isoformat())} has no time zone; expected an aware "
                "datetime, such as datetime(2026, 11, 30, 10, 20, tzinfo=ZoneInfo('Europe/Moscow'))",
                path="at",
            )
        if self.kind == "work_logged":
            if isinstance(self.duration, str):
                raise IncidentError(
                    f"work duration {quote(self.duration)} is text; expected a timedelta"
                    f"{_FROM_TEXT}",
                    path="duration",
                )
            if not isinstance(self.duration, timedelta):
                raise IncidentError(
                    f"a 'work_logged' event needs a duration such as 'PT1H30M', got {quote(self.duration)}",
                    path="duration",
                )
            if self.duration < timedelta(0):
                raise IncidentError(
                    f"work duration {quote(format_duration(self.duration))} is negative; "
                    "expected zero or more, such as 'PT1H30M'",
                    path="duration",
                )
            if self.duration > MAX_DURATION:  # sums of work must stay in range
                raise IncidentError(
                    f"work duration {quote(format_duration(self.duration))} is too large; "
                    f"the longest accepted is {format_duration(MAX_DURATION)!r} (100 years)",
                    path="duration",
                )
        elif self.duration is not None:
            raise IncidentError(
                f"only 'work_logged' events carry a duration, not {quote(self.kind)} "
                f"(got {quote(self.duration)})",
                path="duration",
            )
        if self.kind == "opened":
            if self.by is None:
                object.__setattr__(self, "by", "customer")
            elif self.by not in OPENERS:
                raise IncidentError(
                    f"unknown opener {quote(self.by)}; expected one of {_choices(OPENERS)}",
                    path="by",
                )
        elif self.by is not None:
            raise IncidentError(
                f"only 'opened' events say who opened them, not {quote(self.kind)} (got by={quote(self.by)})",
                path="by",
            )
        if self.kind == "tier_changed":
            if not isinstance(self.tier, str) or not self.tier.strip():
                raise IncidentError(
                    f"a 'tier_changed' event needs the tier it changes to, such as "
                    f"'SLA-2' (non-empty text), got {quote(self.tier)}",
                    path="tier",
                )
        elif self.tier is not None:
            raise IncidentError(
                f"only 'tier_changed' events name a tier, not {quote(self.kind)} "
                f"(got tier={quote(self.tier)}); the incident's own tier is its record's 'tier'",
                path="tier",
            )

    def __repr__(self) -> str:
        """The code that builds this event again: ``Event.from_dict({...})``, its zone kept."""
        return call_code("Event.from_dict", self.to_dict())

    def _repr_pretty_(self, printer: Printer, cycle: bool) -> None:
        pretty_call(printer, cycle, "Event.from_dict", self.to_dict())

    def __str__(self) -> str:
        """``"agent_reply at 2026-11-30T10:20:00+03:00"`` (and the duration of work logged)."""
        text = f"{self.kind} at {self.at.isoformat()}"
        if self.duration is not None:
            text += f" ({format_duration(self.duration)})"
        if self.kind == "opened" and self.by == "agent":
            text += " by agent"
        if self.tier is not None:
            text += f" to {self.tier}"
        return text

    def _key(self) -> tuple[str, int, timedelta | None, str | None, str | None]:
        return (self.kind, to_us(self.at, name="at"), self.duration, self.by, self.tier)

    def __eq__(self, other: object) -> bool:
        if type(other) is not Event:
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def replace(self, **changes: Any) -> Event:
        """A copy with some fields changed (typed, as the attributes are), checked like a new event.

        >>> from datetime import datetime, timezone
        >>> opened = Event("opened", datetime(2026, 11, 27, 14, 30, tzinfo=timezone.utc))
        >>> opened.replace(by="agent").by
        'agent'
        """
        event: Event = replace_fields(self, changes)
        return event

    @classmethod
    def from_dict(cls, record: Mapping[str, Any]) -> Event:
        """An event from its JSON shape: ``{"type": "opened", "at": "2026-11-27T17:30:00+03:00"}``."""
        if not isinstance(record, Mapping):
            raise IncidentError(
                f"an event must be an object with 'type' and 'at', got {quote(record)}"
            )
        for key in record:
            if key not in _EVENT_KEYS:
                raise IncidentError(
                    f"unknown event key {quote(key)}; expected {_choices(_EVENT_KEYS)}",
                    path=str(key),
                )
        for key in ("type", "at"):
            if key not in record:
                raise IncidentError(
                    f"an event needs {quote(key)}; got {quote(dict(record))}", path=key
                )
        kind = record["type"]
        if not isinstance(kind, str):
            raise IncidentError(
                f"event type {quote(kind)} is not text; expected one of {_choices(EVENT_KINDS)}",
                path="type",
            )
        duration = None
        if "duration" in record:
            try:
                duration = parse_duration(record["duration"])
            except SpecError as exc:
                raise IncidentError(exc.reason, path="duration") from None
        by = record.get("by")
        if by is not None and not isinstance(by, str):
            raise IncidentError(
                f"opener {quote(by)} is not text; expected one of {_choices(OPENERS)}", path="by"
            )
        tier = record.get("tier")
        if "tier" in record and not isinstance(tier, str):
            raise IncidentError(
                f"tier {quote(tier)} is not text; expected a tier id such as 'SLA-2'",
                path="tier",
            )
        at = parse_instant(record["at"], what="event time", error=_at_error)
        return cls(kind, at, duration, by, tier)

    def to_dict(self) -> dict[str, str]:
        """The JSON shape :meth:`from_dict` reads back, to the same instant and zone.

        An instant in a ``ZoneInfo`` zone is written with its zone, as RFC 9557 does
        (``"2024-11-03T01:30:00-05:00[America/New_York]"``); any other as its offset.
        """
        out = {"type": self.kind, "at": _instant_text(self.at)}
        if self.duration is not None:
            out["duration"] = format_duration(self.duration)
        if self.kind == "opened" and self.by == "agent":
            out["by"] = "agent"
        if self.tier is not None:
            out["tier"] = self.tier
        return out


# What the constructor's errors suggest for the record form, text instants and durations.
_FROM_TEXT = (
    "; for ISO text use Event.from_dict({'type': 'work_logged', "
    "'at': '2026-11-30T10:20:00+03:00', 'duration': 'PT1H30M'})"
)


def _instant_text(at: datetime) -> str:
    zone = at.tzinfo
    key = zone.key if isinstance(zone, ZoneInfo) else None
    if not key or zone_refusal(key) is not None:
        return at.isoformat()
    # Through UTC: astimezone() to the datetime's own zone returns it unchanged, and a
    # wall time in a spring gap would be written with an offset the zone never has.
    shown = at.astimezone(UTC).astimezone(zone)
    return f"{shown.isoformat()}[{key}]"


def _at_error(message: str) -> IncidentError:
    return IncidentError(message, path="at")


# Each sequence of event kinds once, in the package's own strings: the program
# tables of ``schedule`` and ``evaluate`` look logs up by it, and a key they meet
# again (every new incident of a common shape) then hashes cached strings and
# compares equal item by item by identity.
_OWN_KINDS: Final = {kind: kind for kind in EVENT_KINDS}
_SEQUENCES: dict[tuple[str, ...], tuple[str, ...]] = {}
_SEQUENCES_KEPT = 10_000


def _sequence(events: tuple[Event, ...]) -> tuple[str, ...]:
    """The kinds of ``events`` as the one shared tuple of that sequence."""
    own = _OWN_KINDS.get
    kinds = tuple([own(event.kind, event.kind) for event in events])
    found = _SEQUENCES.get(kinds)
    if found is None:
        if len(_SEQUENCES) >= _SEQUENCES_KEPT:
            _SEQUENCES.clear()
        found = _SEQUENCES.setdefault(kinds, kinds)
    return found


class Memo:
    """Two mutable slots on an immutable incident, for answers derived from it.

    ``schedule`` keeps in ``value``, for the last tier it was asked about, the
    tier's plan, the program of the whole log and the tier's scope answer, so that
    the next call on the same incident reads them in one look-up; and in ``ended``
    the plan and what the incident's ended clocks come to on it (``watch``'s own,
    the same for every instant past the last event; ``None`` until found).  Pickling,
    copying and ``replace`` give a fresh, empty memo: it is never part of the record.

    ``prior`` is set by :meth:`Incident.with_events` only: the ``value`` and
    ``ended`` of the incident the events were appended to, from which ``schedule``
    takes what the appended events cannot change (the plan and scope answer, the
    verdicts of the cycles that had already ended), and lets go of once it has
    found this incident's ``ended``.
    """

    __slots__ = ("ended", "prior", "value")

    def __init__(self) -> None:
        self.value: Any = None
        self.ended: Any = None
        self.prior: Any = None

    def __reduce__(self) -> tuple[type[Memo], tuple[()]]:
        return (Memo, ())


@dataclass(frozen=True, slots=True, eq=False)
class Incident:
    """One ticket's identity and event log; evaluate it with :func:`slaclock.evaluate`.

    ``tier`` optionally names the tier the ticket is served on (the command line
    and ``evaluate(incident, catalog)`` use it); a ``tier_changed`` event moves the
    ticket to another tier of the catalog from then on.  ``customer`` and
    ``contract`` say whom the ticket is for (budgets are counted per contract,
    :func:`slaclock.budgets`); ``attributes`` holds the helpdesk's own fields, a
    JSON object kept verbatim as a frozen, hashable :class:`Attributes` mapping
    (``attributes.to_dict()`` gives plain dicts and lists back).

    Attributes:
        id: The ticket's id.
        type: The incident type: ``"failure"``, ``"module_failure"`` or
            ``"consultation"`` (or a type the catalog declares).
        channel: Where it came in (``"portal"``, ``"remote"``, ``"phone"``), or ``None``.
        third_party: It concerns a third-party plugin or integration.
        events: The event log, in time order (see `Event`).
        tier: The id of the tier the ticket is served on, or ``None``; the tier it was
            opened on when its events include ``tier_changed``.
        customer: Whom the ticket is for (non-empty text), or ``None``.
        contract: The contract it is served under (non-empty text), or ``None``;
            budgets are counted per contract.
        attributes: The helpdesk's own fields (priority, assignee...), a frozen
            JSON object kept verbatim; empty when the record has none.
        vocabulary: The incident types and channels the record was checked
            against (a catalog's own, or the default three each); outside
            equality and repr.

    >>> inc = Incident.from_dict({"id": "INC-1", "type": "failure", "channel": "portal",
    ...     "events": [{"type": "opened", "at": "2026-11-27T17:30:00+03:00"}]})
    >>> inc.events[0].kind, inc.third_party
    ('opened', False)
    >>> Incident.from_dict(inc.to_dict()) == inc
    True
    """

    _repr_html_ = repr_html

    id: str
    type: str
    channel: str | None = None
    third_party: bool = False
    events: tuple[Event, ...] = field(default=())
    tier: str | None = None
    customer: str | None = None
    contract: str | None = None
    attributes: Attributes = EMPTY
    # The types and channels the record was checked against (a catalog's); not part of
    # the record, so outside equality and repr, and kept by replace() and with_events().
    vocabulary: Vocabulary = field(default=DEFAULT_VOCABULARY, compare=False, repr=False)
    # Each event's instant in epoch microseconds and its kind, computed once here so
    # that schedule() and evaluate() replay on integers; derived, so outside repr.
    _us: tuple[int, ...] = field(init=False, repr=False, compare=False)
    _kinds: tuple[str, ...] = field(init=False, repr=False, compare=False)
    # What schedule() derived from this incident on its last tier (its program and
    # scope): derived, never copied (a copy or an unpickled incident starts empty).
    _memo: Memo = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not isinstance(self.id, str) or not self.id:
            raise IncidentError(f"incident id {quote(self.id)} must be non-empty text", path="id")
        ident = self.id
        vocabulary = self.vocabulary
        if not isinstance(vocabulary, Vocabulary):
            raise IncidentError(
                f"vocabulary must be a Vocabulary (a catalog's .vocabulary), got {quote(vocabulary)}",
                path="vocabulary",
                incident_id=ident,
            )
        refusal = vocabulary.type_refusal(self.type)
        if refusal is not None:
            raise IncidentError(refusal + _hint(vocabulary), path="type", incident_id=ident)
        if self.channel is not None:
            refusal = vocabulary.channel_refusal(self.channel)
            if refusal is not None:
                raise IncidentError(refusal + _hint(vocabulary), path="channel", incident_id=ident)
        if not isinstance(self.third_party, bool):
            raise IncidentError(
                f"third_party must be true or false, got {quote(self.third_party)}",
                path="third_party",
                incident_id=ident,
            )
        if self.tier is not None and (not isinstance(self.tier, str) or not self.tier):
            raise IncidentError(
                f"tier {quote(self.tier)} must be a tier id such as 'SLA-2'",
                path="tier",
                incident_id=ident,
            )
        attributes = check_owner(ident, self.customer, self.contract, self.attributes)
        object.__setattr__(self, "attributes", attributes)
        if not isinstance(self.events, tuple):
            object.__setattr__(self, "events", tuple(self.events))
        for index, event in enumerate(self.events):
            if not isinstance(event, Event):
                raise IncidentError(
                    f"expected an Event, got {quote(event)}",
                    path=f"events.{index}",
                    incident_id=ident,
                    event_index=index,
                )
        instants = tuple(to_us(event.at) for event in self.events)
        _check_log(ident, self.events, instants)
        object.__setattr__(self, "_us", instants)
        object.__setattr__(self, "_kinds", _sequence(self.events))
        object.__setattr__(self, "_memo", Memo())

    def __setstate__(self, state: list[Any]) -> None:
        # As the dataclass's own, then the kinds as the shared sequence (pickling
        # makes new strings, which a program look-up would hash and compare again).
        for name, value in zip(_FIELD_NAMES, state, strict=True):
            object.__setattr__(self, name, value)
        object.__setattr__(self, "_kinds", _sequence(self.events))

    def __repr__(self) -> str:
        """The code that builds this incident again: ``Incident.from_dict({...})``, every event shown."""
        return call_code("Incident.from_dict", self.to_dict(), **self._code_options())

    def _repr_pretty_(self, printer: Printer, cycle: bool) -> None:
        pretty_call(printer, cycle, "Incident.from_dict", self.to_dict(), **self._code_options())

    def _code_options(self) -> dict[str, object]:
        # A catalog's own vocabulary is needed to read its types and channels back.
        if self.vocabulary == DEFAULT_VOCABULARY:
            return {}
        return {"vocabulary": self.vocabulary}

    def __str__(self) -> str:
        """A one-line summary: id, type and the kinds of its events."""
        kinds = ", ".join(event.kind for event in self.events)
        return f"Incident({self.id!r}, {self.type}, events: {kinds})"

    def _key(self) -> tuple[Any, ...]:
        # By instant, as Event: the events' instants are _us already.
        return (
            self.id,
            self.type,
            self.channel,
            self.third_party,
            self.tier,
            self.customer,
            self.contract,
            self.attributes,
            self._kinds,
            self._us,
            tuple((event.duration, event.by, event.tier) for event in self.events),
        )

    def __eq__(self, other: object) -> bool:
        if type(other) is not Incident:
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def replace(self, **changes: Any) -> Incident:
        """A copy with some fields changed (typed: ``events`` is a tuple of :class:`Event`).

        The copy is checked like a new incident, event log rules included.

        >>> inc = Incident.from_dict({"id": "INC-1", "type": "failure",
        ...     "events": [{"type": "opened", "at": "2026-11-27T17:30:00+03:00"}]})
        >>> inc.replace(type="consultation", tier="SLA-2").tier
        'SLA-2'
        """
        incident: Incident = replace_fields(self, changes)
        return incident

    def with_events(self, *events: Event | Mapping[str, Any]) -> Incident:
        """A new incident with ``events`` appended, checked like a new incident.

        The call of a helpdesk's update loop: store the incident, append what
        happened.  Each event is an :class:`Event` or its record form
        (``{"type": "agent_reply", "at": "2026-11-30T10:20:00+03:00"}``); one
        earlier than the event before it, or one the log's rules refuse, raises
        :class:`~slaclock.IncidentError` naming its index in the new log.

        >>> inc = Incident.from_dict({"id": "INC-1", "type": "failure",
        ...     "events": [{"type": "opened", "at": "2026-11-27T17:30:00+03:00"}]})
        >>> later = inc.with_events({"type": "agent_reply", "at": "2026-11-30T10:20:00+03:00"})
        >>> [event.kind for event in later.events], len(inc.events)
        (['opened', 'agent_reply'], 1)
        >>> later.with_events({"type": "customer_message", "at": "2026-11-30T10:00:00+03:00"})
        Traceback (most recent call last):
        ...
        slaclock.errors.IncidentError: events.2: incident 'INC-1', event 2: 'customer_message' at 2026-11-30T10:00:00+03:00 comes before the previous event at 2026-11-30T10:20:00+03:00; events must be in time order
        """
        first = len(self.events)
        added = tuple(
            event if type(event) is Event else _read_event(event, first + offset, self.id)
            for offset, event in enumerate(events)
        )
        if not added:
            return self
        incident: Incident = replace_fields(self, {"events": self.events + added})
        # What schedule found on this log stays true of its prefix: hand it on (or what
        # this incident was handed, if schedule has not been asked about it yet).
        memo = self._memo
        if memo.value is not None or memo.ended is not None:
            incident._memo.prior = (memo.value, memo.ended)
        else:
            incident._memo.prior = memo.prior
        return incident

    @classmethod
    def from_dict(
        cls, record: Mapping[str, Any], *, vocabulary: Vocabulary | None = None
    ) -> Incident:
        """An incident from its JSON record (docs/semantics-sla.md); errors name the id and event.

        ``type`` and ``channel`` are checked against ``vocabulary`` (a catalog's
        ``.vocabulary``; the origin's three types and channels by default).
        """
        if not isinstance(record, Mapping):
            raise IncidentError(f"an incident must be an object, got {quote(record)}")
        raw_id = record.get("id")
        ident = raw_id if isinstance(raw_id, str) and raw_id else None
        for key in record:
            if key not in _RECORD_KEYS:
                raise IncidentError(
                    f"unknown incident key {quote(key)}; expected {_choices(_RECORD_KEYS)}",
                    path=str(key),
                    incident_id=ident,
                )
        for key in ("id", "type", "events"):
            if key not in record:
                raise IncidentError(f"an incident needs {quote(key)}", path=key, incident_id=ident)
        events_raw = record["events"]
        if not isinstance(events_raw, list | tuple):
            raise IncidentError(
                f"events must be a list of event objects, got {quote(events_raw)}",
                path="events",
                incident_id=ident,
            )
        events = [_read_event(raw, index, ident) for index, raw in enumerate(events_raw)]
        try:
            return cls(
                id=record["id"],
                type=record["type"],
                channel=record.get("channel"),
                third_party=record.get("third_party", False),
                events=tuple(events),
                tier=record.get("tier"),
                customer=record.get("customer"),
                contract=record.get("contract"),
                attributes=record.get("attributes", EMPTY),
                vocabulary=DEFAULT_VOCABULARY if vocabulary is None else vocabulary,
            )
        except IncidentError as exc:
            if exc.incident_id is None and ident is not None:
                raise IncidentError(
                    exc.reason, path=exc.path, incident_id=ident, event_index=exc.event_index
                ) from None
            raise

    def to_dict(self) -> dict[str, Any]:
        """The JSON record :meth:`from_dict` reads back.

        ``tier``, ``customer`` and ``contract`` are written only when set,
        ``attributes`` only when not empty.
        """
        out: dict[str, Any] = {"id": self.id, "type": self.type}
        if self.channel is not None:
            out["channel"] = self.channel
        out["third_party"] = self.third_party
        out["events"] = [event.to_dict() for event in self.events]
        if self.tier is not None:
            out["tier"] = self.tier
        if self.customer is not None:
            out["customer"] = self.customer
        if self.contract is not None:
            out["contract"] = self.contract
        if self.attributes:
            out["attributes"] = self.attributes.to_dict()
        return out


def _hint(vocabulary: Vocabulary) -> str:
    """For records read without their catalog's vocabulary: how to pass it."""
    if vocabulary != DEFAULT_VOCABULARY:
        return ""
    return " (the default vocabulary; for a catalog's own, pass vocabulary=catalog.vocabulary)"


def check_owner(ident: str, customer: object, contract: object, attributes: object) -> Attributes:
    """Refuse a bad ``customer``, ``contract`` or ``attributes``; the attributes frozen.

    The one check of these fields: :class:`Incident` and the fast readers of
    ``slaclock.analysis`` both call it.
    """
    _check_party(ident, "customer", customer)
    _check_party(ident, "contract", contract)
    if type(attributes) is Attributes:
        return attributes
    try:
        return freeze(attributes)
    except IncidentError as exc:
        raise IncidentError(exc.reason, path=exc.path, incident_id=ident) from None


def _check_party(ident: str, key: str, value: object) -> None:
    """``customer`` and ``contract``: absent (``None``) or text that names someone."""
    if value is None:
        return
    if not isinstance(value, str) or not value.strip():
        raise IncidentError(
            f"{key} {quote(value)} must be non-empty text, such as 'ACME' or 'C-2026-17'",
            path=key,
            incident_id=ident,
        )
    try:
        check_text(value, key, key)
    except IncidentError as exc:
        raise IncidentError(exc.reason, path=key, incident_id=ident) from None


def _read_event(raw: object, index: int, ident: str | None) -> Event:
    """Event ``index`` of a log from its record form; errors placed at ``events.<index>``."""
    try:
        return Event.from_dict(raw)  # type: ignore[arg-type]
    except IncidentError as exc:
        raise IncidentError(
            exc.reason,
            path=".".join(p for p in ("events", str(index), exc.path) if p),
            incident_id=ident,
            event_index=index,
        ) from None


def _check_log(ident: str, events: tuple[Event, ...], instants: tuple[int, ...]) -> None:
    """Refuse an event log that cannot have happened; the rules are in the module docstring."""
    if not events:
        raise IncidentError(
            "an incident needs at least its 'opened' event", path="events", incident_id=ident
        )
    fault = log_fault([event.kind for event in events])
    # The first broken rule wins; at one event, a second 'opened' is reported
    # before time order, and time order before the other rules.
    last = len(events) if fault is None else fault[0] + (fault[1] != SECOND_OPENED)
    for index in range(1, last):
        # Compared as instants: two datetimes sharing one ZoneInfo compare by wall
        # time, which gets the repeated hour of a DST fold wrong.
        if instants[index] < instants[index - 1]:
            event = events[index]
            raise _event_error(
                ident,
                index,
                f"{quote(event.kind)} at {event.at.isoformat()} comes before the previous event at "
                f"{events[index - 1].at.isoformat()}; events must be in time order",
            )
    if fault is not None:
        index, why = fault
        event = events[index]
        kind, at = event.kind, event.at.isoformat()
        message = {
            FIRST_NOT_OPENED: f"the first event must be 'opened', got {quote(kind)} at {at}",
            SECOND_OPENED: f"a second 'opened' event at {at}; only one is allowed",
            AFTER_CLOSED: f"{quote(kind)} at {at} comes after 'closed'",
            RESOLVED_TWICE: f"'resolved' at {at} while already resolved",
            REOPENED_UNRESOLVED: f"'reopened' at {at} but the incident is not resolved",
            PENDING_RESOLVED: f"'pending' at {at} while resolved; record 'reopened' first",
        }[why]
        raise _event_error(ident, index, message)


def _event_error(ident: str, index: int, message: str) -> IncidentError:
    return IncidentError(message, path=f"events.{index}", incident_id=ident, event_index=index)


# Every field in the dataclass's own order, for ``Incident.__setstate__``.
_FIELD_NAMES: Final = tuple(f.name for f in fields(Incident))
