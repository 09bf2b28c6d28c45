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


def instructions(child: str, *args: str) -> int:
    """Instructions valgrind counts for ``python -c child args...``."""
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
