"""Bulk adoption end to end: workspaces made outside Pulumi, `workspaces adopt-code` run as a
user would (a subprocess configured only by `HW_*` variables), its output pasted into a stack
program, and the real `pulumi up` taking every workspace over without one write to ModelArts."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from modelarts_provider.api.client import ModelArtsClient
from modelarts_provider.emulator import Emulator, EmulatorConfig, Fault
from tests.conftest import hw_env, settings_for
from tests.e2e.pulumi_cli import REPO, Project

EPS = "0f0e0d0c-1111-4222-8333-444455556666"
QUOTED = 'Team "α" said: it\'s fine\nsecond line \\ with a backslash'
UNKNOWN_USER_ID = "0123456789abcdef0123456789abcdef"


@pytest.fixture(scope="module")
def emu() -> Iterator[Emulator]:
    with Emulator(EmulatorConfig(delete_duration=0.2)) as emulator:
        yield emulator


def test_adopt_code_output_adopts_the_estate_without_writes(emu: Emulator, tmp_path: Path) -> None:
    client = ModelArtsClient(settings_for(emu))
    made = {
        "adopt-public": client.create_workspace({"name": "adopt-public", "description": QUOTED}),
        "Adopt_Internal": client.create_workspace(
            {
                "name": "Adopt_Internal",
                "auth_type": "INTERNAL",
                "grants": [
                    {"user_name": "alice"},
                    {"user_id": UNKNOWN_USER_ID},
                    {"user_name": "fed-user", "user_type": "FEDERATE"},
                ],
            }
        ),
        # Same resource name as "adopt-internal" once lower-cased: must not clash.
        "adopt-internal": client.create_workspace(
            {"name": "adopt-internal", "auth_type": "PRIVATE", "enterprise_project_id": EPS}
        ),
        "采用的工作空间": client.create_workspace({"name": "采用的工作空间", "description": "中文描述"}),
    }
    emu.add_fault(Fault("create_failed", method="POST"))
    broken = client.create_workspace({"name": "adopt-broken"})

    env = {k: v for k, v in os.environ.items() if not k.startswith(("HW_", "PULUMI_"))}
    env.update(hw_env(emu), PYTHONPATH=str(REPO))
    proc = subprocess.run(
        [sys.executable, "-m", "modelarts_provider", "workspaces", "adopt-code", "--name", "dopt"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    code = proc.stdout
    assert code.startswith("# Existing ModelArts workspaces")
    assert f"# - adopt-broken ({broken.id}): status CREATE_FAILED" in code  # listed, not adopted
    assert "采用的工作空间" not in code  # --name filters

    everything = subprocess.run(
        [sys.executable, "-m", "modelarts_provider", "workspaces", "adopt-code"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert everything.returncode == 0, everything.stderr
    code = everything.stdout
    for workspace in made.values():
        assert f'adopt_id="{workspace.id}"' in code

    project = Project.create(tmp_path / "project", hw_env(emu))
    (project.root / "__main__.py").write_text("import pulumi\n\n" + code)
    emu.reset_counts()
    project.up()
    counts = emu.counts()
    assert counts["POST"] == counts["PUT"] == counts["DELETE"] == 0, counts

    state = json.loads(project.export())
    adopted = {
        r["urn"].rsplit("::", 1)[-1]: r["id"]
        for r in state["deployment"]["resources"]
        if "modelarts:Workspace" in r["type"]
    }
    assert adopted == {
        "adopt-public": made["adopt-public"].id,
        "adopt-internal": made["adopt-internal"].id,  # already in resource-name style: keeps it
        "adopt-internal-2": made["Adopt_Internal"].id,
        "采用的工作空间": made["采用的工作空间"].id,
    }
    live = {w["id"]: w for w in emu.workspaces()}
    assert live[made["adopt-public"].id]["description"] == QUOTED

    emu.reset_counts()
    project.run("preview", "--expect-no-changes")
    counts = emu.counts()
    assert counts["POST"] == counts["PUT"] == counts["DELETE"] == 0, counts
