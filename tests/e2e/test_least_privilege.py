"""A pipeline signing in through an agency (temporary credentials from IAM), with the IAM policy
of each job, through the real CLI: preview and the drift check pass with the read-only policy,
`up` with it fails with one clear error, and the agency's credentials are never stored."""

from __future__ import annotations

import re

import pytest

from modelarts_provider.emulator import Emulator
from modelarts_provider.emulator import policy as actions
from tests.conftest import hw_env
from tests.e2e.pulumi_cli import Project, without_program_runtime

# The policies docs/configuration.md gives per job (without the agency's own assume right).
READ_ONLY = {"modelarts:workspace:list", "modelarts:workspace:get", "iam:projects:list"}
WRITE = READ_ONLY | {"modelarts:workspace:create", "modelarts:workspace:update", "modelarts:workspace:delete"}


def test_read_only_jobs_pass_and_up_fails_with_one_clear_error(
    emu: Emulator, tmp_path_factory: pytest.TempPathFactory
) -> None:
    cfg = emu.config
    env = {**hw_env(emu), "HW_ASSUME_ROLE_AGENCY_NAME": cfg.agency_name}
    env["HW_ASSUME_ROLE_DOMAIN_NAME"] = cfg.agency_domain
    project = Project.create(tmp_path_factory.mktemp("least-privilege") / "project", env)
    # the pipeline's own key may only assume the agency; the agency does the work
    emu.restrict(cfg.access_key, [actions.AGENCIES_ASSUME])
    emu.restrict(cfg.agency_name, WRITE)
    workspaces = [
        {"resource": "team", "args": {"name": "lp-team", "description": "v1"}},
        {"resource": "lab", "args": {"name": "lp-lab"}},
    ]
    project.program(workspaces)
    project.up()
    assert {w["name"] for w in emu.workspaces()} >= {"lp-team", "lp-lab"}

    emu.restrict(cfg.agency_name, READ_ONLY)
    emu.reset_counts()
    project.run("preview", "--refresh", "--expect-no-changes", "--diff")  # the drift job
    assert emu.route_counts().get("GET /v1/{project_id}/workspaces/{id}") == 2
    workspaces[0]["args"]["description"] = "v2"
    project.program(workspaces)
    preview = project.run("preview", "--diff")  # the pull-request job
    assert "~ 1 to update" in preview.stdout and '"v1" => "v2"' in preview.stdout

    failed = project.run("up", "--yes", "--skip-preview", check=False)
    output = failed.stdout + failed.stderr
    assert failed.returncode != 0
    errors = set(re.findall(r"error: (\w+Error: .*)", output))
    assert len(errors) == 1, output
    error = errors.pop()
    assert error.startswith("PermissionDeniedError: update workspace") and "ModelArts.0112" in error
    assert "modelarts:workspace:update" in error and "request id" in error
    assert "Traceback" not in without_program_runtime(output)
    assert next(w for w in emu.workspaces() if w["name"] == "lp-team")["description"] == "v1"

    emu.restrict(cfg.agency_name, WRITE)
    project.run("destroy", "--yes", "--skip-preview")
    assert {w["name"] for w in emu.workspaces()} == {"default"}
    state = project.export(show_secrets=True)
    leaked = [v for v in emu.temporary_credentials() if v in state or any(v in t for t in project.transcript)]
    assert not leaked
    assert not re.search(r"TMP[0-9A-F]{18}", state)
