"""Fixtures shared by the real-CLI tests."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.e2e.pulumi_cli import REPO


@pytest.fixture(scope="session")
def plugin_archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The native plugin archive, built once by the repository's own script."""
    out = tmp_path_factory.mktemp("plugin")
    proc = subprocess.run(
        [str(REPO / "scripts" / "build-plugin.sh"), str(out)], check=True, capture_output=True, text=True
    )
    return Path(proc.stdout.strip().splitlines()[-1])
