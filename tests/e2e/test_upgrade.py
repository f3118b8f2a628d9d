"""Existing stacks keep working: a stack created by the previous release (the package as of
commit PREVIOUS, from `git archive`, first on PYTHONPATH) refreshes, previews empty, updates
and destroys with this checkout, through the real CLI. The previous release kept grants in the
server's form with a `declared_grants` output and filled in enterprise project "0"; a default
enterprise project set now does not touch those workspaces."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from modelarts_provider.emulator import Emulator
from tests.conftest import hw_env
from tests.e2e.pulumi_cli import REPO, Project, package_at

PREVIOUS = "f1c63c04eaeacfb0fb5eab04a380c4043a6f2a3a"  # main before issue 11's changes
EPS = "e9e9e9e9-1111-4222-8333-444455556666"
PROGRAM = [
    {"resource": "open", "args": {"name": "up-open", "description": "kept"}},
    {
        "resource": "team",
        "args": {"name": "up-team", "auth_type": "INTERNAL", "grants": [{"user_name": "zoe"}, {"user_name": "adam"}]},
    },
    {"resource": "moved", "args": {"name": "up-moved", "enterprise_project_id": EPS}},
]


@pytest.fixture(scope="module")
def previous_release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return package_at(PREVIOUS, tmp_path_factory.mktemp("previous-release"))


def live(emu: Emulator) -> dict[str, dict[str, Any]]:
    return {w["name"]: w for w in emu.workspaces() if w["id"] != "0" and w["status"] != "DELETING"}


def test_a_stack_of_the_previous_release_keeps_working(emu: Emulator, previous_release: Path, tmp_path: Path) -> None:
    project = Project.create(tmp_path / "project", {**hw_env(emu), "PYTHONPATH": str(previous_release)})
    project.program(PROGRAM)
    project.up()
    state = project.export()
    assert "declared_grants" in state and "server_grants" not in state  # really the old shape
    before = {name: w["id"] for name, w in live(emu).items()}

    project.env.update({"PYTHONPATH": str(REPO), "HW_ENTERPRISE_PROJECT_ID": EPS})
    project.run("preview", "--expect-no-changes")
    project.run("refresh", "--yes", "--skip-preview")
    project.run("preview", "--expect-no-changes")
    assert "server_grants" in project.export()

    changed = [dict(item) for item in PROGRAM]
    changed[0] = {"resource": "open", "args": {"name": "up-open", "description": "changed"}}
    changed[1] = {
        "resource": "team",
        "args": {**PROGRAM[1]["args"], "grants": [{"user_name": "zoe"}, {"user_name": "adam"}, {"user_name": "eve"}]},
    }
    project.program(changed)
    plan = project.preview_steps()
    assert plan["ops"] == {"open": "update", "team": "update"}
    assert plan["changed"] == {"open": {"description"}, "team": {"grants"}}
    project.up()
    after = live(emu)
    assert {name: w["id"] for name, w in after.items()} == before  # nothing replaced
    assert after["up-open"]["description"] == "changed" and after["up-open"]["enterprise_project_id"] == "0"
    assert {g["user_name"] for g in after["up-team"]["grants"]} == {"zoe", "adam", "eve"}
    project.run("preview", "--expect-no-changes")
    project.run("destroy", "--yes", "--skip-preview")
    assert live(emu) == {}
