"""No page, docstring, comment or data file cites a document a reader of the repository cannot open.

The project's planning notes and its tracker live outside the repository, so a
user who meets "see DESIGN §5", a ``shared/`` path or "goal (issue 4)" has nothing
to follow.  Say the rule itself, or link a page in ``docs/``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# What a citation of an outside document looks like, and why each is refused.
DENIED = {
    "DESIGN": re.compile(r"\bDESIGN\b"),  # a planning document, by name
    "ARCHITECTURE": re.compile(r"\bARCHITECTURE\b"),
    "§": re.compile("§"),  # section numbers of a document outside the repository
    "shared/": re.compile(r"\bshared/"),  # the planning notes' folder
    "seeds": re.compile(r"\bseeds\b", re.IGNORECASE),  # the origin's source files
    "issue N": re.compile(r"\bissues?\s*#?\d+", re.IGNORECASE),  # the tracker
    "the brief": re.compile(r"\bthe brief\b", re.IGNORECASE),
}
SUFFIXES = {".py", ".md", ".toml", ".json", ".jsonl", ".yml", ".yaml", ".txt", ".cfg", ".ics"}


def _files() -> list[Path]:
    found = [ROOT / "README.md", ROOT / "CHANGELOG.md", ROOT / "mkdocs.yml"]
    for folder in ("src", "docs", "benchmarks"):
        found += [
            path
            for path in sorted((ROOT / folder).rglob("*"))
            if path.is_file() and path.suffix in SUFFIXES and "__pycache__" not in path.parts
        ]
    found += sorted((ROOT / "tests").glob("*.md"))
    return found


def test_the_scan_covers_code_docs_and_data() -> None:
    names = {path.relative_to(ROOT).as_posix() for path in _files()}
    assert {"README.md", "src/slaclock/data/default_catalog.toml", "docs/index.md"} <= names
    assert "benchmarks/bench_peers.py" in names and "src/slaclock/__init__.py" in names


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("see DESIGN §5 for the rule", "DESIGN"),
        ("as ARCHITECTURE says", "ARCHITECTURE"),
        ("the facts of shared/seeds/page.html", "shared/"),
        ("Goal (issue 4): at most 3x", "issue N"),
        ("fixed in Issue #12", "issue N"),
        ("where the brief is silent", "the brief"),
    ],
)
def test_each_kind_of_citation_is_caught(text: str, kind: str) -> None:
    assert DENIED[kind].search(text)


def test_ordinary_words_pass() -> None:
    text = "docs/design.md; a fixed seed; seed=7; the design of the layers; 4 issues"
    assert not [kind for kind, pattern in DENIED.items() if pattern.search(text)]


def test_no_file_cites_a_document_outside_the_repository() -> None:
    found = []
    for path in _files():
        text = path.read_text(encoding="utf-8")
        for number, line in enumerate(text.splitlines(), 1):
            for kind, pattern in DENIED.items():
                if pattern.search(line):
                    found.append(f"{path.relative_to(ROOT)}:{number}: {kind}: {line.strip()}")
    assert not found, "citations of documents outside the repository:\n" + "\n".join(found)
