"""The package's layers hold: the import-linter contracts of pyproject.toml (`[tool.importlinter]`)
are kept. import-linter builds the import graph with every import, those under `if TYPE_CHECKING:`
and inside functions too, and prints each broken contract with the chain of imports that breaks
it; a failure here shows that text. See CONTRIBUTING.md, "Layers"."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import grimp
import pytest

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: import-linter itself depends on tomli there
    import tomli as tomllib

REPO = Path(__file__).resolve().parents[1]
PACKAGE = "modelarts_provider"
# Calls import-linter's own command-line entry point (what `lint-imports` runs) with this
# interpreter, so that the virtualenvs of scripts/test-versions.sh use their own copy.
LINT_IMPORTS = "from importlinter.cli import lint_imports_command; lint_imports_command()"


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    """`lint-imports` in `root` (its pyproject.toml, its copy of the package), without a cache
    directory, the report wide enough that an import chain stays on one line."""
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1", "PYTHONPATH": str(root)}
    return subprocess.run(
        [sys.executable, "-c", LINT_IMPORTS, "--no-cache", "--no-logo"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def contracts() -> dict[str, dict[str, Any]]:
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    return {contract["id"]: contract for contract in config["tool"]["importlinter"]["contracts"]}


def test_every_layering_contract_is_kept() -> None:
    result = lint_imports(REPO)
    if result.returncode != 0:
        report = result.stdout + result.stderr
        if "No matches for ignored import" in report:
            report += "\n(that import is gone: delete its line from ignore_imports in pyproject.toml)\n"
        pytest.fail(f"import-linter: the layering contracts of pyproject.toml do not hold\n{report}", pytrace=False)
    assert f"Contracts: {len(contracts())} kept, 0 broken." in result.stdout


def test_the_emulator_contract_names_every_module_but_the_signature() -> None:
    """The emulator may import `api.signing` alone, so its contract must list every other module
    (a package of `forbidden_modules` covers its modules; no entry can say "all of api but one").
    A module added to the package and not to the list would be open to the emulator."""
    forbidden = set(contracts()["emulator-alone"]["forbidden_modules"])
    graph = grimp.build_graph(PACKAGE, cache_dir=None)
    allowed = {
        PACKAGE,  # the root: it imports the faces, which are forbidden (and `root-on-top` holds it)
        f"{PACKAGE}.api",  # the folder of api.signing: no code in it, and `from ..api import signing` imports signing
        f"{PACKAGE}.api.signing",
    }
    open_to_the_emulator = sorted(
        module
        for module in graph.modules
        if module not in allowed
        and not (module == f"{PACKAGE}.emulator" or module.startswith(f"{PACKAGE}.emulator."))
        and not any(module == entry or module.startswith(entry + ".") for entry in forbidden)
    )
    assert not open_to_the_emulator, f"add to the emulator-alone contract in pyproject.toml: {open_to_the_emulator}"


def test_the_emulator_needs_only_the_standard_library() -> None:
    """Its contract forbids the provider's dependencies by name; this holds it to the standard
    library as a whole (with `api.signing`, the one module of the provider it imports)."""
    graph = grimp.build_graph(PACKAGE, include_external_packages=True, cache_dir=None)
    emulator = {module for module in graph.modules if module.startswith(f"{PACKAGE}.emulator")}
    third_party = sorted(
        f"{module} -> {imported}"
        for module in emulator | {f"{PACKAGE}.api.signing"}
        for imported in graph.find_modules_directly_imported_by(module)
        if imported.split(".")[0] not in (PACKAGE, *sys.stdlib_module_names)
    )
    assert not third_party, f"the emulator runs on the standard library alone: {third_party}"


def test_an_upward_import_breaks_the_layers(tmp_path: Path) -> None:
    """The contracts bite: in a copy of the package, the core imports the tools, once under
    `if TYPE_CHECKING:` and once inside a function, and import-linter names both chains."""
    shutil.copytree(REPO / PACKAGE, tmp_path / PACKAGE, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    errors = tmp_path / PACKAGE / "core" / "errors.py"
    errors.write_text(
        errors.read_text(encoding="utf-8")
        + "\n\nfrom typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n    from ..tools import cli\n\n\n"
        + "def _upward() -> None:\n    from ..dynamic import workspace_provider\n",
        encoding="utf-8",
    )
    result = lint_imports(tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "modelarts_provider.core is not allowed to import modelarts_provider.tools" in result.stdout
    assert "modelarts_provider.core.errors -> modelarts_provider.tools.cli" in result.stdout
    assert "modelarts_provider.core is not allowed to import modelarts_provider.dynamic" in result.stdout
    assert "modelarts_provider.core.errors -> modelarts_provider.dynamic.workspace_provider" in result.stdout
