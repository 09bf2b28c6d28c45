"""The what-if notebook runs from top to bottom and its saved outputs are the ones it gives.

``docs/notebooks/what-if.ipynb`` is executed in a fresh kernel with nbclient (the
``test`` extra installs it and ipykernel), so it never rots: a cell that fails, or
whose text output differs from what the notebook shows, fails this test.  Pictures
are compared by kind only (their bytes depend on the matplotlib version).  To
refresh the saved outputs after a deliberate change, run
``python tests/test_notebook.py`` and read the changed outputs before committing.
"""

from __future__ import annotations

import copy
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import nbformat
from nbclient import NotebookClient

# nbformat has no type hints: its two calls, typed here once.
read: Callable[..., Any] = nbformat.read
write: Callable[..., None] = nbformat.write
NOTEBOOK = Path(__file__).resolve().parent.parent / "docs" / "notebooks" / "what-if.ipynb"


def executed(notebook: Any) -> Any:
    """A copy of ``notebook`` run from the top in a fresh kernel in its folder."""
    fresh = copy.deepcopy(notebook)
    NotebookClient(
        fresh,
        timeout=600,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOK.parent)}},
    ).execute()
    return fresh


def shown(cell: Any) -> list[tuple[str, str]]:
    """What a code cell shows: its text outputs, and the kind of each picture."""
    out = []
    for output in cell.get("outputs", []):
        if output["output_type"] == "stream":
            out.append((output["name"], output["text"]))
        elif output["output_type"] == "error":
            out.append(("error", "\n".join(output["traceback"])))
        else:
            data = output["data"]
            out.append(("text/plain", data.get("text/plain", "")))
            out.extend((kind, "a picture") for kind in sorted(data) if kind.startswith("image/"))
    return out


def test_the_notebook_runs_and_shows_what_is_saved() -> None:
    saved = read(NOTEBOOK, as_version=4)
    fresh = executed(saved)
    code = [
        (old, new)
        for old, new in zip(saved.cells, fresh.cells, strict=True)
        if old.cell_type == "code"
    ]
    assert code, "the notebook has no code"
    for number, (old, new) in enumerate(code, start=1):
        assert not any(kind == "error" for kind, _ in shown(new)), shown(new)
        assert shown(old) == shown(new), f"code cell {number}: saved outputs are stale"


if __name__ == "__main__":
    notebook = read(NOTEBOOK, as_version=4)
    write(executed(notebook), NOTEBOOK)
    print(f"executed and saved {NOTEBOOK}", file=sys.stderr)
