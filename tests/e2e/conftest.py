"""Fixtures shared by the real-CLI tests."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from modelarts_provider.emulator import Emulator, EmulatorConfig
from tests.e2e.pulumi_cli import REPO


@pytest.fixture(scope="module")
def emu() -> Iterator[Emulator]:
    """One emulator for a test module's stacks (a module that needs other settings has its own)."""
    with Emulator(EmulatorConfig(delete_duration=0.3)) as emulator:
        yield emulator


@pytest.fixture(scope="session")
def plugin_archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The native plugin archive, built once by the repository's own script."""
    out = tmp_path_factory.mktemp("plugin")
    proc = subprocess.run(
        [str(REPO / "scripts" / "build-plugin.sh"), str(out)], check=True, capture_output=True, text=True
    )
    return Path(proc.stdout.strip().splitlines()[-1])
