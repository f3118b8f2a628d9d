"""End to end with the real Pulumi CLI and engine: one stack, driven step by step as a user
would, against the emulator on loopback. The steps share the stack, so they run in order."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from modelarts_provider.api.client import ModelArtsClient
from modelarts_provider.core.settings import resolve
from modelarts_provider.emulator import Emulator, EmulatorConfig
from tests.e2e.pulumi_cli import Project, without_program_runtime

EPS = "b7e3c1a2-1111-4222-8333-444455556666"
PASSWORD = "e2e-Password-4711"


@pytest.fixture(scope="module")
def emu() -> Iterator[Emulator]:
    with Emulator(EmulatorConfig(delete_duration=0.5, password=PASSWORD)) as emulator:
        yield emulator


@pytest.fixture(scope="module")
def project(emu: Emulator, tmp_path_factory: pytest.TempPathFactory) -> Project:
    # Secrets through the environment: Pulumi stores every stack config value handed to a
    # dynamic provider (encrypted) in the state, the environment it never stores.
    proj = Project.create(tmp_path_factory.mktemp("e2e") / "project", {"HW_USER_PASSWORD": PASSWORD})
    cfg = emu.config
    proj.config("huaweicloud:region", cfg.region)
    proj.config("huaweicloud:authUrl", emu.url + "/v3")
    proj.config("modelarts:endpoint", emu.url)
    proj.config("huaweicloud:domainName", cfg.domain)
    proj.config("huaweicloud:userName", cfg.user)
    return proj


def api(emu: Emulator) -> ModelArtsClient:
    cfg = emu.config
    return ModelArtsClient(
        resolve(
            explicit={
                "region": cfg.region,
                "modelarts_endpoint": emu.url,
                "access_key": cfg.access_key,
                "secret_key": cfg.secret_key,
                "project_id": cfg.project_id,
            },
            environ={},
        )
    )


def by_name(emu: Emulator) -> dict[str, dict[str, Any]]:
    return {w["name"]: w for w in emu.workspaces() if w["id"] != "0" and w["status"] != "DELETING"}


BASE = [
    {"resource": "public", "args": {"name": "e2e-public", "description": "open to all"}},
    {
        "resource": "internal",
        "args": {
            "name": "e2e-internal",
            "auth_type": "internal",  # lower case on purpose: no perpetual diff
            "grants": [{"user_name": "zoe"}, {"user_name": "adam"}],
        },
    },
    {"resource": "private", "args": {"name": "e2e-private", "auth_type": "PRIVATE"}},
]


def with_args(resource: str, **changes: Any) -> list[dict[str, Any]]:
    out = []
    for item in BASE:
        args = dict(item["args"])
        if item["resource"] == resource:
            args.update(changes)
        out.append({"resource": item["resource"], "args": args})
    return out


class TestStack:
    def test_preview_plans_creates_without_api_writes(self, emu: Emulator, project: Project) -> None:
        project.program(BASE)
        emu.reset_counts()
        plan = project.preview_steps()
        assert plan["ops"] == {"public": "create", "internal": "create", "private": "create"}
        counts = emu.counts()
        assert counts["POST"] == counts["PUT"] == counts["DELETE"] == 0

    def test_up_creates_and_next_preview_is_empty(self, emu: Emulator, project: Project) -> None:
        emu.reset_counts()
        project.up()
        live = by_name(emu)
        assert set(live) == {"e2e-public", "e2e-internal", "e2e-private"}
        assert {g["user_name"] for g in live["e2e-internal"]["grants"]} == {"zoe", "adam"}
        outputs = project.outputs()
        assert outputs["internal"] == live["e2e-internal"]["id"]
        counts = emu.counts()
        assert counts["POST"] == 3 and counts["IAM"] == 1
        emu.reset_counts()
        project.run("preview", "--expect-no-changes")
        assert emu.counts()["total"] == 0  # a no-change preview makes no API call

    def test_refresh_then_no_changes(self, project: Project) -> None:
        project.run("refresh", "--yes", "--skip-preview")
        project.run("preview", "--expect-no-changes")

    def test_in_place_updates_touch_only_the_changed_resources(self, emu: Emulator, project: Project) -> None:
        program = with_args("public", description="updated text")
        program[1]["args"]["grants"] = [{"user_name": "adam"}, {"user_name": "eve"}]
        program[2]["args"]["auth_type"] = "PUBLIC"
        project.program(program)
        before = {name: w["id"] for name, w in by_name(emu).items()}
        plan = project.preview_steps()
        assert plan["ops"] == {"public": "update", "internal": "update", "private": "update"}
        assert plan["changed"] == {"public": {"description"}, "internal": {"grants"}, "private": {"auth_type"}}
        project.up()
        live = by_name(emu)
        assert {name: w["id"] for name, w in live.items()} == before
        assert live["e2e-public"]["description"] == "updated text"
        assert {g["user_name"] for g in live["e2e-internal"]["grants"]} == {"adam", "eve"}
        assert live["e2e-private"]["auth_type"] == "public"
        project.run("preview", "--expect-no-changes")
        BASE[0]["args"]["description"] = "updated text"
        BASE[1]["args"]["grants"] = [{"user_name": "adam"}, {"user_name": "eve"}]
        BASE[2]["args"]["auth_type"] = "PUBLIC"

    def test_enterprise_project_change_replaces(self, emu: Emulator, project: Project) -> None:
        old_id = by_name(emu)["e2e-private"]["id"]
        project.program(with_args("private", enterprise_project_id=EPS))
        plan = project.preview_steps()
        assert plan["ops"]["private"] == "replace" and "public" not in plan["ops"]
        assert plan["changed"]["private"] == {"enterprise_project_id"}
        project.up()
        live = by_name(emu)["e2e-private"]
        assert live["id"] != old_id and live["enterprise_project_id"] == EPS
        BASE[2]["args"]["enterprise_project_id"] = EPS
        project.run("preview", "--expect-no-changes")

    def test_drift_is_shown_after_refresh_and_corrected_by_up(self, emu: Emulator, project: Project) -> None:
        target = by_name(emu)["e2e-public"]
        emu.put_workspace_raw(target["id"], description="edited in the console")
        project.run("preview", "--expect-no-changes")  # without refresh the state is the truth
        project.run("refresh", "--yes", "--skip-preview")
        plan = project.preview_steps()
        assert plan["ops"]["public"] == "update" and "internal" not in plan["ops"]
        assert plan["changed"]["public"] == {"description"}
        project.up()
        assert by_name(emu)["e2e-public"]["description"] == "updated text"
        project.run("preview", "--expect-no-changes")

    def test_out_of_band_delete_is_dropped_and_recreated(self, emu: Emulator, project: Project) -> None:
        gone = by_name(emu)["e2e-internal"]["id"]
        emu.remove_workspace_raw(gone)
        project.run("refresh", "--yes", "--skip-preview")
        assert project.preview_steps()["ops"]["internal"] == "create"
        project.up()
        assert by_name(emu)["e2e-internal"]["id"] != gone
        project.run("preview", "--expect-no-changes")

    def test_bad_input_fails_preview_before_any_api_call(self, emu: Emulator, project: Project) -> None:
        project.program(with_args("public", name="bad name!"))
        emu.reset_counts()
        proc = project.run("preview", check=False)
        assert proc.returncode != 0
        text = proc.stdout + proc.stderr
        assert "name" in text and "letters, digits" in text
        assert "Traceback" not in without_program_runtime(text)
        assert emu.counts()["total"] == 0

    def test_adoption_and_get(self, emu: Emulator, project: Project) -> None:
        existing = api(emu).create_workspace({"name": "e2e-legacy", "description": "made by hand"})
        program = [dict(item) for item in BASE]
        program.append(
            {
                "resource": "legacy",
                "args": {"name": "e2e-legacy", "description": "made by hand", "adopt_id": existing.id},
            }
        )
        project.program(program, gets=[{"resource": "default", "id": "0"}])
        emu.reset_counts()
        project.up()
        assert emu.counts()["POST"] == 0 and emu.counts()["PUT"] == 0
        assert project.outputs()["legacy"] == existing.id and project.outputs()["default_name"] == "default"
        project.run("preview", "--expect-no-changes")

    def test_destroy_leaves_only_the_default_workspace(self, emu: Emulator, project: Project) -> None:
        project.run("destroy", "--yes", "--skip-preview")
        assert [w["id"] for w in emu.workspaces()] == ["0"]

    def test_no_secret_in_state_or_output(self, emu: Emulator, project: Project, tmp_path: Path) -> None:
        project.program(BASE[:1])
        project.run("up", "--yes", "--skip-preview", "-v=9", "--logtostderr")
        state = project.export(show_secrets=True)
        assert "e2e-public" in state
        haystack = state + "\n".join(project.transcript)
        tokens = emu.issued_tokens()
        assert tokens, "the run should have used a password token"
        for secret in [PASSWORD, emu.config.secret_key, *tokens]:
            assert secret not in haystack
        project.run("destroy", "--yes", "--skip-preview")
