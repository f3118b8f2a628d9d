"""Shared by the fault, load and security end-to-end tests: what "converged" means (exactly the
declared workspaces, each once, each in the state under its live id, no pending operation),
fault patterns, and the figures the tests measure (docs/reliability.md quotes them)."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from modelarts_provider.emulator import Emulator, Fault
from tests import conftest
from tests.e2e.pulumi_cli import Project

WORKSPACE_TYPE = "pulumi-python:dynamic/modelarts:Workspace"
CREATE_PATH = r"^/v1/[^/]+/workspaces$"  # POST (create) and GET (list)
ONE_PATH = r"^/v1/[^/]+/workspaces/[0-9a-f]{32}$"  # GET, PUT, DELETE of one workspace
TOKEN_PATH = r"^/v3/auth/tokens$"


def hw_env(emu: Emulator, method: str = "password") -> dict[str, str]:
    """conftest.hw_env, with a password (an IAM token) by default: the token is what these tests
    count."""
    return conftest.hw_env(emu, method)


def workspaces(prefix: str, count: int, **args: Any) -> list[dict[str, Any]]:
    return [{"resource": f"{prefix}{i}", "args": {"name": f"{prefix}-{i:03d}", **args}} for i in range(count)]


def deployment(project: Project) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(project.export())["deployment"]
    return data


def state_ids(project: Project) -> dict[str, str]:
    """Resource name -> workspace id, for every workspace in the stack's state."""
    return {
        r["urn"].rsplit("::", 1)[-1]: r["id"]
        for r in deployment(project).get("resources") or []
        if r["type"] == WORKSPACE_TYPE
    }


def live(emu: Emulator) -> dict[str, dict[str, Any]]:
    """Every workspace but the default one, by name (names are unique in ModelArts)."""
    return {w["name"]: w for w in emu.workspaces() if w["id"] != "0"}


def assert_converged(emu: Emulator, project: Project, program: list[dict[str, Any]]) -> None:
    """Nothing lost, nothing duplicated, nothing orphaned: the live workspaces are exactly the
    declared ones, all NORMAL, and the state holds each under its live id, with nothing pending."""
    found = [w for w in emu.workspaces() if w["id"] != "0"]
    declared = {item["args"]["name"]: item["resource"] for item in program}
    assert sorted(w["name"] for w in found) == sorted(declared), "live workspaces differ from the program"
    assert {w["name"]: w["status"] for w in found} == dict.fromkeys(declared, "NORMAL")
    by_name = {w["name"]: w["id"] for w in found}
    assert state_ids(project) == {resource: by_name[name] for name, resource in declared.items()}
    assert not deployment(project).get("pending_operations")


@contextmanager
def env_changed(project: Project, **changes: str | None) -> Iterator[None]:
    """Run some commands with other environment variables (None removes one)."""
    saved = dict(project.env)
    for key, value in changes.items():
        if value is None:
            project.env.pop(key, None)
        else:
            project.env[key] = value
    try:
        yield
    finally:
        project.env.clear()
        project.env.update(saved)


def add_faults(emu: Emulator, method: str, path: str, *faults: dict[str, Any]) -> int:
    """Queue faults for one kind of request, in order; returns how many requests they hit."""
    total = 0
    for spec in faults:
        fault = Fault(method=method, path=path, **spec)
        emu.add_fault(fault)
        total += fault.count or 0
    return total


class Figures:
    """Measured numbers of one test module, printed at the end and, when RELIABILITY_FIGURES
    names a directory, written there as JSON (how docs/reliability.md got its figures)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.steps: dict[str, dict[str, Any]] = {}

    @contextmanager
    def step(self, label: str, emu: Emulator, **extra: Any) -> Iterator[dict[str, Any]]:
        emu.reset_counts()
        record: dict[str, Any] = dict(extra)
        start = time.monotonic()
        try:
            yield record
        finally:
            record["seconds"] = round(time.monotonic() - start, 1)
            record["requests"] = {k: v for k, v in emu.counts().items() if v}
            self.steps[label] = record

    def save(self) -> None:
        text = json.dumps(self.steps, indent=2, sort_keys=True)
        print(f"\n{self.name} figures:\n{text}")
        where = os.environ.get("RELIABILITY_FIGURES")
        if where:
            Path(where).mkdir(parents=True, exist_ok=True)
            (Path(where) / f"{self.name}.json").write_text(text + "\n")
