"""The documentation site builds with warnings as errors and holds every page and public name.

``mkdocs build --strict`` fails on a broken link or anchor between pages, a page left
out of the navigation, a navigation entry without a page, and a docstring the
reference cannot render or cross-reference.  The site is built once, into a temporary
directory (never the repository), by the ``mkdocs`` of the docs extra, which the
test extra includes: without it this test fails rather than skips.
"""

from __future__ import annotations

import importlib
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml  # type: ignore[import-untyped]  # PyYAML comes with mkdocs, without stubs

ROOT = Path(__file__).resolve().parents[1]

# Each reference page and the module whose ``__all__`` it must document in full.
REFERENCE = {
    "reference/slaclock.md": "slaclock",
    "reference/analysis.md": "slaclock.analysis",
    "reference/analysis-dask.md": "slaclock.analysis.dask",
    "reference/strategies.md": "slaclock.strategies",
    "reference/errors.md": "slaclock.errors",
    "reference/display.md": "slaclock.display",
    "reference/plot.md": "slaclock.plot",
}


# The name cell of a row of an Attributes table, as mkdocstrings renders it.
_ROW = re.compile(r"<td><code>(?:<span[^>]*>)?(\w+)(?:</span>)?</code></td>")


def _config() -> dict[str, Any]:
    # mkdocs.yml holds no custom YAML tags, so the safe loader reads it whole.
    config: dict[str, Any] = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    return config


def _nav_pages(nav: Any) -> Iterator[str]:
    if isinstance(nav, str):
        yield nav
    elif isinstance(nav, list):
        for item in nav:
            yield from _nav_pages(item)
    elif isinstance(nav, dict):
        for value in nav.values():
            yield from _nav_pages(value)


def _built(site: Path, page: str) -> Path:
    """Where mkdocs writes ``page`` (directory URLs: ``a/b.md`` -> ``a/b/index.html``)."""
    if page == "index.md":
        return site / "index.html"
    return site / page.removesuffix(".md") / "index.html"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, f"mkdocs build --strict failed:\n{done.stdout}\n{done.stderr}"
    assert not re.search(r"^WARNING", done.stderr, re.MULTILINE), done.stderr
    return out


def test_site_is_built_outside_the_repository(site: Path) -> None:
    assert ROOT not in site.parents
    assert not (ROOT / "site").exists()


def test_every_nav_page_is_built(site: Path) -> None:
    pages = list(_nav_pages(_config()["nav"]))
    for page in ("index.md", "tutorial.md", "comparison.md", "changelog.md", *REFERENCE):
        assert page in pages, f"{page} is not in the navigation of mkdocs.yml"
    for page in pages:
        assert (ROOT / "docs" / page).is_file(), f"nav names {page}, which docs/ lacks"
        built = _built(site, page)
        assert built.is_file(), f"{page} was not built to {built}"
        assert "<h1" in built.read_text(encoding="utf-8"), f"{page} has no title"


def test_every_page_in_docs_is_in_the_navigation() -> None:
    pages = set(_nav_pages(_config()["nav"]))
    for path in (ROOT / "docs").rglob("*.md"):
        page = path.relative_to(ROOT / "docs").as_posix()
        assert page in pages, f"docs/{page} is not reachable from the site's navigation"


@pytest.mark.parametrize(("page", "module_name"), sorted(REFERENCE.items()))
def test_reference_documents_every_public_name(site: Path, page: str, module_name: str) -> None:
    module = importlib.import_module(module_name)
    html = _built(site, page).read_text(encoding="utf-8")
    anchors = set(re.findall(r'id="([^"]+)"', html))
    missing = [name for name in module.__all__ if f"{module_name}.{name}" not in anchors]
    assert not missing, f"{page} documents no entry for {missing}"


def test_result_fields_are_described(site: Path) -> None:
    """Every field of a result value has a line in its class's Attributes table."""
    from dataclasses import fields

    import slaclock
    from slaclock import analysis

    html = _built(site, "reference/slaclock.md").read_text(encoding="utf-8")
    for cls in (
        slaclock.Evaluation,
        slaclock.Cycle,
        slaclock.ResolutionClock,
        slaclock.Breach,
        slaclock.Schedule,
        slaclock.BudgetUsage,
        slaclock.Cost,
        slaclock.CostLine,
        slaclock.Event,
        slaclock.Incident,
        slaclock.Tier,
        slaclock.Price,
        slaclock.Catalog,
    ):
        start = html.index(f'id="slaclock.{cls.__name__}"')
        section = html[start : html.find('class="doc doc-heading"', start + 40)]
        described = set(re.findall(_ROW, section))
        names = cls._fields if hasattr(cls, "_fields") else [f.name for f in fields(cls)]
        public = {name for name in names if not name.startswith("_")}
        assert public <= described, f"{cls.__name__}: no description for {public - described}"
    html = _built(site, "reference/analysis.md").read_text(encoding="utf-8")
    start = html.index('id="slaclock.analysis.Summary"')
    described = set(re.findall(_ROW, html[start:]))
    assert set(analysis.Summary._fields) <= described


def test_docstring_examples_render_as_code(site: Path) -> None:
    """An example in a docstring is a highlighted block, not a paragraph of run-on lines."""
    html = _built(site, "reference/slaclock.md").read_text(encoding="utf-8")
    start = html.index('id="slaclock.evaluate"')
    section = html[start : html.find('class="doc doc-heading"', start + 40)]
    assert "highlight" in section and "&gt;&gt;&gt;" in section
    assert "<p>&gt;&gt;&gt;" not in html


def test_docstring_roles_become_links_or_code(site: Path) -> None:
    """``:meth:`from_dict``` in Tier's docstring links to Tier.from_dict; no role is left raw."""
    html = _built(site, "reference/slaclock.md").read_text(encoding="utf-8")
    start = html.index('id="slaclock.Tier"')
    section = html[start : html.find('class="doc doc-heading"', start + 40)]
    assert 'href="#slaclock.Tier.from_dict"><code>from_dict</code></a>' in section
    for page in REFERENCE:
        text = _built(site, page).read_text(encoding="utf-8")
        assert not re.search(r":(class|func|meth|mod|attr|exc|data):", text), page
