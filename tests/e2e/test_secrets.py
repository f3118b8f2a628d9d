"""No secret anywhere, through the real CLI: with credentials in `HW_*` variables (AK/SK, then a
password), at `-v=9 --logtostderr`, on success and on failure, the secret key, the password,
every IAM token and every AK/SK signature the emulator received are absent from the CLI output,
the state (`--show-secrets` too, the base64 provider blob decoded), and every file the CLI left
behind (checkpoints, backups, history, logs). Secrets in stack config get a warning."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from modelarts_provider.api import signing
from modelarts_provider.emulator import Emulator, EmulatorConfig, Fault
from tests.e2e.pulumi_cli import Project
from tests.e2e.reliability import CREATE_PATH, env_changed, hw_env

VERBOSE = ("-v=9", "--logtostderr")
PROGRAM = [
    {"resource": "open", "args": {"name": "sec-open"}},
    {"resource": "team", "args": {"name": "sec-team", "auth_type": "INTERNAL", "grants": [{"user_name": "zoe"}]}},
]


@pytest.fixture(scope="module")
def signatures() -> list[str]:
    return []


@pytest.fixture(scope="module")
def emu(signatures: list[str]) -> Iterator[Emulator]:
    """The emulator, recording the signature of every AK/SK request it receives."""
    with Emulator(EmulatorConfig(delete_duration=0.2, password="Secret-Password-0042")) as emulator:
        authn = emulator._state.authn
        verify = authn._verify_signature

        def recording(*args: Any) -> Any:
            fields = signing.parse_authorization(args[-1])
            if fields:
                signatures.append(fields["Signature"])
            return verify(*args)

        authn._verify_signature = recording  # type: ignore[method-assign]
        yield emulator


@pytest.fixture(scope="module")
def project(emu: Emulator, tmp_path_factory: pytest.TempPathFactory) -> Project:
    root = tmp_path_factory.mktemp("secrets") / "project"
    # glog writes its files to TMPDIR: keep them inside the project, where the search looks
    (root / "tmp").mkdir(parents=True)
    return Project.create(root, {**hw_env(emu, "aksk"), "TMPDIR": str(root / "tmp")})


def everything(project: Project) -> str:
    """The CLI transcript, the state with secrets shown and the provider blob decoded, and every
    file under the project (state, backups, history, locks, logs, plugin caches)."""
    parts = ["\n".join(project.transcript), project.export(show_secrets=True)]
    for resource in json.loads(parts[-1])["deployment"].get("resources") or []:
        blob = (resource.get("inputs") or {}).get("__provider")
        if isinstance(blob, str):
            parts.append(base64.b64decode(blob).decode("latin-1"))
    for path in project.root.rglob("*"):
        if path.is_file() and path.stat().st_size < 50_000_000:
            parts.append(path.read_bytes().decode("latin-1"))
    return "\n".join(parts)


def test_nothing_secret_anywhere_with_environment_credentials(
    emu: Emulator, project: Project, signatures: list[str]
) -> None:
    cfg = emu.config
    project.program(PROGRAM)
    project.up(*VERBOSE)  # AK/SK
    project.run("refresh", "--yes", "--skip-preview", *VERBOSE)
    project.run("preview", "--diff", *VERBOSE)
    # failures print errors: their text must be clean too
    emu.add_fault(Fault(kind="create_failed", method="POST", path=CREATE_PATH))
    project.program([*PROGRAM, {"resource": "doomed", "args": {"name": "sec-doomed"}}])
    assert project.run("up", "--yes", "--skip-preview", *VERBOSE, check=False).returncode != 0
    project.program(PROGRAM)
    with env_changed(project, HW_SECRET_KEY="wrong-secret-key-value"):
        assert project.run("refresh", "--yes", "--skip-preview", *VERBOSE, check=False).returncode != 0
    # then a password, with a token that expires in the middle
    password = hw_env(emu, "password")
    with env_changed(project, HW_ACCESS_KEY=None, HW_SECRET_KEY=None, **password):
        project.program([*PROGRAM, {"resource": "late", "args": {"name": "sec-late"}}])
        project.up(*VERBOSE)
        emu.expire_tokens()
        project.run("refresh", "--yes", "--skip-preview", *VERBOSE)
        with env_changed(project, HW_USER_PASSWORD="wrong-password-value"):
            assert project.run("refresh", "--yes", "--skip-preview", *VERBOSE, check=False).returncode != 0
        project.run("destroy", "--yes", "--skip-preview", *VERBOSE)

    haystack = everything(project)
    assert "sec-team" in haystack
    tokens = emu.issued_tokens()
    assert len(signatures) >= 6 and len(tokens) >= 2, "both ways in should have been used"
    secrets = {
        "secret key": cfg.secret_key,
        "password": cfg.password,
        "wrong secret key": "wrong-secret-key-value",
        "wrong password": "wrong-password-value",
    }
    secrets.update({f"token {i}": token for i, token in enumerate(tokens)})
    secrets.update({f"signature {i}": sig for i, sig in enumerate(signatures)})
    leaked = [what for what, value in secrets.items() if value in haystack]
    assert leaked == []
    assert "SDK-HMAC-SHA256 Access=" not in haystack and "X-Auth-Token" not in haystack
    assert len(haystack) > 100_000  # the verbose logs really were searched


def test_secrets_in_stack_config_are_warned_about(emu: Emulator, project: Project) -> None:
    project.program(PROGRAM[:1])
    with env_changed(project, HW_SECRET_KEY=None):
        project.config("huaweicloud:secretKey", emu.config.secret_key, secret=True)
        try:
            text = project.run("preview").stdout
        finally:
            project.run("config", "rm", "huaweicloud:secretKey")
    assert "huaweicloud:secretKey set in stack config" in text and "HW_* environment variables" in text
    assert emu.config.secret_key not in text


def test_turning_tls_verification_off_is_announced(emu: Emulator, project: Project, tmp_path: Path) -> None:
    with env_changed(project, HW_INSECURE="true"):
        proc = project.run("up", "--yes", "--skip-preview")
        project.run("destroy", "--yes", "--skip-preview")
    assert "TLS certificate verification is OFF" in proc.stdout + proc.stderr
