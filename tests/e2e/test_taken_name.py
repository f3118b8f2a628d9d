"""A taken workspace name through the real CLI, on both faces, with the emulator answering it with
codes other than its default 7002: no vendor source names that code (assumption taken-name-code,
docs/emulator.md), so the provider must recognise a taken name by looking it up. Creates never
duplicate (one name declared twice makes one workspace; a lost create answer met by the taken
name is tests/test_reliability.py's, which can make the look-up lag), a taken name is reported
clearly, and a holder that is gone between the refusal and the look-up is handled."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from modelarts_provider.emulator import Emulator, EmulatorConfig, Fault
from tests.conftest import hw_env
from tests.e2e.pulumi_cli import Project

LIST = "GET /v1/{project_id}/workspaces"
POST = "POST /v1/{project_id}/workspaces"


@pytest.fixture(scope="module")
def emu() -> Iterator[Emulator]:
    # the generic parameter error: the code a region might well use for a taken name
    with Emulator(EmulatorConfig(delete_duration=0.3, taken_name_code="ModelArts.0104")) as emulator:
        yield emulator


@pytest.fixture(scope="module", params=["dynamic", "native"])
def project(
    request: pytest.FixtureRequest, emu: Emulator, tmp_path_factory: pytest.TempPathFactory, plugin_archive: Path
) -> Project:
    proj = Project.create(tmp_path_factory.mktemp("taken") / "project", hw_env(emu))
    proj.face = request.param
    if proj.face == "native":
        proj.install_plugin(plugin_archive)
    return proj


def named(emu: Emulator, name: str) -> list[str]:
    return [w["id"] for w in emu.workspaces() if w["name"] == name]


def test_a_name_declared_twice_makes_one_workspace_and_a_clear_error(emu: Emulator, project: Project) -> None:
    name = f"twice-{project.face}"
    project.program([{"resource": "first", "args": {"name": name}}, {"resource": "second", "args": {"name": name}}])
    text = project.up_failing()
    [holder] = named(emu, name)
    hint = "pulumi import" if project.face == "native" else "adopt_by_name=True"
    assert f"a workspace named '{name}' already exists ({holder}); choose another name, or" in text and hint in text
    assert "ModelArts.0104" not in text  # the refusal's code is not what the user needs to read
    project.program([])
    project.up()
    assert named(emu, name) == []


def test_a_holder_gone_between_the_refusal_and_the_look_up(emu: Emulator, project: Project) -> None:
    """A workspace being deleted holds the name when the POST arrives (refused), and is gone by the
    time the provider's look-up is answered (held back by a latency fault until the test has
    removed it): the provider posts again and creates the one workspace."""
    name = f"released-{project.face}"
    holder = uuid.uuid4().hex
    emu.config.delete_duration = 600  # the holder stays DELETING until the test removes it
    emu.put_workspace_raw(holder, name=name, status="DELETING")
    emu.add_fault(Fault("latency", method="GET", path=r"/workspaces$", seconds=3))
    emu.reset_counts()

    def remove_holder_during_the_look_up() -> None:
        until = time.monotonic() + 120
        while emu.route_counts().get(LIST, 0) < 1 and time.monotonic() < until:
            time.sleep(0.02)
        emu.remove_workspace_raw(holder)

    remover = threading.Thread(target=remove_holder_during_the_look_up, daemon=True)
    remover.start()
    try:
        project.program([{"resource": "released", "args": {"name": name}}])
        project.up()
    finally:
        remover.join(timeout=130)
        emu.config.delete_duration = 0.3
        emu.clear_faults()
    [created] = named(emu, name)
    assert created != holder and project.outputs()["released"] == created
    assert emu.route_counts()[POST] == 2  # refused while held, accepted once free
    project.program([])
    project.up()
