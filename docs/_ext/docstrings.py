"""A griffe extension that lets slaclock's docstrings render as Markdown on the docs site.

The docstrings are written for ``help()`` and doctest: ``>>>`` examples, literal
blocks after ``::`` and a few Sphinx roles (``:class:`Summary```).  Markdown would
run an example's lines together into one paragraph and read ``[...]`` in an output
as a link, so this extension fences each example as a ``pycon`` block, fences
literal blocks as ``python``, and turns a role into its name in code, linked to
the reference entry when there is one (names in the documented modules'
``__all__``; private modules have no entry).  The
docstrings themselves stay as they are: this changes only what the site shows.

>>> fence(">>> 1 + 1\\n2\\n\\nDone.").split("\\n")
['```pycon', '>>> 1 + 1', '2', '```', '', 'Done.']
>>> fence("Use it::\\n\\n    f(x)\\n\\nThen.").split("\\n")
['Use it:', '', '```python', 'f(x)', '```', '', 'Then.']
>>> roles("a :class:`~slaclock.Tier`, :func:`evaluate` and :func:`measure`")
'a [`Tier`][slaclock.Tier], [`evaluate`][slaclock.evaluate] and `measure`'
>>> roles(":meth:`from_dict` and :class:`~slaclock._sla.lifecycle.Program`", owner="Tier")
'[`from_dict`][slaclock.Tier.from_dict] and `Program`'
"""

from __future__ import annotations

import ast
import functools
import re
from pathlib import Path
from typing import Any

import griffe

_ROLE = re.compile(r":(?:py:)?(class|func|meth|mod|attr|exc|data|obj|const):`(~?)([^`]+)`")
_SRC = Path(__file__).resolve().parents[2] / "src"
# The modules the reference documents, each page showing its __all__.
PUBLIC_MODULES = (
    "slaclock",
    "slaclock.analysis",
    "slaclock.strategies",
    "slaclock.errors",
    "slaclock.display",
)


def _all_of(module: str) -> list[str]:
    """The names in a module's ``__all__``, read from its source (nothing is imported)."""
    base = _SRC.joinpath(*module.split("."))
    path = base / "__init__.py" if base.is_dir() else base.with_suffix(".py")
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        targets = node.targets if isinstance(node, ast.Assign) else []
        if any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets):
            value = ast.literal_eval(node.value)  # type: ignore[attr-defined]
            return [str(name) for name in value]
    return []


@functools.cache
def public_paths() -> tuple[str, ...]:
    """Every documented path: ``module.name`` for each name of each module's ``__all__``."""
    return tuple(f"{module}.{name}" for module in PUBLIC_MODULES for name in _all_of(module))


@functools.cache
def public_names() -> dict[str, str]:
    """Each public name and its documented path (the first module's, if several have it)."""
    names: dict[str, str] = {}
    for path in public_paths():
        names.setdefault(path.rsplit(".", 1)[1], path)
    return names


def _target(kind: str, target: str, owner: str | None) -> str | None:
    """The documented path a role points at, or ``None`` when the reference has no entry."""
    parts = target.split(".")
    if any(part.startswith("_") for part in parts):
        return None
    names = public_names()
    if kind == "meth" and len(parts) == 1:
        return f"{names[owner]}.{target}" if owner in names else None
    if target in PUBLIC_MODULES:
        return target
    if parts[0] == "slaclock" and len(parts) > 1:
        for cut in (2, 3):
            head = ".".join(parts[:cut])
            if head in public_paths():
                return target
        return None
    if parts[0] in names:
        return ".".join([names[parts[0]], *parts[1:]])
    return None


def roles(text: str, owner: str | None = None) -> str:
    """Each Sphinx role as its target's name in code, linked where the reference has it.

    ``~`` keeps the last component; ``owner`` is the class a bare ``:meth:`` belongs to.
    """

    def name(match: re.Match[str]) -> str:
        kind, tilde, target = match.groups()
        shown = f"`{target.rsplit('.', 1)[-1] if tilde else target}`"
        path = _target(kind, target, owner)
        return shown if path is None else f"[{shown}][{path}]"

    return _ROLE.sub(name, text)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def fence(text: str) -> str:
    """Doctest blocks fenced as ``pycon``, ``::`` literal blocks as ``python``."""
    lines = text.split("\n")
    out: list[str] = []
    i = 0
    in_fence = False
    while i < len(lines):
        line = lines[i]
        stripped = line.strip()
        if stripped.startswith("```"):
            in_fence = not in_fence
            out.append(line)
            i += 1
        elif in_fence:
            out.append(line)
            i += 1
        elif stripped.startswith(">>>"):
            pad = " " * _indent(line)
            out.append(pad + "```pycon")
            while i < len(lines) and lines[i].strip():
                out.append(pad + lines[i][len(pad) :])
                i += 1
            out.append(pad + "```")
        elif stripped.endswith("::") and i + 1 < len(lines) and not lines[i + 1].strip():
            base = _indent(line)
            head = line.rstrip()[:-1]
            if head.strip() != ":":
                out.append(head)
            block_start = i + 2
            j = block_start
            while j < len(lines) and (not lines[j].strip() or _indent(lines[j]) > base):
                j += 1
            while j > block_start and not lines[j - 1].strip():
                j -= 1
            block = lines[block_start:j]
            if not block:
                i += 1
                continue
            cut = min(_indent(x) for x in block if x.strip())
            pad = " " * base
            out.extend(["", pad + "```python"])
            out.extend(pad + x[cut:] if x.strip() else "" for x in block)
            out.append(pad + "```")
            i = j
        else:
            out.append(line)
            i += 1
    return "\n".join(out)


class MarkdownDocstrings(griffe.Extension):
    """Rewrite every loaded object's docstring for Markdown, as ``fence`` and ``roles`` do."""

    def on_instance(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        if obj.docstring is None:
            return
        owner = obj if obj.is_class else obj.parent if obj.parent and obj.parent.is_class else None
        text = roles(obj.docstring.value, None if owner is None else owner.name)
        obj.docstring.value = fence(text)
