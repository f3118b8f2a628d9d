"""What reviewers and operators see through the real CLI: a grant added in the program or in the
console previews as that one grant (resource and stack outputs alike, no index-by-index
renames), and a workspace found DELETING by a refresh stays in the stack until it is gone:
re-created by the next `up` while declared, still managed when its delete fails, dropped by
the refresh after it is gone. The steps share one stack, so they run in order."""

from __future__ import annotations

import json
import re
import threading
import time
from typing import Any

import pytest

from modelarts_provider.emulator import Emulator, Fault
from tests.conftest import hw_env
from tests.e2e.pulumi_cli import Project
from tests.e2e.test_stack import api

PROGRAM = """\
import json

import pulumi

from modelarts_provider import Grant, Workspace, WorkspaceArgs

for item in json.load(open("program.json")):
    args = dict(item["args"])
    args["grants"] = [Grant(**g) for g in args.get("grants", [])]
    ws = Workspace(item["resource"], WorkspaceArgs(**args))
    pulumi.export(item["resource"] + "_grants", ws.grants)
"""
EPS = "a0a0a0a0-1111-4222-8333-444455556666"
CONSOLE_USER_ID = "d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0"
TEAM = {"name": "gd-team", "auth_type": "INTERNAL", "grants": [{"user_name": "alice"}, {"user_name": "bob"}]}


@pytest.fixture(scope="module")
def project(emu: Emulator, tmp_path_factory: pytest.TempPathFactory) -> Project:
    proj = Project.create(tmp_path_factory.mktemp("grants") / "project", hw_env(emu))
    (proj.root / "__main__.py").write_text(PROGRAM)
    return proj


def declare(project: Project, **workspaces: dict[str, Any]) -> None:
    items = [{"resource": resource, "args": args} for resource, args in workspaces.items()]
    (project.root / "program.json").write_text(json.dumps(items))


def by_name(emu: Emulator) -> dict[str, dict[str, Any]]:
    return {w["name"]: w for w in emu.workspaces() if w["id"] != "0"}


def state_status(project: Project) -> dict[str, str]:
    """Each workspace in the state with the status its outputs hold."""
    resources = json.loads(project.export())["deployment"]["resources"]
    return {
        r["urn"].rsplit("::", 1)[-1]: r["outputs"]["status"] for r in resources if "modelarts:Workspace" in r["type"]
    }


def renames(text: str) -> list[str]:
    """`user_name: "bob" => "alice"` and the like: a value changed in place."""
    return re.findall(r"user_(?:name|id)\s*: .+ => .+", text)


def finish_delete_after_first_post(emu: Emulator, timeout: float = 60) -> None:
    """Let the pending delete end once a create has met the name it still holds."""
    deadline = time.monotonic() + timeout
    while emu.counts()["POST"] < 1 and time.monotonic() < deadline:
        time.sleep(0.05)
    emu.config.delete_duration = 0.3


class TestGrantsAndDeleting:
    def test_up_with_a_default_enterprise_project(self, emu: Emulator, project: Project) -> None:
        declare(project, team=TEAM, gone={"name": "gd-gone"}, stuck={"name": "gd-stuck"})
        project.env["HW_ENTERPRISE_PROJECT_ID"] = EPS
        project.up()
        assert {n: w["enterprise_project_id"] for n, w in by_name(emu).items()} == dict.fromkeys(
            ("gd-team", "gd-gone", "gd-stuck"), EPS
        )
        project.env["HW_ENTERPRISE_PROJECT_ID"] = "0"  # a changed default replaces nothing
        project.run("preview", "--expect-no-changes")

    def test_adding_a_third_user_previews_as_that_user_only(self, emu: Emulator, project: Project) -> None:
        grants = [*TEAM["grants"], {"user_name": "carol"}]  # type: ignore[list-item]
        declare(project, team={**TEAM, "grants": grants}, gone={"name": "gd-gone"}, stuck={"name": "gd-stuck"})
        text = project.run("preview", "--diff").stdout
        resource, outputs = text.split("--outputs:--", 1)
        assert re.search(r'\+ \[2\]: \{\s*\+ user_name: "carol"', resource), text
        # the stack output plans the same value the state will hold: one added entry, nothing renamed
        assert re.search(r'\+ \[2\]: \{\s*\+ user_name: "carol"', outputs), text
        assert not renames(text) and "- user_id" not in text and "- [" not in text, text
        project.up()
        assert {g["user_name"] for g in by_name(emu)["gd-team"]["grants"]} == {"alice", "bob", "carol"}
        assert project.outputs()["team_grants"] == [
            {"user_name": n, "user_type": "IAM"} for n in ("alice", "bob", "carol")
        ]
        project.run("preview", "--expect-no-changes")
        TEAM["grants"] = grants

    def test_console_added_grant_shows_as_one_added_entry(self, emu: Emulator, project: Project) -> None:
        team = by_name(emu)["gd-team"]
        console = {"user_id": CONSOLE_USER_ID, "user_name": "dave", "user_type": "IAM"}
        emu.put_workspace_raw(team["id"], grants=[*team["grants"], console])
        drift = project.run("preview", "--refresh", "--diff", "--expect-no-changes", check=False)
        assert drift.returncode != 0
        found, plan = drift.stdout.split("pulumi:pulumi:Stack: (same)", 1)
        assert re.search(rf'\+ \[3\]: \{{\s*\+ user_id\s*: "{CONSOLE_USER_ID}"', found), drift.stdout
        assert re.search(rf'- \[3\]: \{{\s*- user_id\s*: "{CONSOLE_USER_ID}"', plan), drift.stdout
        assert not renames(drift.stdout), drift.stdout
        project.up("--refresh")
        assert "dave" not in {g["user_name"] for g in by_name(emu)["gd-team"]["grants"]}
        project.run("preview", "--expect-no-changes")

    def test_refresh_keeps_deleting_workspaces(self, emu: Emulator, project: Project) -> None:
        live = by_name(emu)
        emu.config.delete_duration = 3600
        emu.add_fault(Fault("delete_failed", method="DELETE"))
        api(emu).delete_workspace(live["gd-stuck"]["id"])
        api(emu).delete_workspace(live["gd-gone"]["id"])
        project.run("refresh", "--yes", "--skip-preview")
        assert state_status(project) == {"team": "NORMAL", "gone": "DELETING", "stuck": "DELETING"}

    def test_delete_failed_stays_managed(self, emu: Emulator, project: Project) -> None:
        emu.config.delete_duration = 0.3
        project.run("refresh", "--yes", "--skip-preview")
        assert state_status(project) == {"team": "NORMAL", "stuck": "DELETE_FAILED"}  # gone dropped: it is gone
        declare(project, team=TEAM, gone={"name": "gd-gone"})  # stuck is no longer wanted: up deletes it again
        project.up()
        assert set(state_status(project)) == {"team", "gone"} and "gd-stuck" not in by_name(emu)

    def test_declared_workspace_found_deleting_is_recreated(self, emu: Emulator, project: Project) -> None:
        old_id = by_name(emu)["gd-gone"]["id"]
        emu.config.delete_duration = 3600
        api(emu).delete_workspace(old_id)
        project.run("refresh", "--yes", "--skip-preview")
        assert state_status(project)["gone"] == "DELETING"
        plan = project.preview_steps()
        assert plan["ops"] == {"gone": "replace"}
        emu.reset_counts()
        finisher = threading.Thread(target=finish_delete_after_first_post, args=(emu,), daemon=True)
        finisher.start()
        project.up()
        finisher.join()
        assert emu.counts()["POST"] == 2  # refused while the old one held the name, accepted once it was gone
        new = by_name(emu)["gd-gone"]
        assert new["id"] != old_id and new["status"] == "NORMAL"
        assert state_status(project)["gone"] == "NORMAL"
        project.run("preview", "--expect-no-changes")

    def test_destroy(self, emu: Emulator, project: Project) -> None:
        emu.config.delete_duration = 0.3
        project.run("destroy", "--yes", "--skip-preview")
        assert by_name(emu) == {}
