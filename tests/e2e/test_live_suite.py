"""The opt-in live suite (tests/live) run against the emulator, as docs/live.md shows: it passes,
and when a step fails it still leaves no workspace with its prefix behind."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from modelarts_provider.emulator import Emulator, EmulatorConfig, Fault
from tests.conftest import hw_env
from tests.e2e.pulumi_cli import REPO, pulumi_bin_dir


@pytest.fixture(scope="module")
def emu() -> Iterator[Emulator]:
    with Emulator(EmulatorConfig(delete_duration=0.3)) as emulator:
        yield emulator


def run_live_suite(emu: Emulator, prefix: str, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HW_", "PULUMI_", "MODELARTS_"))}
    env.update(hw_env(emu), MODELARTS_LIVE="1", MODELARTS_LIVE_PREFIX=prefix)
    env["HW_PROJECT_ID"] = emu.config.project_id  # the sandbox project the suite asks for
    env["PATH"] = pulumi_bin_dir() + os.pathsep + env.get("PATH", "")
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:cacheprovider",
            "-q",
            "--basetemp",
            str(tmp_path),
            "tests/live",
            *args,
        ],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )


def left_with(emu: Emulator, prefix: str) -> list[str]:
    return [w["name"] for w in emu.workspaces() if w["name"].startswith(prefix)]


def test_the_documented_script_passes_the_live_suite_against_the_emulator(tmp_path: Path) -> None:
    """`scripts/live-against-emulator.sh` (docs/live.md): both faces, every step."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HW_", "PULUMI_", "MODELARTS_"))}
    env["PATH"] = pulumi_bin_dir() + os.pathsep + env.get("PATH", "")
    script = REPO / "scripts" / "live-against-emulator.sh"
    proc = subprocess.run(
        [str(script), "-q", "--basetemp", str(tmp_path)], cwd=REPO, env=env, capture_output=True, text=True, timeout=900
    )
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    assert "2 passed" in proc.stdout


def test_a_failing_step_still_leaves_nothing_behind(emu: Emulator, tmp_path: Path) -> None:
    """The update is refused (so the test fails), and so is the stack's own destroy: the sweep by
    prefix deletes the workspace."""
    emu.add_fault(Fault("status", method="PUT", path=r"/workspaces/[0-9a-f]{32}$", status=400, count=None))
    emu.add_fault(Fault("status", method="DELETE", status=400, count=1))
    try:
        proc = run_live_suite(emu, "e2e-broken-", tmp_path, "-k", "dynamic", "-s")
    finally:
        emu.clear_faults()
    assert proc.returncode == 1 and "1 failed" in proc.stdout, proc.stdout[-4000:]
    assert "update workspace" in proc.stdout and "swept ['e2e-broken-" in proc.stdout
    assert left_with(emu, "e2e-broken-") == []
