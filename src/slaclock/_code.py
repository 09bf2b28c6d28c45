"""Reprs that are code: ``Calendar.from_dict({...})`` and the like, built from ``to_dict()``.

A value's ``repr`` is the call that builds it again, so a failing example that
Hypothesis prints can be pasted into a test as it is, and a field added to
``to_dict()`` shows up in the repr without a second place to update.
``_repr_pretty_`` prints the same code wrapped to the terminal's width (Hypothesis'
falsifying examples and IPython use it); ``str()`` stays a short summary.
"""

from __future__ import annotations

from typing import Any, Protocol

__all__ = ["call_code", "pretty_call"]


class Printer(Protocol):
    """The part of Hypothesis' and IPython's pretty printers that a call needs."""

    def text(self, obj: str) -> None: ...

    def breakable(self, sep: str = " ") -> None: ...

    def pretty(self, obj: object) -> None: ...

    def group(self, indent: int = 0, open: str = "", close: str = "") -> Any: ...


def call_code(call: str, first: object, **options: object) -> str:
    """``call(first, key=value, ...)`` on one line, each value by its own ``repr``.

    >>> call_code("Price.from_dict", {"amount": 5, "currency": "EUR"})
    "Price.from_dict({'amount': 5, 'currency': 'EUR'})"
    """
    parts = [repr(first), *(f"{key}={value!r}" for key, value in options.items())]
    return f"{call}({', '.join(parts)})"


def pretty_call(printer: Printer, cycle: bool, call: str, first: object, **options: object) -> None:
    """Print :func:`call_code`'s text through ``printer``, wrapping where it is too wide."""
    if cycle:  # values never hold themselves; a pretty printer still asks
        printer.text(f"{call}(...)")
        return
    with printer.group(len(call) + 1, f"{call}(", ")"):
        printer.pretty(first)
        for key, value in options.items():
            printer.text(",")
            printer.breakable()
            printer.text(f"{key}=")
            printer.pretty(value)
