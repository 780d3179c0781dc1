"""The wheel cannot forget a part of Agora: pyproject.toml lists every package, data file and import.

Packages are listed by hand (`agora.data` is mapped from the top-level data/ folder, which a package
search cannot find), so a new feature package or data folder must be added there; these checks fail
until it is. tests/e2e/test_wheel.py proves the built wheel runs.
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
SETUPTOOLS = CONFIG["tool"]["setuptools"]
OWN_TOP_LEVEL = {"agora", "cogs", "bot"}
# What a running Agora writes under data/ (the database, its journal, its lock and activity key beside
# it, backups): not part of the code.
RUNTIME_DATA = ("backups", "*.db", "*.db-*", "*.db.*")


def package_folder(name: str) -> Path:
    mapped = SETUPTOOLS.get("package-dir", {}).get(name)
    return ROOT / (mapped if mapped is not None else name.replace(".", "/"))


def code_files() -> list[Path]:
    return [ROOT / "bot.py", *(path for top in ("agora", "cogs") for path in (ROOT / top).rglob("*.py"))]


def normalised(distribution: str) -> str:
    return re.sub(r"[-_.]+", "-", distribution).lower()


def test_every_package_of_agora_and_cogs_is_listed():
    found = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for top in ("agora", "cogs")
        for init in (ROOT / top).rglob("__init__.py")
    }
    assert found - set(SETUPTOOLS["packages"]) == set()


def test_every_listed_package_and_module_exists():
    for name in SETUPTOOLS["packages"]:
        folder = package_folder(name)
        assert folder.is_dir(), f"{name}: {folder} is missing"
        if name not in SETUPTOOLS.get("package-dir", {}):
            assert (folder / "__init__.py").is_file(), f"{name} has no __init__.py"
    for module in SETUPTOOLS.get("py-modules", []):
        assert (ROOT / f"{module}.py").is_file(), f"{module}.py is missing"


def test_every_data_file_is_packaged():
    data = package_folder("agora.data")
    patterns = SETUPTOOLS["package-data"]["agora.data"]
    # Path.glob reads patterns as setuptools does: relative to the package, `*` within one folder.
    packaged = {path for pattern in patterns for path in data.glob(pattern)}
    shipped = {
        path
        for path in data.rglob("*")
        if path.is_file()
        and "__pycache__" not in path.parts
        and not any(part.startswith(".") for part in path.relative_to(data).parts)
        and not any(path.relative_to(data).match(runtime) for runtime in RUNTIME_DATA)
        and path.relative_to(data).parts[0] not in RUNTIME_DATA
    }
    assert {"locales", "migrations", "polls"} <= {path.relative_to(data).parts[0] for path in shipped}
    missing = sorted(str(path.relative_to(ROOT)) for path in shipped - packaged)
    assert missing == []


def test_the_console_script_names_a_packaged_callable():
    module, _, function = CONFIG["project"]["scripts"]["agora-bot"].partition(":")
    assert module.split(".")[0] in set(SETUPTOOLS.get("py-modules", [])) | set(SETUPTOOLS["packages"])
    tree = ast.parse((ROOT / f"{module.replace('.', '/')}.py").read_text(encoding="utf-8"))
    assert function in {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}


def test_every_imported_distribution_is_declared():
    imported: set[str] = set()
    for path in code_files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                imported.add(node.module.split(".")[0])
    third_party = imported - set(sys.stdlib_module_names) - OWN_TOP_LEVEL
    providers = metadata.packages_distributions()
    declared = {
        normalised(re.split(r"[\s;<>=!~\[]", requirement, maxsplit=1)[0])
        for requirement in CONFIG["project"]["dependencies"]
    }
    undeclared = {
        name: providers.get(name, ["(not installed)"])
        for name in third_party
        if not {normalised(distribution) for distribution in providers.get(name, [])} & declared
    }
    assert undeclared == {}


def test_every_dependency_is_pinned_or_capped_below_its_next_major_version():
    # A new major version may change what Agora relies on: it comes in by a deliberate edit, once tested.
    unbounded = [
        requirement
        for requirement in CONFIG["project"]["dependencies"]
        if "==" not in requirement and "<" not in requirement
    ]
    assert unbounded == []
