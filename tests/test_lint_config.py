"""The lint set-up says why: every ruff ignore carries its reason; pre-commit runs the checks."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOQA = re.compile(r"#\s*noqa(?::\s*[A-Z]+\d+(?:\s*,\s*[A-Z]+\d+)*)?(?P<rest>.*)$")


def python_files() -> list[Path]:
    return sorted(p for d in ("src", "tests", "benchmarks") for p in (ROOT / d).rglob("*.py"))


def test_every_noqa_names_its_codes_and_says_why() -> None:
    bare = []
    for path in python_files():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            match = NOQA.search(line)
            if match is None or "noqa" not in line.split("#", 1)[-1]:
                continue
            has_code = re.search(r"noqa:\s*[A-Z]+\d+", line) is not None
            # The reason is text after the codes, or a comment on the line above.
            above = path.read_text(encoding="utf-8").splitlines()[number - 2].strip()
            reason = match.group("rest").strip(" -:()") or above.startswith("#")
            if not (has_code and reason):
                bare.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not bare, "noqa without codes or a reason:\n" + "\n".join(bare)


def test_every_ignored_rule_in_pyproject_has_a_reason() -> None:
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    config = tomllib.loads(text)["tool"]["ruff"]["lint"]
    lines = text.splitlines()
    for code in config.get("ignore", []):
        line = next(line for line in lines if f'"{code}"' in line and "ignore" in line)
        assert "#" in line and line.split("#", 1)[1].strip(), f"ignore {code} needs a reason"
    assert not config.get("per-file-ignores"), "give per-file ignores a reason here too"


def test_pre_commit_runs_ruff_the_formatter_and_mypy() -> None:
    text = (ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8")
    hooks = re.findall(r"^\s+- id: (\S+)\n\s+name: .*\n\s+entry: (.+)$", text, re.MULTILINE)
    assert dict(hooks) == {"ruff": "ruff check --fix", "ruff-format": "ruff format", "mypy": "mypy"}
