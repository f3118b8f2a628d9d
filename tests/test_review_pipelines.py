"""The access review steps of the CI examples, run as the runners run them (bash, the job's
variables), against the comment API on 127.0.0.1. `pulumi` is replaced by a script that prints
what the real CLI printed for the review scenario (tests/fixtures/review) and exits as the real
preview would: the steps under test are the examples' shell, the review command and the post."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from tests.comment_api import CommentApi, ci_variables, serve
from tests.e2e.pulumi_cli import REPO
from tests.e2e.review_scenario import FIXTURES
from tests.test_examples import GITHUB, GITLAB, github_job, load, run_step

RECORDED_CLI = """#!/bin/sh
# `pulumi preview --json` prints the recorded document; `pulumi preview --diff` a text diff and
# exits $PREVIEW_STATUS.
case " $* " in
  *" --json "*) cat "$PREVIEW_JSON" ;;
  *) echo "Previewing update ($PULUMI_STACK):"; echo "    ~ 1 to update"; exit "${PREVIEW_STATUS:-0}" ;;
esac
"""


@pytest.fixture
def api() -> Iterator[CommentApi]:
    with serve() as state:
        yield state


def job_env(api: CommentApi, tmp_path: Path, document: str, preview_status: int = 0) -> dict[str, str]:
    """The runner's environment: our Python as `python`/`python3`, the recorded CLI as `pulumi`."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    (bin_dir / "pulumi").write_text(RECORDED_CLI)
    for name in ("python", "python3"):
        (bin_dir / name).write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n')
    for path in bin_dir.iterdir():
        path.chmod(0o755)
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    env.update(ci_variables(api, tmp_path))
    env.update(
        {
            "PATH": f"{bin_dir}{os.pathsep}{env['PATH']}",
            "PYTHONPATH": str(REPO),
            "PULUMI_STACK": "prod",
            "POLICY_PACK": "examples/policy",
            "PREVIEW_JSON": str(FIXTURES / document),
            "PREVIEW_STATUS": str(preview_status),
            "GITHUB_OUTPUT": str(tmp_path / "github_output"),
            "GITHUB_STEP_SUMMARY": str(tmp_path / "step_summary"),
        }
    )
    return env


def bash(script: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", "-e", "-c", script], env=env, cwd=cwd, capture_output=True, text=True, timeout=120)


def github_steps(env: dict[str, str], work: Path) -> tuple[int, dict[str, str]]:
    """The preview job's steps after the installs: preview, access review, the final check."""
    job = github_job(load(GITHUB)["jobs"], "pull_request")
    code = 0
    for name in ("preview", "access review"):
        done = bash(run_step(job, name), env, work)
        assert done.returncode == 0, done.stderr
    outputs = dict(line.split("=", 1) for line in Path(env["GITHUB_OUTPUT"]).read_text().splitlines())
    if outputs["status"] != "0":
        code = bash(job["steps"][-1]["run"], env, work).returncode
    return code, outputs


@pytest.mark.parametrize(("document", "widens"), [("dynamic-changes.json", "true"), ("native-empty.json", "false")])
def test_github_preview_job(document: str, widens: str, api: CommentApi, tmp_path: Path) -> None:
    code, outputs = github_steps(job_env(api, tmp_path, document), tmp_path)
    assert code == 0 and outputs == {"status": "0", "widens": widens}
    (posted,) = api.comments
    expected = (FIXTURES / document.replace(".json", ".md")).read_text()
    assert expected in posted["body"] and "Previewing update (prod):" in posted["body"]
    assert expected in (tmp_path / "step_summary").read_text()
    assert load(GITHUB)["jobs"]["access-approval"]["if"] == "needs.preview.outputs.access-widens == 'true'"


def test_github_failed_preview_is_posted_and_fails_the_job(api: CommentApi, tmp_path: Path) -> None:
    code, outputs = github_steps(job_env(api, tmp_path, "native-changes.json", preview_status=255), tmp_path)
    assert code == 1 and outputs["status"] == "255"
    assert "Access widens" in api.comments[0]["body"]


@pytest.mark.parametrize(
    ("document", "approval_job"),
    [("native-changes.json", "approve-wider-access"), ("dynamic-empty.json", "no-wider-access")],
)
def test_gitlab_preview_job(document: str, approval_job: str, api: CommentApi, tmp_path: Path) -> None:
    script = load(GITLAB)["preview"]["script"][-1]
    done = bash(script, job_env(api, tmp_path, document), tmp_path)
    assert done.returncode == 0, done.stderr
    child = yaml.safe_load((tmp_path / "approval.yml").read_text())
    assert list(child) == [approval_job]
    if approval_job == "approve-wider-access":  # blocks the child pipeline until a person runs it
        assert child[approval_job]["when"] == "manual" and child[approval_job]["allow_failure"] is False
        assert child[approval_job]["environment"] == "access-approval"
    (posted,) = api.comments
    assert (FIXTURES / document.replace(".json", ".md")).read_text() in posted["body"]
    assert api.requests[-1][0] == "POST"

    again = bash(script, job_env(api, tmp_path, document, preview_status=1), tmp_path)
    assert again.returncode == 1 and len(api.comments) == 1 and api.requests[-1][0] == "PUT"  # updated


def test_gitlab_preview_without_a_token_posts_nothing(api: CommentApi, tmp_path: Path) -> None:
    env = job_env(api, tmp_path, "dynamic-changes.json")
    del env["GITLAB_API_TOKEN"]
    done = bash(load(GITLAB)["preview"]["script"][-1], env, tmp_path)
    assert done.returncode == 0 and api.requests == [] and "Access widens" in done.stdout
