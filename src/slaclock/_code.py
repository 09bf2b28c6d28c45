"""Reprs that are code: ``Calendar.from_dict({...})`` and the like, built from ``to_dict()``.

A value's ``repr`` is the call that builds it again, so a failing example that
Hypothesis prints can be pasted into a test as it is, and a field added to
``to_dict()`` shows up in the repr without a second place to update.
``_repr_pretty_`` prints the same code wrapped to the terminal's width (Hypothesis'
falsifying examples and IPython use it); ``str()`` stays a short summary.

Results (an evaluation, its cycles, a schedule) are not pasted back as code: their
``repr`` is one short line, and every public value and result has a notebook view
(``_repr_html_``).  Both are presentation, written in ``slaclock._display``; the
classes here below it hold one-line hooks, :func:`repr_html` and :func:`short_repr`,
that look up what the display layer registered for them (``slaclock`` imports it,
so the views are there as soon as any part of the package is).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal, Protocol

__all__ = [
    "call_code",
    "pretty_call",
    "pretty_short",
    "register_view",
    "repr_html",
    "short_repr",
]

View = Literal["html", "repr"]
_VIEWS: dict[tuple[View, type], Callable[[Any], str]] = {}


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


def register_view(view: View, cls: type, render: Callable[[Any], str]) -> None:
    """Make ``render`` the ``view`` of ``cls`` and its subclasses (called by ``slaclock._display``)."""
    _VIEWS[view, cls] = render


def _render(view: View, value: object) -> str | None:
    for cls in type(value).__mro__:
        render = _VIEWS.get((view, cls))
        if render is not None:
            return render(value)
    return None


def repr_html(value: object) -> str | None:
    """The notebook view: a class's ``_repr_html_ = repr_html`` (``None``: plain text instead)."""
    return _render("html", value)


def short_repr(value: object) -> str:
    """A result's one-line ``repr``: a class's ``__repr__ = short_repr``."""
    text = _render("repr", value)
    return object.__repr__(value) if text is None else text


def pretty_short(value: object, printer: Printer, cycle: bool) -> None:
    """``_repr_pretty_ = pretty_short``: IPython and Hypothesis print the same one line."""
    printer.text(short_repr(value))
