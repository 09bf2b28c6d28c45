"""Decoded JSON Lines records read fast: kinds and instants, checked as ``Incident.from_dict`` checks them.

Decoding a log (text to event kinds and instants) is separate from assessing it
on a plan: :func:`decode` turns a record into a :class:`Decoded` log once, and
the row engine assesses it on as many plans as asked.  Anything unusual raises
:class:`Unusual`, and the reader then reads the line the careful way, with
``Incident.from_dict``, which words the error.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, NamedTuple

from slaclock._calendar.instants import td_to_us, to_us
from slaclock._durations import parse_duration
from slaclock._jsonl import unencodable
from slaclock._sla.incident import check_owner
from slaclock._sla.vocabulary import Vocabulary
from slaclock._timestamps import parse_instant

__all__ = [
    "MISSING",
    "OWNER_KEYS",
    "RECORD_KEYS",
    "Decoded",
    "Unusual",
    "attribute_strings",
    "check_owner_keys",
    "decode",
    "owner_fields",
    "owner_strings",
    "parse_instant_us",
    "scannable",
    "work_duration",
]

MISSING: Any = object()


class Decoded(NamedTuple):
    """One record's identity and log, as the row engine needs them."""

    ident: str
    type: str
    channel: str | None
    third_party: bool
    tier: str | None
    kinds: tuple[str, ...]
    instants: list[int]
    agent_opened: bool
    plain: bool  # every event exactly {"type", "at"} (so no work_logged with its duration)
    customer: str | None
    contract: str | None


class Unusual(Exception):
    """The fast reader met something it leaves to ``Incident.from_dict``."""


def _unusual(message: str) -> Exception:
    """What the timestamp rule raises here: the careful reader words the error."""
    return Unusual()


RECORD_KEYS = frozenset(("id", "type", "channel", "third_party", "events", "tier"))
# Whom the incident is for and the helpdesk's own fields: no clock reads them, so the
# readers only check them, by Incident's own rule, and only when a record has them.
OWNER_KEYS = frozenset(("customer", "contract", "attributes"))
_ALL_KEYS = RECORD_KEYS | OWNER_KEYS
_EVENT_KEYS = frozenset(("type", "at", "duration", "by"))
_EPOCH_ORDINAL = datetime(1970, 1, 1).toordinal()

# ``2026-11-27T17:30:00+03:00`` read as two cached parts, split at its first colon:
# the date and hour ("2026-11-27T17": that hour as if in UTC) and the rest
# ("30:00+03:00": minutes, seconds and fraction less the offset), in microseconds.
# Two small dictionaries (about 9,000 hours a year, 3,600 keys per offset) answer
# far faster than parsing, and str.partition is cheaper than two slices.  They are
# filled only from strings that datetime.fromisoformat parsed and whose first
# fourteen characters are the date, the hour and a colon themselves, so a hit is
# exactly what parsing would give.
_HOURS: dict[str, int] = {}
_MINUTES: dict[str, int] = {}
_CACHE_LIMIT = 200_000


def parse_instant_us(text: str) -> int:
    """An event time read by slaclock's one timestamp rule, filling the caches."""
    moment = parse_instant(text, what="event time", error=_unusual)
    us = to_us(moment)  # a SlaclockValueError past the range: unusual too
    offset = moment.utcoffset()
    assert offset is not None  # the rule refuses naive times
    # A zone suffix makes the offset a claim to check against the zone, per instant:
    # such text is never cached.
    if (
        "[" not in text
        and text[10:11] in ("T", " ")
        and text[:10] == moment.date().isoformat()
        and text[11:14] == f"{moment.hour:02d}:"
    ):  # then text.partition(":") splits after the hour
        if len(_HOURS) > _CACHE_LIMIT or len(_MINUTES) > _CACHE_LIMIT:
            _HOURS.clear()
            _MINUTES.clear()
        hour = ((moment.toordinal() - _EPOCH_ORDINAL) * 24 + moment.hour) * 3_600_000_000
        rest = (moment.minute * 60 + moment.second) * 1_000_000 + moment.microsecond
        rest -= td_to_us(offset)
        if hour + rest == us:
            _HOURS[text[:13]] = hour
            _MINUTES[text[14:]] = rest
    return us


def scannable(text: str) -> bool:
    """No backslash (so every ``"`` delimits a string) and Unicode text (no lone surrogate).

    The fast decoders keep the last of a key given twice, where the careful reader
    refuses the line, and they pass lone surrogates through.  In scannable JSON
    text every ``"`` opens or closes a string, so the text holds exactly
    ``text.count('"') // 2`` strings, and a key dropped as a duplicate leaves the
    decoded records with fewer: each engine counts the strings it decoded (every
    event value as if text: where one is not, the event is refused anyway) and
    leaves text whose count differs to the careful reader.
    """
    return "\\" not in text and (text.isascii() or unencodable(text) is None)


def check_scope(vocabulary: Vocabulary, incident_type: Any, channel: Any) -> None:
    """Refuse (as unusual) a type or channel that ``Incident.from_dict`` would refuse."""
    if (
        type(incident_type) is not str
        or incident_type not in vocabulary.type_set
        or (
            channel is not None
            and (type(channel) is not str or channel not in vocabulary.channel_set)
        )
    ):
        raise Unusual


def check_owner_keys(record: dict[str, Any]) -> None:
    """Refuse (as unusual) a record with unknown keys, or owner fields ``Incident`` refuses."""
    if not record.keys() <= _ALL_KEYS:
        raise Unusual
    ident = record.get("id")
    if type(ident) is not str or not ident:
        raise Unusual
    try:
        check_owner(
            ident, record.get("customer"), record.get("contract"), record.get("attributes", {})
        )
    except Exception:
        raise Unusual from None


# Owner fields Incident accepted, when flat (customer and contract text or absent,
# attributes text by text key): the strings they hold.  Real logs repeat a few
# hundred such combinations, and checking them costs more than the rest of a record.
_OWNERS: dict[tuple[Any, ...], int] = {}
_OWNERS_LIMIT = 10_000
_TEXT = frozenset((str, type(None)))


def owner_fields(record: dict[str, Any]) -> tuple[int, bool]:
    """:func:`owner_strings` of a record, and whether :func:`check_owner_keys` accepts it.

    A flat combination accepted once is remembered by its exact strings, so a hit
    is exactly the answer the checks would give (the record's own keys and id are
    checked each time).
    """
    customer, contract = record.get("customer"), record.get("contract")
    attributes = record.get("attributes", _NO_ATTRIBUTES)
    key: tuple[Any, ...] | None = None
    if (
        type(customer) in _TEXT
        and type(contract) in _TEXT
        and type(attributes) is dict
        and set(map(type, attributes.values())) <= _STR
    ):
        key = (customer, contract, *attributes.items())
        found = _OWNERS.get(key)
        if found is not None:
            ident = record.get("id")
            return found, record.keys() <= _ALL_KEYS and type(ident) is str and bool(ident)
    strings = owner_strings(record)
    try:
        check_owner_keys(record)
    except Unusual:
        return strings, False
    if key is not None:
        if len(_OWNERS) >= _OWNERS_LIMIT:
            _OWNERS.clear()
        _OWNERS[key] = strings
    return strings, True


_NO_ATTRIBUTES: dict[str, Any] = {}
_STR = frozenset((str,))


def owner_strings(record: dict[str, Any]) -> int:
    """The strings a record's owner fields hold: customer, contract, attributes (any values)."""
    return attribute_strings([record.get(key) for key in OWNER_KEYS])


def attribute_strings(value: Any) -> int:
    """How many strings (keys and text values) a JSON value holds, at any depth."""
    count = 0
    stack = [value]
    while stack:
        value = stack.pop()
        if type(value) is dict:
            count += len(value)
            stack.extend(value.values())
        elif type(value) is list:
            stack.extend(value)
        elif type(value) is str:
            count += 1
    return count


def work_duration(value: Any) -> bool:
    """Whether ``value`` is a ``work_logged`` duration ``Event`` takes (ISO 8601, not negative)."""
    if type(value) is str and value in _DURATIONS:  # a few dozen texts recur
        return True
    try:
        duration = parse_duration(value)
    except Exception:
        return False
    good = isinstance(duration, timedelta) and duration >= timedelta(0)
    if good and type(value) is str:
        if len(_DURATIONS) >= _OWNERS_LIMIT:
            _DURATIONS.clear()
        _DURATIONS.add(value)
    return good


_DURATIONS: set[str] = set()  # work_logged durations accepted, by their text


def _odd_event(event: Any) -> tuple[Any, Any]:
    """An event with keys besides ``type`` and ``at``, checked: its kind and time text."""
    if not event.keys() <= _EVENT_KEYS:
        raise Unusual
    kind = event["type"]
    by = event.get("by")
    if by is not None and (kind != "opened" or by not in ("customer", "agent")):
        raise Unusual
    if "duration" in event:
        if kind != "work_logged" or not work_duration(event["duration"]):
            raise Unusual
    elif kind == "work_logged":
        raise Unusual
    return kind, event["at"]


def _odd_events(events: list[Any]) -> tuple[list[Any], list[int], bool, int]:
    """Kinds, instants, whether an agent opened, and the keys, of events some carrying more keys.

    Also the way the caches are filled: each instant missing from them is parsed.
    """
    kinds = []
    times = []
    keys = 0
    for event in events:
        if len(event) == 2:
            kind, text = event["type"], event["at"]
            if kind == "work_logged":  # without its duration
                raise Unusual
        else:
            kind, text = _odd_event(event)
        keys += len(event)
        kinds.append(kind)
        try:
            hour, _, rest = text.partition(":")
            times.append(_HOURS[hour] + _MINUTES[rest])
        except KeyError:
            times.append(parse_instant_us(text))
    return kinds, times, events[0].get("by") == "agent", keys


def decode(record: Any, line: str) -> Decoded:
    """A record decoded from ``line``, checked by ``Incident.from_dict``'s rules but for the log's kinds.

    The line's strings are counted against the record's (see :func:`scannable`).

    Raises :class:`Unusual` (or any other exception) on anything it does not
    accept; the caller then reads the line with ``Incident.from_dict``.
    """
    if type(record) is not dict:
        raise Unusual
    owned = 0
    customer = contract = None
    if not record.keys() <= RECORD_KEYS:
        owned, accepted = owner_fields(record)
        if not accepted:
            raise Unusual
        customer, contract = record.get("customer"), record.get("contract")
    ident = record["id"]
    incident_type = record["type"]
    channel = record.get("channel")
    third_party = record.get("third_party", False)
    if type(ident) is not str or not ident or type(third_party) is not bool:
        raise Unusual
    tier = record.get("tier")
    if tier is not None and (type(tier) is not str or not tier):
        raise Unusual
    events = record["events"]
    if type(events) is not list or not events:
        raise Unusual
    # Most events are exactly {"type": ..., "at": ...}: their kinds and instants
    # are read here, through the caches; this loop is most of a million-incident run
    # (a Python loop costs less here than chained C-level maps with slices).  It does
    # not ask each event for its number of keys: the strings of the line tell.  An
    # event without "type" or "at" raises here; every other key of an event is one
    # string more in the line than a log of plain events holds, so a line whose count
    # of strings is that of plain events has only plain events (a "type" or "at"
    # value that is not text, one string fewer, fails further on: a kind no program
    # has, a number with no partition).
    hours, minutes = _HOURS, _MINUTES
    kinds: list[Any] = []
    times: list[int] = []
    kind_of, time_of = kinds.append, times.append
    for event in events:
        kind_of(event["type"])
        text = event["at"]
        hour, _, rest = text.partition(":")
        try:
            time_of(hours[hour] + minutes[rest])
        except KeyError:
            time_of(parse_instant_us(text))
    strings = (
        len(record)
        + 1
        + (type(incident_type) is str)
        + (type(channel) is str)
        + (tier is not None)
        + owned
    )
    # Each event's keys and their values: two strings a key, two quotes a string.
    quotes = line.count('"')
    agent_opened = False
    plain = quotes == 2 * strings + 8 * len(events)
    if not plain:  # some event carries more keys (or the line lost strings): look closer
        kinds, times, agent_opened, keys = _odd_events(events)
        if quotes != 2 * strings + 4 * keys:
            raise Unusual
    # Events must be in time order; the line scannable (inlined: a million calls a run).
    if times != sorted(times) or "\\" in line or not (line.isascii() or scannable(line)):
        raise Unusual
    return _new(
        Decoded,
        (
            ident,
            incident_type,
            channel,
            third_party,
            tier,
            tuple(kinds),
            times,
            agent_opened,
            plain,
            customer,
            contract,
        ),
    )


_new = tuple.__new__  # a million logs are decoded in one run: skip the named tuple's __new__
