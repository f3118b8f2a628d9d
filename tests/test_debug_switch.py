"""The debug switch (`modelarts:debug` / `HW_MODELARTS_DEBUG`): one stderr line per API call
attempt with the method, path, status, request id, duration and retries, and nothing secret."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from typing import Any

import pytest

from modelarts_provider.api.client import ModelArtsClient
from modelarts_provider.core.errors import ConfigurationError, ModelArtsError
from modelarts_provider.core.settings import resolve
from modelarts_provider.emulator import Emulator, Fault
from modelarts_provider.tools.pytest_plugin import stack_env
from tests.conftest import settings_for

LINE = re.compile(
    r"^modelarts-debug: (?P<method>[A-Z]+) (?P<path>/\S*) -> (?P<outcome>.+?)(?: request_id=(?P<rid>\w+))? "
    r"(?P<seconds>\d+\.\d{3})s attempt (?P<attempt>\d+)(?:; (?P<then>.+))?$"
)


def debug_lines(text: str) -> list[dict[str, Any]]:
    """The debug lines of an output, each once (Pulumi shows a provider's stderr line in its
    progress and again under Diagnostics, indented)."""
    found = [
        line[line.index("modelarts-debug:") :].rstrip() for line in text.splitlines() if "modelarts-debug:" in line
    ]
    lines = list(dict.fromkeys(found))
    parsed = [LINE.match(line) for line in lines]
    assert all(parsed), lines
    return [m.groupdict() for m in parsed if m]


def secrets_of(emu: Emulator) -> list[str]:
    cfg = emu.config
    return [cfg.secret_key, cfg.password, cfg.security_token, *emu.issued_tokens(), *emu.temporary_credentials()]


@pytest.mark.parametrize(
    ("config", "environ", "expected"),
    [
        ({}, {}, False),
        ({}, {"HW_MODELARTS_DEBUG": "1"}, True),
        ({}, {"HW_MODELARTS_DEBUG": "true"}, True),
        ({"modelarts:debug": "true"}, {}, True),
        ({"modelarts:debug": True}, {}, True),
        ({"modelarts:debug": "false"}, {"HW_MODELARTS_DEBUG": "1"}, False),  # stack config wins
    ],
)
def test_one_setting_from_stack_config_or_the_environment(
    config: dict[str, Any], environ: dict[str, str], expected: bool
) -> None:
    assert resolve(config=config, environ=environ).debug is expected


def test_a_bad_value_names_the_setting() -> None:
    with pytest.raises(ConfigurationError, match="HW_MODELARTS_DEBUG must be true or false"):
        resolve(environ={"HW_MODELARTS_DEBUG": "verbose"})


@pytest.mark.parametrize("method", ["aksk", "password"])
def test_every_attempt_is_one_line_with_status_request_id_duration_and_retries(
    emu: Emulator, capsys: pytest.CaptureFixture[str], method: str
) -> None:
    emu.add_fault(Fault("status", method="GET", path=r"/workspaces/0$", status=503))
    with ModelArtsClient(settings_for(emu, method, debug=True)) as client:
        made = client.create_workspace({"name": "debugged"})
        client.get_workspace("0")
        with pytest.raises(ModelArtsError):
            client.get_workspace("f" * 32)
    err = capsys.readouterr().err
    lines = debug_lines(err)
    modelarts = [line for line in lines if line["path"].startswith("/v1/")]
    project = emu.config.project_id
    seen = [(line["method"], line["path"], line["outcome"], line["attempt"], line["then"]) for line in modelarts]
    assert seen == [
        ("POST", f"/v1/{project}/workspaces", "200", "1", None),
        ("GET", f"/v1/{project}/workspaces/0", "503 ModelArts.7001", "1", seen[1][4]),
        ("GET", f"/v1/{project}/workspaces/0", "200", "2", None),
        ("GET", f"/v1/{project}/workspaces/{'f' * 32}", "400 ModelArts.7005", "1", None),
    ]
    assert re.fullmatch(r"retrying in \d+\.\ds", seen[1][4] or "")  # the backoff, with jitter
    assert all(line["rid"] and len(line["rid"]) == 32 for line in modelarts)
    assert made.id not in err or f"/workspaces/{made.id}" not in err  # only what was called
    iam = [line for line in lines if line["path"].startswith("/v3/")]
    assert len(iam) == 1 and iam[0]["outcome"] in ("200", "201")  # the project look-up or the token
    for secret in secrets_of(emu):
        assert secret not in err
    assert "Signature" not in err and "X-Auth-Token" not in err and "Authorization" not in err


def test_the_switch_is_off_by_default(emu: Emulator, capsys: pytest.CaptureFixture[str]) -> None:
    with ModelArtsClient(settings_for(emu)) as client:
        client.get_workspace("0")
    assert "modelarts-debug" not in capsys.readouterr().err


def test_the_cli_prints_the_calls_to_stderr_with_the_environment_variable(emu: Emulator) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HW_")}
    env.update(stack_env(emu, "password"), HW_MODELARTS_DEBUG="1")
    proc = subprocess.run(
        [sys.executable, "-m", "modelarts_provider", "workspaces", "list"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert "modelarts-debug" not in proc.stdout  # the table stays clean for pipes
    lines = debug_lines(proc.stderr)
    assert [(line["method"], line["path"].split("?")[0]) for line in lines] == [
        ("POST", "/v3/auth/tokens"),
        ("GET", f"/v1/{emu.config.project_id}/workspaces"),
    ]
    for secret in secrets_of(emu):
        assert secret not in proc.stderr


def test_an_explicit_native_provider_takes_the_switch(
    emu: Emulator, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`debug: true` as an argument of a native provider instance (or `modelarts:debug`)."""
    from pulumi.provider.experimental.provider import CheckRequest, CreateRequest

    from tests.test_native import URN, configured, run, wire

    provider = configured(emu, monkeypatch, workers=1, debug=True)
    inputs = run(provider.check(CheckRequest(URN, {}, wire(name="native-debug"), b""))).inputs
    assert inputs is not None
    created = run(provider.create(CreateRequest(URN, inputs, 0.0, preview=False)))
    lines = debug_lines(capsys.readouterr().err)
    posts = [line for line in lines if line["method"] == "POST" and line["path"].endswith("/workspaces")]
    assert [(line["outcome"], bool(line["rid"])) for line in posts] == [("200", True)] and created.resource_id
    quiet = configured(emu, monkeypatch, workers=1)
    quiet_inputs = run(quiet.check(CheckRequest(URN, {}, wire(name="native-quiet"), b""))).inputs
    assert quiet_inputs is not None
    run(quiet.create(CreateRequest(URN, quiet_inputs, 0.0, preview=False)))
    assert "modelarts-debug" not in capsys.readouterr().err
