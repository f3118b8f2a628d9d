"""Workspaces in two regions with one set of credentials, through the real CLI, with two
emulators as two regions; starting from a state written by the release before regions were
recorded (the package as of PREVIOUS, from `git archive`): it refreshes, previews empty, then
the default region changes and nothing looks deleted, and destroy finds every workspace where
it lives."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from modelarts_provider.emulator import Emulator, EmulatorConfig
from tests.conftest import hw_env
from tests.e2e.pulumi_cli import REPO, Project, package_at

PREVIOUS = "2fc5b028d7683bb35567c29d15cbf03cd47e4248"  # main before issue 18's regions
NORTH, SOUTH = "cn-north-4", "ap-southeast-1"
SOUTH_PROJECT = "5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e"
GPU = "exemlProject.gpu_duration"
QUOTA_PUT = "PUT /v1/{project_id}/workspaces/{id}/quotas"
# Quotas of the south workspace, wired from its Outputs (`region` and `workspace_id`).
QUOTAS = f'''
from modelarts_provider import WorkspaceQuotas, WorkspaceQuotasArgs

if "south" in created:
    WorkspaceQuotas("south-quotas", WorkspaceQuotasArgs(
        workspace_id=created["south"].workspace_id, quotas={{"{GPU}": 600}}, region=created["south"].region))
'''


@pytest.fixture(scope="module")
def previous_release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return package_at(PREVIOUS, tmp_path_factory.mktemp("before-regions"))


@pytest.fixture(scope="module")
def regions() -> Iterator[tuple[Emulator, Emulator]]:
    # One account: the north emulator's IAM knows the south project, as IAM knows every region's.
    north = Emulator(EmulatorConfig(region=NORTH, delete_duration=0.3, other_projects={SOUTH: SOUTH_PROJECT}))
    south = Emulator(EmulatorConfig(region=SOUTH, project_id=SOUTH_PROJECT, delete_duration=0.3))
    with north, south:
        yield north, south


def names(emu: Emulator) -> set[str]:
    return {w["name"] for w in emu.workspaces() if w["id"] != "0" and w["status"] != "DELETING"}


def located(project: Project) -> dict[str, Any]:
    state = json.loads(project.export())
    return {
        r["outputs"]["name"]: (r["outputs"].get("region"), r["outputs"].get("project_id"))
        for r in state["deployment"]["resources"]
        if r["type"].endswith("modelarts:Workspace")
    }


def test_two_regions_and_an_older_state(
    regions: tuple[Emulator, Emulator], previous_release: Path, tmp_path: Path
) -> None:
    north, south = regions
    env = {**hw_env(north), "PYTHONPATH": str(previous_release)}
    project = Project.create(tmp_path / "project", env)
    old = [{"resource": "old", "args": {"name": "rg-old", "description": "written before regions"}}]
    project.program(old)
    project.up()
    assert located(project) == {"rg-old": (None, None)}  # really the older shape

    # this release: the older state refreshes (recording where it lives) and previews empty
    project.env.update(PYTHONPATH=str(REPO), HW_MODELARTS_ENDPOINTS=json.dumps({SOUTH: south.url}))
    with (project.root / "__main__.py").open("a") as main:
        main.write(QUOTAS)
    project.run("refresh", "--yes", "--skip-preview")
    project.run("preview", "--expect-no-changes")
    assert located(project) == {"rg-old": (NORTH, north.config.project_id)}

    # one stack, two regions, one set of credentials
    program = [
        *old,
        {"resource": "south", "args": {"name": "rg-south", "region": SOUTH}},
        {"resource": "north", "args": {"name": "rg-north"}},
    ]
    project.program(program)
    north.reset_counts()
    south.reset_counts()
    project.up()
    assert names(north) == {"rg-old", "rg-north"} and names(south) == {"rg-south"}
    assert located(project)["rg-south"] == (SOUTH, SOUTH_PROJECT)
    south_id = next(w["id"] for w in south.workspaces() if w["name"] == "rg-south")
    assert south.workspace_quotas(south_id)[GPU]["quota"] == 600
    quotas = next(r for r in json.loads(project.export())["deployment"]["resources"] if r["type"].endswith("Quotas"))
    assert (quotas["outputs"]["region"], quotas["outputs"]["project_id"]) == (SOUTH, SOUTH_PROJECT)
    # each region's project once per command: the two regions of the workspaces; the quotas use
    # the same clients (one registry per provider process), so no third look-up
    assert north.route_counts().get("GET /v3/projects") == 2
    project.run("preview", "--refresh", "--expect-no-changes")

    # the default moves south: nothing looks deleted, the preview says which live elsewhere
    project.env.update(
        HW_REGION_NAME=SOUTH,
        HW_MODELARTS_ENDPOINT=south.url,
        HW_MODELARTS_ENDPOINTS=json.dumps({NORTH: north.url}),
    )
    drift = project.run("preview", "--refresh", "--expect-no-changes")
    output = drift.stdout + drift.stderr
    assert "'rg-old'" in output and f"lives in region {NORTH}" in output and f"current default {SOUTH}" in output
    assert "'rg-south' (" not in output

    # a declared region that changes replaces the workspace (a new one in the new region first)
    program[2] = {"resource": "north", "args": {"name": "rg-north", "region": SOUTH}}
    project.program(program)
    plan = project.preview_steps()
    assert plan["ops"] == {"north": "replace"} and "region" in plan["changed"]["north"]
    south.put_quota_raw(south_id, GPU, quota=5)  # restored by destroy, in the south region
    north.reset_counts()
    south.reset_counts()
    project.run("destroy", "--yes", "--skip-preview")
    assert names(north) == set() and names(south) == set()
    assert south.route_counts().get(QUOTA_PUT) == 1 and QUOTA_PUT not in north.route_counts()
