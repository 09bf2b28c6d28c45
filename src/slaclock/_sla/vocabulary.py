"""The incident types and channels a catalog speaks of, and the one wording of their refusals.

The origin's three types and three channels are the default; a catalog may
declare its own (``types = [...]``, ``channels = [...]``).  Tiers scope
themselves within the vocabulary and incidents are read against it; an
incident type the vocabulary knows but a tier does not cover is "not covered"
by that tier, while a value outside the vocabulary is refused as bad input.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from slaclock.errors import SlaclockTypeError, SlaclockValueError, quote

__all__ = ["CHANNELS", "DEFAULT_VOCABULARY", "INCIDENT_TYPES", "Vocabulary", "names_refusal"]

INCIDENT_TYPES = ("failure", "module_failure", "consultation")
CHANNELS = ("portal", "remote", "phone")


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """The incident ``types`` and ``channels`` of a catalog, in the order declared.

    >>> vocabulary = Vocabulary(types=("incident", "request"), channels=("email", "phone"))
    >>> vocabulary.type_refusal("incident") is None
    True
    >>> vocabulary.type_refusal("failure")
    "unknown incident type 'failure'; expected one of 'incident', 'request'"
    """

    types: tuple[str, ...] = INCIDENT_TYPES
    channels: tuple[str, ...] = CHANNELS
    # For membership tests on every record: derived, so outside equality and repr.
    type_set: frozenset[str] = field(init=False, repr=False, compare=False)
    channel_set: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for what in ("types", "channels"):
            values = getattr(self, what)
            if isinstance(values, str) or not isinstance(values, Iterable):
                raise SlaclockTypeError(f"{what} must be a list of names, got {quote(values)}")
            values = tuple(values)
            object.__setattr__(self, what, values)
            refusal = names_refusal(what, values)
            if refusal is not None:
                raise SlaclockValueError(refusal[1])
        object.__setattr__(self, "type_set", frozenset(self.types))
        object.__setattr__(self, "channel_set", frozenset(self.channels))

    def type_refusal(self, value: object) -> str | None:
        """Why ``value`` is no incident type of this vocabulary, or ``None`` when it is one."""
        if type(value) is str and value in self.type_set:
            return None
        return f"unknown incident type {quote(value)}; expected one of {_choices(self.types)}"

    def channel_refusal(self, value: object) -> str | None:
        """Why ``value`` is no channel of this vocabulary, or ``None`` when it is one."""
        if type(value) is str and value in self.channel_set:
            return None
        return f"unknown channel {quote(value)}; expected one of {_choices(self.channels)}"


def names_refusal(what: str, values: tuple[object, ...]) -> tuple[str, str] | None:
    """``(key path, reason)`` of the first bad name in a declared list, or ``None``."""
    if not values:
        return what, f"{what} must list at least one name, got []"
    for i, value in enumerate(values):
        if not isinstance(value, str) or not value.strip() or value != value.strip():
            return (
                f"{what}[{i}]",
                f"{what}[{i}] must be a name (non-empty text without surrounding blanks), "
                f"got {quote(value)}",
            )
        if value in values[:i]:
            return f"{what}[{i}]", f"{quote(value)} is listed twice in {what}"
    return None


def _choices(values: Iterable[str]) -> str:
    return ", ".join(repr(v) for v in values)


DEFAULT_VOCABULARY = Vocabulary()
