"""Public holidays and transferred working days from the ``holidays`` package, snapshotted.

``holidays`` objects are mutable dicts that grow on lookup, and their names
depend on the locale.  slaclock reads them once per (country, subdivision, year)
into immutable sets and never looks at a holiday's name.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from slaclock.errors import SpecError

__all__ = ["CountryYear", "check_country", "country_range", "country_year"]


@dataclass(frozen=True, slots=True)
class CountryYear:
    """One year of a country's calendar: days off, and working days with their stand-in date.

    ``workdays`` maps each transferred working day (a weekend day worked) to the
    date whose day off it stands in for, or ``None`` when the data does not say.
    """

    holidays: frozenset[date]
    workdays: tuple[tuple[date, date | None], ...]

    def stand_in(self, day: date) -> tuple[bool, date | None]:
        for worked, instead in self.workdays:
            if worked == day:
                return True, instead
        return False, None


_lock = threading.Lock()


@lru_cache(maxsize=64)
def _supported() -> dict[str, list[str]]:
    import holidays

    return dict(holidays.list_supported_countries())


def _alpha2(code: str) -> str | None:
    """The alpha-2 code the holidays package gives an alpha-3 one, if it says."""
    import holidays

    alpha2 = getattr(getattr(holidays, code, None), "country", None)
    return alpha2 if isinstance(alpha2, str) and len(alpha2) == 2 else None


def check_country(code: object, subdiv: object, *, path: str) -> tuple[str, str | None]:
    """Validate a country code and subdivision against the ``holidays`` package."""
    supported = _supported()
    # The holidays package also answers to alpha-3 codes ("RUS"): refused, so that one
    # country has one spelling and equal calendars have equal specs.
    if isinstance(code, str) and len(code) == 3 and code in supported:
        alpha2 = _alpha2(code)
        hint = f", {alpha2!r}" if alpha2 else ""
        raise SpecError(
            f"country {code!r} is an alpha-3 code; slaclock takes the ISO 3166-1 alpha-2 "
            f"code{hint}",
            path=f"{path}.code" if path else "code",
        )
    if not isinstance(code, str) or code not in supported:
        sample = ", ".join(sorted(c for c in supported if len(c) == 2)[:12])
        raise SpecError(
            f"unknown country {code!r}; expected an ISO 3166-1 alpha-2 code that the holidays "
            f"package supports ({sample}, ...)",
            path=f"{path}.code" if path else "code",
        )
    if subdiv is None:
        return code, None
    subdivisions = supported[code]
    if not isinstance(subdiv, str) or subdiv not in subdivisions:
        accepted = ", ".join(subdivisions) if subdivisions else "none: this country has none"
        raise SpecError(
            f"unknown subdivision {subdiv!r} of {code}; accepted: {accepted}",
            path=f"{path}.subdiv" if path else "subdiv",
        )
    return code, subdiv


def _substitutions(source: Any, years: range) -> dict[date, date]:
    """Transferred working day -> the day off it pays for, from the package's own tables."""
    mapping: dict[date, date] = {}
    for name in sorted({*vars(source), *dir(type(source))}):
        if not (name.startswith("special_") and name.endswith("holidays")):
            continue
        table = getattr(source, name, None)
        if not isinstance(table, dict):
            continue
        for year in years:
            entries = table.get(year, ())
            if entries and not isinstance(entries[0], tuple):
                entries = (entries,)
            for entry in entries:
                if len(entry) < 4 or not all(isinstance(x, int) for x in entry[:4]):
                    continue
                to_month, to_day, from_month, from_day, *rest = entry
                from_year = rest[0] if rest and isinstance(rest[0], int) else year
                try:
                    mapping[date(from_year, from_month, from_day)] = date(year, to_month, to_day)
                except ValueError:
                    continue
    return mapping


@lru_cache(maxsize=4096)
def country_year(code: str, subdiv: str | None, year: int) -> CountryYear:
    """The snapshot of ``year``; neighbouring years are read for transfers across New Year."""
    import holidays

    years = range(max(year - 1, 1), min(year + 1, 9999) + 1)
    with _lock:  # the holidays package mutates shared class-level state while populating
        source = holidays.country_holidays(code, subdiv=subdiv, years=list(years))
        off = frozenset(day for day in source if day.year == year)
        worked = sorted(day for day in getattr(source, "weekend_workdays", ()) if day.year == year)
        substitutions = _substitutions(source, years)
    return CountryYear(
        holidays=off,
        workdays=tuple((day, substitutions.get(day)) for day in worked),
    )


@lru_cache(maxsize=256)
def country_range(code: str, subdiv: str | None) -> tuple[int, int]:
    """The first and last year the ``holidays`` package has data for (outside: no days off).

    Years outside it repeat with the weekday calendar, which lets the timeline
    total them without walking each one.
    """
    import holidays

    with _lock:
        source = holidays.country_holidays(code, subdiv=subdiv)
        first = getattr(source, "start_year", 1)
        last = getattr(source, "end_year", 9999)
    return (first if isinstance(first, int) else 1), (last if isinstance(last, int) else 9999)
