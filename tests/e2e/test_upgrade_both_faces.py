"""Stacks written by the previous release keep working, for both resources on both faces.

The previous release is the package as of commit PREVIOUS (`git archive`), first on PYTHONPATH,
and the plugin archive its own `scripts/build-plugin.sh` made. One `pulumi up` with it creates a
stack holding a dynamic `Workspace` and `WorkspaceQuotas` and a native `modelarts:index:Workspace`
and `modelarts:index:WorkspaceQuotas`. Then the stack switches to this checkout (PYTHONPATH, and
the plugin archive built from it in place of the old one) and previews empty, refreshes, previews
empty, updates in place and destroys, through the real CLI, with the emulator's workspaces checked
at every step. `HW_MODELARTS_DEBUG`, which the previous release does not know, proves that both the
dynamic provider process and the plugin process run this checkout's code.

The dynamic resources' state holds the provider pickled by the previous release (`__provider`,
base64 of a dill pickle). Those blobs must unpickle with this checkout alone; the module paths
they name (every GLOBAL / STACK_GLOBAL of `pickletools`) must stay importable:

    WorkspaceProvider blob:        modelarts_provider.provider.WorkspaceProvider
    WorkspaceQuotasProvider blob:  modelarts_provider.quota_provider.WorkspaceQuotasProvider

(BLOB_GLOBALS below; nothing else, not even a dill helper, is referenced.) The update rewrites
the outputs' blob (the one `refresh` and `destroy` load) of the resources it changes, naming the
classes by their `__module__`, which this checkout keeps at those same public paths; one dynamic
workspace and one dynamic quotas resource stay untouched and keep the old blob there, so
`destroy` loads blobs of both releases.
"""

from __future__ import annotations

import base64
import json
import os
import pickletools
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from modelarts_provider import WorkspaceProvider, WorkspaceQuotasProvider
from modelarts_provider.emulator import Emulator
from tests.conftest import hw_env
from tests.e2e.pulumi_cli import REPO, Project, package_at
from tests.test_debug_switch import debug_lines

PREVIOUS = "d655f0624f3eaf5c599756fb0758c6bd6f986c23"  # main when issue 24 (the package layout) was filed
GPU = "exemlProject.gpu_duration"  # the one quota the vendor documents: the emulator's default catalogue
QUOTA_PUT = "PUT /v1/{project_id}/workspaces/{id}/quotas"
WORKSPACE_PUT = "PUT /v1/{project_id}/workspaces/{id}"
DYNAMIC_WORKSPACE = "pulumi-python:dynamic/modelarts:Workspace"
DYNAMIC_QUOTAS = "pulumi-python:dynamic/modelarts:WorkspaceQuotas"
BLOB_GLOBALS = {
    DYNAMIC_WORKSPACE: ["modelarts_provider.provider.WorkspaceProvider"],
    DYNAMIC_QUOTAS: ["modelarts_provider.quota_provider.WorkspaceQuotasProvider"],
}

PROGRAM = '''\
"""Upgrade test program: a workspace and its quotas per entry of program.json, on its face."""
import json

import pulumi

from modelarts_provider import Grant, Workspace, WorkspaceArgs, WorkspaceQuotas, WorkspaceQuotasArgs
from modelarts_provider.native.quota_sdk import NativeWorkspaceQuotas
from modelarts_provider.native.sdk import NativeWorkspace

FACES = {"dynamic": (Workspace, WorkspaceQuotas), "native": (NativeWorkspace, NativeWorkspaceQuotas)}
for item in json.load(open("program.json")):
    workspace_class, quotas_class = FACES[item["face"]]
    args = dict(item["workspace"])
    if "grants" in args:
        args["grants"] = [Grant(**g) for g in args["grants"]]
    workspace = workspace_class(item["resource"], WorkspaceArgs(**args))
    quotas_name = item["resource"] + "-quotas"
    if item.get("keywords"):
        quotas_class(quotas_name, workspace_id=workspace.workspace_id, quotas=item["quotas"])
    else:
        quotas_class(quotas_name, WorkspaceQuotasArgs(workspace_id=workspace.workspace_id, quotas=item["quotas"]))
    pulumi.export(item["resource"], workspace.workspace_id)
'''

TEAM_ARGS: dict[str, Any] = {"auth_type": "INTERNAL", "grants": [{"user_name": "zoe"}, {"user_name": "adam"}]}
STACK: list[dict[str, Any]] = [
    {
        "face": "dynamic",
        "resource": "dyn-team",
        "workspace": {"name": "up2-dyn-team", "description": "first", **TEAM_ARGS},
        "quotas": {GPU: 600},
    },
    {
        "face": "dynamic",
        "resource": "dyn-kept",
        "workspace": {"name": "up2-dyn-kept", "description": "kept"},
        "quotas": {GPU: 700},
        "keywords": True,
    },
    {
        "face": "native",
        "resource": "nat-team",
        "workspace": {"name": "up2-nat-team", "description": "first", **TEAM_ARGS},
        "quotas": {GPU: 800},
    },
]
# a description and a quota value on each face; dyn-kept and dyn-team-quotas keep their old blobs
CHANGED: list[dict[str, Any]] = [
    {**STACK[0], "workspace": {**STACK[0]["workspace"], "description": "second"}},
    {**STACK[1], "quotas": {GPU: 900}},
    {**STACK[2], "workspace": {**STACK[2]["workspace"], "description": "second"}, "quotas": {GPU: 1000}},
]


@dataclass
class Release:
    package: Path  # for PYTHONPATH
    plugin: Path  # the plugin archive


@dataclass
class OldStack:
    project: Project
    state: dict[str, Any]  # `stack export --show-secrets` right after the previous release's up
    ids: dict[str, str]  # workspace name -> id


@pytest.fixture(scope="module")
def previous_release(tmp_path_factory: pytest.TempPathFactory) -> Release:
    also = ("scripts/build-plugin.sh", "pyproject.toml")  # its own plugin build and the version it reads
    root = package_at(PREVIOUS, tmp_path_factory.mktemp("previous-release"), *also)
    built = subprocess.run(
        [str(root / "scripts" / "build-plugin.sh"), str(root / "dist")], check=True, capture_output=True, text=True
    )
    return Release(root, Path(built.stdout.strip().splitlines()[-1]))


def live(emu: Emulator) -> dict[str, dict[str, Any]]:
    return {w["name"]: w for w in emu.workspaces() if w["id"] != "0" and w["status"] != "DELETING"}


def gpu_quotas(emu: Emulator, ids: dict[str, str]) -> dict[str, int]:
    return {name: emu.workspace_quotas(workspace_id)[GPU]["quota"] for name, workspace_id in ids.items()}


def write_program(project: Project, stack: list[dict[str, Any]]) -> None:
    (project.root / "program.json").write_text(json.dumps(stack))


def planned(project: Project) -> dict[str, str]:
    """`preview --json`: every resource with an operation other than `same`, by name."""
    data = json.loads(project.run("preview", "--json", "--diff").stdout)
    return {
        step["urn"].rsplit("::", 1)[-1]: step["op"]
        for step in data.get("steps", [])
        if step["op"] != "same" and "pulumi:pulumi:Stack" not in step["urn"]
    }


@pytest.fixture(scope="module")
def old_stack(emu: Emulator, previous_release: Release, tmp_path_factory: pytest.TempPathFactory) -> OldStack:
    """The stack as the previous release wrote it (its package and its plugin), after one up."""
    env = {**hw_env(emu), "PYTHONPATH": str(previous_release.package)}
    project = Project.create(tmp_path_factory.mktemp("upgrade") / "project", env)
    (project.root / "__main__.py").write_text(PROGRAM)
    write_program(project, STACK)
    project.install_plugin(previous_release.plugin)
    project.up()
    state = json.loads(project.export(show_secrets=True))
    types = [r["type"] for r in state["deployment"]["resources"]]
    for kind in (DYNAMIC_WORKSPACE, DYNAMIC_QUOTAS, "modelarts:index:Workspace", "modelarts:index:WorkspaceQuotas"):
        assert kind in types, types
    ids = {name: w["id"] for name, w in live(emu).items()}
    assert set(ids) == {"up2-dyn-team", "up2-dyn-kept", "up2-nat-team"}
    assert gpu_quotas(emu, ids) == {"up2-dyn-team": 600, "up2-dyn-kept": 700, "up2-nat-team": 800}
    return OldStack(project, state, ids)


def plain(value: Any) -> Any:
    """A value of `stack export --show-secrets` with its secret wrappers taken off."""
    if isinstance(value, dict) and "plaintext" in value:
        return plain(json.loads(value["plaintext"]))
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def referenced_globals(blob: bytes) -> list[str]:
    """Every `module.name` a pickle loads by GLOBAL or STACK_GLOBAL (the module and name of a
    STACK_GLOBAL are the two strings pushed before it, directly or from the memo)."""
    pushed: list[Any] = []
    memo: dict[int, Any] = {}
    found: list[str] = []
    for op, arg, _ in pickletools.genops(blob):
        if op.name == "GLOBAL":
            found.append(str(arg).replace(" ", "."))
            pushed.append(None)
        elif op.name == "STACK_GLOBAL":
            found.append(f"{pushed[-2]}.{pushed[-1]}")
            pushed.append(None)
        elif op.name == "MEMOIZE":
            memo[len(memo)] = pushed[-1] if pushed else None
        elif op.name in ("PUT", "BINPUT", "LONG_BINPUT"):
            memo[int(str(arg))] = pushed[-1] if pushed else None
        elif op.name in ("GET", "BINGET", "LONG_BINGET"):
            pushed.append(memo.get(int(str(arg))))
        else:
            pushed.append(arg if isinstance(arg, str) and "UNICODE" in op.name else None)
    return found


def dynamic_resources(state: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    by_type: dict[str, list[dict[str, Any]]] = {DYNAMIC_WORKSPACE: [], DYNAMIC_QUOTAS: []}
    for resource in state["deployment"]["resources"]:
        if resource["type"] in by_type:
            by_type[resource["type"]].append(resource)
    return by_type


def stored_blobs(project: Project) -> dict[str, list[str]]:
    """What the pickled provider in the outputs of each dynamic resource in the stack's state
    references: the blob `refresh` and `destroy` load (the inputs hold the one of the last check)."""
    state = json.loads(project.export(show_secrets=True))
    found = {}
    for resources in dynamic_resources(state).values():
        for resource in resources:
            blob = base64.b64decode(plain(resource["outputs"])["__provider"])
            found[resource["urn"].rsplit("::", 1)[-1]] = referenced_globals(blob)
    return found


# Run in a fresh interpreter with this checkout alone on PYTHONPATH: loads each blob as the dynamic
# provider host does (pulumi/dynamic/__main__.py get_provider: dill.loads inside _deserialize, then
# configure), and reports what it resolved to and what check and diff answer.
UNPICKLE = """\
import base64, json, sys

import dill
from pulumi.dynamic import Config, ConfigureRequest
from pulumi.runtime._serialization import _deserialize

import modelarts_provider
from modelarts_provider.provider import WorkspaceProvider
from modelarts_provider.quota_provider import WorkspaceQuotasProvider

NEW = {"Workspace": WorkspaceProvider, "WorkspaceQuotas": WorkspaceQuotasProvider}
report = {"package": modelarts_provider.__file__, "resources": []}
for item in json.load(sys.stdin):
    provider = _deserialize(lambda: dill.loads(base64.b64decode(item["inputs"]["__provider"])))
    provider.configure(ConfigureRequest(Config(raw_config={}, project_name="upgrade")))
    checked = provider.check(item["inputs"], item["inputs"])
    same = provider.diff(item["id"], item["outputs"], checked.inputs)
    changed_inputs = {**item["inputs"], **item["change"]}
    changed = provider.diff(item["id"], item["outputs"], provider.check(item["inputs"], changed_inputs).inputs)
    report["resources"].append({
        "kind": item["kind"],
        "class": f"{type(provider).__module__}.{type(provider).__qualname__}",
        "is_new_class": type(provider) is NEW[item["kind"]],
        "check_failures": [(f.property, f.reason) for f in checked.failures or []],
        "same": [same.changes, list(same.replaces or [])],
        "changed": [changed.changes, list(changed.replaces or [])],
    })
json.dump(report, sys.stdout)
"""


def test_the_previous_release_blobs_load_with_this_checkout(old_stack: OldStack, emu: Emulator, tmp_path: Path) -> None:
    """The pickled providers of the previous release resolve to this checkout's classes, which
    check the stored inputs clean and diff them as unchanged (and a change as an update)."""
    changes = {DYNAMIC_WORKSPACE: {"description": "another"}, DYNAMIC_QUOTAS: {"quotas": {GPU: 1234}}}
    items = []
    for kind, resources in dynamic_resources(old_stack.state).items():
        assert len(resources) == 2, resources
        for resource in resources:
            inputs, outputs = plain(resource["inputs"]), plain(resource["outputs"])
            assert outputs["__provider"] == inputs["__provider"]
            blob = base64.b64decode(inputs["__provider"])
            assert referenced_globals(blob) == BLOB_GLOBALS[kind]
            short = kind.rsplit(":", 1)[-1]
            item = {"kind": short, "id": resource["id"], "inputs": inputs, "outputs": outputs}
            items.append({**item, "change": changes[kind]})

    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    env.update({**hw_env(emu), "PYTHONPATH": str(REPO)})
    emu.reset_counts()
    proc = subprocess.run(
        [sys.executable, "-c", UNPICKLE],
        input=json.dumps(items),
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    report = json.loads(proc.stdout)
    assert Path(report["package"]).resolve().is_relative_to(REPO)
    assert len(report["resources"]) == 4
    for result in report["resources"]:
        assert result["is_new_class"], result
        assert result["check_failures"] == [], result
        assert result["same"] == [False, []], result
        assert result["changed"] == [True, []], result
    assert emu.counts()["total"] == 0  # check and diff never call the API


def test_a_stack_of_the_previous_release_keeps_working_on_both_faces(
    old_stack: OldStack, emu: Emulator, plugin_archive: Path
) -> None:
    project, before = old_stack.project, old_stack.ids
    project.env["PYTHONPATH"] = str(REPO)
    project.run("plugin", "rm", "resource", "modelarts", "--all", "--yes")
    project.install_plugin(plugin_archive)

    project.run("preview", "--expect-no-changes")
    project.env["HW_MODELARTS_DEBUG"] = "1"  # unknown to the previous release: only new code prints
    refreshed = project.run("refresh", "--yes", "--skip-preview")
    del project.env["HW_MODELARTS_DEBUG"]
    read = {line["path"] for line in debug_lines(refreshed.stdout + refreshed.stderr) if line["method"] == "GET"}
    workspaces = f"/v1/{emu.config.project_id}/workspaces"
    for name, workspace_id in before.items():  # both the dynamic provider and the plugin ran this checkout
        ran_new_code = {f"{workspaces}/{workspace_id}", f"{workspaces}/{workspace_id}/quotas"} <= read
        assert ran_new_code, f"{name}: its provider printed no debug line, so it is not this checkout's code"
    assert {name: w["id"] for name, w in live(emu).items()} == before
    project.run("preview", "--expect-no-changes")

    write_program(project, CHANGED)
    assert planned(project) == {
        "dyn-team": "update",
        "dyn-kept-quotas": "update",
        "nat-team": "update",
        "nat-team-quotas": "update",
    }
    emu.reset_counts()
    project.up()
    routes = emu.route_counts()
    assert (routes.get(WORKSPACE_PUT), routes.get(QUOTA_PUT)) == (2, 2), routes
    assert emu.counts().get("POST", 0) == 0 and emu.counts().get("DELETE", 0) == 0, emu.counts()
    after = live(emu)
    assert {name: w["id"] for name, w in after.items()} == before  # nothing replaced
    assert after["up2-dyn-team"]["description"] == "second" and after["up2-nat-team"]["description"] == "second"
    assert after["up2-dyn-kept"]["description"] == "kept"
    for name in ("up2-dyn-team", "up2-nat-team"):
        assert {g["user_name"] for g in after[name]["grants"]} == {"zoe", "adam"}
    assert gpu_quotas(emu, before) == {"up2-dyn-team": 600, "up2-dyn-kept": 900, "up2-nat-team": 1000}
    project.run("preview", "--expect-no-changes")
    now = {DYNAMIC_WORKSPACE: f"{WorkspaceProvider.__module__}.WorkspaceProvider"}
    now[DYNAMIC_QUOTAS] = f"{WorkspaceQuotasProvider.__module__}.WorkspaceQuotasProvider"
    assert stored_blobs(project) == {
        "dyn-team": [now[DYNAMIC_WORKSPACE]],
        "dyn-kept": BLOB_GLOBALS[DYNAMIC_WORKSPACE],  # the destroy below loads old blobs too
        "dyn-team-quotas": BLOB_GLOBALS[DYNAMIC_QUOTAS],
        "dyn-kept-quotas": [now[DYNAMIC_QUOTAS]],
    }

    project.run("destroy", "--yes", "--skip-preview")
    assert live(emu) == {}
    assert [r["type"] for r in json.loads(project.export())["deployment"].get("resources") or []] == []
