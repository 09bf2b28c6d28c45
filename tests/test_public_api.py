"""Import hygiene and the shape of the public surface (the import order is tests/test_layers.py)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import slaclock

SRC = Path(slaclock.__file__).parent
OPTIONAL = ("hypothesis", "pandas", "numpy", "matplotlib", "dask")


def run(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=120
    )


def test_import_slaclock_imports_no_optional_extra() -> None:
    result = run(
        "import sys, slaclock\n"
        f"print(sorted({{m.split('.')[0] for m in sys.modules}} & set({OPTIONAL!r})))\n"
        "print('slaclock.strategies' in sys.modules)\n"
    )
    assert result.returncode == 0, result.stderr
    loaded, strategies = result.stdout.split("\n")[:2]
    assert loaded == "[]", f"import slaclock loaded optional packages: {loaded}"
    assert strategies == "False"


def test_strategies_without_hypothesis_names_the_extra() -> None:
    # sys.modules[name] = None makes ``import name`` raise ImportError, as if not installed.
    result = run(
        "import sys\n"
        "sys.modules['hypothesis'] = None\n"
        "try:\n"
        "    import slaclock.strategies\n"
        "except ImportError as error:\n"
        "    print('ImportError:', error)\n"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("ImportError:")
    assert "slaclock[hypothesis]" in result.stdout


def _static_all() -> list[str]:
    tree = ast.parse((SRC / "__init__.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == "__all__" for target in node.targets
        ):
            assert isinstance(node.value, ast.List | ast.Tuple), "__all__ must be a literal"
            names = []
            for element in node.value.elts:
                assert isinstance(element, ast.Constant) and isinstance(element.value, str)
                names.append(element.value)
            return names
    raise AssertionError("slaclock/__init__.py has no static __all__")


def test_all_is_static_complete_and_every_name_exists() -> None:
    names = _static_all()
    assert names == slaclock.__all__
    assert names == sorted(names), "keep __all__ sorted"
    for name in (
        "format_duration",
        "parse_duration",
        "parse_instant",
        "read_incidents",
        "write_incidents",
    ):
        assert name in names, name
    assert len(names) == len(set(names)), "duplicates in __all__"
    missing = [name for name in names if not hasattr(slaclock, name)]
    assert not missing
    public = {
        name
        for name, value in vars(slaclock).items()
        if not name.startswith("_") and not isinstance(value, type(sys)) and name != "annotations"
    }
    assert public <= set(names), f"public but not in __all__: {sorted(public - set(names))}"


def test_the_calendar_contract_names_exist() -> None:
    for name in ("Calendar", "deadline", "elapsed", "SlaclockError", "NoWorkingTimeError"):
        assert name in slaclock.__all__
    for method in (
        "from_dict",
        "to_dict",
        "from_toml",
        "from_json",
        "always_open",
        "replace",
        "deadline",
        "elapsed",
        "is_open",
        "next_open",
        "next_close",
        "periods",
        "hours_on",
        "day_end",
        "add_working_days",
    ):
        assert callable(getattr(slaclock.Calendar, method)), method


def test_every_exported_error_is_a_slaclock_error_and_a_builtin() -> None:
    errors = [
        getattr(slaclock, name)
        for name in slaclock.__all__
        if isinstance(getattr(slaclock, name), type)
        and issubclass(getattr(slaclock, name), BaseException)
    ]
    assert slaclock.SlaclockError in errors
    for error in errors:
        assert issubclass(error, slaclock.SlaclockError)
        if error is not slaclock.SlaclockError:
            assert issubclass(error, ValueError | TypeError), error


def test_the_package_is_typed() -> None:
    assert (SRC / "py.typed").is_file()


def test_display_module_is_public_with_a_static_all() -> None:
    import slaclock.display

    tree = ast.parse((SRC / "display.py").read_text(encoding="utf-8"))
    assert ast.get_docstring(tree)
    static = [
        node
        for node in tree.body
        if isinstance(node, ast.Assign)
        and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets)
    ]
    assert len(static) == 1 and isinstance(static[0].value, ast.List)
    assert slaclock.display.__all__ == [
        "calendar_html",
        "format_instant",
        "format_table",
        "write_rows",
    ]
    assert all(callable(getattr(slaclock.display, name)) for name in slaclock.display.__all__)
