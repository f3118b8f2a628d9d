"""Every import path stored in states or used by programs keeps working after the package moved
into layer folders: the old module paths re-export the very same objects, and the commands run."""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

# old path -> (name, where it lives now)
MOVED = {
    "modelarts_provider.provider": [("WorkspaceProvider", "modelarts_provider.dynamic.workspace_provider")],
    "modelarts_provider.quota_provider": [("WorkspaceQuotasProvider", "modelarts_provider.dynamic.quotas_provider")],
    "modelarts_provider.resource": [
        ("Workspace", "modelarts_provider.dynamic.workspace"),
        ("WorkspaceArgs", "modelarts_provider.program.workspace"),
        ("Grant", "modelarts_provider.program.workspace"),
    ],
    "modelarts_provider.quota_resource": [
        ("WorkspaceQuotas", "modelarts_provider.dynamic.quotas"),
        ("WorkspaceQuotasArgs", "modelarts_provider.program.quotas"),
    ],
    "modelarts_provider.lookups": [
        (name, "modelarts_provider.program.lookups")
        for name in ("get_workspace", "get_workspaces_output", "GetWorkspaceResult", "WorkspaceQuotaInfo")
    ],
    "modelarts_provider.pytest_plugin": [
        ("modelarts_emulator", "modelarts_provider.tools.pytest_plugin"),
        ("pytest_addoption", "modelarts_provider.tools.pytest_plugin"),
    ],
}


@pytest.mark.parametrize("old", sorted(MOVED))
def test_an_old_module_path_gives_the_same_objects(old: str) -> None:
    module = importlib.import_module(old)
    for name, new in MOVED[old]:
        assert getattr(module, name) is getattr(importlib.import_module(new), name), (old, name)


def test_the_package_root_exports_what_it_always_did() -> None:
    import modelarts_provider

    for name in modelarts_provider.__all__:
        assert getattr(modelarts_provider, name) is not None, name
    lookups = importlib.import_module("modelarts_provider.program.lookups")
    assert modelarts_provider.get_workspace is lookups.get_workspace


@pytest.mark.parametrize(
    "command",
    [
        ["-m", "modelarts_provider", "--version"],
        ["-m", "modelarts_provider.emulator", "--help"],
        ["-m", "modelarts_provider.native", "--version"],
        ["-c", "from modelarts_provider.native.server import main; import sys; sys.argv[1:] = ['--version']; main()"],
    ],
)
def test_the_commands_still_run(command: list[str]) -> None:
    """`python -m ...` and the plugin's console-script entry point (`native.server:main`)."""
    run = subprocess.run([sys.executable, *command], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.strip(), command
