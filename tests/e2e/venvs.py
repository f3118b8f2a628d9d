"""Fresh virtualenvs for tests that install packages as a user would."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

# Kept outside the repository, like the Pulumi build: pip's own HTTP cache does not help here
# (the registry's answers are not cacheable), so downloaded wheels are kept for the next run.
WHEELHOUSE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "modelarts-provider" / "wheels"


def fresh_venv(env_dir: Path, requirements: list[str]) -> Path:
    """A new virtualenv at `env_dir` with `requirements` installed; returns its python."""
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    install_offline_first(python, requirements)
    return python


def install_offline_first(python: Path, requirements: list[str]) -> None:
    """pip install from a wheelhouse kept outside the repository (no network); only when it lacks
    something, fill it from PyPI first. pip's own HTTP cache is not used: the registry here
    answers with responses pip does not cache."""
    base = ["--disable-pip-version-check", "--quiet"]

    def pip(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(python), "-m", "pip", *args], capture_output=True, text=True, timeout=900)

    if pip("install", *base, "--no-index", "--find-links", str(WHEELHOUSE), *requirements).returncode == 0:
        return
    fill = pip("download", *base, "--dest", str(WHEELHOUSE), *requirements)
    assert fill.returncode == 0, fill.stdout[-3000:] + fill.stderr[-3000:]
    offline = pip("install", *base, "--no-index", "--find-links", str(WHEELHOUSE), *requirements)
    assert offline.returncode == 0, offline.stdout[-3000:] + offline.stderr[-3000:]


def fill_wheelhouse(requirements: list[str]) -> None:
    """Make the wheelhouse hold `requirements` and everything they need, so that pip with
    `--no-index --find-links WHEELHOUSE` installs them; downloads only what is missing."""
    base = ["--disable-pip-version-check", "--quiet", "--find-links", str(WHEELHOUSE)]
    python = sys.executable
    offline = [python, "-m", "pip", "install", *base, "--no-index", "--dry-run", "--ignore-installed", *requirements]
    if subprocess.run(offline, capture_output=True, text=True, timeout=300).returncode == 0:
        return
    fill = subprocess.run(
        [python, "-m", "pip", "download", *base, "--dest", str(WHEELHOUSE), *requirements],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert fill.returncode == 0, fill.stdout[-3000:] + fill.stderr[-3000:]


def cached_venv(name: str, requirements: list[str]) -> Path:
    """A virtualenv kept outside the repository, keyed by interpreter and requirements, made once
    and reused by later runs (a tool a test starts, such as an S3 server); returns its python."""
    key = hashlib.sha256("\n".join([sys.version, *requirements]).encode()).hexdigest()[:12]
    env_dir = WHEELHOUSE.parent / "venvs" / f"{name}-{key}"
    python = env_dir / "bin" / "python"
    if not (env_dir / ".ready").exists():
        shutil.rmtree(env_dir, ignore_errors=True)
        fresh_venv(env_dir, requirements)
        (env_dir / ".ready").touch()
    return python
