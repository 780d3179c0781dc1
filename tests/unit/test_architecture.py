"""The house's rules, checked on the code itself (README, "Layout"):

- a feature (`cogs/<feature>/`) imports the core and itself, never another feature: what features
  share (a member's data…) goes through protocols in `agora/` registered on the bot;
- the core (`agora/`) imports no feature;
- SQL lives in stores: no SQL in any feature module but `store.py` and `<thing>_store.py`;
- `agora/__init__.py` imports nothing, and the light core modules do not load discord.py;
- every module stays small enough to read in one sitting.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FEATURES = sorted(p.parent.name for p in (ROOT / "cogs").glob("*/__init__.py"))
MODULE_LINES_MAX = 400

# A statement at the start of a string: how SQL reads, whatever its case.
SQL_TEXT = re.compile(
    r"^\s*(SELECT\s|INSERT\s+(OR\s+\w+\s+)?INTO\s|UPDATE\s+\w+\s+SET\s|DELETE\s+FROM\s|CREATE\s+(TABLE|INDEX)\s"
    r"|ALTER\s+TABLE\s|DROP\s+TABLE\s|PRAGMA\s|BEGIN\b|WITH\s+\w+\s+AS\s*\()",
    re.IGNORECASE,
)
SQL_CALLS = {"execute", "executemany", "executescript", "execute_fetchall", "fetch_all", "fetch_one"}


def python_files(folder: str) -> list[Path]:
    return sorted(p for p in (ROOT / folder).rglob("*.py") if "__pycache__" not in p.parts)


def imported_modules(path: Path) -> set[str]:
    """Every module `path` imports, wherever the import stands (functions, TYPE_CHECKING blocks)."""
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against the module's own package
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)
    return names


def feature_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "cogs" and parts[1] in FEATURES else None


def test_the_features_are_found():
    assert {"admin", "announcements", "events", "feeds", "polls"} <= set(FEATURES)


@pytest.mark.parametrize("feature", FEATURES)
def test_a_feature_imports_no_other_feature(feature):
    crossings = [
        f"{path.relative_to(ROOT)} imports {module}"
        for path in python_files(f"cogs/{feature}")
        for module in sorted(imported_modules(path))
        if feature_of(module) not in (None, feature)
    ]
    assert crossings == []


def test_the_core_imports_no_feature():
    crossings = [
        f"{path.relative_to(ROOT)} imports {module}"
        for path in python_files("agora")
        for module in sorted(imported_modules(path))
        if module == "cogs" or module.startswith("cogs.")
    ]
    assert crossings == []


def sql_in(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and SQL_TEXT.match(node.value):
            found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {node.value.strip()[:40]!r}")
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in SQL_CALLS
        ):
            found.append(f"{path.relative_to(ROOT)}:{node.lineno}: .{node.func.attr}(…)")
    return found


def is_store(path: Path) -> bool:
    return path.stem == "store" or path.stem.endswith("_store")


def test_sql_lives_in_stores_only():
    found = [line for path in python_files("cogs") if not is_store(path) for line in sql_in(path)]
    assert found == []


def test_the_rules_see_what_they_forbid():
    """So that the empty lists above mean something."""
    assert sql_in(ROOT / "cogs" / "polls" / "store.py")
    assert not is_store(ROOT / "cogs" / "polls" / "cog.py")
    assert "cogs.events.model" in imported_modules(ROOT / "cogs" / "events" / "views.py")
    assert feature_of("cogs.polls.store") == "polls"


def test_the_core_package_imports_nothing():
    assert ast.parse((ROOT / "agora" / "__init__.py").read_text(encoding="utf-8")).body[1:] == []


@pytest.mark.parametrize(
    "module",
    [
        "agora.clock",
        "agora.resources",
        "agora.scheduling",
        "agora.charts",
        "agora.meetings",
        "agora.privacy",
        "agora.spreadsheets",
        "agora.pulse",
    ],
)
def test_a_light_core_module_does_not_load_discord(module):
    probe = f"import sys, {module}; print(sorted(m for m in sys.modules if m.split('.')[0] == 'discord'))"
    result = subprocess.run(  # noqa: S603 — our own interpreter and probe
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.strip() == "[]"


def test_every_module_stays_readable():
    paths = [ROOT / "bot.py", *python_files("agora"), *python_files("cogs")]
    too_long = {
        str(path.relative_to(ROOT)): lines
        for path in paths
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MODULE_LINES_MAX
    }
    assert too_long == {}
