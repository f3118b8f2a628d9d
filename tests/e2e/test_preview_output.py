"""What a reviewer reads: the human output of the real CLI (`preview --diff`, `up`), not the JSON.

An update lists exactly the changed inputs in the declared form (never the fields the server
fills in), a replacement names the property that forces it, progress while a delete is pending
is visible line by line, and a failing create is one line with the ModelArts code, message and
request id, without a Python traceback. The steps share one stack, so they run in order."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from modelarts_provider.emulator import Emulator, EmulatorConfig, Fault
from tests.conftest import hw_env
from tests.e2e.pulumi_cli import Project, without_program_runtime

EPS = "c0ffee00-1111-4222-8333-444455556666"
SERVER_FIELDS = ("user_id", "owner", "status", "status_info", "workspace_id", "create_time", "update_time")
# `~ description : "a" => "b"`, `+ user_name: "bob"`, `- [1]: {`: a changed property in --diff output
CHANGED = re.compile(r"^\s*([~+-]) (\[\d+\]|\w+)\s*:", re.MULTILINE)


@pytest.fixture(scope="module")
def emu() -> Iterator[Emulator]:
    with Emulator(EmulatorConfig(delete_duration=1.5)) as emulator:
        yield emulator


@pytest.fixture(scope="module")
def project(emu: Emulator, tmp_path_factory: pytest.TempPathFactory) -> Project:
    return Project.create(tmp_path_factory.mktemp("preview") / "project", hw_env(emu))


def program(**changes: dict[str, Any]) -> list[dict[str, Any]]:
    base: dict[str, dict[str, Any]] = {
        "docs": {"name": "out-docs", "description": "before"},
        "team": {"name": "out-team", "auth_type": "INTERNAL", "grants": [{"user_name": "alice"}]},
    }
    return [{"resource": r, "args": {**args, **changes.get(r, {})}} for r, args in base.items()]


MOVED = program(docs={"enterprise_project_id": EPS}, team={"enterprise_project_id": EPS})


def changed_properties(text: str) -> set[str]:
    return {name for _sign, name in CHANGED.findall(text)}


class TestPreviewOutput:
    def test_update_shows_only_the_changed_inputs_in_declared_form(self, emu: Emulator, project: Project) -> None:
        project.program(program())
        project.up()
        project.program(
            program(
                docs={"description": "after"},
                team={"grants": [{"user_name": "alice"}, {"user_name": "bob"}]},
            )
        )
        text = project.run("preview", "--diff").stdout
        assert re.search(r'~ description\s*: "before" => "after"', text), text
        assert re.search(r"~ grants\s*: \[", text) and re.search(r'\+ user_name: "bob"', text), text
        # the grant appears as declared (a name, IAM spelled out), not as the server completed it
        assert changed_properties(text) == {"description", "grants", "[1]", "user_name", "user_type"}, text
        for field in SERVER_FIELDS:
            assert not re.search(rf"\b{field}\b", text), f"{field} in preview:\n{text}"
        assert "~ 2 to update" in text

    def test_replacement_names_the_property_that_forces_it(self, project: Project) -> None:
        project.program(MOVED)
        text = project.run("preview", "--diff").stdout
        assert text.count("+-pulumi-python:dynamic/modelarts:Workspace: (replace)") == 2, text
        assert len(re.findall(rf'~ enterprise_project_id\s*: "0" => "{EPS}"', text)) == 2, text
        assert changed_properties(text) == {"enterprise_project_id"}, text
        assert "+-2 to replace" in text

    def test_up_names_the_replacement_cause_and_prints_no_progress_for_a_short_delete(self, project: Project) -> None:
        out = project.run("up", "--yes").stdout
        assert "[diff: ~enterprise_project_id]" in out, out
        # delete before create (the name stays); a 1.5 s wait for DELETING is not worth a line
        assert re.search(r"docs deleted original", out) and re.search(r"team deleted original", out), out
        assert "still DELETING" not in out and "Diagnostics" not in out, out
        project.run("preview", "--expect-no-changes")

    def test_failing_creates_are_one_line_with_code_message_and_request_id(
        self, emu: Emulator, project: Project, tmp_path: Path
    ) -> None:
        emu.add_fault(Fault("status", method="POST", status=400, error_code="ModelArts.7006"))
        project.program([*MOVED, {"resource": "quota", "args": {"name": "out-quota"}}])
        proc = project.run("up", "--yes", "--skip-preview", check=False)
        out = proc.stdout + proc.stderr
        assert proc.returncode != 0
        said = without_program_runtime(out)
        assert "Traceback" not in said and "Exception calling application" not in said and 'File "' not in said
        errors = [line for line in out.splitlines() if "ModelArts.7006" in line]
        assert errors, out
        for line in errors:
            assert re.search(
                r"create workspace 'out-quota' failed with HTTP 400 ModelArts\.7006: .+ \(request id \w+\)", line
            )

        emu.add_fault(Fault("create_failed", method="POST"))
        proc = project.run("up", "--yes", "--skip-preview", check=False)
        out = proc.stdout + proc.stderr
        assert proc.returncode != 0 and "Traceback" not in without_program_runtime(out)
        failed = [line for line in out.splitlines() if "CREATE_FAILED" in line]
        assert failed and all("out-quota" in line and "so it was deleted again" in line for line in failed), out
        assert not [w for w in emu.workspaces() if w["name"] == "out-quota" and w["status"] != "DELETING"]

    def test_scheduled_drift_check_fails_on_drift_without_saving_state(self, emu: Emulator, project: Project) -> None:
        """The CI examples' drift job: `preview --refresh --expect-no-changes`."""
        project.program(MOVED)
        docs = next(w for w in emu.workspaces() if w["name"] == "out-docs")
        emu.put_workspace_raw(docs["id"], description="edited in the console")
        drift = project.run("preview", "--refresh", "--expect-no-changes", "--diff", check=False)
        assert drift.returncode != 0
        # first what the refresh found (outputs, so update_time too), then what `up` would change
        found, plan = drift.stdout.split("pulumi:pulumi:Stack: (same)", 1)
        assert re.search(r'~ description\s*: "before" => "edited in the console"', found), drift.stdout
        assert re.search(r'~ description\s*: "edited in the console" => "before"', plan), drift.stdout
        assert changed_properties(plan) == {"description"}, drift.stdout
        project.run("preview", "--expect-no-changes")  # the refreshing preview did not save the state
