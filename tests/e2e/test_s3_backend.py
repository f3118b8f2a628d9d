"""The state in an S3-compatible object store, as Huawei Cloud teams keep it in an OBS bucket:
the real CLI with `PULUMI_BACKEND_URL=s3://BUCKET?endpoint=...&region=...&s3ForcePathStyle=true`
(the form docs/gitops.md gives for OBS) and the `AWS_*` keys, against a local S3-compatible
server (moto, from PyPI in a virtualenv of its own, on 127.0.0.1).

Two pipelines share the stack: while one `pulumi up` runs, a second one on the same stack fails
at once with Pulumi's lock message and changes nothing; the stored state is the first one's
result. The provider's secret (a `huaweicloud:secretKey` in stack config, which Pulumi stores
with the dynamic provider) is only ciphertext in the checkpoint object read from the server."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from modelarts_provider.emulator import Emulator, EmulatorConfig
from tests.conftest import hw_env
from tests.e2e.pulumi_cli import Project
from tests.e2e.venvs import cached_venv

S3_SERVER = ["moto[s3]==5.2.5", "flask==3.1.3", "flask-cors==6.0.5"]
BUCKET = "ml-platform-pulumi-state"
REGION = "cn-north-4"
PROJECT = "modelarts-e2e"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def s3() -> Iterator[str]:
    """An S3-compatible server on 127.0.0.1 with an empty bucket; stopped by its pid."""
    python = cached_venv("s3-server", S3_SERVER)
    port = free_port()
    server = subprocess.Popen(
        [str(python.parent / "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                requests.put(f"{url}/{BUCKET}", timeout=5).raise_for_status()
                break
            except requests.ConnectionError:
                assert server.poll() is None and time.monotonic() < deadline, "the S3 server did not start"
                time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


def backend_env(s3_url: str) -> dict[str, str]:
    """What a pipeline sets for an OBS bucket (docs/gitops.md), pointed at the local server. The
    AWS SDK must not look for other credentials (no shared files, no instance metadata)."""
    return {
        "PULUMI_BACKEND_URL": f"s3://{BUCKET}?endpoint={s3_url}&region={REGION}&s3ForcePathStyle=true",
        "AWS_ACCESS_KEY_ID": "OBSACCESSKEYEXAMPLE",
        "AWS_SECRET_ACCESS_KEY": "obs-secret-access-key-example",
        "AWS_CONFIG_FILE": "/dev/null",
        "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
        "AWS_EC2_METADATA_DISABLED": "true",
    }


READER = """
import sys, boto3
s3 = boto3.client("s3", endpoint_url=sys.argv[1], region_name=sys.argv[2])
if sys.argv[3] == "list":
    for item in s3.list_objects_v2(Bucket=sys.argv[4], Prefix=sys.argv[5]).get("Contents", []):
        print(item["Key"])
else:
    sys.stdout.buffer.write(s3.get_object(Bucket=sys.argv[4], Key=sys.argv[5])["Body"].read())
"""


def s3_read(s3_url: str, *args: str) -> bytes:
    """Read the bucket with boto3 (in the server's virtualenv), signed with the pipeline's keys:
    what is stored, seen by another S3 client than Pulumi's."""
    env = {"PATH": "/usr/bin:/bin", **backend_env(s3_url)}
    env.pop("PULUMI_BACKEND_URL")
    python = cached_venv("s3-server", S3_SERVER)
    proc = subprocess.run([str(python), "-c", READER, s3_url, REGION, *args], env=env, capture_output=True, timeout=60)
    assert proc.returncode == 0, proc.stderr.decode()[-3000:]
    return proc.stdout


def objects(s3_url: str, prefix: str) -> list[str]:
    return s3_read(s3_url, "list", BUCKET, prefix).decode().split()


def checkpoint(s3_url: str, stack: str) -> bytes:
    """The stack's state object, read from the server, not through Pulumi."""
    return s3_read(s3_url, "get", BUCKET, f".pulumi/stacks/{PROJECT}/{stack}.json")


def live(emu: Emulator) -> dict[str, dict[str, Any]]:
    return {w["name"]: w for w in emu.workspaces() if w["id"] != "0" and w["status"] != "DELETING"}


def workspace_resources(exported: str) -> dict[str, str]:
    resources = json.loads(exported)["deployment"].get("resources") or []
    return {r["urn"]: r["id"] for r in resources if r["type"].endswith("modelarts:Workspace")}


def s3_project(root: Path, emu: Emulator, s3_url: str, stack: str) -> Project:
    env = hw_env(emu)
    secret_key = env.pop("HW_SECRET_KEY")
    project = Project.create(root, {**env, **backend_env(s3_url)}, name=PROJECT, stack=stack)
    project.config("huaweicloud:secretKey", secret_key, secret=True)
    assert not any((root / "state").iterdir()), "nothing is stored on the local disk"
    return project


def test_up_preview_destroy_with_the_state_in_s3(emu: Emulator, s3: str, tmp_path: Path) -> None:
    project = s3_project(tmp_path / "p", emu, s3, "obs")
    project.program([{"resource": "team", "args": {"name": "s3-team", "description": "state in OBS"}}])
    project.up()
    assert set(live(emu)) == {"s3-team"}
    assert project.preview_steps()["ops"] == {}
    stored = checkpoint(s3, "obs")
    assert workspace_resources(json.dumps({"deployment": json.loads(stored)["checkpoint"]["latest"]})) == {
        f"urn:pulumi:obs::{PROJECT}::pulumi-python:dynamic/modelarts:Workspace::team": live(emu)["s3-team"]["id"]
    }
    secret_key = emu.config.secret_key
    assert secret_key.encode() not in stored and b"ciphertext" in stored
    assert secret_key in project.export(show_secrets=True)  # it is in there, encrypted
    assert objects(s3, ".pulumi/locks/") == []
    project.run("destroy", "--yes")
    assert live(emu) == {}
    assert secret_key.encode() not in checkpoint(s3, "obs")


@pytest.fixture
def slow_emulator() -> Iterator[Emulator]:
    """Every API answer takes 0.5 s, so that the first `up` is still running when the second starts."""
    with Emulator(EmulatorConfig(delete_duration=0.3, latency=0.5)) as emulator:
        yield emulator


def test_a_second_up_on_a_locked_stack_fails_at_once_and_changes_nothing(
    slow_emulator: Emulator, s3: str, tmp_path: Path
) -> None:
    emu = slow_emulator
    first = s3_project(tmp_path / "pipeline-a", emu, s3, "shared")
    first.program([{"resource": f"a{i}", "args": {"name": f"lock-a{i}"}} for i in range(3)])
    # another pipeline's checkout of the same project: same stack file (its encryption salt), other program
    root = tmp_path / "pipeline-b"
    shutil.copytree(first.root, root, ignore=shutil.ignore_patterns(".pulumi-home", "state"))
    (root / "state").mkdir()
    second = Project(root, {**first.env, "PULUMI_HOME": str(root / ".pulumi-home")}, "shared")
    second.program([{"resource": "b", "args": {"name": "lock-b"}}])

    log = tmp_path / "first-up.log"
    with log.open("w") as out:
        running = subprocess.Popen(
            ["pulumi", "up", "--yes", "--skip-preview", "--non-interactive", "--stack", "shared"],
            cwd=first.root,
            env=first.env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 120
            while not objects(s3, ".pulumi/locks/"):
                assert running.poll() is None and time.monotonic() < deadline, log.read_text()[-3000:]
                time.sleep(0.1)
            begun = time.monotonic()
            refused = second.run("up", "--yes", "--skip-preview", check=False)
            took = time.monotonic() - begun
            assert running.poll() is None, "the first up was still running while the second was refused"
        finally:
            running.wait(timeout=300)
    assert running.returncode == 0, log.read_text()[-3000:]
    said = refused.stdout + refused.stderr
    assert refused.returncode != 0
    assert "the stack is currently locked by 1 lock(s)" in said and "pulumi cancel" in said, said[-3000:]
    print(f"the second up was refused after {took:.1f}s")
    assert took < 30, f"the second up took {took:.1f}s to fail"
    assert emu.counts().get("POST", 0) == 3 and set(live(emu)) == {"lock-a0", "lock-a1", "lock-a2"}

    exported = first.export()
    assert workspace_resources(exported) == {
        f"urn:pulumi:shared::{PROJECT}::pulumi-python:dynamic/modelarts:Workspace::a{i}": live(emu)[f"lock-a{i}"]["id"]
        for i in range(3)
    }
    assert second.export() == exported  # both pipelines see the first one's result
    assert objects(s3, ".pulumi/locks/") == []
    first.run("destroy", "--yes")
    assert live(emu) == {}
