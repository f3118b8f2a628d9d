"""Drive the real `pulumi` CLI in a throwaway project with a local file backend, recording
everything it prints so tests can search it for secrets."""

from __future__ import annotations

import io
import json
import os
import shutil
import signal
import subprocess
import sys
import tarfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]

PROGRAM = '''\
"""Test program: the workspaces to declare come from program.json, rewritten between steps."""
import json

import pulumi

from modelarts_provider import Grant, Workspace, WorkspaceArgs

spec = json.load(open("program.json"))
providers = {}
created = {}
if spec.get("face") == "native":  # the same program through the native plugin
    from modelarts_provider.native.sdk import NativeProvider, NativeWorkspace as Workspace

    for item in spec.get("providers", []):  # explicit provider instances: other accounts or regions
        providers[item["resource"]] = NativeProvider(item["resource"], **item["args"])
for item in spec.get("workspaces", []):
    args = dict(item["args"])
    if "grants" in args:
        args["grants"] = [Grant(**g) for g in args["grants"]]
    opts = pulumi.ResourceOptions(provider=providers[item["provider"]]) if item.get("provider") else None
    if item.get("timeouts"):  # customTimeouts reach the native plugin
        timeouts = pulumi.CustomTimeouts(**item["timeouts"])
        opts = pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(custom_timeouts=timeouts))
    if item.get("secret"):  # these inputs as secret Outputs (keyword form)
        for key in item["secret"]:
            args[key] = pulumi.Output.secret(args[key])
        ws = Workspace(item["resource"], opts=opts, **args)
    else:
        ws = Workspace(item["resource"], WorkspaceArgs(**args), opts)
    pulumi.export(item["resource"], ws.workspace_id)
    created[item["resource"]] = ws  # for code a test appends (e.g. quotas wired from a workspace)
for item in spec.get("gets", []):
    ref = Workspace.get(item["resource"], item["id"])
    pulumi.export(item["resource"] + "_name", ref.name)
'''


def pulumi_bin_dir() -> str:
    """`pulumi` on PATH, else the cached build from scripts/get-pulumi.sh (built if needed)."""
    found = shutil.which("pulumi")
    if found:
        return str(Path(found).parent)
    out = subprocess.run([str(REPO / "scripts" / "get-pulumi.sh")], check=True, capture_output=True, text=True).stdout
    return out.strip().splitlines()[-1]


def changed_inputs(step: dict[str, Any]) -> set[str]:
    """The input properties whose old and new values differ: what `preview --diff` shows."""
    old = (step.get("oldState") or {}).get("inputs") or {}
    new = (step.get("newState") or {}).get("inputs") or {}
    return {k for k in set(old) | set(new) if k != "__provider" and old.get(k) != new.get(k)}


class PulumiFailed(AssertionError):
    pass


@dataclass
class Project:
    """One project directory + one stack, and a transcript of every command's output."""

    root: Path
    env: dict[str, str]
    stack: str = "e2e"
    face: str = "dynamic"  # or "native": the program declares NativeWorkspace
    transcript: list[str] = field(default_factory=list)

    @classmethod
    def create(cls, root: Path, extra_env: dict[str, str], name: str = "modelarts-e2e", stack: str = "e2e") -> Project:
        root.mkdir(parents=True, exist_ok=True)
        (root / "state").mkdir(exist_ok=True)
        (root / "Pulumi.yaml").write_text(f"name: {name}\nruntime: python\n")
        (root / "__main__.py").write_text(PROGRAM)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("HW_", "PULUMI_"))}
        env.update(
            {
                "PATH": pulumi_bin_dir() + os.pathsep + env.get("PATH", ""),
                "PYTHONPATH": str(REPO),
                "PULUMI_HOME": str(root / ".pulumi-home"),
                "PULUMI_BACKEND_URL": f"file://{root / 'state'}",
                "PULUMI_CONFIG_PASSPHRASE": "e2e-passphrase",
                "PULUMI_SKIP_UPDATE_CHECK": "true",
                "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
            }
        )
        env.update(extra_env)
        project = cls(root, env, stack)
        project.run("stack", "init", project.stack)
        return project

    def use_example(self, example: Path) -> None:
        """Replace the test program with a checked-in example project (e.g. examples/yaml)."""
        (self.root / "__main__.py").unlink(missing_ok=True)
        for path in example.iterdir():
            if path.is_file() and path.suffix in (".yaml", ".yml", ".py", ".ts", ".json", ".go", ".mod", ".sum"):
                shutil.copy(path, self.root / path.name)
        self.run("stack", "init", self.stack)  # stacks of a file backend belong to the project's name

    def program(
        self,
        workspaces: list[dict[str, Any]],
        gets: list[dict[str, str]] | None = None,
        providers: list[dict[str, Any]] | None = None,
    ) -> None:
        program = {"workspaces": workspaces, "gets": gets or [], "face": self.face, "providers": providers or []}
        (self.root / "program.json").write_text(json.dumps(program))

    def run(self, *args: str, check: bool = True, timeout: float = 600) -> subprocess.CompletedProcess[str]:
        cmd = ["pulumi", *args, "--non-interactive"]
        if args[0] not in ("stack", "plugin", "package") or args[:2] in (("stack", "export"), ("stack", "output")):
            cmd += ["--stack", self.stack]
        proc = subprocess.run(cmd, cwd=self.root, env=self.env, capture_output=True, text=True, timeout=timeout)
        self.transcript.append(f"$ {' '.join(cmd)}\n{proc.stdout}\n{proc.stderr}")
        if check and proc.returncode != 0:
            raise PulumiFailed(
                f"{' '.join(cmd)} exited {proc.returncode}\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}"
            )
        return proc

    def install_plugin(self, archive: Path) -> None:
        """The native plugin as a user of any language installs it, into this project's PULUMI_HOME."""
        version = archive.name.removeprefix("pulumi-resource-modelarts-v").removesuffix(".tar.gz")
        # run by this Python, which has the requirements: no private virtualenv per test project
        # (tests/e2e/test_release.py starts the plugin as users do, with its own virtualenv)
        self.env.setdefault("PULUMI_MODELARTS_PYTHON", sys.executable)
        self.run("plugin", "install", "resource", "modelarts", version, "--file", str(archive))

    def config(self, key: str, value: str, secret: bool = False) -> None:
        args = ["config", "set", key, value] + (["--secret"] if secret else [])
        self.run(*args)

    def up(self, *extra: str) -> subprocess.CompletedProcess[str]:
        return self.run("up", "--yes", "--skip-preview", *extra)

    def up_failing(self) -> str:
        """An `up` that must fail: its output (stdout and stderr)."""
        proc = self.run("up", "--yes", "--skip-preview", check=False)
        assert proc.returncode != 0, proc.stdout[-3000:]
        return proc.stdout + proc.stderr

    def kill_up_when(self, started: Callable[[], bool], log: Path, whole_group: bool) -> None:
        """`pulumi up` killed with SIGKILL as soon as `started()` holds (say, the emulator saw N
        POSTs): the `pulumi` process alone, as a user kills it, or its whole process group, as a CI
        runner cancels a job. Its output is in `log`; the processes it started may live on."""
        with log.open("w") as out:
            proc = subprocess.Popen(
                ["pulumi", "up", "--yes", "--skip-preview", "--non-interactive", "--stack", self.stack],
                cwd=self.root,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            try:
                deadline = time.monotonic() + 120
                while not started() and proc.poll() is None and time.monotonic() < deadline:
                    time.sleep(0.02)
                assert proc.poll() is None, "pulumi up ended before it could be killed"
                (os.killpg if whole_group else os.kill)(proc.pid, signal.SIGKILL)
            finally:
                if proc.poll() is None and not whole_group:
                    proc.kill()
                elif proc.poll() is None:
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=30)

    def preview_steps(self) -> dict[str, Any]:
        """`pulumi preview --json`: the planned operation of each resource by name (unchanged ones are
        not listed)."""
        proc = self.run("preview", "--json", "--diff")
        data = json.loads(proc.stdout)
        ops: dict[str, Any] = {}
        for step in data.get("steps", []):
            urn = step["urn"]
            if ("modelarts:Workspace" in urn or "modelarts:index:Workspace" in urn) and step["op"] not in (
                "create-replacement",
                "delete-replaced",
            ):
                ops[urn.rsplit("::", 1)[-1]] = step
        return {
            "ops": {name: step["op"] for name, step in ops.items()},
            "changed": {name: changed_inputs(step) for name, step in ops.items()},
            "steps": ops,
            "summary": data.get("changeSummary", {}),
        }

    def outputs(self) -> dict[str, Any]:
        return json.loads(self.run("stack", "output", "--json").stdout)

    def export(self, show_secrets: bool = False) -> str:
        args = ["stack", "export"] + (["--show-secrets"] if show_secrets else [])
        return self.run(*args).stdout


def without_program_runtime(text: str) -> str:
    """CLI output without what the Python *program's* runtime printed: the stack's progress lines
    and its Diagnostics block. When an `up` fails, the engine stops the program while an invoke is
    still in flight, and Pulumi's runner (`pulumi-language-python-exec`, `executor.shutdown`)
    sometimes prints a traceback of its own there. That is Pulumi's noise, not the provider's
    message, which stands under the resource; everything else is kept.
    Seen: the executor shutdown traceback, and a RegisterResource RPC error of the stopped program."""
    kept: list[str] = []
    in_stack_block = False
    for line in text.splitlines():
        if line.strip().startswith("pulumi:pulumi:Stack ("):
            in_stack_block = True
            continue
        if in_stack_block:
            # The block (which may hold blank lines) ends at the next resource header or section.
            if not line.strip() or len(line) - len(line.lstrip()) > 2:
                continue
            in_stack_block = False
        if "pulumi:pulumi:Stack" not in line:
            kept.append(line)
    return "\n".join(kept)


def package_at(commit: str, dest: Path, *also: str) -> Path:
    """The `modelarts_provider` package as it was at `commit` (and the files `also` names, e.g.
    that release's plugin build script), unpacked into `dest` (for a PYTHONPATH): how the
    compatibility tests run a previous release. Skips the test when the commit is not in this
    checkout's history (a shallow clone)."""
    archive = subprocess.run(
        ["git", "-C", str(REPO), "archive", commit, "modelarts_provider", *also], capture_output=True, check=False
    )
    if archive.returncode != 0:
        pytest.skip(f"commit {commit[:7]} is not in this checkout's history (shallow clone?)")
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(dest, filter="data")
    return dest
