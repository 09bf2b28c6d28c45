"""HTML pieces for notebook views: escaped text, bounded tables, a week of working hours.

Every view is one self-contained fragment: inline styles only, no script, no
class names a page's stylesheet could restyle, no external asset.  Colours are
translucent tints over the page's own background and text colour
(``inherit``), so a view reads the same in light and dark notebook themes; a
verdict is always written in words too, never shown by colour alone.

Every piece of text that reaches the page goes through :func:`esc` (ids, names,
reasons and attribute values come from users' files).  Tables show at most
``ROWS`` rows, the first and last halves, and say how many there are, so a
view of a million rows costs as much as a view of twenty.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable, Sequence
from typing import Any

__all__ = [
    "BREACHED",
    "ROWS",
    "WARNING",
    "box",
    "cell_text",
    "esc",
    "facts",
    "grid",
    "heading",
    "muted",
    "table",
]

#: The most rows a view shows: the first and the last half of them.
ROWS = 20

#: Row tints: a missed target, and a clock at risk (with the verdict in words).
BREACHED = "background:rgba(214,39,40,0.22)"
WARNING = "background:rgba(255,160,0,0.22)"

_LINE = "1px solid rgba(128,128,128,0.35)"
_CELL = (
    f"border:{_LINE};padding:2px 8px;text-align:left;vertical-align:top;color:inherit;"
    "white-space:nowrap"
)
_HEAD = f"{_CELL};font-weight:600;background:rgba(128,128,128,0.12)"
_TABLE = "border-collapse:collapse;margin:4px 0;color:inherit;background:transparent"
_BOX = (
    "font-family:system-ui,-apple-system,'Segoe UI',sans-serif;font-size:13px;"
    "line-height:1.45;color:inherit;max-width:100%;overflow-x:auto"
)
_WORKING = "rgba(44,160,44,0.55)"


def esc(value: object) -> str:
    """``value`` as page text: ``<``, ``>``, ``&`` and both quotes escaped."""
    return html.escape(str(value), quote=True)


def box(*parts: str) -> str:
    """The outer element of a view."""
    return f'<div style="{_BOX}">' + "".join(parts) + "</div>"


def heading(text: str, *, note: str = "") -> str:
    """A view's title line (``text`` and ``note`` are escaped here)."""
    tail = f" {muted(note)}" if note else ""
    return f'<div style="font-weight:600;margin:2px 0">{esc(text)}{tail}</div>'


def muted(text: str) -> str:
    return f'<span style="opacity:0.7">{esc(text)}</span>'


def _cells(values: Iterable[object], style: str, tag: str = "td") -> str:
    return "".join(f'<{tag} style="{style}">{esc(v)}</{tag}>' for v in values)


def facts(pairs: Iterable[tuple[str, object]]) -> str:
    """A two-column table of names and values, the ``None`` values left out."""
    rows = "".join(
        f"<tr>{_cells([name], _HEAD, 'th')}{_cells([value], _CELL)}</tr>"
        for name, value in pairs
        if value is not None
    )
    return f'<table style="{_TABLE}">{rows}</table>'


def table(
    headers: Sequence[str],
    count: int,
    row: Callable[[int], Sequence[object]],
    *,
    tint: Callable[[int], str] | None = None,
    noun: str = "rows",
    limit: int = ROWS,
) -> str:
    """``count`` rows of ``headers`` columns; only the rows shown are built (``row(i)``).

    Past ``limit`` rows (:data:`ROWS` unless given) the middle is left out, with
    a line saying how many, and the caption gives the full count.
    """
    if count <= limit:
        shown: list[int | None] = list(range(count))
    else:
        half = limit // 2
        shown = [*range(half), None, *range(count - half, count)]
    body = []
    for index in shown:
        if index is None:
            left = count - 2 * half
            body.append(
                f'<tr><td colspan="{len(headers)}" style="{_CELL};text-align:center;opacity:0.7">'
                f"… {left:,} more {esc(noun)} …</td></tr>"
            )
            continue
        style = tint(index) if tint is not None else ""
        attribute = f' style="{style}"' if style else ""
        body.append(f"<tr{attribute}>{_cells(row(index), _CELL)}</tr>")
    caption = f'<div style="opacity:0.7">{count:,} {esc(noun)}</div>' if count > limit else ""
    head = f"<tr>{_cells(headers, _HEAD, 'th')}</tr>"
    return f'<table style="{_TABLE}">{head}{"".join(body)}</table>{caption}'


_DAY_US = 24 * 3600 * 1_000_000


def grid(days: Sequence[tuple[str, Sequence[tuple[int, int]], str]]) -> str:
    """A week of working hours: a 24-hour bar per day, its working spans shaded.

    ``days`` is ``(label, spans, text)`` per row: spans as microseconds since the
    day's midnight (an end past 24:00 runs into the next day, so its tail is
    shaded on the next row), and ``text`` the hours in words beside the bar.
    """
    tails: list[list[tuple[int, int]]] = [[] for _ in days]
    for index, (_, spans, _) in enumerate(days):
        for _, end in spans:
            if end > _DAY_US:
                tails[(index + 1) % len(days)].append((0, end - _DAY_US))
    rows = []
    for index, (label, spans, text) in enumerate(days):
        pieces = [(s, min(e, _DAY_US)) for s, e in spans] + tails[index]
        bars = "".join(
            f'<div style="position:absolute;top:0;bottom:0;left:{100 * s / _DAY_US:.3f}%;'
            f'width:{100 * (e - s) / _DAY_US:.3f}%;background:{_WORKING}"></div>'
            for s, e in pieces
        )
        ticks = "".join(
            f'<div style="position:absolute;top:0;bottom:0;left:{100 * h / 24:.3f}%;'
            f'border-left:{_LINE}"></div>'
            for h in (6, 12, 18)
        )
        bar = (
            f'<div style="position:relative;width:288px;height:14px;border:{_LINE};'
            f'background:rgba(128,128,128,0.08)">{bars}{ticks}</div>'
        )
        rows.append(
            f'<tr><th style="{_HEAD}">{esc(label)}</th><td style="{_CELL}">{bar}</td>'
            f'<td style="{_CELL}">{esc(text)}</td></tr>'
        )
    scale = "".join(
        f'<span style="position:absolute;left:{100 * h / 24:.3f}%;transform:translateX(-50%)">'
        f"{h:02d}</span>"
        for h in (0, 6, 12, 18, 24)
    )
    header = (
        f'<tr><th style="{_HEAD}"></th><td style="{_CELL}"><div style="position:relative;'
        f'width:288px;height:14px;font-size:10px;opacity:0.7">{scale}</div></td>'
        f'<th style="{_HEAD}">hours</th></tr>'
    )
    return f'<table style="{_TABLE}">{header}{"".join(rows)}</table>'


def cell_text(value: Any) -> str:
    """A table cell's words for a plain value: ``None`` as an empty cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)
