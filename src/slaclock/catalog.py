"""Catalogs: named calendars and tiers, read from TOML or JSON files or from mappings.

Use :func:`load_catalog` for your own tiers (a file path or a dict) and
:func:`default_catalog` for the origin's four tiers on the Moscow calendar.
Every error names the dotted key path of the bad value (``tiers.SLA-2.reaction``)
and, for TOML or JSON syntax errors, the line.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from slaclock._code import Printer, call_code, pretty_call, repr_html
from slaclock._files import load_file, load_text
from slaclock._sla.tier import Tier, check_keys, expect_mapping, join_path
from slaclock._sla.vocabulary import DEFAULT_VOCABULARY, Vocabulary, names_refusal
from slaclock.errors import SlaclockTypeError, SlaclockValueError, SpecError

if TYPE_CHECKING:
    from slaclock._calendar.calendar import Calendar

__all__ = ["Catalog", "default_catalog", "load_catalog", "load_catalog_text"]

_V = TypeVar("_V")
_DEFAULT_RESOURCE = "data/default_catalog.toml"


class FrozenMap(Mapping[str, _V]):
    """A read-only, hashable, insertion-ordered mapping (the catalog's ``calendars`` and ``tiers``).

    A missing key raises ``KeyError`` naming the keys that exist.
    """

    __slots__ = ("_data", "_hash", "_what")

    def __init__(self, items: Mapping[str, _V] | None = None, *, what: str = "key") -> None:
        self._data: dict[str, _V] = dict(items or {})
        self._what = what
        self._hash: int | None = None

    def __getitem__(self, key: str) -> _V:
        try:
            return self._data[key]
        except KeyError:
            known = ", ".join(map(repr, self._data)) or "none"
            raise KeyError(f"no {self._what} {key!r}; known: {known}") from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __contains__(self, key: object) -> bool:
        return key in self._data

    def __eq__(self, other: object) -> bool:
        if isinstance(other, FrozenMap):
            return self._data == other._data
        if isinstance(other, Mapping):
            return self._data == dict(other)
        return NotImplemented

    def __hash__(self) -> int:
        # Order-insensitive, like equality; the values (calendars, tiers) are hashable.
        if self._hash is None:
            self._hash = hash(frozenset(self._data.items()))
        return self._hash

    def __repr__(self) -> str:
        return f"FrozenMap({self._data!r})"

    def __reduce__(self) -> tuple[object, ...]:
        return (FrozenMap, (self._data,), {"_what": self._what})

    def __setstate__(self, state: dict[str, Any]) -> None:
        self._what = state["_what"]


@dataclass(frozen=True, slots=True)
class Catalog:
    """Named calendars and tiers: what :func:`load_catalog` returns.

    Both mappings are read-only and keep the file's order; a catalog is
    hashable (so it can key a cache) and equal to another with the same
    calendars and tiers, wherever each was loaded from (``source`` is not
    compared).  ``vocabulary`` holds the incident types and channels the
    catalog speaks of (the origin's three each unless the file declares
    ``types`` and ``channels``); every tier shares it.

    Attributes:
        calendars: The named calendars, by key, in the file's order.
        tiers: The tiers, by id, in the file's order.
        source: Where the catalog was read from (a path or a given name; ``None`` for a mapping);
            provenance, outside equality.
        vocabulary: The incident types and channels its records and tiers may name
            (``types`` and ``channels`` in the file; the origin's three each by default).

    >>> catalog = default_catalog()
    >>> list(catalog.tiers)
    ['SLA-1', 'SLA-2', 'SLA-3', 'SLA-4']
    >>> catalog.tiers["SLA-2"].name
    'Enterprise'
    """

    _repr_html_ = repr_html

    calendars: Mapping[str, Calendar]
    tiers: Mapping[str, Tier]
    source: str | None = field(default=None, compare=False)
    vocabulary: Vocabulary = DEFAULT_VOCABULARY

    def __post_init__(self) -> None:
        calendars = FrozenMap(_as_mapping(self.calendars, "calendars"), what="calendar")
        tiers = FrozenMap(_as_mapping(self.tiers, "tiers"), what="tier")
        for name, calendar in calendars.items():
            if not isinstance(name, str) or not name:
                raise SlaclockValueError(f"calendar names must be non-empty strings, got {name!r}")
            if not _is_calendar(calendar):
                raise SlaclockTypeError(
                    f"calendars[{name!r}] must be a slaclock.Calendar, got {calendar!r}"
                )
        if not isinstance(self.vocabulary, Vocabulary):
            raise SlaclockTypeError(
                f"Catalog vocabulary must be a slaclock Vocabulary, got {self.vocabulary!r}"
            )
        for key, tier in tiers.items():
            if not isinstance(tier, Tier):
                raise SlaclockTypeError(f"tiers[{key!r}] must be a slaclock.Tier, got {tier!r}")
            if tier.vocabulary != self.vocabulary:
                raise SlaclockValueError(
                    f"tier {key!r} speaks of types {list(tier.vocabulary.types)!r} and channels "
                    f"{list(tier.vocabulary.channels)!r}, the catalog of {list(self.vocabulary.types)!r} "
                    f"and {list(self.vocabulary.channels)!r}; build the tier with "
                    f"vocabulary=catalog.vocabulary"
                )
            if tier.id != key:
                raise SlaclockValueError(f"tiers[{key!r}] holds a tier with id {tier.id!r}")
            # A named calendar must be the catalog's, or to_dict() would write a lie.
            cal_name = tier.calendar_name
            if cal_name is not None and cal_name not in calendars:
                raise SlaclockValueError(
                    f"tier {key!r} names calendar {cal_name!r}, which this catalog does not have "
                    f"(known: {', '.join(map(repr, calendars)) or 'none'}); add it to calendars, "
                    f"or give the tier an unnamed calendar with tier.replace(calendar=...)"
                )
            if cal_name is not None and calendars[cal_name] != tier.calendar:
                raise SlaclockValueError(
                    f"tier {key!r} names calendar {cal_name!r} but holds a different calendar; "
                    f"Catalog.replace(calendars=...) re-points tiers by name, and "
                    f"tier.replace(calendar=...) gives a tier an unnamed calendar"
                )
        if self.source is not None and not isinstance(self.source, str):
            raise SlaclockTypeError(f"Catalog source must be a string or None, got {self.source!r}")
        object.__setattr__(self, "calendars", calendars)
        object.__setattr__(self, "tiers", tiers)

    @classmethod
    def from_dict(cls, mapping: object, *, source: str | None = None) -> Catalog:
        """A catalog from its mapping shape (``{"calendars": {...}, "tiers": {...}}``)."""
        data = expect_mapping(mapping, path="", what="a catalog table {calendars, tiers}")
        check_keys(
            data, allowed=("calendars", "tiers", "types", "channels"), required=("tiers",), path=""
        )
        vocabulary = _read_vocabulary(data)
        calendar_cls = _calendar_class()
        calendars: dict[str, Calendar] = {}
        raw_calendars = expect_mapping(data.get("calendars", {}), path="calendars")
        for name, spec in raw_calendars.items():
            path = join_path("calendars", name)
            expect_mapping(spec, path=path, what="a calendar table")
            try:
                calendars[name] = calendar_cls.from_dict(spec, path=path)
            except SpecError as exc:
                raise (exc if exc.path.startswith(path) else exc.at(path)) from None
        tiers: dict[str, Tier] = {}
        raw_tiers = expect_mapping(data["tiers"], path="tiers")
        if not raw_tiers:
            raise SpecError("a catalog needs at least one tier, got an empty table", path="tiers")
        for tier_id, spec in raw_tiers.items():
            tiers[tier_id] = Tier.from_dict(
                spec,
                calendars=calendars,
                id=tier_id,
                path=join_path("tiers", tier_id),
                vocabulary=vocabulary,
            )
        return cls(calendars, tiers, source, vocabulary)

    def to_dict(self) -> dict[str, Any]:
        """JSON- and TOML-safe mapping; ``load_catalog(catalog.to_dict()) == catalog``."""
        tiers = {}
        for key, tier in self.tiers.items():
            data = tier.to_dict()
            del data["id"]  # the table key is the id
            tiers[key] = data
        out: dict[str, Any] = {}
        if self.vocabulary != DEFAULT_VOCABULARY:
            out["types"] = list(self.vocabulary.types)
            out["channels"] = list(self.vocabulary.channels)
        out["calendars"] = {name: cal.to_dict() for name, cal in self.calendars.items()}
        out["tiers"] = tiers
        return out

    def replace(self, **changes: Any) -> Catalog:
        """A what-if copy with some fields changed, checked like a new catalog.

        ``calendars`` and ``tiers`` are whole mappings of calendars and tiers.
        A tier names its calendar, so replacing a calendar re-points every tier
        naming it: ``catalog.replace(calendars={**catalog.calendars, "moscow": cal})``
        is the one-call what-if for a calendar change.

        >>> from datetime import timedelta
        >>> catalog = default_catalog()
        >>> moscow = catalog.calendars["moscow"]
        >>> longer = moscow.replace(week=(((9 * 3600 * 10**6, 18 * 3600 * 10**6),),) * 5 + ((), ()))
        >>> what_if = catalog.replace(calendars={**catalog.calendars, "moscow": longer})
        >>> what_if.tiers["SLA-2"].calendar == longer
        True
        """
        unknown = sorted(set(changes) - {"calendars", "tiers", "source", "vocabulary"})
        if unknown:
            raise SlaclockTypeError(
                f"Catalog.replace() got unknown field(s) {', '.join(map(repr, unknown))}; "
                f"fields: calendars, tiers, source, vocabulary"
            )
        calendars = changes.get("calendars", self.calendars)
        tiers = changes.get("tiers", self.tiers)
        if "calendars" in changes:
            new = _as_mapping(calendars, "calendars")
            tiers = {key: _repoint(tier, new) for key, tier in _as_mapping(tiers, "tiers").items()}
        vocabulary = changes.get("vocabulary", self.vocabulary)
        if "vocabulary" in changes and isinstance(vocabulary, Vocabulary):
            # Every tier moves to the new vocabulary, keeping its scope (checked there).
            tiers = {
                key: tier.replace(vocabulary=vocabulary) if isinstance(tier, Tier) else tier
                for key, tier in _as_mapping(tiers, "tiers").items()
            }
        return Catalog(calendars, tiers, changes.get("source", self.source), vocabulary)

    def __repr__(self) -> str:
        """The code that builds this catalog again: ``Catalog.from_dict({...})``."""
        return call_code("Catalog.from_dict", self.to_dict(), **self._code_options())

    def _repr_pretty_(self, printer: Printer, cycle: bool) -> None:
        pretty_call(printer, cycle, "Catalog.from_dict", self.to_dict(), **self._code_options())

    def _code_options(self) -> dict[str, object]:
        return {} if self.source is None else {"source": self.source}

    def __str__(self) -> str:
        """A one-line summary: the names of the calendars and tiers."""
        source = f", source={self.source!r}" if self.source is not None else ""
        return f"Catalog(calendars={list(self.calendars)!r}, tiers={list(self.tiers)!r}{source})"


def load_catalog(source: str | os.PathLike[str] | Mapping[str, Any]) -> Catalog:
    """Read a catalog from a ``.toml`` or ``.json`` file path, or from a mapping.

    A string is always a path: for TOML or JSON text use :func:`load_catalog_text`.
    Syntax errors name the line; content errors the dotted key path.  A file that
    cannot be opened raises the usual ``OSError``.

    >>> catalog = load_catalog({
    ...     "calendars": {"utc": {"tz": "UTC", "week": {"mon": [["09:00", "17:00"]]}}},
    ...     "tiers": {"gold": {"name": "Gold", "calendar": "utc", "reaction": "PT4H"}},
    ... })
    >>> print(catalog.tiers["gold"])
    Tier(id='gold', name='Gold', calendar='utc', reaction='PT4H', budget='unlimited')
    """
    if isinstance(source, Mapping):
        return Catalog.from_dict(source)
    if isinstance(source, (bytes, bytearray)) or not isinstance(source, (str, os.PathLike)):
        raise SlaclockTypeError(
            f"load_catalog() takes a path to a .toml or .json file or a mapping, got "
            f"{type(source).__name__} {_short(source)!r}"
        )
    if isinstance(source, str) and ("\n" in source or source.lstrip().startswith(("{", "["))):
        raise SlaclockValueError(
            f"load_catalog() takes a file path, and {_short(source)!r} looks like catalog text; "
            f"use load_catalog_text(text, format='toml') or format='json' for text"
        )
    path = str(Path(source))
    return load_file(
        source, build=lambda data: Catalog.from_dict(data, source=path), what="catalog"
    )


def load_catalog_text(
    text: str, *, format: Literal["toml", "json"], source: str | None = None
) -> Catalog:
    """Read a catalog from TOML or JSON text; ``source`` names it in errors and on the result.

    Decimal numbers are read exactly (``12.50`` as ``Decimal("12.50")``), never as floats.

    >>> text = '''
    ... [calendars.utc]
    ... tz = "UTC"
    ... week = { mon = [["09:00", "17:00"]] }
    ... [tiers.gold]
    ... name = "Gold"
    ... calendar = "utc"
    ... reaction = "4h"
    ... '''
    >>> load_catalog_text(text, format="toml").tiers["gold"].reaction
    datetime.timedelta(seconds=14400)
    """
    if not isinstance(text, str):
        raise SlaclockTypeError(f"catalog text must be a str, got {type(text).__name__}")
    return load_text(
        text,
        format=format,
        build=lambda data: Catalog.from_dict(data, source=source),
        source=source,
        what="catalog",
    )


@functools.cache
def default_catalog() -> Catalog:
    """The origin's four tiers (SLA-1..SLA-4) on the Moscow calendar, loaded once and shared.

    It is the bundled ``slaclock/data/default_catalog.toml``, read by the same
    loader as your own catalogs.

    >>> tier = default_catalog().tiers["SLA-3"]
    >>> tier.reaction, tier.budget, str(tier.price)
    (datetime.timedelta(seconds=7200), datetime.timedelta(seconds=28800), '20000 RUB per month')
    """
    text = resources.files("slaclock").joinpath(_DEFAULT_RESOURCE).read_text(encoding="utf-8")
    return load_catalog_text(text, format="toml", source=f"slaclock/{_DEFAULT_RESOURCE}")


def _read_vocabulary(data: Mapping[str, Any]) -> Vocabulary:
    """The catalog's ``types`` and ``channels`` (each defaulting to the origin's three)."""
    given: dict[str, tuple[Any, ...]] = {}
    for key in ("types", "channels"):
        if key not in data:
            continue
        values = data[key]
        if not isinstance(values, list | tuple):
            raise SpecError(f"{key} must be a list of names, got {values!r}", path=key)
        refusal = names_refusal(key, tuple(values))
        if refusal is not None:
            raise SpecError(refusal[1], path=refusal[0])
        given[key] = tuple(values)
    return Vocabulary(**given) if given else DEFAULT_VOCABULARY


def _repoint(tier: Any, calendars: Mapping[str, Any]) -> Any:
    """``tier`` on the calendar its name now means in ``calendars`` (unchanged if none)."""
    name = getattr(tier, "calendar_name", None)
    if not isinstance(tier, Tier) or name is None or name not in calendars:
        return tier  # the catalog's own checks say what is wrong with it
    if calendars[name] == tier.calendar:
        return tier
    return tier.replace(calendar=calendars[name], calendar_name=name)


def _as_mapping(value: object, what: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise SlaclockTypeError(f"Catalog {what} must be a mapping, got {value!r}")
    return value


def _calendar_class() -> type[Calendar]:
    from slaclock._calendar.calendar import Calendar

    calendar_cls: type[Calendar] = Calendar
    return calendar_cls


def _is_calendar(value: object) -> bool:
    return isinstance(value, _calendar_class())


def _short(value: object) -> str:
    text = str(value)
    return text if len(text) <= 40 else text[:37] + "..."
