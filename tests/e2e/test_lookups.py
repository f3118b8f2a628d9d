"""The get_* lookups inside a real Pulumi program, with plain values and with Outputs."""

from __future__ import annotations

from pathlib import Path

from modelarts_provider.emulator import Emulator, EmulatorConfig
from tests.conftest import hw_env
from tests.e2e.pulumi_cli import Project

PROGRAM = """\
import pulumi

import modelarts_provider as ma

ws = ma.Workspace("team", ma.WorkspaceArgs(name="lookup-team", auth_type="INTERNAL",
                                            grants=[ma.Grant(user_name="alice")]))
plain = ma.get_workspace("0")
pulumi.export("plain_name", plain.name)
looked_up = ma.get_workspace_output(ws.workspace_id)
pulumi.export("output_grants", looked_up.apply(lambda r: [g["user_name"] for g in r.grants]))
pulumi.export("by_name", ma.get_workspaces_output(ws.name).apply(lambda r: [w.id for w in r.workspaces]))
pulumi.export("maas", [w.name for w in ma.get_maas_workspaces().workspaces])
"""


def test_lookups_with_plain_values_and_outputs(tmp_path: Path) -> None:
    with Emulator(EmulatorConfig(region="ap-southeast-1")) as emu:  # MaaS: CN-Hong Kong only
        project = Project.create(tmp_path / "lookups", hw_env(emu))
        (project.root / "__main__.py").write_text(PROGRAM)
        project.up()
        outputs = project.outputs()
        team_id = next(w["id"] for w in emu.workspaces() if w["name"] == "lookup-team")
        assert outputs["plain_name"] == "default"
        assert outputs["output_grants"] == ["alice"]
        assert outputs["by_name"] == [team_id]
        assert "default" in outputs["maas"]
        project.run("destroy", "--yes", "--skip-preview")
