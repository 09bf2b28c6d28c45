"""The import order of slaclock's modules, read from the source with ``ast``.

Values and arithmetic at the bottom, files and words above them, analysis and
the command line on top: a module may import its own layer or lower ones,
never a higher one.  Every import counts, at module level or inside a function
(a deferred import still ties the layers together); the few deliberate
exceptions are listed below, each with its reason.
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import slaclock

SRC = Path(slaclock.__file__).parent
FACADE = "slaclock"

# Lowest first. A name covers the module and, for a package, everything under it.
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("errors and reprs", ("slaclock.errors", "slaclock._code")),
    ("durations", ("slaclock._durations",)),
    ("toml", ("slaclock._toml",)),
    ("timestamps", ("slaclock._timestamps",)),  # may not exist yet
    ("calendar", ("slaclock._calendar",)),
    ("sla", ("slaclock._sla",)),
    (
        "files and words",
        (
            "slaclock._files",
            "slaclock._ics",
            "slaclock.catalog",
            "slaclock._jsonl",
            "slaclock._display",
            "slaclock.display",
        ),
    ),
    ("analysis", ("slaclock.analysis",)),
    (
        "front ends",
        (
            "slaclock.strategies",
            "slaclock._hypothesis",
            "slaclock.plot",
            "slaclock.cli",
            "slaclock.__main__",
        ),
    ),
)
# The facade re-exports the domain layers and the files-and-words layer, and is
# imported only by the front ends (and analysis) that speak to users.
FACADE_RANK = 6.5

# (importer, imported) -> why a lower layer may import a higher one. Each must be
# deferred (inside a function), so importing the lower layer never loads the higher.
UPWARD_ALLOWED: dict[tuple[str, str], str] = {
    ("slaclock._sla.result", "slaclock._display.text"): (
        "explain() builds its words on demand; evaluating never loads presentation"
    ),
    ("slaclock._calendar.calendar", "slaclock._files"): (
        "Calendar.from_toml, from_json and load keep their place; text and files are read above"
    ),
}

# (importer, imported module, name) -> why a module may use another's private name.
PRIVATE_ALLOWED: dict[tuple[str, str, str], str] = {}

# The domain layers hold values and rules: no files, streams or operating system.
DOMAIN = ("slaclock._calendar", "slaclock._sla")
DOMAIN_FORBIDDEN_MODULES = ("json", "pathlib", "io", "os")
FILE_CALLS = ("open", "read_text", "write_text", "read_bytes", "write_bytes")


@dataclass(frozen=True)
class Import:
    importer: str
    module: str  # the module imported (a submodule when ``from package import submodule``)
    names: tuple[str, ...]  # the names taken from it by ``from ... import``
    where: str  # file:line
    deferred: bool  # inside a function body


def module_name(path: Path) -> str:
    parts = path.relative_to(SRC.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@functools.cache
def is_module(name: str) -> bool:
    relative = Path(*name.split("."))
    return (SRC.parent / relative.with_suffix(".py")).is_file() or (
        SRC.parent / relative / "__init__.py"
    ).is_file()


@functools.cache
def sources() -> list[Path]:
    return sorted(SRC.rglob("*.py"))


def _walk(node: ast.AST, deferred: bool) -> Iterator[tuple[ast.AST, bool]]:
    for child in ast.iter_child_nodes(node):
        inner = deferred or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
        yield child, inner
        yield from _walk(child, inner)


def imports(path: Path) -> Iterator[Import]:
    importer = module_name(path)
    package = importer if path.name == "__init__.py" else importer.rpartition(".")[0]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node, deferred in _walk(tree, False):
        where = f"{path.relative_to(SRC.parent.parent)}:{getattr(node, 'lineno', '?')}"
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Import(importer, alias.name, (), where, deferred)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                module = f"{base}.{node.module}" if node.module else base
            else:
                module = node.module or ""
            plain = []
            for alias in node.names:
                if is_module(f"{module}.{alias.name}"):
                    yield Import(importer, f"{module}.{alias.name}", (), where, deferred)
                else:
                    plain.append(alias.name)
            if plain:
                yield Import(importer, module, tuple(plain), where, deferred)


@functools.cache
def all_imports() -> list[Import]:
    return [imp for path in sources() for imp in imports(path)]


def rank(module: str) -> float | None:
    if module == FACADE:
        return FACADE_RANK
    for index, (_, names) in enumerate(LAYERS):
        if any(module == name or module.startswith(name + ".") for name in names):
            return index
    return None


def layer_name(value: float) -> str:
    return "the slaclock facade" if value == FACADE_RANK else f"layer {LAYERS[int(value)][0]!r}"


def test_every_module_has_a_layer() -> None:
    unplaced = [module_name(p) for p in sources() if rank(module_name(p)) is None]
    assert not unplaced, f"modules in no layer (add them to LAYERS): {unplaced}"


def test_no_module_imports_a_higher_layer() -> None:
    broken = []
    for imp in all_imports():
        if not imp.module.startswith("slaclock"):
            continue
        low, high = rank(imp.importer), rank(imp.module)
        if low is None or high is None or high <= low:
            continue
        if imp.importer == FACADE and high <= FACADE_RANK:
            continue
        reason = UPWARD_ALLOWED.get((imp.importer, imp.module))
        if reason is not None and imp.deferred:
            continue
        why = " (allowed only inside a function)" if reason is not None else ""
        broken.append(
            f"{imp.where}: {imp.importer} ({layer_name(low)}) imports {imp.module} "
            f"({layer_name(high)}){why}"
        )
    assert not broken, "imports of a higher layer:\n" + "\n".join(broken)


def test_the_facade_never_imports_analysis_or_the_front_ends() -> None:
    top = [imp for imp in all_imports() if imp.importer == FACADE]
    assert top, "the facade imports nothing?"
    broken = [
        f"{imp.where}: slaclock/__init__.py imports {imp.module}"
        for imp in top
        if (rank(imp.module) or 0) > FACADE_RANK
    ]
    assert not broken, "\n".join(broken)


def test_no_module_imports_another_modules_private_names() -> None:
    broken = [
        f"{imp.where}: {imp.importer} imports {name} from {imp.module}"
        for imp in all_imports()
        if imp.module.startswith("slaclock") and imp.module != imp.importer
        for name in imp.names
        if name.startswith("_") and (imp.importer, imp.module, name) not in PRIVATE_ALLOWED
    ]
    assert not broken, "private names imported across modules:\n" + "\n".join(broken)


def test_domain_layers_touch_no_files() -> None:
    broken = []
    for path in sources():
        module = module_name(path)
        if not module.startswith(DOMAIN):
            continue
        for imp in imports(path):
            if imp.module.split(".")[0] in DOMAIN_FORBIDDEN_MODULES:
                broken.append(f"{imp.where}: {module} imports {imp.module}")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                func = node.func
                name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
                if name in FILE_CALLS:
                    where = f"{path.relative_to(SRC.parent.parent)}:{node.lineno}"
                    broken.append(f"{where}: {module} calls {name}()")
    assert not broken, "file or OS access in the domain layers:\n" + "\n".join(broken)


def test_the_checks_see_what_they_claim() -> None:
    # A scan that found nothing would pass every rule: make sure it reads imports,
    # including deferred ones, and resolves "from package import submodule".
    found = {(imp.importer, imp.module, imp.deferred) for imp in all_imports()}
    assert ("slaclock._sla.result", "slaclock._display.text", True) in found
    assert ("slaclock._calendar.calendar", "slaclock._calendar.spec", False) in found
    assert rank("slaclock._calendar.calendar") == 4 and rank("slaclock.analysis.table") == 7


def test_the_command_line_uses_public_modules_only() -> None:
    public = ("slaclock", "slaclock.display", "slaclock.analysis", "slaclock.errors")
    broken = [
        f"{imp.where}: slaclock.cli imports {imp.module}"
        for imp in all_imports()
        if imp.importer == "slaclock.cli"
        and imp.module.startswith("slaclock")
        and imp.module not in public
    ]
    assert not broken, "\n".join(broken)
