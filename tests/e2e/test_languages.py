"""examples/typescript and examples/go, as a user of each language runs them: the generated SDK
(sdk/nodejs as its npm tarball, sdk/go as a Go module), the native plugin from its archive,
the real CLI and the language's own host, against two emulators as two regions of one account.

One stack per language, every step in it (each run of a program costs a compile): a bad name
fails the preview, up, empty preview, an update, `pulumi import`, destroy, with the live
workspaces checked in the emulators after each. The secret description is only ciphertext in
the state, and none of the HW_* values the plugin reads from the environment is stored, although
the program declares an explicit provider (whose inputs the engine stores).
A missing node, npm or go fails these tests: they are part of CI."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from modelarts_provider.emulator import Emulator, EmulatorConfig
from tests.conftest import hw_env
from tests.e2e.pulumi_cli import REPO, Project
from tests.e2e.test_faces import diagnostics_of, live, writes
from tests.e2e.test_stack import api

SOUTH = "ap-southeast-1"
SOUTH_PROJECT = "5f" * 16
BRIEF = "brief-Secret-7731"  # the secret description
PROBLEM = "error: modelarts:index:Workspace resource 'team': property"


@pytest.fixture(scope="module")
def regions() -> Iterator[tuple[Emulator, Emulator]]:
    """One account in two regions: the stack's default one and SOUTH, each its own ModelArts."""
    north_config = EmulatorConfig(delete_duration=0.3, other_projects={SOUTH: SOUTH_PROJECT})
    south_config = EmulatorConfig(region=SOUTH, project_id=SOUTH_PROJECT, delete_duration=0.3)
    with Emulator(north_config) as north, Emulator(south_config) as south:
        yield north, south


def require_tools(*tools: str) -> None:
    missing = [tool for tool in tools if shutil.which(tool) is None]
    if missing:
        pytest.fail(f"{', '.join(missing)} not found on PATH: install it to run this test (CI needs it)")


def run(cmd: list[str], cwd: Path, env: dict[str, str], timeout: float = 900) -> str:
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    said = f"{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    assert proc.returncode == 0, f"{' '.join(cmd)} exited {proc.returncode}\n{said}"
    return proc.stdout


def example_project(language: str, root: Path, north: Emulator, archive: Path) -> Project:
    proj = Project.create(root, hw_env(north))
    proj.use_example(REPO / "examples" / language)
    proj.install_plugin(archive)
    return proj


def lifecycle(proj: Project, north: Emulator, south: Emulator, team: str) -> None:
    """Every step, on the example's stack; `team` is the example's default team name."""
    proj.config("otherEndpoint", south.url)
    proj.config("teamBrief", BRIEF, secret=True)

    # Bad input: one line naming the property as the schema spells it, at preview, no API call.
    proj.config("teamName", "no spaces allowed")
    proj.config("teamAccess", "SECRETIVE")
    north.reset_counts()
    failed = proj.run("preview", check=False)
    said = diagnostics_of(failed.stdout, "team").strip()
    assert failed.returncode != 0, failed.stdout[-3000:]
    lines = [line.strip() for line in said.splitlines()]  # one line per bad property, named as the schema spells it
    assert any(line.startswith(f"{PROBLEM} name value") and "may contain only" in line for line in lines), said
    assert any(line.startswith(f"{PROBLEM} authType value") and "must be one of" in line for line in lines), said
    assert all(line.startswith(PROBLEM) for line in lines) and "auth_type" not in said, said
    assert writes(north) == 0  # (the program's lookup is a read)
    proj.run("config", "rm", "teamName")
    proj.run("config", "rm", "teamAccess")

    proj.up()
    assert set(live(north)) == {team, f"{team}-notes"} and set(live(south)) == {f"{team}-archive"}
    team_ws = live(north)[team]
    assert team_ws["auth_type"].upper() == "INTERNAL" and team_ws["description"] == BRIEF
    assert {g["user_name"] for g in team_ws["grants"]} == {"alice", "bob"}
    assert live(north)[f"{team}-notes"]["description"] == f"Notes of workspace {team_ws['id']}"
    assert north.workspace_quotas(team_ws["id"])["exemlProject.gpu_duration"]["quota"] == 600
    outputs = proj.outputs()
    assert outputs["defaultWorkspaceId"] == "0" and outputs["archiveRegion"] == SOUTH
    assert outputs["archiveId"] == live(south)[f"{team}-archive"]["id"]
    check_state(proj, north)
    assert proj.preview_steps()["ops"] == {}

    proj.config("teamLead", "carol")
    north.reset_counts()
    assert proj.preview_steps()["ops"] == {"team": "update"}
    assert writes(north) == 0
    proj.up()
    assert {g["user_name"] for g in live(north)[team]["grants"]} == {"carol", "bob"}

    made = api(north).create_workspace({"name": f"{team}-found"}).id
    north.reset_counts()
    south.reset_counts()
    flags = ("--yes", "--generate-code=false", "--protect=false")
    proj.run("import", "modelarts:index:Workspace", f"{team}-found", made, *flags)
    proj.config("imported", json.dumps([f"{team}-found"]))
    assert proj.preview_steps()["ops"] == {}  # declared as it is: nothing to change
    assert set(live(north)) == {team, f"{team}-notes", f"{team}-found"} and set(live(south)) == {f"{team}-archive"}
    assert writes(north) == 0 and writes(south) == 0, north.counts()
    assert made in {r.get("id") for r in json.loads(proj.export())["deployment"]["resources"]}

    proj.run("destroy", "--yes", "--skip-preview")
    assert live(north) == {} and live(south) == {}


def check_state(proj: Project, north: Emulator, secret: str | None = BRIEF) -> None:
    """The secret input only as ciphertext; nothing the plugin read from HW_* stored, even in
    decrypted form (the explicit provider's inputs are only what the program gave it)."""
    raw = proj.export()
    shown = proj.export(show_secrets=True)
    if secret:
        assert secret not in raw and secret in shown  # it is there, encrypted
    env = hw_env(north)
    for name in ("HW_ACCESS_KEY", "HW_SECRET_KEY", "HW_MODELARTS_ENDPOINT", "HW_AUTH_URL"):
        assert env[name] not in shown, name
    resources = json.loads(raw)["deployment"]["resources"]
    providers = [r for r in resources if r["type"] == "pulumi:providers:modelarts"]
    [explicit] = [r for r in providers if r["urn"].endswith("::other-region")]
    assert set(explicit["inputs"]) - {"__internal"} <= {"region", "endpoint", "version"}, explicit["inputs"]


def test_typescript_example(regions: tuple[Emulator, Emulator], tmp_path: Path, plugin_archive: Path) -> None:
    require_tools("node", "npm")
    north, south = regions
    proj = example_project("typescript", tmp_path / "ts", north, plugin_archive)
    packed = run([str(REPO / "scripts" / "pack-nodejs-sdk.sh"), str(tmp_path / "npm")], REPO, proj.env)
    tarball = packed.strip().splitlines()[-1]
    run(["npm", "install", "--no-audit", "--no-fund", "--loglevel=error", tarball], proj.root, proj.env)
    lifecycle(proj, north, south, "ts-team")


def test_go_example(regions: tuple[Emulator, Emulator], tmp_path: Path, plugin_archive: Path) -> None:
    require_tools("go")
    north, south = regions
    proj = example_project("go", tmp_path / "go", north, plugin_archive)
    module = "github.com/modelarts-provider/modelarts-provider/sdk/go"
    # The flags of the CLI build (scripts/get-pulumi.sh): the first compile of the program reuses
    # the packages that build left in the Go build cache (about half the CPU time of a cold one).
    proj.env.update(GOFLAGS="-mod=mod -trimpath", CGO_ENABLED="0")
    run(["go", "mod", "edit", f"-replace={module}={REPO / 'sdk' / 'go'}"], proj.root, proj.env)
    lifecycle(proj, north, south, "go-team")


YAML_EXPLICIT_PROVIDER = """\
name: modelarts-yaml-provider
runtime: yaml
config:
  otherEndpoint:
    type: string
resources:
  other-region:
    type: pulumi:providers:modelarts
    properties:
      region: ap-southeast-1
      endpoint: ${otherEndpoint}
  far:
    type: modelarts:Workspace
    properties:
      name: yaml-far
    options:
      provider: ${other-region}
"""


def test_yaml_explicit_provider_stores_nothing_from_the_environment(
    regions: tuple[Emulator, Emulator], tmp_path: Path, plugin_archive: Path
) -> None:
    """YAML has no generated SDK: the engine gives the explicit provider only what the program
    declares, and the plugin reads HW_* itself (Python's NativeProvider: test_faces)."""
    north, south = regions
    proj = Project.create(tmp_path / "yaml", hw_env(north))
    (proj.root / "__main__.py").unlink()
    (proj.root / "Pulumi.yaml").write_text(YAML_EXPLICIT_PROVIDER)
    proj.run("stack", "init", proj.stack)
    proj.install_plugin(plugin_archive)
    proj.config("otherEndpoint", south.url)
    proj.up()
    assert set(live(south)) == {"yaml-far"} and live(north) == {}
    check_state(proj, north, secret=None)
    proj.run("destroy", "--yes", "--skip-preview")
    assert live(south) == {}
