"""What one compiled calendar-year (a timeline block) costs in memory.

    python benchmarks/timeline_memory.py

Measures the Moscow calendar's 2025 block two ways: ``sys.getsizeof`` over the
block's lists and the integers in them, and ``tracemalloc`` around compiling
the block (which also counts the country-data snapshot on first use, so a
second year is measured as well). Also shows a 24/7 calendar for contrast.
"""

from __future__ import annotations

import sys
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _workload import SPEC

import slaclock

LISTS = (
    "opens",
    "opens_after",
    "closes",
    "cum",
    "cum_after",
    "day_ends",
    "work_shift",
    "work_cap",
    "due_shift",
)


def deep_size(block: object) -> tuple[int, int]:
    """Bytes held by the block's lists (list objects plus their int objects), and intervals."""
    total = sys.getsizeof(block)
    seen: set[int] = set()
    for name in LISTS:
        values = getattr(block, name)
        total += sys.getsizeof(values)
        for value in values:
            if id(value) not in seen:  # small ints are shared
                seen.add(id(value))
                total += sys.getsizeof(value)
    return total, len(block.opens)  # type: ignore[attr-defined]


def traced_compile(cal: slaclock.Calendar, year: int) -> int:
    tracemalloc.start()
    before = tracemalloc.take_snapshot()
    cal.timeline.block(year)
    after = tracemalloc.take_snapshot()
    tracemalloc.stop()
    return sum(stat.size_diff for stat in after.compare_to(before, "filename"))


def main() -> int:
    for label, cal in (
        ("Moscow Mon-Fri 10-18, RU", slaclock.Calendar.from_dict(SPEC)),
        ("24/7 UTC", slaclock.Calendar.always_open("UTC")),
    ):
        first = traced_compile(cal, 2025)
        second = traced_compile(cal, 2026)
        size, intervals = deep_size(cal.timeline.block(2025))
        print(
            f"{label}: {intervals} intervals in 2025; getsizeof over the block's lists "
            f"{size / 1024:.1f} KiB; tracemalloc compiling 2025 {first / 1024:.1f} KiB "
            f"(first block, with country data), 2026 {second / 1024:.1f} KiB"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
