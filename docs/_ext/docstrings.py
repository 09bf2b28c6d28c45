"""A griffe extension that lets slaclock's docstrings render as Markdown on the docs site.

The docstrings are written for ``help()`` and doctest: ``>>>`` examples, literal
blocks after ``::`` and a few Sphinx roles (``:class:`Summary```).  Markdown would
run an example's lines together into one paragraph and read ``[...]`` in an output
as a link, so this extension fences each example as a ``pycon`` block, fences
literal blocks as ``python``, and keeps only the name of a role (as code).  The
docstrings themselves stay as they are: this changes only what the site shows.

>>> fence(">>> 1 + 1\\n2\\n\\nDone.").split("\\n")
['```pycon', '>>> 1 + 1', '2', '```', '', 'Done.']
>>> fence("Use it::\\n\\n    f(x)\\n\\nThen.").split("\\n")
['Use it:', '', '```python', 'f(x)', '```', '', 'Then.']
>>> roles("a :class:`~slaclock.Tier` and :func:`evaluate`")
'a `Tier` and `evaluate`'
"""

from __future__ import annotations

import re
from typing import Any

import griffe

_ROLE = re.compile(r":(?:py:)?(?:class|func|meth|mod|attr|exc|data|obj|const):`(~?)([^`]+)`")


def roles(text: str) -> str:
    """Each Sphinx role as the code of its target (``~`` keeps the last component)."""

    def name(match: re.Match[str]) -> str:
        target = match.group(2)
        return f"`{target.rsplit('.', 1)[-1] if match.group(1) else target}`"

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
        if obj.docstring is not None:
            obj.docstring.value = fence(roles(obj.docstring.value))
