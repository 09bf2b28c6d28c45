"""Service tiers: the promise (targets, scope, channels, price, hours budget) on a calendar.

A :class:`Tier` is an immutable value validated once, at construction, so a
tier that exists can always be evaluated.  Parse mappings (catalog files) with
:meth:`Tier.from_dict`; derive what-if variants with :meth:`Tier.replace`.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from slaclock._code import Printer, call_code, pretty_call, repr_html
from slaclock._durations import MAX_DURATION, format_duration, parse_duration
from slaclock._sla.vocabulary import CHANNELS, DEFAULT_VOCABULARY, INCIDENT_TYPES, Vocabulary
from slaclock.errors import SlaclockTypeError, SlaclockValueError, SpecError, quote

if TYPE_CHECKING:
    from slaclock._calendar.calendar import Calendar

__all__ = [
    "CHANNELS",
    "CYCLE_RULES",
    "INCIDENT_TYPES",
    "PRICE_PERIODS",
    "Level",
    "Price",
    "Tier",
    "format_level",
    "parse_level",
]

_ALL_TYPES = frozenset(INCIDENT_TYPES)  # the default: every type of the tier's vocabulary
CYCLE_RULES = ("oldest_unanswered", "restart_on_message")
#: ``per`` values a price may carry: ``None`` is a one-off amount (or free).
PRICE_PERIODS = ("year", "month", "hour", None)

_TYPE_WORDS = {
    "failure": "application failures",
    "module_failure": "application module failures",
    "consultation": "consultations",
}
_CHANNEL_WORDS = {"portal": "the support portal", "remote": "remote connection", "phone": "phone"}
_CURRENCY = re.compile(r"[A-Z]{3}")


def _calendar_class() -> type[Calendar]:
    # Imported late: the calendar layer is a sibling, and importing it at call
    # time keeps ``slaclock._sla`` importable on its own (for the import-order test).
    from slaclock._calendar.calendar import Calendar

    calendar_cls: type[Calendar] = Calendar
    return calendar_cls


# --------------------------------------------------------------------------- field errors


_FieldError = SlaclockValueError | SlaclockTypeError


def _field_error(
    kind: type[_FieldError], message: str, *, field: str, reason: str = ""
) -> _FieldError:
    """A constructor's refusal that remembers its field, so a reader can re-place it."""
    error = kind(message)
    # On the instance, not in a subclass: tracebacks and type() show the public class.
    error.__dict__.update(field=field, reason=reason or message)
    return error


def _placed(error: Exception, path: str) -> SpecError | None:
    """A constructor's refusal as a file error at ``path`` plus its field (None: not one)."""
    field = error.__dict__.get("field")
    if not isinstance(field, str):
        return None
    return SpecError(error.__dict__["reason"], path=join_path(path, field) if field else path)


# --------------------------------------------------------------------------- mapping helpers


def check_keys(
    mapping: Mapping[str, Any],
    *,
    allowed: Iterable[str],
    required: Iterable[str] = (),
    path: str,
) -> None:
    """Refuse unknown keys (naming the accepted ones) and missing required keys."""
    allowed = tuple(allowed)
    for key in mapping:
        if key not in allowed:
            close = difflib.get_close_matches(str(key), allowed, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise SpecError(
                f"unknown key {key!r}{hint} (accepted keys: {', '.join(sorted(allowed))})",
                path=join_path(path, str(key)),
            )
    for key in required:
        if key not in mapping:
            raise SpecError(f"missing required key {key!r}", path=join_path(path, key))


def join_path(path: str, key: str | int) -> str:
    """``tiers.SLA-2`` + ``reaction`` -> ``tiers.SLA-2.reaction``; list indexes as ``[0]``."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def expect_mapping(value: object, *, path: str, what: str = "a table") -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise SpecError(f"expected {what}, got {value!r} of type {type(value).__name__}", path=path)
    for key in value:
        if not isinstance(key, str):
            raise SpecError(f"keys must be strings, got {key!r}", path=path)
    return value


def _expect_str(value: object, *, path: str, empty_ok: bool = False) -> str:
    if not isinstance(value, str):
        raise SpecError(
            f"expected a string, got {value!r} of type {type(value).__name__}", path=path
        )
    if not empty_ok and not value.strip():
        raise SpecError(f"expected a non-empty string, got {value!r}", path=path)
    return value


def decimal_amount(value: object, *, path: str) -> Decimal:
    """An exact ``Decimal`` from an int, a ``Decimal``, decimal text, or a float read from a file.

    It only reads the number; :class:`Price` decides which amounts are accepted.  A float is taken at its shortest repr (``0.1`` -> ``Decimal("0.1")``), which is
    the text a TOML or JSON author wrote; the loaders parse floats as ``Decimal``
    anyway, so this only matters for hand-built mappings.
    """
    if isinstance(value, bool):
        raise SpecError(f"expected an amount such as 20000 or '12.50', got {value!r}", path=path)
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, float):
        result = Decimal(repr(value))
    elif isinstance(value, str):
        try:
            result = Decimal(value.strip())
        except InvalidOperation:
            raise SpecError(
                f"cannot read amount {value!r}; expected a number such as 20000 or '12.50'",
                path=path,
            ) from None
    else:
        raise SpecError(
            f"expected an amount such as 20000 or '12.50', got {value!r} of type "
            f"{type(value).__name__}",
            path=path,
        )
    return result


def fraction_value(value: object, *, path: str) -> Fraction:
    """A ``Fraction`` from ``3/4``-style text, a decimal (``0.75``), an int or a ``Fraction``."""
    if isinstance(value, bool):
        raise SpecError(f"expected a share such as 0.75 or '3/4', got {value!r}", path=path)
    try:
        if isinstance(value, (Fraction, int)):
            return Fraction(value)
        if isinstance(value, (float, Decimal)):
            # Shortest repr: 0.8 means 4/5, not the binary float nearest to it.
            return Fraction(str(value))
        if isinstance(value, str):
            return Fraction(value.strip())
    except (ValueError, ZeroDivisionError):
        pass
    raise SpecError(
        f"cannot read share {value!r}; expected a number such as 0.75 or '3/4'", path=path
    )


# JSON readers that hold numbers as doubles (JavaScript's among them) round integers
# beyond 2**53; larger whole amounts are written as decimal text, which every reader
# keeps exactly and from_dict reads back.
_EXACT_JSON_INT = 2**53

# The largest price (below 10**18) and the finest (12 decimal places): within them
# cost()'s products and sums are exact under _MONEY (below) and every answer stays a
# number of ordinary size.
MAX_AMOUNT = Decimal(10) ** 18
MAX_PLACES = 12


def amount_to_data(amount: Decimal) -> int | str:
    """JSON- and TOML-safe money: small whole amounts as ints, others as exact decimal text."""
    if (
        amount.is_finite()
        and amount.as_tuple().exponent >= 0  # type: ignore[operator]
        and abs(amount) < _EXACT_JSON_INT
    ):
        return int(amount)
    return str(amount)


# --------------------------------------------------------------------------- Price


@dataclass(frozen=True, slots=True)
class Price:
    """An exact amount of money, per ``"year"``, ``"month"``, ``"hour"``, or once (``None``).

    Attributes:
        amount: The exact amount, a ``Decimal`` (an ``int`` is taken as one).
        currency: The currency code, such as ``"RUB"``.
        per: ``"year"``, ``"month"``, ``"hour"``, or ``None`` for a one-off amount.
        note: Free text kept with the price (the origin's "with an active
            maintenance package"); it decides nothing.

    >>> Price(Decimal(20000), "RUB", "month")
    Price.from_dict({'amount': 20000, 'currency': 'RUB', 'per': 'month'})
    >>> print(Price(Decimal(20000), "RUB", "month"))
    20000 RUB per month
    """

    amount: Decimal
    currency: str
    per: str | None
    note: str = ""

    def __post_init__(self) -> None:
        if isinstance(self.amount, int) and not isinstance(self.amount, bool):
            object.__setattr__(self, "amount", Decimal(self.amount))
        if not isinstance(self.amount, Decimal):
            raise _price_error(
                "amount",
                f"Price amount must be a Decimal (money is exact), got {self.amount!r}; "
                f"write Decimal('12.50')",
                SlaclockTypeError,
            )
        if not self.amount.is_finite() or self.amount < 0:
            raise _price_error(
                "amount", f"Price amount must be a finite number >= 0, got {self.amount}"
            )
        if self.amount >= MAX_AMOUNT:
            raise _price_error(
                "amount",
                f"Price amount {self.amount} is too large; the largest is below 10**18 "
                f"(slaclock keeps money exact and does not round a total)",
            )
        if self.amount and self.amount.as_tuple().exponent < -MAX_PLACES:  # type: ignore[operator]
            raise _price_error(
                "amount",
                f"Price amount {self.amount} has more than {MAX_PLACES} decimal places; "
                f"slaclock keeps money exact and does not round a price",
            )
        if not isinstance(self.currency, str) or not _CURRENCY.fullmatch(self.currency):
            raise _price_error(
                "currency",
                f"Price currency must be a three-letter ISO 4217 code such as 'RUB', "
                f"got {self.currency!r}",
            )
        if self.per not in PRICE_PERIODS:
            raise _price_error(
                "per",
                f"Price per must be one of 'year', 'month', 'hour' or None (once), "
                f"got {self.per!r}",
            )
        if not isinstance(self.note, str):
            raise _price_error(
                "note", f"Price note must be a string, got {self.note!r}", SlaclockTypeError
            )

    def replace(self, **changes: Any) -> Price:
        """A copy with some fields changed, checked like a new price.

        >>> Price(Decimal(20000), "RUB", "month").replace(amount=Decimal(25000)).amount
        Decimal('25000')
        """
        price: Price = replace_fields(self, changes)
        return price

    @property
    def is_free(self) -> bool:
        return self.amount == 0

    @classmethod
    def from_dict(cls, mapping: object, *, path: str = "price") -> Price:
        """A price from ``{amount, currency, per, note}``; ``per`` absent means once (or free)."""
        data = expect_mapping(mapping, path=path, what="a price table {amount, currency, per}")
        check_keys(
            data,
            allowed=("amount", "currency", "per", "note"),
            required=("amount", "currency"),
            path=path,
        )
        amount = decimal_amount(data["amount"], path=join_path(path, "amount"))
        if "per" in data and data["per"] is None:
            # None cannot be written in TOML, and JSON null is no period either.
            raise SpecError(
                "expected per = 'year', 'month' or 'hour' (leave it out for a one-off or free "
                "price), got None",
                path=join_path(path, "per"),
            )
        try:
            return cls(amount, data["currency"], data.get("per"), data.get("note", ""))
        except (SlaclockValueError, SlaclockTypeError) as error:
            placed = _placed(error, path)
            if placed is None:
                raise
            raise placed from None

    def to_dict(self) -> dict[str, Any]:
        """JSON- and TOML-safe mapping that :meth:`from_dict` reads back to an equal price."""
        data: dict[str, Any] = {"amount": amount_to_data(self.amount), "currency": self.currency}
        if self.per is not None:
            data["per"] = self.per
        if self.note:
            data["note"] = self.note
        return data

    def __repr__(self) -> str:
        """The code that builds this price again: ``Price.from_dict({...})``."""
        return call_code("Price.from_dict", self.to_dict())

    def _repr_pretty_(self, printer: Printer, cycle: bool) -> None:
        pretty_call(printer, cycle, "Price.from_dict", self.to_dict())

    def __str__(self) -> str:
        text = f"{self.amount} {self.currency}"
        if self.is_free:
            text = "free"
        elif self.per is not None:
            text += f" per {self.per}"
        return text


def _price_error(
    field: str, message: str, kind: type[_FieldError] = SlaclockValueError
) -> _FieldError:
    return _field_error(kind, message, field=field)


def replace_fields(value: Any, changes: Mapping[str, Any]) -> Any:
    """``dataclasses.replace`` that names the fields when given an unknown one."""
    names = [f.name for f in dataclasses.fields(value) if f.init]
    unknown = sorted(set(changes) - set(names))
    if unknown:
        raise SlaclockTypeError(
            f"{type(value).__name__}.replace() got unknown field(s) "
            f"{', '.join(map(repr, unknown))}; fields: {', '.join(names)}"
        )
    return dataclasses.replace(value, **changes)


# --------------------------------------------------------------------------- escalation levels

#: An escalation level: a share of the target (``Fraction``) or an offset from the
#: due instant in working time (``timedelta``, negative before it).
Level = Fraction | timedelta
_SHARE = re.compile(r"(\d{1,4}(?:\.\d{1,6})?)\s*%")
_LEVEL_FORM = "a share of the target such as '50%' or an offset from the due instant such as '+PT1H' or '-PT30M'"
#: The largest share a level may name (ten times the target).
MAX_SHARE = Fraction(10)


def parse_level(value: object) -> Level:
    """An escalation level from its text: ``"75%"`` or ``"+PT1H"`` / ``"-PT30M"``.

    >>> parse_level("75%"), parse_level("-PT30M")
    (Fraction(3, 4), datetime.timedelta(days=-1, seconds=84600))
    """
    if not isinstance(value, str):
        raise SpecError(f"escalation level {quote(value)} is not text; expected {_LEVEL_FORM}")
    text = value.strip()
    share = _SHARE.fullmatch(text)
    if share is not None:
        level = Fraction(share.group(1)) / 100
        if not 0 < level <= MAX_SHARE:
            raise SpecError(
                f"escalation level {quote(value)} is outside (0%, 1000%]; expected {_LEVEL_FORM}"
            )
        return level
    if text[:1] in "+-":
        try:
            offset = parse_duration(text)
        except SpecError:
            pass
        else:
            if abs(offset) > MAX_DURATION:
                raise SpecError(
                    f"escalation level {quote(value)} is too far from the due instant; the farthest "
                    f"accepted is {format_duration(MAX_DURATION)!r}"
                )
            return offset
    raise SpecError(f"cannot read escalation level {quote(value)}; expected {_LEVEL_FORM}")


def format_level(level: Level) -> str:
    """The canonical text of a level (what tiers keep and clocks report)."""
    if isinstance(level, Fraction):
        percent = Decimal(level.numerator * 100) / Decimal(level.denominator)
        return f"{percent.normalize():f}%"
    sign = "-" if level < timedelta(0) else "+"
    return sign + format_duration(abs(level))


# --------------------------------------------------------------------------- Tier

_TIER_KEYS = (
    "id",
    "name",
    "calendar",
    "reaction",
    "first_reaction",
    "resolution",
    "types",
    "third_party",
    "channels",
    "price",
    "budget",
    "overage_rate",
    "contract_required",
    "at_risk",
    "cycle_rule",
    "pause_reaction_when_pending",
    "description",
    "work_included",
    "escalations",
    "update",
)
_DURATION_FIELDS = ("reaction", "first_reaction", "resolution", "budget", "update")
_UNLIMITED = "unlimited"


@dataclass(frozen=True, slots=True)
class Tier:
    """One service level: targets on a calendar, scope, channels, price and hours budget.

    Get tiers from a catalog (``slaclock.default_catalog().tiers["SLA-2"]``) or
    build them with :meth:`from_dict`; the constructor takes the typed values
    and validates them.  ``budget`` is the working time included per calendar
    month (``None``: unlimited); ``at_risk`` the consumed share of a target at
    which an open clock is flagged.  ``escalations`` lists the levels at which
    every clock notifies (canonical text: ``"50%"`` of the target, ``"+PT1H"``
    or ``"-PT30M"`` of working time from the due instant); ``update`` is the
    periodic-update target (``None``: no update clock).  ``calendar_name`` is the calendar's key
    in the catalog the tier came from; like ``Catalog.source`` it is
    provenance and does not take part in equality.

    Attributes:
        id: The tier's key in its catalog (``"SLA-2"``).
        name: Its display name (``"Enterprise"``).
        calendar: The working calendar every clock of the tier runs on.
        reaction: The working time within which each reaction cycle must be answered.
        first_reaction: The first cycle's own target; ``None``: the first cycle uses
            ``reaction``.
        resolution: Working time from ``opened`` to ``resolved``; ``None``: no
            resolution clock.
        types: The incident types the tier covers.
        third_party: Whether third-party plugins and integrations are covered.
        channels: The channels the tier serves, in order.
        price: What the tier costs, or ``None`` when it has no price.
        budget: Working time included per calendar month; ``None``: unlimited.
        overage_rate: The hourly price of time beyond ``budget``, or ``None``.
        contract_required: Whether the tier needs a contract and a prepaid period.
        at_risk: The consumed share of a target (a ``Fraction``, 3/4 by default) at
            which an open clock is at risk.
        cycle_rule: ``"oldest_unanswered"`` (further messages do not restart a running
            cycle) or ``"restart_on_message"`` (every customer message starts a new one).
        pause_reaction_when_pending: Whether reaction cycles stand still while pending.
        description: Free text describing the tier.
        work_included: The kinds of work the tier includes, in words.
        calendar_name: The calendar's key in the catalog the tier came from, or
            ``None``; provenance, outside equality.
        escalations: The levels at which every clock notifies, as canonical text: a
            share of the target (``"50%"``) or an offset in working time from the
            due instant (``"+PT1H"``, ``"-PT30M"``); ``()`` for none.
        update: The periodic-update target: an agent reply is due this much
            working time after the opening and after every agent reply while the
            incident is open; ``None``: no update clock.
        vocabulary: The incident types and channels its catalog speaks of (the
            default three each unless the catalog declares its own); ``types`` and
            ``channels`` are checked within it.
    """

    _repr_html_ = repr_html

    id: str
    name: str
    calendar: Calendar
    reaction: timedelta
    first_reaction: timedelta | None = None
    resolution: timedelta | None = None
    types: frozenset[str] = _ALL_TYPES
    third_party: bool = False
    channels: tuple[str, ...] = CHANNELS
    price: Price | None = None
    budget: timedelta | None = None
    overage_rate: Price | None = None
    contract_required: bool = False
    at_risk: Fraction = Fraction(3, 4)
    cycle_rule: str = "oldest_unanswered"
    pause_reaction_when_pending: bool = False
    description: str = ""
    work_included: tuple[str, ...] = ()
    escalations: tuple[str, ...] = ()
    update: timedelta | None = None
    # Where the calendar came from, not part of the promise: not compared or hashed.
    calendar_name: str | None = field(default=None, compare=False)
    # The types and channels the tier's catalog speaks of; scope is checked within it.
    vocabulary: Vocabulary = DEFAULT_VOCABULARY

    def __post_init__(self) -> None:
        # The one place a tier's rules live: from_dict and replace() come through here
        # too, and from_dict re-raises each refusal at the key path of its field.
        label = f"tier {self.id!r}"

        def bad(field: str, reason: str) -> _FieldError:
            return _field_error(
                SlaclockValueError, f"{label}: {reason}", field=field, reason=reason
            )

        def too_long(field: str, value: timedelta) -> _FieldError:
            # A target so long that its deadline would leave the calendar's range.
            reason = (
                f"{field} {format_duration(value)!r} is too large; the longest accepted is "
                f"{format_duration(MAX_DURATION)!r} (100 years)"
            )
            return _field_error(SpecError, f"{label}: {reason}", field=field, reason=reason)

        def wrong(field: str, reason: str) -> _FieldError:
            return _field_error(SlaclockTypeError, f"{label}: {reason}", field=field, reason=reason)

        if not isinstance(self.id, str) or not self.id.strip():
            reason = f"tier id must be a non-empty string, got {self.id!r}"
            raise _field_error(SlaclockValueError, reason, field="id")
        if not isinstance(self.name, str) or not self.name.strip():
            raise bad("name", f"name must be a non-empty string, got {self.name!r}")
        if not isinstance(self.calendar, _calendar_class()):
            raise wrong("calendar", f"calendar must be a slaclock.Calendar, got {self.calendar!r}")
        for key in ("reaction", "first_reaction", "resolution", "update"):
            value = getattr(self, key)
            if value is None and key != "reaction":
                continue
            if not isinstance(value, timedelta):
                raise wrong(key, f"{key} must be a timedelta, got {value!r}")
            if value <= timedelta(0):
                raise bad(key, f"{key} must be a positive duration, got {format_duration(value)!r}")
            if value > MAX_DURATION:
                raise too_long(key, value)
        if self.budget is not None:
            if not isinstance(self.budget, timedelta):
                raise wrong(
                    "budget", f"budget must be a timedelta or None (unlimited), got {self.budget!r}"
                )
            if self.budget < timedelta(0):
                raise bad("budget", f"budget must be >= 0, got {format_duration(self.budget)!r}")
            if self.budget > MAX_DURATION:
                raise too_long("budget", self.budget)
        vocabulary = self.vocabulary
        if not isinstance(vocabulary, Vocabulary):
            raise wrong("vocabulary", f"vocabulary must be a Vocabulary, got {vocabulary!r}")
        # Sets and lists are accepted for convenience and frozen here, so the tier stays hashable.
        # Left at their defaults, types and channels are all of the vocabulary's.
        types = vocabulary.types if self.types is _ALL_TYPES else self.types
        if isinstance(types, str) or not isinstance(types, Iterable):
            raise wrong("types", f"types must be a set of incident types, got {types!r}")
        listed = list(types)
        # A list or tuple (a file's form) is refused at the index of the bad item.
        indexed = not isinstance(types, (set, frozenset))
        if not listed:
            raise bad(
                "types",
                f"types must be a non-empty set of {', '.join(map(repr, vocabulary.types))}, got []",
            )
        for i, kind in enumerate(listed):
            refusal = vocabulary.type_refusal(kind)
            if refusal is not None:
                raise bad(
                    f"types[{i}]" if indexed else "types", refusal + _declare(vocabulary, "types")
                )
        object.__setattr__(self, "types", frozenset(listed))
        channels = vocabulary.channels if self.channels is CHANNELS else self.channels
        if isinstance(channels, str) or not isinstance(channels, Iterable):
            raise wrong("channels", f"channels must be a sequence, got {channels!r}")
        channels = tuple(channels)
        if not channels:
            raise bad(
                "channels",
                f"channels must list at least one of {', '.join(map(repr, vocabulary.channels))}, "
                "got []",
            )
        for i, channel in enumerate(channels):
            refusal = vocabulary.channel_refusal(channel)
            if refusal is not None:
                raise bad(f"channels[{i}]", refusal + _declare(vocabulary, "channels"))
            if channel in channels[:i]:
                raise bad(f"channels[{i}]", f"channel {channel!r} is listed twice in channels")
        object.__setattr__(self, "channels", channels)
        for key in ("third_party", "contract_required", "pause_reaction_when_pending"):
            if not isinstance(getattr(self, key), bool):
                raise wrong(key, f"{key} must be true or false, got {getattr(self, key)!r}")
        if self.price is not None:
            if not isinstance(self.price, Price):
                raise wrong("price", f"price must be a Price, got {self.price!r}")
            if self.price.per == "hour":
                raise bad(
                    "price.per",
                    "price must be per 'year', 'month' or once, got per 'hour' "
                    "(an hourly price belongs in overage_rate)",
                )
        if self.overage_rate is not None:
            if not isinstance(self.overage_rate, Price):
                raise wrong(
                    "overage_rate", f"overage_rate must be a Price, got {self.overage_rate!r}"
                )
            if self.overage_rate.per != "hour":
                raise bad(
                    "overage_rate.per",
                    f"overage_rate must be per 'hour', got per {self.overage_rate.per!r}",
                )
            if self.budget is None:
                raise bad(
                    "overage_rate",
                    f"overage_rate {str(self.overage_rate)!r} needs a budget; "
                    f"with unlimited hours there is never an overage",
                )
            if self.price is not None and self.price.currency != self.overage_rate.currency:
                raise bad(
                    "overage_rate.currency",
                    f"overage_rate currency {self.overage_rate.currency!r} differs from "
                    f"price currency {self.price.currency!r}",
                )
        at_risk = self.at_risk
        if isinstance(at_risk, int) and not isinstance(at_risk, bool):
            at_risk = Fraction(at_risk)
        if not isinstance(at_risk, Fraction):
            raise wrong(
                "at_risk", f"at_risk must be a Fraction such as Fraction(3, 4), got {at_risk!r}"
            )
        if not 0 < at_risk <= 1:
            raise bad("at_risk", f"at_risk must be a share in (0, 1], got {str(at_risk)!r}")
        object.__setattr__(self, "at_risk", at_risk)
        if self.cycle_rule not in CYCLE_RULES:
            raise bad(
                "cycle_rule",
                f"cycle_rule must be one of {', '.join(map(repr, CYCLE_RULES))}, "
                f"got {self.cycle_rule!r}",
            )
        if not isinstance(self.description, str):
            raise wrong("description", f"description must be a string, got {self.description!r}")
        work = self.work_included
        if isinstance(work, str) or not isinstance(work, Iterable):
            raise wrong(
                "work_included", f"work_included must be a sequence of strings, got {work!r}"
            )
        work = tuple(work)
        for i, item in enumerate(work):
            if not isinstance(item, str) or not item.strip():
                raise wrong(
                    f"work_included[{i}]",
                    f"work_included[{i}] must be a non-empty string, got {item!r}",
                )
        object.__setattr__(self, "work_included", work)
        levels = self.escalations
        if isinstance(levels, str) or not isinstance(levels, Iterable):
            raise wrong(
                "escalations",
                f"escalations must be a list of levels such as ['50%', '+PT1H'], got {levels!r}",
            )
        canonical: list[str] = []
        for i, level in enumerate(levels):
            try:
                text = format_level(parse_level(level))
            except SpecError as error:
                raise bad(f"escalations[{i}]", error.reason) from None
            if text in canonical:
                raise bad(f"escalations[{i}]", f"escalation level {text!r} is listed twice")
            canonical.append(text)
        object.__setattr__(self, "escalations", tuple(canonical))
        if self.calendar_name is not None and (
            not isinstance(self.calendar_name, str) or not self.calendar_name
        ):
            raise bad(
                "calendar_name",
                f"calendar_name must be a non-empty string or None, got {self.calendar_name!r}",
            )

    # ------------------------------------------------------------------ queries

    @property
    def first_reaction_target(self) -> timedelta:
        """The target of the first reaction cycle: ``first_reaction``, else ``reaction``."""
        return self.first_reaction if self.first_reaction is not None else self.reaction

    @property
    def label(self) -> str:
        """``"SLA-1 Customer"``: the id and name, as messages and tables show a tier."""
        return f"{self.id} {self.name}"

    def covers(self, *, type: str, third_party: bool, channel: str | None = None) -> str | None:
        """``None`` when the tier covers such an incident, else the reason it does not.

        >>> from slaclock import default_catalog
        >>> sla1 = default_catalog().tiers["SLA-1"]
        >>> sla1.covers(type="failure", third_party=False) is None
        True
        >>> sla1.covers(type="failure", third_party=True)
        'third-party plugins and integrations are not covered by SLA-1 Customer'
        """
        refusal = self.vocabulary.type_refusal(type)
        if refusal is None and channel is not None:
            refusal = self.vocabulary.channel_refusal(channel)
        if refusal is not None:
            raise SlaclockValueError(refusal)
        if type not in self.types:
            words = _TYPE_WORDS.get(type, "incidents of this type")
            return f"{words} ({type!r}) are not covered by {self.label}"
        if third_party and not self.third_party:
            return f"third-party plugins and integrations are not covered by {self.label}"
        if channel is not None and channel not in self.channels:
            words = _CHANNEL_WORDS.get(channel, "this channel")
            return f"{words} ({channel!r}) is not a channel of {self.label}"
        return None

    # ------------------------------------------------------------------ variants

    def replace(self, **changes: Any) -> Tier:
        """A what-if copy with some fields changed, checked like a new tier.

        Values are typed, as the attributes are (``reaction=timedelta(hours=4)``,
        ``price=Price(...)``).  For compatibility the text forms of a catalog file
        are still read for durations (``"PT4H"``, ``budget="unlimited"``),
        ``at_risk`` (``"3/4"``) and prices (a ``{amount, currency, per}`` table).
        Changing ``calendar`` without ``calendar_name`` drops the catalog name,
        since the new calendar is no longer the named one.

        >>> from slaclock import default_catalog
        >>> sla3 = default_catalog().tiers["SLA-3"]
        >>> sla3.replace(reaction=timedelta(hours=4)).reaction
        datetime.timedelta(seconds=14400)
        """
        text = {key: value for key, value in changes.items() if _is_text_form(key, value)}
        if text:
            changes = {**changes, **_parse_text_fields(text, path="")}
        if "calendar" in changes and "calendar_name" not in changes:
            changes = {**changes, "calendar_name": None}
        tier: Tier = replace_fields(self, changes)
        return tier

    # ------------------------------------------------------------------ mappings

    @classmethod
    def from_dict(
        cls,
        mapping: object,
        *,
        calendars: Mapping[str, Calendar] | None = None,
        id: str | None = None,
        path: str | None = None,
        vocabulary: Vocabulary | None = None,
    ) -> Tier:
        """A tier from its catalog table (docs/howto-catalog.md), with errors naming key paths.

        ``id`` is the table's key in a catalog; a standalone mapping carries it
        as ``"id"``.  ``calendar`` is either a name looked up in ``calendars`` or
        an inline calendar table.  ``vocabulary`` is the catalog's types and
        channels (the origin's by default), which ``types`` and ``channels`` must
        come from and default to.
        """
        where = path if path is not None else (f"tiers.{id}" if id is not None else "tier")
        data = expect_mapping(mapping, path=where)
        check_keys(data, allowed=_TIER_KEYS, required=("name", "calendar", "reaction"), path=where)
        if "id" in data:
            given = _expect_str(data["id"], path=join_path(where, "id"))
            if id is not None and given != id:
                raise SpecError(
                    f"id {given!r} differs from the table key {id!r}", path=join_path(where, "id")
                )
            id = given
        if id is None:
            raise SpecError("missing required key 'id'", path=join_path(where, "id"))
        if path is None and where == "tier":
            where = f"tiers.{id}"

        def at(key: str) -> str:
            return join_path(where, key)

        fields: dict[str, Any] = {
            key: data[key] for key in _TIER_KEYS if key in data and key not in _PARSED_KEYS
        }
        fields["calendar"], fields["calendar_name"] = _read_calendar(
            data["calendar"], calendars, path=at("calendar")
        )
        fields.update(_parse_text_fields(data, path=where))
        fields["id"] = id
        if vocabulary is not None:
            fields["vocabulary"] = vocabulary
        try:
            tier: Tier = cls(**fields)
        except (SlaclockValueError, SlaclockTypeError) as error:
            placed = _placed(error, where)
            if placed is None:
                raise
            raise placed from None
        return tier

    def to_dict(self, *, inline_calendar: bool = False) -> dict[str, Any]:
        """JSON- and TOML-safe mapping; :meth:`from_dict` reads it back to an equal tier.

        ``calendar`` is the catalog name when the tier has one (pass the
        catalog's calendars to :meth:`from_dict`), else the inline calendar
        table; ``inline_calendar=True`` always inlines it.
        """
        data: dict[str, Any] = {"id": self.id, "name": self.name}
        if self.calendar_name is not None and not inline_calendar:
            data["calendar"] = self.calendar_name
        else:
            data["calendar"] = self.calendar.to_dict()
        data["reaction"] = format_duration(self.reaction)
        if self.first_reaction is not None:
            data["first_reaction"] = format_duration(self.first_reaction)
        if self.resolution is not None:
            data["resolution"] = format_duration(self.resolution)
        data["types"] = [t for t in self.vocabulary.types if t in self.types]
        data["third_party"] = self.third_party
        data["channels"] = list(self.channels)
        if self.price is not None:
            data["price"] = self.price.to_dict()
        data["budget"] = _UNLIMITED if self.budget is None else format_duration(self.budget)
        if self.overage_rate is not None:
            data["overage_rate"] = self.overage_rate.to_dict()
        data["contract_required"] = self.contract_required
        data["at_risk"] = str(self.at_risk)
        data["cycle_rule"] = self.cycle_rule
        data["pause_reaction_when_pending"] = self.pause_reaction_when_pending
        if self.description:
            data["description"] = self.description
        if self.work_included:
            data["work_included"] = list(self.work_included)
        if self.escalations:
            data["escalations"] = list(self.escalations)
        if self.update is not None:
            data["update"] = format_duration(self.update)
        return data

    def __repr__(self) -> str:
        """The code that builds this tier again: ``Tier.from_dict({...})``, calendar included.

        A tier with a named calendar is built with that name, so it keeps its
        ``calendar_name``: ``Tier.from_dict({..., 'calendar': 'moscow'},
        calendars={'moscow': Calendar.from_dict({...})})``.
        """
        mapping, options = self._code_parts()
        return call_code("Tier.from_dict", mapping, **options)

    def _repr_pretty_(self, printer: Printer, cycle: bool) -> None:
        mapping, options = self._code_parts()
        pretty_call(printer, cycle, "Tier.from_dict", mapping, **options)

    def _code_parts(self) -> tuple[dict[str, Any], dict[str, object]]:
        if self.calendar_name is None:
            return self.to_dict(inline_calendar=True), {}
        return self.to_dict(), {"calendars": {self.calendar_name: self.calendar}}

    def __str__(self) -> str:
        """A one-line summary of what the tier promises (its calendar by name or zone)."""
        # The calendar's code is long; a tier reads better by what it promises.
        budget = "unlimited" if self.budget is None else format_duration(self.budget)
        parts = [
            f"id={self.id!r}",
            f"name={self.name!r}",
            f"calendar={self.calendar_name or self.calendar.tz!r}",
            f"reaction={format_duration(self.reaction)!r}",
        ]
        if self.first_reaction is not None:
            parts.append(f"first_reaction={format_duration(self.first_reaction)!r}")
        if self.resolution is not None:
            parts.append(f"resolution={format_duration(self.resolution)!r}")
        if self.update is not None:
            parts.append(f"update={format_duration(self.update)!r}")
        if self.escalations:
            parts.append(f"escalations={list(self.escalations)!r}")
        parts.append(f"budget={budget!r}")
        if self.price is not None:
            parts.append(f"price={str(self.price)!r}")
        return f"Tier({', '.join(parts)})"


def _declare(vocabulary: Vocabulary, key: str) -> str:
    """For a scope outside the default vocabulary: a catalog may declare its own."""
    if vocabulary != DEFAULT_VOCABULARY:
        return ""
    return f" (a catalog may declare its own with a top-level {key} = [...])"


def _read_calendar(
    value: object, calendars: Mapping[str, Calendar] | None, *, path: str
) -> tuple[Calendar, str | None]:
    if isinstance(value, str):
        known = calendars or {}
        if value not in known:
            names = ", ".join(map(repr, known)) or "none defined"
            raise SpecError(
                f"unknown calendar {value!r}; expected a name under [calendars] ({names}) "
                f"or an inline calendar table",
                path=path,
            )
        return known[value], value
    calendar_cls = _calendar_class()
    if isinstance(value, calendar_cls):
        return value, None
    spec = expect_mapping(value, path=path, what="a calendar name or an inline calendar table")
    try:
        return calendar_cls.from_dict(spec, path=path), None
    except SpecError as exc:
        # The calendar may or may not have prefixed the path itself.
        raise (exc if exc.path.startswith(path) else exc.at(path)) from None


_PARSED_KEYS = frozenset({"id", "calendar", *_DURATION_FIELDS, "price", "overage_rate", "at_risk"})


def _is_text_form(key: str, value: object) -> bool:
    """Is ``value`` the file's spelling of a typed field (duration text, a price table...)?"""
    if key in _DURATION_FIELDS:
        return isinstance(value, str)
    if key in ("price", "overage_rate"):
        return isinstance(value, Mapping)
    if key == "at_risk":
        return isinstance(value, (str, float, Decimal))
    return False


def _parse_text_fields(data: Mapping[str, Any], *, path: str) -> dict[str, Any]:
    """The typed values of a tier table's text fields; the constructor then checks them all."""
    out: dict[str, Any] = {}
    for key in _DURATION_FIELDS:
        if key not in data:
            continue
        raw = data[key]
        if key == "budget" and isinstance(raw, str) and raw.strip().lower() == _UNLIMITED:
            out[key] = None
        else:
            out[key] = parse_duration(raw, path=join_path(path, key))
    for key in ("price", "overage_rate"):
        if key in data:
            out[key] = Price.from_dict(data[key], path=join_path(path, key))
    if "at_risk" in data:
        out["at_risk"] = fraction_value(data["at_risk"], path=join_path(path, "at_risk"))
    return out
