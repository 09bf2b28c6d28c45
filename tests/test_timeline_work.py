"""A block's W (working time since the block's start) and its inverse, against the timeline.

``Block.work_at`` and ``Block.instant_at`` are what the analysis fast path uses
instead of ``elapsed_us``/``deadline_us`` for a clock inside one year: W by one
binary search, and the earliest instant where W reaches a value.  They must be
exactly the timeline's own answers, on every calendar the strategies draw.
"""

from __future__ import annotations

from bisect import bisect_right

from hypothesis import given
from hypothesis import strategies as st

from slaclock import strategies as sst
from slaclock._calendar.instants import to_us


@given(st.data())
def test_work_at_is_elapsed_since_the_block_start(data: st.DataObject) -> None:
    calendar = data.draw(sst.calendars(), label="calendar")
    tl = calendar.timeline
    us = to_us(data.draw(sst.instants(calendar), label="instant"))
    block = tl.block_of(us)
    assert block.work_at(us) == tl.elapsed_us(block.start, us)
    # The first opening after ``us``, or the block's end: what the forward search reads.
    i = bisect_right(block.opens, us)
    assert block.opens_after[i] > us
    assert block.opens_after[i] == (block.opens[i] if i < len(block.opens) else block.end)
    # The last instant of the block counts the whole year.
    assert block.work_at(block.end - 1) == tl.elapsed_us(block.start, block.end - 1)


@given(st.data())
def test_instant_at_is_the_deadline_from_the_block_start(data: st.DataObject) -> None:
    calendar = data.draw(sst.calendars(), label="calendar")
    tl = calendar.timeline
    block = tl.block_of(to_us(data.draw(sst.instants(calendar), label="instant")))
    if block.total == 0:
        return  # a year without working time: the fast path never asks it
    edges = [1, block.total, *block.cum_after, *(c + 1 for c in block.cum[1:])]
    work = data.draw(
        st.one_of(st.sampled_from(edges), st.integers(min_value=1, max_value=block.total)),
        label="work",
    )
    due = block.instant_at(work)
    assert due == tl.deadline_us(block.start, work)
    assert block.work_at(due) == work
