"""The stack behind the access-review fixtures: one real-CLI run per face against the emulator,
giving the `pulumi preview --json` documents the review is tested with.

One `up` of the base program, then four previews that change nothing: no change (`empty`), the
program's changes (`changes`: grants added and removed, a user declared by id instead of by name,
INTERNAL -> PUBLIC, a new grant on a protected workspace, a replace, a delete, a secret grant, a
grant wired from another workspace's output, quotas) and, after edits made directly in
ModelArts, the drift job's `preview --refresh --run-program` (`drift`), and a preview that fails
on an invalid name (`failed`).

`scripts/review-fixtures.py` writes the documents to tests/fixtures/review/; the real-CLI test
runs the same scenario and compares its summaries with the reviewed Markdown there.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from modelarts_provider.emulator import Emulator
from modelarts_provider.emulator.iam import user_id_for
from modelarts_provider.tools.review.access import review
from modelarts_provider.tools.review.markdown import render
from modelarts_provider.tools.review.preview import parse
from tests.conftest import hw_env
from tests.e2e.pulumi_cli import Project
from tests.e2e.test_stack import api

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "review"
FACES = ("dynamic", "native")
SCENARIOS = ("empty", "changes", "drift", "failed")
GPU = "exemlProject.gpu_duration"
EPS = "b7e3c1a2-1111-4222-8333-444455556666"

PROGRAM = '''\
"""Access-review program: the declarations come from program.json."""
import json

import pulumi

from modelarts_provider import Grant, Workspace, WorkspaceArgs, WorkspaceQuotas, WorkspaceQuotasArgs

spec = json.load(open("program.json"))
if spec["face"] == "native":
    from modelarts_provider.native.quota_sdk import NativeWorkspaceQuotas as WorkspaceQuotas
    from modelarts_provider.native.sdk import NativeWorkspace as Workspace
made = {}


def grant(given):
    given = dict(given)
    if given.pop("secret", False):  # a secret Output, as a grant read from secret config is
        given = {k: pulumi.Output.secret(v) for k, v in given.items()}
    source = given.pop("user_name_from", None)
    if source:  # wired from another workspace's output: unknown until that one exists
        given["user_name"] = made[source].owner
    return Grant(**given)


for item in spec["workspaces"]:
    args = dict(item["args"])
    if "grants" in args:
        args["grants"] = [grant(g) for g in args["grants"]]
    opts = pulumi.ResourceOptions(protect=item.get("protect", False))
    made[item["resource"]] = Workspace(item["resource"], WorkspaceArgs(**args), opts)
for item in spec["quotas"]:
    workspace_id = made[item["workspace"]].workspace_id
    WorkspaceQuotas(item["resource"], WorkspaceQuotasArgs(workspace_id=workspace_id, quotas=item["quotas"]))
'''

BASE: dict[str, Any] = {
    "workspaces": [
        {
            "resource": "team",
            "args": {
                "name": "ml-team",
                "auth_type": "INTERNAL",
                "grants": [{"user_name": "alice"}, {"user_name": "bob"}],
            },
        },
        {
            "resource": "prod",
            "protect": True,
            "args": {"name": "ml-prod", "auth_type": "INTERNAL", "grants": [{"user_name": "carol"}]},
        },
        {
            "resource": "lab",
            "args": {
                "name": "ml-lab",
                "auth_type": "INTERNAL",
                "grants": [{"user_name": "dave", "user_type": "FEDERATE"}],
            },
        },
        {"resource": "docs", "args": {"name": "ml-docs", "description": "team docs"}},
        {"resource": "old", "args": {"name": "ml-old", "auth_type": "INTERNAL", "grants": [{"user_name": "erin"}]}},
        {
            "resource": "vault",
            "args": {"name": "ml-vault", "auth_type": "INTERNAL", "grants": [{"user_name": "frank", "secret": True}]},
        },
    ],
    "quotas": [{"resource": "team-quotas", "workspace": "team", "quotas": {GPU: 600}}],
}


def changed_program() -> dict[str, Any]:
    """The pull request: every kind of change the review must explain."""
    program = json.loads(json.dumps(BASE))
    by_name = {w["resource"]: w for w in program["workspaces"]}
    # bob now by id and first (the same user: no change), alice revoked, gina granted
    by_name["team"]["args"]["grants"] = [{"user_id": user_id_for("bob")}, {"user_name": "gina"}]
    by_name["prod"]["args"]["grants"].append({"user_name": "hank"})  # protected: called out first
    by_name["lab"]["args"] = {"name": "ml-lab", "auth_type": "PUBLIC"}  # INTERNAL -> PUBLIC
    by_name["docs"]["args"]["enterprise_project_id"] = EPS  # forces a replacement
    by_name["vault"]["args"]["grants"].append({"user_name": "ivy", "secret": True})
    program["workspaces"] = [w for w in program["workspaces"] if w["resource"] != "old"]  # deleted
    program["workspaces"] += [
        {"resource": "helper", "args": {"name": "ml-helper", "auth_type": "PRIVATE"}},
        {
            "resource": "fresh",
            "args": {"name": "ml-fresh", "auth_type": "INTERNAL", "grants": [{"user_name_from": "helper"}]},
        },
    ]
    program["quotas"] = [
        {"resource": "team-quotas", "workspace": "team", "quotas": {GPU: -1}},
        {"resource": "fresh-quotas", "workspace": "fresh", "quotas": {GPU: 120}},
    ]
    return program


def drift_in_modelarts(emu: Emulator) -> None:
    """What someone does in the console: a grant more, a workspace opened to every user, a
    description and a quota edited, a workspace deleted."""
    with api(emu) as client:
        ids = {w.name: w.id for w in client.list_workspaces()}
        client.update_workspace(
            ids["ml-team"],
            {"auth_type": "INTERNAL", "grants": [{"user_name": n} for n in ("alice", "bob", "mallory")]},
        )
        client.update_workspace(ids["ml-lab"], {"auth_type": "PUBLIC", "grants": []})
        client.update_workspace(ids["ml-docs"], {"description": "edited in the console"})
        client.update_workspace_quotas(ids["ml-team"], {GPU: 900})
        client.delete_workspace(ids["ml-old"])
    deadline = time.monotonic() + 30
    while any(w["name"] == "ml-old" for w in emu.workspaces()) and time.monotonic() < deadline:
        time.sleep(0.1)  # gone once its delete settles (the emulator's delete_duration)


def write_program(project: Project, program: dict[str, Any]) -> None:
    (project.root / "program.json").write_text(json.dumps({**program, "face": project.face}))


def previews(face: str, emu: Emulator, root: Path, archive: Path | None) -> dict[str, str]:
    """The `pulumi preview --json` documents of one face, by scenario."""
    return run(face, emu, root, archive)[1]


def run(face: str, emu: Emulator, root: Path, archive: Path | None) -> tuple[Project, dict[str, str]]:
    """The project (its stack `prod` as the drift left it) and the `pulumi preview --json`
    documents of one face: one `up`, nothing destroyed (the emulator and the backend are throwaway)."""
    project = Project.create(root, hw_env(emu), name="review", stack="prod")
    project.face = face
    (project.root / "__main__.py").write_text(PROGRAM)
    if face == "native":
        assert archive is not None
        project.install_plugin(archive)
    write_program(project, BASE)
    project.up()
    found = {"empty": project.run("preview", "--json").stdout}
    write_program(project, changed_program())
    found["changes"] = project.run("preview", "--json").stdout
    write_program(project, BASE)
    drift_in_modelarts(emu)
    found["drift"] = project.run("preview", "--refresh", "--run-program", "--json").stdout
    failing = json.loads(json.dumps(BASE))
    failing["workspaces"][0]["args"]["name"] = "ml team"  # a space: check refuses it at preview
    write_program(project, failing)
    found["failed"] = project.run("preview", "--json", check=False).stdout
    write_program(project, BASE)
    return project, found


def summary(document: str) -> str:
    """The review of a preview document, as the command prints it."""
    return render(review(parse(document)))
