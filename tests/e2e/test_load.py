"""Load end to end: a stack of 100 workspaces created, refreshed, updated and destroyed through the
real `pulumi` CLI, once with the default parallelism and once with `--parallel 32`, while the
emulator answers bursts of requests with 5xx and 429 (with Retry-After). After each step the live
workspaces are exactly the declared ones, and each command used exactly one IAM token.
docs/reliability.md quotes the figures measured here."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from modelarts_provider.emulator import Emulator, EmulatorConfig
from tests.e2e.pulumi_cli import Project
from tests.e2e.reliability import (
    CREATE_PATH,
    ONE_PATH,
    Figures,
    add_faults,
    assert_converged,
    hw_env,
    live,
    state_ids,
    workspaces,
)

SIZE = 100
FIGURES = Figures("load")
THROTTLED = {"kind": "status", "status": 429, "error_code": "ModelArts.2799", "retry_after": 0.5}


@pytest.fixture(scope="module")
def emu() -> Iterator[Emulator]:
    with Emulator(EmulatorConfig(delete_duration=0.3)) as emulator:
        yield emulator
    FIGURES.save()


@pytest.fixture(scope="module")
def project(emu: Emulator, tmp_path_factory: pytest.TempPathFactory) -> Project:
    return Project.create(tmp_path_factory.mktemp("load") / "project", hw_env(emu))


def program(description: str = "") -> list[dict[str, Any]]:
    return workspaces("load", SIZE, description=description) if description else workspaces("load", SIZE)


@pytest.mark.parametrize("parallel", [None, 32], ids=["default-parallelism", "parallel-32"])
def test_hundred_workspaces_under_5xx_and_429(emu: Emulator, project: Project, parallel: int | None) -> None:
    flags = ("--parallel", str(parallel)) if parallel else ()
    label = f"parallel {parallel}" if parallel else "default parallelism (8)"

    # create: 5xx answers to POST have an unknown outcome (looked up by name), 429s are retried
    project.program(program())
    # (429s first: a burst of 5xx meeting the same resource 4 times in a row would be a real failure)
    post_429 = add_faults(emu, "POST", CREATE_PATH, {**THROTTLED, "count": 10})
    post_5xx = add_faults(emu, "POST", CREATE_PATH, {"kind": "status", "status": 503, "count": 3})
    post_5xx += add_faults(emu, "POST", CREATE_PATH, {"kind": "status", "status": 502, "count": 2})
    with FIGURES.step(f"{label}: create {SIZE}", emu, faults=post_5xx + post_429) as record:
        project.up(*flags)
    assert emu.faults() == []
    assert_converged(emu, project, program())
    requests = record["requests"]
    assert requests["IAM"] == 1
    assert requests["POST"] == SIZE + post_5xx + post_429  # every fault cost exactly one more POST
    assert requests.get("GET", 0) == post_5xx  # one look-up by name per unknown outcome

    # refresh: every GET fault costs exactly one more GET
    get_faults = add_faults(
        emu, "GET", ONE_PATH, {"kind": "status", "status": 503, "count": 10}, {**THROTTLED, "count": 10}
    )
    before = state_ids(project)
    with FIGURES.step(f"{label}: refresh {SIZE}", emu, faults=get_faults) as record:
        project.run("refresh", "--yes", "--skip-preview", *flags)
    assert record["requests"] == {"IAM": 1, "GET": SIZE + get_faults, "total": 1 + SIZE + get_faults}
    assert state_ids(project) == before
    assert_converged(emu, project, program())

    # update in place: one PUT and one GET each, plus one per fault
    updated = program("updated under load")
    project.program(updated)
    put_faults = add_faults(
        emu, "PUT", ONE_PATH, {"kind": "status", "status": 500, "count": 5}, {**THROTTLED, "count": 5}
    )
    get_faults = add_faults(emu, "GET", ONE_PATH, {"kind": "status", "status": 503, "count": 5})
    with FIGURES.step(f"{label}: update {SIZE}", emu, faults=put_faults + get_faults) as record:
        project.up(*flags)
    requests = record["requests"]
    assert (requests["IAM"], requests["PUT"], requests["GET"]) == (1, SIZE + put_faults, SIZE + get_faults)
    assert {w["description"] for w in live(emu).values()} == {"updated under load"}
    assert state_ids(project) == before  # updated in place, never replaced
    assert_converged(emu, project, updated)

    # destroy: one DELETE each plus one per fault, then polls until each is gone
    delete_faults = add_faults(
        emu, "DELETE", ONE_PATH, {"kind": "status", "status": 503, "count": 5}, {**THROTTLED, "count": 5}
    )
    poll_faults = add_faults(emu, "GET", ONE_PATH, {"kind": "status", "status": 502, "count": 5})
    with FIGURES.step(f"{label}: destroy {SIZE}", emu, faults=delete_faults + poll_faults) as record:
        project.run("destroy", "--yes", "--skip-preview", *flags)
    requests = record["requests"]
    assert (requests["IAM"], requests["DELETE"]) == (1, SIZE + delete_faults)
    assert requests["GET"] >= SIZE + poll_faults
    assert [w["id"] for w in emu.workspaces()] == ["0"]
    assert state_ids(project) == {}
