"""WorkspaceQuotas through the real Pulumi CLI: one stack lifecycle against the emulator for each
face (dynamic `WorkspaceQuotas`; native `modelarts:index:WorkspaceQuotas` from the installed
plugin archive, through `NativeWorkspaceQuotas` and the `getWorkspaceQuotas` function).

Set (typed args with the workspace id as an Output; keyword form with a secret Output on the
default workspace `0`), a nightly `preview --refresh --expect-no-changes` while usage moves,
change (one PUT; a removed quota resource is restored), drift and refresh, invalid values (at
preview with no API call; against the live range before any write), the workspace replaced in
the same `up`, and a destroy where quotas given a plain id and their workspace go in any order.
The steps share the stack, so they run in order."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from modelarts_provider.emulator import Emulator, EmulatorConfig
from tests.conftest import hw_env
from tests.e2e.pulumi_cli import Project, without_program_runtime

GPU = "exemlProject.gpu_duration"
NB = "notebook.instances"  # default 20, range 1..100
TRAIN = "trainJob.gpu_duration"  # default -1 (unlimited)
EPS = "c0ffee00-1111-4222-8333-444455556666"
QUOTA_PUT = "PUT /v1/{project_id}/workspaces/{id}/quotas"

PROGRAM = '''\
"""Quota test program: what to declare comes from program.json, rewritten between steps."""
import json

import pulumi

from modelarts_provider import Workspace, WorkspaceArgs, WorkspaceQuotas, WorkspaceQuotasArgs
from modelarts_provider import get_workspace_quotas, get_workspace_quotas_output

spec = json.load(open("program.json"))
native = spec["face"] == "native"
if native:  # the same program through the native plugin
    from modelarts_provider.native.quota_sdk import NativeWorkspaceQuotas as WorkspaceQuotas
    from modelarts_provider.native.sdk import NativeWorkspace as Workspace
made = {}
for item in spec["workspaces"]:
    made[item["resource"]] = Workspace(item["resource"], WorkspaceArgs(**item["args"]))
    pulumi.export(item["resource"], made[item["resource"]].workspace_id)
for item in spec["quotas"]:
    target = item["workspace"]
    workspace_id = made[target[4:]].workspace_id if target.startswith("ref:") else target
    quotas = pulumi.Output.secret(item["quotas"]) if item.get("secret") else item["quotas"]
    if item.get("keywords"):
        q = WorkspaceQuotas(item["resource"], workspace_id=workspace_id, quotas=quotas)
    else:
        q = WorkspaceQuotas(item["resource"], WorkspaceQuotasArgs(workspace_id=workspace_id, quotas=quotas))
    pulumi.export(item["resource"] + "_shown", q.all_quotas.apply(len))
GPU = "exemlProject.gpu_duration"
if spec["lookups"] and native:  # the plugin's function, plain and with an Output argument
    token = "modelarts:index:getWorkspaceQuotas"
    default = pulumi.runtime.invoke(token, {"workspaceId": "0"}).value
    pulumi.export("default_gpu_used", next(q["usedQuota"] for q in default["quotas"] if q["resource"] == GPU))
    team = pulumi.runtime.invoke_output(token, {"workspaceId": made["team"].workspace_id})
    pulumi.export("team_gpu_unit", team.apply(lambda r: next(q["unitEn"] for q in r["quotas"] if q["resource"] == GPU)))
elif spec["lookups"]:
    pulumi.export("default_gpu_used", get_workspace_quotas("0").quota(GPU).used_quota)
    team = get_workspace_quotas_output(made["team"].workspace_id)
    pulumi.export("team_gpu_unit", team.apply(lambda r: r.quota(GPU).unit_en))
'''

TEAM = {"resource": "team", "args": {"name": "e2e-quota-team"}}
TEMP = {"resource": "temp", "args": {"name": "e2e-quota-temp"}}


@pytest.fixture(scope="module")
def emu() -> Iterator[Emulator]:
    with Emulator(EmulatorConfig(delete_duration=0.5, invented_quotas=True)) as emulator:  # NB, TRAIN: invented
        yield emulator


@pytest.fixture(scope="module", params=["dynamic", "native"])
def project(
    request: pytest.FixtureRequest, emu: Emulator, tmp_path_factory: pytest.TempPathFactory, plugin_archive: Path
) -> Project:
    proj = Project.create(tmp_path_factory.mktemp("quotas") / "project", hw_env(emu))
    proj.face = request.param
    if proj.face == "native":
        proj.install_plugin(plugin_archive)
    (proj.root / "__main__.py").write_text(PROGRAM)
    STATE.clear()
    return proj


STATE: dict[str, Any] = {}  # ids between the steps of the current face's lifecycle


def program(
    project: Project, quotas: list[dict[str, Any]], workspaces: list[dict[str, Any]], lookups: bool = True
) -> None:
    (project.root / "program.json").write_text(
        json.dumps({"workspaces": workspaces, "quotas": quotas, "lookups": lookups, "face": project.face})
    )


def team_quotas(values: dict[str, int]) -> dict[str, Any]:
    return {"resource": "team-quotas", "workspace": "ref:team", "quotas": values}


DEFAULT_QUOTAS = {
    "resource": "default-quotas",
    "workspace": "0",
    "quotas": {TRAIN: 500},
    "keywords": True,
    "secret": True,
}


def assert_derived_quotas_secret(exported: str, resource: str) -> None:
    """Secret `quotas` (a secret Output): every output that carries their values, the quotas, the
    values before Pulumi and the whole catalogue, is encrypted in the state."""
    found = [r for r in json.loads(exported)["deployment"]["resources"] if r["urn"].endswith(f"::{resource}")]
    assert len(found) == 1, resource
    outputs = found[0]["outputs"]
    derived = [k for k in outputs if k.lower().replace("_", "") in ("quotas", "originalquotas", "allquotas")]
    assert len(derived) == 3, sorted(outputs)
    for key in derived:
        assert "ciphertext" in json.dumps(outputs[key]), f"{key} of {resource} is in the state in plain text"


def live_id(emu: Emulator, name: str) -> str:
    return next(w["id"] for w in emu.workspaces() if w["name"] == name and w["status"] != "DELETING")


def values(emu: Emulator, workspace_id: str, *resources: str) -> tuple[int, ...]:
    live = emu.workspace_quotas(workspace_id)
    return tuple(live[r]["quota"] for r in resources)


def quota_plan(project: Project) -> dict[str, str]:
    data = json.loads(project.run("preview", "--json", "--diff").stdout)
    return {
        step["urn"].rsplit("::", 1)[-1]: step["op"]
        for step in data.get("steps", [])
        if step["op"] not in ("same", "create-replacement", "delete-replaced")
        and "pulumi:pulumi:Stack" not in step["urn"]
    }


class TestQuotaStack:
    def test_set_with_outputs_and_secrets(self, emu: Emulator, project: Project) -> None:
        program(project, [team_quotas({GPU: 600, NB: 30}), DEFAULT_QUOTAS], [TEAM])
        emu.reset_counts()
        project.up()
        team = live_id(emu, "e2e-quota-team")
        assert values(emu, team, GPU, NB, TRAIN) == (600, 30, -1)
        assert values(emu, "0", TRAIN, GPU) == (500, 10)
        assert emu.route_counts()[QUOTA_PUT] == 2  # one PUT per WorkspaceQuotas
        outputs = project.outputs()
        assert outputs["default_gpu_used"] == 5 and outputs["team_gpu_unit"] == "minute"
        assert outputs["team-quotas_shown"] == len(emu.workspace_quotas(team))
        state = project.export(show_secrets=True)
        assert "used_quota" not in state and "usedQuota" not in state  # usage changes all the time
        assert_derived_quotas_secret(project.export(), "default-quotas")
        native = project.face == "native"
        assert ("modelarts:index:WorkspaceQuotas" if native else "dynamic/modelarts:WorkspaceQuotas") in state
        STATE["team"] = team

    def test_nightly_refresh_preview_stays_green_while_usage_moves(self, emu: Emulator, project: Project) -> None:
        emu.put_quota_raw(STATE["team"], GPU, used=321)
        emu.put_quota_raw(STATE["team"], NB, used=4)
        project.run("preview", "--refresh", "--expect-no-changes")

    def test_a_workspace_updated_in_place_leaves_its_quotas_out_of_the_plan(self, project: Project) -> None:
        """The quotas are wired from `workspace_id`: a description change plans the workspace
        alone (on the dynamic face too, whose host has no update preview)."""
        team = {**TEAM, "args": {**TEAM["args"], "description": "now with a description"}}
        program(project, [team_quotas({GPU: 600, NB: 30}), DEFAULT_QUOTAS], [team])
        assert quota_plan(project) == {"team": "update"}

    def test_change_puts_once_and_restores_a_removed_quota(self, emu: Emulator, project: Project) -> None:
        program(project, [team_quotas({GPU: 1200, TRAIN: 100}), DEFAULT_QUOTAS], [TEAM, TEMP])
        assert quota_plan(project) == {"team-quotas": "update", "temp": "create"}
        emu.reset_counts()
        project.up()
        assert values(emu, STATE["team"], GPU, TRAIN, NB) == (1200, 100, 20)  # NB back to its default
        assert emu.route_counts()[QUOTA_PUT] == 1
        STATE["temp"] = live_id(emu, "e2e-quota-temp")

    def test_drift_shows_after_refresh_and_up_corrects_it(self, emu: Emulator, project: Project) -> None:
        emu.put_quota_raw(STATE["team"], GPU, quota=50)
        project.run("preview", "--expect-no-changes")  # without refresh the state is the truth
        project.run("refresh", "--yes", "--skip-preview")
        # also: quotas given the id of a workspace of this stack as a plain string
        temp_quotas = {"resource": "temp-quotas", "workspace": STATE["temp"], "quotas": {NB: 40}}
        program(project, [team_quotas({GPU: 1200, TRAIN: 100}), DEFAULT_QUOTAS, temp_quotas], [TEAM, TEMP])
        assert quota_plan(project) == {"team-quotas": "update", "temp-quotas": "create"}
        project.up()
        assert values(emu, STATE["team"], GPU) == (1200,)
        assert values(emu, STATE["temp"], NB) == (40,)
        project.run("preview", "--expect-no-changes")
        STATE["full"] = [team_quotas({GPU: 1200, TRAIN: 100}), DEFAULT_QUOTAS, temp_quotas]

    def test_invalid_values_fail_at_preview_without_api_calls(self, emu: Emulator, project: Project) -> None:
        bad = [team_quotas({GPU: 0, TRAIN: 1.5}), DEFAULT_QUOTAS, STATE["full"][2]]
        program(project, bad, [TEAM, TEMP], lookups=False)
        emu.reset_counts()
        proc = project.run("preview", check=False)
        text = proc.stdout + proc.stderr
        assert proc.returncode != 0 and "Traceback" not in without_program_runtime(text)
        assert f'quotas["{GPU}"]' in text and "whole number >= 1, or -1 for unlimited; got 0\n" in text
        assert f'quotas["{TRAIN}"]' in text and "got 1.5" in text
        assert emu.counts()["total"] == 0

    def test_values_the_workspace_rejects_fail_before_the_write(self, emu: Emulator, project: Project) -> None:
        bad = [team_quotas({GPU: 70000, NB: -1, "no.such": 3}), DEFAULT_QUOTAS, STATE["full"][2]]
        program(project, bad, [TEAM, TEMP])
        emu.reset_counts()
        proc = project.run("up", "--yes", "--skip-preview", check=False)
        text = proc.stdout + proc.stderr
        assert proc.returncode != 0 and "Traceback" not in without_program_runtime(text)
        assert f'quotas["{GPU}"]: 70000 is outside the allowed range -1..60000 minute' in text
        assert f'quotas["{NB}"]: -1 is outside the allowed range 1..100' in text
        assert 'quotas["no.such"]' in text and f"(valid: exemlProject.cpu_duration, {GPU}," in text
        assert QUOTA_PUT not in emu.route_counts()
        assert values(emu, STATE["team"], GPU, NB) == (1200, 20)

    def test_workspace_replaced_in_the_same_up_takes_its_quotas_along(self, emu: Emulator, project: Project) -> None:
        team = {"resource": "team", "args": {"name": "e2e-quota-team", "enterprise_project_id": EPS}}
        program(project, STATE["full"], [team, TEMP])
        project.up()
        new_team = live_id(emu, "e2e-quota-team")
        assert new_team != STATE["team"]
        assert STATE["team"] not in {w["id"] for w in emu.workspaces()}
        assert values(emu, new_team, GPU, TRAIN, NB) == (1200, 100, 20)
        project.run("preview", "--expect-no-changes")

    def test_destroy_restores_and_deletes_in_any_order(self, emu: Emulator, project: Project) -> None:
        project.run("destroy", "--yes", "--skip-preview")
        assert [w["id"] for w in emu.workspaces()] == ["0"]
        assert values(emu, "0", TRAIN, GPU) == (-1, 10)  # the default workspace as it was
