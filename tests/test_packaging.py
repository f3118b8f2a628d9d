"""The wheel users get from `pip install`: built offline from a copy of the sources, it carries
py.typed and the emulator, states bounded dependency ranges, and installs an importable package
whose `__version__` matches the metadata."""

from __future__ import annotations

import email
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.version import Version

REPO = Path(__file__).resolve().parents[1]
PACKAGE = "modelarts_provider"


def _can_build_offline() -> bool:
    """setuptools >= 70.1 builds wheels by itself; older ones need the `wheel` package."""
    try:
        import setuptools
    except ImportError:
        return False
    return Version(setuptools.__version__) >= Version("70.1") or importlib.util.find_spec("wheel") is not None


pytestmark = pytest.mark.skipif(
    not _can_build_offline(), reason="needs setuptools>=70.1 (requirements.txt) to build without network"
)


def build_wheel(root: Path) -> Path:
    """Build from a copy under `root`, so no build/ or *.egg-info lands in the working tree others share."""
    src = root / "src"
    src.mkdir(parents=True)
    for name in ("pyproject.toml", "README.md"):
        if (REPO / name).exists():
            shutil.copy2(REPO / name, src / name)
    shutil.copytree(REPO / PACKAGE, src / PACKAGE, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    out = root / "dist"
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(src), "--no-deps", "--no-build-isolation", "--no-index",
         "--wheel-dir", str(out), "--quiet"],
        capture_output=True,
        text=True,
        timeout=120,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    (built,) = out.glob("*.whl")
    return built


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    yield build_wheel(tmp_path_factory.mktemp("packaging"))


def project_version() -> str:
    """The release version, as scripts/version.sh prints it from the package's `__version__`."""
    out = subprocess.run([str(REPO / "scripts" / "version.sh")], capture_output=True, text=True, check=True).stdout
    assert re.fullmatch(r"\d+\.\d+\.\d+\S*\n", out), out
    return out.strip()


def test_the_version_is_written_once() -> None:
    """pyproject.toml takes it from the package; no other file of the package repeats it."""
    pyproject = (REPO / "pyproject.toml").read_text()
    assert 'dynamic = ["version"]' in pyproject and not re.search(r"^version = \"", pyproject, re.MULTILINE)
    needle = f'"{project_version()}"'
    holders = [p.relative_to(REPO).as_posix() for p in (REPO / PACKAGE).rglob("*.py") if needle in p.read_text()]
    assert holders == [f"{PACKAGE}/core/version.py"]


def test_wheel_holds_every_module_py_typed_and_the_emulator(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    sources = {p.relative_to(REPO).as_posix() for p in (REPO / PACKAGE).rglob("*.py")}
    assert sources <= names, sorted(sources - names)
    assert f"{PACKAGE}/py.typed" in names
    assert {f"{PACKAGE}/emulator/__init__.py", f"{PACKAGE}/emulator/__main__.py"} <= names
    assert not [n for n in names if n.startswith(("tests/", "bench/", "examples/")) or "__pycache__" in n]


def test_metadata_version_python_and_bounded_dependencies(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as zf:
        (meta_name,) = [n for n in zf.namelist() if n.endswith(".dist-info/METADATA")]
        meta = email.message_from_bytes(zf.read(meta_name))
    assert meta["Name"] == "modelarts-provider"
    assert meta["Version"] == project_version()
    assert meta["Requires-Python"] == ">=3.10"
    runtime = [Requirement(r) for r in meta.get_all("Requires-Dist") or [] if "extra ==" not in r]
    assert {r.name for r in runtime} == {"pulumi", "requests"}
    for req in runtime:
        operators = {spec.operator for spec in req.specifier}
        assert ">=" in operators and "<" in operators, f"{req}: give a lower and an upper bound"


def test_installed_wheel_exposes_version_and_cli(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "--no-index",
            "--quiet",
            "--target",
            str(site),
            str(wheel),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    # Only the installed copy is importable (not the checkout): run elsewhere, PYTHONPATH = site.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"} | {"PYTHONPATH": str(site)}
    code = "import modelarts_provider as m; print(m.__version__); print(m.__file__)"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    version, location = out.stdout.split()
    assert version == project_version()
    assert Path(location).is_relative_to(site)
    cli = subprocess.run(
        [sys.executable, "-m", PACKAGE, "workspaces", "--help"], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert cli.returncode == 0 and "adopt-code" in cli.stdout
    reported = subprocess.run(
        [sys.executable, "-m", PACKAGE, "--version"], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert reported.stdout == f"modelarts-provider {project_version()}\n", reported.stderr
    # the native plugin's console script, as Pulumi finds it on PATH; started by hand it says what it is
    plugin = subprocess.run(
        [str(site / "bin" / "pulumi-resource-modelarts")], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert plugin.returncode == 2 and "Pulumi plugin" in plugin.stderr, plugin.stderr


def test_wheel_registers_the_pytest_plugin(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as zf:
        (name,) = [n for n in zf.namelist() if n.endswith(".dist-info/entry_points.txt")]
        text = zf.read(name).decode()
    assert "[pytest11]" in text
    assert "modelarts_provider.pytest_plugin = modelarts_provider.pytest_plugin" in text
