"""The pytest plugin users get with the package: the `modelarts_emulator` fixture serves a real
emulator on loopback, its environment and client reach it, faults fire, options and markers set
the timings, and nothing is left listening afterwards."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from modelarts_provider.core.errors import ApiError
from modelarts_provider.program.lookups import get_workspaces
from modelarts_provider.tools.pytest_plugin import RunningEmulator

pytest_plugins = ["pytester"]
REPO = Path(__file__).resolve().parents[1]


def test_fixture_serves_on_loopback_with_client_env_and_state(modelarts_emulator: RunningEmulator) -> None:
    parts = urlsplit(modelarts_emulator.url)
    assert parts.hostname == "127.0.0.1" and parts.port
    env = modelarts_emulator.env
    assert env["HW_MODELARTS_ENDPOINT"] == modelarts_emulator.url
    assert env["HW_AUTH_URL"] == modelarts_emulator.url + "/v3"
    assert env["HW_ACCESS_KEY"] == modelarts_emulator.credentials["access_key"]
    assert set(modelarts_emulator.env_for("password")) >= {"HW_USER_NAME", "HW_USER_PASSWORD", "HW_DOMAIN_NAME"}

    created = modelarts_emulator.client.create_workspace({"name": "team-a", "auth_type": "PRIVATE"})
    assert modelarts_emulator.workspace("team-a")["id"] == created.id
    assert [w["name"] for w in modelarts_emulator.workspaces()] == ["team-a"]
    assert {w["name"] for w in modelarts_emulator.workspaces(include_default=True)} == {"team-a", "default"}
    assert modelarts_emulator.counts()["POST"] == 1


def test_faults_fire_and_are_counted(modelarts_emulator: RunningEmulator) -> None:
    modelarts_emulator.add_fault("status", status=503, method="GET", path="/workspaces", count=1)
    assert len(modelarts_emulator.faults()) == 1
    modelarts_emulator.client.list_workspaces()  # the client retries the 503 once
    assert modelarts_emulator.counts()["GET"] == 2 and modelarts_emulator.faults() == []

    modelarts_emulator.add_fault("status", status=400, error_code="ModelArts.7006", method="POST", count=None)
    with pytest.raises(ApiError) as info:
        modelarts_emulator.client.create_workspace({"name": "over-quota"})
    assert info.value.error_code == "ModelArts.7006"
    modelarts_emulator.clear_faults()
    modelarts_emulator.reset_counts()
    assert modelarts_emulator.counts()["total"] == 0


def test_modelarts_env_sets_the_environment_for_code_that_reads_it(
    modelarts_env: RunningEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    modelarts_env.client.create_workspace({"name": "from-env"})
    # get_workspaces reads HW_* from os.environ, like a stack program does
    assert [w.name for w in get_workspaces("from-env").workspaces] == ["from-env"]


@pytest.mark.modelarts_emulator(delete_duration=0.5, max_workspaces=2)
def test_marker_sets_emulator_settings(modelarts_emulator: RunningEmulator) -> None:
    assert modelarts_emulator.config.delete_duration == 0.5
    assert modelarts_emulator.config.max_workspaces == 2


def test_options_markers_precedence_and_teardown(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    """In a user's project: options beat defaults, a marker beats options, a misspelt setting
    fails its test, and the emulator's port is closed once its test is over (same session)."""
    monkeypatch.setenv("PYTHONPATH", str(REPO))
    pytester.makepyfile(
        test_user="""
        import json, pathlib
        import pytest

        def test_options(modelarts_emulator):
            cfg = modelarts_emulator.config
            pathlib.Path("seen.json").write_text(json.dumps([modelarts_emulator.url, cfg.latency, cfg.delete_duration]))

        @pytest.mark.modelarts_emulator(latency=0.0)
        def test_marker(modelarts_emulator):
            assert modelarts_emulator.config.latency == 0.0
            assert modelarts_emulator.config.delete_duration == 0.7

        @pytest.mark.modelarts_emulator(colour="blue")
        def test_unknown(modelarts_emulator):
            pass

        def test_the_first_emulator_stopped_with_its_test():
            import socket
            from urllib.parse import urlsplit
            port = urlsplit(json.loads(pathlib.Path("seen.json").read_text())[0]).port
            with pytest.raises(OSError), socket.create_connection(("127.0.0.1", port), timeout=2):
                pass
        """
    )
    result = pytester.runpytest_subprocess(
        "-p", "modelarts_provider.pytest_plugin", "--modelarts-latency=0.01", "--modelarts-delete-duration=0.7",
    )  # fmt: skip
    result.assert_outcomes(passed=3, errors=1)
    result.stdout.fnmatch_lines(["*unknown setting(s)*colour*known:*delete_duration*"])
    _url, latency, delete_duration = json.loads((pytester.path / "seen.json").read_text())
    assert (latency, delete_duration) == (0.01, 0.7)


def test_help_lists_the_options() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "modelarts_provider.pytest_plugin", "--help"],
        cwd=REPO, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert "--modelarts-latency=SECONDS" in out.stdout and "--modelarts-delete-duration=SECONDS" in out.stdout
