"""Instructions a Python child runs, counted by valgrind: stable on a busy machine.

``valgrind --tool=cachegrind --cache-sim=no`` counts every instruction without
the cache model (a few times slower than running, not fifty).  The child's hash
seed is fixed, and numpy's OpenBLAS starts no thread pool, whose spinning would
make the count differ from run to run by some 20 million.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys

# Objects the child allocates before anything else in memory layout k: 700 k of them,
# about 11 KB each step (see :func:`instructions`).
LAYOUT_STEP = 700


def instructions(child: str, *args: str, layout: int = 0) -> int:
    """Instructions valgrind counts for ``python -c child args...``.

    The count is the same on every run of the same program, but not for every
    placement of its objects in memory: CPython's attribute caches are indexed
    by object addresses, so moving the heap by a few kilobytes (any change of
    code does) moves a short call's count by up to a tenth.  ``layout`` k > 0
    allocates ``LAYOUT_STEP * k`` objects before the child starts, a different
    placement for each k: take the median over a few to judge a change.
    """
    if layout:
        child = f"_layout = [object() for _ in range({LAYOUT_STEP * layout})]\n{child}"
    done = subprocess.run(
        [
            "valgrind",
            "--tool=cachegrind",
            "--cache-sim=no",
            "--cachegrind-out-file=/dev/null",
            sys.executable,
            "-c",
            child,
            *args,
        ],
        capture_output=True,
        text=True,
        check=True,
        env={
            **os.environ,
            "PYTHONHASHSEED": "0",
            "OPENBLAS_NUM_THREADS": "1",
            "OMP_NUM_THREADS": "1",
        },
    )
    found = re.search(r"I\s+refs:\s+([\d,]+)", done.stderr)
    if found is None:
        raise RuntimeError(f"no instruction count in valgrind's output:\n{done.stderr}")
    return int(found.group(1).replace(",", ""))
