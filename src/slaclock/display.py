"""Text for people: the command line's tables and instants as people read them.

>>> from datetime import datetime
>>> from zoneinfo import ZoneInfo
>>> format_instant(datetime(2026, 11, 27, 17, 30, tzinfo=ZoneInfo("Europe/Moscow")))
'Fri 2026-11-27 17:30 MSK'

The plain-words account of one evaluation is its ``explain()`` method.  In a
notebook every value and result shows itself as a table (its ``_repr_html_``);
:func:`calendar_html` is the calendar's view for a window of dates you choose.
"""

from __future__ import annotations

from slaclock._display.notebook import calendar_html
from slaclock._display.table import format_table, write_rows
from slaclock._display.text import format_instant

__all__ = ["calendar_html", "format_instant", "format_table", "write_rows"]
