"""The debug switch through the real CLI on both faces: `HW_MODELARTS_DEBUG=1` in the environment
and `modelarts:debug` in stack config each make the provider print every API call to stderr,
which Pulumi shows in its output; no secret, token or signature is in it."""

from __future__ import annotations

from pathlib import Path

import pytest

from modelarts_provider.emulator import Emulator
from tests.conftest import hw_env
from tests.e2e.pulumi_cli import Project
from tests.test_debug_switch import debug_lines, secrets_of


@pytest.mark.parametrize("face", ["dynamic", "native"])
def test_the_switch_prints_every_call_on_both_faces(
    emu: Emulator, tmp_path: Path, plugin_archive: Path, face: str
) -> None:
    project = Project.create(tmp_path / "debug", {**hw_env(emu, "password"), "HW_MODELARTS_DEBUG": "1"})
    project.face = face
    if face == "native":
        project.install_plugin(plugin_archive)
    name = f"debug-{face}"
    project.program([{"resource": "ws", "args": {"name": name}}])
    created = project.up()
    text = created.stdout + created.stderr
    workspaces = f"/v1/{emu.config.project_id}/workspaces"
    posts = [line for line in debug_lines(text) if line["method"] == "POST" and line["path"] == workspaces]
    assert len(posts) == 1 and posts[0]["outcome"] == "200" and posts[0]["rid"], text[-3000:]
    assert any(line["path"] == "/v3/auth/tokens" for line in debug_lines(text))

    # the provider config instead of the environment
    del project.env["HW_MODELARTS_DEBUG"]
    project.config("modelarts:debug", "true")
    project.program([{"resource": "ws", "args": {"name": name, "description": "seen"}}])
    updated = project.up()
    workspace_id = project.outputs()["ws"]
    puts = [line for line in debug_lines(updated.stdout + updated.stderr) if line["method"] == "PUT"]
    assert [(line["path"], line["outcome"]) for line in puts] == [(f"{workspaces}/{workspace_id}", "200")]

    project.config("modelarts:debug", "false")
    project.program([{"resource": "ws", "args": {"name": name}}])
    quiet = project.up()
    assert "modelarts-debug" not in quiet.stdout + quiet.stderr
    project.run("destroy", "--yes", "--skip-preview")

    everything = "\n".join(project.transcript)
    for secret in secrets_of(emu):
        assert secret not in everything
    assert "Signature=" not in everything and "X-Auth-Token" not in everything
