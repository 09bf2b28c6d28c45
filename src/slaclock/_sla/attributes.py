"""An incident's own fields (priority, assignee...): a JSON object kept verbatim and frozen.

slaclock never reads these values; it keeps them so that a helpdesk's record
survives a round trip through :class:`~slaclock.Incident` unchanged.  Only JSON
values are accepted (text, integers, finite floats, booleans, null, lists and
objects with text keys), checked once when the incident is built, each refusal
naming its key path (``attributes.tags.2``).
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from typing import Any

from slaclock.errors import IncidentError, quote

__all__ = ["EMPTY", "MAX_DEPTH", "Attributes", "check_text", "freeze"]

#: How deep objects and lists may nest inside ``attributes``: far more than any
#: helpdesk field needs, and few enough that no check or copy can exhaust the stack.
MAX_DEPTH = 64
# An integer JSON text can still write (Python refuses str() of more than 4300 digits).
_MAX_INT_BITS = 14_000
_FORM = "a JSON value (text, a number, true, false, null, a list or an object with text keys)"


class Attributes(Mapping[str, Any]):
    """A read-only, hashable JSON object: nested objects are ``Attributes``, lists tuples.

    Equal when the JSON values are equal (key order aside); ``true`` is not ``1``.
    :meth:`to_dict` gives the plain JSON shape back, in the order given.

    >>> attrs = Attributes({"priority": "P2", "tags": ["vip", 3]})
    >>> attrs["tags"], attrs.to_dict()
    (('vip', 3), {'priority': 'P2', 'tags': ['vip', 3]})
    """

    __slots__ = ("_data", "_hash")

    _data: dict[str, Any]
    _hash: int | None

    def __init__(self, data: Mapping[str, Any] | None = None) -> None:
        frozen = freeze({} if data is None else data)
        self._data = frozen._data
        self._hash = None

    @classmethod
    def _of(cls, data: dict[str, Any]) -> Attributes:
        """An instance around values already checked and frozen."""
        made = object.__new__(cls)
        made._data = data
        made._hash = None
        return made

    def __getitem__(self, key: str) -> Any:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Attributes):
            return _tagged(self) == _tagged(other)
        if isinstance(other, Mapping):
            try:
                return _tagged(self) == _tagged(freeze(other))
            except IncidentError:
                return False
        return NotImplemented

    def __hash__(self) -> int:
        if self._hash is None:
            self._hash = hash(_tagged(self))
        return self._hash

    def __repr__(self) -> str:
        return f"Attributes({self.to_dict()!r})"

    def __reduce__(self) -> tuple[object, ...]:
        return (freeze, (self.to_dict(),))

    def to_dict(self) -> dict[str, Any]:
        """The plain JSON object: dicts and lists, in the order given."""
        thawed: dict[str, Any] = {key: _thaw(value) for key, value in self._data.items()}
        return thawed


EMPTY = Attributes._of({})


def freeze(value: object, *, path: str = "attributes") -> Attributes:
    """``value`` (a mapping of JSON values) checked and frozen; refusals name the key path."""
    if isinstance(value, Attributes):
        return value
    if not isinstance(value, Mapping):
        raise IncidentError(
            f"attributes must be a JSON object (a mapping with text keys), got {quote(value)}",
            path=path,
        )
    frozen = _freeze(value, path, 1)
    assert isinstance(frozen, Attributes)
    return frozen


def _freeze(value: object, path: str, depth: int) -> object:
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        check_text(value, path, "text")
        return value
    if isinstance(value, int):
        if value.bit_length() > _MAX_INT_BITS:
            raise IncidentError(
                f"an integer of {value.bit_length()} bits has too many digits for JSON text "
                "(at most 4,200); store it as text",
                path=path,
            )
        return int(value)  # an int subclass (an IntEnum) is kept as the number it is
    if isinstance(value, float):
        if not math.isfinite(value):
            raise IncidentError(
                f"{quote(value)} is not a JSON number (NaN and infinities are not); expected a finite number",
                path=path,
            )
        return float(value)
    if isinstance(value, Mapping | list | tuple):
        if depth > MAX_DEPTH:
            raise IncidentError(
                f"attributes nest deeper than {MAX_DEPTH} levels; flatten them", path=_cut(path)
            )
        if isinstance(value, Mapping):
            data: dict[str, Any] = {}
            for key, item in value.items():
                if not isinstance(key, str):
                    raise IncidentError(
                        f"key {quote(key)} is not text; JSON object keys are text", path=path
                    )
                check_text(key, path, "key")
                data[key] = _freeze(item, f"{path}.{key}", depth + 1)
            return Attributes._of(data)
        return tuple(_freeze(item, f"{path}.{i}", depth + 1) for i, item in enumerate(value))
    raise IncidentError(f"{quote(value)} is not {_FORM}", path=path)


def check_text(text: str, path: str, what: str) -> None:
    """Refuse text with a lone surrogate (from a ``\\ud800`` escape): no file can hold it."""
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            raise IncidentError(
                f"{what} {quote(text)} holds a lone surrogate (\\ud800-\\udfff), "
                "which is no Unicode text",
                path=path,
            ) from None


def _cut(path: str) -> str:
    return path if len(path) <= 200 else path[:197] + "..."


def _tagged(value: object) -> object:
    """A hashable form where equal JSON values are equal and ``true`` differs from ``1``."""
    if isinstance(value, Attributes):
        return ("{}", frozenset((key, _tagged(item)) for key, item in value._data.items()))
    if isinstance(value, tuple):
        return ("[]", tuple(_tagged(item) for item in value))
    if isinstance(value, bool):
        return ("bool", value)
    return value


def _thaw(value: object) -> object:
    if isinstance(value, Attributes):
        return value.to_dict()
    if isinstance(value, tuple):
        return [_thaw(item) for item in value]
    return value
