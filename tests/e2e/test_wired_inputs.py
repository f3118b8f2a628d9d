"""Workspaces wired to other resources, through the real CLI: inputs at every depth come from
another Workspace's outputs, a secret from stack config, and the outputs of a small dynamic
resource defined in the program, in the typed (`WorkspaceArgs`, `Grant`) and the keyword form.
The live workspaces get the resolved values; no secret input appears in plain text in the
exported state or anywhere in the CLI output, an error included. A workspace with a Chinese name
goes through the whole lifecycle alongside. The steps share one stack, so they run in order."""

from __future__ import annotations

from typing import Any

import pytest

from modelarts_provider.emulator import Emulator
from tests.conftest import hw_env
from tests.e2e.pulumi_cli import Project
from tests.e2e.test_stack import api

LEAD_ID = "5e1f0c2a9b8d4e7f8a6b5c4d3e2f1a0b"
SECRET_USER = "hidden-user-8841"
SECRET_DESCRIPTION = "hidden description 5521"
SECRET_NAME = "hidden-name-7734"
SECRETS = (SECRET_USER, SECRET_DESCRIPTION, SECRET_NAME)
CHINESE = "机器学习-团队"
CHINESE_RENAMED = "机器学习_平台"

PROGRAM = """\
import json

import pulumi
from pulumi.dynamic import CreateResult, Resource, ResourceProvider

from modelarts_provider import Grant, Workspace, WorkspaceArgs


class TeamProvider(ResourceProvider):
    def create(self, props):
        return CreateResult("team-" + props["slug"], dict(props))


class Team(Resource):
    slug: pulumi.Output[str]
    lead: pulumi.Output[str]
    lead_id: pulumi.Output[str]

    def __init__(self, name, **props):
        super().__init__(TeamProvider(), name, props)


step = json.load(open("program.json"))
config = pulumi.Config()
secret_user = config.require_secret("secretUser")
team = Team("team", slug="vision", lead="lena", lead_id="LEAD_ID")

base = Workspace("base", name="wired-base", description=step["base_description"])
typed = Workspace(
    "typed",
    WorkspaceArgs(
        name=team.slug.apply(lambda slug: f"{slug}-typed"),
        description=base.workspace_id.apply(lambda i: f"next to {i}"),
        auth_type="INTERNAL",
        grants=[Grant(user_name=team.lead), Grant(user_id=team.lead_id), Grant(user_name=secret_user)],
    ),
)
keyword = Workspace(
    "keyword",
    name=base.name.apply(lambda n: n + "-kw"),
    description=config.require_secret("secretDescription"),
    auth_type="INTERNAL",
    grants=pulumi.Output.all(team.lead, secret_user).apply(
        lambda v: [Grant(user_name=v[0], user_type="IAM"), {"user_name": v[1]}]
    ),
)
hidden = Workspace("hidden", WorkspaceArgs(name=config.require_secret("secretName"), description=base.name))
chinese = Workspace("chinese", WorkspaceArgs(name=step["chinese_name"], description="中文描述"))
for resource in (typed, keyword, hidden, chinese):
    pulumi.export(resource._name, resource.workspace_id)
pulumi.export("typed_server_grants", typed.server_grants)
pulumi.export("typed_grants", typed.grants)
""".replace("LEAD_ID", LEAD_ID)


@pytest.fixture(scope="module")
def project(emu: Emulator, tmp_path_factory: pytest.TempPathFactory) -> Project:
    proj = Project.create(tmp_path_factory.mktemp("wired") / "project", hw_env(emu))
    (proj.root / "__main__.py").write_text(PROGRAM)
    proj.config("secretUser", SECRET_USER, secret=True)
    proj.config("secretDescription", SECRET_DESCRIPTION, secret=True)
    proj.config("secretName", SECRET_NAME, secret=True)
    return proj


def step(project: Project, base_description: str = "base", chinese_name: str = CHINESE) -> None:
    import json

    (project.root / "program.json").write_text(
        json.dumps({"base_description": base_description, "chinese_name": chinese_name})
    )


def live(emu: Emulator) -> dict[str, dict[str, Any]]:
    return {w["name"]: w for w in emu.workspaces() if w["id"] != "0" and w["status"] != "DELETING"}


def assert_no_plain_secret(project: Project) -> None:
    commands = [t for t in project.transcript if not t.startswith("$ pulumi config set")]  # the secrets' input
    haystack = project.export() + "\n".join(commands)
    for secret in SECRETS:
        assert secret not in haystack, f"{secret!r} in plain text"


class TestWiredInputs:
    def test_preview_with_unknown_and_secret_outputs_at_every_depth(self, emu: Emulator, project: Project) -> None:
        step(project)
        emu.reset_counts()
        text = project.run("preview", "--diff").stdout
        assert "__getstate__" not in text and text.count("+ pulumi-python:dynamic/modelarts:Workspace") == 5, text
        assert emu.counts()["POST"] == 0

    def test_an_error_never_repeats_a_secret_value(self, emu: Emulator, project: Project) -> None:
        squatter = api(emu).create_workspace({"name": SECRET_NAME})
        proc = project.run("up", "--yes", "--skip-preview", check=False)
        assert proc.returncode != 0 and "already exists" in proc.stdout + proc.stderr
        assert set(live(emu)) >= {"wired-base", "vision-typed", "wired-base-kw", CHINESE}
        api(emu).delete_workspace(squatter.id)
        assert_no_plain_secret(project)

    def test_live_workspaces_get_the_resolved_values(self, emu: Emulator, project: Project) -> None:
        project.up()
        workspaces = live(emu)
        base, typed, keyword = workspaces["wired-base"], workspaces["vision-typed"], workspaces["wired-base-kw"]
        assert typed["description"] == f"next to {base['id']}"
        assert {g["user_name"] for g in typed["grants"]} >= {"lena", SECRET_USER}
        assert LEAD_ID in {g["user_id"] for g in typed["grants"]} and len(typed["grants"]) == 3
        assert keyword["description"] == SECRET_DESCRIPTION
        assert {g["user_name"] for g in keyword["grants"]} == {"lena", SECRET_USER}
        assert workspaces[SECRET_NAME]["description"] == "wired-base"
        assert workspaces[CHINESE]["description"] == "中文描述"
        outputs = project.outputs()
        assert outputs["typed"] == typed["id"] and outputs["hidden"] == workspaces[SECRET_NAME]["id"]
        assert outputs["typed_server_grants"] == "[secret]"  # derived from a grant holding a secret
        project.run("preview", "--expect-no-changes")
        assert_no_plain_secret(project)

    def test_updates_refresh_and_rename_in_chinese(self, emu: Emulator, project: Project) -> None:
        before = {name: w["id"] for name, w in live(emu).items()}
        step(project, base_description="base, changed", chinese_name=CHINESE_RENAMED)
        plan = project.preview_steps()
        # typed's description comes from base's workspace_id, its resource id: known while base is
        # updated in place, so typed is not planned (the dynamic host previews no other output)
        assert plan["ops"] == {"base": "update", "chinese": "update"}
        assert plan["changed"]["chinese"] == {"name"}
        project.up()
        after = live(emu)
        assert after[CHINESE_RENAMED]["id"] == before[CHINESE] and after["wired-base"]["description"] == "base, changed"
        project.run("refresh", "--yes", "--skip-preview")
        project.run("preview", "--expect-no-changes")
        assert_no_plain_secret(project)

    def test_destroy(self, emu: Emulator, project: Project) -> None:
        project.run("destroy", "--yes", "--skip-preview")
        assert live(emu) == {}
        assert_no_plain_secret(project)
