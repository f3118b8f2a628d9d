"""A first contact with the real service (opt-in, see docs/live.md): through the real `pulumi` CLI
and each face, create a workspace, read it back, update it, set a quota on it and delete it,
checking each step with the API client. Every workspace is named with the run's unique prefix;
whatever a failed step leaves behind is destroyed, then swept by that prefix."""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from modelarts_provider.api.client import ModelArtsClient
from modelarts_provider.core.errors import ModelArtsError, NotFoundError
from modelarts_provider.core.settings import resolve
from tests.e2e.pulumi_cli import Project

# The only quota resource the vendor documents (its range in the vendor's example: -1..60000).
GPU = "exemlProject.gpu_duration"
GPU_MINUTES = 120

PROGRAM = '''\
"""Live suite program: what to declare comes from live.json, rewritten between steps."""
import json

import pulumi

from modelarts_provider import Workspace, WorkspaceArgs, WorkspaceQuotas, WorkspaceQuotasArgs

spec = json.load(open("live.json"))
if spec["face"] == "native":
    from modelarts_provider.native.quota_sdk import NativeWorkspaceQuotas as WorkspaceQuotas
    from modelarts_provider.native.sdk import NativeWorkspace as Workspace
if spec.get("workspace"):
    ws = Workspace("live", WorkspaceArgs(**spec["workspace"]))
    pulumi.export("workspace_id", ws.workspace_id)
    if spec.get("quotas"):
        q = WorkspaceQuotas("live-quotas", WorkspaceQuotasArgs(workspace_id=ws.workspace_id, quotas=spec["quotas"]))
        pulumi.export("quotas", q.quotas)
'''


def live_env() -> dict[str, str]:
    """The `HW_*` settings of the run, passed on to every `pulumi` command."""
    return {key: value for key, value in os.environ.items() if key.startswith("HW_")}


@pytest.fixture
def client() -> Iterator[ModelArtsClient]:
    with ModelArtsClient(resolve()) as api:
        yield api


def declare(project: Project, workspace: dict[str, Any] | None, quotas: dict[str, int] | None = None) -> None:
    spec = {"face": project.face, "workspace": workspace, "quotas": quotas}
    (project.root / "live.json").write_text(json.dumps(spec))


def sweep(client: ModelArtsClient, prefix: str, timeout: float = 600) -> list[str]:
    """Delete every workspace whose name starts with `prefix` and wait until they are gone;
    the names it had to delete (empty when the stack's own destroy cleaned up)."""
    leftovers = [w for w in client.list_workspaces(name=prefix) if w.name.startswith(prefix)]
    for workspace in leftovers:
        if workspace.status != "DELETING":
            with contextlib.suppress(NotFoundError):
                client.delete_workspace(workspace.id)
    until = time.monotonic() + timeout
    while time.monotonic() < until:
        if not [w for w in client.list_workspaces(name=prefix) if w.name.startswith(prefix)]:
            break
        time.sleep(5)
    return [w.name for w in leftovers]


@pytest.mark.parametrize("face", ["dynamic", "native"])
def test_create_read_update_quotas_delete(
    face: str, prefix: str, client: ModelArtsClient, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    name = f"{prefix}{face}"
    project = Project.create(tmp_path / face, live_env(), name=f"live-{face}")
    project.face = face
    (project.root / "__main__.py").write_text(PROGRAM)
    if face == "native":
        project.install_plugin(request.getfixturevalue("plugin_archive"))
    try:
        # create
        declare(project, {"name": name, "description": "modelarts-provider live suite", "auth_type": "PRIVATE"})
        project.up()
        workspace_id = project.outputs()["workspace_id"]
        live = client.get_workspace(workspace_id)
        assert (live.name, live.status, live.auth_type) == (name, "NORMAL", "PRIVATE")

        # read: a refresh finds no drift, and the next preview plans nothing
        project.run("refresh", "--yes", "--skip-preview")
        project.run("preview", "--expect-no-changes")

        # update in place
        declare(project, {"name": name, "description": "updated by the live suite", "auth_type": "PRIVATE"})
        project.up()
        assert project.outputs()["workspace_id"] == workspace_id  # not replaced
        assert client.get_workspace(workspace_id).description == "updated by the live suite"

        # quotas on it
        declare(
            project,
            {"name": name, "description": "updated by the live suite", "auth_type": "PRIVATE"},
            {GPU: GPU_MINUTES},
        )
        project.up()
        assert client.get_workspace_quotas(workspace_id).by_resource()[GPU].quota == GPU_MINUTES
        project.run("preview", "--refresh", "--expect-no-changes")

        # delete (the quotas are restored first, then the workspace goes)
        project.run("destroy", "--yes", "--skip-preview")
        try:
            gone = client.get_workspace(workspace_id).status == "DELETING"
        except NotFoundError:
            gone = True
        assert gone
    finally:
        cleanup = project.run("destroy", "--yes", "--skip-preview", check=False)
        try:
            swept = sweep(client, name)
        except ModelArtsError as exc:
            pytest.fail(f"could not sweep workspaces named {name}*: {exc}; delete them by hand")
        project.run("stack", "rm", "--yes", "--force", check=False)
        if cleanup.returncode != 0 and swept:
            print(f"live suite: the stack's destroy failed; swept {swept}")
