"""Text for people: the command line's tables and instants as people read them.

>>> from datetime import datetime
>>> from zoneinfo import ZoneInfo
>>> format_instant(datetime(2026, 11, 27, 17, 30, tzinfo=ZoneInfo("Europe/Moscow")))
'Fri 2026-11-27 17:30 MSK'

The plain-words account of one evaluation is its ``explain()`` method.
"""

from __future__ import annotations

from slaclock._display.table import format_table, write_rows
from slaclock._display.text import format_instant

__all__ = ["format_instant", "format_table", "write_rows"]
