"""`pulumi preview --policy-pack examples/policy` through the real CLI, the pack in its own
virtualenv as its PulumiPolicy.yaml asks: on a production stack that breaks each rule (each
violation names its policy and only the workspace that breaks it), on one that passes, and on a
dev stack with a config file that makes one policy advisory and points another at `dev`. Both
workspace types: the dynamic resource and the native plugin's."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from modelarts_provider.emulator import Emulator, EmulatorConfig
from tests.conftest import hw_env
from tests.e2e.pulumi_cli import REPO, Project
from tests.e2e.venvs import fresh_venv

PACK = REPO / "examples" / "policy"
EPS = "b7e3c1a2-1111-4222-8333-444455556666"
TYPES = {"dynamic": "pulumi-python:dynamic/modelarts:Workspace", "native": "modelarts:index:Workspace"}
# A policy report line: `- [mandatory]  POLICY  (TYPE: RESOURCE)`
VIOLATION = re.compile(r"^\s*- \[(\w+)\]\s+(\S+)\s+\((\S+): (\S+)\)$", re.MULTILINE)

PROGRAM = '''\
"""Workspaces and their protect option from program.json, as the dynamic or the native type."""
import json

import pulumi

from modelarts_provider import Grant, Workspace, WorkspaceArgs

spec = json.load(open("program.json"))
if spec["face"] == "native":
    from modelarts_provider.native.sdk import NativeWorkspace as Workspace
for item in spec["workspaces"]:
    args = dict(item["args"])
    args["grants"] = [Grant(**g) for g in args.get("grants", [])] or None
    Workspace(item["resource"], WorkspaceArgs(**args), opts=pulumi.ResourceOptions(protect=item["protect"]))
'''


def workspace(resource: str, protect: bool = True, **args: Any) -> dict[str, Any]:
    return {"resource": resource, "protect": protect, "args": {"name": f"pol-{resource}", **args}}


BREAKS_EACH_RULE = [
    workspace("open", enterprise_project_id=EPS),  # PUBLIC by default
    workspace("nogrants", auth_type="INTERNAL", enterprise_project_id=EPS),
    workspace("defaulteps", auth_type="PRIVATE"),
    workspace("unprotected", protect=False, auth_type="PRIVATE", enterprise_project_id=EPS),
]
PASSES = [
    workspace("private", auth_type="PRIVATE", enterprise_project_id=EPS),
    workspace("team", auth_type="INTERNAL", grants=[{"user_name": "alice"}], enterprise_project_id=EPS),
]


@pytest.fixture(scope="module")
def pack(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of examples/policy with its virtualenv, made as its PulumiPolicy.yaml says."""
    root = tmp_path_factory.mktemp("policy") / "policy"
    shutil.copytree(PACK, root, ignore=shutil.ignore_patterns("venv", "__pycache__"))
    fresh_venv(root / "venv", ["-r", str(root / "requirements.txt")])
    return root


@pytest.fixture(scope="module")
def emu() -> Iterator[Emulator]:
    with Emulator(EmulatorConfig()) as emulator:
        yield emulator


def preview(proj: Project, pack: Path, stack: str, workspaces: list[dict[str, Any]], *extra: str) -> tuple[int, str]:
    """`pulumi preview --policy-pack` of `workspaces` on `stack`: exit code and output."""
    if stack != proj.stack:
        proj.stack = stack
        proj.run("stack", "init", stack)
    (proj.root / "program.json").write_text(json.dumps({"face": proj.face, "workspaces": workspaces}))
    result = proj.run("preview", "--policy-pack", str(pack), *extra, check=False)
    return result.returncode, result.stdout + result.stderr


def violations(output: str) -> set[tuple[str, str, str, str]]:
    return set(VIOLATION.findall(output))


@pytest.mark.parametrize("face", ["dynamic", "native"])
def test_policy_pack(face: str, pack: Path, emu: Emulator, tmp_path: Path, plugin_archive: Path) -> None:
    proj = Project.create(tmp_path / face, hw_env(emu))
    proj.face = face
    (proj.root / "__main__.py").write_text(PROGRAM)
    if face == "native":
        proj.install_plugin(plugin_archive)
    kind = TYPES[face]
    emu.reset_counts()

    code, out = preview(proj, pack, "prod-eu", BREAKS_EACH_RULE)
    assert code != 0, out
    assert violations(out) == {
        ("mandatory", "modelarts-no-public-workspace", kind, "open"),
        ("mandatory", "modelarts-internal-workspace-needs-grants", kind, "nogrants"),
        ("mandatory", "modelarts-production-enterprise-project", kind, "defaulteps"),
        ("mandatory", "modelarts-production-protect", kind, "unprotected"),
    }, out
    for message in (
        "workspace 'pol-open' is PUBLIC",
        "workspace 'pol-nogrants' is INTERNAL without grants",
        "workspace 'pol-defaulteps' on stack 'prod-eu' is in the default enterprise project \"0\"",
        "workspace 'pol-unprotected' on stack 'prod-eu' is not protected",
    ):
        assert message in out, out
    assert "Traceback" not in out and "KeyboardInterrupt" not in out, out

    code, out = preview(proj, pack, "prod-eu", PASSES)
    assert code == 0 and violations(out) == set(), out
    assert "modelarts-guardrails@v0.1.0" in out
    assert emu.counts()["total"] == 0  # previews of new workspaces: judged without any API call

    if face == "native":
        return  # the settings below do not depend on the resource type
    # A dev stack, where by default the production rules do not apply; a config file makes the
    # PUBLIC rule advisory (the preview passes) and points the protect rule at `dev` too.
    config = tmp_path / "policy-config.json"
    config.write_text(
        json.dumps(
            {
                "modelarts-no-public-workspace": "advisory",
                "modelarts-production-protect": {"stacks": ["dev", "prod*"]},
            }
        )
    )
    sandbox = [workspace("sandbox", protect=False)]
    code, out = preview(proj, pack, "dev", sandbox, "--policy-pack-config", str(config))
    assert code != 0, out
    assert violations(out) == {
        ("advisory", "modelarts-no-public-workspace", kind, "sandbox"),
        ("mandatory", "modelarts-production-protect", kind, "sandbox"),
    }, out
    config.write_text(json.dumps({"modelarts-no-public-workspace": "advisory"}))
    code, out = preview(proj, pack, "dev", sandbox, "--policy-pack-config", str(config))
    assert code == 0 and violations(out) == {("advisory", "modelarts-no-public-workspace", kind, "sandbox")}, out


def pipeline_stacks() -> set[str]:
    """The stack names the CI examples deploy unless told otherwise."""
    github = (REPO / "examples" / "github-actions" / "modelarts.yml").read_text()
    gitlab = (REPO / "examples" / "gitlab-ci" / ".gitlab-ci.yml").read_text()
    found = set(re.findall(r"PULUMI_STACK: \$\{\{ vars\.PULUMI_STACK \|\| '([\w.-]+)' \}\}", github))
    found |= set(re.findall(r"^  PULUMI_STACK: ([\w.-]+)$", gitlab, re.MULTILINE))
    assert found, "the CI examples name their default stack"
    return found


def test_the_example_program_passes_the_pack_on_the_pipelines_stacks(pack: Path, emu: Emulator, tmp_path: Path) -> None:
    """The example stack (__main__.py, Pulumi.yaml and the committed stack settings) as the CI
    examples preview it, with the pack they run: no violation, on their stacks and on `dev`."""
    stacks = sorted(pipeline_stacks() | {"dev"})
    proj = Project.create(tmp_path / "example", hw_env(emu), name="modelarts-example", stack=stacks[0])
    for path in [REPO / "__main__.py", *REPO.glob("Pulumi*.yaml")]:  # the program and its stack settings
        shutil.copy(path, proj.root / path.name)
    for stack in stacks:
        if stack != proj.stack:
            proj.stack = stack
            proj.run("stack", "init", stack)
        result = proj.run("preview", "--policy-pack", str(pack), check=False)
        out = result.stdout + result.stderr
        assert result.returncode == 0 and violations(out) == set(), f"stack {stack}:\n{out}"
        assert "modelarts-guardrails@v0.1.0" in out, out
