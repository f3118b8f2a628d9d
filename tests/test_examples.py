"""The CI examples under examples/: valid YAML, the three flows (review, deploy, drift), the
package installed with pip, and credentials only ever taken from CI secrets into `HW_*`."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml  # a dependency of the pulumi SDK

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
GITHUB = EXAMPLES / "github-actions" / "modelarts.yml"
GITLAB = EXAMPLES / "gitlab-ci" / ".gitlab-ci.yml"

SECRET_VARIABLES = (
    "HW_ACCESS_KEY",
    "HW_SECRET_KEY",
    "HW_SECURITY_TOKEN",
    "HW_USER_PASSWORD",
    "HW_AUTH_TOKEN",
    "PULUMI_ACCESS_TOKEN",
    "PULUMI_CONFIG_PASSPHRASE",
    "GITLAB_API_TOKEN",
)
GITHUB_SECRET = re.compile(r"^\$\{\{ secrets\.[A-Z0-9_]+ \}\}$")
GITLAB_VARIABLE = re.compile(r"^\$[A-Z0-9_]+$")


def load(path: Path) -> dict[Any, Any]:
    data = yaml.safe_load(path.read_text())
    assert isinstance(data, dict)
    return data


def mappings(node: Any) -> Iterator[dict[Any, Any]]:
    """Every mapping in the document (env:, variables:, with: ... at any depth)."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from mappings(value)
    elif isinstance(node, list):
        for value in node:
            yield from mappings(value)


def secret_values(data: dict[Any, Any]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for mapping in mappings(data):
        for key, value in mapping.items():
            if key in SECRET_VARIABLES:
                found.setdefault(key, []).append(str(value))
    return found


@pytest.mark.parametrize("path", [GITHUB, GITLAB], ids=["github", "gitlab"])
def test_no_literal_credentials(path: Path) -> None:
    text = path.read_text()
    assert not re.search(r"\b[A-Z0-9]{20}\b", text), "looks like an access key"
    assert not re.search(r"\b[A-Za-z0-9]{40}\b", text), "looks like a secret key"
    assert "EMULATOR" not in text and "emulator-secret" not in text
    # no credentials through stack config: Pulumi keeps a dynamic provider's config in the state
    assert not re.search(r"config set\s+\S*(secretKey|accessKey|password|token)", text, re.IGNORECASE)
    pattern = GITHUB_SECRET if path == GITHUB else GITLAB_VARIABLE
    values = secret_values(load(path))
    assert {"HW_ACCESS_KEY", "HW_SECRET_KEY"} <= set(values), "the keys must be mapped to HW_* variables"
    for key, seen in values.items():
        for value in seen:
            assert pattern.match(value), f"{key}: {value!r} is not a reference to a CI secret"


@pytest.mark.parametrize("path", [GITHUB, GITLAB], ids=["github", "gitlab"])
def test_installs_the_package_with_pip_from_the_repository(path: Path) -> None:
    text = path.read_text()
    assert re.search(r'pip install [^\n]*"\$PROVIDER_PIP_SPEC"', text)
    assert re.search(r'PROVIDER_PIP_SPEC: "\."', text)


def github_job(jobs: dict[str, Any], event: str) -> dict[str, Any]:
    matching = [job for job in jobs.values() if f"github.event_name == '{event}'" in job.get("if", "")]
    assert len(matching) == 1, f"exactly one job for {event}"
    return matching[0]


def pulumi_step(job: dict[str, Any]) -> dict[str, Any]:
    steps = [s for s in job["steps"] if str(s.get("uses", "")).startswith("pulumi/actions@")]
    assert len(steps) == 1
    return dict(steps[0].get("with", {}))


def run_step(job: dict[str, Any], name: str) -> str:
    (found,) = [s["run"] for s in job["steps"] if s.get("name") == name]
    return str(found)


def test_github_flows() -> None:
    data = load(GITHUB)
    triggers = data.get("on", data.get(True))  # YAML 1.1 reads a bare `on` as true
    assert triggers["push"]["branches"] == ["main"] and "pull_request" in triggers
    assert triggers["schedule"][0]["cron"]
    jobs = data["jobs"]

    review = github_job(jobs, "pull_request")
    assert review["permissions"]["pull-requests"] == "write"
    assert pulumi_step(review) == {}  # the CLI only: the preview and the review run below
    preview = run_step(review, "preview")
    assert "pulumi preview --diff" in preview and "pulumi preview --json" in preview
    assert "review preview.json --raw preview.txt --post github --exit-code" in run_step(review, "access review")

    deploy = github_job(jobs, "push")
    assert "refs/heads/main" in deploy["if"]
    assert pulumi_step(deploy)["command"] == "up"
    assert deploy["concurrency"]["cancel-in-progress"] is False

    drift = github_job(jobs, "schedule")
    installs = [s for s in drift["steps"] if str(s.get("uses", "")).startswith("pulumi/actions@")]
    assert len(installs) == 1 and "command" not in installs[0].get("with", {})  # the CLI only
    assert "review drift.json" in run_step(drift, "drift review")  # the drift as an access review
    (command,) = [s["run"] for s in drift["steps"] if "--expect-no-changes" in str(s.get("run", ""))]
    # --run-program: the refresh uses the committed stack config, not the one saved by the last up
    assert all(flag in command.split() for flag in ("--refresh", "--run-program", "--expect-no-changes"))

    for job in (review, deploy, drift):
        assert any(str(s.get("run", "")).startswith("python -m pip install") for s in job["steps"])


def test_github_up_and_drift_queue_instead_of_replacing_each_other() -> None:
    """One group for the stack (never at once), `queue: max` so that a drift check queued behind
    a pending up waits instead of cancelling it (GitHub's default keeps one pending job per group)."""
    jobs = load(GITHUB)["jobs"]
    deploy, drift = github_job(jobs, "push"), github_job(jobs, "schedule")
    assert deploy["concurrency"]["group"] == drift["concurrency"]["group"]
    for job in (deploy, drift):
        assert job["concurrency"]["cancel-in-progress"] is False and job["concurrency"]["queue"] == "max"


def test_github_write_key_environment_is_restricted_to_main_in_the_setup() -> None:
    text = GITHUB.read_text()
    assert github_job(load(GITHUB)["jobs"], "push")["environment"] == "production"
    assert "optional" not in text.split("environment: production")[1].splitlines()[0]
    assert re.search(r"Deployment branches and tags.*add `main`", text)


def test_github_failed_preview_is_reported_on_the_pull_request() -> None:
    """The preview step records its status instead of failing, so the review (with the failed
    preview's output folded below it) is posted; the last step then fails the job."""
    review = github_job(load(GITHUB)["jobs"], "pull_request")
    assert "|| status=$?" in run_step(review, "preview") and 'echo "status=$status"' in run_step(review, "preview")
    last = review["steps"][-1]
    assert last["if"] == "steps.preview.outputs.status != '0'" and last["run"].endswith("exit 1")


def test_github_wider_access_waits_for_an_approval() -> None:
    jobs = load(GITHUB)["jobs"]
    review = github_job(jobs, "pull_request")
    assert review["outputs"]["access-widens"] == "${{ steps.review.outputs.widens }}"
    approval = jobs["access-approval"]
    assert approval["needs"] == "preview" and approval["if"] == "needs.preview.outputs.access-widens == 'true'"
    assert approval["environment"] == "access-approval"
    assert 'make the check "access\n# approval (pull request)" required' in GITHUB.read_text()


def test_github_actions_are_on_their_current_major_versions() -> None:
    """The majors named at the top of the example (looked up November 2026, all Node 24)."""
    uses = {s["uses"] for job in load(GITHUB)["jobs"].values() for s in job["steps"] if "uses" in s}
    assert uses == {"actions/checkout@v7", "actions/setup-python@v7", "pulumi/actions@v7"}
    assert ", ".join(sorted(uses)) in GITHUB.read_text()


def gitlab_job(data: dict[str, Any], condition: str) -> dict[str, Any]:
    matching = [
        job
        for name, job in data.items()
        if isinstance(job, dict) and not str(name).startswith(".") and "script" in job
        if any(condition in rule.get("if", "") for rule in job.get("rules", []))
    ]
    assert len(matching) == 1, f"exactly one job for {condition}"
    return matching[0]


def test_gitlab_flows() -> None:
    data = load(GITLAB)
    assert str(data["default"]["image"]).startswith("pulumi/pulumi-python")

    review = gitlab_job(data, '$CI_PIPELINE_SOURCE == "merge_request_event"')
    script = "\n".join(review["script"])
    assert "pulumi preview --diff" in script and "pulumi preview --json" in script
    assert "${GITLAB_API_TOKEN:+--post gitlab}" in script  # the review and the preview as one MR note
    assert 'exit "$status"' in script  # a failing preview still fails the job
    approval = data["access-approval"]
    assert approval["needs"] == ["preview"] and approval["trigger"]["strategy"] == "mirror"
    assert approval["trigger"]["include"] == [{"artifact": "approval.yml", "job": "preview"}]
    assert "approval.yml" in review["artifacts"]["paths"]

    deploy = gitlab_job(data, "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH")
    assert any(line.startswith("pulumi up --yes") for line in deploy["script"])
    assert deploy["resource_group"]
    assert deploy["variables"]["HW_ACCESS_KEY"] == "$MODELARTS_ACCESS_KEY"

    drift = gitlab_job(data, '$CI_PIPELINE_SOURCE == "schedule"')
    *review_lines, command = drift["script"]
    assert any(line.startswith("python3 -m modelarts_provider review drift.json") for line in review_lines)
    assert command.startswith("pulumi preview")
    assert all(flag in command.split() for flag in ("--refresh", "--run-program", "--expect-no-changes"))
    # previews and drift checks only read: they get the read-only key, via the hidden template
    for job in (review, drift):
        assert job["extends"] == ".read_only_credentials"
    assert data[".read_only_credentials"]["variables"]["HW_ACCESS_KEY"] == "$MODELARTS_READONLY_ACCESS_KEY"


def test_the_pull_request_runs_the_policy_pack_and_the_tests_gate_the_up() -> None:
    """Where docs/testing.md and the policy pack fit: the preview runs examples/policy from its
    own virtualenv, and a job runs the program's tests on the emulator fixture before any up."""
    github = load(GITHUB)
    assert (EXAMPLES.parent / github["env"]["POLICY_PACK"] / "PulumiPolicy.yaml").is_file()
    review = github_job(github["jobs"], "pull_request")
    assert '--policy-pack "$POLICY_PACK"' in run_step(review, "preview")
    assert any('-r "$POLICY_PACK/requirements.txt"' in str(s.get("run", "")) for s in review["steps"])
    test = github["jobs"]["test"]
    assert "pull_request" not in test["if"] and "'schedule'" in test["if"]  # runs on PRs and main
    runs = [str(s.get("run", "")) for s in test["steps"]]
    assert "python -m pytest tests" in runs and any("pytest" in r and "pip install" in r for r in runs)
    assert [s for s in test["steps"] if str(s.get("uses", "")).startswith("pulumi/actions@")] == [
        {"uses": "pulumi/actions@v7"}  # the CLI only, for the stack tests
    ]
    assert github_job(github["jobs"], "push")["needs"] == "test"
    assert "secrets." not in str(test)

    gitlab = load(GITLAB)
    assert gitlab["variables"]["POLICY_PACK"] == github["env"]["POLICY_PACK"]
    preview = "\n".join(gitlab_job(gitlab, '$CI_PIPELINE_SOURCE == "merge_request_event"')["script"])
    assert '--policy-pack "$POLICY_PACK"' in preview and '-r "$POLICY_PACK/requirements.txt"' in preview
    stages = gitlab["stages"]
    assert gitlab["test"]["stage"] == "test" and stages.index("test") < stages.index("deploy")
    assert "python3 -m pytest tests" in gitlab["test"]["script"]
    assert "variables" not in gitlab["test"]  # no credential mapped for the tests
