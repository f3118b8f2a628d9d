"""A release installs from its artifacts alone, as docs/install.md says: `scripts/release.sh`
builds them, and each is installed in a fresh directory whose processes see nothing of this
checkout (no PYTHONPATH, the checkout on no PATH): the wheel in a new virtualenv runs the example
stack, the plugin archive runs the YAML example and prepares its own virtualenv on first start,
once when two plugin processes start together. The emulator is the only piece from the checkout:
it stands in for the cloud on 127.0.0.1."""

from __future__ import annotations

import email
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tarfile
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import pytest

from modelarts_provider.emulator import Emulator
from tests.conftest import hw_env
from tests.docblocks import marked
from tests.e2e.pulumi_cli import REPO, pulumi_bin_dir
from tests.e2e.test_docs import logical_lines, ok, run_block
from tests.e2e.venvs import WHEELHOUSE, fill_wheelhouse

VERSION = subprocess.run([str(REPO / "scripts" / "version.sh")], capture_output=True, text=True).stdout.strip()
PLUGIN = f"pulumi-resource-modelarts-v{VERSION}.tar.gz"
NPM = f"modelarts-provider-modelarts-{VERSION}.tgz"
GO_MODULE = "github.com/modelarts-provider/modelarts-provider/sdk/go"


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("release")
    env = {**os.environ, "npm_config_prefer_offline": "true"}  # npm's cache first: no revalidation round trips
    script = str(REPO / "scripts" / "release.sh")
    printed = subprocess.run(
        [script, str(out)], env=env, capture_output=True, text=True, check=True, timeout=300
    ).stdout.split()
    names = [Path(p).name for p in printed]
    assert names == [
        f"modelarts_provider-{VERSION}-py3-none-any.whl",
        f"modelarts_provider-{VERSION}.tar.gz",
        PLUGIN,
        NPM,
        f"v{VERSION}.zip",
        f"v{VERSION}.mod",
        f"v{VERSION}.info",
        "SHA256SUMS",
    ]
    check = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=out, capture_output=True, text=True)
    assert check.returncode == 0 and check.stdout.count(": OK") == 7, check.stdout + check.stderr
    return out


def user_env(root: Path, emu: Emulator) -> dict[str, str]:
    """A user's shell: Python 3 and the Pulumi CLI on PATH, and nothing of this checkout."""
    python_dir = str(Path(sys.executable).parent)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HW_", "PULUMI_", "PYTHON", "VIRTUAL_ENV"))}
    env.update(hw_env(emu))
    env.update(
        PATH=os.pathsep.join([pulumi_bin_dir(), python_dir, "/usr/bin", "/bin"]),
        HOME=str(root / "home"),
        PULUMI_HOME=str(root / "home" / ".pulumi"),
        PULUMI_BACKEND_URL=f"file://{root / 'state'}",
        PULUMI_CONFIG_PASSPHRASE="release-test",
        PULUMI_SKIP_UPDATE_CHECK="true",
        PULUMI_SKIP_CONFIRMATIONS="true",
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION="true",
    )
    assert str(REPO) not in env["PATH"]
    (root / "home").mkdir(parents=True)
    (root / "state").mkdir()
    return env


def project_from(example: Path, root: Path, artifact: Path) -> Path:
    """The example's files and the artifact in a new directory, as a user has them."""
    project = root / "project"
    project.mkdir()
    for path in example.iterdir():
        if path.is_file() and path.suffix in (".yaml", ".py"):
            shutil.copy(path, project / path.name)
    shutil.copy(artifact, project / artifact.name)
    return project


def pulumi(project: Path, env: dict[str, str], *args: str) -> str:
    proc = subprocess.run(
        ["pulumi", *args, "--non-interactive"], cwd=project, env=env, capture_output=True, text=True, timeout=600
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return proc.stdout


def live_names(emu: Emulator) -> set[str]:
    return {w["name"] for w in emu.workspaces() if w["id"] != "0" and w["status"] != "DELETING"}


def requirements_of(wheel: Path) -> list[str]:
    """The wheel's runtime requirements, from its metadata."""
    with zipfile.ZipFile(wheel) as archive:
        (name,) = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
        meta = email.message_from_bytes(archive.read(name))
    return [r for r in meta.get_all("Requires-Dist") or [] if "extra ==" not in r]


def test_the_wheel_in_a_new_virtualenv_runs_the_example_stack(release: Path, emu: Emulator, tmp_path: Path) -> None:
    env = user_env(tmp_path, emu)
    project = project_from(REPO, tmp_path, release / f"modelarts_provider-{VERSION}-py3-none-any.whl")
    pulumi(project, env, "stack", "init", "dev")
    block = marked("install-wheel")
    assert [c.split()[0] for c in logical_lines(block.text)] == ["python3", "pip", "pulumi"]
    # pip takes the dependencies from the wheels a test keeps outside the repository (PyPI fills
    # them when they are missing): pip settings, so the block's command line stays as documented
    fill_wheelhouse(requirements_of(release / f"modelarts_provider-{VERSION}-py3-none-any.whl"))
    env.update(PIP_NO_INDEX="1", PIP_FIND_LINKS=str(WHEELHOUSE))
    ok(run_block(block, project, env, timeout=900))
    assert live_names(emu) == {"demo-private", "demo-internal"}
    installed = project / "venv" / "bin" / "python"
    where = subprocess.run(
        [str(installed), "-c", "import modelarts_provider as m; print(m.__file__)"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
    )
    assert Path(where.stdout.strip()).is_relative_to(project / "venv"), where
    for command in (["-m", "modelarts_provider", "--version"], ["-m", "modelarts_provider.native.server", "--version"]):
        reported = subprocess.run([str(installed), *command], cwd=project, env=env, capture_output=True, text=True)
        assert reported.stdout.split()[-1] == VERSION, reported
    activated = {**env, "PATH": f"{project / 'venv' / 'bin'}{os.pathsep}{env['PATH']}"}
    pulumi(project, activated, "preview", "--expect-no-changes")
    pulumi(project, activated, "destroy", "--yes")
    assert live_names(emu) == set()


def test_the_plugin_archive_runs_the_yaml_example_with_its_own_virtualenv(
    release: Path, emu: Emulator, tmp_path: Path
) -> None:
    env = user_env(tmp_path, emu)
    project = project_from(REPO / "examples" / "yaml", tmp_path, release / PLUGIN)
    pulumi(project, env, "stack", "init", "dev")
    block = marked("install-plugin")
    assert [c.split()[:3] for c in logical_lines(block.text)] == [["pulumi", "plugin", "install"], ["pulumi", "up"]]
    steps = ok(run_block(block, project, env, timeout=900))  # first start: packages from PyPI
    assert "yaml-team" in live_names(emu)
    plugin_dir = Path(env["PULUMI_HOME"]) / "plugins" / f"resource-modelarts-v{VERSION}"
    ready = plugin_dir / f"venv-py{sys.version_info[0]}.{sys.version_info[1]}" / ".ready"
    assert ready.is_file(), steps[-1].output
    assert json.loads(pulumi(project, env, "package", "get-schema", "modelarts"))["version"] == VERSION
    ready_since = ready.stat().st_mtime
    pulumi(project, env, "preview", "--expect-no-changes")
    pulumi(project, env, "destroy", "--yes")
    assert ready.stat().st_mtime == ready_since, "later starts reuse the virtualenv"
    assert live_names(emu) == set()


def language_tools_env(*tools: str) -> dict[str, str]:
    """The language's tools and the system's, nothing of this checkout; their caches (npm's,
    Go's modules and builds) as the user has them."""
    found = [shutil.which(tool) for tool in tools]
    if not all(found):
        pytest.fail(f"{', '.join(tools)} needed on PATH for this test (CI has them)")
    dirs = dict.fromkeys(str(Path(p).parent) for p in found if p)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PULUMI_", "PYTHON", "VIRTUAL_ENV"))}
    env["PATH"] = os.pathsep.join([*dirs, "/usr/bin", "/bin"])
    assert str(REPO) not in env["PATH"]
    return env


def build(command: list[str], cwd: Path, env: dict[str, str]) -> str:
    proc = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, f"{' '.join(command)}\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    return proc.stdout


def test_the_npm_tarball_builds_the_typescript_example(release: Path, tmp_path: Path) -> None:
    env = language_tools_env("node", "npm")
    project = tmp_path / "project"
    shutil.copytree(REPO / "examples" / "typescript", project, ignore=shutil.ignore_patterns("node_modules", "bin"))
    shutil.copy(release / NPM, project / NPM)
    env["npm_config_prefer_offline"] = "true"  # npm's cache first: no revalidation round trips
    ok(run_block(marked("install-npm"), project, env, timeout=900))
    installed = project / "node_modules" / "@modelarts-provider" / "modelarts" / "package.json"
    assert json.loads(installed.read_text())["version"] == VERSION
    assert json.loads((project / "package.json").read_text())["dependencies"]["@modelarts-provider/modelarts"] == (
        f"file:{NPM}"
    )
    build(["npx", "--no-install", "tsc", "--noEmit", "-p", "."], project, env)


def test_the_go_module_zip_builds_the_go_example(release: Path, tmp_path: Path) -> None:
    env = language_tools_env("go")
    project = tmp_path / "project"
    shutil.copytree(REPO / "examples" / "go", project)
    shutil.copytree(release / "goproxy", project / "goproxy")
    build(["go", "mod", "edit", f"-dropreplace={GO_MODULE}"], project, env)  # the checkout's SDK: not here
    # the module cache must not already hold this version (an earlier run's download of it)
    cache = Path(build(["go", "env", "GOMODCACHE"], project, env).strip())
    for old in (cache / "cache" / "download" / GO_MODULE, cache / f"{GO_MODULE}@v{VERSION}"):
        if old.exists():
            subprocess.run(["chmod", "-R", "u+w", str(old)], check=True)
            shutil.rmtree(old)
    ok(run_block(marked("install-go"), project, env, timeout=900))
    build(["go", "build", "-o", os.devnull, "."], project, {**env, "GOFLAGS": "-mod=mod"})
    listed = json.loads(build(["go", "list", "-m", "-json", GO_MODULE], project, env))
    assert listed["Version"] == f"v{VERSION}" and "Replace" not in listed, listed
    assert Path(listed["Dir"]).is_relative_to(cache), listed
    zipped = release / "goproxy" / GO_MODULE / "@v" / f"v{VERSION}.zip"
    assert (cache / "cache" / "download" / GO_MODULE / "@v" / f"v{VERSION}.zip").read_bytes() == zipped.read_bytes()


@pytest.fixture
def unpacked_plugin(release: Path, tmp_path: Path) -> Path:
    """The archive as `pulumi plugin install` leaves it: unpacked into a directory of its own."""
    plugin = tmp_path / "resource-modelarts"
    plugin.mkdir()
    with tarfile.open(release / PLUGIN) as archive:
        archive.extractall(plugin, filter="data")
    return plugin


def wheelhouse_for(plugin: Path) -> Path:
    """The plugin's pinned requirements as wheels on disk: how an offline site installs it."""
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check", "--find-links",
         str(WHEELHOUSE), "--dest", str(WHEELHOUSE), "-r", str(plugin / "requirements.txt")],
        capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-3000:]
    return WHEELHOUSE


def plugin_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PULUMI_", "PYTHON", "VIRTUAL_ENV"))}
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), "/usr/bin", "/bin"])
    return env | extra


@pytest.fixture
def started() -> Iterator[list[subprocess.Popen[str]]]:
    processes: list[subprocess.Popen[str]] = []
    yield processes
    for proc in processes:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def port_line(stdout: IO[str] | None, proc: subprocess.Popen[str], timeout: float) -> str:
    """The plugin's first stdout line (its port, the engine handshake), read within `timeout`."""
    assert stdout is not None
    deadline = time.monotonic() + timeout
    os.set_blocking(stdout.fileno(), False)
    line = ""
    while time.monotonic() < deadline and not line.endswith("\n"):
        chunk = stdout.readline()
        line += chunk or ""
        if not chunk:
            assert proc.poll() is None, f"plugin exited {proc.returncode}: {proc.stderr.read() if proc.stderr else ''}"
            time.sleep(0.1)
    return line


def test_two_plugin_starts_at_once_install_once_and_later_starts_reuse_it(
    unpacked_plugin: Path, started: list[subprocess.Popen[str]]
) -> None:
    env = plugin_env(PULUMI_MODELARTS_WHEELHOUSE=str(wheelhouse_for(unpacked_plugin)))
    launcher = str(unpacked_plugin / "pulumi-resource-modelarts")
    engine = "127.0.0.1:9"  # the engine's address: the plugin only dials it when it logs
    for _ in range(2):
        started.append(
            subprocess.Popen([launcher, engine], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        )
    ports = [port_line(proc.stdout, proc, 600) for proc in started]
    assert all(port.strip().isdigit() for port in ports), ports
    log = (unpacked_plugin / f"venv-py{sys.version_info[0]}.{sys.version_info[1]}.log").read_text()
    assert log.count("pip install") == 1 and "Successfully installed" in log, log[-2000:]
    for proc in started:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=30)
    said = [proc.stderr.read() if proc.stderr else "" for proc in started]
    assert sum("first start: installing" in text for text in said) == 1, said
    begun = time.monotonic()
    third = subprocess.Popen([launcher, engine], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    started.append(third)
    assert port_line(third.stdout, third, 60).strip().isdigit()
    assert (unpacked_plugin / f"venv-py{sys.version_info[0]}.{sys.version_info[1]}.log").read_text() == log
    print(f"third start answered in {time.monotonic() - begun:.1f}s")


def older_pythons() -> list[Path]:
    found = [shutil.which(f"python3.{minor}") for minor in range(6, 10)]
    pyenv = sorted(Path.home().glob(".pyenv/versions/3.[6-9].*/bin/python3.[6-9]"))
    return [Path(p).resolve() for p in [*found, *pyenv] if p]


def one_line_failure(command: list[str], env: dict[str, str]) -> str:
    proc = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 1 and proc.stdout == "", proc
    lines = proc.stderr.splitlines()
    assert len(lines) <= 2 and lines[-1].startswith("pulumi-resource-modelarts: "), proc.stderr
    return lines[-1]


def test_a_missing_or_old_python_and_a_failed_install_are_one_line(unpacked_plugin: Path, tmp_path: Path) -> None:
    launcher = str(unpacked_plugin / "pulumi-resource-modelarts")
    bare = tmp_path / "bare-bin"  # a PATH with the tools the launcher uses, and no Python
    bare.mkdir()
    os.symlink(shutil.which("dirname") or "/usr/bin/dirname", bare / "dirname")
    line = one_line_failure(["/bin/sh", launcher, "127.0.0.1:9"], {"PATH": str(bare), "HOME": str(tmp_path)})
    assert "needs Python 3.10 or newer: install it so that python3 is on PATH" in line
    old = next((p for p in older_pythons() if p.read_bytes()[:4] == b"\x7fELF"), None)  # not a pyenv shim
    if old:  # else only the messages without Python and of a failed install are checked here
        os.symlink(old, bare / "python3")
        line = one_line_failure(["/bin/sh", launcher, "127.0.0.1:9"], {"PATH": str(bare), "HOME": str(tmp_path)})
        assert re.search(r"needs Python 3.10 or newer, python3 is 3\.[6-9]\.\d+: put a newer python3 first", line), line
    empty = tmp_path / "empty-wheelhouse"
    empty.mkdir()
    line = one_line_failure([launcher, "127.0.0.1:9"], plugin_env(PULUMI_MODELARTS_WHEELHOUSE=str(empty)))
    assert "installing its Python packages into" in line and "failed (pip exited 1: ERROR:" in line
    assert "PULUMI_MODELARTS_WHEELHOUSE" in line and "PIP_INDEX_URL" in line
    assert not (unpacked_plugin / f"venv-py{sys.version_info[0]}.{sys.version_info[1]}" / ".ready").exists()
