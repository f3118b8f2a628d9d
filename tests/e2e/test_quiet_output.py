"""A run that succeeds prints nothing a user has to read: `pulumi up` and `pulumi destroy` of ten
workspaces whose deletes take 2 s (a wait shorter than waiting.REPORT_EVERY) end without a
"Diagnostics" section and without a progress line, on each face (the dynamic `Workspace` and the
native plugin installed from its archive), through the real CLI."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from modelarts_provider.core import waiting
from modelarts_provider.emulator import Emulator, EmulatorConfig
from tests.conftest import hw_env
from tests.e2e.pulumi_cli import Project

DELETE_SECONDS = 2.0
COUNT = 10


@pytest.fixture(scope="module")
def emu() -> Iterator[Emulator]:
    with Emulator(EmulatorConfig(delete_duration=DELETE_SECONDS)) as emulator:
        yield emulator


@pytest.mark.parametrize("face", ["dynamic", "native"])
def test_a_clean_destroy_of_ten_workspaces_prints_no_diagnostics(
    face: str, emu: Emulator, tmp_path: Path, plugin_archive: Path
) -> None:
    assert DELETE_SECONDS < waiting.REPORT_EVERY
    proj = Project.create(tmp_path / face, hw_env(emu))
    proj.face = face
    if face == "native":
        proj.install_plugin(plugin_archive)
    workspaces = [
        {"resource": f"q{i}", "args": {"name": f"quiet-{face}-{i}", "auth_type": "PRIVATE"}} for i in range(COUNT)
    ]
    proj.program(workspaces)

    up = proj.run("up", "--yes", "--skip-preview")
    assert "Diagnostics" not in up.stdout + up.stderr, up.stdout

    destroy = proj.run("destroy", "--yes", "--skip-preview")
    printed = destroy.stdout + destroy.stderr
    assert len(set(re.findall(r"Workspace (q\d+) deleted", printed))) == COUNT, printed
    assert "Diagnostics" not in printed, printed
    assert "still DELETING" not in printed and "info:" not in printed, printed
    assert not [w for w in emu.workspaces() if w["name"].startswith(f"quiet-{face}-")]
