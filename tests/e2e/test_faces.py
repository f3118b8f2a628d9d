"""One stack lifecycle through the real CLI for each face (dynamic `Workspace`, native plugin
`NativeWorkspace` installed from the archive): up, empty preview, update, destroy. On the native
face also `pulumi import` (single `ID` and `REGION/ID`, and the bulk file `workspaces adopt-code
--format pulumi-import` writes) with zero writes, and a state holding only its own config."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from modelarts_provider.emulator import Emulator, EmulatorConfig, Fault
from modelarts_provider.native import schema
from tests.conftest import hw_env
from tests.e2e.pulumi_cli import REPO, Project
from tests.e2e.test_stack import api

OTHER_SECRET = "other-token-Zq81"  # an unrelated provider's secret in the same stack config
WRITES = ("POST", "PUT", "DELETE")


@pytest.fixture(scope="module")
def emu2() -> Iterator[Emulator]:
    """Another account in another region, with slow deletes."""
    config = EmulatorConfig(
        delete_duration=4.0, region="ap-southeast-1", access_key="SECONDAK00000000000", secret_key="second-secret"
    )
    with Emulator(config) as emulator:
        yield emulator


def diagnostics_of(output: str, resource: str) -> str:
    """What the CLI printed under one workspace in its Diagnostics section: the provider's error.
    (The Python program's own runtime sometimes prints an SDK traceback of its own when an up
    fails, "no running event loop" in pulumi/runtime/_callbacks.py: that is not our message.)"""
    header = f"modelarts:index:Workspace ({resource}):"
    assert header in output, output[-3000:]
    return output.split(header, 1)[1].split("\n\n", 1)[0]


def live(emu: Emulator) -> dict[str, dict[str, Any]]:
    return {w["name"]: w for w in emu.workspaces() if w["id"] != "0" and w["status"] != "DELETING"}


def writes(emu: Emulator) -> int:
    counts = emu.counts()
    return sum(counts.get(k, 0) for k in WRITES)


PROGRAM = [
    {"resource": "open", "args": {"name": "faces-open", "description": "first-Desc-83"}, "secret": ["description"]},
    {
        "resource": "team",
        "args": {
            "name": "faces-team",
            "auth_type": "INTERNAL",
            "grants": [{"user_name": "zoe"}, {"user_name": "adam"}],
        },
    },
]


def project_for(face: str, emu: Emulator, root: Path, archive: Path) -> Project:
    env = hw_env(emu)
    if face == "native":  # the secret key as provider config, the access key only in HW_*
        env.pop("HW_SECRET_KEY")
    proj = Project.create(root, env)
    proj.face = face
    proj.config("other:token", OTHER_SECRET, secret=True)
    if face == "native":
        proj.install_plugin(archive)
        proj.config("modelarts:secretKey", emu.config.secret_key, secret=True)
        proj.config("modelarts:maxRetries", "3")
    return proj


@pytest.mark.parametrize("face", ["dynamic", "native"])
def test_lifecycle(face: str, emu: Emulator, emu2: Emulator, tmp_path: Path, plugin_archive: Path) -> None:
    proj = project_for(face, emu, tmp_path / face, plugin_archive)
    if face == "native":  # bad input: one line naming the property as the schema spells it, no API call
        proj.program([{"resource": "bad", "args": {"name": "faces-bad", "auth_type": "SECRETIVE"}}])
        emu.reset_counts()
        failed = proj.run("preview", check=False)
        said = diagnostics_of(failed.stdout, "bad")
        assert failed.returncode != 0 and "authType" in said and "Traceback" not in said and 'File "' not in said
        assert emu.counts()["total"] == 0
    proj.program(PROGRAM)
    proj.up()
    assert set(live(emu)) == {"faces-open", "faces-team"}
    assert "first-Desc-83" not in proj.export()  # a secret input gives secret outputs
    assert {g["user_name"] for g in live(emu)["faces-team"]["grants"]} == {"zoe", "adam"}
    assert proj.preview_steps()["ops"] == {}

    changed = json.loads(json.dumps(PROGRAM))
    changed[0]["args"]["description"] = "second-Desc-84"
    changed[1]["args"]["grants"].append({"user_name": "eve"})
    proj.program(changed)
    emu.reset_counts()
    assert proj.preview_steps()["ops"] == {"open": "update", "team": "update"}
    assert emu.counts()["total"] == 0  # a preview never calls the API
    emu.reset_counts()
    proj.up()
    assert emu.counts()["POST"] == 0 and emu.counts()["PUT"] == 2
    assert live(emu)["faces-open"]["description"] == "second-Desc-84"
    assert "second-Desc-84" not in proj.export()
    assert proj.preview_steps()["ops"] == {}

    if face == "native":
        program = check_import(proj, emu, changed)
        check_own_config_only(proj, emu)
        check_second_account(proj, emu, emu2, program)
        check_custom_timeouts(proj, emu, program)
        check_partial_state(proj, emu, program)
    else:
        move_to_native(proj, emu, changed, plugin_archive)

    proj.run("destroy", "--yes")
    assert live(emu) == {}


def check_import(proj: Project, emu: Emulator, program: list[dict[str, Any]]) -> list[dict[str, Any]]:
    client = api(emu)
    single = client.create_workspace({"name": "faces-single", "description": "made by hand"}).id
    other = client.create_workspace({"name": "faces-regional"}).id
    bulk = [
        client.create_workspace({"name": "faces-bulk-a"}).id,
        client.create_workspace({"name": "faces-bulk-b", "auth_type": "INTERNAL", "grants": [{"user_name": "kim"}]}).id,
    ]
    env = {**os.environ, **hw_env(emu), "PYTHONPATH": str(REPO)}
    made = subprocess.run(
        [
            sys.executable,
            "-m",
            "modelarts_provider",
            "workspaces",
            "adopt-code",
            "--format",
            "pulumi-import",
            "--name",
            "faces-bulk",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    (proj.root / "import.json").write_text(made)
    entries = json.loads(made)["resources"]
    assert sorted(e["id"] for e in entries) == sorted(bulk)

    emu.reset_counts()
    flags = ("--yes", "--generate-code=false", "--protect=false")
    proj.run("import", "modelarts:index:Workspace", "single", single, *flags)
    proj.run("import", "modelarts:index:Workspace", "regional", f"{emu.config.region}/{other}", *flags)
    proj.run("import", "--file", str(proj.root / "import.json"), *flags)
    declared = [
        {"resource": "single", "args": {"name": "faces-single", "description": "made by hand"}},
        {"resource": "regional", "args": {"name": "faces-regional"}},
        {"resource": entries[0]["name"], "args": {"name": "faces-bulk-a"}},
        {
            "resource": entries[1]["name"],
            "args": {"name": "faces-bulk-b", "auth_type": "INTERNAL", "grants": [{"user_name": "kim"}]},
        },
    ]
    proj.program(program + declared)
    assert proj.preview_steps()["ops"] == {}
    proj.up()
    assert writes(emu) == 0, emu.counts()
    return program + declared


def check_second_account(proj: Project, emu: Emulator, emu2: Emulator, program: list[dict[str, Any]]) -> None:
    """An explicit provider instance with its own account and region; its customTimeouts win."""
    cfg = emu2.config
    second = {
        "resource": "second",
        "args": {
            "region": cfg.region,
            "endpoint": emu2.url,
            "auth_url": emu2.url + "/v3",
            "access_key": cfg.access_key,
            "secret_key": cfg.secret_key,
        },
    }
    far = {"resource": "far", "provider": "second", "args": {"name": "faces-far"}, "timeouts": {"delete": "1s"}}
    proj.program([*program, far], providers=[second])
    emu.reset_counts()
    proj.up()
    assert "faces-far" in live(emu2) and "faces-far" not in live(emu) and writes(emu) == 0
    assert cfg.secret_key not in proj.export()
    shown = proj.export(show_secrets=True)  # an explicit provider stores nothing from HW_* either
    assert emu.config.access_key not in shown and emu.url not in shown

    failed = proj.run(
        "destroy", "--yes", "--target", "urn:pulumi:e2e::modelarts-e2e::modelarts:index:Workspace::far", check=False
    )
    assert failed.returncode != 0 and "still DELETING after 1s" in failed.stdout, failed.stdout[-3000:]
    # the error sits under its workspace, not floating in the output
    under = failed.stdout.split("modelarts:index:Workspace (far):", 1)[-1]
    assert "workspace 'faces-far'" in under.split("\n\n", 1)[0], failed.stdout[-3000:]
    deadline = time.monotonic() + 20
    while "faces-far" in {w["name"] for w in emu2.workspaces()} and time.monotonic() < deadline:
        time.sleep(0.2)
    proj.program(program)
    proj.up()
    assert live(emu2) == {}


def failing_up(proj: Project, resource: str, *extra: str) -> tuple[str, float]:
    """An `up` that must fail: what the CLI printed under `resource`, and how long the up took."""
    started = time.monotonic()
    failed = proj.run("up", "--yes", "--skip-preview", *extra, check=False)
    took = time.monotonic() - started
    assert failed.returncode != 0, failed.stdout[-3000:]
    return diagnostics_of(failed.stdout, resource), took


def check_custom_timeouts(proj: Project, emu: Emulator, program: list[dict[str, Any]]) -> None:
    """customTimeouts update and create win over the defaults (delete: check_second_account): a
    PUT the server answers only after 40 s (read timeout 60 s, retryDeadline 100 s), and a
    create waiting for its name held by a workspace deleted in the console that stays DELETING
    for 60 s (create waits up to 600 s by default), each end after about 2 s with one line."""
    slow = {"resource": "slow", "args": {"name": "faces-slow"}, "timeouts": {"create": "2s", "update": "2s"}}
    proj.program([*program, slow])
    proj.up()
    old_id = live(emu)["faces-slow"]["id"]

    proj.program([*program, {**slow, "args": {"name": "faces-slow", "description": "slowly"}}])
    emu.add_fault(Fault("latency", method="PUT", path=r"/workspaces/[0-9a-f]{32}$", seconds=40.0))
    said, took = failing_up(proj, "slow")
    emu.clear_faults()
    assert took < 20, (took, said)
    assert "update of workspace 'faces-slow' did not finish within its customTimeouts update of 2s" in said, said
    assert "retryDeadline" not in said and "Traceback" not in said

    emu.config.delete_duration = 60.0
    emu.put_workspace_raw(old_id, status="DELETING")  # deleted in the console; `up --refresh` replaces it
    said, took = failing_up(proj, "slow", "--refresh")
    assert took < 20, (took, said)
    assert "create of workspace 'faces-slow' did not finish within its customTimeouts create of 2s" in said, said
    assert f"workspace 'faces-slow' ({old_id}) is still DELETING" in said and "Traceback" not in said
    assert [w["id"] for w in emu.workspaces() if w["name"] == "faces-slow"] == [old_id]  # nothing created
    emu.config.delete_duration = 0.3  # the old one is gone now: the stack lets it go
    proj.program(program)
    proj.up()
    assert "faces-slow" not in {w["name"] for w in emu.workspaces()}


def check_partial_state(proj: Project, emu: Emulator, program: list[dict[str, Any]]) -> None:
    """A create whose POST worked but whose confirmation failed stays in the state with its id
    (ErrorResourceInitFailed); the next up continues from there: no second POST, no DELETE."""
    shaky = {
        "resource": "shaky",
        "args": {"name": "faces-shaky", "auth_type": "INTERNAL", "grants": [{"user_name": "lee"}]},
    }
    proj.program([*program, shaky])
    emu.add_fault(Fault("status", method="GET", path=r"/workspaces/[0-9a-f]{32}$", count=None, status=503))
    emu.reset_counts()
    failed = proj.up_failing()
    emu.clear_faults()
    said = diagnostics_of(failed, "shaky")
    assert "was created but could not be confirmed" in said and "Traceback" not in said, failed[-2000:]
    state = json.loads(proj.export())["deployment"]["resources"]
    [kept] = [r for r in state if r["urn"].endswith("::shaky")]
    assert kept["id"] == live(emu)["faces-shaky"]["id"] and kept.get("initErrors")
    assert emu.counts()["POST"] == 1
    emu.reset_counts()
    proj.up()
    assert writes(emu) == 0, emu.counts()
    state = json.loads(proj.export())["deployment"]["resources"]
    [kept] = [r for r in state if r["urn"].endswith("::shaky")]
    assert kept["outputs"]["status"] == "NORMAL" and not kept.get("initErrors")
    assert proj.preview_steps()["ops"] == {}


def move_to_native(proj: Project, emu: Emulator, program: list[dict[str, Any]], archive: Path) -> None:
    """The documented move: state delete + bulk import of the same ids; ModelArts sees no write."""
    export = proj.root / "export.json"
    proj.run("stack", "export", "--file", str(export))
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    made = subprocess.run(
        [sys.executable, "-m", "modelarts_provider", "workspaces", "migrate-file", str(export)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    (proj.root / "import.json").write_text(made.stdout)
    urns = [line.split("'")[1] for line in made.stderr.splitlines() if line.startswith("pulumi state delete")]
    assert len(urns) == len(program)
    emu.reset_counts()
    for urn in urns:
        proj.run("state", "delete", "--yes", urn)
    proj.install_plugin(archive)
    proj.run("import", "--file", str(proj.root / "import.json"), "--yes", "--generate-code=false", "--protect=false")
    proj.face = "native"
    proj.program(program)
    assert proj.preview_steps()["ops"] == {}
    proj.up()
    assert writes(emu) == 0, emu.counts()
    types = {r["type"] for r in json.loads(proj.export())["deployment"]["resources"]}
    assert "modelarts:index:Workspace" in types and "pulumi-python:dynamic/modelarts:Workspace" not in types


def check_own_config_only(proj: Project, emu: Emulator) -> None:
    state = json.loads(proj.export(show_secrets=True))
    raw = proj.export()
    assert OTHER_SECRET not in raw and OTHER_SECRET not in json.dumps(state)
    assert emu.config.access_key not in json.dumps(state)  # HW_* values are never stored
    assert emu.config.secret_key not in raw  # the provider's own secret is kept encrypted
    [provider] = [r for r in json.loads(raw)["deployment"]["resources"] if r["type"] == "pulumi:providers:modelarts"]
    assert set(provider["inputs"]) <= {"secretKey", "maxRetries", "version"}
    assert "ciphertext" in provider["inputs"]["secretKey"]
    printed = json.loads(proj.run("package", "get-schema", "modelarts").stdout)
    assert printed == schema.schema()


def test_yaml_example(emu: Emulator, tmp_path: Path, plugin_archive: Path) -> None:
    """examples/yaml as a YAML user runs it: up, empty preview, an update, destroy."""
    proj = Project.create(tmp_path / "yaml", hw_env(emu))
    proj.use_example(REPO / "examples" / "yaml")
    proj.install_plugin(plugin_archive)
    proj.up()
    outputs = proj.outputs()
    assert outputs["notesDescription"] == "next to default (0)"
    assert {g["user_name"] for g in live(emu)["yaml-team"]["grants"]} == {"alice", "bob"}
    assert proj.preview_steps()["ops"] == {}
    proj.config("teamLead", "carol")
    assert proj.preview_steps()["ops"] == {"team": "update"}
    proj.up()
    assert {g["user_name"] for g in live(emu)["yaml-team"]["grants"]} == {"carol", "bob"}
    proj.run("destroy", "--yes")
    assert live(emu) == {}


def test_native_import_from_a_second_region(tmp_path: Path, plugin_archive: Path) -> None:
    """`pulumi import modelarts:index:Workspace NAME REGION/ID` of a workspace in a region other
    than the provider's (two emulators as two regions, one account, per-region endpoints in the
    stack config as the schema's object `modelarts:endpoints`): recorded there, the next preview
    is empty, nothing is written."""
    south_project = "5e" * 16
    north_config = EmulatorConfig(delete_duration=0.3, other_projects={"ap-southeast-1": south_project})
    south_config = EmulatorConfig(region="ap-southeast-1", project_id=south_project, delete_duration=0.3)
    with Emulator(north_config) as north, Emulator(south_config) as south:
        made = api(south).create_workspace({"name": "faces-south", "description": "in the south"}).id
        proj = Project.create(tmp_path / "south", hw_env(north))
        proj.run("config", "set", "--path", 'modelarts:endpoints["ap-southeast-1"]', south.url)
        proj.face = "native"
        proj.install_plugin(plugin_archive)
        north.reset_counts()
        south.reset_counts()
        flags = ("--yes", "--generate-code=false", "--protect=false")
        proj.run("import", "modelarts:index:Workspace", "south", f"ap-southeast-1/{made}", *flags)
        proj.program(
            [
                {
                    "resource": "south",
                    "args": {"name": "faces-south", "description": "in the south", "region": "ap-southeast-1"},
                }
            ]
        )
        assert proj.preview_steps()["ops"] == {}
        assert writes(north) == 0 and writes(south) == 0, (north.counts(), south.counts())
        assert south.counts()["GET"] >= 1  # really read where it lives
        [resource] = [
            r for r in json.loads(proj.export())["deployment"]["resources"] if r.get("id") == f"ap-southeast-1/{made}"
        ]
        assert (resource["outputs"]["region"], resource["outputs"]["projectId"]) == ("ap-southeast-1", south_project)
        proj.run("destroy", "--yes", "--skip-preview")
        assert live(south) == {} and north.counts().get("DELETE", 0) == 0
